// Common accelerators of public measurements (Tesla T4 and later additions): each spec's key facts, and the
// precision fallbacks its tensor cores imply, pinned.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { matrixPeak } from '../src/sim/roofline.js';
import { HARDWARE_IDS_3 } from './helpers/ids.js';

const lib = getLibrary();
const run = (flags: Record<string, string | number | boolean>) =>
  simulate(buildRequest(flags, libraryModel(String(flags.model)), lib.hardware[String(flags.hardware)]!, libraryModel));

describe('Tesla T4 (Turing TU104)', () => {
  const t4 = lib.hardware['tesla-t4']!;
  it('carries the datasheet peaks, memory and power', () => {
    expect(t4.architecture).toBe('turing');
    expect(t4.matrixFlopPerS.fp16).toBe(65e12);
    expect(t4.matrixFlopPerS.int8).toBe(130e12);
    expect(t4.vectorFlopPerS.fp32).toBe(8.1e12);
    expect(t4.memory.bandwidthBytePerS).toBe(320e9);
    expect(t4.power?.tdpW).toBe(70);
    expect(t4.memory.capacityBytes).toBe(15360 * 2 ** 20);
  });
  it('has no bf16, tf32 or fp8 tensor cores: bf16 runs at fp16 as on the V100S, fp8 weight-only', () => {
    for (const d of ['bf16', 'tf32', 'fp8'] as const) expect(t4.matrixFlopPerS[d], d).toBeUndefined();
    expect(matrixPeak(t4, 'bf16')).toEqual({ flopPerS: 65e12, dtype: 'fp16' });
    const v100s = lib.hardware['v100s-pcie']!;
    expect(matrixPeak(v100s, 'bf16').dtype).toBe('fp16');
    const flags = { model: 'llama-3.2-3b', hardware: 'tesla-t4', batch: 1, 'input-tokens': 512, 'output-tokens': 32 };
    const bf = run({ ...flags, dtype: 'bf16' });
    expect(bf.warnings.join(' ')).toMatch(/tesla-t4 has no native bf16 GEMMs: they run at fp16/);
    const f16 = run({ ...flags, dtype: 'fp16' });
    expect(bf.ttft_s).toBeCloseTo(f16.ttft_s!, 12);
    const f8 = run({ ...flags, dtype: 'fp8' });
    expect(f8.warnings.join(' ')).toMatch(/no native fp8 tensor cores: fp8 GEMMs run weight-only/);
    const pre = f8.phases.find((p) => p.name === 'prefill')!;
    expect(pre.flops / pre.seconds).toBeLessThan(65e12);
  });
  it('a 16 GB part: Llama 3.1 8B in 16-bit does not fit, q4_0 does', () => {
    const flags = { model: 'llama-3.1-8b', hardware: 'tesla-t4', batch: 1, 'input-tokens': 512, 'output-tokens': 32 };
    expect(run({ ...flags, dtype: 'fp16' }).memory.fits).toBe(false);
    const q4 = run({ ...flags, dtype: 'q4_0', runtime: 'llama.cpp' });
    expect(q4.memory.fits).toBe(true);
    // batch-1 decode streams ~4.5 GB of q4_0 weights at ≤ 320 GB/s: no faster than ~70 tokens/s
    expect(1 / q4.tpot_s!).toBeLessThan(75);
  });
});

describe('every added part simulates with finite answers', () => {
  it.each(HARDWARE_IDS_3)('%s', (id) => {
    const r = run({ model: 'llama-3.2-1b', hardware: id, dtype: 'fp16', batch: 1, 'input-tokens': 256, 'output-tokens': 32 });
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
    expect(r.latency_s).toBeGreaterThan(0);
    expect(lib.hardware[id]!.sources.length).toBeGreaterThan(1);
    expect(lib.hardware[id]!.power?.tdpW, id).toBeGreaterThan(0);
  });
});

describe('Ampere and Ada workstation/datacenter parts accumulate in FP32 at the full rate; GeForce at half', () => {
  it('RTX A6000 and A10: 1,024 FP16 FLOP per SM per clock (A40 datasheet rate); RTX 3090: about half', () => {
    for (const id of ['rtx-a6000', 'a10']) {
      const h = lib.hardware[id]!;
      expect(h.matrixFlopPerS.fp16! / (h.units! * h.clockHz!), id).toBeCloseTo(1024, -1);
      expect(h.matrixFlopPerS.fp8, id).toBeUndefined(); // Ampere: no fp8
    }
    const g = lib.hardware['rtx-3090']!;
    expect(g.matrixFlopPerS.fp16! / (g.units! * g.clockHz!)).toBeCloseTo(511, -1);
  });
  it('RTX 4080 keeps GeForce Ada half-rate FP32 accumulate with a 2× FP16-accumulate rate; RTX 6000 Ada does not', () => {
    const g = lib.hardware['rtx-4080']!;
    expect(g.fp16AccumulateFlopPerS! / g.matrixFlopPerS.fp16!).toBeCloseTo(2, 2);
    expect(g.memory.bandwidthBytePerS).toBeCloseTo(716.8e9, -6);
    const w = lib.hardware['rtx-6000-ada']!;
    expect(w.fp16AccumulateFlopPerS).toBeUndefined();
    expect(w.matrixFlopPerS.fp16! / (w.units! * w.clockHz!)).toBeCloseTo(1012, -1); // the L40S's per-SM rate
  });
  it('A100 PCIe 80GB: SXM peaks, 1,935 GB/s, a two-card NVLink bridge (ring), 300 W', () => {
    const p = lib.hardware['a100-pcie-80gb']!, s = lib.hardware['a100-sxm4-80gb']!;
    expect(p.matrixFlopPerS.bf16).toBe(s.matrixFlopPerS.bf16);
    expect(p.memory.bandwidthBytePerS).toBe(1935e9);
    expect(p.scaleUp?.domain).toBe(2);
    expect(p.efficiency.collectiveAlgorithm).toBe('ring');
    expect(p.power?.tdpW).toBe(300);
  });
  it('Apple M2 / M2 Max / M3: the GPU core rate times cores, 100 / 400 GB/s class memory', () => {
    const m2 = lib.hardware['apple-m2']!, max = lib.hardware['apple-m2-max']!, m3 = lib.hardware['apple-m3']!;
    expect(max.vectorFlopPerS.fp32! / m2.vectorFlopPerS.fp32!).toBeCloseTo(3.8, 1);
    expect(max.memory.bandwidthBytePerS / m2.memory.bandwidthBytePerS).toBeCloseTo(4, 5);
    expect((m3.vectorFlopPerS.fp32! * 4) / lib.hardware['apple-m3-max']!.vectorFlopPerS.fp32!).toBeCloseTo(1, 2);
  });
});

describe('MI210, A10G, A100 PCIe 40GB, RTX 3080 / 3060', () => {
  it('MI210 is one CDNA 2 GCD: 181 TFLOP/s fp16, no tf32 or fp8, 1.6 TB/s, 300 W', () => {
    const h = lib.hardware['mi210']!;
    expect(h.matrixFlopPerS.fp16).toBe(181e12);
    expect(h.matrixFlopPerS.tf32).toBeUndefined();
    expect(h.matrixFlopPerS.fp8).toBeUndefined();
    expect(h.memory.bandwidthBytePerS).toBeCloseTo(1638.4e9, -6);
    expect(h.power?.tdpW).toBe(300);
  });
  it('A10G shares the A10 memory system; A100 PCIe 40GB the 80 GB card\'s peaks at 1,555 GB/s and 250 W', () => {
    expect(lib.hardware['a10g']!.memory.bandwidthBytePerS).toBe(lib.hardware['a10']!.memory.bandwidthBytePerS);
    const p40 = lib.hardware['a100-pcie-40gb']!;
    expect(p40.matrixFlopPerS.bf16).toBe(312e12);
    expect(p40.memory.bandwidthBytePerS).toBe(1555e9);
    expect(p40.power?.tdpW).toBe(250);
  });
  it('GeForce Ampere 3080 / 3060 keep the 3090 per-SM rates (511 FP16 FLOP per SM per clock, FP32 accumulate)', () => {
    for (const id of ['rtx-3080', 'rtx-3060']) {
      const h = lib.hardware[id]!;
      expect(h.matrixFlopPerS.fp16! / (h.units! * h.clockHz!), id).toBeCloseTo(511, -1);
      expect(h.fp16AccumulateFlopPerS! / h.matrixFlopPerS.fp16!, id).toBeCloseTo(2, 1);
    }
  });
});
