import { BUDGETS, FsnasError, InvalidInputError, type Budget } from '@fsnas/core';
import { MlflowClient, authorizationFromEnv, resolveTrackingUri, type Run } from '@fsnas/tracking';

/** One finished run of a finding, as notebooks read it back from MLflow. */
export interface FindingRun {
  readonly runId: string;
  readonly name: string;
  readonly params: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  /** Latest value of each metric. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Text of one artifact (CSV, JSON, HTML) of the run. */
  artifact(path: string): Promise<string>;
  /** Every artifact path of the run. */
  artifactPaths(): Promise<string[]>;
}

export class NoResultsError extends FsnasError {
  constructor(finding: string, url: string) {
    super('NO_RESULTS', `no finished runs of ${finding} on ${url}; run: npx fsnas reproduce --finding ${finding.split('-')[0]}`);
  }
}

/**
 * The finished runs of a finding's experiment (optionally filtered by tags), from
 * MLFLOW_TRACKING_URI or the local server. Notebooks start here: they read what `reproduce` logged
 * instead of recomputing hidden copies.
 */
export async function loadFindingRuns(finding: string, options: { tags?: Readonly<Record<string, string>>; env?: NodeJS.ProcessEnv } = {}): Promise<FindingRun[]> {
  const client = await trackingClient(options.env);
  const experiment = await client.getExperimentByName(finding);
  if (!experiment) throw new NoResultsError(finding, client.url);
  const filter = [`attributes.status = 'FINISHED'`, ...Object.entries(options.tags ?? {}).map(([k, v]) => `tags.\`${k}\` = '${v.replace(/'/g, "\\'")}'`)].join(' and ');
  const runs = await client.searchRuns({ experimentIds: [experiment.experimentId], filter });
  if (runs.length === 0) throw new NoResultsError(finding, client.url);
  return runs.map((run) => toFindingRun(client, run)).sort((a, b) => a.name.localeCompare(b.name));
}

/** A client of MLFLOW_TRACKING_URI (with its credentials from the environment) or of the local server, started on demand. */
export async function trackingClient(env: NodeJS.ProcessEnv = process.env): Promise<MlflowClient> {
  const target = await resolveTrackingUri({ env });
  const authorization = authorizationFromEnv(env);
  return new MlflowClient(authorization ? { url: target.url, authorization } : { url: target.url });
}

function toFindingRun(client: MlflowClient, run: Run): FindingRun {
  return {
    runId: run.info.runId,
    name: run.info.runName,
    params: Object.fromEntries(run.params.map((p) => [p.key, p.value])),
    tags: Object.fromEntries(run.tags.map((t) => [t.key, t.value])),
    metrics: Object.fromEntries(run.metrics.map((m) => [m.key, m.value])),
    artifact: (path) => client.downloadArtifact(run.info, path),
    artifactPaths: async () => (await client.listArtifactsRecursive(run.info)).map((a) => a.path),
  };
}

/** Which budget's runs a notebook reads: one preset, or the largest one logged (paper > laptop > smoke). */
export type BudgetChoice = Budget | 'largest';

export class BudgetNotLoggedError extends FsnasError {
  constructor(choice: BudgetChoice, logged: readonly Budget[]) {
    super('BUDGET_NOT_LOGGED', `no runs of budget '${choice}' (logged: ${logged.length ? logged.join(', ') : 'none'}); run: npx fsnas reproduce --budget ${choice === 'largest' ? 'laptop' : choice}`);
  }
}

/**
 * The runs of one budget only. Budgets log the same run names (a smoke F4 beside a laptop F4), so a
 * notebook that does not choose mixes or silently swaps their numbers. `note` says which budget was
 * kept and which were logged, for the notebook to print.
 */
export function selectBudget<R extends Pick<FindingRun, 'tags'>>(runs: readonly R[], choice: BudgetChoice = 'largest'): { budget: Budget; runs: R[]; logged: Budget[]; note: string } {
  if (choice !== 'largest' && !(BUDGETS as readonly string[]).includes(choice)) throw new InvalidInputError(`budget must be one of ${BUDGETS.join(', ')} or 'largest', got '${String(choice)}'`);
  const present = new Set(runs.map((r) => r.tags['budget']));
  const logged = [...BUDGETS].reverse().filter((b) => present.has(b));
  const budget = choice === 'largest' ? logged[0] : logged.includes(choice) ? choice : undefined;
  if (!budget) throw new BudgetNotLoggedError(choice, logged);
  const kept = runs.filter((r) => r.tags['budget'] === budget);
  return { budget, runs: kept, logged, note: `budget ${budget} (${choice === 'largest' ? 'the largest logged' : 'chosen'}; logged: ${logged.join(', ')}): ${kept.length} run${kept.length === 1 ? '' : 's'}` };
}

