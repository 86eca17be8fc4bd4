import { InvalidInputError, type Fidelity } from '@fsnas/core';
import { darts } from './darts';
import { darts2 } from './darts2';
import { dsnas } from './dsnas';
import { gdas } from './gdas';
import { rsps } from './rsps';
import { snas } from './snas';
import type { Algorithm, AlgorithmDefinition } from './types';

/** Every search algorithm, in the order the CLI lists them. */
export const ALGORITHM_DEFINITIONS = [darts, darts2, snas, dsnas, gdas, rsps] as const;

type Definitions = (typeof ALGORITHM_DEFINITIONS)[number];
export type AlgoName = Definitions['name'];
/** The options of one algorithm. */
export type AlgorithmOptionsOf<A extends AlgoName> = Extract<Definitions, { name: A }>['defaults'];
/** The options of any algorithm (a search config holds those of its own). */
export type AlgorithmOptions = Definitions['defaults'];
/** Per-algorithm changes to the defaults (a budget's sizes, a test's). */
export type AlgorithmOverrides = { readonly [A in AlgoName]?: Partial<AlgorithmOptionsOf<A>> };

type AnyDefinition = AlgorithmDefinition<AlgoName, AlgorithmOptions>;
const DEFINITIONS: readonly AnyDefinition[] = ALGORITHM_DEFINITIONS;

export const ALGORITHMS: readonly AlgoName[] = DEFINITIONS.map((d) => d.name);

export function algorithmDefinition(name: string): AnyDefinition {
  const definition = DEFINITIONS.find((d) => d.name === name);
  if (!definition) throw new InvalidInputError(`--algo must be one of ${ALGORITHMS.join('|')}, got '${name}'`);
  return definition;
}

/** Whether fidelity `reference` exists for the algorithm (the paper ran it). */
export function hasReferenceVariant(name: string): boolean {
  return algorithmDefinition(name).reference !== null;
}

/** The algorithms with a fidelity `reference` variant. */
export const REFERENCE_VARIANTS: readonly AlgoName[] = ALGORITHMS.filter(hasReferenceVariant);

/** An algorithm's defaults with the overrides for it applied. */
export function algorithmOptions(name: AlgoName, overrides: AlgorithmOverrides = {}): AlgorithmOptions {
  return { ...algorithmDefinition(name).defaults, ...overrides[name] };
}

/** Refuses a choice the algorithm cannot run: a reference variant it lacks, or options that are not its own. */
export function checkAlgorithmChoice(choice: { readonly algo: string; readonly fidelity: Fidelity; readonly algorithm: AlgorithmOptions }): void {
  const definition = algorithmDefinition(choice.algo);
  if (choice.fidelity === 'reference' && !hasReferenceVariant(choice.algo)) {
    throw new InvalidInputError(`--fidelity reference exists for ${REFERENCE_VARIANTS.join(', ')} only, not ${choice.algo} (the paper did not run it)`);
  }
  const expected = optionPaths(definition.defaults);
  const given = optionPaths(choice.algorithm);
  if (expected.join() !== given.join()) throw new InvalidInputError(`${choice.algo} options must be {${expected.join(', ')}}, got {${given.join(', ')}}`);
}

/** The algorithm of a search config, once its choice is checked. */
export function createAlgorithm(choice: { readonly algo: AlgoName; readonly fidelity: Fidelity; readonly algorithm: AlgorithmOptions }): Algorithm {
  checkAlgorithmChoice(choice);
  return algorithmDefinition(choice.algo).create(choice.algorithm);
}

/**
 * An algorithm with its paper defaults, for timing its steps (perf.ts); a search creates its algorithm
 * from its config instead (createAlgorithm), so that a budget's options apply.
 */
export function algorithm(name: string): Algorithm {
  const definition = algorithmDefinition(name);
  return definition.create(definition.defaults);
}

/** Sorted dotted paths and value types of an options object: `tau.max:number`. */
function optionPaths(options: object, prefix = ''): string[] {
  return Object.entries(options)
    .flatMap(([k, v]) => (v !== null && typeof v === 'object' ? optionPaths(v as object, `${prefix}${k}.`) : [`${prefix}${k}:${typeof v}`]))
    .sort();
}
