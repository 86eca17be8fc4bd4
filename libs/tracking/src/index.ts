export * from './errors';
export * from './types';
export * from './tracking-uri';
export { MlflowClient } from './client';
export { LIMITS, splitBatch, validateBatch } from './batch';
export { DEFAULT_RETRY, type RetryPolicy } from './http';
export { canonicalJson, runKey, flattenParams, paramText, NULL_PARAM } from './run-key';
export { MLFLOW_TAG, standardRunTags, currentUser, checkTagsMatchParams, type RunSource } from './mlflow-tags';
export { JournalFile, type JournalOp, type JournalEntry } from './journal';
export { TAG_RUN_KEY, TAG_LOCAL_ID, type DrainReport, type FailedWrite } from './replay';
export { syncJournals, type SyncReport } from './sync';
export { Tracker, type TrackerOptions, type RunOptions, type RunResult } from './tracker';
export { ActiveRun, type ParamValue } from './active-run';
export { ensurePythonEnv, venvDir, type PythonEnv } from './python-env';
export {
  startLocalServer,
  stopLocalServer,
  killLocalServer,
  localServerStatus,
  mlflowDir,
  freePort,
  portFree,
  groupMembers,
  type LocalServerOptions,
  type LocalServerStatus,
} from './local-server';
export { resolveTrackingUri, journalDirFor, checkTrackingTarget, describeTrackingCheck, type ResolvedTarget, type TrackingCheck } from './target';
export { tryLock, acquireLock, processAlive } from './file-lock';
export { startTestServer, SERVER_HOOK_TIMEOUT_MS, type TestServer } from './test-server';
