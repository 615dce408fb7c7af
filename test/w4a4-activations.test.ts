// An explicit `--activations int4` is W4A4 (4-bit activations into INT4 tensor-core GEMMs, as Nunchaku SVDQuant runs
// FLUX on Ada); the int4 *scheme* (`--dtype int4` alone) stays weight-only w4a16. Source: src/model/quant.ts
// resolvePrecision; row N2588 (Nunchaku FLUX.1-dev W4A4 on an RTX 4090).
import { describe, expect, it } from 'vitest';
import { attentionDtype, resolvePrecision } from '../src/model/quant.js';
import { getLibrary } from '../src/spec/library.js';
import { opGemm } from '../src/sim/ops.js';

describe('--activations int4 (W4A4)', () => {
  it('the int4 scheme alone multiplies in fp16 (weight-only)', () => {
    expect(resolvePrecision('int4').gemmDtype).toBe('fp16');
  });

  it('an explicit --activations int4 multiplies in int4, and attention stays 16-bit over the 16-bit cache', () => {
    const p = resolvePrecision('int4', undefined, 'int4');
    expect(p.gemmDtype).toBe('int4');
    expect(p.activations).toBe('int4');
    expect(attentionDtype(p)).toBe('fp16');
  });

  it('the RTX 4090 states its dense INT4 tensor rate (Ada whitepaper: 1321.2 TOPS, twice INT8)', () => {
    const hw = getLibrary().hardware['rtx-4090']!;
    expect(hw.matrixFlopPerS.int4).toBeCloseTo(2 * hw.matrixFlopPerS.int8!, -9);
  });

  it('a large int4 GEMM on the RTX 4090 runs on its INT4 tensor cores, faster than the same GEMM in int8', () => {
    const hw = getLibrary().hardware['rtx-4090']!;
    const i4 = opGemm(hw, 8192, 8192, 8192, 'int4');
    const i8 = opGemm(hw, 8192, 8192, 8192, 'int8');
    expect(i4.dtype).toBe('int4');
    expect(i4.warnings).toEqual([]);
    expect(i4.achieved_flops_per_s).toBeGreaterThan(1.3 * i8.achieved_flops_per_s);
    expect(i4.achieved_flops_per_s).toBeLessThanOrEqual(hw.matrixFlopPerS.int4!);
  });

  it('a part without INT4 tensor cores (H100) runs an int4 GEMM at its int8 rate and says so', () => {
    const hw = getLibrary().hardware['h100-sxm']!;
    const i4 = opGemm(hw, 8192, 8192, 8192, 'int4');
    expect(i4.dtype).toBe('int8');
    expect(i4.warnings.join(' ')).toMatch(/no native int4 GEMMs: they run at int8/);
    expect(i4.achieved_flops_per_s).toBeLessThanOrEqual(hw.matrixFlopPerS.int8!);
  });
});
