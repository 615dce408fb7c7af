// How many of an expert-parallel all-to-all's bytes a rank's network link carries, per runtime. Serving
// (./scale-out.ts) and training (./training/step.ts) both use it.
//
// NCCL all-to-all (PyTorch all_to_all_single, Megatron-Core's alltoall dispatcher, nccl-tests alltoall_perf): one
// grouped ncclSend / ncclRecv to every peer. Peers on the rank's own node are reached over NVLink, the rest through
// the NIC, both at once, so the network share sets the time. Each peer gets 1/n of the buffer, so (n − g)/n of it
// leaves the node when g of the n ranks share a node. The NCCL maintainer says it this way: "On a system with both
// NVLink and NICs ... the portion that's going through the network will determine the global time ... On 2 nodes, 50%
// of the traffic is inter-node so you should see BusBW = 2x network bandwidth per GPU ... N/(N-1)x the bandwidth per
// GPU, N being the number of nodes" (NVIDIA/nccl-tests issue #130, sjeaugey, 2023-02; nccl-tests reports alltoall
// busbw as algbw · (n − 1)/n). The network share was once taken as the whole (n − 1)/n (serving) or as
// (n − 1)/n · (n − g)/n (training, which applied the leaving share twice).
//
// DeepEP's internode normal kernels (DeepSeek-V3's dispatch; Megatron-Core's flex dispatcher): a token is sent once per
// destination node and fanned out over NVLink there. Its kernel benchmark times the dispatch and combine against
// (token, node) pairs after de-duplicating each token's top-k by node, the token's own node included (deepseek-ai/DeepEP
// tests/test_internode.py @567632d: rdma_idx = topk_idx // (num_experts // num_nodes), inplace_unique(rdma_idx,
// num_nodes), num_rdma_token_sent = rdma_idx.ne(-1).sum(); "RDMA" GB/s = num_rdma_token_sent · hidden · bytes / t).
// Its README's 43 / 44 / 46 GB/s dispatching at EP 16 / 32 / 64 on H800 with one 50 GB/s CX7 per GPU (first release;
// the 0.90 of ../scale-out-busbw.ts) are that count over that time. The count holds steady over 2, 4 and 8 nodes
// only with the own node in it; counted without it, the same runs read 21.5 / 33 / 40 GB/s. DeepEP V2's README says
// so: "the results are logical bandwidth ... under the EP 8 x 2 case, 90 GB/s actually contains local rank traffic".
// HybridEP's benchmark counts the same pairs on purpose (DeepEP hybrid_ep tests/utils.py
// count_rdma_send_from_routing_map: "To align with the implementation in the DeepEP, we do not set the local node map
// to zeros").
// So a node-aware dispatch is priced as N·(1 − (1 − 1/N)^k) pairs per token (the expected distinct nodes among k
// uniformly routed experts over N nodes, own node included) at that rate. It was (N − 1)·(1 − (1 − 1/N)^k), the
// other nodes only: at EP 16 over 2 nodes, top-8, half the time DeepEP's own benchmark takes.
// KNOWN GAP: the README's later V1 table (43 / 58 / 51 GB/s at EP 16 / 32 / 64, docs/legacy.md) reads 1.3x / 1.1x
// faster at 4 and 8 nodes than the first release; HybridEP's H100 table (docs/README_Hybrid-EP.md, 16 ranks, 16 SMs,
// torch API: 48 / 54 / 53 GB/s dispatching fp8 / bf16 and combining, over the same count) 10-20% faster than 0.90 of
// a NIC, but its ranks per node are not stated; HybridEP runs take DeepEP's rate here.
//
// Group-limited routing (DeepSeek-V3: "each token will be sent to at most M = 4 nodes", report §2.1.2 / §3.2): the
// experts form G equal blocks by index (HF n_group 8), a token scores each block by its best experts (the sum of the
// top-2 biased scores) and takes its top-k from the best t blocks only (topk_group 4; deepseek-ai/DeepSeek-V3 @9b4e978
// inference/model.py Gate.forward). Expert-parallel ranks hold contiguous experts, so with N ≤ G nodes each node holds
// G/N whole blocks and a token reaches exactly the nodes of its t blocks, every chosen block holding at least one of
// its k experts (its best expert outranks the other blocks' — ASSUMPTION, checked below); with N > G each block spans
// N/G nodes, the block's best expert lands on one of them and the other k − t experts spread over the t·N/G nodes.
// DeepEP's own benchmark routes this way, blocks = nodes, t = min(nodes, 4) (tests/test_internode.py @ebfe47e, the
// release the README's 43 / 44 / 46 GB/s come from; @567632d --num-topk-groups default min(num_nodes, 4)), so its
// EP 64 count is ~4 pairs a token, not the uniform 5.25. Checked by drawing i.i.d. |N(0,1)| + 1 scores (the benchmark's)
// through that routing, 256 experts, top-8, 20,000 tokens: 8 groups top-4 at 2 / 4 / 8 / 16 / 32 nodes reach 1.97 /
// 3.13 / 3.97 / 5.73 / 6.85 nodes (these formulas: 1.97 / 3.14 / 4.00 / 5.66 / 6.73; uniform: 1.99 / 3.60 / 5.25 /
// 6.45 / 7.18). A routing that is not limited (absent, one group, t = G: Qwen3, Kimi K2) keeps the uniform count.

/** share of one rank's all-to-all buffer that crosses its NIC under NCCL: (n − g)/n with `perNode` = g ranks a node */
export function ncclAllToAllNetworkShare(n: number, perNode: number): number {
  if (n <= 1) return 0;
  return Math.max(0, n - Math.max(1, perNode)) / n;
}

/**
 * (token, node) pairs per token a node-aware dispatch (DeepEP's normal kernels) moves at its measured rate: the expected
 * number of distinct nodes, its own included, among `k` experts routed uniformly over `nodes` nodes, or under the
 * model's group-limited routing (`limit`: `topk` of `groups` expert blocks), whichever is fewer
 */
export function nodeAwarePairsPerToken(nodes: number, k: number, limit?: { groups: number; topk: number }): number {
  if (nodes <= 1 || k <= 0) return 0;
  const uniform = nodes * (1 - (1 - 1 / nodes) ** k);
  if (!limit || !(limit.groups > 1) || !(limit.topk < limit.groups)) return uniform;
  return Math.min(uniform, groupLimitedNodes(nodes, k, limit.groups, limit.topk));
}

/**
 * expected distinct nodes among a token's `k` experts when it takes them from `topk` of `groups` contiguous expert
 * blocks, each chosen block holding at least one of them (above)
 */
function groupLimitedNodes(nodes: number, k: number, groups: number, topk: number): number {
  const t = Math.min(topk, k);
  if (nodes <= groups) {
    // a node holds `per` blocks: it is missed when none of them is among the t chosen (hypergeometric)
    const per = groups / nodes;
    let missed = 1;
    for (let i = 0; i < t; i++) missed *= Math.max(0, (groups - per - i) / (groups - i));
    return nodes * (1 - missed);
  }
  // a block spans `span` nodes: one holds the block's best expert, the other k − t experts fall uniformly on t·span
  const span = nodes / groups;
  return t * span * (1 - (1 - 1 / span) * (1 - 1 / (t * span)) ** (k - t));
}
