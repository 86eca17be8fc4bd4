import { InvalidInputError } from './errors';

/**
 * How much compute a run spends, the one budget of the whole project: `fsnas reproduce`, `fsnas search`,
 * `fsnas split --warmup` and every finding take the same names. `smoke` runs in seconds and checks
 * the plumbing only (tests, CI); `laptop` fits this machine (2 cores, no GPU), everything within an hour;
 * `medium` searches long enough for full-space DARTS to collapse (hours on this machine, resumable across
 * sittings); `paper` uses the paper's settings and needs a GPU or a cluster. Each library says what a budget means
 * for it (libs/search's BudgetSpec: network, data, epochs; each finding's `describeBudget`).
 */
export const BUDGETS = ['smoke', 'laptop', 'medium', 'paper'] as const;
export type Budget = (typeof BUDGETS)[number];

/** `text` as a budget; anything else is an InvalidInputError naming `flag`, the value and the choices. */
export function parseBudget(text: string, flag: string): Budget {
  if (!(BUDGETS as readonly string[]).includes(text)) throw new InvalidInputError(`${flag} must be one of ${BUDGETS.join(', ')}, got '${text}'`);
  return text as Budget;
}
