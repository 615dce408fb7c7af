// Parallel layout of one replica (tp × pp devices) and the checks that make a layout valid.
// Megatron-LM tensor parallelism (Shoeybi et al. 2019): attention heads and FFN columns split over tp, two
// all-reduces per layer; pipeline parallelism splits layers over pp stages (Huang et al., GPipe 2019); expert
// parallelism places routed experts on ep devices with an all-to-all before and after (Lepikhin et al.,
// GShard 2020). Devices beyond tp·pp serve as data-parallel replicas.
import type { AttentionDpMoe, DecoderModel, LinkSpec, NormalizedHardware } from '../spec/types.js';
import { UserError } from '../spec/errors.js';
import { collectiveTime, trafficFactor } from './collectives.js';
import { collectiveEfficiency, collectiveShape, largeMessageCollective } from '../hardware/efficiency.js';
import { scaleOutSeconds } from './scale-out.js';
import { ncclSmallAllreduceSeconds } from './nccl-small-allreduce.js';
import { overPcie, pcieCollectiveSeconds } from './pcie-collectives.js';
import { iciCollectiveSeconds, iciPriced } from './ici-collectives.js';

const NVLINK_P2P_BUSBW = 370e9;
import type { CollectiveKind } from '../model/op.js';

export interface Layout {
  tp: number;
  pp: number;
  ep: number;
  devices: number; // all devices
  replicas: number; // devices / (tp·pp)
  headsPerDevice: number; // query heads on one device
  kvHeadsPerDevice: number; // KV heads on one device (replicated when tp > kv_heads)
  layersPerStage: number; // layers on one pipeline stage (average; the stage time uses it)
  expertShards: number; // devices one MoE layer's routed experts are spread over: max(tp, ep)
  attentionDp: boolean; // attention (and dense FFN, embedding, LM head) data-parallel over the tp devices
  // under attention DP, the runtime's gather mode (runtime kernels.attention_dp_moe); undefined: all-to-all dispatch
  dpMoe: DpMoe | undefined;
}

// Attention DP's MoE as SGLang runs it without DeepEP (runtime kernels.attention_dp_moe): every rank's tokens gathered
// on every rank before each layer's FFN (`gather`), the routed experts (tensor-parallel, or expert-parallel with --ep),
// the shared experts and the dense FFN layers run over all of them with their weights split over the tp devices, and
// the partial sums reduced back to each rank's own tokens (`combine`). src/model/decoder-graph.ts prices it.
export type DpMoe = AttentionDpMoe;

/** the bound runtime's gather mode for attention DP's MoE (undefined: all-to-all dispatch) */
export function dpMoeOf(hw: Pick<NormalizedHardware, 'runtime'>): DpMoe | undefined {
  return hw.runtime?.kernels?.attentionDpMoe;
}

// Attention data parallelism (`attentionDp`), as TensorRT-LLM (`enable_attention_dp`, its MoE recipe in
// docs/source/performance/perf-overview.md) and SGLang (`--enable-dp-attention`) serve DeepSeek-V3 and Qwen3: each of
// the tp devices runs attention, the dense layers and the LM head on its own batch/tp requests with whole weights and
// its own KV cache (no KV-head replication, no all-reduce); the routed experts are spread over ep = tp devices and
// reached by an all-to-all dispatch and combine, unless the runtime gathers the tokens instead (`dpMoe`, DpMoe above:
// then the experts are tensor-parallel over the tp devices unless --ep says otherwise).
export function buildLayout(m: DecoderModel, tp: number, pp: number, ep: number | undefined, devices: number | undefined, attentionDp = false, dpMoe?: DpMoe): Layout {
  const bad = (msg: string) => new UserError(msg);
  if (!Number.isInteger(tp) || tp < 1) throw bad(`--tp must be a positive integer, found "${tp}"`);
  if (!Number.isInteger(pp) || pp < 1) throw bad(`--pp must be a positive integer, found "${pp}"`);
  const group = tp * pp;
  const dev = devices ?? group;
  if (!Number.isInteger(dev) || dev < 1) throw bad(`--devices must be a positive integer, found "${dev}"`);
  if (dev % group !== 0) throw bad(`--devices ${dev} is not a multiple of tp·pp = ${group} (extra devices are data-parallel replicas)`);
  if (attentionDp && !m.moe) throw bad(`--attention-dp: ${m.id} has no experts (for a dense model, serve data-parallel replicas with --devices)`);
  const gather = attentionDp && dpMoe !== undefined;
  if (attentionDp && !gather && ep !== undefined && ep !== tp) throw bad(`--attention-dp spreads the experts over the tp devices: --ep must equal --tp ${tp} (or be left out)`);
  if (!attentionDp && m.heads % tp !== 0) throw bad(`${m.id}: ${m.heads} attention heads are not divisible by --tp ${tp}`);
  if (pp > m.layers) throw bad(`--pp ${pp} is more than the ${m.layers} layers of ${m.id}`);
  const e = ep ?? (attentionDp && !gather ? tp : 1);
  if (!Number.isInteger(e) || e < 1) throw bad(`--ep must be a positive integer, found "${e}"`);
  if (e > group) throw bad(`--ep ${e} is more than tp·pp = ${group} devices of a replica`);
  if (e > 1 && !m.moe) throw bad(`--ep ${e}: ${m.id} has no experts`);
  if (m.moe && e > 1 && m.moe.experts % e !== 0) throw bad(`--ep ${e} does not divide the ${m.moe.experts} experts of ${m.id}`);
  const mla = m.attention?.kind === 'mla';
  return {
    tp,
    pp,
    ep: e,
    devices: dev,
    replicas: dev / group,
    headsPerDevice: attentionDp ? m.heads : m.heads / tp,
    // Each device keeps at least one KV head: with tp > kv_heads the heads are replicated (Megatron/TRT-LLM).
    // MLA's latent cache is shared by all heads and replicated on every tp rank; expanded MLA (a runtime without an
    // MLA kernel, src/runtime/mla-cache.ts) caches K and V for each of the device's heads.
    kvHeadsPerDevice: mla ? (m.attention?.kind === 'mla' && m.attention.cache === 'expanded' ? (attentionDp ? m.heads : m.heads / tp) : 1) : attentionDp ? m.kv_heads : Math.max(1, m.kv_heads / tp),
    layersPerStage: m.layers / pp,
    expertShards: attentionDp && !gather ? e : Math.max(tp, e),
    attentionDp,
    dpMoe: gather ? dpMoe : undefined,
  };
}

// The link a collective over `group` devices uses: the scale-up domain (NVLink, Infinity Fabric, HCCS, ICI)
// when the group fits in it, else the scale-out network.
export function linkFor(hw: NormalizedHardware, group: number): { link: LinkSpec; scope: 'scale_up' | 'scale_out' } | undefined {
  const up = hw.scaleUp;
  if (up && (up.domain === undefined || group <= up.domain)) return { link: up, scope: 'scale_up' };
  if (hw.scaleOut) return { link: hw.scaleOut, scope: 'scale_out' };
  if (up) return { link: up, scope: 'scale_up' };
  if (hw.host) return { link: hw.host, scope: 'scale_out' };
  return undefined;
}

// NVLink SHARP (NVLS): third-generation NVSwitch reduces in the switch, so an all-reduce sends each byte to
// the switch once and receives the result once instead of the ring's 2(n−1)/n (NCCL 2.17+, NVIDIA blog
// "Scaling Deep Learning Training with NCCL 2.17 / NVLink SHARP"). Hopper (nvlink4) and Blackwell (nvlink5)
// behind an NVSwitch (domain ≥ 4) have it.
export function hasInSwitchReduction(link: LinkSpec | undefined): boolean {
  return !!link && (link.technology === 'nvlink4' || link.technology === 'nvlink5') && (link.domain ?? 0) >= 4;
}

// Seconds of one collective on this hardware; a device with no link at all pays a PCIe-class 16 GB/s host path.
// The efficiency depends on the message size (measured all-reduce sweeps, src/hardware/efficiency.ts), which
// already carries the start-up latency of small messages, so no separate latency term is added on the
// scale-up domain; a group that spans scale-up domains is priced by ./scale-out.ts (NCCL's hierarchical latency
// model and the NICs of every node member, not the intra-node sweep on one NIC).
//
// `inSwitch`: whether an all-reduce may use the NVSwitch's in-switch reduction (NVLS). Where a spec's sweep is
// of NVLS (`collective_algorithm: nvls`: nccl-tests on 8× H100 / H200, which gets it), `op allreduce` and
// calibration (which reproduce nccl-tests) pass true. Engines do not get it: NVLS on a framework's own tensors
// needs them allocated from NCCL's memory pool (PyTorch distributed maintainer, pytorch/pytorch issue #148837,
// 2025-03; torch.cuda.MemPool docs, PR #148374: "NCCL can use a fallback algorithm instead of NVLS");
// TensorRT-LLM's AllReduce plugin hands messages above 0.5 MB (TP8) / 1 MB (TP4) to plain ncclAllReduce on its own
// buffers (allreducePlugin.cpp selectImplementation, v0.15–0.17 era) and traces show nccl_allreduce_ring kernels
// (NVIDIA/TensorRT-LLM issue #2521, 2025-02); SGLang and NeMo turn NVLS off by default (sgl-project/sglang PR
// #631; NVIDIA/NeMo-Framework-Launcher PR #127). So an engine's all-reduce is a ring: on the spec's own ring sweep
// where it has one (GB200: Azure's "NCCL AllReduce (Ring algorithm)"), else on the point-to-point NVLink rate.
// A switchless full mesh splits each device's scale-up bandwidth evenly over its domain − 1 peers: 8x MI300X/MI325X/
// MI355X connect every GPU to each of the other seven by one xGMI link (AMD Instinct MI300X platform: 7 x 64 GB/s per
// direction; ROCm docs "MI300X system optimization"), and Gaudi 2 / Gaudi 3 give 3 of their 21 scale-up RoCE ports to
// each of the seven peers (Intel Gaudi 2 white paper; Gaudi 3 white paper). The 8 Ascend 910B of an Atlas A2 server are
// one such mesh of direct HCCS links (technology `hccs`): CANN tells a direct HCCS link (ACL_RT_DEVS_TOPOLOGY_HCCS)
// from one through an HCCS switch (ACL_RT_DEVS_TOPOLOGY_HCCS_SW, the A3 supernode fabric) in aclrtGetDevicesTopo, HCCL's
// rank-graph API (HcclRankGraphGetTopoTypeByLayer, which supports the Atlas 800T A2) types a server layer 1DMesh in
// its example, and any subset of an A2 server's NPUs may form a communicator where an Atlas 910 server's two 4-NPU HCCS
// groups (devices 0-3, 4-7) may not be crossed (CANN 8.x TensorFlow-migration guide, distributed-training precautions).
// A collective among g < domain devices can only use the links to its g − 1 peers: (g − 1)/(domain − 1) of the
// bandwidth. A switched fabric (NVLink behind NVSwitch, TPU ICI torus, the 910C's HCCS/UB supernode, `hccs-ub`) keeps
// it whole. The measured collective tables are 8-device (whole-mesh) runs.
export function meshShare(link: LinkSpec, group: number): number {
  const d = link.domain;
  if (!d || group >= d || group < 2 || !/^(xgmi|roce|hccs$)/.test(link.technology ?? '')) return 1;
  return (group - 1) / (d - 1);
}

// What a mesh share adds to a collective over g < domain devices of a switchless mesh (α–β: only the bandwidth term
// grows). The size sweep's fraction at `bytes` (measured on the whole 8-device domain) holds two parts: the start-up
// latency that dominates small messages and the link time of the bytes. A smaller group has fewer links (meshShare) but
// not a longer start-up: a TP-2 all-reduce of a few KiB on an xGMI mesh takes ~13 µs (ROCm/aiter PR #5272, MI308 TP 2,
// 1024-16384 elements bf16: 13.0-14.0 µs) where 8-way ones take 6-25 µs (vllm PR #39080, 8x MI355X; nccl-tests sweeps).
// So the extra time is the bytes' link time at the large-message fraction over the share, less the same at the whole
// domain: traffic/(bw·c)·(1/share − 1). Large messages keep traffic/(bw·c·share); a share of 1 adds nothing.
// The whole-domain fraction c is set by the slowest of the links running at once (8x MI300X: 45.2-47.2 GB/s per link
// in one all-to-all, the 8-GPU rccl-tests plateau 318-319 GB/s = 7 x 45.5: ROCm/rocm-blogs 'Understanding RCCL Bandwidth
// and xGMI Performance on AMD Instinct MI300X', 2025-03). A smaller group's links run at their own rate where the part
// gives it (`link_rate`, linkEfficiency): its link time is traffic/(bw·share·linkEfficiency).
function meshShareExtraSeconds(hw: NormalizedHardware, link: LinkSpec, group: number, traffic: number, scaleUp: boolean): number {
  const share = scaleUp ? meshShare(link, group) : 1;
  if (share >= 1) return 0;
  const large = largeMessageCollective(hw.efficiency);
  const own = link.linkEfficiency ?? large;
  return Math.max(0, traffic / (link.bandwidthBytePerS * share * own) - traffic / (link.bandwidthBytePerS * large));
}

// The sockets of one server (a CPU whose host link is UPI: Xeon 6980P) do not reduce over the NIC: SGLang's CPU ranks
// reduce through shared memory across UPI (sgl-kernel csrc/cpu/shm.cpp shm_allreduce, DeepSpeed's SHM all-reduce, which
// its authors time at 12 µs for 10 KB and 60 µs for 100 KB on a 2-socket Xeon with 8 ranks: deepspeedai/DeepSpeed PR
// #4049). That path is not priced yet: such a part keeps the plain per-step price of its scale-out link (10 µs per ring
// step, ~200 µs per 8-16 KB decode all-reduce at TP2), which stands in for it together with a per-step host cost of the
// CPU runtime that has no measurement (runtimes/sglang-cpu-2025.yaml, KNOWN GAP). NCCL's scale-out model would give
// ~23 µs and leave that host cost unpriced. LOW: two errors that offset, kept until a torch-profiler trace of one SGLang
// CPU TP-2 decode step (or a size sweep of shm_allreduce across two sockets) prices both.
export function socketPeers(hw: NormalizedHardware): boolean {
  return !hw.scaleUp && /^upi/.test(hw.host?.technology ?? '');
}

export function commSeconds(hw: NormalizedHardware, kind: CollectiveKind, bytes: number, group: number, inSwitch = false): number {
  if (group <= 1 || bytes <= 0) return 0;
  const l = linkFor(hw, group);
  // a group beyond the scale-up domain: NCCL's hierarchical tree / multi-NIC ring (./scale-out.ts)
  const domain = hw.scaleUp?.domain;
  // (a part with no scale-up domain is one device per node, as two DGX Sparks joined by one 200 GbE port:
  // ./scale-out-busbw.ts; except sockets of one server, socketPeers above)
  if (l?.scope === 'scale_out' && l.link === hw.scaleOut && (domain || !socketPeers(hw))) return scaleOutSeconds(hw, l.link, kind, bytes, group, domain ?? 1);
  const link: LinkSpec = l?.link ?? { bandwidthBytePerS: 16e9, latencyS: 10e-6 };
  // a TPU slice's ICI torus without a measured sweep: α–β with ICI's own op start and hop latency (./ici-collectives.ts),
  // not the NVLink-measured size shape, which would make a latency-bound message cost 1/bandwidth
  if (l?.scope === 'scale_up' && iciPriced(link, !!hw.efficiency.collectiveBySize)) {
    return iciCollectiveSeconds(kind, bytes, group, link, largeMessageCollective(hw.efficiency));
  }
  const nvswitch = l?.scope === 'scale_up' && hasInSwitchReduction(link);
  const nvlsSweep = nvswitch && hw.efficiency.collectiveAlgorithm === 'nvls';
  if (kind === 'allreduce' && nvlsSweep && inSwitch) {
    // push to the switch and pull the reduced buffer: one buffer each way (full duplex)
    return bytes / (link.bandwidthBytePerS * collectiveEfficiency(hw.efficiency, bytes));
  }
  // A ring (and every other collective) moves data point to point. On an NVSwitch system without a ring sweep of
  // its own, NCCL's protocol overhead leaves ~370 of NVLink4's 450 GB/s (NCCL maintainer, NVIDIA/nccl-tests issue
  // #212): that fraction times the common size shape.
  const ringSweep = !!hw.efficiency.collectiveBySize && !nvlsSweep;
  const eff = nvswitch && !ringSweep ? (NVLINK_P2P_BUSBW / 450e9) * collectiveShape(bytes) : collectiveEfficiency(hw.efficiency, bytes);
  const bw = link.bandwidthBytePerS * eff;
  // no scale-up fabric: NCCL over the PCIe host link, α–β with its measured start-up (./pcie-collectives.ts)
  if (l?.scope === 'scale_out' && overPcie(hw, l.link)) return pcieCollectiveSeconds(hw, kind, bytes, group, l.link);
  if (l?.scope === 'scale_out') return collectiveTime(kind, bytes, group, link, eff);
  const traffic = trafficFactor(kind, group) * bytes;
  const ring = traffic / bw + meshShareExtraSeconds(hw, link, group, traffic, l?.scope === 'scale_up');
  // An engine's (not nccl-tests') all-reduce on a Hopper NVSwitch node: the measured framework NCCL time where smaller
  // (./nccl-small-allreduce.ts); `inSwitch` callers reproduce nccl-tests and keep the sweep.
  if (kind === 'allreduce' && !inSwitch && nvswitch && link.technology === 'nvlink4' && group <= 8) {
    const measured = ncclSmallAllreduceSeconds(bytes, link.bandwidthBytePerS, bw, trafficFactor(kind, group));
    if (measured !== undefined) return Math.min(ring, measured);
  }
  return ring;
}
