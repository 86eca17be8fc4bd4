/**
 * The bad-input and fault matrix of issue 14, as a command:
 *
 *   npx tsx tools/robustness/matrix.ts [--json] [--only <id-prefix>] [--write <dir>]
 *   npm run robustness          (the full matrix, results written to experiments/robustness/)
 *
 * Runs every malformed invocation of cases.ts and every fault scenario of faults.ts, one at a time,
 * classifies each (classify.ts: clean error, crash, silent wrong result, data lost), prints a table
 * and the counts (or, with --json, the results as JSON), and with --write puts matrix-results.json
 * and matrix-results.md, with their provenance, in <dir>. Exits 1 when anything is not clean.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { resolveDataFile, writeFileAtomic } from '@fsnas/core';
import { CASES, type Case, type FileSpec, type Fixture } from './cases';
import { OUTCOME_LABEL, classify, type Outcome } from './classify';
import { FAULTS, type FaultContext, type FaultOutcome, type FaultResult } from './faults';
import { ROOT, compareSnapshots, firstStderrLine, runCli, snapshot } from './harness';

/** Folders of a case's own data folder that the CLI may fill as a cache; not outputs. */
const CACHE_DIRS = ['data/cache', 'data/mlflow'];
const CASE_TIMEOUT_MS = 60_000;

export interface CaseResult {
  readonly id: string;
  readonly command: string;
  readonly expected: string;
  readonly outcome: Outcome;
  readonly reason: string;
  readonly deviation?: string;
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly seconds: number;
}

interface Options {
  json: boolean;
  only?: string;
  write?: string;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') options.json = true;
    else if (a === '--only') options.only = argv[++i];
    else if (a === '--write') options.write = argv[++i];
    else throw new Error(`usage: matrix.ts [--json] [--only <id-prefix>] [--write <dir>] (got '${a}')`);
  }
  return options;
}

/** Built once per run: the fixtures cases copy. */
class Fixtures {
  private readonly files = new Map<Fixture, Buffer>();
  constructor(readonly dir: string) {}

  async prepare(needed: ReadonlySet<Fixture>, env: Record<string, string>): Promise<void> {
    if (needed.has('nats-csv')) this.files.set('nats-csv', readFileSync(resolveDataFile('nb201/nats_tss_test_acc_200ep.csv')));
    if (needed.has('split-tree')) {
      const out = join(this.dir, 'split.json');
      await must(['split', '--metric', 'random', '--seed', '888', '--out', out], this.dir, env);
      this.files.set('split-tree', readFileSync(out));
    }
    if (needed.has('checkpoint')) {
      const ck = join(this.dir, 'ck');
      await must(['search', '--algo', 'darts', '--mask', 'full', '--budget', 'smoke', '--checkpoint', ck, '--out', join(this.dir, 'results')], this.dir, env);
      this.files.set('checkpoint', readFileSync(ck));
    }
  }

  content(fixture: Fixture, edit?: (text: string) => string): Buffer {
    const bytes = this.files.get(fixture) as Buffer;
    if (!edit) return bytes;
    // The checkpoint is binary: latin1 keeps every byte through the text edit.
    const encoding = fixture === 'checkpoint' ? 'latin1' : 'utf8';
    return Buffer.from(edit(bytes.toString(encoding)), encoding);
  }
}

async function must(args: string[], cwd: string, env: Record<string, string>): Promise<void> {
  const run = await runCli(args, { cwd, env, timeoutMs: 300_000 });
  if (run.exitCode !== 0) throw new Error(`fixture: fsnas ${args.join(' ')} failed (exit ${run.exitCode}): ${firstStderrLine(run.stderr)}`);
}

function writeFiles(dir: string, files: Readonly<Record<string, FileSpec>>, fixtures: Fixtures): void {
  for (const [path, spec] of Object.entries(files)) {
    const at = join(dir, path);
    mkdirSync(dirname(at), { recursive: true });
    if (typeof spec === 'string' || spec instanceof Uint8Array) writeFileSync(at, spec);
    else if ('dir' in spec) mkdirSync(at, { recursive: true });
    else writeFileSync(at, fixtures.content(spec.fixture, spec.edit));
  }
}

/** A tracking server that refuses every request with 403, as a server without our permission does. */
function refusingServer(): Promise<{ server: Server; url: string }> {
  return new Promise((resolveServer) => {
    const server = createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error_code: 'PERMISSION_DENIED', message: 'refused by the robustness matrix' }));
    });
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolveServer({ server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
    });
  });
}

async function runCase(c: Case, root: string, fixtures: Fixtures, env: Record<string, string>, refusing: string): Promise<CaseResult> {
  const dir = mkdtempSync(join(root, `${c.id}-`));
  writeFiles(dir, c.files ?? {}, fixtures);
  const caseEnv = Object.fromEntries(Object.entries({ ...env, ...c.env }).map(([k, v]) => [k, v?.replace('{data}', join(dir, 'data')).replace('{refusing}', refusing)]));
  const before = snapshot(dir, CACHE_DIRS);
  const run = await runCli(c.args, { cwd: dir, env: caseEnv, timeoutMs: CASE_TIMEOUT_MS });
  const { changed, added } = compareSnapshots(before, snapshot(dir, CACHE_DIRS));
  const verdict = classify(c, { exitCode: run.exitCode, signal: run.signal, timedOut: run.timedOut, stderr: run.stderr, changed, leftovers: added });
  rmSync(dir, { recursive: true, force: true });
  return {
    id: c.id,
    command: c.args.slice(0, c.args[0] === 'arch' || c.args[0] === 'mask' || c.args[0] === 'split' || c.args[0] === 'search' || c.args[0] === 'reproduce' ? 1 : 2).join(' '),
    expected: `exit ${c.exit}${c.names !== undefined ? ` naming ${c.names}` : ''}`,
    outcome: verdict.outcome,
    reason: verdict.reason,
    ...(verdict.deviation ? { deviation: verdict.deviation } : {}),
    exitCode: run.exitCode,
    stderr: firstStderrLine(run.stderr),
    seconds: run.seconds,
  };
}

const count = <T extends string>(values: readonly T[], keys: readonly T[]): Record<T, number> => Object.fromEntries(keys.map((k) => [k, values.filter((v) => v === k).length])) as Record<T, number>;
const OUTCOMES: readonly Outcome[] = ['clean-error', 'crash', 'silent-wrong', 'data-lost'];
const FAULT_OUTCOMES: readonly FaultOutcome[] = ['clean-error', 'handled', 'crash', 'silent-wrong', 'data-lost'];
const FAULT_LABEL: Record<FaultOutcome, string> = { ...OUTCOME_LABEL, handled: 'HANDLED' };

function pad(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

function caseTable(rows: readonly CaseResult[]): string {
  const head = `${pad('id', 46)} ${pad('command', 18)} ${pad('expected', 26)} ${pad('outcome', 13)} exit  first line of stderr`;
  return [head, ...rows.map((r) => `${pad(r.id, 46)} ${pad(r.command, 18)} ${pad(r.expected, 26)} ${pad(OUTCOME_LABEL[r.outcome], 13)} ${String(r.exitCode).padStart(4)}  ${r.stderr.slice(0, 150)}${r.deviation ? `  [${r.deviation}]` : ''}`)].join('\n');
}

function faultTable(rows: readonly FaultResult[]): string {
  const head = `${pad('id', 34)} ${pad('pass', 5)} ${pad('outcome', 12)} detail`;
  return [head, ...rows.map((r) => `${pad(r.id, 34)} ${pad(r.pass ? 'pass' : 'FAIL', 5)} ${pad(FAULT_LABEL[r.outcome], 12)} ${r.detail}`)].join('\n');
}

function gitCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'libs', 'tools', 'experiments'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit} (with uncommitted changes)` : commit;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const started = performance.now();
  // The code under test is the tree as the run starts (other sessions may commit while it runs).
  const commit = gitCommit();
  const date = new Date().toISOString();
  const cases = CASES.filter((c) => options.only === undefined || c.id.startsWith(options.only));
  const faults = FAULTS.filter((f) => options.only === undefined || f.id.startsWith(options.only));
  const root = mkdtempSync(join(tmpdir(), 'fsnas-robustness-'));
  // One persistent data folder for the whole run (and the next): its CIFAR decode cache is built once.
  const dataDir = resolve(ROOT, 'data', 'robustness');
  mkdirSync(dataDir, { recursive: true });
  const env: Record<string, string> = { FSNAS_DATA_DIR: dataDir };
  const fixtures = new Fixtures(mkdtempSync(join(root, 'fixtures-')));
  const needed = new Set(cases.flatMap((c) => Object.values(c.files ?? {}).flatMap((f) => (typeof f === 'object' && 'fixture' in f ? [f.fixture] : []))));
  await fixtures.prepare(needed, env);
  const { server, url: refusing } = await refusingServer();
  const log = (line: string): void => void process.stderr.write(`${line}\n`);

  const caseResults: CaseResult[] = [];
  for (const [k, c] of cases.entries()) {
    const r = await runCase(c, root, fixtures, env, refusing);
    caseResults.push(r);
    log(`[${k + 1}/${cases.length}] ${r.id}: ${OUTCOME_LABEL[r.outcome]} (exit ${r.exitCode}, ${r.seconds.toFixed(1)} s)${r.outcome === 'clean-error' ? '' : ` ${r.reason}: ${r.stderr}`}`);
  }
  const faultResults: FaultResult[] = [];
  const context: FaultContext = { root, env, refusing, log };
  for (const f of faults) {
    log(`fault ${f.id}: ${f.title}`);
    const t0 = performance.now();
    const r = await f.run(context).catch((error: unknown): FaultResult => ({ id: f.id, title: f.title, pass: false, outcome: 'crash', detail: `the scenario itself failed: ${(error as Error).message}` }));
    faultResults.push({ ...r, seconds: (performance.now() - t0) / 1000 });
    log(`  ${r.pass ? 'pass' : 'FAIL'} ${FAULT_LABEL[r.outcome]}: ${r.detail}`);
  }
  server.close();
  rmSync(root, { recursive: true, force: true });

  const wallSeconds = (performance.now() - started) / 1000;
  const counts = {
    cases: { total: caseResults.length, ...count(caseResults.map((r) => r.outcome), OUTCOMES), deviations: caseResults.filter((r) => r.deviation).length },
    faults: { total: faultResults.length, passed: faultResults.filter((r) => r.pass).length, ...count(faultResults.map((r) => r.outcome), FAULT_OUTCOMES) },
  };
  const command = `npx tsx tools/robustness/matrix.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
  const provenance = { commit, date, command, wallSeconds: Math.round(wallSeconds), node: process.version };
  const results = { provenance, counts, cases: caseResults, faults: faultResults };
  const summary = [
    `malformed inputs: ${counts.cases.total} cases: ${counts.cases['clean-error']} clean errors, ${counts.cases.crash} crashes, ${counts.cases['silent-wrong']} silent wrong results, ${counts.cases['data-lost']} data lost (${counts.cases.deviations} clean errors deviate from their expectation)`,
    `faults: ${counts.faults.passed}/${counts.faults.total} pass: ${counts.faults['clean-error']} clean errors, ${counts.faults.handled} handled (recovered or warned), ${counts.faults.crash} crashes, ${counts.faults['silent-wrong']} silent wrong results, ${counts.faults['data-lost']} data lost`,
    `wall time ${wallSeconds.toFixed(0)} s`,
  ];
  const text = [caseTable(caseResults), '', faultTable(faultResults), '', ...summary].join('\n');
  process.stdout.write(options.json ? `${JSON.stringify(results, null, 1)}\n` : `${text}\n`);
  if (options.write) {
    const dir = resolve(options.write);
    writeFileAtomic(join(dir, 'matrix-results.json'), `${JSON.stringify(results, null, 1)}\n`);
    const md = [
      '# Robustness matrix (issue 14): bad inputs and faults',
      '',
      `- commit: \`${provenance.commit}\` (at the start of the run)`,
      `- started: ${provenance.date}`,
      `- command: \`${command}\` (node ${provenance.node}), wall time ${provenance.wallSeconds} s`,
      '- classification (tools/robustness/classify.ts): CLEAN ERROR = exit 1/2 with a one-line diagnostic and no stack; CRASH = exit 3, a stack trace, a signal or a timeout (60 s); SILENT WRONG = exit 0 on malformed input; DATA LOST = a pre-existing file changed, or a failed run left files behind',
      '',
      '## Counts',
      '',
      ...summary.map((s) => `- ${s}`),
      '',
      '## Malformed inputs',
      '',
      '| id | command | expected | outcome | exit | first line of stderr |',
      '|---|---|---|---|---|---|',
      ...caseResults.map((r) => `| ${r.id} | ${r.command} | ${r.expected} | ${OUTCOME_LABEL[r.outcome]}${r.deviation ? ` (${r.deviation})` : ''} | ${r.exitCode} | ${mdCell(r.stderr)} |`),
      '',
      '## Faults',
      '',
      '| id | fault | pass | outcome | detail |',
      '|---|---|---|---|---|',
      ...faultResults.map((r) => `| ${r.id} | ${mdCell(r.title)} | ${r.pass ? 'pass' : 'FAIL'} | ${FAULT_LABEL[r.outcome]} | ${mdCell(r.detail)} |`),
      '',
    ].join('\n');
    writeFileAtomic(join(dir, 'matrix-results.md'), md);
    log(`results written to ${join(dir, 'matrix-results.json')} and matrix-results.md`);
  }
  const clean = counts.cases.crash + counts.cases['silent-wrong'] + counts.cases['data-lost'] === 0 && counts.faults.passed === counts.faults.total;
  return clean ? 0 : 1;
}

const mdCell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 220);

process.exitCode = await main();
