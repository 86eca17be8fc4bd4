import { userInfo } from 'node:os';
import { InvalidInputError } from '@fsnas/core';

/** The `mlflow.*` system tags MLflow's own clients set and its UI reads (mlflow/utils/mlflow_tags.py). */
export const MLFLOW_TAG = {
  runName: 'mlflow.runName',
  user: 'mlflow.user',
  sourceName: 'mlflow.source.name',
  sourceType: 'mlflow.source.type',
  gitCommit: 'mlflow.source.git.commit',
  /** A run's or an experiment's description (the UI's "Description" box). */
  note: 'mlflow.note.content',
} as const;

/** What produced the runs: shown in the UI's Source column. */
export interface RunSource {
  /** e.g. `fsnas reproduce`, `fsnas search`. */
  readonly name: string;
  /** Full commit hash of the code, when known. */
  readonly gitCommit?: string;
}

/** The user, as Python's getpass.getuser() finds it (MLflow's rule): LOGNAME, USER, LNAME, USERNAME, then the account. */
export function currentUser(env: NodeJS.ProcessEnv = process.env): string {
  for (const key of ['LOGNAME', 'USER', 'LNAME', 'USERNAME']) {
    const value = env[key];
    if (value) return value;
  }
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** The standard tags of a new run; `mlflow.source.type` is LOCAL (a command on this machine). */
export function standardRunTags(options: { runName?: string; description?: string; source?: RunSource; env?: NodeJS.ProcessEnv }): Record<string, string> {
  const source = options.source ?? { name: 'fsnas' };
  return {
    ...(options.runName ? { [MLFLOW_TAG.runName]: options.runName } : {}),
    [MLFLOW_TAG.user]: currentUser(options.env),
    [MLFLOW_TAG.sourceName]: source.name,
    [MLFLOW_TAG.sourceType]: 'LOCAL',
    ...(source.gitCommit ? { [MLFLOW_TAG.gitCommit]: source.gitCommit } : {}),
    ...(options.description ? { [MLFLOW_TAG.note]: oneLine(options.description) } : {}),
  };
}

/**
 * A tag that names a setting of the config must read like its param: one text per value (run-key.ts's
 * paramText), so a filter on the tag and a column of the param agree.
 */
export function checkTagsMatchParams(params: Readonly<Record<string, string>>, tags: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(tags)) {
    const param = params[key];
    if (param !== undefined && param !== value) {
      throw new InvalidInputError(`tag '${key}' is '${value}' but param '${key}' is '${param}'; a setting must have one text (use paramText for the tag)`);
    }
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
