// int4 (AWQ / GPTQ) experts under a MoE kernel that launches once per local expert (runtime
// kernels.int4_moe_per_expert): vLLM's marlin_gemm_moe before PR #14447 (csrc/moe/marlin_moe_ops.cu marlin_mm_moe:
// `for (int expert_idx = 0; expert_idx < num_experts; ++expert_idx)` launches the Marlin kernel over a grid of every
// SM for each expert of the layer, and the blocks of an expert no row was routed to read its offsets and return). A
// grouped GEMM op is one kernel at the part's gap plus its body; here each of its other touched experts is a kernel of
// its own (the part's gap, as the op's first) and each untouched local expert an empty launch (src/runtime/launch.ts
// emptyKernelGapS). Device time only: the loop runs in C++ inside one custom op, so the host dispatches one op.
import type { Op } from '../model/op.js';
import type { NormalizedHardware } from '../spec/types.js';
import { emptyKernelGapS, type LaunchPhase } from '../runtime/launch.js';

/** the device time beyond one kernel's gap that the runtime's per-expert launches add to this grouped GEMM (0 where the
 *  runtime launches the group as one kernel, or the op is not an int4 grouped GEMM) */
export function perExpertLaunchesS(op: Pick<Op, 'groups' | 'int4' | 'localExperts'>, hw: NormalizedHardware, phase: LaunchPhase, gapS: number): number {
  const per = hw.runtime?.kernels?.int4MoePerExpert;
  const local = op.localExperts;
  if (!per || !op.groups || !op.int4 || local === undefined || !(local <= (per.upToExperts ?? Infinity))) return 0;
  const touched = Math.min(op.groups, local);
  return Math.max(0, touched - 1) * gapS + Math.max(0, local - touched) * emptyKernelGapS(hw, phase);
}
