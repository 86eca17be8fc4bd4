import { hardwarePenaltyOf } from './hardware';
import { InvalidInputError, Progress, Rng, yieldToEventLoop, type Fidelity } from '@fsnas/core';
import { BatchIterator } from '@fsnas/data';
import { Mask, formatArch, parseArch, type Arch } from '@fsnas/nb201';
import { clipGradNorm, tf, type NB201Network } from '@fsnas/nn';
import { ArchAdam, initAlphas } from './alphas';
import { alphaEntropy, parameterFreeOps } from './collapse';
import { createAlgorithm, type Algorithm, type StepContext } from './algorithms';
import { configHash, describeConfigChange, readCheckpoint, writeCheckpoint, type TensorRecord } from './checkpoint';
import { searchFidelity, validateConfig, type SearchConfig } from './config';
import type { SearchData } from './data';
import { argmaxDerive, evaluateSpec, perturbationDerive } from './derive';
import { SearchModel, type Batch } from './supernet';
import { WeightSgd, cosineLr } from './weight-optim';

/** What one epoch reports (logged per epoch by the experiment layer). */
export interface EpochRecord {
  /** 1-based. */
  readonly epoch: number;
  readonly lr: number;
  readonly temperature: number | null;
  readonly trainLoss: number;
  readonly trainAcc: number;
  readonly validLoss: number;
  readonly validAcc: number;
  /** The architecture derived after this epoch, and its benchmark accuracy (null without a lookup). */
  readonly derived: string;
  readonly accuracy: number | null;
  readonly alpha: number[];
  /** Collapse signs (collapse.ts): parameter-free ops of the derived cell, α's entropy per edge (nats). */
  readonly paramFreeOps: number;
  readonly alphaEntropy: number[];
  /** Architectures left in the working mask (changes only with reference DSNAS pruning). */
  readonly maskSize: number;
  readonly messages: string[];
  readonly seconds: number;
}

export interface SearchResult {
  readonly algo: string;
  readonly fidelity: Fidelity;
  readonly derived: string;
  readonly arch: Arch;
  readonly accuracy: number | null;
  readonly epochs: EpochRecord[];
  readonly alpha: number[];
  /** Epochs restored from a checkpoint (0 for a fresh run). */
  readonly resumedEpochs: number;
  /** True when `stopAfterEpochs` ended the run early (tests of resume). */
  readonly interrupted: boolean;
  readonly seconds: number;
}

export interface SearchHooks {
  readonly data: SearchData;
  /** Benchmark accuracy of a derived architecture (e.g. NATS cifar10 test @200). */
  readonly lookup?: (arch: Arch) => number | null;
  readonly onEpoch?: (record: EpochRecord) => void;
  /** Checkpoint file: written after every epoch; an existing one of the same config is resumed. */
  readonly checkpointPath?: string;
  /** Stop (as if interrupted) once this many epochs are done. */
  readonly stopAfterEpochs?: number;
  /** Progress line on stderr (default true). */
  readonly progress?: boolean;
  /** Overwrite the initial weights (tests: a teacher's weights; warm-up: the parent's), before any resume. */
  readonly initWeights?: (net: NB201Network) => void;
  /** The trained network at the end of the run, before it is disposed (copy what you keep). */
  readonly onTrained?: (net: NB201Network) => void;
  /** Extra log lines (pruning, resume); default stderr unless FSNAS_QUIET=1. */
  readonly log?: (line: string) => void;
}

/** Seed of an independent stream: (run seed, epoch, stream id) → 32 bits. */
export function streamSeed(seed: number, epoch: number, stream: number): number {
  return new Rng(((seed >>> 0) ^ Math.imul(epoch + 2, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0).nextUint32();
}

const STREAM = { algorithm: 1, train: 2, valid: 3, eval: 4, select: 5, init: 6 } as const;

/**
 * Runs one one-shot search on a (sub-)supernet (docs/reference.md §5.3): per epoch, `trainBatches`
 * steps (weights on the train half, α on the valid half as the algorithm defines), a validation
 * pass, derivation and benchmark lookup, checkpoint. Deterministic given the config and the backend.
 */
export async function runSearch(configIn: SearchConfig, hooks: SearchHooks): Promise<SearchResult> {
  const config = validateConfig(configIn);
  const started = performance.now();
  const algo = createAlgorithm({ algo: config.algo, fidelity: searchFidelity(config), algorithm: config.algorithm });
  const mask = Mask.fromRows(config.mask);
  const log = hooks.log ?? ((line: string) => process.env['FSNAS_QUIET'] !== '1' && process.stderr.write(`${line}\n`));
  const { data } = hooks;
  if (data.train.height !== data.valid.height) throw new InvalidInputError('train and valid images differ in size');

  const model = new SearchModel(mask, { C: config.net.C, N: config.net.N, classes: config.net.classes, affine: false }, config.seed, initAlphas(algo.alphaInit, new Rng(streamSeed(config.seed, -1, STREAM.init))));
  const sgd = new WeightSgd({ lr: config.lr, momentum: config.momentum, nesterov: true, weightDecay: config.weightDecay });
  const adam = new ArchAdam({ lr: config.archLr, betas: config.archBetas, weightDecay: config.archWeightDecay });
  hooks.initWeights?.(model.net);
  const hash = configHash(config);
  let history: EpochRecord[] = [];
  let startEpoch = 0;

  const selection = fixedBatches(data, config, 'select');
  try {
    if (hooks.checkpointPath) {
      const ckpt = readCheckpoint<EpochRecord>(hooks.checkpointPath);
      if (ckpt) {
        if (ckpt.header.configHash !== hash) {
          const changed = ckpt.header.config === undefined ? [`config hash ${ckpt.header.configHash} → ${hash}`] : describeConfigChange(ckpt.header.config, config);
          throw new InvalidInputError(`checkpoint ${hooks.checkpointPath} belongs to another search config (${changed.join('; ')}); rerun with the same options, or delete it or use another path`);
        }
        restore(model, sgd, ckpt.tensors);
        adam.state = ckpt.header.adam;
        model.mask = Mask.fromRows(ckpt.header.mask);
        // Checkpoints written before the collapse signs were recorded get them from their α and cell.
        history = ckpt.header.history.map((r) => (r.alphaEntropy ? r : { ...r, paramFreeOps: parameterFreeOps(parseDerived(r.derived)), alphaEntropy: alphaEntropy(r.alpha, model.mask) }));
        startEpoch = ckpt.header.epochsDone;
        log(`fsnas search: resumed ${hooks.checkpointPath} after epoch ${startEpoch}/${config.epochs}`);
      }
    }
    const stepsPerEpoch = config.trainBatches ?? Math.ceil(data.train.n / config.batchSize);
    const progress = hooks.progress === false ? undefined : new Progress({ label: `search ${config.algo}`, total: (config.epochs - startEpoch) * stepsPerEpoch, unit: 'step' });
    let interrupted = false;
    for (let epoch = startEpoch; epoch < config.epochs; epoch++) {
      if (hooks.stopAfterEpochs !== undefined && epoch >= hooks.stopAfterEpochs) {
        interrupted = true;
        break;
      }
      const record = await runEpoch(epoch, stepsPerEpoch, config, algo, model, sgd, adam, data, selection, hooks, progress);
      history.push(record);
      for (const m of record.messages) log(`fsnas search: epoch ${record.epoch}: ${m}`);
      hooks.onEpoch?.(record);
      if (hooks.checkpointPath) writeCheckpoint(hooks.checkpointPath, { header: { configHash: hash, config, epochsDone: epoch + 1, alpha: record.alpha, adam: adam.state, mask: model.mask.toRows(), history, rng: { seed: config.seed, nextEpoch: epoch + 1 } }, tensors: snapshot(model, sgd) });
    }
    hooks.onTrained?.(model.net);
    const last = history[history.length - 1];
    const arch = last ? parseDerived(last.derived) : argmaxDerive(model);
    return {
      algo: config.algo,
      fidelity: searchFidelity(config),
      derived: formatArch(arch),
      arch,
      accuracy: last ? last.accuracy : (hooks.lookup?.(arch) ?? null),
      epochs: history,
      alpha: Array.from(model.alphaValues()),
      resumedEpochs: startEpoch,
      interrupted,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    for (const b of selection) tf.dispose([b.x, b.y]);
    model.dispose();
    sgd.dispose();
  }
}

async function runEpoch(
  epoch: number,
  steps: number,
  config: SearchConfig,
  algo: Algorithm,
  model: SearchModel,
  sgd: WeightSgd,
  adam: ArchAdam,
  data: SearchData,
  selection: readonly Batch[],
  hooks: SearchHooks,
  progress: Progress | undefined,
): Promise<EpochRecord> {
  const t0 = performance.now();
  const lr = cosineLr(epoch, config.epochs, config.lr, config.lrMin);
  sgd.options.lr = lr;
  const rng = new Rng(streamSeed(config.seed, epoch, STREAM.algorithm));
  const ctx = createStepContext({ model, sgd, adam, config, epoch, lr, rng });
  const iterOptions = { batchSize: config.batchSize, normalization: data.normalization, augment: data.augment };
  const trainIter = new BatchIterator(data.train, { ...iterOptions, seed: streamSeed(config.seed, epoch, STREAM.train) });
  const validIter = new BatchIterator(data.valid, { ...iterOptions, seed: streamSeed(config.seed, epoch, STREAM.valid) });
  let trainLoss = 0;
  let trainAcc = 0;
  for (let s = 0; s < steps; s++) {
    const train = trainIter.next();
    const valid = validIter.next();
    try {
      const r = algo.step(ctx, train, valid);
      trainLoss += r.trainLoss / steps;
      trainAcc += r.trainAcc / steps;
    } finally {
      tf.dispose([train.x, train.y, valid.x, valid.y]);
    }
    progress?.tick(1, `epoch ${epoch + 1}/${config.epochs}`);
    // Let the event loop breathe between steps (signals, test-runner RPC, progress output).
    await yieldToEventLoop();
  }
  // Validation: no gradient, train-mode BN (docs/reference.md §5.3), sampling algorithms draw fresh paths per batch.
  const evalIter = new BatchIterator(data.valid, { ...iterOptions, seed: streamSeed(config.seed, epoch, STREAM.eval) });
  const nValid = config.validBatches ?? evalIter.batchesPerEpoch;
  let validLoss = 0;
  let validAcc = 0;
  for (let b = 0; b < nValid; b++) {
    const batch = evalIter.next();
    const r = evaluateSpec(model, [batch], () => algo.evalSpec(ctx));
    tf.dispose([batch.x, batch.y]);
    validLoss += r.loss / nValid;
    validAcc += r.acc / nValid;
  }
  const messages = algo.endEpoch?.(ctx) ?? [];
  let arch: Arch;
  if (algo.derive) {
    const derived = algo.derive(model, selection, new Rng(streamSeed(config.seed, epoch, STREAM.select)));
    arch = derived.arch;
    messages.push(derived.message);
  } else {
    arch = config.derivation === 'perturbation' ? perturbationDerive(model, selection) : argmaxDerive(model);
  }
  return {
    epoch: epoch + 1,
    lr,
    temperature: algo.temperature?.(epoch, config.epochs) ?? null,
    trainLoss,
    trainAcc,
    validLoss,
    validAcc,
    derived: formatArch(arch),
    accuracy: hooks.lookup?.(arch) ?? null,
    alpha: Array.from(model.alphaValues()),
    paramFreeOps: parameterFreeOps(arch),
    alphaEntropy: alphaEntropy(model.alphaValues(), model.mask),
    maskSize: model.mask.size,
    messages,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** α's gradient with the hardware term's added (a new array: the algorithm's may be reused). */
function addHardwareGrad(grad: ArrayLike<number>, hardware: ArrayLike<number>): Float64Array {
  return Float64Array.from(grad, (g, i) => g + (hardware[i] as number));
}

/** The per-epoch context the algorithms step with (also used by the bench). */
export function createStepContext(parts: { model: SearchModel; sgd: WeightSgd; adam: ArchAdam; config: SearchConfig; epoch: number; lr: number; rng: Rng }): StepContext {
  const { model, sgd, adam, config, epoch, lr, rng } = parts;
  const hardware = config.hardware;
  const mask = model.mask;
  return {
    model,
    rng,
    epoch,
    epochs: config.epochs,
    lr,
    fidelity: searchFidelity(config),
    applyWeightGrads(grads) {
      const clipped = clipGradNorm(grads, config.gradClip);
      tf.dispose(grads);
      sgd.step(model.params(), clipped.grads);
      tf.dispose(clipped.grads);
    },
    applyArchGrad(grad) {
      const alpha = model.alphaValues();
      model.setAlpha(adam.step(alpha, hardware ? addHardwareGrad(grad, hardwarePenaltyOf(alpha, mask, hardware).grad) : grad));
    },
    momentumOf: (name) => sgd.buffers.get(name),
  };
}

/** The fixed batches derivation scores on: the first batches of the valid half, no augmentation. */
function fixedBatches(data: SearchData, config: SearchConfig, _why: 'select'): Batch[] {
  const it = new BatchIterator(data.valid, { batchSize: config.batchSize, normalization: data.normalization, augment: false, shuffle: false, seed: 0 });
  return Array.from({ length: Math.min(config.selectionBatches, it.batchesPerEpoch) }, () => it.next());
}

function snapshot(model: SearchModel, sgd: WeightSgd): TensorRecord[] {
  const out: TensorRecord[] = model.state().map((s) => ({ name: `w:${s.name}`, shape: s.variable.shape, values: s.variable.dataSync() as Float32Array }));
  for (const [name, values] of Object.entries(sgd.exportState())) out.push({ name: `m:${name}`, shape: sgd.buffers.get(name)?.shape ?? [values.length], values });
  out.push({ name: 'alpha', shape: [6, 5], values: model.alphaValues() });
  return out;
}

function restore(model: SearchModel, sgd: WeightSgd, tensors: readonly TensorRecord[]): void {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const shapes = new Map<string, readonly number[]>();
  for (const s of model.state()) {
    const t = byName.get(`w:${s.name}`);
    if (!t) throw new InvalidInputError(`checkpoint lacks weight ${s.name}`);
    tf.tidy(() => s.variable.assign(tf.tensor(t.values, s.variable.shape, 'float32')));
    shapes.set(s.name, s.variable.shape);
  }
  const momentum: Record<string, Float32Array> = {};
  for (const t of tensors) if (t.name.startsWith('m:')) momentum[t.name.slice(2)] = t.values;
  sgd.importState(momentum, shapes);
  const alpha = byName.get('alpha');
  if (alpha) model.setAlpha(alpha.values);
}

/** Records hold the formatted arch string. */
function parseDerived(s: string): Arch {
  return parseArch(s);
}
