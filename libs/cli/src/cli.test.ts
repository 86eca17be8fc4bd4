import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runFsnas as fsnas } from './testing';
import { describe, expect, it } from 'vitest';

describe('fsnas CLI', () => {
  it('declares commander itself and resolves the declared version (not a copy another package brought)', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies?: Record<string, string> };
    const declared = manifest.dependencies?.['commander'];
    expect(declared).toMatch(/^\d+\.\d+\.\d+$/);
    // commander's exports hide package.json; its entry point sits beside it.
    const resolved = join(dirname(createRequire(import.meta.url).resolve('commander')), 'package.json');
    expect((JSON.parse(readFileSync(resolved, 'utf8')) as { version: string }).version).toBe(declared);
  });

  it('prints help and exits 0', async () => {
    const r = await fsnas('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: fsnas');
    expect(r.stdout).toContain('arch');
  });

  it('arch --json gives the record of one architecture from the real tables', async () => {
    const r = await fsnas('arch', '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.index).toBe(9930);
    expect(out.ops).toEqual(['nor_conv_3x3', 'nor_conv_3x3', 'nor_conv_3x3', 'skip_connect', 'nor_conv_3x3', 'nor_conv_3x3']);
    expect(out.accuracy.cifar100.test.toFixed(2)).toBe('73.51');
    expect(Object.keys(out.accuracy['cifar10-valid'])).toEqual(['train', 'valid', 'test']);
    expect(Object.keys(out.hw)).toEqual(['cifar10', 'cifar100', 'ImageNet16-120']);
  });

  it('mask --json gives size and per-setting statistics', async () => {
    const rows = [[0, 0, 0, 1, 0], ...Array.from({ length: 5 }, () => [1, 1, 1, 1, 1])];
    const r = await fsnas('mask', JSON.stringify(rows), '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.size).toBe(3125);
    expect(out.archs.count).toBe(3125);
    expect(Object.keys(out.stats)).toEqual(['cifar10', 'cifar10-valid', 'cifar100', 'ImageNet16-120']);
    expect(out.stats.cifar10.max).toBeGreaterThan(out.stats.cifar10.mean);
  });

  it.each([
    [['arch', '15625'], /NATS index must be an integer in \[0, 15625\)/],
    [['arch', '|none~0|+|none~0|'], /invalid NB201 arch string/],
    [['mask', '[[0,0,0,0,0],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1]]'], /allows no operation/],
    [['mask', 'nonsense'], /6x5 matrix/],
  ])('fails with one line and exit 1 on bad input %j', async (args, message) => {
    const r = await fsnas(...args);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('exits 2 on a usage error', async () => {
    expect((await fsnas('no-such-command')).status).toBe(2);
    expect((await fsnas('arch')).status).toBe(2);
    const extra = await fsnas('arch', '5', '6');
    expect(extra.status).toBe(2);
    expect(extra.stderr).toMatch(/too many arguments/);
  });
});
