// A matrix engine that spends a fixed minimum of cycles on each output tile, however short the reduction that fills it.
// Intel Gaudi's MME drains ("rolls up") its accumulators after each output tile: the graph compiler's own cost model
// prices an MME node at geometries × max(K / CD concurrency, roll-up time) cycles, one reduction element a cycle
// (HabanaAI/Intel_Gaudi3_Software @adff76ca, "SynapseAI Gaudi3 initial commit", June 2024: mme/src/mme_common/
// mme_brain.cpp MmeBrain::calcExpectedCycles, minCDToConsider = max(effectiveCD, getRollUpTime()); getRollUpTime:
// Gaudi 128, Gaudi 2 256, Gaudi 3 512 "to be verified"). A GEMM whose reduction depth K is below the roll-up time
// therefore runs at K / roll-up of the engine's rate: the hardware spec's compute.matrix_min_k. In attention the
// scores' product QKᵀ reduces over the head width (64-128 for LLMs, 40-160 in Stable Diffusion's UNet), the values'
// product over the keys (long); a GEMM or convolution reduces over its k (a convolution: kernel taps × input channels).
// A fused attention kernel's own efficiency (hardware efficiency.attention) multiplies this share: ASSUMPTION, that
// efficiency standing for the work off the matrix unit (softmax, rescaling), this share for the matrix unit's own loss.
// On the Gaudi parts that efficiency is the library's class default 0.6, itself derived from FlashAttention-3 on an
// H100 (src/hardware/efficiency.ts), not a Gaudi timing: the roll-up is stacked on an H100-derived value.
// A training step's attention backward is priced as its forward times a factor, so it takes the forward's share here
// (of its five products two reduce over the head width, dP = dO·Vᵀ and the recomputed QKᵀ: 2/5, the forward's 1/2).
import type { Op } from '../model/op.js';
import type { NormalizedHardware } from '../spec/types.js';

/** the rate a tiled matrix op keeps on a part whose matrix unit takes at least `matrixMinK` reduction steps per tile */
export function matrixDepthShare(
  op: Pick<Op, 'kind' | 'k' | 'attn'> & { prefill?: { len: number; width?: number; qkWidth?: number } },
  hw: Pick<NormalizedHardware, 'matrixMinK'>,
): number {
  const minK = hw.matrixMinK;
  if (minK === undefined) return 1;
  const at = (k: number) => Math.min(1, k / minK);
  if (op.kind === 'gemm' || op.kind === 'conv') return op.k !== undefined && op.k > 0 ? at(op.k) : 1;
  if (op.kind !== 'attention') return 1;
  // [q, dqk] × [dqk, kv] then [q, kv] × [kv, dv]: FLOPs in proportion to dqk and dv; time = Σ share / rate
  const shape = op.attn
    ? { qk: op.attn.headDim, v: op.attn.headDim, kv: op.attn.kv }
    : op.prefill?.width !== undefined
      ? prefillShape(op.prefill.width, op.prefill.qkWidth ?? op.prefill.width / 2, op.prefill.len)
      : undefined;
  if (!shape || shape.qk <= 0 || shape.kv <= 0) return 1;
  const total = shape.qk + shape.v;
  return 1 / (shape.qk / total / at(shape.qk) + shape.v / total / at(shape.kv));
}

// a decoder's prompt attention: score width dqk, value width dv = width − dqk, keys up to the prompt length
function prefillShape(width: number, qk: number, len: number): { qk: number; v: number; kv: number } {
  return { qk, v: width - qk, kv: len };
}
