// CTranslate2's int8 Dense (runtimes/faster-whisper.yaml kernels.int8_quant_kernels, src/sim/runtime-ops.ts): the
// input is quantized to int8 rows in a kernel of its own, the GEMM writes int32, a second kernel dequantizes it with
// the bias and activation. Only int8 GEMMs change; a decode step of int8 costs more launches than one of float16.
import { describe, expect, it } from 'vitest';
import { linear, type Op } from '../src/model/op.js';
import { runtimeOps } from '../src/sim/runtime-ops.js';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { loadHardware, request, toyHardware } from './helpers/nondecoder-fixtures.js';

type K = NonNullable<NormalizedHardware['runtime']>['kernels'];
const withKernels = (k: K): NormalizedHardware => {
  const hw = toyHardware();
  return { ...hw, runtime: { ...hw.runtime!, kernels: k } };
};

describe('CTranslate2 int8 Dense: quantize and dequantize kernels around the int8 GEMM', () => {
  const m = 5; // five beam rows of a decode step
  const int8 = linear('dec.up', m, 5120, 1280, 'int8', 1, 2, 32);
  const fp16 = linear('dec.up', m, 5120, 1280, 'fp16', 2, 2, 32);
  it('an int8 GEMM gets a glue op of two kernels with the quantize and dequantize traffic; the GEMM reads int8, writes int32', () => {
    const out = runtimeOps([int8], withKernels({ int8QuantKernels: true }), 2);
    expect(out.map((o) => o.name)).toEqual(['dec.up', 'dec.up.glue']);
    const [g, glue] = out as [Op, Op];
    expect(glue.kernels).toBe(2);
    expect(glue.count).toBe(32);
    expect(glue.kind).toBe('elementwise');
    expect(g.bytes).toBe(int8.weightBytes + m * 1280 * 1 + m * 5120 * 4);
    // quantize: read 2 B + write 1 B per input element and a 4-byte scale per row; dequantize: read 4 B + write 2 B
    expect(glue.bytes).toBe(m * 1280 * 3 + m * 4 + m * 5120 * 6);
  });
  it('a 16-bit GEMM, and a runtime without the field, are left as built', () => {
    const [g, ...rest] = runtimeOps([fp16], withKernels({ int8QuantKernels: true }), 2);
    expect(rest).toEqual([]);
    expect(g!.bytes).toBe(fp16.bytes);
    expect(g!.kernels ?? 1).toBe(1);
    const plain = [int8];
    expect(runtimeOps(plain, toyHardware(), 2)).toBe(plain);
  });
  it('faster-whisper declares it, and its int8 decode on a V100S is slower than float16 (no int8 tensor cores, more launches)', async () => {
    const hw = bindRuntime(await loadHardware('v100s-pcie'), libraryRuntime('faster-whisper'));
    expect(hw.runtime!.kernels.int8QuantKernels).toBe(true);
    const run = (dtype: 'fp16' | 'int8') => simulate(request('whisper-large-v2', hw, { audioSeconds: 799, outputTokens: 141, dtype }));
    const a = run('fp16');
    const b = run('int8');
    expect(b.decoder_s!).toBeGreaterThan(a.decoder_s!);
    expect(Number.isFinite(b.latency_s!)).toBe(true);
  });
});
