import { FsnasError } from '@fsnas/core';
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
  const env = options.env ?? process.env;
  const target = await resolveTrackingUri({ env });
  const authorization = authorizationFromEnv(env);
  const client = new MlflowClient(authorization ? { url: target.url, authorization } : { url: target.url });
  const experiment = await client.getExperimentByName(finding);
  if (!experiment) throw new NoResultsError(finding, target.url);
  const filter = [`attributes.status = 'FINISHED'`, ...Object.entries(options.tags ?? {}).map(([k, v]) => `tags.\`${k}\` = '${v.replace(/'/g, "\\'")}'`)].join(' and ');
  const runs = await client.searchRuns({ experimentIds: [experiment.experimentId], filter });
  if (runs.length === 0) throw new NoResultsError(finding, target.url);
  return runs.map((run) => toFindingRun(client, run)).sort((a, b) => a.name.localeCompare(b.name));
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
