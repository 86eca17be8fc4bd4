import { InvalidInputError } from '@fsnas/core';
import { nwotMetric, zenMetric } from '../measures/activations';
import { flopsMetric, numParamsMetric } from '../measures/analytic';
import type { MetricDescriptor } from './descriptor';
import { fisherMetric } from '../measures/fisher';
import { gradientMatchingMetric } from '../measures/gradient-matching';
import { gradNormMetric, graspMetric, l2NormMetric, plainMetric, snipMetric } from '../measures/gradients';
import { epeNasMetric, jacobCovMetric } from '../measures/jacobian';
import { linearRegionsMetric } from '../measures/linear-regions';
import { ntkConditionMetric } from '../measures/ntk';
import { randomMetric } from '../measures/random';
import { synflowMetric } from '../measures/synflow';

/** Every metric, in the order the CLI lists them; `gradient_matching` … `random` are also paper_splits.json's names. */
export const METRIC_DESCRIPTORS = [
  numParamsMetric,
  flopsMetric,
  randomMetric,
  gradNormMetric,
  snipMetric,
  synflowMetric,
  jacobCovMetric,
  nwotMetric,
  gradientMatchingMetric,
  graspMetric,
  fisherMetric,
  ntkConditionMetric,
  linearRegionsMetric,
  l2NormMetric,
  plainMetric,
  zenMetric,
  epeNasMetric,
] as const;

export type MetricName = (typeof METRIC_DESCRIPTORS)[number]['name'];
export type MetricDefinition = MetricDescriptor<MetricName>;

/** CLI names (snake_case). */
export const METRIC_NAMES: readonly MetricName[] = METRIC_DESCRIPTORS.map((d) => d.name);

export const METRICS: Readonly<Record<MetricName, MetricDefinition>> = Object.fromEntries(METRIC_DESCRIPTORS.map((d) => [d.name, d])) as Record<MetricName, MetricDefinition>;

/** NASLib's and the reference's spellings → our name. */
export const METRIC_ALIASES: Readonly<Record<string, MetricName>> = aliasIndex(METRIC_DESCRIPTORS);

/** Alias → name; a spelling claimed twice would make names ambiguous, so it is refused at load. */
export function aliasIndex(descriptors: readonly MetricDescriptor<MetricName>[]): Record<string, MetricName> {
  const index: Record<string, MetricName> = {};
  const taken = new Set(descriptors.map((d) => d.name as string));
  if (taken.size !== descriptors.length) throw new Error(`metric registry: a metric name is listed twice (${descriptors.map((d) => d.name).join(', ')})`);
  for (const d of descriptors) {
    for (const alias of d.aliases) {
      if (taken.has(alias)) throw new Error(`metric registry: '${alias}' (an alias of ${d.name}) is already a metric name or alias`);
      taken.add(alias);
      index[alias] = d.name;
    }
  }
  return index;
}

/** Canonical name of a metric given its name or an alias (case-insensitive, '-' accepted for '_'). */
export function resolveMetricName(value: string): MetricName {
  const key = value.trim().toLowerCase().replace(/-/g, '_');
  if ((METRIC_NAMES as readonly string[]).includes(key)) return key as MetricName;
  const alias = METRIC_ALIASES[key];
  if (alias) return alias;
  throw new InvalidInputError(`unknown metric '${value}'; known: ${METRIC_NAMES.join(', ')} (aliases: ${Object.keys(METRIC_ALIASES).join(', ')}; hybrids: hybrid:<w>*<metric>+...)`);
}

export function metricDefinition(value: string): MetricDefinition {
  return METRICS[resolveMetricName(value)];
}
