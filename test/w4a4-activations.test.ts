// An explicit `--activations int4` is W4A4 (4-bit activations into INT4 tensor-core GEMMs, as Nunchaku SVDQuant runs
// FLUX on Ada); the int4 *scheme* (`--dtype int4` alone) stays weight-only w4a16. Source: src/model/quant.ts
// resolvePrecision; row N2588 (Nunchaku FLUX.1-dev W4A4 on an RTX 4090).
import { describe, expect, it } from 'vitest';
import { attentionDtype, resolvePrecision } from '../src/model/quant.js';
import { getLibrary } from '../src/spec/library.js';

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
});
