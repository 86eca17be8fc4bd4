import { describe, expect, it } from 'vitest';
import { classify, errorLine, type Observation } from './classify';

const run = (o: Partial<Observation>): Observation => ({ exitCode: 1, signal: null, timedOut: false, stderr: '', changed: [], leftovers: [], ...o });

describe('robustness matrix classifier', () => {
  it('a typed one-line error is a clean error, with a deviation when the exit code or the named value differs', () => {
    expect(classify({ exit: 1, names: 'mnist' }, run({ stderr: "fsnas: tfjs backend wasm\nfsnas: --dataset must be one of cifar10, got 'mnist'\n" }))).toEqual({ outcome: 'clean-error', reason: 'typed error' });
    expect(classify({ exit: 2, names: "'0'" }, run({ exitCode: 2, stderr: "error: option '--leaves <n>' argument '0' is invalid. expected an integer ≥ 1, got '0'\n" })).outcome).toBe('clean-error');
    expect(classify({ exit: 2, names: 'abc' }, run({ exitCode: 1, stderr: 'fsnas: bad value\n' })).deviation).toBe("exit 1, expected 2; does not name 'abc'");
  });

  it('exit 3, a stack trace, a signal or a timeout is a crash', () => {
    expect(classify({ exit: 1 }, run({ exitCode: 3, stderr: 'fsnas: unexpected error: EISDIR (FSNAS_DEBUG=1 prints the stack trace)\n' })).outcome).toBe('crash');
    expect(classify({ exit: 1 }, run({ stderr: 'fsnas: x\nError: x\n    at readIndices (/a/metrics.ts:12:3)\n' })).outcome).toBe('crash');
    expect(classify({ exit: 1 }, run({ exitCode: null, signal: 'SIGSEGV' })).reason).toBe('killed by SIGSEGV');
    expect(classify({ exit: 1 }, run({ exitCode: null, signal: 'SIGKILL', timedOut: true })).reason).toBe('timed out (hang)');
    expect(classify({ exit: 1 }, run({ exitCode: 1, stderr: '' })).outcome).toBe('crash');
  });

  it('exit 0 on malformed input is a silent wrong result', () => {
    expect(classify({ exit: 2 }, run({ exitCode: 0, stderr: '' })).outcome).toBe('silent-wrong');
  });

  it('a changed pre-existing file, or a failed run leaving files behind, is data lost', () => {
    expect(classify({ exit: 1 }, run({ stderr: 'fsnas: bad\n', changed: ['s.json'] })).outcome).toBe('data-lost');
    expect(classify({ exit: 1 }, run({ stderr: 'fsnas: bad\n', leftovers: ['s.json.tmp-12'] })).outcome).toBe('data-lost');
    // A changed file outranks everything else: a crash that also truncated a result lost data.
    expect(classify({ exit: 1 }, run({ exitCode: 3, changed: ['s.json'] })).outcome).toBe('data-lost');
  });

  it("finds the diagnostic line among progress notes, fsnas' own before Commander's", () => {
    expect(errorLine('fsnas search: epoch 1/2\nfsnas: --out: cannot write\n')).toBe('fsnas: --out: cannot write');
    expect(errorLine("error: unknown option '--x'\n(run with --help for usage)\n")).toBe("error: unknown option '--x'");
    expect(errorLine('fsnas: warning: slow\n')).toBeUndefined();
  });
});
