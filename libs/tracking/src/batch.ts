import { InvalidInputError } from '@fsnas/core';
import type { KeyValue, LogBatchRequest, Metric } from './types';

/** MLflow's server-side limits (mlflow/utils/validation.py); a request over them is rejected whole. */
export const LIMITS = {
  metricsPerBatch: 1000,
  paramsPerBatch: 100,
  tagsPerBatch: 100,
  entitiesPerBatch: 1000,
  /** The request must stay under 1 MB; keep a margin for the envelope. */
  requestBytes: 900_000,
  paramValueLength: 6000,
  tagValueLength: 8000,
  keyLength: 250,
} as const;

/**
 * Split a batch into requests that each respect every limit, keeping the order within each kind
 * (MLflow applies a batch in order, so the last value of a repeated tag still wins).
 */
export function splitBatch(batch: LogBatchRequest): LogBatchRequest[] {
  const chunks: { metrics: Metric[]; params: KeyValue[]; tags: KeyValue[]; bytes: number }[] = [];
  let current = { metrics: [] as Metric[], params: [] as KeyValue[], tags: [] as KeyValue[], bytes: 0 };
  const flush = (): void => {
    if (current.metrics.length + current.params.length + current.tags.length > 0) chunks.push(current);
    current = { metrics: [], params: [], tags: [], bytes: 0 };
  };
  const add = <K extends 'metrics' | 'params' | 'tags'>(kind: K, item: (typeof current)[K][number], max: number): void => {
    const bytes = JSON.stringify(item).length + 1;
    const total = current.metrics.length + current.params.length + current.tags.length;
    if (current[kind].length >= max || total >= LIMITS.entitiesPerBatch || current.bytes + bytes > LIMITS.requestBytes) flush();
    (current[kind] as (typeof item)[]).push(item);
    current.bytes += bytes;
  };
  // Params first: a run's params are what the UI and run-key lookups need soonest.
  for (const p of batch.params ?? []) add('params', p, LIMITS.paramsPerBatch);
  for (const t of batch.tags ?? []) add('tags', t, LIMITS.tagsPerBatch);
  for (const m of batch.metrics ?? []) add('metrics', m, LIMITS.metricsPerBatch);
  flush();
  return chunks.map(({ metrics, params, tags }) => ({
    ...(metrics.length ? { metrics } : {}),
    ...(params.length ? { params } : {}),
    ...(tags.length ? { tags } : {}),
  }));
}

const KEY_PATTERN = /^[/\w.\- :]+$/;

/** The server's key rules, checked before a write is journaled, so a bad key fails at the call site. */
export function validateKey(kind: string, key: string): void {
  if (key.length === 0 || key.length > LIMITS.keyLength) {
    throw new InvalidInputError(`${kind} key '${key.slice(0, 60)}' must have 1..${LIMITS.keyLength} characters, got ${key.length}`);
  }
  if (!KEY_PATTERN.test(key)) {
    throw new InvalidInputError(`${kind} key '${key}' may only contain letters, digits, _ - . / : and spaces`);
  }
  if (!isNormalPath(key)) throw new InvalidInputError(`${kind} key '${key}' must not contain '.', '..', '//' segments or start with '/'`);
}

/** Checks every entry against the limits the server would enforce; throws InvalidInputError naming the entry. */
export function validateBatch(batch: LogBatchRequest): void {
  for (const p of batch.params ?? []) {
    validateKey('param', p.key);
    if (p.value.length > LIMITS.paramValueLength) {
      throw new InvalidInputError(
        `param '${p.key}' has a ${p.value.length}-character value; MLflow accepts at most ${LIMITS.paramValueLength}. Log it as an artifact instead.`,
      );
    }
  }
  for (const t of batch.tags ?? []) {
    validateKey('tag', t.key);
    if (t.value.length > LIMITS.tagValueLength) {
      throw new InvalidInputError(`tag '${t.key}' has a ${t.value.length}-character value; MLflow accepts at most ${LIMITS.tagValueLength}`);
    }
  }
  for (const m of batch.metrics ?? []) {
    validateKey('metric', m.key);
    if (typeof m.value !== 'number') throw new InvalidInputError(`metric '${m.key}' value must be a number, got ${typeof m.value}`);
    if (!Number.isSafeInteger(m.step)) throw new InvalidInputError(`metric '${m.key}' step must be an integer, got ${m.step}`);
    if (!Number.isSafeInteger(m.timestamp) || m.timestamp < 0) throw new InvalidInputError(`metric '${m.key}' timestamp must be a non-negative integer (ms)`);
  }
}

/** A relative POSIX path that normalises to itself: what MLflow accepts for keys and artifact paths. */
export function isNormalPath(path: string): boolean {
  if (path.startsWith('/') || path.endsWith('/')) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** JSON cannot carry NaN or ±Infinity; MLflow's protobuf JSON parser accepts them as these strings. */
export function encodeDouble(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

export function decodeDouble(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  return Number(value);
}
