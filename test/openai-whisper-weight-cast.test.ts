// openai-whisper keeps fp32 parameters (whisper/__init__.py load_model) and casts each weight and bias to the
// activation dtype at every call (whisper/model.py Linear.forward, Conv1d._conv_forward: self.weight.to(x.dtype);
// TextDecoder.forward: token_embedding.weight.to(x.dtype)): runtimes/openai-whisper.yaml kernels.weight_cast_bytes 4.
// Under fp16 each GEMM / convolution call first reads 4 and writes 2 bytes per parameter in a kernel of its own
// (src/sim/runtime-ops.ts); an fp32 run casts nothing.
import { describe, expect, it } from 'vitest';
import { runtimeOps } from '../src/sim/runtime-ops.js';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import type { Op } from '../src/model/op.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

const gemm = (dtype: string, wb: number): Op => ({ kind: 'gemm', name: 'fc1', m: 4, n: 5120, k: 1280, dtype, flops: 2 * 4 * 5120 * 1280, bytes: 5120 * 1280 * wb + 4 * (1280 + 5120) * wb, weightBytes: 5120 * 1280 * wb }) as unknown as Op;
const withCast = (hw: NormalizedHardware, b: number | undefined): NormalizedHardware => ({ ...hw, runtime: { ...hw.runtime!, kernels: { ...hw.runtime!.kernels, weightCastBytes: b } } });

describe('openai-whisper fp32 parameters cast per call (kernels.weight_cast_bytes)', () => {
  it('is stated on openai-whisper and inherited by openai-whisper-2023, on no other Whisper runtime', () => {
    expect(libraryRuntime('openai-whisper').kernels.weightCastBytes).toBe(4);
    expect(libraryRuntime('openai-whisper-2023').kernels.weightCastBytes).toBe(4);
    for (const id of ['transformers', 'faster-whisper', 'vllm', 'pytorch', 'whisper.cpp']) expect(libraryRuntime(id).kernels.weightCastBytes).toBeUndefined();
  });

  it('adds one glue op of (4 + 2) bytes per parameter after an fp16 GEMM, nothing at fp32 or without the field', async () => {
    const hw = bindRuntime(await loadHardware('h100-sxm'), libraryRuntime('openai-whisper'));
    const op = gemm('fp16', 2);
    const plain = runtimeOps([op], withCast(hw, undefined), 2);
    const cast = runtimeOps([op], hw, 2);
    const extra = cast.reduce((s, o) => s + o.bytes, 0) - plain.reduce((s, o) => s + o.bytes, 0);
    expect(extra).toBe(5120 * 1280 * (4 + 2));
    const fp32 = gemm('fp32', 4);
    expect(runtimeOps([fp32], hw, 4).reduce((s, o) => s + o.bytes, 0)).toBe(runtimeOps([fp32], withCast(hw, undefined), 4).reduce((s, o) => s + o.bytes, 0));
  });

  it('makes a large-v3 fp16 transcription on a low-bandwidth device no faster, an fp32 one unchanged', async () => {
    const hw = bindRuntime(await loadHardware('dgx-spark'), libraryRuntime('openai-whisper'));
    const run = (h: NormalizedHardware, dtype: string) => simulate(request('whisper-large-v3', h, { audioSeconds: 11, batch: 1, outputTokens: 27, dtype }));
    const on = run(hw, 'fp16');
    const off = run(withCast(hw, undefined), 'fp16');
    expect(on.latency_s!).toBeGreaterThan(off.latency_s!);
    expect(run(hw, 'fp32').latency_s).toBe(run(withCast(hw, undefined), 'fp32').latency_s);
  });
});
