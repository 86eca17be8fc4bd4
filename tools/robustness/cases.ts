/**
 * The malformed invocations of the robustness matrix: every command, every numeric option, bad files,
 * bad data folders, bad environment. Each case runs in a fresh folder (its cwd) holding `files`, and
 * expects a usage error (exit 2) or an input error (exit 1) whose line names `names`.
 */
import type { Expectation } from './classify';

/** A fixture file: text, bytes, a folder (`{ dir: true }`), or a copy of a fixture the matrix prepares (`{ fixture }`). */
export type FileSpec = string | Uint8Array | { readonly dir: true; readonly mode?: number } | { readonly fixture: Fixture; readonly edit?: (text: string) => string };

/** Fixtures the matrix builds once per run: a finished split tree, the benchmark table, a smoke search checkpoint. */
export type Fixture = 'split-tree' | 'nats-csv' | 'checkpoint';

export interface Case extends Expectation {
  readonly id: string;
  readonly args: readonly string[];
  readonly files?: Readonly<Record<string, FileSpec>>;
  /** Environment overrides; `{data}` in a value is the case folder's `data/` (a data folder of its own). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

// ---- building blocks --------------------------------------------------------------------------

const ROW = '[1,1,1,1,1]';
const FULL = `[${Array(6).fill(ROW).join(',')}]`;
const rows = (...r: string[]): string => `[${[...r, ...Array(6 - r.length).fill(ROW)].join(',')}]`;
const DEEP = `${'['.repeat(5000)}${']'.repeat(5000)}`;
const ARCH = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';
const BOM = '\uFEFF';
/** Two masks that split edge 0 in halves: {0,1} and {2,3,4}. */
const HALF_A = rows('[1,1,0,0,0]');
const HALF_B = rows('[0,0,1,1,1]');
const PRECIOUS = 'a result the failed run must leave alone\n';

/** A benchmark table that fails its column schema, put where FSNAS_DATA_DIR finds it. */
const badTable = (id: string, edit: (csv: string) => string, names?: string): Case => ({
  id: `data-dir.nats-csv.${id}`,
  args: ['arch', '1'],
  exit: 1,
  ...(names !== undefined ? { names } : {}),
  env: { FSNAS_DATA_DIR: '{data}' },
  files: { 'data/nb201/nats_tss_test_acc_200ep.csv': { fixture: 'nats-csv', edit } },
});
const replaceFirstAccuracy = (value: string) => (csv: string) => csv.replace(/\n([^,\n]*),/, `\n${value},`);

/** Numeric option cases: each bad value of `values` as a usage error naming the value. */
function numeric(prefix: string, base: readonly string[], option: string, values: readonly string[]): Case[] {
  return values.map((v) => ({ id: `${prefix}.${option.replace(/^--/, '')}.${label(v)}`, args: [...base, `${option}=${v}`], exit: 2 as const, names: `'${v}'` }));
}
const label = (v: string): string => ({ '0': 'zero', '-1': 'negative', '-5': 'negative', '1.5': 'fraction', NaN: 'nan', abc: 'text', '1e999': 'huge', '99999999999999999999': 'huge' })[v] ?? v;
const BAD_COUNTS = ['0', '-1', '1.5', 'NaN', '99999999999999999999'];
const BAD_SEEDS = ['-1', '1.5', 'abc'];

const SEARCH = ['search', '--algo', 'darts', '--mask', 'full', '--budget', 'smoke', '--out', 'results'];
const SPLIT = ['split', '--metric', 'num_params'];
const SCORE = ['metrics', 'score', '--metric', 'num_params', '--archs', 'archs.txt'];
const VALIDATE = ['metrics', 'validate', '--columns', 'params', '--sample', '5', '--journal', 'j.jsonl'];
const SELECTION = ['analyze', 'selection', '--source', 'paper', '--dataset', 'cifar10', '--seeds', '1', '--samples', '5', '--proxy', 'none'];
const split = (path: string): Case['files'] => ({ [path]: { fixture: 'split-tree' } });
const archs = { 'archs.txt': '0\n1\n' };

/** A split file for analyze: leaves given as masks. */
const leaves = (...masks: string[]): string => `{"metric":"m","leaves":[${masks.map((m) => `{"mask":${m}}`).join(',')}]}`;

export const CASES: readonly Case[] = [
  // ---- arch ----
  { id: 'arch.index.out-of-range', args: ['arch', '15625'], exit: 1, names: '15625' },
  { id: 'arch.index.huge', args: ['arch', '99999999999999999999'], exit: 1, names: '99999999999999999999' },
  { id: 'arch.index.fraction', args: ['arch', '1.5'], exit: 1, names: '1.5' },
  { id: 'arch.index.negative', args: ['arch', '-1'], exit: 1, names: '-1' },
  { id: 'arch.string.truncated', args: ['arch', '|nor_conv_3x3~0|+|'], exit: 1, names: '|nor_conv_3x3~0|+|' },
  { id: 'arch.string.unknown-op', args: ['arch', ARCH.replace('avg_pool_3x3', 'conv_7x7')], exit: 1, names: 'conv_7x7' },
  { id: 'arch.string.wrong-input-node', args: ['arch', ARCH.replace('skip_connect~2', 'skip_connect~0')], exit: 1 },
  { id: 'arch.string.extra-edge', args: ['arch', `${ARCH}none~3|`], exit: 1 },
  { id: 'arch.empty', args: ['arch', ''], exit: 1 },
  { id: 'arch.word', args: ['arch', 'resnet'], exit: 1, names: 'resnet' },
  // ---- mask ----
  { id: 'mask.json.syntax', args: ['mask', '[[1,1,1,1,1],'], exit: 1 },
  { id: 'mask.json.empty', args: ['mask', ''], exit: 1 },
  { id: 'mask.json.nan', args: ['mask', FULL.replace('1', 'NaN')], exit: 1 },
  { id: 'mask.shape.5-rows', args: ['mask', `[${Array(5).fill(ROW).join(',')}]`], exit: 1, names: '6x5' },
  { id: 'mask.shape.4-columns', args: ['mask', rows('[1,1,1,1]')], exit: 1 },
  { id: 'mask.boolean', args: ['mask', rows('[true,1,1,1,1]')], exit: 1, names: 'true' },
  { id: 'mask.value.2', args: ['mask', rows('[2,1,1,1,1]')], exit: 1, names: '2' },
  { id: 'mask.value.string', args: ['mask', rows('["1",1,1,1,1]')], exit: 1 },
  { id: 'mask.value.fraction', args: ['mask', rows('[0.5,1,1,1,1]')], exit: 1, names: '0.5' },
  { id: 'mask.empty-edge', args: ['mask', rows('[0,0,0,0,0]')], exit: 1 },
  { id: 'mask.object', args: ['mask', '{"mask":1}'], exit: 1 },
  { id: 'mask.null', args: ['mask', 'null'], exit: 1 },
  { id: 'mask.deep-nesting', args: ['mask', DEEP], exit: 1 },
  // ---- net ----
  ...numeric('net', ['net', 'params', 'supernet'], '--C', BAD_COUNTS),
  ...numeric('net', ['net', 'params', 'supernet'], '--N', ['0', '-1', 'abc']),
  ...numeric('net', ['net', 'params', ARCH], '--classes', ['0', '-5', '1.5']),
  { id: 'net.arch.malformed', args: ['net', 'params', 'supernett'], exit: 1, names: 'supernett' },
  { id: 'net.arch.truncated', args: ['net', 'params', ARCH.slice(0, 20)], exit: 1 },
  // ---- bench ----
  ...numeric('bench.tables', ['bench', 'tables'], '--repeats', ['0', '1.5', 'NaN']),
  ...numeric('bench.nn', ['bench', 'nn', '--no-peer'], '--repeats', ['0', '-5']),
  ...numeric('bench.metrics', ['bench', 'metrics', '--no-peer'], '--repeats', ['0']),
  ...numeric('bench.splitting', ['bench', 'splitting'], '--repeats', ['0', '-1']),
  ...numeric('bench.search', ['bench', 'search'], '--steps', ['0', '-1', 'abc']),
  { id: 'bench.nn.unknown-backend', args: ['bench', 'nn', '--no-peer', '--repeats', '1', '--backends', 'bogus'], exit: 1, names: 'bogus' },
  { id: 'bench.nn.unknown-workload', args: ['bench', 'nn', '--no-peer', '--repeats', '1', '--backends', 'wasm', '--workloads', 'bogus'], exit: 1, names: 'bogus' },
  { id: 'bench.metrics.unknown-metric', args: ['bench', 'metrics', '--no-peer', '--repeats', '1', '--metrics', 'bogus'], exit: 1, names: 'bogus' },
  // ---- metrics ----
  { id: 'metrics.list.unknown-option', args: ['metrics', 'list', '--bogus'], exit: 2, names: '--bogus' },
  { id: 'metrics.score.unknown-metric', args: ['metrics', 'score', '--metric', 'bogus', '--archs', 'archs.txt'], exit: 1, names: 'bogus', files: archs },
  { id: 'metrics.score.hybrid.malformed', args: ['metrics', 'score', '--metric', 'hybrid:abc', '--archs', 'archs.txt'], exit: 1, files: archs },
  { id: 'metrics.score.hybrid.unknown-component', args: ['metrics', 'score', '--metric', 'hybrid:0.5*bogus', '--archs', 'archs.txt'], exit: 1, names: 'bogus', files: archs },
  { id: 'metrics.score.archs.missing', args: SCORE, exit: 1, names: 'archs.txt' },
  { id: 'metrics.score.archs.directory', args: SCORE, exit: 1, names: 'archs.txt', files: { 'archs.txt': { dir: true } } },
  { id: 'metrics.score.archs.text', args: SCORE, exit: 1, names: 'abc', files: { 'archs.txt': '0\nabc\n' } },
  { id: 'metrics.score.archs.out-of-range', args: SCORE, exit: 1, names: '15625', files: { 'archs.txt': '0\n15625\n' } },
  { id: 'metrics.score.archs.negative', args: SCORE, exit: 1, names: '-3', files: { 'archs.txt': '-3\n' } },
  { id: 'metrics.score.archs.empty', args: SCORE, exit: 1, names: 'archs.txt', files: { 'archs.txt': '' } },
  { id: 'metrics.score.archs.binary', args: SCORE, exit: 1, files: { 'archs.txt': new Uint8Array([0, 255, 1, 2, 10]) } },
  ...numeric('metrics.score', SCORE, '--batch-size', ['0', '-1']).map((c) => ({ ...c, files: archs })),
  ...numeric('metrics.score', SCORE, '--batches', ['0', '1.5']).map((c) => ({ ...c, files: archs })),
  ...numeric('metrics.score', SCORE, '--seed', BAD_SEEDS).map((c) => ({ ...c, files: archs })),
  { id: 'metrics.score.unknown-dataset', args: [...SCORE, '--metric', 'synflow', '--dataset', 'mnist'], exit: 1, names: 'mnist', files: archs },
  { id: 'metrics.score.unknown-compat', args: [...SCORE, '--compat', 'bogus'], exit: 1, names: 'bogus', files: archs },
  { id: 'metrics.score.unknown-init', args: [...SCORE, '--metric', 'synflow', '--init', 'bogus'], exit: 1, names: 'bogus', files: archs },
  ...numeric('metrics.validate', VALIDATE, '--sample', ['0', '-5']),
  ...numeric('metrics.validate', VALIDATE, '--sample-seed', ['-1']),
  ...numeric('metrics.validate', VALIDATE, '--jobs', ['0', '-1', '1.5']),
  { id: 'metrics.validate.unknown-column', args: ['metrics', 'validate', '--columns', 'bogus', '--sample', '5', '--journal', 'j.jsonl'], exit: 1, names: 'bogus' },
  { id: 'metrics.validate.unknown-accuracy', args: [...VALIDATE, '--accuracy', 'bogus'], exit: 1, names: 'bogus' },
  { id: 'metrics.validate.only.missing', args: [...VALIDATE, '--only', 'only.txt'], exit: 1, names: 'only.txt' },
  { id: 'metrics.validate.journal.directory', args: VALIDATE, exit: 1, names: 'j.jsonl', files: { 'j.jsonl': { dir: true } } },
  { id: 'metrics.validate.journal.foreign', args: VALIDATE, exit: 1, names: 'j.jsonl', files: { 'j.jsonl': '{"format":"something-else"}\n' } },
  { id: 'metrics.validate.journal.corrupt', args: VALIDATE, exit: 1, names: 'j.jsonl', files: { 'j.jsonl': 'not json\n' } },
  // ---- validate ----
  { id: 'validate.splits.unknown-metric', args: ['validate', 'splits', '--metrics', 'bogus', '--dir', 'v'], exit: 1, names: 'bogus' },
  ...numeric('validate.splits', ['validate', 'splits', '--metrics', 'num_params', '--dir', 'v'], '--jobs', ['0', 'abc']),
  ...numeric('validate.torch', ['validate', 'torch', '--metrics', 'synflow'], '--archs', ['0', '-1']),
  ...numeric('validate.torch', ['validate', 'torch', '--metrics', 'synflow'], '--batch-size', ['0']),
  ...numeric('validate.torch', ['validate', 'torch', '--metrics', 'synflow'], '--seed', ['-1']),
  { id: 'validate.torch.unknown-metric', args: ['validate', 'torch', '--metrics', 'bogus', '--archs', '1'], exit: 1, names: 'bogus' },
  { id: 'validate.unknown-command', args: ['validate', 'bogus'], exit: 2, names: 'bogus' },
  // ---- data ----
  { id: 'data.status.unknown-option', args: ['data', 'status', '--bogus'], exit: 2, names: '--bogus' },
  { id: 'data.fetch.unknown-dataset', args: ['data', 'fetch', 'mnist'], exit: 1, names: 'mnist' },
  { id: 'data.fetch.archive.missing', args: ['data', 'fetch', 'cifar10', '--archive', 'nope.tar.gz'], exit: 1, names: 'nope.tar.gz', env: { FSNAS_DATA_DIR: '{data}' } },
  { id: 'data.fetch.archive.directory', args: ['data', 'fetch', 'cifar10', '--archive', 'dir.tar.gz'], exit: 1, names: 'dir.tar.gz', env: { FSNAS_DATA_DIR: '{data}' }, files: { 'dir.tar.gz': { dir: true } } },
  { id: 'data.fetch.archive.corrupt', args: ['data', 'fetch', 'cifar10', '--archive', 'bad.tar.gz'], exit: 1, names: 'bad.tar.gz', env: { FSNAS_DATA_DIR: '{data}' }, files: { 'bad.tar.gz': 'not a tar archive' } },
  { id: 'data.convert.unknown', args: ['data', 'convert', 'nb101', '--archive', 'x'], exit: 1, names: 'nb101' },
  { id: 'data.convert.archive.missing', args: ['data', 'convert', 'nats-tss', '--archive', 'nope.tar'], exit: 1, names: 'nope.tar' },
  // ---- bad data folders (FSNAS_DATA_DIR) ----
  badTable('accuracy-150', replaceFirstAccuracy('150'), '150'),
  badTable('accuracy-negative', replaceFirstAccuracy('-3'), '-3'),
  badTable('accuracy-text', replaceFirstAccuracy('abc'), 'abc'),
  badTable('accuracy-empty', replaceFirstAccuracy(''), 'CIFAR10TestAccuracy200Epochs'),
  badTable('missing-column', (csv) => csv.replace('CIFAR100TestAccuracy200Epochs', 'Cifar100'), 'CIFAR100TestAccuracy200Epochs'),
  badTable('bom-missing-column', (csv) => BOM + csv.replace('ImageNetTestAccuracy200Epochs', 'ImageNet'), 'ImageNetTestAccuracy200Epochs'),
  badTable('missing-rows', (csv) => csv.split('\n').slice(0, 1000).join('\n'), '15625'),
  badTable('short-row', (csv) => csv.replace(/\n([^\n]*),[^,\n]*\n/, '\n$1\n')),
  badTable('empty', () => ''),
  // ---- env ----
  { id: 'env.backend.bogus.split', args: ['split', '--metric', 'synflow', '--leaves', '2'], exit: 1, names: 'bogus', env: { FSNAS_BACKEND: 'bogus' } },
  { id: 'env.backend.bogus.search', args: SEARCH, exit: 1, names: 'bogus', env: { FSNAS_BACKEND: 'bogus' } },
  { id: 'env.backend.bogus.metrics', args: [...SCORE, '--metric', 'synflow'], exit: 1, names: 'bogus', env: { FSNAS_BACKEND: 'bogus' }, files: archs },
  { id: 'env.debug-0.no-trace', args: SCORE, exit: 1, names: 'archs.txt', env: { FSNAS_DEBUG: '0' }, files: { 'archs.txt': { dir: true } } },
  // ---- mlflow ----
  ...numeric('mlflow.up', ['mlflow', 'up'], '--port', ['0', '70000', 'abc']),
  { id: 'mlflow.sync.uri.file-scheme', args: ['mlflow', 'sync'], exit: 1, names: 'file:', env: { MLFLOW_TRACKING_URI: 'file:///tmp/mlruns' } },
  { id: 'mlflow.sync.uri.garbage', args: ['mlflow', 'sync'], exit: 1, names: 'not a uri', env: { MLFLOW_TRACKING_URI: 'not a uri' } },
  { id: 'mlflow.sync.uri.refused-connection', args: ['mlflow', 'sync'], exit: 1, names: '127.0.0.1:1', env: { MLFLOW_TRACKING_URI: 'http://127.0.0.1:1' }, files: { 'data/mlflow/journal/remote-0/x.jsonl': '' } },
  { id: 'mlflow.sync.uri.refusing-server', args: ['mlflow', 'sync'], exit: 1, names: '403', env: { MLFLOW_TRACKING_URI: '{refusing}', FSNAS_DATA_DIR: '{data}' } },
  { id: 'mlflow.unknown-command', args: ['mlflow', 'restart'], exit: 2, names: 'restart' },
  // ---- reproduce ----
  { id: 'reproduce.unknown-budget', args: ['reproduce', '--budget', 'huge'], exit: 1, names: 'huge' },
  { id: 'reproduce.unknown-finding', args: ['reproduce', '--budget', 'smoke', '--finding', 'F9'], exit: 1, names: 'F9' },
  { id: 'reproduce.empty-finding', args: ['reproduce', '--budget', 'smoke', '--finding', ','], exit: 1 },
  { id: 'reproduce.uri.file-scheme', args: ['reproduce', '--budget', 'smoke', '--finding', 'F3', '--out', 'out'], exit: 1, names: 'file:', env: { MLFLOW_TRACKING_URI: 'file:///tmp/mlruns' } },
  { id: 'reproduce.uri.refusing-server', args: ['reproduce', '--budget', 'smoke', '--finding', 'F3', '--out', 'out'], exit: 1, names: '403', env: { MLFLOW_TRACKING_URI: '{refusing}' } },
  { id: 'reproduce.out.unwritable', args: ['reproduce', '--budget', 'smoke', '--finding', 'F3', '--out', '/proc/fsnas/out'], exit: 1, names: '/proc/fsnas/out', env: { MLFLOW_TRACKING_URI: 'http://127.0.0.1:1' } },
  { id: 'reproduce.out.file', args: ['reproduce', '--budget', 'smoke', '--finding', 'F3', '--out', 'out'], exit: 1, names: 'out', env: { MLFLOW_TRACKING_URI: 'http://127.0.0.1:1' }, files: { out: PRECIOUS } },
  // ---- analyze ----
  { id: 'analyze.splits.source.missing', args: ['analyze', 'splits', '--source', 's.json', '--dataset', 'cifar10'], exit: 1, names: 's.json' },
  { id: 'analyze.splits.source.directory', args: ['analyze', 'splits', '--source', 's.json', '--dataset', 'cifar10'], exit: 1, names: 's.json', files: { 's.json': { dir: true } } },
  { id: 'analyze.splits.source.empty', args: ['analyze', 'splits', '--source', 's.json', '--dataset', 'cifar10'], exit: 1, names: 's.json', files: { 's.json': '' } },
  { id: 'analyze.splits.source.syntax', args: ['analyze', 'splits', '--source', 's.json', '--dataset', 'cifar10'], exit: 1, names: 's.json', files: { 's.json': '{"leaves": [' } },
  { id: 'analyze.splits.source.truncated-tree', args: ['analyze', 'splits', '--source', 's.json', '--dataset', 'cifar10'], exit: 1, names: 's.json', files: { 's.json': { fixture: 'split-tree', edit: (t) => t.slice(0, Math.floor(t.length / 2)) } } },
  { id: 'analyze.splits.source.bom-only', args: ['analyze', 'splits', '--source', 's.json', '--dataset', 'cifar10'], exit: 1, names: 's.json', files: { 's.json': BOM } },
  { id: 'analyze.splits.source.wrong-type', args: ['analyze', 'splits', '--source', 's.json', '--dataset', 'cifar10'], exit: 1, names: 's.json', files: { 's.json': '{"leaves": "eight"}' } },
  { id: 'analyze.splits.source.number', args: ['analyze', 'splits', '--source', 's.json', '--dataset', 'cifar10'], exit: 1, names: 's.json', files: { 's.json': '42' } },
  { id: 'analyze.splits.mask.boolean', args: ['analyze', 'splits', '--source', 's.json', '--dataset', 'cifar10'], exit: 1, names: 'true', files: { 's.json': leaves(HALF_A, HALF_B.replace('[0,0,1,1,1]', '[0,0,true,1,1]')) } },
  { id: 'analyze.splits.mask.deep-nesting', args: ['analyze', 'splits', '--source', 's.json', '--dataset', 'cifar10'], exit: 1, names: 's.json', files: { 's.json': `{"leaves":[{"mask":${DEEP}}]}` } },
  { id: 'analyze.splits.leaves.duplicated', args: ['analyze', 'splits', '--source', 's.json', '--dataset', 'cifar10'], exit: 1, files: { 's.json': leaves(HALF_A, HALF_A, HALF_B) } },
  { id: 'analyze.splits.leaves.overlapping', args: ['analyze', 'splits', '--source', 's.json', '--dataset', 'cifar10'], exit: 1, files: { 's.json': leaves(HALF_A, rows('[0,1,1,1,1]')) } },
  { id: 'analyze.splits.leaves.overlapping-partial-allowed', args: ['analyze', 'splits', '--source', 's.json', '--dataset', 'cifar10', '--allow-partial'], exit: 1, files: { 's.json': leaves(HALF_A, rows('[0,1,1,0,0]')) } },
  { id: 'analyze.splits.leaves.partial', args: ['analyze', 'splits', '--source', 's.json', '--dataset', 'cifar10'], exit: 1, names: '--allow-partial', files: { 's.json': leaves(HALF_A) } },
  { id: 'analyze.splits.leaves.none', args: ['analyze', 'splits', '--source', 's.json', '--dataset', 'cifar10'], exit: 1, files: { 's.json': '{"leaves": []}' } },
  { id: 'analyze.splits.unknown-dataset', args: ['analyze', 'splits', '--source', 'paper', '--dataset', 'mnist'], exit: 1, names: 'mnist' },
  ...numeric('analyze.selection', SELECTION, '--seeds', ['0', '-1']),
  ...numeric('analyze.selection', SELECTION, '--samples', ['0', '-5']),
  ...numeric('analyze.selection', SELECTION, '--budget', ['0', '-5', '1.5']),
  { id: 'analyze.selection.unknown-proxy', args: [...SELECTION, '--proxy', 'bogus'], exit: 1, names: 'bogus' },
  ...numeric('analyze.figures', ['analyze', 'figures', '--source', 'paper', '--dataset', 'cifar10', '--out', 'figs', '--no-png'], '--seeds', ['0', '-1']),
  { id: 'analyze.figures.out.unwritable', args: ['analyze', 'figures', '--source', 'paper', '--dataset', 'cifar10', '--seeds', '1', '--no-png', '--out', '/proc/fsnas/figs'], exit: 1, names: '/proc/fsnas/figs' },
  { id: 'analyze.figures.out.file', args: ['analyze', 'figures', '--source', 'paper', '--dataset', 'cifar10', '--seeds', '1', '--no-png', '--out', 'figs'], exit: 1, names: 'figs', files: { figs: PRECIOUS } },
  // ---- split ----
  { id: 'split.unknown-metric', args: ['split', '--metric', 'bogus'], exit: 1, names: 'bogus' },
  { id: 'split.unknown-dataset', args: [...SPLIT, '--dataset', 'mnist'], exit: 1, names: 'mnist' },
  { id: 'split.random.unknown-dataset', args: ['split', '--metric', 'random', '--dataset', 'mnist'], exit: 1, names: 'mnist' },
  ...numeric('split', SPLIT, '--leaves', BAD_COUNTS),
  ...numeric('split', SPLIT, '--seed', BAD_SEEDS),
  ...numeric('split', SPLIT, '--batch-size', ['0', '-1']),
  ...numeric('split', SPLIT, '--batches', ['0', 'NaN']),
  { id: 'split.leaves.too-many', args: [...SPLIT, '--leaves', '100000'], exit: 1, names: '100000' },
  { id: 'split.branching.one', args: [...SPLIT, '--branching', '1'], exit: 1, names: 'branching' },
  { id: 'split.branching.text', args: [...SPLIT, '--branching', 'two'], exit: 1, names: 'two' },
  { id: 'split.branching.zero', args: [...SPLIT, '--branching', '0'], exit: 1, names: 'branching' },
  { id: 'split.edges.out-of-range', args: [...SPLIT, '--edges', '0,9,2'], exit: 1, names: '9' },
  { id: 'split.edges.repeated', args: [...SPLIT, '--edges', '0,0,1'], exit: 1, names: 'edge' },
  { id: 'split.edges.text', args: [...SPLIT, '--edges', 'first'], exit: 1, names: 'first' },
  { id: 'split.unknown-compat', args: [...SPLIT, '--compat', 'paper'], exit: 1, names: 'paper' },
  { id: 'split.unknown-warmup', args: [...SPLIT, '--warmup', 'long'], exit: 1, names: 'long' },
  { id: 'split.out.unwritable-proc', args: ['split', '--metric', 'synflow', '--out', '/proc/fsnas/s.json'], exit: 1, names: '/proc/fsnas/s.json' },
  { id: 'split.out.read-only-fs', args: ['split', '--metric', 'synflow', '--out', '/sys/fsnas-s.json'], exit: 1, names: '/sys/fsnas-s.json' },
  { id: 'split.out.directory', args: ['split', '--metric', 'synflow', '--out', 's.json'], exit: 1, names: 's.json', files: { 's.json': { dir: true } } },
  { id: 'split.out.existing-kept-on-error', args: ['split', '--metric', 'bogus', '--out', 's.json'], exit: 1, names: 'bogus', files: { 's.json': PRECIOUS } },
  { id: 'split.out.journal-corrupt', args: [...SPLIT, '--out', 's.json'], exit: 1, names: 's.json.nodes.jsonl', files: { 's.json.nodes.jsonl': 'garbage\n{"path":[]}\n' } },
  { id: 'split.out.journal-foreign-format', args: [...SPLIT, '--out', 's.json'], exit: 1, names: 's.json.nodes.jsonl', files: { 's.json.nodes.jsonl': '{"format":"other","version":1}\n{"path":[]}\n' } },
  { id: 'split.out.journal-deep', args: [...SPLIT, '--out', 's.json'], exit: 1, names: 's.json.nodes.jsonl', files: { 's.json.nodes.jsonl': `{"path":[],"mask":${DEEP}}\n` } },
  // ---- search ----
  { id: 'search.unknown-algo', args: ['search', '--algo', 'enas', '--mask', 'full', '--out', 'results'], exit: 1, names: 'enas' },
  { id: 'search.unknown-budget', args: [...SEARCH, '--budget', 'tiny'], exit: 1, names: 'tiny' },
  { id: 'search.unknown-compat', args: [...SEARCH, '--compat', 'bogus'], exit: 1, names: 'bogus' },
  { id: 'search.unknown-derivation', args: [...SEARCH, '--derivation', 'bogus'], exit: 1, names: 'bogus' },
  { id: 'search.unknown-dataset', args: [...SEARCH, '--dataset', 'mnist'], exit: 1, names: 'mnist' },
  ...numeric('search', SEARCH, '--seed', [...BAD_SEEDS, '99999999999999999999']),
  { id: 'search.mask.word', args: [...SEARCH, '--mask', 'half'], exit: 1, names: 'half' },
  { id: 'search.mask.syntax', args: [...SEARCH, '--mask', '[[1,1,1,1,1],[1,1'], exit: 1 },
  { id: 'search.mask.shape', args: [...SEARCH, '--mask', '[[1,1,1,1,1,1]]'], exit: 1, names: '6x5' },
  { id: 'search.mask.boolean', args: [...SEARCH, '--mask', rows('[true,false,1,1,1]')], exit: 1, names: 'true' },
  { id: 'search.mask.empty-edge', args: [...SEARCH, '--mask', rows('[0,0,0,0,0]')], exit: 1 },
  { id: 'search.mask.deep-nesting', args: [...SEARCH, '--mask', DEEP], exit: 1 },
  { id: 'search.mask.file.missing', args: [...SEARCH, '--mask', 'split.json:0'], exit: 1, names: 'split.json' },
  { id: 'search.mask.file.directory', args: [...SEARCH, '--mask', 'split.json:0'], exit: 1, names: 'split.json', files: { 'split.json': { dir: true } } },
  { id: 'search.mask.file.no-such-leaf', args: [...SEARCH, '--mask', 'split.json:99'], exit: 1, names: '99', files: split('split.json') },
  { id: 'search.mask.file.negative-leaf', args: [...SEARCH, '--mask', 'split.json:-1'], exit: 1, names: 'split.json:-1', files: split('split.json') },
  { id: 'search.mask.file.empty', args: [...SEARCH, '--mask', 'split.json:0'], exit: 1, names: 'split.json', files: { 'split.json': '' } },
  { id: 'search.mask.file.bom-truncated', args: [...SEARCH, '--mask', 'split.json:0'], exit: 1, names: 'split.json', files: { 'split.json': { fixture: 'split-tree', edit: (t) => BOM + t.slice(0, 200) } } },
  { id: 'search.mask.file.wrong-format', args: [...SEARCH, '--mask', 'split.json:0'], exit: 1, names: 'split.json', files: { 'split.json': leaves(HALF_A, HALF_B) } },
  { id: 'search.checkpoint.directory', args: [...SEARCH, '--checkpoint', 'ck'], exit: 1, names: 'ck', files: { ck: { dir: true } } },
  { id: 'search.checkpoint.garbage', args: [...SEARCH, '--checkpoint', 'ck'], exit: 1, names: 'ck', files: { ck: 'not a checkpoint' } },
  { id: 'search.checkpoint.truncated', args: [...SEARCH, '--checkpoint', 'ck'], exit: 1, names: 'ck', files: { ck: { fixture: 'checkpoint', edit: (t) => t.slice(0, 40) } } },
  { id: 'search.checkpoint.unwritable', args: [...SEARCH, '--checkpoint', '/proc/fsnas/ck'], exit: 1, names: '/proc/fsnas/ck' },
  { id: 'search.out.unwritable', args: [...SEARCH, '--out', '/proc/fsnas/results'], exit: 1, names: '/proc/fsnas/results' },
  { id: 'search.out.file', args: [...SEARCH, '--out', 'results'], exit: 1, names: 'results', files: { results: PRECIOUS } },
  { id: 'search.mlflow.uri.file-scheme', args: [...SEARCH, '--mlflow'], exit: 1, names: 'file:', env: { MLFLOW_TRACKING_URI: 'file:///tmp/mlruns' }, files: { 'results/earlier.json': PRECIOUS } },
  { id: 'search.mlflow.uri.with-path', args: [...SEARCH, '--mlflow'], exit: 1, names: 'ftp:', env: { MLFLOW_TRACKING_URI: 'ftp://127.0.0.1/mlflow' } },
  { id: 'search.mlflow.refusing-server', args: [...SEARCH, '--mlflow'], exit: 1, names: '403', env: { MLFLOW_TRACKING_URI: '{refusing}' }, files: { 'results/earlier.json': PRECIOUS } },
  // ---- top level ----
  { id: 'cli.unknown-command', args: ['serach'], exit: 2, names: 'serach' },
  { id: 'cli.missing-required-option', args: ['search', '--algo', 'darts'], exit: 2, names: '--mask' },
];
