import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CorruptDataError, InvalidInputError } from '@fsnas/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR_DOWNLOADS, DownloadError, fetchCifar } from './fetch';
import { loadCifar100 } from './datasets';
import { makeTar, tempDir } from './testing';

/** A miniature cifar-100-binary.tar.gz: two records per file, plus the label-name files. */
function miniCifar100(): Uint8Array {
  const record = (coarse: number, fine: number): Uint8Array => {
    const r = new Uint8Array(3074).fill(fine);
    r[0] = coarse;
    r[1] = fine;
    return r;
  };
  const two = (a: Uint8Array, b: Uint8Array): Uint8Array => Buffer.concat([a, b]);
  return gzipSync(
    makeTar([
      { name: 'cifar-100-binary', type: 'directory' },
      { name: 'cifar-100-binary/train.bin', data: two(record(1, 10), record(2, 20)) },
      { name: 'cifar-100-binary/test.bin', data: two(record(3, 30), record(4, 40)) },
      { name: 'cifar-100-binary/../escape.bin', data: new Uint8Array(4) },
    ]),
  );
}

const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');

describe('fetchCifar', () => {
  let server: Server;
  let baseUrl = '';
  const archive = miniCifar100();
  let requests = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      if (req.url === '/cifar-100-binary.tar.gz') {
        res.writeHead(200, { 'content-length': archive.length });
        res.end(archive);
      } else if (req.url === '/stall.tar.gz') {
        // headers and a first chunk, then silence: the idle timeout must fire
        res.writeHead(200, { 'content-length': 1000 });
        res.write(new Uint8Array(10));
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('knows the official URLs and checksums', () => {
    expect(CIFAR_DOWNLOADS.cifar10.url).toBe('https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz');
    expect(CIFAR_DOWNLOADS.cifar10.md5).toBe('c32a1d4ab5d03f1284b67883e8d87530');
    expect(CIFAR_DOWNLOADS.cifar100.url).toBe('https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz');
    expect(CIFAR_DOWNLOADS.cifar100.md5).toBe('03b5dce01913d631647c71ecec9e9cb8');
  });

  it('downloads, verifies and extracts where loadCifar100 finds it; a second call does nothing', async () => {
    const dataDir = tempDir();
    const result = await fetchCifar('cifar100', { dataDir, url: `${baseUrl}/cifar-100-binary.tar.gz`, md5: md5(archive), quiet: true });
    expect(result.downloaded).toBe(true);
    expect(result.dir).toBe(join(dataDir, 'cifar100', 'cifar-100-binary'));
    expect(readdirSync(result.dir).sort()).toEqual(['test.bin', 'train.bin']);
    expect(existsSync(join(dataDir, 'cifar100', 'escape.bin'))).toBe(false);
    const data = loadCifar100({ env: { FSNAS_DATA_DIR: dataDir } });
    expect([...data.train.labels]).toEqual([10, 20]);
    expect([...data.test.coarseLabels!]).toEqual([3, 4]);
    const before = requests;
    const again = await fetchCifar('cifar100', { dataDir, url: `${baseUrl}/cifar-100-binary.tar.gz`, md5: md5(archive), quiet: true });
    expect(again).toEqual({ dir: result.dir, archive: null, downloaded: false });
    expect(requests).toBe(before);
    // force re-extracts from the kept archive without the network
    const forced = await fetchCifar('cifar100', { dataDir, url: 'http://127.0.0.1:1/cifar-100-binary.tar.gz', md5: md5(archive), force: true, quiet: true });
    expect(forced.downloaded).toBe(false);
  });

  it('downloads again when a kept archive is damaged, and rejects a missing --archive file', async () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, 'downloads'));
    writeFileSync(join(dataDir, 'downloads', 'cifar-100-binary.tar.gz'), 'half a download');
    const result = await fetchCifar('cifar100', { dataDir, url: `${baseUrl}/cifar-100-binary.tar.gz`, md5: md5(archive), quiet: true });
    expect(result.downloaded).toBe(true);
    expect(readFileSync(join(dataDir, 'downloads', 'cifar-100-binary.tar.gz'))).toEqual(Buffer.from(archive));
    await expect(fetchCifar('cifar100', { dataDir: tempDir(), archive: join(dataDir, 'nope.tar.gz'), quiet: true })).rejects.toThrow(InvalidInputError);
  });

  it('rejects a download whose MD5 differs, leaving no target folder and no archive', async () => {
    const dataDir = tempDir();
    const error = await fetchCifar('cifar100', { dataDir, url: `${baseUrl}/cifar-100-binary.tar.gz`, quiet: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptDataError);
    expect((error as Error).message).toContain('03b5dce01913d631647c71ecec9e9cb8');
    expect(existsSync(join(dataDir, 'cifar100'))).toBe(false);
    expect(readdirSync(join(dataDir, 'downloads'))).toEqual([]);
  });

  it('fails with a DownloadError naming the URL when the host is unreachable', async () => {
    const dataDir = tempDir();
    const url = 'http://127.0.0.1:1/cifar-10-binary.tar.gz';
    const error = await fetchCifar('cifar10', { dataDir, url, quiet: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).code).toBe('DOWNLOAD_FAILED');
    expect((error as Error).message).toContain(url);
    expect((error as Error).message).toContain('--archive');
    expect(existsSync(join(dataDir, 'cifar10'))).toBe(false);
  });

  it('gives up on a stalled transfer after the idle timeout, leaving no partial file', async () => {
    const dataDir = tempDir();
    const error = await fetchCifar('cifar10', { dataDir, url: `${baseUrl}/stall.tar.gz`, idleTimeoutMs: 300, quiet: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toContain('no data received');
    expect(readdirSync(join(dataDir, 'downloads'))).toEqual([]);
  });

  it('fails with a DownloadError on an HTTP error status', async () => {
    const error = await fetchCifar('cifar10', { dataDir: tempDir(), url: `${baseUrl}/missing.tar.gz`, quiet: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toContain('HTTP 404');
  });

  it('extracts a local archive offline, and rejects one that is not gzip or lacks the data files', async () => {
    const dir = tempDir();
    const local = join(dir, 'cifar-100-binary.tar.gz');
    writeFileSync(local, archive);
    const ok = await fetchCifar('cifar100', { dataDir: join(dir, 'data'), archive: local, md5: md5(archive), quiet: true });
    expect(readFileSync(join(ok.dir, 'train.bin')).length).toBe(2 * 3074);

    const notGzip = join(dir, 'bad.tar.gz');
    writeFileSync(notGzip, 'hello');
    const e1 = await fetchCifar('cifar100', { dataDir: join(dir, 'd1'), archive: notGzip, md5: md5(Buffer.from('hello')), quiet: true }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(CorruptDataError);
    expect((e1 as Error).message).toContain('bad.tar.gz');

    const partial = gzipSync(makeTar([{ name: 'cifar-100-binary/train.bin', data: new Uint8Array(3074) }]));
    const partialPath = join(dir, 'partial.tar.gz');
    writeFileSync(partialPath, partial);
    const e2 = await fetchCifar('cifar100', { dataDir: join(dir, 'd2'), archive: partialPath, md5: md5(partial), quiet: true }).catch((e: unknown) => e);
    expect((e2 as Error).message).toContain('lacks cifar-100-binary/test.bin');
    expect(existsSync(join(dir, 'd2', 'cifar100', 'cifar-100-binary'))).toBe(false);
  });
});
