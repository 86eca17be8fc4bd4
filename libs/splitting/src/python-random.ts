/**
 * CPython's `random` module, bit for bit: the MT19937 generator, `random.seed(int)`, `getrandbits`,
 * `_randbelow`, `choice`, `shuffle` and `random()`.
 *
 * Why not the project's `Rng`: the paper's random splits and its branching trees were drawn with
 * Python's global `random`, and reproducing them exactly (docs/reference.md §3.1, §3.5, §10.7)
 * needs the same stream and the same way of turning it into integers. Tests compare against values
 * produced by real CPython (fixtures/python-reference.json, made by scripts/gen-fixtures.py).
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

export class PythonRandom {
  private readonly mt = new Uint32Array(N);
  private mti = N + 1;

  constructor(seed: number | bigint = 0) {
    this.seed(seed);
  }

  /**
   * `random.seed(n)` for an integer n: CPython feeds the 32-bit little-endian chunks of |n| (at least
   * one chunk, so 0 gives [0]) to `init_by_array`.
   */
  seed(seed: number | bigint): void {
    let n: bigint;
    if (typeof seed === 'bigint') n = seed;
    else {
      if (!Number.isSafeInteger(seed)) throw new RangeError(`PythonRandom.seed: seed must be a safe integer or a bigint, got ${seed}`);
      n = BigInt(seed);
    }
    if (n < 0n) n = -n;
    const key: number[] = [];
    do {
      key.push(Number(n & 0xffffffffn));
      n >>= 32n;
    } while (n > 0n);
    this.initByArray(key);
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] as number;
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.mti = N;
  }

  private initByArray(key: readonly number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] as number;
      // Uint32Array stores modulo 2^32, which is the C unsigned arithmetic of the original.
      mt[i] = (mt[i] as number ^ Math.imul(prev ^ (prev >>> 30), 1664525)) + (key[j] as number) + j;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1] as number;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] as number;
      mt[i] = (mt[i] as number ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1] as number;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.mti = N;
  }

  /** One raw 32-bit output (`genrand_uint32`). */
  nextUint32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = ((mt[kk] as number) & UPPER_MASK) | ((mt[kk + 1] as number) & LOWER_MASK);
        mt[kk] = (mt[kk + M] as number) ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = ((mt[kk] as number) & UPPER_MASK) | ((mt[kk + 1] as number) & LOWER_MASK);
        mt[kk] = (mt[kk + (M - N)] as number) ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      const y = ((mt[N - 1] as number) & UPPER_MASK) | ((mt[0] as number) & LOWER_MASK);
      mt[N - 1] = (mt[M - 1] as number) ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      this.mti = 0;
    }
    let y = mt[this.mti++] as number;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * `random.getrandbits(k)` for 0 ≤ k ≤ 53 (exact as a JS number). CPython fills 32-bit words from
   * the least significant one up and keeps the top bits of the last word.
   */
  getrandbits(k: number): number {
    if (!Number.isInteger(k) || k < 0 || k > 53) throw new RangeError(`getrandbits: k must be an integer in 0..53, got ${k}`);
    if (k === 0) return 0;
    if (k <= 32) return this.nextUint32() >>> (32 - k);
    const low = this.nextUint32();
    const high = this.nextUint32() >>> (64 - k);
    return high * 4294967296 + low;
  }

  /** `random._randbelow(n)`: rejection sampling with getrandbits(n.bit_length()). */
  randbelow(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`randbelow: n must be a positive safe integer, got ${n}`);
    const k = bitLength(n);
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** `random.randrange(n)`, which is `_randbelow(n)` for a positive n. */
  randrange(n: number): number {
    return this.randbelow(n);
  }

  /** `random.choice(seq)`. */
  choice<T>(seq: readonly T[]): T {
    if (seq.length === 0) throw new RangeError('choice: cannot choose from an empty sequence');
    return seq[this.randbelow(seq.length)] as T;
  }

  /** `random.choice(range(n))` without building the range. */
  choiceRange(n: number): number {
    if (n <= 0) throw new RangeError('choice: cannot choose from an empty range');
    return this.randbelow(n);
  }

  /** `random.shuffle(x)` (Python ≥ 3.11: for i = n-1..1, j = _randbelow(i+1)); in place, returns x. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      const t = items[i] as T;
      items[i] = items[j] as T;
      items[j] = t;
    }
    return items;
  }

  /** `random.random()`: 53 bits from two outputs, (a>>5)·2^26 + (b>>6), over 2^53. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
}

/** Python's int.bit_length() for a non-negative safe integer. */
export function bitLength(n: number): number {
  let bits = 0;
  let v = n;
  while (v >= 4294967296) {
    v = Math.floor(v / 4294967296);
    bits += 32;
  }
  return bits + (v === 0 ? 0 : 32 - Math.clz32(v));
}
