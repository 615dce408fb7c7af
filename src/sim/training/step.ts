// One optimizer step of a TP × CP × PP × DP (+EP) training run:
//
//   layer ops ──opCost──▶ fwd/bwd per layer ──+ TP/CP/EP comm──▶ per micro-batch per stage
//        ──1F1B (+ bubble (p−1)/(v·m))──▶ pipeline time ──+ exposed DP sync + optimizer──▶ step_s
//
// Communication is priced by src/sim/collectives.ts on the link each group lands on (./plan.ts).
import type { Dtype, NormalizedHardware } from '../../spec/types.js';
import { collectiveTime } from '../collectives.js';
import type { DecoderShape } from './shapes.js';
import { groupLinks, microBatchesPerPipeline, type PlanShape } from './plan.js';
import { headForwardOps, layerForwardOps, passCost, type PassCost } from './layer-cost.js';
import { GRAD_BYTES, WEIGHT_BYTES } from './memory.js';
import type { Recompute, StepBreakdown, ZeroStage } from './types.js';

// Megatron-LM's DDP bucket: max(40M, 1M·dp) parameters (megatron/core/distributed/distributed_data_parallel_config.py).
// Bucketed gradient reduction overlaps the backward pass except for the last bucket (Li et al. 2020, "PyTorch
// Distributed: Experiences on Accelerating Data Parallel Training", §3.2.3): the overlap fraction is 1 − 1/buckets.
const BUCKET_PARAMS = 40e6;
// Adam's update streams per parameter: read fp32 master, m, v and the gradient, write master, m, v and the bf16 copy
// (4+4+4+2 read, 4+4+4+2 written).
const ADAM_BYTES_PER_PARAM = 28;

export interface StepInput {
  shape: DecoderShape;
  plan: PlanShape;
  hw: NormalizedHardware;
  gemmDtype: Dtype;
  recompute: Recompute;
  zero: ZeroStage;
}

export interface StepResult {
  stepS: number;
  breakdown: StepBreakdown;
  hardwareFlopsPerDevice: number; // executed on one device per step (with recompute)
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

export function stepTime(i: StepInput): StepResult {
  const { shape: s, plan: p, hw } = i;
  const eff = hw.efficiency.collective;
  const links = groupLinks(hw, p);
  const T = (p.microBatch * p.seqLen) / p.cp;
  const m = microBatchesPerPipeline(p);

  // 1. compute of one micro-batch through one dense / MoE layer and the head
  const dense = passCost(layerForwardOps(s, p, false, i.gemmDtype), hw, i.recompute);
  const moe = s.moeLayers > 0 ? passCost(layerForwardOps(s, p, true, i.gemmDtype), hw, i.recompute) : dense;
  const head = passCost(headForwardOps(s, p, i.gemmDtype), hw, i.recompute);

  // 2. TP with sequence parallelism: per layer 2 all-gathers + 2 reduce-scatters of the [b·s/cp, h] bf16 activation
  //    forward, the same backward (Korthikanti et al. 2022 §4.2.2, replacing Megatron's 2 + 2 all-reduces at equal
  //    volume); full recompute repeats the forward ones. Not overlapped with compute (Megatron default).
  const actBytes = T * s.hidden * 2;
  const tpOne = collectiveTime('allgather', actBytes, p.tp, links.tp, eff);
  const tpPerLayer = tpOne * (8 + (i.recompute === 'full' ? 4 : 0));

  // 3. CP: ring attention passes each rank's K,V shard cp−1 times forward; backward passes K,V and their gradients
  //    (Liu et al. 2023, "Ring Attention"; Megatron-Core context parallelism). Each hop overlaps the attention of the
  //    previous chunk, so only the excess is exposed.
  const vKv = s.kvDim === s.qDim ? s.vDim : s.kvDim;
  const kvBytes = (T * (s.kvDim + vKv) * 2) / p.tp;
  const cpFwd = (p.cp - 1) * collectiveTime('p2p', kvBytes, 2, links.cp, eff);
  const cpExposed = (c: PassCost) => Math.max(0, cpFwd - c.attnFwdS) + Math.max(0, 2 * cpFwd - 2 * c.attnFwdS);

  // 4. EP: all-to-all dispatch + combine forward, and their gradients backward (Lepikhin et al. 2021 GShard;
  //    Megatron-Core alltoall token dispatcher). Each device routes its T/tp tokens to `active` experts; fp8 runs
  //    dispatch in fp8 (DeepSeek-V3 §3.3). Peers off the scale-up domain go over the NIC, the rest over NVLink,
  //    concurrently. Not overlapped (Megatron default; DeepSeek's DualPipe hides it).
  let epPerLayer = 0;
  if (p.ep > 1 && s.moeLayers > 0) {
    const perToken = (T / p.tp) * s.active * s.hidden;
    const bytes = perToken * ((i.gemmDtype === 'fp8' ? 1 : 2) + 2 + 2 + 2);
    const leaving = (bytes * (p.ep - 1)) / p.ep;
    const off = leaving * links.epOffNodeFraction;
    const on = leaving - off;
    epPerLayer =
      Math.max(off / (links.epOut.bandwidthBytePerS * eff), on / (links.epUp.bandwidthBytePerS * eff)) +
      4 * (links.epOffNodeFraction > 0 ? links.epOut.latencyS : links.epUp.latencyS);
  }

  // 5. one micro-batch through one pipeline stage: balanced stages (Narayanan et al. 2021 assume L/p layers per
  //    stage; Llama 3 §3.3.2 moves a layer off the first and last stage to absorb embedding and head), but never
  //    less than the whole layers a stage must hold.
  const layerAvg = (k: keyof PassCost) => (s.denseLayers * dense[k] + s.moeLayers * moe[k]) / s.layers;
  const layerS = layerAvg('fwdS') + layerAvg('bwdS');
  const stageLayers = Math.max(Math.ceil(s.layers / p.pp), s.layers / p.pp + (head.fwdS + head.bwdS) / layerS / p.pp);
  const stageComputeS = (p.pp === 1 ? s.layers : stageLayers) * layerS + (p.pp === 1 ? head.fwdS + head.bwdS : 0);
  const tpS = stageLayers * tpPerLayer;
  const cpS = (stageLayers * (s.denseLayers * cpExposed(dense) + s.moeLayers * cpExposed(moe))) / s.layers;
  const epS = (stageLayers * epPerLayer * s.moeLayers) / s.layers;
  // PP point-to-point: the [b·s/cp, h] activation forward and its gradient backward, 1/tp of it each with the
  // scatter/gather optimization (Narayanan et al. 2021 §4.1); v boundaries per micro-batch when interleaved.
  const p2pS = p.pp > 1 ? 2 * p.interleave * collectiveTime('p2p', actBytes / p.tp, 2, links.pp, eff) : 0;
  const perMicroBatch = stageComputeS + tpS + cpS + epS + p2pS;

  // 6. 1F1B: m micro-batches plus the bubble of (p−1)/v micro-batch slots (Narayanan et al. 2021 §2.2: bubble
  //    fraction (p−1)/m, divided by v with the interleaved schedule).
  const bubbleSlots = p.pp > 1 ? (p.pp - 1) / p.interleave : 0;
  const pipelineS = (m + bubbleSlots) * perMicroBatch;

  // 7. data-parallel gradient sync over dp·cp (experts: dp·cp/ep). ZeRO 0: all-reduce; 1–2: reduce-scatter of
  //    gradients + all-gather of updated weights (same volume, Rajbhandari et al. 2020 §7); overlapped with the last
  //    micro-batch's backward / first forward bucket by bucket. ZeRO 3 gathers weights for every micro-batch forward
  //    and backward and reduce-scatters its gradients (1.5× the all-reduce volume per micro-batch), overlapped
  //    with that micro-batch's compute.
  const dDense = p.dp * p.cp;
  const dExpert = dDense / p.ep;
  const denseParams = s.paramsDense / (p.tp * p.pp); // average stage
  const expertParams = s.paramsExpert / (p.tp * p.pp * p.ep);
  const rs = collectiveTime('reducescatter', denseParams * GRAD_BYTES, dDense, links.dp, eff) + collectiveTime('reducescatter', expertParams * GRAD_BYTES, dExpert, links.dp, eff);
  const ag = collectiveTime('allgather', denseParams * WEIGHT_BYTES, dDense, links.dp, eff) + collectiveTime('allgather', expertParams * WEIGHT_BYTES, dExpert, links.dp, eff);
  const buckets = Math.max(1, (denseParams + expertParams) / Math.max(BUCKET_PARAMS, 1e6 * p.dp));
  const hide = 1 - 1 / buckets;
  const bwdWindow = stageComputeS * (layerAvg('bwdS') / layerS);
  const fwdWindow = stageComputeS - bwdWindow;
  let dpS: number;
  if (i.zero === 3) dpS = m * Math.max(0, 2 * ag + rs - perMicroBatch * hide);
  else dpS = Math.max(0, rs - bwdWindow * hide) + Math.max(0, ag - fwdWindow * hide);

  // 8. optimizer: one memory-bound Adam pass over this device's (ZeRO ≥ 1: sharded) parameters
  const optParams = i.zero >= 1 ? denseParams / dDense + expertParams / dExpert : denseParams + expertParams;
  const optimizerS = (optParams * ADAM_BYTES_PER_PARAM) / (hw.memory.bandwidthBytePerS * hw.efficiency.memory);

  const stepS = pipelineS + dpS + optimizerS;
  const flopsPerMb = (p.pp === 1 ? s.layers : s.layers / p.pp) * (layerAvg('fwdFlops') + layerAvg('bwdFlops')) + (head.fwdFlops + head.bwdFlops) / p.pp;
  return {
    stepS,
    hardwareFlopsPerDevice: m * flopsPerMb,
    breakdown: {
      compute_s: m * stageComputeS,
      tp_comm_s: m * tpS,
      cp_comm_s: m * cpS,
      ep_comm_s: m * epS,
      pp_bubble_s: bubbleSlots * perMicroBatch,
      pp_p2p_s: m * p2pS,
      dp_comm_s: dpS,
      optimizer_s: optimizerS,
    },
  };
}
