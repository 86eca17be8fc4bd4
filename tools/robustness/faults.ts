/**
 * The 12 faults of issue 14 as scripted scenarios against the real CLI (and, where a test of the
 * project already scripts the fault against a real MLflow server or racing processes, that test).
 * Each ends with a pass/fail check and an outcome: a clean (typed) error, a recovery with the right
 * result, or a crash, a silent wrong result, lost data.
 */
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { classify, type Expectation, type Outcome } from './classify';
import { ROOT, compareSnapshots, firstStderrLine, runCli, runProcess, snapshot, type CliRun } from './harness';

export type FaultOutcome = Outcome | 'handled';

export interface FaultResult {
  readonly id: string;
  readonly title: string;
  readonly pass: boolean;
  readonly outcome: FaultOutcome;
  readonly detail: string;
  readonly seconds?: number;
}

export interface FaultContext {
  /** Scratch folder of this matrix run. */
  readonly root: string;
  /** Environment of every CLI run (FSNAS_DATA_DIR). */
  readonly env: Readonly<Record<string, string>>;
  /** URL of a tracking server that answers 403 to everything. */
  readonly refusing: string;
  readonly log: (line: string) => void;
}

export interface Fault {
  readonly id: string;
  readonly title: string;
  run(ctx: FaultContext): Promise<FaultResult>;
}

// ---- shared scenario state: one interrupted split and one interrupted search serve several faults ----

const SPLIT = ['split', '--metric', 'synflow', '--leaves', '8', '--seed', '1', '--out', 's.json'];
const SEARCH = ['search', '--algo', 'darts', '--mask', 'full', '--budget', 'smoke', '--seed', '5', '--checkpoint', 'ck', '--out', 'results', '--json'];
const journalLines = (file: string): number => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0);

interface Interrupted {
  /** Folder holding the interrupted run's files (s.json.nodes.jsonl, or ck). */
  readonly dir: string;
  readonly run: CliRun;
}

let splitState: Promise<{ interrupted: Interrupted; reference: string }> | undefined;
/** A synflow split SIGKILLed once its journal holds the settings header and the root node, and the tree of an uninterrupted run. */
function interruptedSplit(ctx: FaultContext): Promise<{ interrupted: Interrupted; reference: string }> {
  splitState ??= (async () => {
    const dir = mkdtempSync(join(ctx.root, 'split-killed-'));
    const run = await runCli(SPLIT, { cwd: dir, env: ctx.env, timeoutMs: 300_000, interrupt: () => journalLines(join(dir, 's.json.nodes.jsonl')) >= 2, signal: 'SIGKILL' });
    if (!run.interrupted || existsSync(join(dir, 's.json'))) throw new Error(`the split was not interrupted in time (exit ${run.exitCode})`);
    const refDir = mkdtempSync(join(ctx.root, 'split-reference-'));
    const ref = await runCli(SPLIT, { cwd: refDir, env: ctx.env, timeoutMs: 300_000 });
    if (ref.exitCode !== 0) throw new Error(`the uninterrupted split failed: ${firstStderrLine(ref.stderr)}`);
    return { interrupted: { dir, run }, reference: readFileSync(join(refDir, 's.json'), 'utf8') };
  })();
  return splitState;
}

let searchState: Promise<{ interrupted: Interrupted; reference: SearchOutcome }> | undefined;
/** A smoke search SIGINTed once its first checkpoint is on disk, and the result of an uninterrupted run. */
function interruptedSearch(ctx: FaultContext): Promise<{ interrupted: Interrupted; reference: SearchOutcome }> {
  searchState ??= (async () => {
    const dir = mkdtempSync(join(ctx.root, 'search-interrupted-'));
    const run = await runCli(SEARCH, { cwd: dir, env: ctx.env, timeoutMs: 300_000, interrupt: () => existsSync(join(dir, 'ck')), signal: 'SIGINT' });
    if (!run.interrupted || existsSync(join(dir, 'results')) && readdirSync(join(dir, 'results')).length > 0) throw new Error(`the search was not interrupted before its result (exit ${run.exitCode})`);
    const refDir = mkdtempSync(join(ctx.root, 'search-reference-'));
    const ref = await runCli(SEARCH.filter((a, i) => a !== '--checkpoint' && SEARCH[i - 1] !== '--checkpoint'), { cwd: refDir, env: ctx.env, timeoutMs: 300_000 });
    if (ref.exitCode !== 0) throw new Error(`the uninterrupted search failed: ${firstStderrLine(ref.stderr)}`);
    return { interrupted: { dir, run }, reference: searchOutcome(ref.stdout) };
  })();
  return searchState;
}

/** What must not change when a search is interrupted and resumed: the derived architecture, α, the epoch records (timings aside). */
interface SearchOutcome {
  readonly derived: string;
  readonly alpha: unknown;
  readonly epochs: unknown;
}
function searchOutcome(stdout: string): SearchOutcome {
  const r = JSON.parse(stdout) as { derived: string; alpha: unknown; epochs: Record<string, unknown>[] };
  return { derived: r.derived, alpha: r.alpha, epochs: r.epochs.map(({ seconds: _s, ...e }) => e) };
}

/** A copy of the interrupted run's folder, to run one scenario in. */
function copyOf(from: Interrupted, root: string, name: string, files: readonly string[]): string {
  const dir = mkdtempSync(join(root, `${name}-`));
  for (const f of files) copyFileSync(join(from.dir, f), join(dir, f));
  return dir;
}

/** Run `args` in `dir` expecting a typed refusal; the folder's files must not change and nothing may be left behind. */
async function expectRefusal(id: string, title: string, args: readonly string[], dir: string, expectation: Expectation, env: Readonly<Record<string, string>>, extra?: (run: CliRun) => string | undefined): Promise<FaultResult> {
  const before = snapshot(dir);
  const run = await runCli(args, { cwd: dir, env, timeoutMs: 120_000 });
  const { changed, added } = compareSnapshots(before, snapshot(dir));
  const verdict = classify(expectation, { exitCode: run.exitCode, signal: run.signal, timedOut: run.timedOut, stderr: run.stderr, changed, leftovers: added });
  const problem = verdict.outcome === 'clean-error' ? (verdict.deviation ?? extra?.(run)) : undefined;
  return { id, title, pass: verdict.outcome === 'clean-error' && problem === undefined, outcome: verdict.outcome, detail: `exit ${run.exitCode}: ${firstStderrLine(run.stderr).slice(0, 200)}${problem ? ` [${problem}]` : verdict.outcome === 'clean-error' ? '' : ` [${verdict.reason}]`}` };
}

/** Resume `args` in `dir`: a finished run with `same(result)` is a recovery; a typed error is clean; anything else is not. */
async function expectRecovery(id: string, title: string, args: readonly string[], dir: string, env: Readonly<Record<string, string>>, same: (run: CliRun) => string | undefined, allowTypedError = false): Promise<FaultResult> {
  const run = await runCli(args, { cwd: dir, env, timeoutMs: 300_000 });
  if (run.exitCode === 0) {
    const difference = same(run);
    return difference === undefined
      ? { id, title, pass: true, outcome: 'handled', detail: `resumed and finished with the uninterrupted run's result (${run.seconds.toFixed(1)} s)` }
      : { id, title, pass: false, outcome: 'silent-wrong', detail: `finished with another result: ${difference}` };
  }
  const verdict = classify({ exit: 1 }, { exitCode: run.exitCode, signal: run.signal, timedOut: run.timedOut, stderr: run.stderr, changed: [], leftovers: [] });
  return { id, title, pass: allowTypedError && verdict.outcome === 'clean-error', outcome: verdict.outcome, detail: `exit ${run.exitCode}: ${firstStderrLine(run.stderr).slice(0, 200)}` };
}

/** A vitest test of the project that scripts the fault; passing is the check. */
async function projectTest(id: string, title: string, file: string, name: string, failure: Outcome): Promise<FaultResult> {
  const run = await runProcess(join(ROOT, 'node_modules', '.bin', 'vitest'), ['run', file, '-t', name], { cwd: ROOT, timeoutMs: 600_000 });
  const summary = run.stdout.split('\n').find((l) => /Tests\s+\d/.test(l))?.trim() ?? firstStderrLine(run.stderr);
  // Passing: vitest exits 0 having run (not skipped) at least one test, and none failed.
  const pass = run.exitCode === 0 && Number(/(\d+) passed/.exec(summary)?.[1] ?? 0) > 0 && !/failed/.test(summary);
  return { id, title, pass, outcome: pass ? 'handled' : run.timedOut ? 'crash' : failure, detail: `${file} -t "${name}": ${summary.replace(/\s+/g, ' ')}` };
}

const sameTree = (dir: string, reference: string) => (): string | undefined => (readFileSync(join(dir, 's.json'), 'utf8') === reference ? undefined : 's.json differs from the uninterrupted split');
const sameSearch = (reference: SearchOutcome) => (run: CliRun): string | undefined => {
  const got = searchOutcome(run.stdout);
  if (got.derived !== reference.derived) return `derived ${got.derived}, uninterrupted ${reference.derived}`;
  return JSON.stringify(got) === JSON.stringify(reference) ? undefined : 'α or the epoch records differ from the uninterrupted search';
};
const noEpochs = (run: CliRun): string | undefined => (/epoch \d+\//.test(run.stderr) ? 'the search ran before the tracking target was refused' : undefined);

export const FAULTS: readonly Fault[] = [
  {
    id: 'fault.01.split-resume-other-metric',
    title: 'split SIGKILLed, rerun with --metric snip: refused, naming --metric',
    async run(ctx) {
      const { interrupted } = await interruptedSplit(ctx);
      const dir = copyOf(interrupted, ctx.root, 'f01', ['s.json.nodes.jsonl']);
      return expectRefusal(this.id, this.title, SPLIT.map((a) => (a === 'synflow' ? 'snip' : a)), dir, { exit: 1, names: '--metric synflow' }, ctx.env);
    },
  },
  {
    id: 'fault.02.split-resume-other-batch',
    title: 'split SIGKILLed, rerun with --batch-size 32 (another result-changing option): refused, naming it',
    async run(ctx) {
      const { interrupted } = await interruptedSplit(ctx);
      const dir = copyOf(interrupted, ctx.root, 'f02', ['s.json.nodes.jsonl']);
      return expectRefusal(this.id, this.title, [...SPLIT, '--batch-size', '32'], dir, { exit: 1, names: '--batch-size 64' }, ctx.env);
    },
  },
  {
    id: 'fault.03.mlflow-parent-killed',
    title: 'SIGKILL of the `mlflow server` parent while uvicorn serves: status sees it, up adopts it, down stops the group',
    run() {
      return projectTest(this.id, this.title, 'libs/cli/src/commands/mlflow.test.ts', 'parent was SIGKILLed', 'silent-wrong');
    },
  },
  {
    id: 'fault.04.stale-lock-race',
    title: 'processes racing over a stale file lock: exactly one holds it',
    run() {
      return projectTest(this.id, this.title, 'libs/tracking/src/file-lock.test.ts', 'racing', 'silent-wrong');
    },
  },
  {
    id: 'fault.05.mask-5000-deep',
    title: 'a mask JSON nested 5,000 deep (search --mask, and a split file for analyze): typed errors',
    async run(ctx) {
      const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
      const dir = mkdtempSync(join(ctx.root, 'f05-'));
      writeFileSync(join(dir, 'deep.json'), `{"leaves":[{"mask":${deep}}]}`);
      const a = await expectRefusal(this.id, this.title, ['search', '--algo', 'darts', '--mask', deep, '--out', 'results'], dir, { exit: 1, names: 'deep' }, ctx.env);
      const b = await expectRefusal(this.id, this.title, ['analyze', 'splits', '--source', 'deep.json', '--dataset', 'cifar10'], dir, { exit: 1, names: 'deep' }, ctx.env);
      return { ...(a.pass ? b : a), detail: `search: ${a.detail}; analyze: ${b.detail}` };
    },
  },
  {
    id: 'fault.06.checkpoint-directory',
    title: '--checkpoint pointing at a directory: typed error naming it',
    async run(ctx) {
      const dir = mkdtempSync(join(ctx.root, 'f06-'));
      mkdirSync(join(dir, 'ck'));
      return expectRefusal(this.id, this.title, SEARCH.slice(0, -1), dir, { exit: 1, names: 'ck' }, ctx.env);
    },
  },
  {
    id: 'fault.07.paper-budget-on-cpu',
    title: 'search and reproduce --budget paper (F2, its searches) on a CPU backend warn before the first epoch',
    async run(ctx) {
      const dir = mkdtempSync(join(ctx.root, 'f07-'));
      const warned = (stderr: string): boolean => /warning: the paper budget/.test(stderr);
      const started = (stderr: string): boolean => /epoch 1\/|F\d+ \(paper\): /.test(stderr) && warned(stderr);
      const search = await runCli(['search', '--algo', 'darts', '--mask', 'full', '--budget', 'paper', '--out', 'results'], { cwd: dir, env: ctx.env, timeoutMs: 240_000, interrupt: (s) => warned(s) || /epoch 1\//.test(s) });
      // An unreachable tracking URI: reproduce runs anyway (its writes queue), so no server is started.
      const reproduce = await runCli(['reproduce', '--budget', 'paper', '--finding', 'F2', '--out', 'out'], { cwd: dir, env: { ...ctx.env, MLFLOW_TRACKING_URI: 'http://127.0.0.1:1' }, timeoutMs: 120_000, interrupt: (s) => started(s) || warned(s) });
      const ok = (r: CliRun): boolean => warned(r.stderr) && !/epoch 1\//.test(r.stderr.slice(0, r.stderr.search(/warning: the paper budget/)));
      const line = (r: CliRun): string => r.stderr.split('\n').find((l) => warned(l))?.slice(0, 120) ?? `no warning (exit ${r.exitCode}): ${firstStderrLine(r.stderr)}`;
      const pass = ok(search) && ok(reproduce);
      return { id: this.id, title: this.title, pass, outcome: pass ? 'handled' : 'silent-wrong', detail: `search: ${line(search)}; reproduce: ${line(reproduce)}` };
    },
  },
  {
    id: 'fault.08.mlflow-killed-mid-run',
    title: 'the MLflow server SIGKILLed in the middle of a logging run and restarted: no run, step or artifact lost or duplicated after replay',
    run() {
      return projectTest(this.id, this.title, 'libs/tracking/src/tracker.test.ts', 'fault tolerance against a real server', 'data-lost');
    },
  },
  {
    id: 'fault.09a.split-interrupted-resumes',
    title: 'a split SIGKILLed after its root node resumes and writes the tree of an uninterrupted run',
    async run(ctx) {
      const { interrupted, reference } = await interruptedSplit(ctx);
      const dir = copyOf(interrupted, ctx.root, 'f09a', ['s.json.nodes.jsonl']);
      return expectRecovery(this.id, this.title, SPLIT, dir, ctx.env, sameTree(dir, reference));
    },
  },
  {
    id: 'fault.09b.search-interrupted-resumes',
    title: 'a search SIGINTed after its first checkpoint resumes and ends with the uninterrupted result',
    async run(ctx) {
      const { interrupted, reference } = await interruptedSearch(ctx);
      const dir = copyOf(interrupted, ctx.root, 'f09b', ['ck']);
      const result = await expectRecovery(this.id, this.title, SEARCH, dir, ctx.env, sameSearch(reference));
      return result;
    },
  },
  {
    id: 'fault.10a.split-journal-torn-line',
    title: 'a split journal whose last line is torn resumes (the torn line is cut) with the uninterrupted tree',
    async run(ctx) {
      const { interrupted, reference } = await interruptedSplit(ctx);
      const dir = copyOf(interrupted, ctx.root, 'f10a', ['s.json.nodes.jsonl']);
      appendFileSync(join(dir, 's.json.nodes.jsonl'), '{"path":[0],"mask":[[1,1');
      return expectRecovery(this.id, this.title, SPLIT, dir, ctx.env, sameTree(dir, reference), true);
    },
  },
  {
    id: 'fault.10b.search-checkpoint-truncated',
    title: 'a truncated search checkpoint is a typed corrupt-data error (or a correct recovery), never a silent result',
    async run(ctx) {
      const { interrupted, reference } = await interruptedSearch(ctx);
      const dir = copyOf(interrupted, ctx.root, 'f10b', ['ck']);
      truncateSync(join(dir, 'ck'), Math.floor(readFileSync(join(dir, 'ck')).length / 2));
      return expectRecovery(this.id, this.title, SEARCH, dir, ctx.env, sameSearch(reference), true);
    },
  },
  {
    id: 'fault.11.refused-tracking-uri',
    title: 'a refused tracking URI (file: scheme; a server answering 403) fails before any work and loses no earlier result',
    async run(ctx) {
      const results: FaultResult[] = [];
      for (const uri of ['file:///tmp/mlruns', ctx.refusing]) {
        const dir = mkdtempSync(join(ctx.root, 'f11-'));
        mkdirSync(join(dir, 'results'));
        writeFileSync(join(dir, 'results', 'earlier.json'), '{"derived": "an earlier result"}\n');
        results.push(await expectRefusal(this.id, this.title, [...SEARCH.slice(0, -1), '--mlflow'], dir, { exit: 1, names: uri.startsWith('file:') ? 'file:' : '403' }, { ...ctx.env, MLFLOW_TRACKING_URI: uri }, noEpochs));
      }
      const failed = results.find((r) => !r.pass);
      return { ...(failed ?? (results[0] as FaultResult)), detail: results.map((r) => r.detail).join('; ') };
    },
  },
  {
    id: 'fault.12.resume-other-options',
    title: 'a resume with changed options is refused: search --checkpoint with another --seed, metrics validate --journal with another --seed',
    async run(ctx) {
      const { interrupted } = await interruptedSearch(ctx);
      const dir = copyOf(interrupted, ctx.root, 'f12', ['ck']);
      const search = await expectRefusal(this.id, this.title, SEARCH.map((a, i) => (SEARCH[i - 1] === '--seed' ? '6' : a)), dir, { exit: 1, names: 'ck' }, ctx.env);
      const validate = ['metrics', 'validate', '--columns', 'params', '--sample', '3', '--journal', 'j.jsonl'];
      const first = await runCli(validate, { cwd: dir, env: ctx.env, timeoutMs: 120_000 });
      if (first.exitCode !== 0) return { id: this.id, title: this.title, pass: false, outcome: 'crash', detail: `metrics validate did not run: ${firstStderrLine(first.stderr)}` };
      const journal = await expectRefusal(this.id, this.title, [...validate, '--seed', '5'], dir, { exit: 1, names: 'j.jsonl' }, ctx.env);
      return { ...(search.pass ? journal : search), detail: `search: ${search.detail}; metrics validate: ${journal.detail}` };
    },
  },
];
