import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SETTINGS, SPLITS_OF } from '@fsnas/benchmark';
import { describe, expect, it } from 'vitest';
import { snakeKey } from './cli-kit';
import { runFsnas } from './testing';

/**
 * Keys that are data, not field names: dataset settings, accuracy splits, the NB201 symbols C and N,
 * numbers (indices, quantiles). Every other key of a --json output must be snake_case.
 */
const DATA_KEYS = new Set<string>([...SETTINGS, ...Object.values(SPLITS_OF).flat(), 'C', 'N']);
const SNAKE = /^[a-z0-9]+(_[a-z0-9]+)*$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

function badKeys(value: unknown, path = '$', out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v, i) => badKeys(v, `${path}[${i}]`, out));
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (!SNAKE.test(key) && !DATA_KEYS.has(key) && !NUMBER.test(key)) out.push(`${path}.${key}`);
      badKeys(v, `${path}.${key}`, out);
    }
  }
  return out;
}

describe('--json outputs', () => {
  const mask = JSON.stringify([[0, 0, 0, 1, 0], ...Array.from({ length: 5 }, () => [1, 1, 1, 1, 1])]);
  it.each([
    [['arch', '5']],
    [['mask', mask]],
    [['data', 'status']],
    [['metrics', 'list']],
    [['split', '--metric', 'random', '--fidelity', 'reference', '--seed', '888']],
    [['analyze', 'splits', '--source', 'paper', '--dataset', 'cifar10']],
    [['analyze', 'selection', '--source', 'paper', '--dataset', 'cifar10', '--seeds', '2', '--samples', '20', '--proxy', 'none']],
    [['validate', 'splits', '--metrics', 'num_params', '--dir', mkdtempSync(join(tmpdir(), 'fsnas-json-'))]],
    [['bench', 'tables', '--repeats', '1']],
  ])('fsnas %j --json has snake_case keys only', async (args) => {
    const r = await runFsnas(...args, '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(badKeys(JSON.parse(r.stdout))).toEqual([]);
  }, 120_000);

  it('converts camelCase field names and leaves data keys alone', () => {
    expect(['meanRegret', 'sameLeavesInOrder', 'wallSeconds', 'top10Rate'].map(snakeKey)).toEqual(['mean_regret', 'same_leaves_in_order', 'wall_seconds', 'top10_rate']);
    expect(['ImageNet16-120', 'cifar10-valid', 'test-v1_1', 'C', 'N', 'mask_size', '0.25', 'random_seed888'].map(snakeKey)).toEqual([
      'ImageNet16-120',
      'cifar10-valid',
      'test-v1_1',
      'C',
      'N',
      'mask_size',
      '0.25',
      'random_seed888',
    ]);
  });
});
