import { FsnasError } from '@fsnas/core';
import type { MlflowClient } from './client';
import { MlflowUnavailableError } from './errors';
import { LOCAL_PREFIX, type JournalEntry, type JournalFile, type JournalOp } from './journal';
import type { RunInfo } from './types';

export const TAG_RUN_KEY = 'fsnas.run_key';
export const TAG_LOCAL_ID = 'fsnas.local_run_id';

export interface FailedWrite {
  readonly id: string;
  readonly kind: JournalOp['kind'];
  readonly error: string;
  /** The error itself, when the failure happened in this process. */
  readonly cause?: FsnasError;
}

export interface DrainReport {
  readonly sent: number;
  readonly failed: readonly FailedWrite[];
  /** Entries still waiting (the server went away during the drain). */
  readonly pending: number;
  /** Set when the drain stopped because the server is unreachable. */
  readonly unavailable?: MlflowUnavailableError;
}

/**
 * Sends a journal's pending entries in order and marks each done. Every operation is idempotent, so an
 * entry whose response was lost can be sent again safely:
 * - create-run first looks for a run tagged with its local id (or its run key) before creating one;
 * - params and tags with the same value are accepted again by MLflow; metrics carry the timestamp
 *   fixed at log time, and the SQL store drops a row equal to one it holds (key, step, timestamp, value);
 * - an artifact upload overwrites the same path with the same bytes;
 * - update-run sets the same status, set-experiment-tag the same value.
 */
export class Replayer {
  private readonly experimentIds = new Map<string, string>();
  private readonly runInfos = new Map<string, RunInfo>();

  constructor(
    private readonly client: MlflowClient,
    private readonly journal: JournalFile,
  ) {}

  async drain(): Promise<DrainReport> {
    let sent = 0;
    const failed: FailedWrite[] = [];
    for (const entry of this.journal.pending()) {
      try {
        const runId = await this.apply(entry);
        this.journal.markDone(entry.id, runId);
        sent++;
      } catch (error) {
        if (error instanceof MlflowUnavailableError) {
          return { sent, failed, pending: this.journal.pending().length, unavailable: error };
        }
        // A refusal (4xx) or an entry that cannot be sent as written: retrying cannot help.
        if (!(error instanceof FsnasError)) throw error;
        this.journal.markFailed(entry.id, error.message);
        failed.push({ id: entry.id, kind: entry.op.kind, error: error.message, cause: error });
      }
    }
    return { sent, failed, pending: this.journal.pending().length };
  }

  private async apply(entry: JournalEntry): Promise<string | undefined> {
    const op = entry.op;
    switch (op.kind) {
      case 'create-run':
        return this.createRun(op);
      case 'log-batch':
        await this.client.logBatch(this.resolve(op.run), { metrics: op.metrics, params: op.params, tags: op.tags });
        return undefined;
      case 'update-run':
        await this.client.updateRun(this.resolve(op.run), op.endTime === undefined ? { status: op.status } : { status: op.status, endTime: op.endTime });
        return undefined;
      case 'upload-artifact': {
        const info = await this.runInfo(this.resolve(op.run));
        await this.client.uploadArtifact(info, op.path, this.journal.readBlob(entry.id));
        return undefined;
      }
      case 'set-experiment-tag':
        await this.client.setExperimentTag(await this.experimentId(op.experiment), op.key, op.value);
        return undefined;
    }
  }

  private async createRun(op: Extract<JournalOp, { kind: 'create-run' }>): Promise<string> {
    const experimentId = await this.experimentId(op.experiment);
    const runKey = op.tags.find((t) => t.key === TAG_RUN_KEY)?.value;
    const existing =
      (await this.findRun(experimentId, TAG_LOCAL_ID, op.localId)) ?? (runKey ? await this.findRun(experimentId, TAG_RUN_KEY, runKey) : undefined);
    if (existing) return existing;
    const run = await this.client.createRun({
      experimentId,
      startTime: op.startTime,
      tags: [...op.tags, { key: TAG_LOCAL_ID, value: op.localId }],
      ...(op.runName ? { runName: op.runName } : {}),
    });
    this.runInfos.set(run.info.runId, run.info);
    return run.info.runId;
  }

  private async findRun(experimentId: string, tag: string, value: string): Promise<string | undefined> {
    const runs = await this.client.searchRuns({
      experimentIds: [experimentId],
      filter: `tags.\`${tag}\` = '${value.replace(/'/g, "\\'")}'`,
      orderBy: ['attributes.start_time ASC'],
    });
    return runs[0]?.info.runId;
  }

  private async experimentId(name: string): Promise<string> {
    const known = this.experimentIds.get(name);
    if (known) return known;
    const id = await this.client.ensureExperiment(name);
    this.experimentIds.set(name, id);
    return id;
  }

  private async runInfo(runId: string): Promise<RunInfo> {
    const known = this.runInfos.get(runId);
    if (known) return known;
    const info = (await this.client.getRun(runId)).info;
    this.runInfos.set(runId, info);
    return info;
  }

  private resolve(ref: string): string {
    if (!ref.startsWith(LOCAL_PREFIX)) return ref;
    const localId = ref.slice(LOCAL_PREFIX.length);
    const runId = this.journal.serverRunId(localId);
    if (runId) return runId;
    const creation = this.journal.all().find((e) => e.op.kind === 'create-run' && e.op.localId === localId);
    const state = creation ? this.journal.state(creation.id) : undefined;
    throw new FsnasError(
      'MLFLOW_RUN_NOT_CREATED',
      state?.state === 'failed' ? `run ${localId} could not be created: ${state.error}` : `run ${localId} has no creation entry in ${this.journal.file}`,
    );
  }
}
