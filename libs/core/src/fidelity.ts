import { InvalidInputError } from './errors';

/**
 * How faithfully a run follows the paper, one vocabulary for every library (`--fidelity`):
 * `published` follows the published definitions — for metrics NASLib's (NAS-Bench-Suite-Zero),
 * for splitting fsnas's fixed splitter (balanced ties, its factor lookup), for search the
 * algorithms' papers; `reference` reproduces the paper's reference code as it ran, its deviations
 * included (docs/reference.md §9, §11.2), to reproduce its numbers.
 */
export const FIDELITIES = ['published', 'reference'] as const;
export type Fidelity = (typeof FIDELITIES)[number];

/**
 * Each library's word for `published` before the one vocabulary (`reference` was always `reference`).
 * They persist: split trees and node journals (`options.compat`, `metricCompat`), metric score
 * journals (`compat`) and search configs (`compat`, hashed into checkpoints and run keys, logged to
 * MLflow) are on disk and in MLflow, and hashes of them name cache files and skip finished runs. So
 * each persistence boundary writes its library's token (fidelityToken) and reads it back
 * (fidelityOfToken): the same inputs keep the same files and hashes. This is the one mapping.
 */
const PUBLISHED_TOKENS = { splitting: 'none', metrics: 'naslib', search: 'spec' } as const;

/** The libraries whose persisted formats keep a token of their own. */
export type FidelityLibrary = keyof typeof PUBLISHED_TOKENS;
/** A library's persisted token of a fidelity: `reference`, or its old word for `published`. */
export type FidelityToken<L extends FidelityLibrary = FidelityLibrary> = (typeof PUBLISHED_TOKENS)[L] | 'reference';

const LEGACY_PUBLISHED: readonly string[] = Object.values(PUBLISHED_TOKENS);

/** The token `library` persists for `fidelity`. */
export function fidelityToken<L extends FidelityLibrary>(library: L, fidelity: Fidelity): FidelityToken<L> {
  return fidelity === 'reference' ? 'reference' : PUBLISHED_TOKENS[library];
}

/** The fidelity of a token `library` persisted; any other text is an InvalidInputError naming it. */
export function fidelityOfToken(library: FidelityLibrary, token: string): Fidelity {
  if (token === 'reference') return 'reference';
  if (token === PUBLISHED_TOKENS[library]) return 'published';
  throw new InvalidInputError(`a ${library} fidelity must be recorded as ${PUBLISHED_TOKENS[library]} or reference, got '${token}'`);
}

/**
 * `text` as a fidelity: `published` or `reference`, or a legacy word for published (`none`, `naslib`,
 * `spec`: the old values of `--compat`); anything else is an InvalidInputError naming `what` and the value.
 */
export function parseFidelity(text: string, what: string): Fidelity {
  if ((FIDELITIES as readonly string[]).includes(text)) return text as Fidelity;
  if (LEGACY_PUBLISHED.includes(text)) return 'published';
  throw new InvalidInputError(`${what} must be ${FIDELITIES.join(' or ')} (legacy: ${LEGACY_PUBLISHED.join(', ')}), got '${text}'`);
}
