// A MoE block that runs its experts one at a time from Python: Hugging Face transformers' sparse MoE blocks
// (Qwen2MoeSparseMoeBlock, Qwen3MoeSparseMoeBlock, MixtralSparseMoeBlock: router, top-k, then
// `for expert_idx in expert_hit:` — `range(num_experts)` before transformers PR #38133, v4.53 — each hit expert running
// torch.where on its mask, a row gather of its tokens, its own gate / up / down nn.Linear, the activation and product,
// the routing-weight gather and product, and index_add_ into the output) and DeepSpeed-MoE's Experts.forward
// (`for chunk, expert in zip(chunks, self.deepspeed_experts)`). The expert GEMMs are priced as they run, one per
// expert at its token count (./layer-cost.ts rows per expert); this file prices what the host pays for them.
//
// torch.where(mask) with one argument is nonzero, whose output size the host must read: every hit expert syncs the host
// with the device, so the host cannot run ahead and each expert lasts at least its host time (the device's share runs
// beside it). With the experts' work alike that is, per layer and pass,
//
//   segment = max(device time of the layer's kernels, hit experts × host time per expert)
//
// (./moe-host-sync.ts withMoeHostFloor). The backward's kernels are launched by autograd's C++ engine, at the runtime's
// launch.per_kernel each. Under ZeRO-3 every expert's projections are modules of their own, each fetched and released by
// DeepSpeed's hooks in the forward and again in the backward, and every module of the expert (its MLP, projections and
// activation) carries the hooks' autograd functions (runtime training.expert_loop zero3_ops_fwd / _bwd: the host ops
// those hooks issue per hit expert, also at launch.per_kernel), unless the block is a ZeRO-3 leaf module
// (deepspeed.utils.set_z3_leaf_modules), which the runtime file says where its frameworks set it.
import type { ExpertLoop } from '../../spec/types.js';
import type { MoeHostFloor } from './moe-host-sync.js';

/**
 * Expected experts hit among `local` of `experts` by `tokens` tokens each routed to `active` distinct experts (uniform
 * routing): a given expert misses a token with probability 1 − k/E, so local·(1 − (1 − k/E)^T). At training token counts
 * every expert is hit (128 experts, top-8, 8,192 tokens: 128); at decode batch 1, k of them.
 */
export function hitExperts(tokens: number, experts: number, active: number, local = experts): number {
  if (!(experts > 0) || !(tokens > 0) || !(active > 0)) return 0;
  const k = Math.min(active, experts);
  return Math.min(local, experts) * (1 - Math.pow(1 - k / experts, tokens));
}

/**
 * Host time of one MoE layer's forward and backward for `hit` hit experts on this device: per expert the loop body's
 * host time (forward) and its backward kernels at `perKernelS`, plus, under ZeRO-3 (`zero3`), the ops of the hooks on
 * the expert's modules. `hostScale`: the host CPU's per-op cost relative to the host the times were taken on.
 */
export function expertLoopHostFloor(loop: ExpertLoop, hit: number, perKernelS: number, zero3: boolean, hostScale = 1): MoeHostFloor {
  const hooksFwd = zero3 ? loop.zero3OpsFwd * perKernelS : 0;
  const hooksBwd = zero3 ? loop.zero3OpsBwd * perKernelS : 0;
  return {
    fwdS: hostScale * hit * (loop.expertFwdS + hooksFwd),
    bwdS: hostScale * hit * (loop.expertKernelsBwd * perKernelS + hooksBwd),
  };
}
