import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runFsnas } from '../testing';

interface StatusFile {
  path: string;
  found: string | null;
  status: string;
  served_by?: string | null;
}
interface StatusJson {
  files: StatusFile[];
  datasets: { name: string; served_by: string | null; found: string | null }[];
}

const BINARY = 'cifar10/cifar-10-batches-bin';
const TAR = 'cifar10/cifar10_jpeg.tar';
const saved = process.env['FSNAS_DATA_DIR'];
afterEach(() => {
  if (saved === undefined) delete process.env['FSNAS_DATA_DIR'];
  else process.env['FSNAS_DATA_DIR'] = saved;
});

describe('fsnas data status', () => {
  it('names the JPEG tar as the source of CIFAR-10 when the binary is absent, and the binary as not needed', async () => {
    delete process.env['FSNAS_DATA_DIR'];
    const json = await runFsnas('data', 'status', '--json');
    expect(json.status).toBe(0);
    const out = JSON.parse(json.stdout) as StatusJson;
    const file = (path: string) => out.files.find((f) => f.path === path);
    expect(file(TAR)).toMatchObject({ status: 'found', served_by: TAR });
    expect(file(BINARY)).toMatchObject({ found: null, status: 'not_needed', served_by: TAR });
    expect(out.datasets.find((d) => d.name === 'cifar10')).toMatchObject({ served_by: TAR });
    expect(out.datasets.find((d) => d.name === 'cifar100')).toMatchObject({ served_by: null, found: null });

    const text = await runFsnas('data', 'status');
    expect(text.stdout).not.toMatch(/MISSING\s+cifar10\//);
    expect(text.stdout).toMatch(/not needed\s+cifar10\/cifar-10-batches-bin .*served by cifar10\/cifar10_jpeg\.tar/);
    expect(text.stdout).toMatch(/cifar10: cifar10\/cifar10_jpeg\.tar/);
    expect(text.stdout).toMatch(/MISSING\s+cifar100\/cifar-100-binary/);
  });

  it('prefers the official binary when both are present, and marks the tar as found but not used', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-status-'));
    mkdirSync(join(dir, BINARY), { recursive: true });
    for (const f of ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin']) writeFileSync(join(dir, BINARY, f), '');
    process.env['FSNAS_DATA_DIR'] = dir;
    const out = JSON.parse((await runFsnas('data', 'status', '--json')).stdout) as StatusJson;
    const file = (path: string) => out.files.find((f) => f.path === path);
    expect(file(BINARY)).toMatchObject({ found: join(dir, BINARY), status: 'found', served_by: BINARY });
    expect(file(TAR)).toMatchObject({ status: 'not_used', served_by: BINARY });
    expect(out.datasets.find((d) => d.name === 'cifar10')).toMatchObject({ served_by: BINARY, found: join(dir, BINARY) });
  });
});
