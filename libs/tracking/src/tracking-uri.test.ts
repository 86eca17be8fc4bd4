import { describe, expect, it } from 'vitest';
import { InvalidTrackingUriError } from './errors';
import { authorizationFromEnv, describeTarget, parseTrackingUri, targetFromUri } from './tracking-uri';

describe('parseTrackingUri', () => {
  it('normalises http(s) URLs', () => {
    expect(parseTrackingUri('http://127.0.0.1:5000/')).toBe('http://127.0.0.1:5000');
    expect(parseTrackingUri(' https://mlflow.example.org/base/ ')).toBe('https://mlflow.example.org/base');
  });

  it.each(['', 'not a url', 'localhost:5000', 'file:///tmp/mlruns', 'sqlite:///mlflow.db', 'databricks', 'http://u:secret@host:5000', 'http://h:5000/?x=1'])(
    'rejects %j with InvalidTrackingUriError',
    (uri) => {
      expect(() => parseTrackingUri(uri)).toThrow(InvalidTrackingUriError);
    },
  );

  it('never repeats a password from the URI in the error', () => {
    expect(() => parseTrackingUri('http://u:hunter2@host:5000')).toThrow(/^(?!.*hunter2)/s);
  });
});

describe('auth from the environment', () => {
  it('prefers a bearer token, else basic credentials, as MLflow does', () => {
    expect(authorizationFromEnv({ MLFLOW_TRACKING_TOKEN: 'tok', MLFLOW_TRACKING_USERNAME: 'u' })).toBe('Bearer tok');
    expect(authorizationFromEnv({ MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' })).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(authorizationFromEnv({})).toBeUndefined();
  });

  it('describes a target without its secret', () => {
    const target = targetFromUri('http://h:1', { MLFLOW_TRACKING_TOKEN: 'hunter2' });
    expect(describeTarget(target)).toBe('http://h:1 (bearer auth)');
    expect(JSON.stringify(describeTarget(target))).not.toContain('hunter2');
  });
});
