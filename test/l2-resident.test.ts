// L2-resident activations (src/sim/l2-resident.ts): an activation-only elementwise/norm kernel whose bytes fit in the
// part's L2 moves them at the L2's measured rate (hardware on_chip.l2_bandwidth) where that is faster than DRAM; a
// kernel over L2 moves L2's worth at that rate and the rest at DRAM's; GEMMs and parts without a measured L2 rate keep
// the DRAM rate.
import { describe, expect, it } from 'vitest';
import { elementwise, linear } from '../src/model/op.js';
import { opCost } from '../src/sim/roofline.js';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { loadHardware, request, toyHardware } from './helpers/nondecoder-fixtures.js';

const MB = 1e6;
const dram = (b: number) => b / 100e9; // the toy part's DRAM time
// the toy part: 100 GB/s DRAM at efficiency 1, no per-kernel overhead
const toy = (l2?: number, l2Bw?: number) => toyHardware({ onChip: { ...(l2 ? { l2Bytes: l2 } : {}), ...(l2Bw ? { l2BandwidthBytePerS: l2Bw } : {}) } });
const add = (bytes: number, kernels = 1) => ({ ...elementwise('add', bytes / 8, 1, 8, 'fp32'), kernels });

describe('L2-resident activations', () => {
  it('an elementwise op that fits in L2 moves its bytes at the L2 rate', () => {
    const c = opCost(add(9 * MB), toy(24 * MB, 400e9));
    expect(c.memoryS).toBeCloseTo((9 * MB) / 400e9, 15);
    expect(opCost(add(9 * MB, 1), toy()).memoryS).toBeCloseTo((9 * MB) / 100e9, 15);
  });
  it('needs both the L2 size and a measured L2 rate; an op over L2 (per kernel) pays DRAM for its excess; never slower than DRAM', () => {
    expect(opCost(add(9 * MB), toy(24 * MB)).memoryS).toBeCloseTo(dram(9 * MB), 15);
    expect(opCost(add(9 * MB), toy(undefined, 400e9)).memoryS).toBeCloseTo(dram(9 * MB), 15);
    expect(opCost(add(30 * MB), toy(24 * MB, 400e9)).memoryS).toBeCloseTo((24 * MB) / 400e9 + dram(6 * MB), 15);
    // a glue op of 3 kernels, 10 MB each, fits kernel by kernel
    expect(opCost(add(30 * MB, 3), toy(24 * MB, 400e9)).memoryS).toBeCloseTo((30 * MB) / 400e9, 15);
    // an L2 rate below DRAM's never slows an op
    expect(opCost(add(9 * MB), toy(24 * MB, 50e9)).memoryS).toBeCloseTo(dram(9 * MB), 15);
  });
  it('is continuous at the L2 edge and never falls as the bytes grow (property seed 539: a cliff there made throughput fall with the batch)', () => {
    const hw = toy(24 * MB, 400e9);
    const at = (b: number) => opCost(add(b), hw).memoryS;
    expect(at(24 * MB + 8) / at(24 * MB)).toBeCloseTo(1, 5); // the old cliff: 4x (the L2 rate over DRAM's)
    let last = 0;
    for (let b = 20 * MB; b <= 60 * MB; b += 0.5 * MB) {
      expect(at(b)).toBeGreaterThanOrEqual(last);
      last = at(b);
    }
    // far past the edge the op tends to the DRAM rate: 240 MB costs within 10% of DRAM's time for all of it
    expect(at(240 * MB) / dram(240 * MB)).toBeGreaterThan(0.9);
  });
  it('leaves a copy of the K/V cache (Op.cache: written a step earlier) at the DRAM rate, however small', () => {
    const hw = toy(24 * MB, 400e9);
    expect(opCost({ ...add(9 * MB), cache: true }, hw).memoryS).toBeCloseTo(dram(9 * MB), 15);
    expect(opCost({ ...add(90 * MB), cache: true }, hw).memoryS).toBeCloseTo(dram(90 * MB), 15);
  });
  it("a decode step of whole-cache appends gets no dearer per sequence as the batch grows (property seed 545 at scale 10)", () => {
    // gpt3-125m int8 on a DGX Spark, pp 2, under faster-whisper-batched (CTranslate2 concatenates the cache each step,
    // kernels.kv_append copy): priced at the L2 rate for its first L2's worth, the append cost 0.079 ms a sequence at
    // batch 66 and 0.101 at 444, and throughput fell 8%
    const lib = getLibrary();
    const hw = bindRuntime(lib.hardware['dgx-spark']!, libraryRuntime('faster-whisper-batched'));
    const at = (batch: number) => simulate({ ...buildRequest({ model: 'gpt3-125m', tp: 1, pp: 2, batch, 'input-tokens': 1202, 'output-tokens': 269, dtype: 'int8' }, lib.models['gpt3-125m']!, hw, libraryModel), verbose: true });
    const a = at(66), b = at(444);
    expect(b.throughput_tok_s!).toBeGreaterThanOrEqual(a.throughput_tok_s!);
    const appendPerSeq = (r: ReturnType<typeof at>, batch: number) => r.ops!.filter((o) => o.name === 'kv_append' && o.phase === 'decode').reduce((t, o) => t + o.seconds, 0) / batch;
    expect(appendPerSeq(a, 66)).toBeGreaterThan(0);
    expect(appendPerSeq(b, 444)).toBeLessThanOrEqual(appendPerSeq(a, 66) * 1.05);
  });
  it('moves the stored-parameter reads of a cast (Op.storedBytes) at the DRAM rate, the rest of the op as before', () => {
    const hw = toy(24 * MB, 400e9);
    // a cast kernel: 8 MB of fp32 parameters read, 4 MB of fp16 copy written; without storedBytes all 12 MB fit in L2
    expect(opCost(add(12 * MB), hw).memoryS).toBeCloseTo((12 * MB) / 400e9, 15);
    expect(opCost({ ...add(12 * MB), storedBytes: 8 * MB }, hw).memoryS).toBeCloseTo(dram(8 * MB) + (4 * MB) / 400e9, 15);
    // never more than the op's bytes; a part without an L2 rate prices all of it at DRAM either way
    expect(opCost({ ...add(12 * MB), storedBytes: 50 * MB }, hw).memoryS).toBeCloseTo(dram(12 * MB), 15);
    expect(opCost({ ...add(12 * MB), storedBytes: 8 * MB }, toy()).memoryS).toBeCloseTo(dram(12 * MB), 15);
  });
  it("openai-whisper's weight casts on a DGX Spark read their fp32 parameters at the DRAM rate (4 of every 6 bytes)", async () => {
    const hw = bindRuntime(await loadHardware('dgx-spark'), libraryRuntime('openai-whisper'));
    const r = simulate({ ...request('whisper-large-v3', hw, { audioSeconds: 11, batch: 1, outputTokens: 27, dtype: 'fp16' }), verbose: true });
    const glue = r.ops!.filter((o) => o.phase === 'decode' && o.name === 'dec.up.glue');
    expect(glue).toHaveLength(1);
    // fc1 of large-v3: 5120 x 1280 parameters, read at 4 bytes and written at 2 (the bias's cast is a few kB more)
    const params = 5120 * 1280;
    expect(glue[0]!.bytes).toBeGreaterThanOrEqual(params * 6);
    const dramBw = hw.memory.bandwidthBytePerS * hw.efficiency.memory;
    expect(glue[0]!.seconds).toBeGreaterThanOrEqual((params * 4) / dramBw);
  });
  it('leaves ops that carry weights (GEMMs) at the DRAM rate', () => {
    const g = linear('up', 16, 1024, 1024, 'fp16', 2, 2);
    expect(opCost(g, toy(24 * MB, 400e9)).memoryS).toBe(opCost(g, toy()).memoryS);
  });
  it('dgx-spark states its L2 (24 MB, 0.95 TB/s write); the RTX 5090 has no measured L2 rate', async () => {
    const spark = await loadHardware('dgx-spark');
    expect(spark.onChip).toMatchObject({ l2Bytes: 24e6, l2BandwidthBytePerS: 0.95e12 });
    expect((await loadHardware('rtx-5090')).onChip.l2BandwidthBytePerS).toBeUndefined();
  });
  it("whisper.cpp-fa's tiny encoder on a DGX Spark moves more bytes than its DRAM could stream in the time priced", async () => {
    const hw = bindRuntime(await loadHardware('dgx-spark'), libraryRuntime('whisper.cpp-fa'));
    const r = simulate({ ...request('whisper-tiny', hw, { audioSeconds: 30, outputTokens: 0, dtype: 'fp16' }), verbose: true });
    const bytes = r.phases[0]!.bytes;
    // ~0.9 GB of f32 activations through bias adds, norms, GELU and f16 conversions: at 233 GB/s that alone is ~4 ms
    expect(bytes).toBeGreaterThan(0.8e9);
    expect(r.encoder_s!).toBeLessThan(bytes / (hw.memory.bandwidthBytePerS * hw.efficiency.memory));
    // every memory-bound activation op of tiny (2-9 MB tensors) fits: none is priced at the DRAM rate
    const dram = hw.memory.bandwidthBytePerS * hw.efficiency.memory;
    for (const o of r.ops!.filter((x) => (x.kind === 'elementwise' || x.kind === 'norm') && x.bound === 'memory')) {
      expect(o.seconds).toBeLessThan(o.bytes / dram);
    }
  });
});
