import { MlflowRequestError, MlflowUnavailableError } from './errors';
import type { TrackingTarget } from './tracking-uri';

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  readonly attempts: number;
  /** Delay before the second attempt; doubles each time, with jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Per-attempt timeout. */
  readonly timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 4000, timeoutMs: 30_000 };

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Path below the base URL, starting with `/api/2.0/`. */
  readonly path: string;
  readonly query?: Record<string, string | undefined>;
  readonly json?: unknown;
  readonly body?: Uint8Array;
}

/**
 * The one place that talks HTTP: adds auth, retries what a retry can fix (connection errors, timeouts,
 * 429 and 5xx), and turns the rest into typed errors. Never includes headers in error messages, so the
 * token cannot leak into logs.
 */
export class MlflowHttp {
  constructor(
    readonly target: TrackingTarget,
    readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  async request(req: HttpRequest): Promise<unknown> {
    const url = this.urlFor(req);
    let lastProblem = '';
    let lastCause: unknown;
    for (let attempt = 0; attempt < this.retry.attempts; attempt++) {
      if (attempt > 0) await sleep(backoffDelay(attempt - 1, this.retry.baseDelayMs, this.retry.maxDelayMs));
      let response: Response;
      try {
        response = await fetch(url, {
          method: req.method,
          headers: this.headers(req),
          body: req.body ?? (req.json === undefined ? undefined : JSON.stringify(req.json)),
          signal: AbortSignal.timeout(this.retry.timeoutMs),
        });
      } catch (error) {
        lastProblem = networkProblem(error);
        lastCause = error;
        continue;
      }
      const text = await response.text().catch(() => '');
      if (response.ok) {
        if (text === '') return {};
        const parsed = parseJson(text);
        // A proxy's HTML page with status 200 means a broken deployment, not a bad request.
        if (parsed === undefined) throw new MlflowUnavailableError(this.target.url, `non-JSON response from ${req.path}: ${text.slice(0, 120)}`);
        return parsed;
      }
      if (response.status === 429 || response.status >= 500) {
        lastProblem = `HTTP ${response.status} on ${req.path}: ${text.slice(0, 200)}`;
        continue;
      }
      const { errorCode, message } = mlflowError(text);
      throw new MlflowRequestError(response.status, errorCode, `${req.method} ${req.path}`, message);
    }
    throw new MlflowUnavailableError(this.target.url, `${lastProblem} (after ${this.retry.attempts} attempts)`, { cause: lastCause });
  }

  private urlFor(req: HttpRequest): string {
    const query = Object.entries(req.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined);
    const qs = query.length > 0 ? `?${new URLSearchParams(query).toString()}` : '';
    return `${this.target.url}${req.path}${qs}`;
  }

  private headers(req: HttpRequest): Record<string, string> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (req.json !== undefined) headers['Content-Type'] = 'application/json';
    if (req.body !== undefined) headers['Content-Type'] = 'application/octet-stream';
    if (this.target.authorization) headers['Authorization'] = this.target.authorization;
    return headers;
  }
}

/** Exponential backoff with ±25% jitter, so several writers retrying at once spread out. */
export function backoffDelay(retryIndex: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** retryIndex);
  return Math.round(raw * (0.75 + 0.5 * random()));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function networkProblem(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'request timed out';
  const cause = (error as { cause?: unknown }).cause;
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : error.message;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function mlflowError(text: string): { errorCode: string; message: string } {
  try {
    const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    return {
      errorCode: typeof body.error_code === 'string' ? body.error_code : 'UNKNOWN',
      message: typeof body.message === 'string' ? body.message : text.slice(0, 300),
    };
  } catch {
    return { errorCode: 'UNKNOWN', message: text.slice(0, 300) };
  }
}
