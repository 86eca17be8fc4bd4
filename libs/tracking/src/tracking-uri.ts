import { InvalidTrackingUriError } from './errors';

/** Where the server is and how to authenticate, as MLflow's own clients read it from the environment. */
export interface TrackingTarget {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:5000` or `https://host/mlflow`. */
  readonly url: string;
  /** Value of the Authorization header, if any. Never printed: see `describeTarget`. */
  readonly authorization?: string;
}

/**
 * Validate a tracking URI. Only http(s) is accepted: `file:`, `sqlite:` or `databricks` URIs make
 * the Python client talk to a store directly, which a REST client cannot do.
 */
export function parseTrackingUri(uri: string): string {
  const trimmed = uri.trim();
  if (trimmed === '') throw new InvalidTrackingUriError(uri, 'it is empty');
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw new InvalidTrackingUriError(uri, 'not a URL; expected e.g. http://127.0.0.1:5000');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidTrackingUriError(
      uri,
      `scheme '${parsed.protocol}' is not supported; fsnas talks to an MLflow tracking server over http(s) (e.g. http://127.0.0.1:5000). Unset MLFLOW_TRACKING_URI to use the local server.`,
    );
  }
  if (parsed.username || parsed.password) {
    throw new InvalidTrackingUriError(
      redactUrl(trimmed),
      'credentials in the URI are not supported; use MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD',
    );
  }
  if (parsed.search || parsed.hash) throw new InvalidTrackingUriError(uri, 'a query string or fragment is not allowed');
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

/** Authorization header from the environment: a bearer token wins over basic credentials, as in MLflow. */
export function authorizationFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const token = env['MLFLOW_TRACKING_TOKEN'];
  if (token) return `Bearer ${token}`;
  const user = env['MLFLOW_TRACKING_USERNAME'];
  const password = env['MLFLOW_TRACKING_PASSWORD'];
  if (user || password) return `Basic ${Buffer.from(`${user ?? ''}:${password ?? ''}`).toString('base64')}`;
  return undefined;
}

export function targetFromUri(uri: string, env: NodeJS.ProcessEnv = process.env): TrackingTarget {
  const authorization = authorizationFromEnv(env);
  return authorization ? { url: parseTrackingUri(uri), authorization } : { url: parseTrackingUri(uri) };
}

/** A printable description: the URL and the kind of auth, never the secret itself. */
export function describeTarget(target: TrackingTarget): string {
  const auth = target.authorization?.split(' ')[0];
  return auth ? `${target.url} (${auth.toLowerCase()} auth)` : target.url;
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
