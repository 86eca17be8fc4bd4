import { InvalidInputError } from '@fsnas/core';
import type { Finding } from '@fsnas/experiments';
import { f1Finding } from '@fsnas/experiment-f1-split-diversity';
import { f2Finding } from '@fsnas/experiment-f2-oneshot-on-splits';
import { finding as f3Finding } from '@fsnas/finding-f3-distribution';
import { f4Finding } from '@fsnas/experiment-f4-selection';

/** Every paper finding `fsnas reproduce` knows, in the order it runs them. */
export const FINDINGS: readonly Finding[] = [f1Finding, f3Finding, f4Finding, f2Finding] as readonly Finding[];

/** Findings chosen by `--finding` (ids or their `F<n>` prefixes, comma-separated); all when empty. */
export function selectFindings(selection: string | undefined, all: readonly Finding[] = FINDINGS): Finding[] {
  if (!selection) return [...all];
  return selection.split(',').map((wanted) => {
    const w = wanted.trim().toLowerCase();
    const found = all.find((f) => f.id.toLowerCase() === w || f.id.toLowerCase().startsWith(`${w}-`));
    if (!found) throw new UnknownFindingError(wanted, all);
    return found;
  });
}


export class UnknownFindingError extends InvalidInputError {
  constructor(wanted: string, all: readonly Finding[]) {
    super(`unknown finding '${wanted}'; known: ${all.map((f) => f.id).join(', ') || '(none)'}`);
  }
}
