// L2-resident activations. A memory-bound kernel that moves only activations (an elementwise op, a norm, a GEMM's
// dtype conversions and bias add: no weights) reads tensors the kernel before it has just written and writes one the
// next kernel reads. When its bytes fit in the GPU's L2 (a write-back last-level cache in front of DRAM) those reads
// hit in L2 and the writes stay there, so the kernel runs at the L2's rate, not DRAM's. This matters where DRAM is slow
// next to the L2 (an LPDDR5X iGPU) and the tensors are small: whisper.cpp's encoder on a DGX Spark (GB10: 24 MB L2,
// 273 GB/s LPDDR5X) moves ~0.9 GB of 2-9 MB f32 tensors through bias adds, norms, GELU and cuBLAS f16 conversions for
// whisper-tiny, more than the whole measured encoder (2.72 ms) could stream from DRAM (runtimes/whisper.cpp-fa.yaml).
//
// Priced only where the hardware states a measured L2 rate (on_chip.l2_bandwidth): a part without one keeps the DRAM
// rate for every op. Not modelled: eviction by a larger tensor streamed between producer and consumer (FA-off
// attention scores), partial fits (an op larger than L2 pays DRAM for all its bytes), GEMM operands (weights come from
// DRAM; the activations' share of a compute-bound GEMM does not set its time).
import type { Op } from '../model/op.js';
import type { NormalizedHardware } from '../spec/types.js';

/** the L2 rate an activation-only memory-bound op runs at (bytes/s), or undefined where it takes the DRAM rate */
export function l2ResidentBandwidth(op: Op, hw: Pick<NormalizedHardware, 'onChip'>): number | undefined {
  const { l2Bytes, l2BandwidthBytePerS } = hw.onChip;
  if (!l2Bytes || !l2BandwidthBytePerS) return undefined;
  if ((op.kind !== 'elementwise' && op.kind !== 'norm') || op.weightBytes > 0) return undefined;
  // each kernel of the op (a glue op is several: to_fp16, to_fp32, bias add) must fit on its own; an op run inside
  // another op's kernel (kernels 0: a runtime's fusion group, src/sim/fusion.ts) is that kernel's epilogue or prologue,
  // one kernel's worth of its bytes
  return op.bytes / Math.max(1, op.kernels ?? 1) <= l2Bytes ? l2BandwidthBytePerS : undefined;
}
