import { InvalidInputError } from '@fsnas/core';
import { decodeDouble, encodeDouble, isNormalPath, splitBatch, validateBatch } from './batch';
import { MlflowRequestError } from './errors';
import { DEFAULT_RETRY, MlflowHttp, type RetryPolicy } from './http';
import { targetFromUri, type TrackingTarget } from './tracking-uri';
import type { ArtifactFile, Experiment, KeyValue, LogBatchRequest, Metric, Run, RunInfo, RunStatus, SearchRunsRequest } from './types';

const API = '/api/2.0/mlflow';
const ARTIFACTS_API = '/api/2.0/mlflow-artifacts/artifacts';

/**
 * Typed client for the MLflow REST API 2.0: the calls fsnas needs, no more. Stateless apart from the
 * transport; durability lives in the Journal, not here.
 */
export class MlflowClient {
  readonly http: MlflowHttp;

  constructor(target: TrackingTarget | string, retry: RetryPolicy = DEFAULT_RETRY) {
    this.http = new MlflowHttp(typeof target === 'string' ? targetFromUri(target) : target, retry);
  }

  get url(): string {
    return this.http.target.url;
  }

  /** The experiment with this name, or undefined when there is none. */
  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    try {
      const body = await this.http.request({ method: 'GET', path: `${API}/experiments/get-by-name`, query: { experiment_name: name } });
      return toExperiment(field(body, 'experiment'));
    } catch (error) {
      if (error instanceof MlflowRequestError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') return undefined;
      throw error;
    }
  }

  async createExperiment(name: string): Promise<string> {
    const body = await this.http.request({ method: 'POST', path: `${API}/experiments/create`, json: { name } });
    return str(field(body, 'experiment_id'));
  }

  /**
   * Get or create, tolerating a concurrent creator (RESOURCE_ALREADY_EXISTS). A deleted experiment with
   * the name is restored: its name is still taken, and fsnas experiment names are fixed per finding.
   */
  async ensureExperiment(name: string): Promise<string> {
    const existing = await this.getExperimentByName(name);
    if (existing) {
      if (existing.lifecycleStage === 'deleted') {
        await this.http.request({ method: 'POST', path: `${API}/experiments/restore`, json: { experiment_id: existing.experimentId } });
      }
      return existing.experimentId;
    }
    try {
      return await this.createExperiment(name);
    } catch (error) {
      if (!(error instanceof MlflowRequestError && error.errorCode === 'RESOURCE_ALREADY_EXISTS')) throw error;
      const raced = await this.getExperimentByName(name);
      if (!raced) throw error;
      return raced.experimentId;
    }
  }

  /** Set a tag on an experiment (`mlflow.note.content` is the description the UI shows). */
  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    validateBatch({ tags: [{ key, value }] });
    await this.http.request({ method: 'POST', path: `${API}/experiments/set-experiment-tag`, json: { experiment_id: experimentId, key, value } });
  }

  async createRun(options: { experimentId: string; runName?: string; startTime: number; tags?: readonly KeyValue[] }): Promise<Run> {
    const body = await this.http.request({
      method: 'POST',
      path: `${API}/runs/create`,
      json: { experiment_id: options.experimentId, run_name: options.runName, start_time: options.startTime, tags: options.tags ?? [] },
    });
    return toRun(field(body, 'run'));
  }

  async getRun(runId: string): Promise<Run> {
    const body = await this.http.request({ method: 'GET', path: `${API}/runs/get`, query: { run_id: runId } });
    return toRun(field(body, 'run'));
  }

  async updateRun(runId: string, update: { status?: RunStatus; endTime?: number; runName?: string }): Promise<RunInfo> {
    const body = await this.http.request({
      method: 'POST',
      path: `${API}/runs/update`,
      json: { run_id: runId, status: update.status, end_time: update.endTime, run_name: update.runName },
    });
    return toRunInfo(field(body, 'run_info'));
  }

  /** Move a run to the trash (lifecycle `deleted`); writes to it are refused afterwards. */
  async deleteRun(runId: string): Promise<void> {
    await this.http.request({ method: 'POST', path: `${API}/runs/delete`, json: { run_id: runId } });
  }

  /** All matching runs, following page tokens. */
  async searchRuns(request: SearchRunsRequest): Promise<Run[]> {
    const runs: Run[] = [];
    let pageToken: string | undefined;
    do {
      const body = await this.http.request({
        method: 'POST',
        path: `${API}/runs/search`,
        json: {
          experiment_ids: request.experimentIds,
          filter: request.filter ?? '',
          max_results: request.maxResults ?? 1000,
          order_by: request.orderBy ?? [],
          page_token: pageToken,
        },
      });
      for (const run of arr(optionalField(body, 'runs'))) runs.push(toRun(run));
      const next = optionalField(body, 'next_page_token');
      pageToken = typeof next === 'string' && next !== '' && request.maxResults === undefined ? next : undefined;
    } while (pageToken);
    return runs;
  }

  /**
   * Log metrics, params and tags, split into as many requests as MLflow's limits need. Throws
   * InvalidInputError before sending anything the server would refuse for its shape.
   */
  async logBatch(runId: string, batch: LogBatchRequest): Promise<number> {
    validateBatch(batch);
    const chunks = splitBatch(batch);
    for (const chunk of chunks) {
      await this.http.request({
        method: 'POST',
        path: `${API}/runs/log-batch`,
        json: {
          run_id: runId,
          metrics: (chunk.metrics ?? []).map((m) => ({ ...m, value: encodeDouble(m.value) })),
          params: chunk.params ?? [],
          tags: chunk.tags ?? [],
        },
      });
    }
    return chunks.length;
  }

  async getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    const metrics: Metric[] = [];
    let pageToken: string | undefined;
    do {
      const body = await this.http.request({
        method: 'GET',
        path: `${API}/metrics/get-history`,
        query: { run_id: runId, metric_key: key, max_results: '25000', page_token: pageToken },
      });
      for (const m of arr(optionalField(body, 'metrics'))) metrics.push(toMetric(m));
      const next = optionalField(body, 'next_page_token');
      pageToken = typeof next === 'string' && next !== '' ? next : undefined;
    } while (pageToken);
    return metrics;
  }

  /** Upload one file's bytes to `artifactPath` (relative to the run's artifact root) via the proxy. */
  async uploadArtifact(run: RunInfo, artifactPath: string, content: Uint8Array): Promise<void> {
    await this.http.request({ method: 'PUT', path: `${ARTIFACTS_API}/${encodePath(`${proxyRoot(run)}/${checkArtifactPath(artifactPath)}`)}`, body: content });
  }

  /** Direct children of `dir` (default: the run's artifact root); paths are relative to the run root. */
  async listArtifacts(run: RunInfo, dir = ''): Promise<ArtifactFile[]> {
    const base = dir === '' ? proxyRoot(run) : `${proxyRoot(run)}/${checkArtifactPath(dir)}`;
    const body = await this.http.request({ method: 'GET', path: ARTIFACTS_API, query: { path: base } });
    return arr(optionalField(body, 'files')).map((f) => {
      const name = str(field(f, 'path'));
      const size = optionalField(f, 'file_size');
      return {
        path: dir === '' ? name : `${dir}/${name}`,
        isDir: optionalField(f, 'is_dir') === true,
        ...(size === undefined ? {} : { fileSize: Number(size) }),
      };
    });
  }

  /** Every file below `dir`, recursively. */
  async listArtifactsRecursive(run: RunInfo, dir = ''): Promise<ArtifactFile[]> {
    const out: ArtifactFile[] = [];
    for (const entry of await this.listArtifacts(run, dir)) {
      if (entry.isDir) out.push(...(await this.listArtifactsRecursive(run, entry.path)));
      else out.push(entry);
    }
    return out;
  }

  async downloadArtifact(run: RunInfo, artifactPath: string): Promise<string> {
    const response = await fetch(`${this.url}${ARTIFACTS_API}/${encodePath(`${proxyRoot(run)}/${checkArtifactPath(artifactPath)}`)}`, {
      headers: this.http.target.authorization ? { Authorization: this.http.target.authorization } : {},
    });
    if (!response.ok) throw new MlflowRequestError(response.status, 'DOWNLOAD_FAILED', `GET artifact ${artifactPath}`, await response.text());
    return response.text();
  }
}

/**
 * The proxy addresses a run's artifacts by the part of its artifact URI after `mlflow-artifacts:/`.
 * A server started without --serve-artifacts gives other URIs (file:, s3:), which this client cannot upload to.
 */
function proxyRoot(run: RunInfo): string {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.+)$/.exec(run.artifactUri);
  if (!match?.[1]) {
    throw new InvalidInputError(
      `run ${run.runId} stores artifacts at '${run.artifactUri}', not through the mlflow-artifacts proxy; start the server with --serve-artifacts`,
    );
  }
  return match[1].replace(/\/+$/, '');
}

function checkArtifactPath(path: string): string {
  if (!isNormalPath(path)) throw new InvalidInputError(`artifact path '${path}' must be relative, without '.', '..' or empty segments`);
  return path;
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

// Narrowing helpers: the server's JSON is untrusted input, checked field by field.

function optionalField(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function field(value: unknown, name: string): unknown {
  const v = optionalField(value, name);
  if (v === undefined) throw new MlflowRequestError(200, 'MALFORMED_RESPONSE', 'response', `missing field '${name}'`);
  return v;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function num(value: unknown): number | undefined {
  return value === undefined || value === null ? undefined : Number(value);
}

function toKeyValues(value: unknown): KeyValue[] {
  return arr(value).map((kv) => ({ key: str(field(kv, 'key')), value: str(optionalField(kv, 'value') ?? '') }));
}

function toMetric(value: unknown): Metric {
  return {
    key: str(field(value, 'key')),
    value: decodeDouble(optionalField(value, 'value')),
    timestamp: num(optionalField(value, 'timestamp')) ?? 0,
    step: num(optionalField(value, 'step')) ?? 0,
  };
}

function toExperiment(value: unknown): Experiment {
  return {
    experimentId: str(field(value, 'experiment_id')),
    name: str(field(value, 'name')),
    artifactLocation: str(optionalField(value, 'artifact_location') ?? ''),
    lifecycleStage: str(optionalField(value, 'lifecycle_stage') ?? 'active'),
    tags: toKeyValues(optionalField(value, 'tags')),
  };
}

function toRunInfo(value: unknown): RunInfo {
  const endTime = num(optionalField(value, 'end_time'));
  return {
    runId: str(optionalField(value, 'run_id') ?? field(value, 'run_uuid')),
    runName: str(optionalField(value, 'run_name') ?? ''),
    experimentId: str(field(value, 'experiment_id')),
    status: str(field(value, 'status')) as RunStatus,
    startTime: num(optionalField(value, 'start_time')) ?? 0,
    ...(endTime === undefined ? {} : { endTime }),
    artifactUri: str(optionalField(value, 'artifact_uri') ?? ''),
    lifecycleStage: str(optionalField(value, 'lifecycle_stage') ?? 'active'),
  };
}

function toRun(value: unknown): Run {
  const data = optionalField(value, 'data');
  return {
    info: toRunInfo(field(value, 'info')),
    metrics: arr(optionalField(data, 'metrics')).map(toMetric),
    params: toKeyValues(optionalField(data, 'params')),
    tags: toKeyValues(optionalField(data, 'tags')),
  };
}
