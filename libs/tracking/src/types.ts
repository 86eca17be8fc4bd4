/** Shapes of the MLflow REST API 2.0 (https://mlflow.org/docs/latest/rest-api.html), as fsnas uses them. */

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

export interface Metric {
  readonly key: string;
  readonly value: number;
  /** Milliseconds since the epoch. Fixed when the metric is journaled, so a replay sends the same row. */
  readonly timestamp: number;
  readonly step: number;
}

export interface Experiment {
  readonly experimentId: string;
  readonly name: string;
  readonly artifactLocation: string;
  readonly lifecycleStage: string;
  /** Experiment tags; `mlflow.note.content` is its description in the UI. */
  readonly tags: readonly KeyValue[];
}

export interface RunInfo {
  readonly runId: string;
  readonly runName: string;
  readonly experimentId: string;
  readonly status: RunStatus;
  readonly startTime: number;
  readonly endTime?: number;
  readonly artifactUri: string;
  readonly lifecycleStage: string;
}

export interface Run {
  readonly info: RunInfo;
  /** Latest value of each metric. */
  readonly metrics: readonly Metric[];
  readonly params: readonly KeyValue[];
  readonly tags: readonly KeyValue[];
}

export interface LogBatchRequest {
  readonly metrics?: readonly Metric[];
  readonly params?: readonly KeyValue[];
  readonly tags?: readonly KeyValue[];
}

export interface ArtifactFile {
  /** Path relative to the listed folder's root (the run's artifact root for a run listing). */
  readonly path: string;
  readonly isDir: boolean;
  readonly fileSize?: number;
}

export interface SearchRunsRequest {
  readonly experimentIds: readonly string[];
  /** MLflow's filter syntax, e.g. tags.`fsnas.run_key` = 'abc'. */
  readonly filter?: string;
  readonly maxResults?: number;
  readonly orderBy?: readonly string[];
}
