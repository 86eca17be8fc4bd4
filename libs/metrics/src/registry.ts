import { InvalidInputError } from '@fsnas/core';
import type { Mask } from '@fsnas/nb201';
import type { NetConfig } from '@fsnas/nn';
import { nwot, zen } from './activations';
import { flops, numParams, numParamsReference } from './analytic';
import { fisher } from './fisher';
import { gradNorm, grasp, l2Norm, plain, snip } from './gradients';
import { epeNas, jacobCov } from './jacobian';
import { linearRegions } from './linear-regions';
import { ntkCondition } from './ntk';
import { synflow } from './synflow';
import type { Compat, MetricValue, NetworkInput } from './types';

/** CLI names (snake_case); `gradient_matching` … `random` are also paper_splits.json's names. */
export const METRIC_NAMES = [
  'num_params',
  'flops',
  'random',
  'grad_norm',
  'snip',
  'synflow',
  'jacob_cov',
  'nwot',
  'gradient_matching',
  'grasp',
  'fisher',
  'ntk_condition',
  'linear_regions',
  'l2_norm',
  'plain',
  'zen',
  'epe_nas',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** NASLib's and the reference's spellings. */
export const METRIC_ALIASES: Readonly<Record<string, MetricName>> = {
  jacov: 'jacob_cov',
  jacobcov: 'jacob_cov',
  params: 'num_params',
  nparams: 'num_params',
  gradnorm: 'grad_norm',
  gradientmatching: 'gradient_matching',
  gm: 'gradient_matching',
  ntk: 'ntk_condition',
  linearregions: 'linear_regions',
  lr: 'linear_regions',
  epe: 'epe_nas',
};

export type MetricEvaluation =
  /** Needs only the mask: no network, no data. */
  | { readonly kind: 'mask'; readonly compute: (mask: Mask, config: Partial<NetConfig>, compat: Compat) => MetricValue }
  /** Built network on real batches. */
  | { readonly kind: 'network'; readonly compute: (input: NetworkInput) => MetricValue }
  /** Seeded uniform noise (a baseline); never looks at the architecture. */
  | { readonly kind: 'random' }
  /** Pairwise only (a similarity between candidates); per-network it has no scalar. */
  | { readonly kind: 'pairwise' };

export interface MetricDefinition {
  readonly name: MetricName;
  readonly description: string;
  /** Direction in which the metric predicts higher accuracy (used by hybrids and reports). */
  readonly higherIsBetter: boolean;
  /** Whether the reference normalises by the parent's value (REFERENCE_SPEC §2.3 use_ref). */
  readonly usesReference: boolean;
  readonly evaluation: MetricEvaluation;
}

const network = (compute: (input: NetworkInput) => MetricValue): MetricEvaluation => ({ kind: 'network', compute });

export const METRICS: Readonly<Record<MetricName, MetricDefinition>> = {
  num_params: {
    name: 'num_params',
    description: 'trainable parameters (analytic); reference mode reproduces the row-0 bug (B5)',
    higherIsBetter: true,
    usesReference: true,
    evaluation: { kind: 'mask', compute: (mask, config, compat) => ({ value: compat === 'reference' ? numParamsReference(mask, config) : numParams(mask, config) }) },
  },
  flops: {
    name: 'flops',
    description: "forward FLOPs of one image in NASLib's convention (analytic)",
    higherIsBetter: true,
    usesReference: true,
    evaluation: { kind: 'mask', compute: (mask, config) => ({ value: flops(mask, config) }) },
  },
  random: { name: 'random', description: 'seeded uniform noise: the no-information baseline', higherIsBetter: true, usesReference: false, evaluation: { kind: 'random' } },
  grad_norm: { name: 'grad_norm', description: 'Σ_l ‖∂L/∂W_l‖ (CE, train BN)', higherIsBetter: true, usesReference: false, evaluation: network(gradNorm) },
  snip: { name: 'snip', description: 'Σ |∂L/∂W ⊙ W|', higherIsBetter: true, usesReference: true, evaluation: network(snip) },
  synflow: { name: 'synflow', description: 'ln Σ |θ ⊙ ∂R/∂θ| on |θ|, BN off, ones input (log-space)', higherIsBetter: true, usesReference: true, evaluation: network(synflow) },
  jacob_cov: { name: 'jacob_cov', description: 'Mellor et al.: −Σ[ln(λ+k)+1/(λ+k)] of the input-Jacobian correlation', higherIsBetter: true, usesReference: true, evaluation: network(jacobCov) },
  nwot: { name: 'nwot', description: 'NASWOT: ln|det K| of the ReLU-code kernel', higherIsBetter: true, usesReference: true, evaluation: network(nwot) },
  gradient_matching: {
    name: 'gradient_matching',
    description: 'GM-NAS: cosine similarity of candidates’ gradients on shared weights (pairwise only)',
    higherIsBetter: true,
    usesReference: false,
    evaluation: { kind: 'pairwise' },
  },
  grasp: { name: 'grasp', description: '−Σ W ⊙ (H ∂L/∂W) (exact Hessian-vector product by double backprop)', higherIsBetter: true, usesReference: true, evaluation: network(grasp) },
  fisher: { name: 'fisher', description: 'Σ_k ½ mean_n (Σ_hw a·δ)² per channel, broadcast to its weights', higherIsBetter: true, usesReference: true, evaluation: network(fisher) },
  ntk_condition: { name: 'ntk_condition', description: 'TE-NAS: condition number of the NTK (lower is better)', higherIsBetter: false, usesReference: true, evaluation: network(ntkCondition) },
  linear_regions: { name: 'linear_regions', description: 'TE-NAS: distinct ReLU patterns over 3×3 crops', higherIsBetter: true, usesReference: true, evaluation: network(linearRegions) },
  l2_norm: { name: 'l2_norm', description: 'Σ_l ‖W_l‖ at init (data-free)', higherIsBetter: true, usesReference: true, evaluation: network((input) => l2Norm(input.net)) },
  plain: { name: 'plain', description: 'Σ ∂L/∂W ⊙ W', higherIsBetter: true, usesReference: true, evaluation: network(plain) },
  zen: { name: 'zen', description: 'Zen-NAS: ln E|f(x)−f(x+γε)| + Σ ln √(mean BN var)', higherIsBetter: true, usesReference: true, evaluation: network(zen) },
  epe_nas: { name: 'epe_nas', description: 'EPE-NAS: Σ_c |Σ ln(|corr_c|+1e-5)| of per-class Jacobian correlations', higherIsBetter: true, usesReference: true, evaluation: network(epeNas) },
};

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
