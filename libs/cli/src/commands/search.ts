import { join, resolve } from 'node:path';
import { BUDGETS, InvalidInputError, checkInputFile, checkWritableDir, writableDataDir, writeFileAtomic, type Budget } from '@fsnas/core';
import { fsnasSource } from '@fsnas/experiments';
import { Mask, type Arch } from '@fsnas/nb201';
import { Benchmark, HW_METRICS, fitDeviceCost, maskExpectedCost, predictCost, type HwMetric } from '@fsnas/benchmark';
import { initBackend, type BackendName } from '@fsnas/nn';
import { ALGORITHMS, ALGORITHM_DEFINITIONS, BUDGET_SPECS, DERIVATIONS, algorithmDefinition, budgetSpec, checkCheckpointPath, logSearch, runBudgetSearch, type Derivation, type HardwarePenalty } from '@fsnas/search';
import { readSplitTree, splitTreeLeaves } from '@fsnas/splitting';
import { Tracker, checkTrackingTarget, describeTrackingCheck, runKey } from '@fsnas/tracking';
import type { Command } from 'commander';
import { emit, fidelityOf, fidelityOptions, numericOption } from '../cli-kit';

interface SearchOptions {
  algo: string;
  dataset: string;
  mask: string;
  budget: string;
  seed: number;
  fidelity?: string;
  compat?: string;
  derivation: string;
  checkpoint?: string;
  out?: string;
  mlflow?: boolean;
  hw?: string;
  hwLambda: number;
  hwTarget?: string;
  json?: boolean;
}

/**
 * The searched mask: `full`, a JSON 6×5 0/1 matrix, or `<split-tree.json>:<leaf index>` (a split tree
 * written by `fsnas split`, leaves in DFS order).
 */
export function parseMaskArgument(value: string): Mask {
  const text = value.trim();
  if (text === 'full') return Mask.full();
  if (text.startsWith('[')) return Mask.parse(text);
  const m = /^(.*):(\d+)$/.exec(text);
  if (!m) throw new InvalidInputError(`--mask must be 'full', a JSON 6x5 0/1 matrix or <split.json>:<leaf>, got '${value}'`);
  const file = resolve(m[1] as string);
  checkInputFile(file, '--mask');
  const leaves = splitTreeLeaves(readSplitTree(file));
  const leaf = Number(m[2]);
  const mask = leaves[leaf];
  if (!mask) throw new InvalidInputError(`--mask: ${m[1]} has ${leaves.length} leaves, no leaf ${leaf}`);
  return mask;
}

/**
 * The one-line warning `search` (and `reproduce`, whose F2 runs such searches) prints at its start
 * when the paper budget would run on a backend without a GPU: its ETA is then days per search (126 h
 * measured on the wasm backend of a 2-core laptop). Undefined when there is nothing to warn about.
 */
export function paperBudgetWarning(budget: Budget, backend: BackendName, command = 'search'): string | undefined {
  if (budget !== 'paper' || backend === 'node-gpu') return undefined;
  return (
    `fsnas ${command}: warning: the paper budget on the ${backend} backend (no GPU) takes days per search; ` +
    'use a GPU build (FSNAS_BACKEND=node-gpu with @tensorflow/tfjs-node-gpu: docs/decisions/0009-tfjs-backends.md, tools/setup/tfjs-node-gpu.sh once it exists) ' +
    'or run the grid on a cluster, one `fsnas search` per job'
  );
}

/** The hardware term of --hw: an additive model of the column on CIFAR-10's measured costs, with λ and an optional target. */
function hardwarePenalty(column: string, lambda: number, target: string | undefined): HardwarePenalty {
  if (!(HW_METRICS as readonly string[]).includes(column)) throw new InvalidInputError(`--hw must be one of ${HW_METRICS.join(', ')}, got '${column}'`);
  const model = fitDeviceCost(Benchmark.load(), 'cifar10', column as HwMetric);
  const budget = target === undefined ? undefined : Number(target.trim().replace(/\s*(ms|mj)$/i, ''));
  if (budget !== undefined && !(Number.isFinite(budget) && budget > 0)) throw new InvalidInputError(`--hw-target must be a positive cost such as 5 or 5ms, got '${target}'`);
  process.stderr.write(`fsnas search: hardware term λ=${lambda}${budget !== undefined ? ` above ${budget}` : ''} on ${column} (additive model: R² ${model.r2.toFixed(3)}, MAE ${model.mae.toPrecision(3)})\n`);
  return { device: column, intercept: model.intercept, weights: model.weights, lambda, ...(budget !== undefined ? { target: budget } : {}) };
}

/** What the hardware term bought: the derived cell's modelled and measured cost, and the space's range. */
function hardwareOutcome(penalty: HardwarePenalty, arch: Arch, mask: Mask): Record<string, unknown> {
  const bench = Benchmark.load();
  const measured = bench.hw('cifar10', penalty.device as HwMetric);
  return {
    device: penalty.device,
    lambda: penalty.lambda,
    target: penalty.target ?? null,
    derived_cost_model: predictCost(penalty, arch),
    derived_cost_measured: measured[bench.indexOf(arch)] ?? null,
    mask_mean_cost_model: maskExpectedCost(penalty, mask),
  };
}

/** `fsnas search`: one one-shot search on a (sub-)supernet, the derived architecture and its NB201 accuracy. */
export function registerSearchCommand(program: Command): Command {
  const references = ALGORITHM_DEFINITIONS.flatMap((d) => (d.reference === null ? [] : [`${d.name}: ${d.reference}`])).join('; ');
  const command = program
    .command('search')
    .description(`one-shot NAS (${ALGORITHM_DEFINITIONS.map((d) => d.title).join(', ')}) on a masked sub-supernet; reports the derived architecture and its NATS-Bench accuracy`)
    .requiredOption('--algo <name>', ALGORITHMS.join('|'))
    .option('--dataset <name>', 'search data (cifar10)', 'cifar10')
    .requiredOption('--mask <mask>', "'full', a JSON 6x5 0/1 matrix, or <split.json>:<leaf>")
    .option('--budget <name>', `${BUDGETS.join('|')}: ${Object.values(BUDGET_SPECS).map((b) => b.description).join(' ')}`, 'smoke')
    .option('--seed <n>', 'seed of weights, α, data order and samples', numericOption.nonNegativeInteger, 888);
  return fidelityOptions(command, `published runs the algorithms as their papers define them; reference reproduces the paper code's deviations (${references})`)
    .option('--derivation <how>', DERIVATIONS.join('|'), 'argmax')
    .option('--checkpoint <file>', 'checkpoint file: written every epoch, resumed when present')
    .option('--out <dir>', 'folder of the result JSON file, written before anything is logged (default data/results/search)')
    .option('--mlflow', "log the run to MLflow (experiment 'search'; MLFLOW_TRACKING_URI, else the local server); the target is checked before the search starts")
    .option('--hw <column>', `hardware-aware search: add λ·E[cost] under α to the architecture loss, the cost from an additive per-op model of this HW-NAS-Bench column (${HW_METRICS.join(', ')}) fitted on CIFAR-10's measurements`)
    .option('--hw-lambda <λ>', 'weight of the hardware term (with --hw)', numericOption.floatIn(0, Infinity), 1)
    .option('--hw-target <cost>', "a cost budget (e.g. 5 or 5ms): only what the expected cost exceeds it by is penalised (with --hw)")
    .option('--json', 'print the result as JSON')
    .action(async (options: SearchOptions) => {
      const algo = algorithmDefinition(options.algo).name;
      const budget = budgetSpec(options.budget).name;
      const fidelity = fidelityOf(options);
      if (!(DERIVATIONS as readonly string[]).includes(options.derivation)) throw new InvalidInputError(`--derivation must be ${DERIVATIONS.join('|')}, got '${options.derivation}'`);
      const mask = parseMaskArgument(options.mask);
      const hardware = options.hw === undefined ? undefined : hardwarePenalty(options.hw, options.hwLambda, options.hwTarget);
      if (options.checkpoint) checkCheckpointPath(resolve(options.checkpoint)); // before any data is loaded
      const outDir = resolve(options.out ?? join(writableDataDir(), 'results', 'search'));
      checkWritableDir(outDir, '--out'); // the result folder must be writable before the search starts, not when its result is ready
      // The tracking target first: a URI fsnas refuses or a server that refuses us fails now, not after the search.
      const tracking = options.mlflow ? await checkTrackingTarget({ experiment: 'search' }) : undefined;
      if (tracking) process.stderr.write(`fsnas search: ${describeTrackingCheck(tracking)}\n`);
      const backend = await initBackend();
      const warning = paperBudgetWarning(budget, backend.name);
      if (warning) process.stderr.write(`${warning}\n`);
      const { config, result } = await runBudgetSearch({
        algo,
        mask,
        budget,
        dataset: options.dataset,
        fidelity,
        seed: options.seed,
        derivation: options.derivation as Derivation,
        ...(options.checkpoint ? { checkpointPath: resolve(options.checkpoint) } : {}),
        ...(hardware ? { hardware } : {}),
        onEpoch: (e) => process.stderr.write(`fsnas search: epoch ${e.epoch}/${budgetSpec(budget).epochs} train ${e.trainLoss.toFixed(3)}/${(100 * e.trainAcc).toFixed(1)}% valid ${e.validLoss.toFixed(3)}/${(100 * e.validAcc).toFixed(1)}% ${e.derived} → ${e.accuracy?.toFixed(2) ?? '?'}% (${e.seconds.toFixed(1)} s)\n`),
      });
      // Result files, their names, MLflow names and tags keep search's persisted token (`compat: 'spec' | 'reference'`).
      const out = {
        algo,
        compat: config.compat,
        dataset: options.dataset,
        budget,
        seed: config.seed,
        mask: mask.toRows(),
        mask_size: mask.size,
        derived: result.derived,
        accuracy: { test: result.accuracy },
        epochs: result.epochs.map((e) => ({
          epoch: e.epoch,
          lr: e.lr,
          temperature: e.temperature,
          train_loss: e.trainLoss,
          train_acc: e.trainAcc,
          valid_loss: e.validLoss,
          valid_acc: e.validAcc,
          derived: e.derived,
          accuracy: e.accuracy,
          mask_size: e.maskSize,
          seconds: e.seconds,
        })),
        alpha: result.alpha,
        seconds: result.seconds,
        ...(hardware ? { hardware: hardwareOutcome(hardware, result.arch, mask) } : {}),
      };
      const runConfig = { ...config, mask: mask.toRows() };
      // On disk before MLflow sees it: a tracking failure can never lose a finished search.
      const resultFile = join(outDir, `${algo}-${config.compat}-${budget}-seed${config.seed}-${runKey(runConfig).slice(0, 12)}.json`);
      writeFileAtomic(resultFile, `${JSON.stringify(out, null, 1)}\n`);
      process.stderr.write(`fsnas search: result written to ${resultFile}\n`);
      let runId: string | null = null;
      if (tracking) {
        // A finished run of the same config is reused (the tracker skips it and returns its id).
        const tracker = await Tracker.open({
          experiment: 'search',
          ...(tracking.local ? {} : { trackingUri: tracking.url }),
          description: 'Single one-shot searches run by `fsnas search --mlflow`: one run per configuration (algorithm, mask, budget, seed); the budget is in the run name and the budget tag.',
          source: fsnasSource('fsnas search'),
        });
        try {
          const logged = await tracker.run(
            runConfig,
            async (run) => {
              await logSearch(run, result);
              await run.setTags({ derived: result.derived });
              await run.logArtifact(resultFile, 'result.json');
            },
            {
              name: `${algo}-${budget}-${config.compat}`,
              tags: { algo, budget, compat: config.compat, dataset: options.dataset },
              description: `${algo} (${config.compat}) on ${mask.size} architectures, ${budget} budget, seed ${config.seed}`,
            },
          );
          runId = logged.runId;
        } finally {
          await tracker.close({ waitMs: 5000 });
        }
      }
      emit(options.json, { ...out, result_file: resultFile, mlflow_run_id: runId }, () => `${algo} (${fidelity}, ${budget}) on ${mask.size} archs: ${result.derived} → ${result.accuracy?.toFixed(2) ?? '?'}% NATS cifar10 test (${result.seconds.toFixed(1)} s)`);
    });
}
