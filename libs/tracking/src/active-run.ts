import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InvalidInputError } from '@fsnas/core';
import { isNormalPath, validateBatch } from './batch';
import type { JournalOp, RunRef } from './journal';
import { NULL_PARAM } from './run-key';
import type { KeyValue, Metric, RunStatus } from './types';

/** What a resumed run already holds, so it is not logged twice. */
export interface RunSeed {
  readonly params: Map<string, string>;
  /** `key\0step` of every metric value already logged. */
  readonly steps: Set<string>;
}

export type ParamValue = string | number | boolean;

/**
 * One MLflow run, as the body of `Tracker.run` sees it. Every method journals its write before
 * sending it and resolves once the write is durable, whether or not the server is reachable.
 *
 * A metric has one value per (key, step): logging a step again (e.g. after a resume) is a no-op, so
 * replays and re-runs never duplicate a curve's points.
 */
/** What a run handle needs of the Tracker that opened it (an interface here, so the two modules do not import each other). */
export interface RunWriter {
  /** The server's id of a run, once the server has created it. */
  serverRunId(ref: RunRef): string;
  /** Journal one write, then send it (or leave it queued while the server is unreachable). */
  write(op: JournalOp, artifactBytes?: Uint8Array): Promise<void>;
}

export class ActiveRun {
  private ended = false;

  constructor(
    private readonly tracker: RunWriter,
    /** `local:<id>` until the server has created the run, then (in new handles) the server's id. */
    readonly ref: RunRef,
    readonly runKey: string,
    readonly resumed: boolean,
    private readonly seed: RunSeed,
  ) {}

  /** The server's run id once known, else the local ref. */
  get runId(): string {
    return this.tracker.serverRunId(this.ref);
  }

  /** Params are immutable in MLflow: the same value again is skipped, a different one is an error. */
  async logParams(params: Readonly<Record<string, ParamValue>>): Promise<void> {
    const fresh: KeyValue[] = [];
    for (const [key, raw] of Object.entries(params)) {
      const value = String(raw);
      const previous = this.seed.params.get(key);
      // Runs started before paramText logged null as 'null': resuming one keeps its param as it is.
      if (previous === value || (previous === 'null' && value === NULL_PARAM)) continue;
      if (previous !== undefined) {
        throw new InvalidInputError(`param '${key}' was already logged as '${previous}'; MLflow params cannot change (new value '${value}')`);
      }
      fresh.push({ key, value });
    }
    if (fresh.length === 0) return;
    validateBatch({ params: fresh });
    for (const p of fresh) this.seed.params.set(p.key, p.value);
    await this.tracker.write({ kind: 'log-batch', run: this.ref, metrics: [], params: fresh, tags: [] });
  }

  async logMetric(key: string, value: number, step: number): Promise<void> {
    await this.logMetrics({ [key]: value }, step);
  }

  /** Several metrics at one step, in one journal entry and one request. */
  async logMetrics(values: Readonly<Record<string, number>>, step: number): Promise<void> {
    this.assertOpen();
    // One timestamp for the whole call, fixed here: a replay sends exactly these rows again.
    const timestamp = Date.now();
    const metrics: Metric[] = [];
    for (const [key, value] of Object.entries(values)) {
      const id = `${key}\u0000${step}`;
      if (this.seed.steps.has(id)) continue;
      metrics.push({ key, value, timestamp, step });
    }
    if (metrics.length === 0) return;
    validateBatch({ metrics });
    for (const m of metrics) this.seed.steps.add(`${m.key}\u0000${m.step}`);
    await this.tracker.write({ kind: 'log-batch', run: this.ref, metrics, params: [], tags: [] });
  }

  async setTags(tags: Readonly<Record<string, string>>): Promise<void> {
    this.assertOpen();
    const list = Object.entries(tags).map(([key, value]) => ({ key, value }));
    if (list.length === 0) return;
    validateBatch({ tags: list });
    await this.tracker.write({ kind: 'log-batch', run: this.ref, metrics: [], params: [], tags: list });
  }

  /**
   * Upload a file, or a folder recursively, under `artifactPath` (default: its base name). The bytes
   * are copied into the journal first, so the source may change or vanish afterwards.
   */
  async logArtifact(localPath: string, artifactPath: string = basename(localPath)): Promise<void> {
    this.assertOpen();
    if (!isNormalPath(artifactPath)) throw new InvalidInputError(`artifact path '${artifactPath}' must be relative, without '.', '..' or empty segments`);
    let stat;
    try {
      stat = statSync(localPath);
    } catch {
      throw new InvalidInputError(`artifact source '${localPath}' does not exist`);
    }
    if (stat.isDirectory()) {
      for (const name of readdirSync(localPath).sort()) await this.logArtifact(join(localPath, name), `${artifactPath}/${name}`);
      return;
    }
    const bytes = readFileSync(localPath);
    await this.tracker.write({ kind: 'upload-artifact', run: this.ref, path: artifactPath, size: bytes.length }, bytes);
  }

  /** Upload text (JSON, CSV, HTML) as an artifact without a temporary file. */
  async logText(artifactPath: string, text: string): Promise<void> {
    this.assertOpen();
    if (!isNormalPath(artifactPath)) throw new InvalidInputError(`artifact path '${artifactPath}' must be relative, without '.', '..' or empty segments`);
    const bytes = Buffer.from(text);
    await this.tracker.write({ kind: 'upload-artifact', run: this.ref, path: artifactPath, size: bytes.length }, bytes);
  }

  async end(status: Exclude<RunStatus, 'RUNNING' | 'SCHEDULED'> = 'FINISHED'): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.tracker.write({ kind: 'update-run', run: this.ref, status, endTime: Date.now() });
  }

  private assertOpen(): void {
    if (this.ended) throw new InvalidInputError(`run ${this.ref} has ended`);
  }
}
