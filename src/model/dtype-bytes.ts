// Bytes per element of each plain dtype: the one table every cost, stage-precision and calibration formula reads.
// Sub-byte formats are their element width alone (fp6 6 bits, fp4 e2m1 and int4 4 bits); a quantization scheme's
// block scales are added where the scheme is priced (quant.ts's WEIGHT_BITS: NVFP4's fp8 scale per 16 values).
import type { Dtype } from '../spec/types.js';

export const DTYPE_BYTES: Readonly<Record<Dtype, number>> = {
  fp64: 8, fp32: 4, tf32: 4, bf16: 2, fp16: 2, fp8: 1, int8: 1, fp6: 0.75, fp4: 0.5, int4: 0.5,
};
