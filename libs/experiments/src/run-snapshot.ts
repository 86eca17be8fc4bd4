import type { MlflowClient } from '@fsnas/tracking';

/** What one MLflow run holds, in a comparable form (tests: `--jobs 2` against `--jobs 1`). */
export interface RunSnapshot {
  readonly name: string;
  readonly runId: string;
  readonly status: string;
  readonly params: Record<string, string>;
  /** The tags that describe the run (not the ones naming who, when and which process logged it). */
  readonly tags: Record<string, string>;
  /** Every metric's history, as `step → value`. */
  readonly metrics: Record<string, Record<number, number>>;
  readonly artifacts: readonly string[];
}

// Tags that differ between two identical computations: who started the run and when, the store's own ids.
const VOLATILE_TAG = /^mlflow\.(user|source\.git\.commit)$|^fsnas\.local_run_id$|^git_commit$/;

/** Every run of an experiment, sorted by name, with full metric histories and artifact paths. */
export async function snapshotExperiment(client: MlflowClient, experiment: string): Promise<RunSnapshot[]> {
  const found = await client.getExperimentByName(experiment);
  if (!found) return [];
  const runs = await client.searchRuns({ experimentIds: [found.experimentId] });
  const snapshots = await Promise.all(
    runs.map(async (run): Promise<RunSnapshot> => {
      const metrics: Record<string, Record<number, number>> = {};
      for (const key of [...new Set(run.metrics.map((m) => m.key))].sort()) {
        metrics[key] = Object.fromEntries((await client.getMetricHistory(run.info.runId, key)).map((m) => [m.step, m.value]));
      }
      return {
        name: run.info.runName,
        runId: run.info.runId,
        status: run.info.status,
        params: Object.fromEntries(run.params.map((p) => [p.key, p.value])),
        tags: Object.fromEntries(run.tags.filter((t) => !VOLATILE_TAG.test(t.key)).map((t) => [t.key, t.value])),
        metrics,
        artifacts: (await client.listArtifactsRecursive(run.info)).map((a) => a.path).sort(),
      };
    }),
  );
  return snapshots.sort((a, b) => a.name.localeCompare(b.name));
}
