// The collectives of a PyTorch FSDP step that nothing can hide (ZeRO-3 under runtimes that set
// training.fsdp_layout: FSDP2's fully_shard and FSDP1, each decoder block its own unit under a root unit that holds
// the embedding, the final norm and the LM head).
//  - Forward start: the root unit's all-gather and then the first block's come before any compute of the micro-batch
//    (the embedding lookup beside them is negligible); from the second block on, each block's all-gather runs behind
//    the previous block's compute (implicit prefetch). The root is not resharded after forward ("For the root, do not
//    reshard after forward since for training, the parameters would be freed and all-gathered immediately",
//    pytorch/pytorch torch/distributed/fsdp/_fully_shard/_fsdp_state.py FSDPState._lazy_init), and torchtitan keeps
//    its last block gathered too (apply_fsdp: reshard_after_forward = layer_id < n_layers − 1; pytorch/torchtitan
//    torchtitan/parallelisms/parallelize_llama.py @004b314), so the backward starts without an all-gather.
//  - Backward end: the first block's reduce-scatter is issued after its backward, the root's after the embedding's
//    gradient, the last one computed; the root post-backward callback then makes the compute stream wait for the last
//    reduce-scatter (_root_post_backward_final_callback: current_stream().wait_event(reduce_scatter_state.event),
//    same file) before the optimizer step may read the gradients.
// So per micro-batch the all-gather (16-bit) and the reduce-scatter (reduce dtype) of the root unit plus one block
// show in full; the step's other collectives hide behind compute as the runtime's overlap says (./step.ts).
// The edges are priced without pipeline parallelism only (callers pass pp 1): under PP, torchtitan keeps its blocks
// gathered across the micro-batches (reshard_after_forward False) and ./fsdp-reshard.ts prices the step's one gather
// and one reduce-scatter instead.

/** parameters on one device whose all-gather opens and whose reduce-scatter closes a micro-batch */
export function fsdpEdgeParams(root: number, blockParams: number): number {
  return Math.max(0, root) + Math.max(0, blockParams);
}

/**
 * The edge split by the FSDP group that gathers it. Without expert parallelism a block's routed experts are part of
 * the block's unit (one all-gather over the data-parallel group). With it, torchtitan wraps them as a unit of their
 * own over the expert-data-parallel mesh ("the router and the shared experts are sharded together with the
 * TransformerBlock; the routed experts are sharded with the remaining dp_mod_ep_mesh", pytorch/torchtitan
 * torchtitan/models/llama4/infra/parallelize.py apply_fsdp), a separate collective over dp/ep ranks.
 * `blockDense`, `blockExpert`: one average block's parameters on this device outside and inside the routed experts.
 */
export function fsdpEdgeGroups(root: number, blockDense: number, blockExpert: number, ep: number): { dense: number; expert: number } {
  const expert = Math.max(0, blockExpert);
  return ep > 1 ? { dense: fsdpEdgeParams(root, blockDense), expert } : { dense: fsdpEdgeParams(root, blockDense + expert), expert: 0 };
}
