import { fidelityOfToken, type Fidelity, type FidelityLibrary, type FidelityToken } from '@fsnas/core';
import { Mask } from '@fsnas/nb201';
import type { EdgePolicy } from './edge-policy';
import type { SettingDifference } from './errors';
import type { GroupSizeConstraints } from './partition';

/**
 * The plan of a split tree: its shape, edge policy, seed, fidelity and the mask it splits, as split
 * trees and node-journal headers record it (their `options`, hashed into no key but compared on resume).
 */
export interface SplitTreeOptions {
  readonly leaves: number;
  readonly branching: readonly number[];
  readonly dropLeaves: boolean;
  readonly edges: EdgePolicy;
  readonly seed: number;
  /**
   * The fidelity as splitting persists it (core's fidelityToken): `none` for published, `reference`
   * (which reproduces the reference code where fsnas fixes it). Read it with `fidelityOfTree`.
   */
  readonly compat: FidelityToken<'splitting'>;
  readonly groupSizes: GroupSizeConstraints | null;
  /** The mask that was split (0/1 rows). */
  readonly parent: number[][];
}

/**
 * How the metric of a split was evaluated: everything besides the metric's name and the tree plan
 * that changes its answers. The caller that built the metric fills it in with resolved values (the
 * CLI: its options, the metric library's defaults and the tfjs backend); null where it does not
 * apply or is not known (library callers with their own metric).
 */
export interface SplitMetricSettings {
  /** Dataset of the metric batches. */
  readonly dataset: string | null;
  readonly batchSize: number | null;
  readonly batches: number | null;
  /** Weight init scheme of the metric networks. */
  readonly init: string | null;
  /** The metric library's fidelity as metrics persists it (core's fidelityToken: 'naslib' for published, or 'reference'). */
  readonly metricCompat: string | null;
  /** The metric networks' shape (C, N, classes, affine). */
  readonly network: Readonly<Record<string, number | boolean>> | null;
  /** Images per double-backprop pass; its default depends on the backend (wasm: 32). */
  readonly secondOrderBatch: number | null;
  /** Warm-up budget of every node's supernet, or null for none. */
  readonly warmup: string | null;
  /** The tfjs backend that computed the metric (numerics differ between backends). */
  readonly backend: string | null;
}

/**
 * The identity of a split: every setting that changes its result. `splitToFile` writes it at the
 * head of the node journal and refuses to resume a journal whose settings differ (`settingsDifferences`,
 * the one place they are compared); the finished tree keeps the same information (metric, options,
 * metricSettings).
 */
export interface SplitSettings extends SplitTreeOptions, SplitMetricSettings {
  readonly metric: string;
}

/** The fidelity a split tree (or node-journal header) records. */
export const fidelityOfTree = (options: Pick<SplitTreeOptions, 'compat'>): Fidelity => fidelityOfToken('splitting', options.compat);

export const UNKNOWN_METRIC_SETTINGS: SplitMetricSettings = {
  dataset: null,
  batchSize: null,
  batches: null,
  init: null,
  metricCompat: null,
  network: null,
  secondOrderBatch: null,
  warmup: null,
  backend: null,
};

/** The option that sets each field (what a mismatch names), in the order mismatches are reported. */
export const SPLIT_SETTING_OPTIONS: Readonly<Record<keyof SplitSettings, string>> = {
  metric: '--metric',
  dataset: '--dataset',
  compat: '--fidelity',
  metricCompat: 'the metric fidelity',
  batchSize: '--batch-size',
  batches: '--batches',
  init: 'the metric init',
  warmup: '--warmup',
  network: 'the metric network',
  backend: 'the tfjs backend (FSNAS_BACKEND)',
  secondOrderBatch: 'the second-order batch (set by the backend)',
  leaves: '--leaves',
  branching: '--branching',
  dropLeaves: '--drop-leaves',
  edges: '--edges',
  seed: '--seed',
  groupSizes: 'the group-size constraints',
  parent: 'the parent mask',
};

/** Every field of `requested` that differs from `recorded`, each with its option and both values shown. */
export function settingsDifferences(recorded: SplitSettings, requested: SplitSettings): SettingDifference[] {
  return (Object.keys(SPLIT_SETTING_OPTIONS) as (keyof SplitSettings)[])
    .filter((field) => canonical(recorded[field]) !== canonical(requested[field]))
    .map((field) => ({ field, option: SPLIT_SETTING_OPTIONS[field], recorded: shown(field, recorded[field]), requested: shown(field, requested[field]) }));
}

/** JSON with object keys sorted, so equal settings compare equal whatever order they were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Where a persisted fidelity token is shown as the fidelity it stands for. */
const TOKEN_FIELDS: Partial<Record<keyof SplitSettings, FidelityLibrary>> = { compat: 'splitting', metricCompat: 'metrics' };

/** A value the way its option is written. */
function shown(field: keyof SplitSettings, value: unknown): string {
  if (value === null || value === undefined) return 'none';
  const library = TOKEN_FIELDS[field];
  if (library && typeof value === 'string') {
    try {
      return fidelityOfToken(library, value);
    } catch {
      return value;
    }
  }
  if (field === 'edges') {
    const policy = value as EdgePolicy;
    if (policy.kind === 'order') return policy.edges.join(',');
    return policy.kind === 'metric' && policy.edges ? `metric (edges ${policy.edges.join(',')})` : policy.kind;
  }
  if (field === 'branching') return (value as number[]).join(',');
  if (field === 'parent') return Mask.fromRows(value as number[][]).toString();
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return canonical(value);
}
