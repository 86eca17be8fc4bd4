import { InvalidInputError, Rng } from '@fsnas/core';

/**
 * A selection problem: the accuracy of every architecture and the architectures of each leaf. Regret
 * is measured against the best architecture of the whole accuracy column, so leaves that do not cover
 * the space are penalised for what they leave out.
 */
export interface SelectionProblem {
  readonly globalBest: number;
  /** Accuracies of each leaf's architectures (copied out once so sampling is a plain array read). */
  readonly leafAccuracy: readonly Float64Array[];
  /** Best accuracy inside each leaf. */
  readonly leafBest: Float64Array;
  /** NATS indices of each leaf, for methods that look up other per-architecture data (zero-cost scores). */
  readonly leafIndices: readonly Int32Array[];
}

export function selectionProblem(accuracy: Float64Array, leafIndices: readonly Int32Array[]): SelectionProblem {
  if (leafIndices.length === 0) throw new InvalidInputError('selection needs at least one leaf');
  let globalBest = -Infinity;
  for (const v of accuracy) if (v > globalBest) globalBest = v;
  const leafAccuracy = leafIndices.map((indices, leaf) => {
    if (indices.length === 0) throw new InvalidInputError(`leaf ${leaf} holds no architecture`);
    return Float64Array.from(indices, (i) => accuracy[i] as number);
  });
  const leafBest = Float64Array.from(leafAccuracy, (values) => values.reduce((m, v) => Math.max(m, v), -Infinity));
  return { globalBest, leafAccuracy, leafBest, leafIndices };
}

/** A rule that picks one leaf, possibly using the seeded generator it is given. */
export interface SelectionMethod {
  readonly name: string;
  /** Architecture evaluations (benchmark queries) the method spends per selection; 0 when it uses none. */
  readonly evaluations: (problem: SelectionProblem) => number;
  select(problem: SelectionProblem, rng: Rng): number;
}

/** Regret of choosing `leaf`: global best accuracy minus the best accuracy inside the leaf (≥ 0). */
export function regret(problem: SelectionProblem, leaf: number): number {
  const best = problem.leafBest[leaf];
  if (best === undefined) throw new InvalidInputError(`leaf ${leaf} does not exist (the split has ${problem.leafBest.length})`);
  return problem.globalBest - best;
}

/** First index of the largest score: ties go to the lower leaf index, deterministically. */
function argmax(scores: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if ((scores[i] as number) > (scores[best] as number)) best = i;
  return best;
}

/** Knows every leaf's best accuracy: the lower bound (regret 0 whenever the leaves cover the space). */
export function oracle(): SelectionMethod {
  return { name: 'oracle', evaluations: () => 0, select: (p) => argmax(p.leafBest) };
}

export function uniformRandom(): SelectionMethod {
  return { name: 'random', evaluations: () => 0, select: (p, rng) => rng.int(p.leafBest.length) };
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new InvalidInputError(`${what} must be a positive integer, got ${value}`);
  return value;
}

/**
 * The MaxUCB-style estimate of a leaf's quality: draw `samples` architectures from each leaf uniformly
 * with replacement (so small leaves need no special case), and pick the leaf with the best sample mean.
 */
export function bestSampleMean(options: { samples?: number } = {}): SelectionMethod {
  const samples = positiveInteger(options.samples ?? 600, 'samples per leaf');
  return {
    name: `best-mean@${samples}`,
    evaluations: (p) => samples * p.leafAccuracy.length,
    select(p, rng) {
      const means = p.leafAccuracy.map((values) => {
        let sum = 0;
        for (let s = 0; s < samples; s++) sum += values[rng.int(values.length)] as number;
        return sum / samples;
      });
      return argmax(means);
    },
  };
}

export interface SuccessiveHalvingOptions {
  /** Total architecture evaluations over all rounds (default: 600 per leaf, the best-mean method's budget). */
  readonly budget?: number;
  /** Keep ⌈survivors/eta⌉ leaves after each round (default 2: halving). */
  readonly eta?: number;
  /** Rank survivors by the best ('max', the regret's own target) or the mean of their samples so far. */
  readonly statistic?: 'max' | 'mean';
}

/**
 * Successive halving over leaves. With L leaves there are R = ⌈log_eta L⌉ rounds; each round gets
 * budget/R evaluations, spread evenly over the surviving leaves (at least one each), drawn with
 * replacement and added to the leaf's earlier samples. After each round the best ⌈survivors/eta⌉
 * leaves by `statistic` go on (ties: lower leaf index). The last survivor is chosen.
 */
export function successiveHalving(options: SuccessiveHalvingOptions = {}): SelectionMethod {
  const eta = options.eta ?? 2;
  if (!Number.isInteger(eta) || eta < 2) throw new InvalidInputError(`successive halving eta must be an integer ≥ 2, got ${eta}`);
  const statistic = options.statistic ?? 'max';
  const budgetOf = (p: SelectionProblem): number => positiveInteger(options.budget ?? 600 * p.leafAccuracy.length, 'successive-halving budget');
  return {
    name: `succ-halving-${statistic}@${options.budget ?? '600/leaf'}`,
    evaluations: (p) => budgetOf(p),
    select(p, rng) {
      const leaves = p.leafAccuracy.length;
      const rounds = Math.max(1, Math.ceil(Math.log(leaves) / Math.log(eta) - 1e-12));
      const perRound = budgetOf(p) / rounds;
      const sum = new Float64Array(leaves);
      const count = new Float64Array(leaves);
      const max = new Float64Array(leaves).fill(-Infinity);
      let survivors = Array.from({ length: leaves }, (_, i) => i);
      while (survivors.length > 1) {
        const each = Math.max(1, Math.floor(perRound / survivors.length));
        for (const leaf of survivors) {
          const values = p.leafAccuracy[leaf] as Float64Array;
          for (let s = 0; s < each; s++) {
            const v = values[rng.int(values.length)] as number;
            sum[leaf] = (sum[leaf] as number) + v;
            max[leaf] = Math.max(max[leaf] as number, v);
          }
          count[leaf] = (count[leaf] as number) + each;
        }
        const score = (leaf: number): number => (statistic === 'max' ? (max[leaf] as number) : (sum[leaf] as number) / (count[leaf] as number));
        const keep = Math.ceil(survivors.length / eta);
        survivors = [...survivors].sort((a, b) => score(b) - score(a) || a - b).slice(0, keep);
      }
      return survivors[0] as number;
    },
  };
}

/**
 * GM-NAS's rule: run one-shot search on every leaf and keep the leaf whose derived architecture is
 * best. `derived[leaf]` lists the benchmark accuracy of the architecture derived by each search run on
 * that leaf; for each selection, one run per leaf is drawn uniformly (a bootstrap over search seeds),
 * so a single run per leaf makes the method deterministic.
 */
export function derivedBest(derived: readonly (readonly number[])[], name = 'gm-nas-derived'): SelectionMethod {
  derived.forEach((runs, leaf) => {
    if (runs.length === 0) throw new InvalidInputError(`derived accuracies: leaf ${leaf} has no search run`);
    runs.forEach((v, r) => {
      if (!Number.isFinite(v)) throw new InvalidInputError(`derived accuracies: leaf ${leaf} run ${r} is not a finite number (${v})`);
    });
  });
  return {
    name,
    evaluations: () => 0,
    select(p, rng) {
      if (derived.length !== p.leafAccuracy.length) throw new InvalidInputError(`derived accuracies cover ${derived.length} leaves, the split has ${p.leafAccuracy.length}`);
      return argmax(derived.map((runs) => runs[runs.length === 1 ? 0 : rng.int(runs.length)] as number));
    },
  };
}

/**
 * Pick the leaf with the best mean zero-cost score over its architectures that have one. `scores` is
 * indexed by NATS index, NaN where no score exists; `direction` +1 means larger scores are better
 * (NASLib's convention for every published proxy). Deterministic: it needs no training and no sampling.
 * A leaf without any scored architecture is never chosen: NASLib publishes one representative per
 * isomorphism class, so such a leaf holds only duplicates of architectures with extra `none` edges
 * (e.g. `none` on both edges leaving node 0), which the proxy cannot see.
 */
export function zeroCostMean(scores: Float64Array, options: { proxy: string; direction?: 1 | -1 }): SelectionMethod {
  const direction = options.direction ?? 1;
  return {
    name: `zero-cost-${options.proxy}`,
    evaluations: () => 0,
    select(p) {
      const means = p.leafIndices.map((indices) => {
        let sum = 0;
        let n = 0;
        for (const i of indices) {
          const s = scores[i] as number;
          if (Number.isFinite(s)) {
            sum += s;
            n++;
          }
        }
        return n === 0 ? -Infinity : (direction * sum) / n;
      });
      if (means.every((m) => m === -Infinity)) throw new InvalidInputError(`zero-cost ${options.proxy}: no leaf has a scored architecture`);
      return argmax(means);
    },
  };
}

export interface SelectionResult {
  readonly method: string;
  readonly evaluations: number;
  /** Chosen leaf and its regret, per seed. */
  readonly chosen: Int32Array;
  readonly regret: Float64Array;
  readonly meanRegret: number;
  readonly stdRegret: number;
  readonly medianRegret: number;
  readonly maxRegret: number;
  /** Fraction of seeds whose chosen leaf holds the global best (regret exactly 0). */
  readonly zeroRegretRate: number;
}

/**
 * Run each method once per seed. Seed s gives every method the same fresh `new Rng(seed)`, so methods
 * are compared on common random numbers and any single (method, seed) can be replayed alone.
 */
export function evaluateSelection(problem: SelectionProblem, methods: readonly SelectionMethod[], seeds: readonly number[]): SelectionResult[] {
  if (seeds.length === 0) throw new InvalidInputError('selection needs at least one seed');
  return methods.map((method) => {
    const chosen = Int32Array.from(seeds, (seed) => method.select(problem, new Rng(seed)));
    const regrets = Float64Array.from(chosen, (leaf) => regret(problem, leaf));
    const n = regrets.length;
    const mean = regrets.reduce((a, b) => a + b, 0) / n;
    const sorted = Float64Array.from(regrets).sort();
    const median = n % 2 ? (sorted[(n - 1) / 2] as number) : ((sorted[n / 2 - 1] as number) + (sorted[n / 2] as number)) / 2;
    return {
      method: method.name,
      evaluations: method.evaluations(problem),
      chosen,
      regret: regrets,
      meanRegret: mean,
      stdRegret: Math.sqrt(regrets.reduce((a, r) => a + (r - mean) ** 2, 0) / n),
      medianRegret: median,
      maxRegret: sorted[n - 1] as number,
      zeroRegretRate: regrets.reduce((a, r) => a + (r === 0 ? 1 : 0), 0) / n,
    };
  });
}

/** Seeds 0..count-1 offset by `base`: the default seed list of the experiments. */
export function seedRange(count: number, base = 0): number[] {
  positiveInteger(count, 'seed count');
  return Array.from({ length: count }, (_, i) => base + i);
}
