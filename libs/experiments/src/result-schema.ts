/**
 * A finding's result schema: the MLflow names (metric keys, tags, params, artifact files) of what its
 * runner logs, as constants keyed by a field name, so the runner that writes them and the notebook
 * that reads them import one definition instead of repeating strings.
 */
export type MlflowNames = Readonly<Record<string, string>>;

/** A value for every name of a group, by field: the compiler rejects a missing or an unknown one. */
export type ValuesOf<N extends MlflowNames, V = number> = { readonly [K in keyof N]: V };

/** The record to log: each field's value under its MLflow name. */
export function named<N extends MlflowNames, V>(names: N, values: ValuesOf<N, V>): Record<string, V> {
  return Object.fromEntries(Object.entries(names).map(([field, name]) => [name, values[field as keyof N] as V]));
}
