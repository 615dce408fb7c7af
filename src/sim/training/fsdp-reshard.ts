// When an FSDP runtime gathers and reduces its parameters (runtime training.fsdp_reshard).
//
// PyTorch FSDP2's defaults reshard every block after its forward and after its backward (fully_shard
// reshard_after_forward True; reshard_after_backward True) and reduce-scatter its gradients in every backward: per
// micro-batch a forward all-gather, a backward all-gather and a reduce-scatter (absent / 'micro_batch', ./step.ts).
//
// 'step': the parameters, once gathered, stay gathered until the step's last backward, and the gradients accumulate
// unsharded and are reduce-scattered once, so a step moves one all-gather and one reduce-scatter per unit whatever
// its micro-batch count. NeMo AutoModel's MoE models do this: their blocks are wrapped with
// reshard_after_forward=False (nemo_automodel/components/moe/parallelizer.py apply_fsdp / parallelize_model, default
// False; the benchmark configs leave it or set distributed.moe.reshard_after_forward: false), and before a gradient
// accumulation every FSDP unit is set to reshard_after_backward=False, requires_gradient_sync=False until the last
// micro-batch's backward (nemo_automodel/components/moe/fsdp_mixin.py prepare_for_grad_accumulation /
// prepare_for_final_backward, with backend.enable_fsdp_optimizations, which those configs set; @cb976544). Under
// pipeline parallelism torch.distributed.pipelining does the same for FSDP stages (stage.py
// backward_maybe_with_nosync: set_reshard_after_backward(False), set_requires_gradient_sync(False) until the last
// backward), which AutoModel defers to.
//
// 'pipeline': 'step' under pipeline parallelism, FSDP2's defaults without it. torchtitan wraps every block with
// reshard_after_forward = not pp_enabled (reshard_after_forward_policy "default": pytorch/torchtitan
// torchtitan/models/llama3/infra/parallelize.py apply_fsdp, "For PP, by default do not reshard after forward to avoid
// per-microbatch all-gathers") and runs its pipeline through torch.distributed.pipelining, whose stages skip the
// gradient sync and the resharding until the last backward (backward_maybe_with_nosync, above).
//
// Priced as one all-gather and one reduce-scatter per step, hidden as the runtime's fsdp_prefetch says behind the
// compute of two micro-batches (the gather behind the first, the reduce-scatter behind the last; one when the step
// has one). The memory: the stage's parameters held unsharded, and over several micro-batches the accumulated
// gradients at the reduce dtype (src/sim/training/memory.ts MemoryInput.resident).
import type { NormalizedHardware } from '../../spec/types.js';

/**
 * whether this runtime keeps FSDP parameters gathered (and gradients unreduced) through a step of `microBatches` on a
 * pipeline of `pp` stages
 */
export function fsdpStepResident(hw: NormalizedHardware, microBatches: number, pp = 1): boolean {
  const mode = hw.runtime?.training?.fsdpReshard;
  return microBatches >= 1 && (mode === 'step' || (mode === 'pipeline' && pp > 1));
}

/**
 * ZeRO-3 traffic of one step on one device: `ag` seconds of one full all-gather, `rs` of one reduce-scatter, over
 * `microBatches` micro-batches. Per micro-batch (FSDP2's default): 2·ag + rs each time; per step ('step'): ag + rs once.
 * Returns the collective seconds per occurrence, how many times they occur and how many micro-batches' compute each
 * occurrence can hide behind (kept gathered over several micro-batches: the gather behind the first, the
 * reduce-scatter behind the last, 2; otherwise its own micro-batch, 1). `again`: seconds of the gathers a recomputing
 * backward repeats when resharding per micro-batch (DeepSpeed's reuse distance: ./zero3-modules.ts); none when kept.
 */
export function fsdpStepTraffic(hw: NormalizedHardware, ag: number, rs: number, microBatches: number, pp = 1, again = 0): { perS: number; times: number; windows: number } {
  return fsdpStepResident(hw, microBatches, pp)
    ? { perS: ag + rs, times: 1, windows: microBatches >= 2 ? 2 : 1 }
    : { perS: 2 * ag + again + rs, times: microBatches, windows: 1 };
}
