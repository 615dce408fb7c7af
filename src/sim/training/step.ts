// One optimizer step of a TP × CP × PP × DP (+EP) training run:
//
//   layer ops ──opCost──▶ fwd/bwd per layer ──+ TP/CP/EP comm──▶ per micro-batch per stage
//        ──schedule (1F1B, interleaved, DualPipe) + bubble──▶ pipeline time ──+ exposed DP sync + optimizer──▶ step_s
//
// Communication is priced by src/sim/collectives.ts on the link each group lands on (./plan.ts), at the measured
// fraction of link bandwidth for that message size (src/hardware/efficiency.ts collectiveEfficiency, the same
// per-hardware tables simulate's commSeconds uses).
import type { Dtype, NormalizedHardware } from '../../spec/types.js';
import type { CollectiveKind } from '../../model/op.js';
import type { LinkSpec } from '../../spec/types.js';
import { collectiveEfficiency, collectiveShape, largeMessageCollective } from '../../hardware/efficiency.js';
import { iciCollectiveSeconds, iciPriced, iciStartSeconds } from '../ici-collectives.js';
import { trainingCollectiveTime } from './collective-time.js';
import { latencyOrShaped } from '../scale-out.js';
import { ncclLlLatency } from '../nccl-protocols.js';
import type { DecoderShape } from './shapes.js';
import { expertDataParallel, expertTp, groupLinks, linkForSpan, microBatchesPerPipeline, type PlanShape } from './plan.js';
import { eagerElementwise, headForwardOps, layerForwardOps, LOSS_BYTES, passCost, type PassCost } from './layer-cost.js';
import { capacityCopies } from './moe-capacity.js';
import { GRAD_BYTES, WEIGHT_BYTES } from './memory.js';
import type { Recompute, RecomputePolicy, StepBreakdown, ZeroStage } from './types.js';
import { policyOf } from './memory.js';
import { exposedComm, overlapShares } from '../overlap.js';
import { beforeSyncForwardS, moeHostFloor, syncedMoePass, withMoeHostFloor, type MoeHostFloor } from './moe-host-sync.js';
import { expertLoopHostFloor, hitExperts } from './expert-loop.js';
import { zero3ModuleGathers, zero3RecomputeRegathers, type ModuleGathers } from './zero3-modules.js';
import { launchFloorS } from '../../runtime/launch.js';
import { dpExposed, edgeBuckets } from './dp-overlap.js';
import { zeroGatherInStep, zeroReduceOnCompute, zeroReductions } from './zero-overlap.js';
import { withContention } from './contention.js';
import { linkCollectiveEfficiency } from './link-efficiency.js';
import { nodeAwarePairsPerToken } from '../ep-alltoall-bytes.js';
import { ranksPerDomain, ringEfficiency } from './ring-nics.js';
import { materialiseAttention } from './materialised-attention.js';
import { fsdpCopySeconds } from './fsdp-copies.js';
import { fsdpStepTraffic } from './fsdp-reshard.js';
import { fsdpEdgeGroups } from './fsdp-edges.js';
import { shardGroups } from './fsdp-scope.js';
import { ppFlushP2pExposed, ppSteadyShare } from './pp-flush-p2p.js';

// Megatron-LM's DDP bucket: max(40M, 1M·dp) parameters (megatron/core/distributed/distributed_data_parallel_config.py).
// Bucketed gradient reduction overlaps the backward pass except for the last bucket (Li et al. 2020, "PyTorch
// Distributed: Experiences on Accelerating Data Parallel Training", §3.2.3; ./dp-overlap.ts).
const BUCKET_PARAMS = 40e6;
// Adam's update streams per parameter: read fp32 master, m, v and the gradient, write master, m, v and the bf16 copy
// (4+4+4+2 read, 4+4+4+2 written).
const ADAM_BYTES_PER_PARAM = 28;
// DualPipe overlaps the all-to-all with compute by giving the dispatch/combine kernels 20 of the H800's 132 SMs
// (DeepSeek-V3 report §3.2.2); the compute of an overlapped chunk runs on the rest. Other devices: the same 20 units
// of their `units` count (SMs, CUs), or the same 15% share when the spec gives none.
const A2A_COMM_UNITS = 20;
const A2A_COMM_SHARE_DEFAULT = 20 / 132;

/**
 * Bytes per hidden element of one dispatched token copy. DeepSeek-V3 quantizes activations to fp8 before the
 * dispatch all-to-all (report §3.3; its DualPipe schedule, which this engine models only with DeepSeek's own
 * node-aware dispatch, always does); a runtime whose dispatcher exchanges bf16 tokens and quantizes after the
 * exchange (training.ep_dispatch: bf16, Megatron-Core's alltoall dispatcher) moves 2 bytes even with fp8 GEMMs.
 * Combine and both backward exchanges stay 16-bit either way.
 */
export function epDispatchBytes(gemmDtype: Dtype, runtimeDispatch: 'fp8' | 'bf16' | undefined, dualpipe: boolean): number {
  if (gemmDtype !== 'fp8') return 2;
  return runtimeDispatch === 'bf16' && !dualpipe ? 2 : 1;
}

// ZeRO-3 as DeepSpeed v0.3.13-v0.5.10 ran it gathers each parameter with torch.distributed.all_gather into a list of
// per-rank views of one buffer (partition_parameters.py _allgather_param @v0.3.13: `for i in range(world_size):
// partitions.append(flat_tensor.narrow(...))`) and reduce-scatters each gradient from such a list
// (_reduce_scatter_gradient); the PyTorch of those releases ran a list collective on a flat copy, one copy_ per rank:
// ProcessGroupNCCL::allgather copies the flat output into each rank's tensor after ncclAllGather, reduce_scatter copies
// each rank's input into the flat buffer before ncclReduceScatter (pytorch/pytorch torch/lib/c10d/ProcessGroupNCCL.cpp
// @00f5dfd5). So each collective launches a kernel per rank of its group: `zero3_rank_kernels` per rank, each at the
// runtime's per-kernel host time (launch.per_kernel), linear in the group size (15 ms a collective at 1,536 ranks and
// 10 us a kernel). The Python narrow per rank launches nothing and is not counted (it too costs the host time).
export function zero3RankHostS(hw: NormalizedHardware, ranks: number): number {
  const k = hw.runtime?.training?.zero3RankKernels ?? 0;
  return k > 0 && ranks > 1 ? k * ranks * launchFloorS(hw) : 0;
}

/**
 * Mean bytes per parameter of a ZeRO-3 weight all-gather: WEIGHT_BYTES, or 1 for the linear layers' weights when the
 * GEMMs are fp8 and the runtime gathers them in fp8 (training.fsdp_gather_dtype: fp8), or the GEMMs are AQT int8: XLA's
 * partitioner quantizes the FSDP-sharded kernel where it lies and gathers the int8 tensor (google/maxtext @e64f6813
 * MaxText/layers/linears.py maybe_all_gather_kernel_weight_in_expert_parallelism: "compiler will handle
 * communication automatically, esp. with int8 quantization, kernel will be all-gathered in int8 instead of
 * weight_dtype"); embedding and LM head keep 16 bits (norm weights are negligible). `expert`: the routed experts'
 * parameters, all linear.
 */
export function zero3GatherBytes(s: DecoderShape, gemmDtype: Dtype, gatherDtype: 'fp8' | 'bf16' | undefined, zero: ZeroStage, expert = false): number {
  if (zero !== 3 || !(gemmDtype === 'int8' || (gemmDtype === 'fp8' && gatherDtype === 'fp8'))) return WEIGHT_BYTES;
  if (expert) return 1;
  const dense = s.paramsDense;
  const sixteen = Math.min(dense, s.paramsEmbedding + s.paramsHead);
  return dense > 0 ? (WEIGHT_BYTES * sixteen + (dense - sixteen)) / dense : WEIGHT_BYTES;
}

export interface StepInput {
  shape: DecoderShape;
  plan: PlanShape;
  hw: NormalizedHardware;
  gemmDtype: Dtype;
  recompute: Recompute | RecomputePolicy;
  zero: ZeroStage;
}

export interface StepResult {
  stepS: number;
  breakdown: StepBreakdown;
  hardwareFlopsPerDevice: number; // executed on one device per step (with recompute)
}

/**
 * Layers' worth of work on the busiest pipeline stage, which sets the pace of every micro-batch. `headLayers`: the LM
 * head + loss of one micro-batch in units of one decoder layer's forward + backward.
 *
 * Balanced (the default): stages hold L/p layers (Narayanan et al. 2021) and the head's work is spread as if the split
 * absorbed it (Llama 3 §3.3.2 moves a layer off the first and last stage for the embedding and the head), never less
 * than the whole layers a stage must hold.
 *
 * 'even' (runtime training.pp_split, Megatron-Core): without a pipeline layout, first/last-stage layer counts or
 * account_for_embedding/loss_in_pipeline_split (all off by default), every stage builds num_layers / pp decoder layers
 * (num_layers / (pp·v) per virtual chunk) and the output layer and loss run on the last stage on top of them
 * (NVIDIA/Megatron-LM megatron/core/transformer/transformer_layer.py get_transformer_layer_offset;
 * megatron/core/models/gpt/gpt_model.py builds output_layer only where post_process, the last stage). That split needs
 * L divisible by pp·v; a run whose layer count is not must have set one of those options (e.g. Llama 3.1 405B's 126
 * layers on PP 8 × VP 8 with both account_for flags: (126 + 2) / 64 = 2 per chunk), so it keeps the balanced model.
 */
export function pipelineStageLayers(layers: number, pp: number, v: number, headLayers: number, split?: 'even' | 'balanced'): number {
  // (pp 1: every layer and the head on the one stage, either way)
  if (split === 'even' && layers % (pp * Math.max(1, v)) === 0) return layers / pp + headLayers;
  return Math.max(Math.ceil(layers / pp), layers / pp + headLayers / pp);
}

function addPass(a: PassCost, b: PassCost, k = 1): PassCost {
  return {
    fwdS: a.fwdS + k * b.fwdS,
    bwdS: a.bwdS + k * b.bwdS,
    attnFwdS: a.attnFwdS + k * b.attnFwdS,
    fwdFlops: a.fwdFlops + k * b.fwdFlops,
    bwdFlops: a.bwdFlops + k * b.bwdFlops,
  };
}

// A model kept in fp32 and run under autocast (PyTorch AMP: the parameters stay fp32, autocast casts each weight to
// the compute dtype at its op, its cast is cached for the autocast region, one micro-batch; Transformer Engine layers
// with fp32 parameters cast them to fp8 every forward the same way) moves, per parameter and micro-batch, the runtime's
// training.param_cast_bytes (forward cast: read 4, write 2 or 1 + 1 transposed; backward: the gradient cast back to
// fp32 for the parameter, read 2, write 4). Each micro-batch after the first also adds its fp32 gradient into .grad
// (AccumulateGrad in place: read 4 + 4, write 4). Weight-sized work, so it does not shrink with the micro-batch: it
// weighs on small models and small batches. Not under ZeRO-3 / FSDP, whose shards are cast before the gather.
export const GRAD_ACCUMULATE_FP32_BYTES = 12;

// One device's parameters (the average pipeline stage): dense over tp·pp, routed experts over etp·pp·ep.
function deviceParams(s: DecoderShape, p: PlanShape): { dense: number; expert: number } {
  return { dense: s.paramsDense / (p.tp * p.pp), expert: s.paramsExpert / (expertTp(p) * p.pp * p.ep) };
}

// DualPipe keeps two stages on each device (stage i and p−1−i: "Parameter 2×" in the DeepSeek-V3 report's Table 2).
function stageCopies(p: PlanShape): number {
  return p.schedule === 'dualpipe' ? 2 : 1;
}

function paramCastSeconds(i: StepInput, microBatches: number): number {
  const { shape: s, plan: p, hw } = i;
  const bytes = hw.runtime?.training?.paramCastBytes;
  if (!bytes || i.zero >= 3) return 0;
  const { dense, expert } = deviceParams(s, p);
  const params = dense + expert;
  const perMb = bytes + (GRAD_ACCUMULATE_FP32_BYTES * (microBatches - 1)) / microBatches;
  return (params * perMb) / (hw.memory.bandwidthBytePerS * hw.efficiency.memory);
}

// Transformer Engine quantizes an fp8 GEMM's 16-bit weight into a cached workspace when the layer is called with
// is_first_microbatch True (or None) and reuses it for the step's later micro-batches (TransformerEngine
// transformer_engine/pytorch/module/linear.py: update_workspace = is_first_microbatch is None or is_first_microbatch);
// Megatron-Core passes it (megatron/core/extensions/transformer_engine.py TELinear.forward; schedules.py forward_step
// calls model.set_is_first_microbatch() on each step's first micro-batch). So once per optimizer step every linear
// weight of the stage is read and written at the runtime's fp8_quantize_bytes (current scaling: amax read 2, cast read
// 2, row- and column-wise fp8 writes 1 + 1), on the compute stream before that micro-batch's GEMMs (runtime
// training.fp8_weight_cast per_step). Weights kept in fp8 (fp8 primary weights) skip it: not expressed. Not under ZeRO-3.
export function fp8WeightCastSeconds(i: StepInput): number {
  const { shape: s, plan: p, hw } = i;
  const qb = hw.runtime?.training?.fp8QuantizeBytes ?? 3;
  if (i.gemmDtype !== 'fp8' || hw.runtime?.training?.fp8WeightCast !== 'per_step' || i.zero >= 3) return 0;
  // the linear layers' weights on one device (embedding, LM head and norms stay 16-bit; DualPipe holds two stages)
  const linear = (s.paramsDense - s.paramsEmbedding - s.paramsHead) / (p.tp * p.pp) + deviceParams(s, p).expert;
  return (stageCopies(p) * linear * qb) / (hw.memory.bandwidthBytePerS * hw.efficiency.memory);
}

// Megatron-Core's DDP touches the whole unsharded gradient buffer on the compute stream: it zeroes it at the start of
// every iteration (megatron/training/training.py @d98e8a6 train_step → zero_grad_buffer → grad_data.zero_()), and before
// the data-parallel reduce-scatter, as each bucket's last gradient lands (megatron/core/distributed/
// param_and_grad_buffer.py @d98e8a6 start_grad_sync), check_grads takes each bucket's grad_data.norm() when
// check_for_nan_in_grad (Megatron-LM --check-for-nan-in-loss-and-grad, on by default; NeMo / Megatron-Bridge recipes
// set it): the runtime's training.grad_buffer_passes counts both. Then `if bucket.gradient_scaling_factor != 1.0: grad_data *= gradient_scaling_factor`
// reads and writes it again, with the factor from distributed_data_parallel.py: 1/(dp·cp) on every bucket when the
// collective does not average (average_in_collective False, Megatron-Core's default), else 1 on the dense buckets and
// edp/(dp·cp) on the expert ones (edp = expertDataParallel) (training.average_in_collective). Each pass moves the device's
// parameters × the gradient's bytes. Not under ZeRO-3. (check_grads also syncs the host per bucket,
// rerun_state_machine.validate_result on a device tensor: not priced.)
export function gradBufferSeconds(i: StepInput, gradBytes: number): number {
  const { shape: s, plan: p, hw } = i;
  const t = hw.runtime?.training;
  if (i.zero >= 3) return 0;
  const { dense, expert } = deviceParams(s, p);
  const check = t?.gradBufferPasses ?? 0;
  const avg = t?.averageInCollective;
  const scaled = avg === false ? (p.dp * p.cp > 1 ? dense + expert : 0) : avg === true && expertDataParallel(p) !== p.dp * p.cp ? expert : 0;
  const paramPasses = check * (dense + expert) + 2 * scaled;
  if (!(paramPasses > 0)) return 0;
  return (stageCopies(p) * paramPasses * gradBytes) / (hw.memory.bandwidthBytePerS * hw.efficiency.memory);
}

export function stepTime(i: StepInput): StepResult {
  const { shape: s, plan: p, hw } = i;
  // one collective of `bytes` (its buffer: the all-reduce / all-gather size, or the message of a p2p send) at the
  // fraction of the link a ring reaches at that size on that link (./link-efficiency.ts), its start-up latency counted
  // once (./collective-time.ts)
  const domain = hw.scaleUp?.domain ?? 1;
  const comm = (kind: CollectiveKind, bytes: number, n: number, link: LinkSpec) =>
    trainingCollectiveTime(hw, kind, bytes, n, link, linkCollectiveEfficiency(hw, link, bytes), ranksPerDomain(domain, 1, n));
  const links = groupLinks(hw, p);
  const dualpipe = p.schedule === 'dualpipe';
  const T = (p.microBatch * p.seqLen) / p.cp;
  const m = microBatchesPerPipeline(p);

  // 1. compute of one micro-batch through one dense / MoE layer and the head. Block-wise full recompute reruns the
  //    forward of k of each model chunk's ⌈L/(pp·v)⌉ layers (Megatron --recompute-method block), the head never.
  const pol = policyOf(i.recompute);
  const chunkSlots = Math.ceil(s.layers / (p.pp * (dualpipe ? 1 : p.interleave)));
  const fullShare = pol.granularity !== 'full' ? 0 : pol.numLayers === null ? 1 : Math.min(1, pol.numLayers / chunkSlots);
  // torchtitan's op-level SAC (runtimes/torchtitan.yaml training.selective: op) on dense blocks; MoE and MLA blocks
  // keep the module model (their op order under that policy is not modelled)
  // a MaxText remat policy (--remat-policy, ./remat-policy.ts) likewise prices dense, non-MLA blocks by the ops it saves
  const opPolicy = (hw.runtime?.training?.selective === 'op' || pol.remat !== undefined) && !s.mla ? s : undefined;
  const eager = eagerElementwise(hw);
  const qb = hw.runtime?.training?.fp8QuantizeBytes;
  const rb = hw.runtime?.training?.fp8BackwardRescaleBytes;
  // a runtime that writes attention's scores out (kernels.attention_scores) pays their traffic (./materialised-attention.ts)
  // a runtime whose attention expands grouped K/V to every query head (kernels.kv_repeat materialized) copies them first
  const kvRepeat = hw.runtime?.kernels?.kvRepeat === 'materialized';
  // a runtime whose tensor parallelism splits the linears only keeps the norms and residual adds whole on each rank
  const sequenceParallel = hw.runtime?.training?.sequenceParallel !== false;
  const dense = passCost(materialiseAttention(layerForwardOps(s, p, { moe: false, gemmDtype: i.gemmDtype, eager, quantizeBytes: qb, rescaleBytes: rb, kvRepeat, sequenceParallel }), s, p, hw), hw, pol, fullShare, opPolicy);
  // the alltoall dispatcher sorts received tokens by local expert and back; DeepEP-style dispatchers (runtime
  // training.ep_dispatcher node_aware, DualPipe's own) place them in the dispatch kernel (./layer-cost.ts)
  const sortChunks = hw.runtime?.training?.epDispatcher !== 'node_aware' && !dualpipe;
  const cf = hw.runtime?.training?.moeCapacityFactor;
  const moeOps = s.moeLayers > 0 ? materialiseAttention(layerForwardOps(s, p, { moe: true, gemmDtype: i.gemmDtype, eager, quantizeBytes: qb, rescaleBytes: rb, sortChunks, capacityFactor: cf, kvRepeat, sequenceParallel }), s, p, hw) : [];
  let moe = s.moeLayers > 0 ? passCost(moeOps, hw, pol, fullShare) : dense;
  // a dropless MoE layer the runtime syncs with the host every forward lasts at least the host's issue time
  // (./moe-host-sync.ts), applied in 4c once the layer's exchanges are known; full recompute issues the forward's
  // kernels once more in the backward
  const mh = hw.runtime?.training?.moeHost;
  let syncFloor: MoeHostFloor | undefined;
  const loop = hw.runtime?.training?.expertLoop;
  if (loop && s.moeLayers > 0) {
    // experts run one at a time from Python (./expert-loop.ts): the hit experts of this device's T tokens, each with
    // its host ops (and ZeRO-3's hooks on its modules); full recompute runs the forward's loop once more
    const hit = hitExperts((T / p.tp) * p.ep, s.experts, s.active, s.experts / p.ep);
    // (no per-expert hooks where the framework makes the block a ZeRO-3 leaf: training.zero3_moe_leaf)
    const f = expertLoopHostFloor(loop, hit, launchFloorS(hw), i.zero === 3 && !hw.runtime?.training?.zero3MoeLeaf, hw.runtime?.training?.hostCpuScale);
    moe = withMoeHostFloor(moe, { fwdS: f.fwdS, bwdS: f.bwdS + fullShare * f.fwdS });
  } else if (mh && s.moeLayers > 0) {
    const f = moeHostFloor(mh, s.experts / p.ep, launchFloorS(hw), i.gemmDtype === 'fp8', hw.runtime?.training?.hostCpuScale);
    syncFloor = { ...f, bwdS: f.bwdS + fullShare * f.fwdS };
  }
  // the loss's bytes per logit element: the runtime's cross-entropy passes where it states them (layer-cost.ts)
  const rtT = hw.runtime?.training;
  const loss = { forward: rtT?.lossForwardBytes ?? LOSS_BYTES.forward, backward: rtT?.lossBackwardBytes ?? LOSS_BYTES.backward };
  const head = passCost(headForwardOps(s, p, i.gemmDtype, loss), hw, pol.granularity === 'full' ? 'selective' : pol);

  // 2. TP with sequence parallelism: per layer 2 all-gathers + 2 reduce-scatters of the [b·s/cp, h] bf16 activation
  //    forward, the same backward (Korthikanti et al. 2022 §4.2.2, replacing Megatron's 2 + 2 all-reduces at equal
  //    volume); full recompute repeats the forward ones. Not overlapped with compute (Megatron default).
  //    Per half (attention, MLP): AG + RS forward, RS + AG backward, AG + RS again under full recompute.
  //    A MoE layer has the attention's pair only: Megatron-Core's MoELayer feeds its sequence-parallel input straight to
  //    the router and the token dispatcher, whose own gather over the expert TP group (4b) replaces the MLP's
  //    (NVIDIA/Megatron-LM megatron/core/transformer/moe/moe_layer.py @d98e8a6: route → dispatch_preprocess →
  //    all-to-all → dispatch_postprocess, token_dispatcher.py MoEAlltoAllTokenDispatcher "(4) dispatch postprocess:
  //    AG(TP)"), and torchtitan keeps the MoE input at its sequence-parallel layout under EP (torchtitan
  //    torchtitan/models/common/MOE_SHARDING.md @b5bcd76: EP on, SP on: Shard(1) → Shard(1)). A shared expert runs the
  //    MLP's pair of its own (Megatron-Core shared_experts.py SharedExpertMLP(MLP): gather_from_sequence_parallel_region
  //    / reduce_scatter_to_sequence_parallel_region over the TP group; torchtitan: shared experts on the dense TP plan).
  //    A runtime whose experts leave TP at ep = 1 (training.expert_tp 1: torchtitan's EP off gathers the MoE input,
  //    Shard(1) → Replicate, and reduce-scatters its output, MOE_SHARDING.md) pays the MLP's pair on MoE layers too.
  const actBytes = T * s.hidden * 2;
  const tpOne = comm('allgather', actBytes, p.tp, links.tp);
  const tpHalf = tpOne * (4 + 2 * fullShare);
  const moeBlockGather = hw.runtime?.training?.expertTp === 1 && p.ep === 1;
  const tpDenseLayer = 2 * tpHalf;
  const tpMoeLayer = tpHalf * (s.sharedWidth > 0 || moeBlockGather ? 2 : 1);

  // 3. CP: ring attention passes each rank's K,V shard cp−1 times forward; backward passes K,V and their gradients
  //    (Liu et al. 2023, "Ring Attention"; Megatron-Core context parallelism). Each hop overlaps the attention of the
  //    previous chunk, so only the excess is exposed.
  const vKv = s.kvDim === s.qDim ? s.vDim : s.kvDim;
  const kvBytes = (T * (s.kvDim + vKv) * 2) / p.tp;
  const cpFwd = (p.cp - 1) * comm('p2p', kvBytes, 2, links.cp);
  // (the attention beside each hidden hop runs slower: ./contention.ts)
  const cpExposed = (c: PassCost) => withContention(3 * cpFwd, Math.max(0, cpFwd - c.attnFwdS) + Math.max(0, 2 * cpFwd - 2 * c.attnFwdS));

  // 4. EP: all-to-all dispatch + combine forward, and their gradients backward (Lepikhin et al. 2021 GShard;
  //    Megatron-Core alltoall token dispatcher). Each device routes its T/tp tokens to `active` experts; the dispatch
  //    moves fp8 tokens only where the runtime quantizes before the exchange (epDispatchBytes). Peers off the scale-up domain go over the NIC, the rest over NVLink,
  //    concurrently. Megatron's alltoall dispatcher sends one copy per routed expert. DualPipe runs DeepSeek's
  //    node-aware dispatch (DeepSeek-V3 §3.2.2; github deepseek-ai/DeepEP internode kernels): a token crosses the
  //    network once per destination node and is fanned out to that node's experts over NVLink; its kernels take the
  //    time of the expected number of distinct nodes, its own included, among `active` uniformly routed experts,
  //    N·(1 − (1 − 1/N)^k) for an EP group spread over N nodes, at the rate DeepEP measured over that count
  //    (../ep-alltoall-bytes.ts); a group-limited router (DeepSeek-V3: top-4 of 8 expert blocks, moe.expert_groups /
  //    topk_groups) reaches fewer nodes, at most 4 where the blocks are nodes.
  let epPerLayer = 0;
  if (p.ep > 1 && s.moeLayers > 0) {
    const tokens = T / p.tp;
    const bytesPerCopy = s.hidden * (epDispatchBytes(i.gemmDtype, hw.runtime?.training?.epDispatch, dualpipe) + 2 + 2 + 2);
    // a capacity-factor dispatch (./moe-capacity.ts) reshards the whole [E, B, C, M] dispatch tensor onto the expert
    // shards, empty slots included: E·C rows per sequence of S tokens instead of S·k routed copies
    const copies = cf !== undefined && cf > 0 ? capacityCopies(s, p, cf) / p.tp : tokens * s.active;
    const leaving = (copies * bytesPerCopy * (p.ep - 1)) / p.ep;
    // NCCL's all-to-all: the (ep − g)/ep of the copies bound for other nodes cross the NIC (../ep-alltoall-bytes.ts)
    let off = copies * bytesPerCopy * links.epOffNodeFraction;
    let on = leaving - off;
    // node-aware dispatch: DualPipe (DeepSeek's own), or a runtime whose dispatcher is DeepEP / HybridEP (Megatron-Core's
    // flex dispatcher: training.ep_dispatcher node_aware). DeepEP's internode normal kernels send a token over RDMA
    // once per destination node and forward it over NVLink there: its own benchmark counts the RDMA bytes as the
    // (token, node) pairs after de-duplicating each token's top-k by node, the token's own node included, and times
    // them at its measured rate (deepseek-ai/DeepEP tests/test_internode.py @567632d: rdma_idx = topk_idx // (experts /
    // nodes), inplace_unique, num_rdma_token_sent; ../ep-alltoall-bytes.ts), and HybridEP keeps the same hierarchy
    // (DeepEP hybrid_ep branch docs/README_Hybrid-EP.md: inter-node RDMA, intra-node NVLink/TMA; ASSUMPTION: at
    // DeepEP's rate, no HybridEP kernel benchmark read).
    const nodeAware = dualpipe || hw.runtime?.training?.epDispatcher === 'node_aware';
    if (nodeAware && links.epOffNodeFraction > 0) {
      const domain = hw.scaleUp?.domain ?? 1;
      const nodes = Math.ceil((p.ep * expertTp(p)) / domain);
      off = tokens * nodeAwarePairsPerToken(nodes, s.active, s.groupLimit) * bytesPerCopy;
      on = leaving; // every copy still lands on its GPU over NVLink (local ones, and the fan-out of remote ones)
    }
    // off-node traffic at what an all-to-all reaches over that network (./link-efficiency.ts), NVLink traffic at the
    // spec's scale-up sweep. Those size-shaped rates carry the start-up latency (./collective-time.ts); over the network
    // NCCL's all-to-all latency (one network hop, src/sim/scale-out.ts) for each of the four exchanges bounds the
    // large-message wire time from below instead, whichever is longer.
    const offEff = linkCollectiveEfficiency(hw, links.epOut, off, true);
    const offWire = off > 0 ? off / (links.epOut.bandwidthBytePerS * offEff) : 0;
    const offS = off > 0 ? latencyOrShaped(4 * ncclLlLatency('alltoall', p.ep, 1), offWire * collectiveShape(off), off) : 0;
    // full recompute reruns the layer's forward, its dispatch and combine with it (Megatron-Core checkpoints the whole
    // TransformerLayer): 2 more exchanges beside the 4, as the TP pairs above
    // On a TPU slice's ICI (../ici-collectives.ts) the four exchanges are four all-to-alls over the ep devices' torus
    // axes, each with its op start and hops, their buffers (the device's own copies included: `on` is what leaves it)
    // crossing the axes part-way round.
    const iciUp = iciPriced(links.epUp, !!hw.efficiency.collectiveBySize);
    const onS = on <= 0 ? 0
      : iciUp ? 3 * iciStartSeconds('alltoall', p.ep, links.epUp) + iciCollectiveSeconds('alltoall', (on * p.ep) / (p.ep - 1), p.ep, links.epUp, largeMessageCollective(hw.efficiency))
      : on / (links.epUp.bandwidthBytePerS * collectiveEfficiency(hw.efficiency, on));
    epPerLayer = Math.max(offS, onS) * (1 + fullShare / 2);
  }
  // 4b. expert tensor parallelism (etp > 1, Megatron-Core's default etp = tp): the alltoall dispatcher all-gathers the
  //     rows the all-to-all delivered over the expert TP group before the expert GEMMs and reduce-scatters the expert
  //     outputs before the combine (NVIDIA/Megatron-LM megatron/core/transformer/moe/token_dispatcher.py @d98e8a6
  //     MoEAlltoAllTokenDispatcher.dispatch_postprocess / combine_preprocess: gather_from_sequence_parallel_region /
  //     reduce_scatter_to_sequence_parallel_region over expt_tp; core_r0.9.0 the same over the TP group), and the
  //     backward runs the reverse pair: four collectives per MoE layer over etp ranks whose gathered buffer is those
  //     ranks' routed rows, (T/tp)·etp·k·h in bf16. They are plain NCCL calls inside the dispatcher, not Transformer
  //     Engine's userbuffer TP overlap, so they are exposed as the all-to-all is (and hidden with it where the runtime
  //     overlaps the all-to-all). Not priced for DeepEP / HybridEP (node_aware), which dispatch each token to the etp
  //     ranks of its expert directly, nor for DualPipe or the capacity-factor einsum dispatch, nor where the MoE block
  //     gathers its whole input over TP instead (moeBlockGather, section 2). Full recompute reruns the forward pair.
  const et = expertTp(p);
  if (et > 1 && s.moeLayers > 0 && !dualpipe && !moeBlockGather && hw.runtime?.training?.epDispatcher !== 'node_aware' && !(cf !== undefined && cf > 0)) {
    const gathered = (T / p.tp) * et * s.active * s.hidden * 2;
    epPerLayer += (4 + 2 * fullShare) * comm('allgather', gathered, et, linkForSpan(hw, et).link);
  }

  // 4c. the MoE layer's host floor in issue order (./moe-host-sync.ts syncedMoePass). The exchanges run in the layer's
  //     own stream order, behind the host's issue of what follows them, unless the runtime hides them behind another
  //     micro-batch (ep_two_batch) or DualPipe pairs chunks. Of epPerLayer's 4 (+2 under full recompute) exchanges of
  //     equal size, the forward runs 2 (dispatch and combine; an fp8 dispatch is smaller: not told apart).
  if (syncFloor) {
    const own = overlapShares(hw).epTwoBatch === 0 && !dualpipe;
    const eF = epPerLayer / (2 + fullShare);
    moe = syncedMoePass(moe, syncFloor, beforeSyncForwardS(moeOps, hw, pol, fullShare), own ? { fwdS: eF, bwdS: epPerLayer - eF } : undefined);
  }

  // 5. one micro-batch through one pipeline stage: balanced stages (Narayanan et al. 2021 assume L/p layers per
  //    stage; Llama 3 §3.3.2 moves a layer off the first and last stage to absorb embedding and head), but never
  //    less than the whole layers a stage must hold.
  const layerAvg = (k: keyof PassCost) => (s.denseLayers * dense[k] + s.moeLayers * moe[k]) / s.layers;
  const layerS = layerAvg('fwdS') + layerAvg('bwdS');
  const stageLayers = pipelineStageLayers(s.layers, p.pp, dualpipe ? 1 : p.interleave, (head.fwdS + head.bwdS) / layerS, hw.runtime?.training?.ppSplit);
  // ZeRO-3 under FSDP2 copies every gathered parameter out of the flat all-gather buffer and packs every gradient into
  // the reduce-scatter buffer on the compute stream (runtime training.fsdp_layout per_parameter: ./fsdp-copies.ts)
  // gradients travel (and are packed) in the runtime's reduce dtype where its spec gives one (torchtitan: FSDP2
  // MixedPrecisionPolicy reduce_dtype, fp32 by default), else 2 bytes (GRAD_BYTES, the engine's pricing before runtimes said)
  const reduceBytes = hw.runtime?.training?.reduceDtype === 'fp32' ? 4 : GRAD_BYTES;
  const gatherDtype = hw.runtime?.training?.fsdpGatherDtype;
  const gatherBytes = zero3GatherBytes(s, i.gemmDtype, gatherDtype, i.zero);
  const expertGatherBytes = zero3GatherBytes(s, i.gemmDtype, gatherDtype, i.zero, true);
  const { dense: denseParams, expert: expertParams } = deviceParams(s, p); // average stage
  const fsdpS = fsdpCopySeconds(hw, i.zero, denseParams, gatherBytes, reduceBytes, m, p.pp) + fsdpCopySeconds(hw, i.zero, expertParams, expertGatherBytes, reduceBytes, m, p.pp);
  const stageComputeS = (p.pp === 1 ? s.layers : stageLayers) * layerS + (p.pp === 1 ? head.fwdS + head.bwdS : 0) + paramCastSeconds(i, m) + fsdpS;
  // TP collectives the runtime overlaps with the GEMMs they feed (Megatron --tp-comm-overlap, torchtitan AsyncTP):
  const ov = overlapShares(hw);
  // only the share it cannot hide, and never less than what exceeds the stage's compute (src/sim/overlap.ts); the
  // GEMMs beside the hidden share run slower (./contention.ts)
  // Communication follows the decoder layers the stage holds, not the head's work counted in layers: the head is one
  // vocab-parallel GEMM with no per-layer TP/CP/EP collective
  const commLayers = Math.min(stageLayers, Math.ceil(s.layers / p.pp));
  const tpAll = (commLayers * (s.denseLayers * tpDenseLayer + s.moeLayers * tpMoeLayer)) / s.layers;
  const tpS = withContention(tpAll, exposedComm(tpAll, stageComputeS, ov.tpComm));
  const cpS = (commLayers * (s.denseLayers * cpExposed(dense) + s.moeLayers * cpExposed(moe))) / s.layers;
  const epS = (commLayers * epPerLayer * s.moeLayers) / s.layers;
  // PP point-to-point: the [b·s/cp, h] activation forward and its gradient backward, 1/tp of it each with the
  // scatter/gather optimization (Narayanan et al. 2021 §4.1); v boundaries per micro-batch when interleaved.
  const p2pS = p.pp > 1 ? 2 * p.interleave * comm('p2p', actBytes / p.tp, 2, links.pp) : 0;

  // 6. the schedule
  let perMicroBatch: number;
  let bubbleS: number;
  let epExposed = epS;
  let p2pExposed = p2pS;
  // the interleaved schedule's warmup and cooldown sends, blocking where the runtime says so (./pp-flush-p2p.ts):
  // once per step, one chunk boundary's transfer (p2pS / 2v) per blocking exchange
  let p2pFlushS = 0;
  if (!dualpipe) {
    // 1F1B: m micro-batches plus the bubble of (p−1)/v micro-batch slots (Narayanan et al. 2021 §2.2: bubble fraction
    // (p−1)/m, divided by v with the interleaved schedule). TP and EP communication are not overlapped (Megatron
    // defaults). PP sends block in plain 1F1B; the interleaved schedule posts them asynchronously behind the next
    // chunk's compute (Megatron-LM --overlap-p2p-communication, on by default for it; Llama 3 §3.3.2: "we adopt
    // asynchronous point-to-point communication in PP"), so only what exceeds the compute shows: in the steady 1F1B
    // phase; Megatron-Core's warmup and cooldown sends block (p2pFlushS). The sends it hides are NCCL send/receive
    // kernels running on the device beside that compute, holding SMs as the other hidden collectives do, so the
    // compute beside them runs slower (./contention.ts, as the TP, CP, EP and DP shares above and below); the blocking
    // flush sends run between chunks, with no compute beside them. LIMIT: the 0.189 was measured for ring collectives
    // inside 4-GPU nodes (arXiv 2507.03114); a pipeline send between nodes is driven over the network by a few NCCL
    // channels and likely holds less of the device per second of transfer, so this may overstate it. No
    // send/receive-beside-compute measurement was found.
    if (p.interleave > 1) {
      p2pExposed = withContention(p2pS, Math.max(0, p2pS - stageComputeS));
      if (hw.runtime?.training?.ppWarmupFlushP2p === 'blocking') {
        p2pFlushS = ppFlushP2pExposed(p2pS / (2 * p.interleave), p.pp, p.interleave, m);
        // the W warmup / cooldown chunks are priced there: the steady phase holds the other m·v − W
        p2pExposed *= ppSteadyShare(p.pp, p.interleave, m);
      }
    }
    // EP all-to-all behind another micro-batch's compute where the runtime overlaps it (Megatron-Core
    // --overlap-moe-expert-parallel-comm, the 1F1B A2A overlap); 0 by default. Without pipelining the combined 1F1B
    // schedule runs the first micro-batch's forward and the last one's backward alone, "no a2a overlapping"
    // (NVIDIA/Megatron-LM @00caa53a megatron/core/pipeline_parallel/combined_1f1b.py
    // combined_1f1b_schedule_for_no_pipelining):
    // of the step's m micro-batches one micro-batch's exchanges stay exposed and (m − 1)/m can hide, none at m = 1
    // (gradient accumulation 1). Pipelined schedules keep the runtime's share (their warm-up and cool-down are not
    // priced separately).
    const epShare = p.pp === 1 ? (ov.epTwoBatch * (m - 1)) / m : ov.epTwoBatch;
    epExposed = withContention(epS, exposedComm(epS, stageComputeS, epShare));
    perMicroBatch = stageComputeS + tpS + cpS + epExposed + p2pExposed;
    bubbleS = p.pp > 1 ? ((p.pp - 1) / p.interleave) * perMicroBatch : 0;
  } else {
    // DualPipe (DeepSeek-V3 §3.2.1): each forward chunk runs beside another micro-batch's backward chunk, and the
    // all-to-all and PP sends of one hide behind the compute of the other. What stays visible: the compute slowed by
    // the units the communication kernels hold (§3.2.2), or the communication where it is the longer of the two.
    const units = hw.units;
    const share = p.ep > 1 && s.moeLayers > 0 ? (units ? Math.min(0.5, A2A_COMM_UNITS / units) : A2A_COMM_SHARE_DEFAULT) : 0;
    const busy = Math.max(stageComputeS / (1 - share), epS + p2pS);
    perMicroBatch = busy + tpS + cpS;
    epExposed = busy - stageComputeS; // the slowdown and any comm not hidden, reported as EP time
    p2pExposed = 0;
    // bubble (Table 2 of the report): (p/2 − 1)·(F&B + B − 3W) with F&B the overlapped pair (one micro-batch's slot),
    // B the backward chunk and W its weight-gradient part (≈ the forward GEMMs' time: same FLOPs)
    const stageBwd = stageLayers * layerAvg('bwdS');
    const stageW = stageLayers * (layerAvg('fwdS') - layerAvg('attnFwdS'));
    const scale = perMicroBatch / stageComputeS;
    bubbleS = Math.max(0, (p.pp / 2 - 1) * (perMicroBatch + scale * (stageBwd - 3 * stageW)));
  }
  const pipelineS = m * perMicroBatch + bubbleS + p2pFlushS;

  // 7. data-parallel gradient sync over dp·cp (experts: dp·cp/ep). ZeRO 0: all-reduce; 1–2: reduce-scatter of
  //    gradients + all-gather of updated weights (same volume, Rajbhandari et al. 2020 §7); overlapped with the last
  //    micro-batch's backward / first forward bucket by bucket. ZeRO 3 gathers weights for every micro-batch forward
  //    and backward and reduce-scatters its gradients (1.5× the all-reduce volume per micro-batch), overlapped
  //    with that micro-batch's compute.
  const dDense = p.dp * p.cp;
  // the experts' data-parallel group: the ranks holding the same expert shard, etp·ep apart (./plan.ts)
  const dExpert = expertDataParallel(p);
  // the groups the states are sharded over: the whole DP×CP group, or under a runtime with fsdp_scope scale_up the
  // part of it inside one scale-up domain, the domains holding replicas (./fsdp-scope.ts)
  const { dense: sDense, expert: sExpert } = shardGroups(hw, p, i.zero);
  const local = sDense < dDense || sExpert < dExpert;
  const copies = stageCopies(p);
  const bucketParams = Math.max(BUCKET_PARAMS, 1e6 * p.dp);
  // bucket by bucket: each collective moves one bucket (its size sets the measured link fraction)
  // a DP ring that spans scale-up domains leaves each one through all its members' NICs (./ring-nics.ts): the dense
  // DP×CP group's ranks are tp apart, the expert-DP group's tp·ep apart (Megatron rank order tp-cp-ep-dp)
  // one collective of `bytes` over a group of n ranks `stride` apart (none for a group of one or no bytes)
  // (a group sharded inside one scale-up domain runs over that domain's link)
  const one = (kind: CollectiveKind, bytes: number, n: number, stride: number) => {
    const link = local && n * stride <= domain ? linkForSpan(hw, n * stride).link : links.dp;
    const perDomain = ranksPerDomain(domain, stride, n);
    return trainingCollectiveTime(hw, kind, bytes, n, link, ringEfficiency(hw, link, bytes, perDomain), perDomain);
  };
  const bucketed = (kind: CollectiveKind, params: number, bytesPer: number, n: number, stride: number) => {
    if (params <= 0) return 0;
    const k = Math.ceil(params / bucketParams);
    return k * one(kind, (params / k) * bytesPer, n, stride);
  };
  // gradients travel in the reduce dtype (reduceBytes, above)
  const rsDense = bucketed('reducescatter', copies * denseParams, reduceBytes, sDense, p.tp);
  const rs = rsDense + bucketed('reducescatter', copies * expertParams, reduceBytes, sExpert, et * p.ep);
  // weights gathered per parameter: 16-bit, or with fp8 GEMMs under a runtime that casts the linear layers' weight shards
  // to fp8 before the ZeRO-3 / FSDP all-gather (torchtitan --float8.enable_fsdp_float8_all_gather: Float8Linear weights
  // only; the embedding, LM head and norms stay 16-bit) 1 byte for the share of the stage that is linear layers
  // (a runtime whose ZeRO-3 fetches module by module, training.zero3_gather module: one all-gather per parameter-holding
  // module, ./zero3-modules.ts)
  const byModule = i.zero === 3 && hw.runtime?.training?.zero3Gather === 'module';
  // module by module, a runtime whose ZeRO-3 collectives run over lists of per-rank tensors launches kernels per rank of
  // the group for each of them (training.zero3_rank_kernels: zero3RankHostS)
  const rankHost = (n: number) => (byModule ? zero3RankHostS(hw, n) : 0);
  const moduleGathers = (list: ModuleGathers[], bytesPer: number, n: number, stride: number) => list.reduce((t, g) => t + copies * g.count * (one('allgather', g.params * bytesPer, n, stride) + rankHost(n)), 0);
  const mg = byModule ? zero3ModuleGathers(s, p, hw.runtime?.training?.zero3MoeLeaf === true) : undefined;
  const ag = mg
    ? moduleGathers(mg.dense, gatherBytes, sDense, p.tp) + moduleGathers(mg.expert, expertGatherBytes, sExpert, et * p.ep)
    : bucketed('allgather', copies * denseParams, gatherBytes, sDense, p.tp) + bucketed('allgather', copies * expertParams, expertGatherBytes, sExpert, et * p.ep);
  // and one reduce-scatter per gathered module in each backward, over the same per-rank lists
  const rsRanks = (list: ModuleGathers[], n: number) => list.reduce((t, g) => t + copies * g.count * rankHost(n), 0);
  const rsListS = mg ? rsRanks(mg.dense, sDense) + rsRanks(mg.expert, sExpert) : 0;
  // module by module under full recompute, the modules whose later layer-mates outweigh half of DeepSpeed's reuse
  // distance are gathered a third time in the backward (./zero3-modules.ts zero3RecomputeRegathers), on the share of the
  // layers recomputed
  const rg = mg && fullShare > 0 ? zero3RecomputeRegathers(s, p, hw.runtime?.training?.zero3MoeLeaf === true) : undefined;
  const agAgain = rg ? fullShare * (moduleGathers(rg.dense, gatherBytes, sDense, p.tp) + moduleGathers(rg.expert, expertGatherBytes, sExpert, et * p.ep)) : 0;
  const buckets = Math.max(1, (copies * (denseParams + expertParams)) / bucketParams);
  // The buckets at the two edges of the step are not average ones: the bucketed layouts walk the parameters in
  // reverse registration order and close a bucket once it reaches the bucket size (Megatron-Core
  // optimizer/distrib_optimizer.py _compute_per_buffer_param_layout and distributed/param_and_grad_buffer.py
  // _compute_default_per_buffer_param_layout @d98e8a6: "iterated in reverse order (backprop order)"; PyTorch DDP
  // likewise), so the input embedding, registered first, closes the last bucket: its gradients are final only after
  // the embedding's backward, the step's last kernel, and its all-gather is the first one the next forward waits on
  // (param_and_grad_buffer.py finish_param_sync: "dispatch it now (e.g., first AG bucket in first model chunk ...)").
  // That bucket holds at least the vocab-parallel embedding shard (vocab/tp × h), often far more than an average
  // bucket. Its share of the dense reduce-scatter is the least that stays exposed (./dp-overlap.ts).
  const embedShard = s.paramsEmbedding / p.tp;
  const bwdWindow = stageComputeS * (layerAvg('bwdS') / layerS);
  const fwdWindow = stageComputeS - bwdWindow;
  let dpS: number;
  if (i.zero === 3) {
    // share of the ZeRO-3 traffic hidden behind compute: the runtime's (FSDP2 / DeepSpeed prefetch), else all but one
    // bucket's worth (the first all-gather before any compute, the last reduce-scatter after it)
    const hide = ov.fsdpPrefetch ?? 1 - 1 / buckets;
    // PyTorch FSDP (runtime training.fsdp_layout set): the root unit's and the first block's all-gather and
    // reduce-scatter open and close every micro-batch in full (./fsdp-edges.ts), whatever the prefetch hides
    let edgeS = 0;
    if (hw.runtime?.training?.fsdpLayout && p.pp === 1) {
      const root = (s.paramsEmbedding + s.paramsHead) / p.tp;
      const perBlock = (params: number) => params / (s.layers * p.tp);
      // routed experts under EP: their own unit over the expert-data-parallel group, ranks tp·ep apart
      const e = fsdpEdgeGroups(root, perBlock(s.paramsDense - s.paramsEmbedding - s.paramsHead), (perBlock(s.paramsExpert / p.ep) * p.tp) / et, p.ep);
      const edges = one('allgather', e.dense * gatherBytes, sDense, p.tp) + one('reducescatter', e.dense * reduceBytes, sDense, p.tp) +
        one('allgather', e.expert * expertGatherBytes, sExpert, et * p.ep) + one('reducescatter', e.expert * reduceBytes, sExpert, et * p.ep);
      edgeS = Math.min(2 * ag + rs, edges);
    }
    // per micro-batch (FSDP2's default resharding) or once per step where the runtime keeps the parameters gathered
    // through the step (training.fsdp_reshard step, or pipeline under PP: ./fsdp-reshard.ts)
    const traffic = fsdpStepTraffic(hw, ag, rs + rsListS, m, p.pp, agAgain);
    // DeepSpeed with overlap_comm off reduce-scatters on the compute stream (./zero-overlap.ts): only the gathers hide
    const rsOut = zeroReduceOnCompute(hw, i.zero) ? rs + rsListS : 0;
    const hid = traffic.perS - rsOut;
    dpS = traffic.times * (withContention(hid, Math.max(Math.min(edgeS, hid), hid - traffic.windows * perMicroBatch * hide)) + rsOut);
    // replicas of a domain-local shard (fsdp_scope scale_up) all-reduce their gradient shards once per step, over the
    // DP×CP group's own link, streamed behind the last micro-batch's backward as the ZeRO-1 reduction is (./dp-overlap.ts)
    const ar = !local
      ? 0
      : (sDense < dDense ? bucketed('allreduce', (copies * denseParams) / sDense, reduceBytes, dDense / sDense, p.tp * sDense) : 0) +
        (sExpert < dExpert ? bucketed('allreduce', (copies * expertParams) / sExpert, reduceBytes, dExpert / sExpert, et * p.ep * sExpert) : 0);
    if (ar > 0) dpS += withContention(ar, dpExposed(ar, bwdWindow, 1, 1, buckets, ov.dpGrad ?? 1));
  } else {
    // reduce-scatter behind the last micro-batch group's backward, gather behind the next step's first group's
    // forward, chunk by chunk and bucket by bucket (./dp-overlap.ts); the runtime's share, else streamed (1)
    const v = dualpipe ? 1 : p.interleave;
    const group = Math.min(p.pp, m);
    const hide = ov.dpGrad ?? 1;
    // the embedding's bucket as a share of the whole collective (dense buffer's share × the shard's share of it)
    const edge = rs > 0 && denseParams > 0 ? (rsDense / rs) * Math.min(1, embedShard / denseParams) : 0;
    const nb = edgeBuckets(buckets, edge);
    // DeepSpeed's ZeRO-1/2 (./zero-overlap.ts): the reduction on the compute stream when overlap_comm is off, ZeRO-2's in
    // every micro-batch's backward, the parameter all-gather inside the optimizer step (nothing to hide behind)
    const rsHide = zeroReduceOnCompute(hw, i.zero) ? 0 : hide;
    const agHide = zeroGatherInStep(hw, i.zero) ? 0 : hide;
    dpS = zeroReductions(hw, i.zero, m) * withContention(rs, dpExposed(rs, bwdWindow / v, v, group, nb, rsHide)) + withContention(ag, dpExposed(ag, fwdWindow / v, v, group, nb, agHide));
  }

  // 8. optimizer: memory-bound passes over this device's (ZeRO ≥ 1: sharded) parameters: the runtime's bytes per
  //    parameter (training.optimizer_bytes: an unfused foreach AdamW and gradient clipping run a pass per op), else one
  //    fused Adam pass
  const optParams = copies * (i.zero >= 1 ? denseParams / sDense + expertParams / sExpert : denseParams + expertParams);
  const optBytes = hw.runtime?.training?.optimizerBytes ?? ADAM_BYTES_PER_PARAM;
  const optimizerS = (optParams * optBytes) / (hw.memory.bandwidthBytePerS * hw.efficiency.memory);

  // the once-per-step fp8 weight quantization (fp8WeightCastSeconds), on the compute stream of the first micro-batch
  const weightCastS = fp8WeightCastSeconds(i);
  // the DDP's passes over the gradient buffer before the reduce-scatter (gradBufferSeconds), on the compute stream
  const gradPassS = gradBufferSeconds(i, reduceBytes);
  const stepS = pipelineS + dpS + optimizerS + weightCastS + gradPassS;
  const flopsPerMb = (p.pp === 1 ? s.layers : s.layers / p.pp) * (layerAvg('fwdFlops') + layerAvg('bwdFlops')) + (head.fwdFlops + head.bwdFlops) / p.pp;
  return {
    stepS,
    hardwareFlopsPerDevice: m * flopsPerMb,
    breakdown: {
      compute_s: m * stageComputeS + weightCastS,
      tp_comm_s: m * tpS,
      cp_comm_s: m * cpS,
      ep_comm_s: m * epExposed,
      pp_bubble_s: bubbleS,
      pp_p2p_s: m * p2pExposed + p2pFlushS,
      dp_comm_s: dpS,
      // with the optimizer's: the step's other passes over parameter-sized buffers
      optimizer_s: optimizerS + gradPassS,
    },
  };
}
