// The copies PyTorch FSDP2 (fully_shard) makes around its collectives on the compute stream. FSDP2 shards every
// parameter on its own (a DTensor per parameter), but NCCL all-gathers and reduce-scatters one flat buffer per
// module group, so (pytorch/pytorch torch/distributed/fsdp/_fully_shard/_fsdp_collectives.py @010ae4a8):
//  - foreach_all_gather_copy_out: the current (compute) stream waits for the all-gather, then
//    torch.ops.fsdp.split_with_sizes_copy copies the gathered flat buffer out into each parameter's unsharded tensor:
//    read + write of every unsharded parameter at the gather dtype, once per all-gather. With reshard_after_forward
//    (fully_shard's default; torchtitan keeps it for every block but the last) a micro-batch gathers twice,
//    forward and backward.
//  - foreach_reduce: foreach_reduce_scatter_copy_in (torch._chunk_cat) packs the unsharded gradients into the
//    reduce-scatter input in the reduce dtype on the current stream before the reduce-scatter stream waits for it
//    ("Only after the copy-in finishes can we free the gradients"): read the 16-bit gradient, write it in the reduce
//    dtype (fp32 under torchtitan's default mixed_precision_reduce). The first fully_shard releases (torch 2.4,
//    torch/distributed/_composable/fsdp) ran that copy-in on the reduce-scatter stream and made the current stream
//    wait for it (current_stream.wait_stream(reduce_scatter_stream)): serial with the compute either way.
// The all-gather copy-in (the local shard cast into the gather buffer, 1/dp of the parameters) runs on its own
// all_gather_copy_in_stream, beside the compute: not priced here.
// FSDP1's FlatParameter makes none of the copy-outs (parameters are views of the gathered flat buffer) and casts /
// pre-divides its flat gradient on the post-backward stream; runtimes that leave training.fsdp_layout out (or set it
// to flat) pay nothing here.
import type { NormalizedHardware } from '../../spec/types.js';
import { fsdpStepResident } from './fsdp-reshard.js';

// Bytes per unsharded parameter per micro-batch: two copy-outs (forward and backward gather) of read + write at
// `gatherBytes`, and one reduce-scatter copy-in that reads the 16-bit gradient and writes `reduceBytes`. `gathers`:
// the all-gathers a parameter sees per reduce-scatter (2 with reshard_after_forward; 1 where the runtime keeps the
// gathered parameters for the whole step, training.fsdp_reshard step: ./fsdp-reshard.ts).
export function fsdpCopyBytesPerParam(gatherBytes: number, reduceBytes: number, gathers = 2): number {
  return gathers * (gatherBytes + gatherBytes) + (2 + reduceBytes);
}

/**
 * Seconds of FSDP2 copies per micro-batch for `params` unsharded parameters on one device (ZeRO-3 only, and only for a
 * runtime whose training.fsdp_layout is per_parameter), at the part's contiguous memory rate. `microBatches`: the
 * step's micro-batches per pipeline, `pp` its stages; where the runtime keeps the parameters gathered through the step
 * (training.fsdp_reshard, ./fsdp-reshard.ts) the step's one gather and one reduce-scatter are spread over them.
 */
export function fsdpCopySeconds(hw: NormalizedHardware, zero: number, params: number, gatherBytes: number, reduceBytes: number, microBatches = 1, pp = 1): number {
  if (zero < 3 || hw.runtime?.training?.fsdpLayout !== 'per_parameter' || !(params > 0)) return 0;
  const step = fsdpStepResident(hw, microBatches, pp);
  const bytes = fsdpCopyBytesPerParam(gatherBytes, reduceBytes, step ? 1 : 2) / (step ? microBatches : 1);
  return (params * bytes) / (hw.memory.bandwidthBytePerS * hw.efficiency.memory);
}
