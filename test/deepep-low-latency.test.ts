// DeepEP's low-latency dispatch + combine (runtime kernels.moe_a2a_decode: deepep_low_latency, src/sim/deepep-low-
// latency.ts): priced from DeepEP's kernel benchmark (README @de8cfca low-latency table: H800, one CX7 400 Gb/s NIC a
// GPU, 128 tokens a rank, hidden 7168, top-8, FP8 dispatch, BF16 combine) on a decode step of a runtime that runs it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { bindRuntime, resolveRuntime } from '../src/runtime/resolve.js';
import { buildLayout, dpMoeOf } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { collectiveSeconds, passOps } from '../src/sim/decoder.js';
import { deepEpLowLatencySeconds, dispatchBytesPerCopy } from '../src/sim/deepep-low-latency.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';

const lib = getLibrary();
const m = lib.models['deepseek-v3'] as DecoderModel;
const dsv3 = (copies: number) => ({ copies, hidden: 7168, fp8: true, decode: true });
const us = (s: number) => s * 1e6;

async function deepEpRuntime() {
  const dir = mkdtempSync(join(tmpdir(), 'hwperf-deepep-ll-'));
  const file = join(dir, 'sglang-deepep.yaml');
  writeFileSync(file, 'extends: sglang\nid: sglang-deepep\nkernels:\n  attention_dp_moe: false\n  moe_a2a_decode: deepep_low_latency\n');
  return resolveRuntime(file);
}

describe("DeepEP's low-latency kernels at the benchmark's shape reproduce its table", () => {
  const h800 = lib.hardware['h800-sxm']!;
  it('128 tokens a rank, top-8, on H800 + CX7: 77 + 114 µs at EP 8, 118 + 195 at EP 16, 173 + 314 at EP 64, 194 + 360 at EP 256', () => {
    expect(dispatchBytesPerCopy(7168, true)).toBe(7408);
    expect(us(deepEpLowLatencySeconds(h800, 8, dsv3(1024)))).toBeCloseTo(77 + 114, 6);
    expect(us(deepEpLowLatencySeconds(h800, 16, dsv3(1024)))).toBeCloseTo(118 + 195, 6);
    expect(us(deepEpLowLatencySeconds(h800, 64, dsv3(1024)))).toBeCloseTo(173 + 314, 6);
    expect(us(deepEpLowLatencySeconds(h800, 256, dsv3(1024)))).toBeCloseTo(194 + 360, 6);
    // Perplexity's DeepEP-CX7 run at the same shape (pplx-garden docs/fabric-lib.md): 123.9 + 203.0 µs at EP 16
    expect(us(deepEpLowLatencySeconds(h800, 16, dsv3(1024))) / (123.9 + 203.0)).toBeGreaterThan(0.9);
  });
  it('falls with the tokens to the two kernels’ start-up, and grows with them: no fixed cost at 128 tokens only', () => {
    const one = us(deepEpLowLatencySeconds(h800, 16, dsv3(8)));
    expect(one).toBeGreaterThan(18); // 2 × 9.3 µs start-up
    expect(one).toBeLessThan(25);
    const half = us(deepEpLowLatencySeconds(h800, 16, dsv3(512)));
    expect(half).toBeGreaterThan(one);
    expect(half).toBeLessThan(118 + 195);
    expect(deepEpLowLatencySeconds(h800, 1, dsv3(1024))).toBe(0);
  });
  it('a 16-bit dispatch moves 2 bytes an element; faster links scale the measured rate', () => {
    expect(deepEpLowLatencySeconds(h800, 16, { ...dsv3(1024), fp8: false })).toBeGreaterThan(deepEpLowLatencySeconds(h800, 16, dsv3(1024)));
    // H100's NVLink (450 GB/s) against H800's 200: one node's exchange takes less time
    const h100 = lib.hardware['h100-sxm']!;
    expect(deepEpLowLatencySeconds(h100, 8, dsv3(1024))).toBeLessThan(deepEpLowLatencySeconds(h800, 8, dsv3(1024)) * 0.6);
    // same 50 GB/s NIC: the same time across nodes
    expect(deepEpLowLatencySeconds(h100, 16, dsv3(1024))).toBeCloseTo(deepEpLowLatencySeconds(h800, 16, dsv3(1024)), 12);
  });
});

describe('a runtime that runs them prices its decode steps, not its extend steps', () => {
  it('loads from a runtime file (attention_dp_moe: false turns a gathering runtime to the all-to-all)', async () => {
    const rt = await deepEpRuntime();
    expect(rt.kernels?.moeA2aDecode).toBe('deepep_low_latency');
    expect(rt.kernels?.attentionDpMoe).toBeUndefined();
  });
  it('a pure decode step of DeepSeek-V3 over 2 x 8 H100, 128 tokens a rank: the table, not the NCCL all-to-all', async () => {
    const hw: NormalizedHardware = bindRuntime(lib.hardware['h100-sxm']!, await deepEpRuntime());
    const p = resolvePrecision('fp8');
    const L = buildLayout(m, 16, 1, undefined, 16, true, dpMoeOf(hw));
    const a2a = (prefillSeqs: number) => passOps(m, hw, L, p, { prefillSeqs, prefillLen: 64, decodeSeqs: 2048 }).find((o) => o.name === 'alltoall_moe')!;
    const dec = a2a(0);
    expect(dec.comm!.ep).toEqual({ copies: 1024, hidden: 7168, fp8: true, decode: true });
    const t = collectiveSeconds(hw, dec.comm!.kind, dec.comm!.bytes, dec.comm!.group, dec.comm!.ep);
    expect(us(t)).toBeCloseTo(118 + 195, 6);
    // without the runtime field, or on a step with extend tokens (SGLang's auto mode runs the normal kernels there):
    // the collective library's price
    expect(collectiveSeconds(hw, dec.comm!.kind, dec.comm!.bytes, dec.comm!.group)).not.toBeCloseTo(t, 9);
    const mixed = a2a(16);
    expect(mixed.comm!.ep!.decode).toBe(false);
    expect(collectiveSeconds(hw, mixed.comm!.kind, mixed.comm!.bytes, mixed.comm!.group, mixed.comm!.ep)).toBe(collectiveSeconds(hw, mixed.comm!.kind, mixed.comm!.bytes, mixed.comm!.group));
  });
});
