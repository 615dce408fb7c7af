// TensorRT-LLM's own attention kernels as measured op by op (ai-dynamo/aiconfigurator TensorRT-LLM 1.3.0rc20 silicon
// tables, runtimes/tensorrt-llm.yaml by_hardware): context attention by prompt length, decode attention as a fixed time
// per call + a time per sequence × KV head + a KV read rate, by cache width. Source: src/sim/roofline.ts (decodeKernel,
// prefillKernelEfficiency), src/model/decoder-graph.ts (queriesPerKv, kvHeadSeqs).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { matrixPeak, memoryEfficiency, opCost } from '../src/sim/roofline.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { loadSpecFile } from '../src/spec/load.js';
import { formatIssue } from '../src/spec/errors.js';
import { useScratchDir } from './helpers/scratch.js';
import type { DecoderModel } from '../src/spec/types.js';
import type { GraphOp } from '../src/model/decoder-graph.js';

const lib = getLibrary();
const trt = libraryRuntime('tensorrt-llm')!;
const h200 = bindRuntime(lib.hardware['h200-sxm']!, trt);
// a runtime with no measured attention tables of its own (the part's defaults)
const defaultsH200 = bindRuntime(lib.hardware['h200-sxm']!, libraryRuntime('ideal')!);

// Llama-3.3-70B at TP 2 on the device: 32 query heads, 4 KV heads, head dim 128
const llama = lib.models['llama-3.3-70b'] as DecoderModel;
const L = buildLayout(llama, 2, 1, undefined, undefined);
const pass = (dtype: string, s: { prefillSeqs: number; prefillLen: number; decodeSeqs: number }) => buildDecoderPass(llama, L, resolvePrecision(dtype), s);
const decodeAt = (o: GraphOp, ctx: number): GraphOp => ({ ...o, bytes: o.bytes + o.bytesPerCtx * ctx, flops: o.flops + o.flopsPerCtx * ctx });

describe('TensorRT-LLM measured attention kernels (aiconfigurator 1.3.0rc20)', () => {
  it('the graph names the work items of per-head attention: query heads per KV head, sequences × KV heads for decode', () => {
    const ops = pass('fp8', { prefillSeqs: 2, prefillLen: 4096, decodeSeqs: 64 });
    const pre = ops.find((o) => o.name === 'attention_prefill')!;
    const dec = ops.find((o) => o.name === 'attention_decode')!;
    expect(pre.queriesPerKv).toBe(8);
    expect(dec.kvHeadSeqs).toBe(64 * 4);
    // MLA attends over one shared latent: neither is set, so the measured GQA kernels do not apply
    const ds = lib.models['deepseek-v3'] as DecoderModel;
    const dsOps = buildDecoderPass(ds, buildLayout(ds, 8, 1, undefined, undefined), resolvePrecision('fp8'), { prefillSeqs: 1, prefillLen: 1024, decodeSeqs: 8 });
    expect(dsOps.find((o) => o.name === 'attention_decode')!.kvHeadSeqs).toBeUndefined();
    expect(dsOps.find((o) => o.name === 'attention_prefill')!.queriesPerKv).toBeUndefined();
  });

  it('decode attention: fixed + per sequence × KV head + KV bytes at the measured fraction of peak (H200, fp8 cache)', () => {
    const dec = decodeAt(pass('fp8', { prefillSeqs: 0, prefillLen: 0, decodeSeqs: 64 }).find((o) => o.name === 'attention_decode')!, 8192);
    const k = h200.runtime!.kernels.decodeAttention!.kv8!;
    expect(k).toEqual({ fixedS: 9.0e-6, perSequenceHeadS: 7.1e-9, bandwidth: 0.832 });
    const c = opCost(dec, h200);
    const want = k.fixedS + k.perSequenceHeadS * 64 * 4 + dec.bytes / (h200.memory.bandwidthBytePerS * k.bandwidth);
    expect(c.seconds).toBeCloseTo(want, 12);
    // aiconfigurator's H200 point nearest this call (64 × 8192 tokens, 8 KV heads, fp8: 537 MB in 0.255 ms) reads at
    // 0.88 of peak; this call (4 KV heads, 268 MB) is priced within the fit's p90 of the (32,4) point (0.135 ms)
    expect(c.seconds).toBeGreaterThan(0.135e-3 * 0.75);
    expect(c.seconds).toBeLessThan(0.135e-3 * 1.25);
  });

  it('an 8-bit cache streams at the measured rate, not 0.75 of STREAM: a long-context fp8 decode call is faster than the part default', () => {
    const dec = decodeAt(pass('fp8', { prefillSeqs: 0, prefillLen: 0, decodeSeqs: 128 }).find((o) => o.name === 'attention_decode')!, 8192);
    expect(memoryEfficiency(dec, h200)).toBe(0.832);
    expect(memoryEfficiency(dec, defaultsH200)).toBeCloseTo(h200.efficiency.memory * h200.efficiency.attentionKv8, 12);
    expect(opCost(dec, h200).seconds).toBeLessThan(0.85 * opCost(dec, defaultsH200).seconds);
    // a batch of short sequences pays the per-sequence term: 2048 sequences of 128 tokens cost more than 64 of 4096
    const many = decodeAt(pass('fp8', { prefillSeqs: 0, prefillLen: 0, decodeSeqs: 2048 }).find((o) => o.name === 'attention_decode')!, 128);
    const few = decodeAt(pass('fp8', { prefillSeqs: 0, prefillLen: 0, decodeSeqs: 64 }).find((o) => o.name === 'attention_decode')!, 4096);
    // (the same KV bytes; the query/output rows of 32x the sequences add ~13%)
    expect(many.bytes / few.bytes).toBeGreaterThan(1);
    expect(many.bytes / few.bytes).toBeLessThan(1.15);
    expect(opCost(many, h200).seconds).toBeGreaterThan(1.25 * opCost(few, h200).seconds);
  });

  it('a 16-bit cache takes its own entry (Hopper: 26 ns per sequence × KV head)', () => {
    const dec = decodeAt(pass('bf16', { prefillSeqs: 0, prefillLen: 0, decodeSeqs: 256 }).find((o) => o.name === 'attention_decode')!, 1024);
    expect(dec.kvElemBytes).toBe(2);
    const k = h200.runtime!.kernels.decodeAttention!.kv16!;
    const body = dec.bytes / (h200.memory.bandwidthBytePerS * k.bandwidth);
    expect(opCost(dec, h200).seconds).toBeCloseTo(k.fixedS + k.perSequenceHeadS * 256 * 4 + body, 12);
  });

  it('prefill attention runs at the measured fraction of the attention dtype peak at the prompt length, with no sustained share', () => {
    const at = (len: number) => pass('fp8', { prefillSeqs: 1, prefillLen: len, decodeSeqs: 0 }).find((o) => o.name === 'attention_prefill')!;
    const peak = matrixPeak(h200, 'fp8').flopPerS;
    for (const [len, eff] of [[2048, 0.225], [8192, 0.34], [16384, 0.367], [65536, 0.367]] as const) {
      const a = at(len);
      expect(a.dtype).toBe('fp8');
      expect(opCost(a, h200).computeS).toBeCloseTo(a.flops / (peak * eff), 9);
    }
    // the measured kernel is 1.6x+ slower than the part's single fused-attention fraction at 8K
    expect(opCost(at(8192), h200).seconds).toBeGreaterThan(1.6 * opCost(at(8192), defaultsH200).seconds);
    // interpolated in log(length) between the table points
    const mid = at(Math.round(Math.sqrt(2048 * 3072)));
    expect(opCost(mid, h200).computeS).toBeCloseTo(mid.flops / (peak * (0.225 + 0.266) / 2), 3);
  });

  it('parts without a measured table keep the defaults; every Hopper / Blackwell part with rc20 tables has all four', () => {
    const pcie = bindRuntime(lib.hardware['h100-pcie']!, trt);
    expect(pcie.runtime!.kernels.decodeAttention).toBeUndefined();
    expect(pcie.runtime!.kernels.prefillAttention).toBeUndefined();
    for (const id of ['h100-sxm', 'h200-sxm', 'b200', 'gb200', 'gb300', 'b300-sxm']) {
      const hw = bindRuntime(lib.hardware[id]!, trt);
      expect(Object.keys(hw.runtime!.kernels.decodeAttention ?? {})).toEqual(['kv8', 'kv16']);
      expect(Object.keys(hw.runtime!.kernels.prefillAttention ?? {})).toEqual(['fp8', 'bf16']);
    }
  });

  it('L40S (aiconfigurator l40s rc20): context attention by length for both dtypes, decode for the 16-bit cache only', () => {
    const l40s = bindRuntime(lib.hardware['l40s']!, trt);
    const k = l40s.runtime!.kernels;
    expect(Object.keys(k.prefillAttention ?? {})).toEqual(['fp8', 'bf16']);
    // the fp8-cache generation points do not fit one line: kv8 keeps the part default
    expect(Object.keys(k.decodeAttention ?? {})).toEqual(['kv16']);
    const kv16 = k.decodeAttention!.kv16!;
    expect(kv16.fixedS).toBeCloseTo(9.7e-6, 15);
    expect(kv16.perSequenceHeadS).toBeCloseTo(14.3e-9, 18);
    expect(kv16.bandwidth).toBe(0.789);
    // a 1K-token prompt's attention at 0.24 of the 362 TFLOP/s bf16 peak: slower than the part default (its one fused-attention fraction)
    const m8b = lib.models['llama-3.1-8b'] as DecoderModel;
    const ops = buildDecoderPass(m8b, buildLayout(m8b, 1, 1, undefined, undefined), resolvePrecision('fp16'), { prefillSeqs: 4, prefillLen: 1024, decodeSeqs: 0 });
    const a = ops.find((o) => o.name === 'attention_prefill')!;
    const defaultsL40s = bindRuntime(lib.hardware['l40s']!, libraryRuntime('ideal')!);
    expect(opCost(a, l40s).computeS).toBeCloseTo(a.flops / (matrixPeak(l40s, 'bf16').flopPerS * 0.24), 9);
    expect(opCost(a, l40s).seconds).toBeGreaterThan(1.5 * opCost(a, defaultsL40s).seconds);
    // a long 16-bit decode call streams at 0.789 of 864 GB/s
    const dec = decodeAt(buildDecoderPass(m8b, buildLayout(m8b, 1, 1, undefined, undefined), resolvePrecision('fp16'), { prefillSeqs: 0, prefillLen: 0, decodeSeqs: 32 }).find((o) => o.name === 'attention_decode')!, 2048);
    expect(memoryEfficiency(dec, l40s)).toBe(0.789);
    expect(opCost(dec, l40s).seconds).toBeCloseTo(kv16.fixedS + kv16.perSequenceHeadS * 32 * 8 + dec.bytes / (l40s.memory.bandwidthBytePerS * 0.789), 12);
  });

  it('A100 (aiconfigurator a100_sxm TensorRT-LLM 1.0.0): the context table only (its generation table reads a K-only cache)', () => {
    for (const id of ['a100-sxm4-80gb', 'a100-sxm4-40gb']) {
      const k = bindRuntime(lib.hardware[id]!, trt).runtime!.kernels;
      expect(k.decodeAttention, id).toBeUndefined();
      expect(Object.keys(k.prefillAttention ?? {}), id).toEqual(['bf16']);
      expect(k.prefillAttention!.bf16!.values.at(-1), id).toBe(0.475);
    }
  });

  it('same-die Hopper parts without a table of their own take their sibling’s (a by_hardware entry does not follow extends)', () => {
    const kernels = (id: string) => bindRuntime(lib.hardware[id]!, trt).runtime!.kernels;
    for (const [part, sibling] of [['h100-sxm-hbm2e-500w', 'h100-sxm'], ['h800-sxm', 'h100-sxm'], ['h200-nvl', 'h200-sxm'], ['gh200', 'h200-sxm']]) {
      expect(kernels(part).decodeAttention, part).toEqual(kernels(sibling).decodeAttention);
      expect(kernels(part).prefillAttention, part).toEqual(kernels(sibling).prefillAttention);
    }
    // no table: the PCIe H100 (fewer SMs, lower clocks)
    expect(kernels('h100-pcie').prefillAttention).toBeUndefined();
  });

  it('the GB300 has its own table (aiconfigurator gb300 rc20), not the GB200’s: Blackwell Ultra attends faster at length', () => {
    const kernels = (id: string) => bindRuntime(lib.hardware[id]!, trt).runtime!.kernels;
    const at16k = (id: string) => kernels(id).prefillAttention!.fp8!.values.at(-1)!;
    expect(at16k('gb300')).toBe(0.429);
    expect(at16k('gb300') / at16k('gb200')).toBeGreaterThan(1.25);
    expect(kernels('gb300').decodeAttention!.kv8).toEqual({ fixedS: 9.6e-6, perSequenceHeadS: 6.6e-9, bandwidth: 0.939 });
  });

  it('the HGX B300 has its own table (aiconfigurator b300_sxm rc20, B300 SXM6 AC), as fractions of its own 4500 TFLOP/s fp8', () => {
    const kernels = (id: string) => bindRuntime(lib.hardware[id]!, trt).runtime!.kernels;
    expect(kernels('b300-sxm').prefillAttention!.fp8!.values.at(-1)).toBe(0.42);
    const kv8 = kernels('b300-sxm').decodeAttention!.kv8!;
    expect(kv8.fixedS).toBeCloseTo(8.8e-6, 15);
    expect(kv8.perSequenceHeadS).toBeCloseTo(6.8e-9, 18);
    expect(kv8.bandwidth).toBe(0.921);
    expect(kernels('b300-sxm').decodeAttention).not.toEqual(kernels('gb300').decodeAttention);
  });
});

describe('kernels.prefill_attention / decode_attention in a runtime file', () => {
  const scratch = useScratchDir('hwperf-trtattn-');
  const load = (name: string, kernels: string) =>
    loadSpecFile(scratch.write(name, `id: my-trt\nname: x\nkind: runtime\nrole: serving\nextends: tensorrt-llm\nkernels:\n${kernels}\n  source: "test"\nsources: [test]\n`));
  it('reads times with units and tables by length; rejects falling lengths, a fraction above 1, a missing field', async () => {
    const ok = await load('ok.yaml', '  prefill_attention: {fp8: {lengths: [1024, 4096], values: [0.1, 0.3]}}\n  decode_attention: {kv8: {fixed: 9 us, per_sequence_head: 7 ns, bandwidth: 0.9}}');
    expect(ok.errors).toEqual([]);
    const k = (ok.value!.spec as any).kernels;
    expect(k.prefillAttention).toEqual({ fp8: { sizes: [1024, 4096], values: [0.1, 0.3] } });
    expect(k.decodeAttention.kv8.fixedS).toBeCloseTo(9e-6, 15);
    expect(k.decodeAttention.kv8.perSequenceHeadS).toBeCloseTo(7e-9, 18);
    const bad = [
      '  prefill_attention: {fp8: {lengths: [4096, 1024], values: [0.1, 0.3]}}',
      '  prefill_attention: {bf16: {lengths: [1024], values: [1.5]}}',
      '  decode_attention: {kv8: {fixed: 9 us, bandwidth: 0.9}}',
      '  decode_attention: {kv4: {fixed: 9 us, per_sequence_head: 7 ns, bandwidth: 0.9}}',
    ];
    for (const [i, b] of bad.entries()) {
      const r = await load(`bad${i}.yaml`, b);
      expect(r.errors.length).toBeGreaterThan(0);
      expect(r.errors.map(formatIssue).join('\n')).toMatch(/prefill_attention|decode_attention/);
    }
  });
});
