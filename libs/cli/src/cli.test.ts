import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EXIT, describeFailure } from './cli-kit';
import { runFsnas as fsnas } from './testing';
import { InvalidInputError } from '@fsnas/core';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCommands } from './commands';

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
    [['mask', '[[true,0,0,0,0],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1]]'], /mask entry \[0\]\[0\] \(row 0, column 0\) must be the number 0 or 1, got true/],
    [['mask', '[[1,0,0,0,0],[1,1,1,1,1],[1,1,null,1,1],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1]]'], /mask entry \[2\]\[2\] \(row 2, column 2\) must be the number 0 or 1, got null/],
    [['mask', '[[1,0,0,0,0],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,"1",1],[1,1,1,1,1],[1,1,1,1,1]]'], /mask entry \[3\]\[3\].*got "1"/],
    [['mask', '[[1,0,0,0,0],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,[1]],[1,1,1,1,1]]'], /mask entry \[4\]\[4\].*got \[1\]/],
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

  it('mask JSON nested 5,000 deep fails with one line and exit 1, not a crash', async () => {
    const r = await fsnas('mask', `${'['.repeat(5000)}${']'.repeat(5000)}`);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual(['fsnas: mask JSON nested too deep: a mask is a 6x5 matrix of 0/1 (arrays 2 deep), this one nests 5000 deep']);
  });

  it('search --checkpoint <directory> fails with one line naming the path, before any data is loaded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-ckpt-'));
    const r = await fsnas('search', '--algo', 'darts', '--mask', 'full', '--checkpoint', dir);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([`fsnas: checkpoint ${dir} is a directory, not a checkpoint file: give a file path inside it, e.g. <dir>/search.ckpt`]);
  });
});

describe('exit codes', () => {
  it('maps typed errors to 1 and anything else to 3, pointing at FSNAS_DEBUG', () => {
    expect(describeFailure(new InvalidInputError('bad mask'))).toEqual({ message: 'fsnas: bad mask', code: EXIT.failure });
    const crash = describeFailure(new TypeError('x is undefined\n  at f'));
    expect(crash.code).toBe(EXIT.crash);
    expect(crash.message).toBe('fsnas: unexpected error: x is undefined (FSNAS_DEBUG=1 prints the stack trace)');
  });

  it("README's CLI section documents every exit code the CLI uses, and FSNAS_DEBUG", () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const cli = readme.slice(readme.indexOf('## CLI'), readme.indexOf('\n## ', readme.indexOf('## CLI') + 1));
    for (const code of Object.values(EXIT)) expect(cli).toMatch(new RegExp(`\\b${code} (on|for) `));
    expect(cli).toContain('FSNAS_DEBUG');
  });

  it("README's CLI table has a row for every command", () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const program = new Command('fsnas');
    registerCommands(program);
    // Internal worker commands are hidden from --help and need no row.
    const visible = program.createHelp().visibleCommands(program).filter((c) => c.name() !== 'help');
    expect(visible.length).toBeGreaterThan(10);
    for (const command of visible) expect(readme).toContain(`| \`fsnas ${command.name()}`);
  });
});

describe('help texts', () => {
  it('cite only documents inside the repository, and every cited one exists', () => {
    const program = new Command('fsnas');
    registerCommands(program);
    const helps: string[] = [];
    const walk = (command: Command): void => {
      helps.push(command.helpInformation());
      command.commands.forEach(walk);
    };
    walk(program);
    const text = helps.join('\n').replace(/\s+/g, ' ');
    expect(text).not.toMatch(/REFERENCE_SPEC|ARCHITECTURE\.md|\.\.\/shared\/design/);
    const cited = [...text.matchAll(/\b((?:docs|libs)\/[\w./-]+\.md)\b/g)].map((m) => m[1] as string);
    expect(cited.length).toBeGreaterThan(0);
    for (const path of cited) expect(existsSync(new URL(`../../../${path}`, import.meta.url)), path).toBe(true);
  });
});
