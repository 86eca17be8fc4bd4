import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface PeakInfo {
  cores: number;
  ghz: number;
  /** Widest FMA the CPU flags advertise. */
  isa: 'avx512-fma' | 'avx2-fma' | 'sse';
  /** FP32 FLOPs per cycle per core: FMA units × lanes × 2 (multiply + add). */
  flopsPerCycle: number;
  /** cores × GHz × FLOPs/cycle. */
  gflops: number;
  /** What a 128-bit wasm SIMD build can reach on one core: 2 FMA units × 4 lanes × 2 × GHz. */
  wasmSimdSingleCoreGflops: number;
  formula: string;
}

/**
 * Theoretical FP32 peak of this machine from /proc/cpuinfo. Assumes two FMA ports per core (true
 * for Xeon Skylake-SP and later server cores, and for AVX2 Intel/AMD cores since Haswell/Zen 2):
 * AVX-512: 2 × 16 lanes × 2 = 64 FLOPs/cycle; AVX2: 2 × 8 × 2 = 32. The clock is the nominal
 * "cpu MHz" (a VM reports the TSC rate; turbo is ignored).
 */
export function machinePeak(): PeakInfo {
  let flags = '';
  let mhz = 0;
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    flags = /^flags\s*:\s*(.*)$/m.exec(info)?.[1] ?? '';
    mhz = Number(/^cpu MHz\s*:\s*([\d.]+)$/m.exec(info)?.[1] ?? 0);
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  const cpus = os.cpus();
  if (!mhz) mhz = cpus[0]?.speed ?? 0;
  const has = (f: string): boolean => new RegExp(`(^| )${f}( |$)`).test(flags);
  const isa: PeakInfo['isa'] = has('avx512f') && has('fma') ? 'avx512-fma' : has('avx2') && has('fma') ? 'avx2-fma' : 'sse';
  const flopsPerCycle = isa === 'avx512-fma' ? 64 : isa === 'avx2-fma' ? 32 : 8;
  const cores = cpus.length;
  const ghz = mhz / 1000;
  return {
    cores,
    ghz,
    isa,
    flopsPerCycle,
    gflops: cores * ghz * flopsPerCycle,
    wasmSimdSingleCoreGflops: ghz * 16,
    formula: `${cores} cores × ${ghz.toFixed(2)} GHz × ${flopsPerCycle} FLOP/cycle (${isa}: 2 FMA units × ${flopsPerCycle / 4} fp32 lanes × 2)`,
  };
}
