// What DeepSpeed's ZeRO optimizers overlap, stage by stage (runtime training.zero_overlap_comm, zero_param_gather,
// zero2_reduce; read at deepspeedai/DeepSpeed v0.16.9, the same in v0.11):
//
// - overlap_comm (deepspeed/runtime/zero/config.py: `overlap_comm: Optional[bool] = None`, and overlap_comm_valid sets
//   it to `stage == ZeroStageEnum.weights`, so on for stage 3 and off for stages 1 and 2 unless the config says).
//   Off, the gradient reduction runs on the compute stream: stage_1_and_2.py reduce_ipg_grads / average_tensor take
//   get_accelerator().current_stream() unless overlap_comm, and stage3.py makes reduce_and_partition_stream the
//   default stream. The reduction then adds its whole time to the step.
// - ZeRO-1/2's parameter all-gather: DeepSpeedZeroOptimizer.step() copies the updated fp32 partition into the 16-bit
//   one and calls all_gather_dp_groups on the compute stream before it returns, so the next forward starts only after
//   it: nothing hides it ('step').
// - ZeRO-2 partitions gradients, so its backward hooks reduce every micro-batch's gradients
//   (reduce_ready_partitions_and_remove_grads: `if self.partition_gradients or self.is_gradient_accumulation_boundary`),
//   where ZeRO-1 reduces only at the accumulation boundary ('micro_batch').
import type { NormalizedHardware } from '../../spec/types.js';
import type { ZeroStage } from './types.js';

/**
 * whether the run reduces its gradients on the compute stream, not behind the backward: the runtime's ZeRO overlap_comm
 * is off at this stage (DeepSpeed's default: off below stage 3). A runtime that does not say keeps its overlap shares.
 */
export function zeroReduceOnCompute(hw: NormalizedHardware, zero: ZeroStage): boolean {
  const mode = hw.runtime?.training?.zeroOverlapComm;
  if (zero < 1 || mode === undefined) return false;
  return mode === 'off' || (mode === 'stage3' && zero < 3);
}

/** whether ZeRO-1/2's parameter all-gather runs inside the optimizer step, before the next forward (exposed) */
export function zeroGatherInStep(hw: NormalizedHardware, zero: ZeroStage): boolean {
  return (zero === 1 || zero === 2) && hw.runtime?.training?.zeroParamGather === 'step';
}

/** how many times a step reduces the gradients below ZeRO-3: every micro-batch under a ZeRO-2 that partitions them */
export function zeroReductions(hw: NormalizedHardware, zero: ZeroStage, microBatches: number): number {
  return zero === 2 && hw.runtime?.training?.zero2Reduce === 'micro_batch' ? Math.max(1, microBatches) : 1;
}
