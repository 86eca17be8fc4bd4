import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataNotFoundError, Progress, Rng, dataDirs, datasetSource, formatSeconds, resolveDataFile, workspaceRoot, writeFileAtomic } from './index';

describe('data discovery', () => {
  it('searches FSNAS_DATA_DIR, then ./data, then ../shared/data', () => {
    const dirs = dataDirs({ FSNAS_DATA_DIR: '/x/y' });
    expect(dirs).toEqual(['/x/y', join(workspaceRoot(), 'data'), join(workspaceRoot(), '..', 'shared', 'data')]);
  });

  it('prefers FSNAS_DATA_DIR over the shared folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-data-'));
    mkdirSync(join(dir, 'nb201'));
    writeFileSync(join(dir, 'nb201', 'nats_tss_test_acc_200ep.csv'), 'x');
    expect(resolveDataFile('nb201/nats_tss_test_acc_200ep.csv', { FSNAS_DATA_DIR: dir })).toBe(
      join(dir, 'nb201', 'nats_tss_test_acc_200ep.csv'),
    );
  });

  it('explains a missing file: places searched, official source and the fetch command', () => {
    let error: unknown;
    try {
      resolveDataFile('cifar100/cifar-100-binary/train.bin', { FSNAS_DATA_DIR: '/nonexistent' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataNotFoundError);
    const message = (error as Error).message;
    expect(message).toContain('/nonexistent/cifar100/cifar-100-binary/train.bin');
    expect(message).toContain('cs.toronto.edu');
    expect(message).toContain('npx fsnas data fetch cifar100');
  });

  it('names the source that serves a dataset: the first of its sources found, in order of preference', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-data-'));
    const env = { FSNAS_DATA_DIR: dir };
    const shared = datasetSource('cifar10', {});
    mkdirSync(join(dir, 'cifar10'));
    writeFileSync(join(dir, 'cifar10', 'cifar10_jpeg.tar'), '');
    // The tar in FSNAS_DATA_DIR serves unless the binary is found in any data folder.
    if (shared?.source.path !== 'cifar10/cifar-10-batches-bin') expect(datasetSource('cifar10', env)?.found).toBe(join(dir, 'cifar10', 'cifar10_jpeg.tar'));
    mkdirSync(join(dir, 'cifar10', 'cifar-10-batches-bin'));
    expect(datasetSource('cifar10', env)).toMatchObject({ source: { path: 'cifar10/cifar-10-batches-bin' }, found: join(dir, 'cifar10', 'cifar-10-batches-bin') });
    expect(datasetSource('no-such-dataset', env)).toBeNull();
  });
});

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = Array.from({ length: 5 }, ((r) => () => r.nextUint32())(new Rng(7)));
    const b = Array.from({ length: 5 }, ((r) => () => r.nextUint32())(new Rng(7)));
    const c = Array.from({ length: 5 }, ((r) => () => r.nextUint32())(new Rng(8)));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('draws uniform and normal values with the right moments', () => {
    const r = new Rng(1);
    const n = 20000;
    const u = Array.from({ length: n }, () => r.uniform());
    const z = Array.from({ length: n }, () => r.normal());
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(mean(u)).toBeCloseTo(0.5, 1);
    expect(mean(z)).toBeCloseTo(0, 1);
    expect(mean(z.map((x) => x * x))).toBeCloseTo(1, 1);
  });

  it('samples distinct indices and shuffles into a permutation', () => {
    const r = new Rng(3);
    const s = r.sample(100, 30);
    expect(new Set(s).size).toBe(30);
    expect(r.shuffle([...Array(10).keys()]).sort((x, y) => x - y)).toEqual([...Array(10).keys()]);
    expect(() => r.sample(3, 4)).toThrow(RangeError);
  });
});

describe('Progress', () => {
  it('reports done/total, rate and ETA', () => {
    let t = 0;
    const lines: string[] = [];
    const stream = { write: (s: string) => lines.push(s), isTTY: false } as unknown as NodeJS.WritableStream;
    const p = new Progress({ label: 'split', total: 4, unit: 'node', intervalMs: 0, stream, now: () => t, quiet: false });
    t = 2000;
    p.tick(1, 'node 0');
    expect(lines.at(-1)).toBe('split 1/4 node 0 | 0.50 node/s | ETA 6.0s\n');
    t = 8000;
    p.tick(3);
    expect(lines.at(-1)).toBe('split 4/4 | 0.50 node/s | done in 8.0s\n');
    expect(formatSeconds(3725)).toBe('1h02m');
  });
});

describe('writeFileAtomic', () => {
  it('replaces the whole file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-atomic-'));
    const file = join(dir, 'sub', 'out.json');
    writeFileAtomic(file, 'first');
    writeFileAtomic(file, 'second');
    expect(readFileSync(file, 'utf8')).toBe('second');
  });
});
