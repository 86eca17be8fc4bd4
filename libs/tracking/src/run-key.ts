import { createHash } from 'node:crypto';
import { InvalidInputError } from '@fsnas/core';

/**
 * JSON with object keys sorted at every level, so equal configs give equal text whatever order their
 * keys were built in. Rejects values JSON would silently change (NaN, undefined in arrays, functions).
 */
export function canonicalJson(value: unknown, path = '$'): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidInputError(`config value at ${path} is ${value}; a run config must be finite JSON`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => canonicalJson(v, `${path}[${i}]`)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v, `${path}.${k}`)}`).join(',')}}`;
  }
  throw new InvalidInputError(`config value at ${path} has type ${typeof value}; a run config must be plain JSON`);
}

/** sha256 of the canonical JSON of the resolved config: the identity of a run across re-runs. */
export function runKey(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

/**
 * The text of a config value as an MLflow param, and as a tag naming the same setting: a string as it
 * is, null as `none` (e.g. F2's leaf of the full space), anything else as canonical JSON. The one
 * representation: the Tracker refuses a tag that names a param with another text.
 */
export function paramText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null) return NULL_PARAM;
  return canonicalJson(value);
}

export const NULL_PARAM = 'none';

/**
 * Flatten a nested config into MLflow params (`a.b.c` → value), so each setting is a column in the UI.
 * Arrays are kept as JSON text: their order matters and their elements have no names.
 */
export function flattenParams(config: unknown, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  if (config !== null && typeof config === 'object' && !Array.isArray(config)) {
    for (const [k, v] of Object.entries(config as Record<string, unknown>)) {
      if (v === undefined) continue;
      Object.assign(out, flattenParams(v, prefix ? `${prefix}.${k}` : k));
    }
    return out;
  }
  out[prefix || 'value'] = paramText(config);
  return out;
}
