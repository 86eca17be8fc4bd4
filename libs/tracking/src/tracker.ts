import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '@fsnas/core';
import { validateBatch } from './batch';
import { MlflowClient } from './client';
import { MlflowRequestError, MlflowUnavailableError } from './errors';
import { backoffDelay, type RetryPolicy } from './http';
import { JournalFile, journalFiles, LOCAL_PREFIX, type JournalOp, type RunRef } from './journal';
import { Replayer, TAG_RUN_KEY, type DrainReport, type FailedWrite } from './replay';
import { checkTagsMatchParams, standardRunTags, MLFLOW_TAG, type RunSource } from './mlflow-tags';
import { flattenParams, runKey } from './run-key';
import { ActiveRun, type RunSeed } from './active-run';
import { syncJournals, type SyncReport } from './sync';
import { localServerStatus } from './local-server';
import { resolveTrackingUri, type ResolvedTarget } from './target';
import { authorizationFromEnv, describeTarget } from './tracking-uri';
import type { Run } from './types';

export interface TrackerOptions {
  /** MLflow experiment (one per paper finding), created on first use. */
  readonly experiment: string;
  /** Server URL; default MLFLOW_TRACKING_URI, else the local server, started on demand. */
  readonly trackingUri?: string;
  /** Data folder for the journal (and the local server); default the project's data folder. */
  readonly dataDir?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Retries of one live send before the write is left queued; kept short so a run never stalls long. */
  readonly sendRetry?: RetryPolicy;
  /** Backoff between reconnection attempts while the server is away. */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /** Where notices go (server lost / back); default stderr. */
  readonly log?: (line: string) => void;
  /** The experiment's description (`mlflow.note.content` experiment tag), set with the first run. */
  readonly description?: string;
  /** What logs the runs (`mlflow.source.name`, `mlflow.source.git.commit`); default `fsnas`. */
  readonly source?: RunSource;
}

export interface RunOptions {
  /** Run name, also the `mlflow.runName` tag. */
  readonly name?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** The run's one-line description (`mlflow.note.content`). */
  readonly description?: string;
}

export type RunResult<T> =
  | { readonly status: 'skipped'; readonly runId: string }
  | { readonly status: 'finished'; readonly runId: string; readonly resumed: boolean; readonly value: T };

const QUICK_RETRY: RetryPolicy = { attempts: 2, baseDelayMs: 200, maxDelayMs: 1000, timeoutMs: 15_000 };

/**
 * Logs experiment runs to MLflow so that nothing is lost: each write goes to the journal first, then
 * to the server. While the server is away, writes queue and the run carries on; they are replayed,
 * in order, when it answers again (with exponential backoff between attempts), at `close()`, or by
 * `fsnas mlflow sync`.
 *
 *   const tracker = await Tracker.open({ experiment: 'F3-distribution' });
 *   await tracker.run(config, async (run) => { await run.logMetric('acc', 0.9, 1); }, { tags: { metric: 'snip' } });
 *   await tracker.close();
 */
export class Tracker {
  private journal: JournalFile | undefined;
  private replayer: Replayer | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private outageCount = 0;
  private nextAttemptAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly failures: FailedWrite[] = [];
  private closed = false;
  private describedExperiment = false;

  private constructor(
    readonly experiment: string,
    private target: ResolvedTarget,
    private client: MlflowClient,
    private readonly options: TrackerOptions,
  ) {}

  static async open(options: TrackerOptions): Promise<Tracker> {
    const env = options.env ?? process.env;
    if (options.experiment.trim() === '') throw new InvalidInputError('Tracker.open: experiment name must not be empty');
    const target = await resolveTrackingUri({ env, ...(options.dataDir ? { dataDir: options.dataDir } : {}), ...(options.trackingUri ? { trackingUri: options.trackingUri } : {}) });
    const authorization = authorizationFromEnv(env);
    const client = new MlflowClient(authorization ? { url: target.url, authorization } : { url: target.url }, options.sendRetry ?? QUICK_RETRY);
    const tracker = new Tracker(options.experiment, target, client, options);
    // Writes left by earlier processes (crashed, or ended during an outage) go first.
    await tracker.syncOrphans().catch(() => undefined);
    return tracker;
  }

  /** The REST client in use (for reads: searching runs, metric histories). */
  get mlflowClient(): MlflowClient {
    return this.client;
  }

  /** URL of the tracking server (the MLflow UI). */
  get url(): string {
    return this.target.url;
  }

  /** Writes refused by the server (4xx) while replaying queued writes. */
  get refused(): readonly FailedWrite[] {
    return this.failures;
  }

  get pendingWrites(): number {
    return this.journal?.pending().length ?? 0;
  }

  /**
   * Run `body` as the MLflow run of `config` (its resolved configuration). A run whose config was
   * already run to completion is skipped; an unfinished one (RUNNING, FAILED, KILLED) is resumed.
   * The run ends FINISHED when `body` resolves, FAILED when it throws (and the error is rethrown).
   */
  async run<T>(config: unknown, body: (run: ActiveRun) => Promise<T>, options: RunOptions = {}): Promise<RunResult<T>> {
    const started = await this.startRun(config, options);
    if ('skipped' in started) return { status: 'skipped', runId: started.runId };
    try {
      const value = await body(started);
      await started.end('FINISHED');
      return { status: 'finished', runId: started.runId, resumed: started.resumed, value };
    } catch (error) {
      await started.end('FAILED').catch(() => undefined);
      throw error;
    }
  }

  /** Lower-level than `run`: the caller must `end()` the returned run. */
  async startRun(config: unknown, options: RunOptions = {}): Promise<ActiveRun | { skipped: true; runId: string }> {
    this.assertOpen();
    const key = runKey(config);
    const params = flattenParams(config);
    validateBatch({ params: Object.entries(params).map(([k, value]) => ({ key: k, value })) });
    checkTagsMatchParams(params, options.tags ?? {});
    const existing = await this.findExisting(key);
    if (existing?.finished) return { skipped: true, runId: existing.ref };
    await this.describeExperiment();
    if (existing) {
      const run = new ActiveRun(this, existing.ref, key, true, existing.seed);
      await this.write({ kind: 'update-run', run: existing.ref, status: 'RUNNING' });
      await run.logParams(params);
      return run;
    }
    const localId = randomUUID().replace(/-/g, '');
    const standard = standardRunTags({
      ...(options.name ? { runName: options.name } : {}),
      ...(options.description ? { description: options.description } : {}),
      ...(this.options.source ? { source: this.options.source } : {}),
      env: this.options.env ?? process.env,
    });
    const tags = [{ key: TAG_RUN_KEY, value: key }, ...Object.entries({ ...standard, ...options.tags }).map(([k, value]) => ({ key: k, value }))];
    validateBatch({ tags });
    await this.write({
      kind: 'create-run',
      localId,
      experiment: this.experiment,
      startTime: Date.now(),
      tags,
      ...(options.name ? { runName: options.name } : {}),
    });
    const run = new ActiveRun(this, `${LOCAL_PREFIX}${localId}`, key, false, { params: new Map(), steps: new Set() });
    await run.logParams(params);
    return run;
  }

  /** The experiment description, once per Tracker, journaled like every write (idempotent on replay). */
  private async describeExperiment(): Promise<void> {
    if (this.describedExperiment || !this.options.description) return;
    this.describedExperiment = true;
    await this.write({ kind: 'set-experiment-tag', experiment: this.experiment, key: MLFLOW_TAG.note, value: this.options.description.replace(/\s+/g, ' ').trim() });
  }

  /** The server's id for a run, once it exists there; the local ref while it is still queued. */
  serverRunId(ref: RunRef): string {
    if (!ref.startsWith(LOCAL_PREFIX)) return ref;
    return this.journal?.serverRunId(ref.slice(LOCAL_PREFIX.length)) ?? ref;
  }

  /**
   * Journal a write, then send the queue unless the server is in backoff. Resolves once the write is
   * durable; throws only when the server refused this very write (MlflowRequestError).
   */
  async write(op: JournalOp, artifactBytes?: Uint8Array): Promise<void> {
    this.assertOpen();
    const journal = this.ensureJournal();
    const entry = journal.append(op, artifactBytes);
    if (Date.now() >= this.nextAttemptAt) await this.drain();
    const state = journal.state(entry.id);
    if (state?.state === 'failed') {
      const cause = this.failures.find((f) => f.id === entry.id)?.cause;
      throw cause ?? new MlflowRequestError(400, 'REFUSED', op.kind, state.error);
    }
  }

  /** Send every queued write now, ignoring the backoff. */
  async flush(): Promise<DrainReport> {
    return this.drain();
  }

  /**
   * Flush, then release the journal: deleted when everything was sent, else kept for a later replay
   * (the next Tracker.open or `fsnas mlflow sync`). Waits up to `waitMs` for an absent server.
   */
  async close(options: { waitMs?: number } = {}): Promise<{ pending: number; journal?: string }> {
    if (this.closed) return { pending: 0 };
    const deadline = Date.now() + (options.waitMs ?? 0);
    let report = await this.drain();
    while (report.pending > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, deadline - Date.now()))));
      report = await this.drain();
    }
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const journal = this.journal;
    if (!journal) return { pending: 0 };
    journal.close();
    if (report.pending > 0) {
      this.notice(`${report.pending} MLflow write(s) are queued in ${journal.file}; they are sent by the next run or by: npx fsnas mlflow sync`);
      return { pending: report.pending, journal: journal.file };
    }
    return { pending: 0 };
  }

  /** Replays journals left by other (finished or crashed) processes for this store. */
  async syncOrphans(): Promise<SyncReport> {
    return syncJournals(this.target.journalDir, this.client);
  }

  // Drains run one at a time, in the order they were asked for, so entries are sent in log order.
  private drain(): Promise<DrainReport> {
    const next = this.chain.then(() => this.drainNow());
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async drainNow(): Promise<DrainReport> {
    if (!this.journal || !this.replayer) return { sent: 0, failed: [], pending: 0 };
    const report = await this.replayer.drain();
    this.failures.push(...report.failed);
    for (const f of report.failed) this.notice(`MLflow refused a queued ${f.kind}: ${f.error}`);
    if (report.unavailable && (await this.followLocalServer())) return this.drainNow();
    if (report.unavailable) {
      const delay = backoffDelay(this.outageCount, this.options.backoff?.baseMs ?? 1000, this.options.backoff?.maxMs ?? 60_000);
      if (this.outageCount === 0) {
        this.notice(`MLflow at ${describeTarget(this.client.http.target)} is unavailable (${report.unavailable.detail}); the run continues and writes are queued in ${this.journal.file}`);
      }
      this.outageCount++;
      this.nextAttemptAt = Date.now() + delay;
      this.scheduleRetry(delay);
    } else {
      if (this.outageCount > 0) this.notice(`MLflow is back; replayed the queued writes (${report.sent} sent)`);
      this.outageCount = 0;
      this.nextAttemptAt = 0;
    }
    return report;
  }

  /**
   * The local server may have been restarted (`fsnas mlflow up`) on another port while this run was
   * writing: follow it, so the queue drains without waiting for a sync. Returns whether the URL changed.
   */
  private async followLocalServer(): Promise<boolean> {
    if (!this.target.local) return false;
    const status = await localServerStatus(this.options.dataDir ? { dataDir: this.options.dataDir } : {});
    if (!status.running || !status.url || status.url === this.target.url) return false;
    this.target = { ...this.target, url: status.url };
    const authorization = authorizationFromEnv(this.options.env ?? process.env);
    this.client = new MlflowClient(authorization ? { url: status.url, authorization } : { url: status.url }, this.options.sendRetry ?? QUICK_RETRY);
    if (this.journal) this.replayer = new Replayer(this.client, this.journal);
    this.notice(`the local MLflow server moved to ${status.url}; following it`);
    return true;
  }

  // The timer is unref'd: a queued write never keeps the process alive; close() or sync picks it up.
  private scheduleRetry(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.closed) void this.drain().catch(() => undefined);
    }, delay);
    this.timer.unref();
  }

  private ensureJournal(): JournalFile {
    if (!this.journal) {
      this.journal = JournalFile.create(this.target.journalDir, this.target.url);
      this.replayer = new Replayer(this.client, this.journal);
    }
    return this.journal;
  }

  /**
   * The run with this key, on the server or, when it cannot be reached, in the journals. For a resumed
   * run, the params and metric steps it already has are returned so they are not logged twice.
   */
  private async findExisting(key: string): Promise<{ ref: RunRef; finished: boolean; seed: RunSeed } | undefined> {
    try {
      const experiment = await this.client.getExperimentByName(this.experiment);
      if (experiment) {
        const runs = await this.client.searchRuns({
          experimentIds: [experiment.experimentId],
          filter: `tags.\`${TAG_RUN_KEY}\` = '${key}'`,
          orderBy: ['attributes.start_time DESC'],
        });
        const finished = runs.find((r) => r.info.status === 'FINISHED');
        if (finished) return { ref: finished.info.runId, finished: true, seed: emptySeed() };
        const open = runs[0];
        if (open) return { ref: open.info.runId, finished: false, seed: await this.seedFromServer(open) };
      }
    } catch (error) {
      if (!(error instanceof MlflowUnavailableError)) throw error;
    }
    return this.findInJournals(key);
  }

  private async seedFromServer(run: Run): Promise<RunSeed> {
    const steps = new Set<string>();
    for (const metric of run.metrics) {
      for (const m of await this.client.getMetricHistory(run.info.runId, metric.key)) steps.add(stepKey(m.key, m.step));
    }
    return { params: new Map(run.params.map((p) => [p.key, p.value])), steps };
  }

  /** Offline lookup: a run with this key that some journal created and that never reached FINISHED there. */
  private findInJournals(key: string): { ref: RunRef; finished: boolean; seed: RunSeed } | undefined {
    for (const file of journalFiles(this.target.journalDir).reverse()) {
      let journal: JournalFile;
      try {
        journal = file === this.journal?.file ? this.journal : JournalFile.load(file);
      } catch {
        continue;
      }
      const creation = journal.all().find((e) => e.op.kind === 'create-run' && e.op.tags.some((t) => t.key === TAG_RUN_KEY && t.value === key));
      if (!creation || creation.op.kind !== 'create-run') continue;
      const ref = `${LOCAL_PREFIX}${creation.op.localId}`;
      const seed = emptySeed();
      let finished = false;
      for (const { op } of journal.all()) {
        if (op.kind === 'update-run' && op.run === ref) finished = op.status === 'FINISHED';
        if (op.kind === 'log-batch' && op.run === ref) {
          for (const p of op.params) seed.params.set(p.key, p.value);
          for (const m of op.metrics) seed.steps.add(stepKey(m.key, m.step));
        }
      }
      // This journal must be able to create the run itself when it is replayed alone; the creation is
      // idempotent (found again by its local id), so copying it cannot make a second run.
      if (journal !== this.journal) this.ensureJournal().append(creation.op);
      return { ref, finished, seed };
    }
    return undefined;
  }

  private notice(line: string): void {
    (this.options.log ?? ((l: string) => process.stderr.write(`fsnas: ${l}\n`)))(line);
  }

  private assertOpen(): void {
    if (this.closed) throw new InvalidInputError('this Tracker is closed');
  }
}

export function stepKey(key: string, step: number): string {
  return `${key}\u0000${step}`;
}

function emptySeed(): RunSeed {
  return { params: new Map(), steps: new Set() };
}
