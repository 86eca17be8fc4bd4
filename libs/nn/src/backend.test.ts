import { InvalidInputError } from '@fsnas/core';
import { describe, expect, it } from 'vitest';
import { initBackend, parseBackendEnv, tf } from './backend';
import { engineBuild } from './engine';

describe('backend selection', () => {
  it('parses FSNAS_BACKEND and rejects unknown names with a typed error', () => {
    expect(parseBackendEnv(undefined)).toBe('auto');
    expect(parseBackendEnv('')).toBe('auto');
    expect(parseBackendEnv('wasm')).toBe('wasm');
    expect(parseBackendEnv('node-gpu')).toBe('node-gpu');
    expect(() => parseBackendEnv('webgl')).toThrow(InvalidInputError);
  });

  it('auto-detects a working backend and registers gradients and chained ops', async () => {
    const info = await initBackend({ backend: 'auto', log: false });
    expect(['node-gpu', 'node', 'wasm', 'cpu']).toContain(info.name);
    expect(tf.getBackend()).toBe(info.tfBackend);
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, 2])).arraySync());
    expect(g).toEqual([2, 4]);
    expect(typeof tf.ones([1]).sum).toBe('function');
  });

  it("registers the gradients tfjs-core lacks with tfjs-core's, so that a backward pass can be differentiated again (grasp)", async () => {
    await initBackend({ backend: 'auto', log: false });
    // Backward kernels of conv, average pooling and tfjs-node's ReLU, and Equal inside Max's gradient.
    for (const kernel of ['Conv2DBackpropFilter', 'AvgPoolGrad', 'FsnasReluGrad', 'Equal']) expect(tf.getGradient(kernel), kernel).toBeDefined();
  });

  it.runIf(engineBuild('node').manifest)("leaves no TensorFlow thread variables behind for child processes to inherit", async () => {
    delete process.env['TF_NUM_INTRAOP_THREADS'];
    await initBackend({ backend: 'node', log: false });
    // A worker pool's children get their own FSNAS_THREADS; this process's count must not leak to them.
    expect(process.env['TF_NUM_INTRAOP_THREADS']).toBeUndefined();
    expect(process.env['TF_NUM_INTEROP_THREADS']).toBeUndefined();
  });

  it('names a backend that is not built', async () => {
    if (engineBuild('node-gpu').manifest) return;
    await expect(initBackend({ backend: 'node-gpu', log: false })).rejects.toThrow(/FSNAS_BACKEND=node-gpu is not available: not built/);
  });
});
