// Parsing and assembly of each backend's output, cache-level detection, the hand-assembled WebAssembly,
// and the profile writer (its YAML must load as a valid hardware spec).
import { describe, expect, it } from 'vitest';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectLevels, levelsFromSweep } from '../src/bench/caches.js';
import { parseTorch, type TorchBenchOutput } from '../src/bench/torch.js';
import { instantiatePeak, flopsPerIter, CHAINS } from '../src/bench/wasm.js';
import { isotonic, profileYaml } from '../src/bench/profile.js';
import { loadSpecFile } from '../src/spec/load.js';
import type { BenchResult } from '../src/bench/types.js';

import { GEOMETRY, SWEEP, sampleCc } from './fixtures/bench-sample.js';

describe('cc backend assembly', () => {
  it('maps kernel JSON onto the contract keys', () => {
    const r = sampleCc();
    expect(r.backend).toBe('cc');
    expect(r.memory_bandwidth_bytes_per_s).toBe(2.7e10);
    expect(r.peak_flops_per_s).toEqual({ fp64: 1.16e11, fp32: 2.33e11 });
    expect(r.gemm).toHaveLength(4);
    expect(r.gemm[2]).toEqual({ m: 1024, n: 1024, k: 1024, dtype: 'fp32', flops_per_s: 1.78e11 });
    expect(r.roofline[0]).toEqual({ intensity: 0.25, flops_per_s: 1.3e10 });
    expect(r.caches.map((c) => [c.level, c.bytes, c.bandwidth_bytes_per_s / 1e9])).toEqual([
      [1, 32768, 443],
      [2, 1048576, 236],
      [3, 33554432, 197],
    ]);
  });
});

describe('cache levels', () => {
  it('finds the plateaus without geometry (drop ≥ 25%, confirmed by the next point)', () => {
    const levels = detectLevels(SWEEP);
    expect(levels.map((l) => [l.level, l.bytes / 1024, l.bandwidth_bytes_per_s / 1e9])).toEqual([
      [1, 64, 443],
      [2, 16384, 236],
    ]);
  });
  it('one noisy low point is not a level', () => {
    const noisy = SWEEP.map((p, i) => (i === 1 ? { ...p, bandwidth_bytes_per_s: 1e9 } : p));
    expect(detectLevels(noisy).map((l) => l.level)).toEqual([1, 2]);
  });
  it('uses the geometry when given', () => {
    expect(levelsFromSweep(SWEEP, 2, GEOMETRY)).toHaveLength(3);
  });
});

describe('torch backend parsing (hand-made fixture)', () => {
  const raw = JSON.parse(readFileSync(new URL('./fixtures/torch-bench.handmade.json', import.meta.url), 'utf8')) as TorchBenchOutput;
  it('reads GEMM by dtype, bandwidth, attention and all-reduce', () => {
    const r = parseTorch(raw, true, 12);
    expect(r.backend).toBe('torch');
    expect(r.device).toBe('NVIDIA H100 80GB HBM3');
    expect(r.memory_bandwidth_bytes_per_s).toBe(2.95e12);
    expect(r.peak_flops_per_s).toEqual({ bf16: 7.48e14, fp32: 5.0e13, fp8: 1.29e15 });
    expect(r.gemm.map((g) => g.dtype)).toEqual(['bf16', 'bf16', 'bf16', 'fp32', 'fp8']);
    expect(r.attention?.[0]?.seq).toBe(2048);
    expect(r.allreduce?.[1]?.bus_bandwidth_bytes_per_s).toBe(3.53e11);
  });
  it('rejects another schema', () => {
    expect(() => parseTorch({ ...raw, schema: 'x' }, true, 1)).toThrow(/schema/);
  });
});

describe('hand-assembled WebAssembly SIMD', () => {
  it('validates and computes the chains', () => {
    const k = instantiatePeak();
    expect(k).toBeDefined();
    // each chain j starts at j and runs x = x·0.999999 + 1e-7; after 0 iterations the sum is Σ j
    expect(k!.peak_f64(0)).toBe((CHAINS * (CHAINS + 1)) / 2);
    let x = 1;
    for (let i = 0; i < 1000; i++) x = x * 0.999999 + 1e-7;
    const expected = Array.from({ length: CHAINS }, (_, j) => {
      let y = j + 1;
      for (let i = 0; i < 1000; i++) y = y * 0.999999 + 1e-7;
      return y;
    }).reduce((s, v) => s + v, 0);
    expect(k!.peak_f64(1000)).toBeCloseTo(expected, 9);
    expect(flopsPerIter.f32).toBe(CHAINS * 8);
  });
});

describe('profile writer', () => {
  it('isotonic regression pools violators', () => {
    expect(isotonic([0.1, 0.5, 0.3, 0.9])).toEqual([0.1, 0.4, 0.4, 0.9]);
  });
  it('writes a hardware spec that loads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hwperf-profile-'));
    const file = join(dir, 'host.yaml');
    writeFileSync(file, profileYaml(sampleCc(), 'host-test'));
    const r = await loadSpecFile(file);
    expect(r.errors).toEqual([]);
    expect(r.value?.kind).toBe('hardware');
    const hw = r.value!.spec as import('../src/spec/types.js').NormalizedHardware;
    expect(hw.memory.bandwidthBytePerS).toBeCloseTo(2.7e10, -7);
    expect(hw.vectorFlopPerS.fp32).toBeCloseTo(2.33e11, -8);
    expect(hw.efficiency.gemmByDtype?.fp32?.values).toEqual([0.06, 0.429, 0.764]);
  });
});
