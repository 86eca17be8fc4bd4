import { FsnasError, InvalidInputError } from '@fsnas/core';

/** A branching tree that cannot be built: bad leaf count or factors, or more leaves than the ops allow. */
export class BranchingError extends InvalidInputError {}

/** Ops that cannot be partitioned as asked (k groups of n ops, size constraints, malformed matrix). */
export class PartitionError extends InvalidInputError {}

/** A metric returned something the splitter cannot use (wrong shape, NaN, asymmetric matrix). */
export class MetricOutputError extends FsnasError {
  constructor(message: string) {
    super('METRIC_OUTPUT', message);
  }
}

/** A split tree JSON that does not follow the schema; `path` is the JSON path of the bad field. */
export class SplitTreeFormatError extends InvalidInputError {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`split tree ${path}: ${detail}`);
  }
}

/** A split tree whose recorded groups do not re-derive its recorded children or leaves. */
export class SplitTreeReplayError extends FsnasError {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super('SPLIT_TREE_REPLAY', `split tree ${path}: ${detail}`);
  }
}

/** Two splits that cannot be compared (leaf masks that do not form a tree, different op sets). */
export class SplitComparisonError extends InvalidInputError {}

/** One setting of a split that a resumed run changed. */
export interface SettingDifference {
  /** The SplitSettings field. */
  readonly field: string;
  /** The option that sets it, e.g. `--metric`. */
  readonly option: string;
  readonly recorded: string;
  readonly requested: string;
}

/** A split asked to resume from a journal that another set of settings started. */
export class SplitResumeError extends InvalidInputError {
  constructor(
    readonly file: string,
    readonly differences: readonly SettingDifference[],
  ) {
    const one = differences.length === 1;
    super(
      `${file} was started with ${differences.map((d) => `${d.option} ${d.recorded}`).join(', ')}; ` +
        `this run asks for ${differences.map((d) => (one ? d.requested : `${d.option} ${d.requested}`)).join(', ')}: rerun with the same options or use another --out`,
    );
  }
}

/** A node journal that cannot be resumed as it is (no settings header, a bad header). */
export class SplitJournalError extends InvalidInputError {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file} ${detail}`);
  }
}
