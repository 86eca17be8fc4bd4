import { FsnasError } from '@fsnas/core';

/**
 * The tracking server could not be reached, or kept answering 5xx/429 after the retries. Writes that
 * hit this are kept in the journal and replayed later, so callers of the Tracker never see it for writes.
 */
export class MlflowUnavailableError extends FsnasError {
  constructor(
    readonly url: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super('MLFLOW_UNAVAILABLE', `MLflow server at ${url} is unavailable: ${detail}`, options);
  }
}

/**
 * The server understood the request and refused it (4xx). Retrying the same request cannot succeed, so
 * such a write is not queued: the caller has to change it. `errorCode` is MLflow's own (e.g.
 * INVALID_PARAMETER_VALUE, RESOURCE_DOES_NOT_EXIST).
 */
export class MlflowRequestError extends FsnasError {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly endpoint: string,
    serverMessage: string,
  ) {
    super('MLFLOW_REQUEST', `MLflow rejected ${endpoint} (HTTP ${status} ${errorCode}): ${serverMessage}`);
  }
}

/** MLFLOW_TRACKING_URI (or a URI passed in) is not an http(s) URL that fsnas can talk REST to. */
export class InvalidTrackingUriError extends FsnasError {
  constructor(uri: string, why: string) {
    super('INVALID_TRACKING_URI', `invalid MLflow tracking URI '${uri}': ${why}`);
  }
}

/** The local MLflow server could not be started or stopped. Names the log file to read. */
export class LocalServerError extends FsnasError {
  constructor(message: string) {
    super('MLFLOW_LOCAL_SERVER', message);
  }
}

/** The Python environment (tools/setup/setup.sh) could not be created. */
export class PythonEnvError extends FsnasError {
  constructor(message: string) {
    super('PYTHON_ENV', message);
  }
}
