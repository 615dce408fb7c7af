// Exposed time of the data-parallel gradient reduce-scatter (or the distributed optimizer's parameter all-gather)
// when the runtime streams it bucket by bucket behind the compute that runs after (before) each bucket's gradients
// are final (needed): Megatron-Core DistributedDataParallelConfig overlap_grad_reduce / overlap_param_gather
// (megatron/core/distributed/param_and_grad_buffer.py: a bucket's collective starts when the last micro-batch's
// backward has produced all its gradients; the gather of a bucket is waited on in the forward pre-hook of its first
// module), PyTorch DDP buckets (Li et al. 2020 §3.2.3).
//
// Shape: the device holds `chunks` model chunks (interleaved pipeline: v; else 1). In the last micro-batch group the
// backward runs chunk by chunk, `group` micro-batches per chunk (Megatron-LM schedules.py get_model_chunk_id: groups
// of pp micro-batches, min(pp, m)), so the gradients of the chunk that finishes first still have its own last
// backward plus k·group chunk-backwards of the k chunks after it to hide behind. The collectives run one after the
// other on the DP stream: the chunk with k chunks after it, and those k, must all fit in that window; what does not
// is exposed. One bucket can never overlap (the last reduce-scatter starts after the last gradient; the first gather
// precedes any forward). The gather mirrors this on the next step's first micro-batch group.
//
//   exposed = (1 − h)·comm + max( h·comm/buckets , max_k [ (k+1)·h·comm/v − w·(1 + k·group) ] )
//
// with h the runtime's overlap share (0: the collective waits for the whole backward, Megatron-Core's default
// overlap_grad_reduce=False) and w one chunk's backward (forward) of one micro-batch. Never more than comm, never
// negative; exactly the last bucket once the compute is long. `buckets` sets that last bucket's share: the caller
// passes edgeBuckets (below) where the edge bucket is larger than an average one.
export function dpExposed(commS: number, chunkWindowS: number, chunks: number, group: number, buckets: number, hide: number): number {
  if (!(commS > 0)) return 0;
  const h = Math.min(1, Math.max(0, hide));
  const v = Math.max(1, chunks);
  const hidden = h * commS;
  let exposed = hidden / Math.max(1, buckets);
  const w = Math.max(0, chunkWindowS);
  for (let k = 0; k < v; k++) exposed = Math.max(exposed, ((k + 1) * hidden) / v - w * (1 + k * Math.max(1, group)));
  return (1 - h) * commS + Math.min(hidden, exposed);
}

/**
 * Bucket count whose 1/n is the share of the collective the edge bucket holds: the last gradient bucket and the first
 * gathered one hold the input embedding (bucketed layouts walk the parameters in reverse registration order, so the
 * embedding, registered first, closes the last bucket: ./step.ts), so that share is at least `edgeShare` of the
 * collective, never less than an average bucket's 1/buckets.
 */
export function edgeBuckets(buckets: number, edgeShare: number): number {
  const b = Math.max(1, buckets);
  return edgeShare > 0 ? Math.min(b, 1 / Math.min(1, edgeShare)) : b;
}
