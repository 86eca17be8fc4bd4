import { Rng } from '@fsnas/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from './backend';
import { maxRelError } from './testing';

/**
 * The wasm gradient kernels registered by this library (kernels/) against the pure-JS cpu
 * backend, on random inputs, for every geometry NB201 uses. Error = max|wasm − cpu| / max|cpu|.
 */

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
const PAD1: Pad = [
  [0, 0],
  [1, 1],
  [1, 1],
  [0, 0],
];

function randn(shape: number[], rng: Rng): { values: Float32Array; shape: number[] } {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = rng.normal();
  return { values, shape };
}

async function on(backend: 'wasm' | 'cpu', f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await initBackend({ backend, log: false });
  const before = tf.memory().numTensors;
  const out = tf.tidy(f);
  const data = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose(out);
  expect(tf.memory().numTensors).toBe(before);
  return data;
}

const rows: string[] = [];

async function compare(name: string, f: () => tf.Tensor[]): Promise<number[]> {
  const cpu = await on('cpu', f);
  const wasm = await on('wasm', f);
  const errs = cpu.map((c, i) => maxRelError(wasm[i] as Float32Array, c));
  rows.push(`${name.padEnd(44)} ${errs.map((e) => e.toExponential(2)).join('  ')}`);
  return errs;
}

describe('wasm gradient kernels vs cpu', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: false });
  });

  const convCases: { name: string; x: number[]; w: number[]; stride: number; pad: Pad }[] = [
    { name: 'conv 3x3 s1 pad1 (cell, stem, block b)', x: [3, 8, 8, 5], w: [3, 3, 5, 4], stride: 1, pad: PAD1 },
    { name: "conv 3x3 s1 'same'", x: [2, 7, 7, 3], w: [3, 3, 3, 6], stride: 1, pad: 'same' },
    { name: 'conv 1x1 s1 (cell, shortcut)', x: [3, 8, 8, 5], w: [1, 1, 5, 4], stride: 1, pad: 'valid' },
    { name: 'conv 3x3 s2 pad1 (block a), even input', x: [2, 8, 8, 4], w: [3, 3, 4, 6], stride: 2, pad: PAD1 },
    { name: 'conv 3x3 s2 pad1, odd input', x: [2, 7, 7, 4], w: [3, 3, 4, 6], stride: 2, pad: PAD1 },
    { name: "conv 3x3 s2 'same'", x: [2, 8, 8, 4], w: [3, 3, 4, 6], stride: 2, pad: 'same' },
    { name: 'conv 3x3 s1 pad1, 16ch 16x16 batch 4', x: [4, 16, 16, 16], w: [3, 3, 16, 16], stride: 1, pad: PAD1 },
  ];
  for (const c of convCases) {
    it(`${c.name}: forward, dX, dW`, async () => {
      const rng = new Rng(7);
      const x = randn(c.x, rng);
      const w = randn(c.w, rng);
      const errs = await compare(`${c.name} [y, dX, dW]`, () => {
        const xt = tf.tensor4d(x.values, x.shape as [number, number, number, number]);
        const wt = tf.tensor4d(w.values, w.shape as [number, number, number, number]);
        const y = tf.conv2d(xt, wt, c.stride, c.pad);
        const dyv = tf.tensor(randn(y.shape, new Rng(3)).values, y.shape);
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), dyv)))([xt, wt]);
        return [y, dx as tf.Tensor, dw as tf.Tensor];
      });
      for (const e of errs) expect(e).toBeLessThan(1e-5);
    });
  }

  const poolCases: { name: string; x: number[]; k: number; s: number; pad: 'same' | 'valid' }[] = [
    { name: 'avgpool 3x3 s1 pad1 (count_include_pad=False)', x: [3, 8, 8, 5], k: 3, s: 1, pad: 'same' },
    { name: 'avgpool 3x3 s1 pad1, odd input', x: [2, 7, 5, 3], k: 3, s: 1, pad: 'same' },
    { name: 'avgpool 2x2 s2 (shortcut)', x: [3, 8, 8, 5], k: 2, s: 2, pad: 'valid' },
    { name: 'avgpool 2x2 s2, odd input (fallback)', x: [2, 7, 7, 3], k: 2, s: 2, pad: 'valid' },
  ];
  for (const c of poolCases) {
    it(`${c.name}: forward, dX (and dX against a direct loop)`, async () => {
      const x = randn(c.x, new Rng(11));
      let dyData = new Float32Array();
      const run = (): tf.Tensor[] => {
        const xt = tf.tensor4d(x.values, x.shape as [number, number, number, number]);
        const y = tf.avgPool(xt, c.k, c.s, c.pad);
        const dyv = tf.tensor(randn(y.shape, new Rng(5)).values, y.shape);
        dyData = dyv.dataSync() as Float32Array;
        const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(a as tf.Tensor4D, c.k, c.s, c.pad), dyv)))(xt);
        return [y, dx];
      };
      const errs = await compare(`${c.name} [y, dX]`, run);
      for (const e of errs) expect(e).toBeLessThan(1e-5);
      // tfjs's own AvgPoolGrad divides by k·k even where the forward divided by fewer valid inputs.
      const reference = avgPoolGradReference(dyData, c.x as [number, number, number, number], c.k, c.s, c.pad);
      for (const backend of ['cpu', 'wasm'] as const) {
        const [, dx] = await on(backend, run);
        const e = maxRelError(dx as Float32Array, reference);
        rows.push(`${`${c.name} dX vs direct loop (${backend})`.padEnd(44)} ${e.toExponential(2)}`);
        expect(e).toBeLessThan(1e-5);
      }
    });
  }

  it('TF "same" average pooling equals PyTorch count_include_pad=False', async () => {
    await initBackend({ backend: 'wasm', log: false });
    const H = 5;
    const v = Float32Array.from({ length: H * H }, (_, i) => i * 0.5 - 3);
    const got = tf.tidy(() => tf.avgPool(tf.tensor4d(v, [1, H, H, 1]), 3, 1, 'same').dataSync() as Float32Array);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < H; x++) {
        let s = 0;
        let n = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if (yy < 0 || xx < 0 || yy >= H || xx >= H) continue;
            s += v[yy * H + xx] as number;
            n++;
          }
        }
        expect(got[y * H + x]).toBeCloseTo(s / n, 5);
      }
    }
  });

  it('prints the error table', () => {
    process.stderr.write(`\nkernel (wasm vs cpu)                          max rel. error per output\n${rows.join('\n')}\n`);
    expect(rows.length).toBeGreaterThan(0);
  });
});

/** dX of TF-style average pooling (divide by the valid count), straight from the definition. */
function avgPoolGradReference(dy: Float32Array, [B, H, W, C]: [number, number, number, number], k: number, s: number, pad: 'same' | 'valid'): Float32Array {
  const Ho = pad === 'same' ? Math.ceil(H / s) : Math.floor((H - k) / s) + 1;
  const Wo = pad === 'same' ? Math.ceil(W / s) : Math.floor((W - k) / s) + 1;
  const padTop = pad === 'same' ? Math.floor(Math.max(0, (Ho - 1) * s + k - H) / 2) : 0;
  const padLeft = pad === 'same' ? Math.floor(Math.max(0, (Wo - 1) * s + k - W) / 2) : 0;
  const dx = new Float32Array(B * H * W * C);
  for (let b = 0; b < B; b++)
    for (let oy = 0; oy < Ho; oy++)
      for (let ox = 0; ox < Wo; ox++) {
        const cells: number[] = [];
        for (let i = 0; i < k; i++)
          for (let j = 0; j < k; j++) {
            const y = oy * s - padTop + i;
            const x = ox * s - padLeft + j;
            if (y >= 0 && x >= 0 && y < H && x < W) cells.push((b * H + y) * W + x);
          }
        for (let c = 0; c < C; c++) {
          const g = (dy[((b * Ho + oy) * Wo + ox) * C + c] as number) / cells.length;
          for (const p of cells) dx[p * C + c] = (dx[p * C + c] as number) + g;
        }
      }
  return dx;
}
