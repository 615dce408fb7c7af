// The parallel plan: checks a TP × CP × DP × PP (+ EP inside DP×CP) split and places its groups on links.
// Rank order follows Megatron-LM's default "tp-cp-ep-dp-pp" (megatron/core/parallel_state.py): TP ranks are
// adjacent, then CP, then DP (EP ranks are taken from DP×CP, as Megatron does, and from the TP ranks the experts leave
// when their own TP size etp is below tp), and PP is outermost. A group whose
// ranks span more devices than the scale-up domain (NVLink island) crosses the scale-out network.
import type { LinkSpec, NormalizedHardware } from '../../spec/types.js';
import type { DecoderShape } from './shapes.js';
import type { Schedule } from './types.js';

export interface PlanShape {
  devices: number;
  tp: number;
  pp: number;
  cp: number;
  dp: number;
  ep: number;
  // expert tensor parallelism: the routed experts' weights split over etp ranks (Megatron-Core
  // --expert-tensor-parallel-size, which defaults to the tensor-parallel size: megatron/training/arguments.py). Absent: tp.
  etp?: number;
  interleave: number; // virtual pipeline stages per device (Narayanan et al. 2021 §2.2.2); 1 = plain 1F1B
  schedule: Schedule;
  seqLen: number;
  globalBatch: number; // sequences of seqLen tokens per optimizer step
  microBatch: number; // sequences per micro-batch
}

// Why a split is invalid, or null. Pure: used by the command (as an error) and by the search (to skip).
export function planProblem(p: PlanShape, s: DecoderShape): string | null {
  for (const [k, v] of Object.entries({ tp: p.tp, pp: p.pp, cp: p.cp, dp: p.dp, ep: p.ep, interleave: p.interleave, 'micro-batch': p.microBatch })) {
    if (!Number.isInteger(v) || v < 1) return `--${k} must be a positive integer (got "${v}")`;
  }
  if (p.tp * p.pp * p.cp * p.dp !== p.devices) {
    return `tp·pp·cp·dp = ${p.tp}·${p.pp}·${p.cp}·${p.dp} = ${p.tp * p.pp * p.cp * p.dp} must equal --devices ${p.devices}`;
  }
  if (s.heads % p.tp !== 0) return `attention heads (${s.heads}) are not divisible by tp ${p.tp}`;
  // every virtual stage holds a layer, except that the embedding and the loss may each fill the first / last one
  // (Llama 3 §3.3.2: "the first model chunk of the first stage has only the embedding")
  if (p.pp * p.interleave > s.layers + (p.pp > 1 ? 2 : 0)) return `pp·interleave = ${p.pp * p.interleave} exceeds the ${s.layers} layers (+ embedding and loss stages)`;
  if (p.seqLen % (2 * p.cp) !== 0 && p.cp > 1) return `seq-len ${p.seqLen} must be divisible by 2·cp = ${2 * p.cp} (load-balanced causal CP)`;
  if (p.etp !== undefined) {
    if (!Number.isInteger(p.etp) || p.etp < 1) return `--etp must be a positive integer (got "${p.etp}")`;
    // the experts' TP ranks are a subset of the attention's TP ranks: any divisor of tp is priced (a larger etp is not)
    if (p.tp % p.etp !== 0) return `etp ${p.etp} must divide tp ${p.tp}`;
  }
  if (p.ep > 1) {
    if (s.moeLayers === 0) return `--ep ${p.ep} needs a mixture-of-experts model`;
    // Megatron-Core lays the expert grid etp × ep × expert-dp over the same tp·cp·dp ranks of a pipeline stage
    // (megatron/core/parallel_state.py @d98e8a6 initialize_model_parallel: world_size must be divisible by
    // expert_tensor_parallel_size · expert_model_parallel_size · pipeline_model_parallel_size), so EP takes ranks from
    // dp·cp and from the tp ranks the experts leave (tp/etp)
    const et = expertTp(p);
    if ((p.tp * p.dp * p.cp) % (et * p.ep) !== 0) return `etp·ep = ${et}·${p.ep} must divide tp·dp·cp = ${p.tp * p.dp * p.cp} (expert ranks come from the data-parallel group and the tp ranks the experts leave)`;
    if (s.experts % p.ep !== 0) return `experts (${s.experts}) are not divisible by ep ${p.ep}`;
  }
  if (p.globalBatch % (p.dp * p.microBatch) !== 0) {
    return `global batch ${p.globalBatch} must be a multiple of dp·micro-batch = ${p.dp * p.microBatch}`;
  }
  if (p.interleave > 1 && p.pp === 1) return '--interleave needs pp > 1';
  if (p.schedule === '1f1b' && p.interleave > 1) return `--schedule 1f1b runs one stage per device (got --interleave ${p.interleave})`;
  if (p.schedule === 'interleaved' && p.pp > 1 && microBatchesPerPipeline(p) < p.pp) {
    // Megatron-LM's interleaved schedule needs at least pp micro-batches in flight (megatron/core/pipeline_parallel/schedules.py)
    return `the interleaved schedule needs at least pp = ${p.pp} micro-batches per pipeline (got ${microBatchesPerPipeline(p)})`;
  }
  if (p.schedule === 'dualpipe') {
    // DualPipe runs micro-batches from both ends of the pipeline: pp and the micro-batch count must be even and there
    // must be at least pp of them (DeepSeek-V3 report §3.2.1; github deepseek-ai/DualPipe)
    if (p.pp < 2 || p.pp % 2 !== 0) return `--schedule dualpipe needs an even pp ≥ 2 (got ${p.pp})`;
    if (p.interleave > 1) return '--schedule dualpipe does not take --interleave';
    const m = microBatchesPerPipeline(p);
    if (m % 2 !== 0 || m < p.pp) return `--schedule dualpipe needs an even number of micro-batches ≥ pp = ${p.pp} (got ${m})`;
  }
  return null;
}

export const microBatchesPerPipeline = (p: PlanShape) => p.globalBatch / (p.dp * p.microBatch);

/** the routed experts' tensor-parallel size: --etp, else tp (Megatron-Core's default) */
export const expertTp = (p: PlanShape) => p.etp ?? p.tp;

/** the experts' data-parallel group: the ranks holding the same expert shard, dp·cp·tp/(ep·etp) of them (dp·cp/ep when
 *  the experts take the attention's tp) */
export const expertDataParallel = (p: PlanShape) => Math.max(1, (p.dp * p.cp * p.tp) / (p.ep * expertTp(p)));

/** the routed experts' TP size a runtime takes when --etp is not given: tp (Megatron-Core: expert_tensor_parallel_size
 *  None → tensor_model_parallel_size, megatron/core/parallel_state.py; also where the runtime does not say), or 1 under
 *  expert parallelism for a runtime with training.expert_tp 1 (torchtitan, DeepSpeed-MoE), whose experts take tp at ep = 1 */
export function defaultExpertTp(hw: NormalizedHardware, tp: number, ep: number): number {
  return hw.runtime?.training?.expertTp === 1 && ep > 1 ? 1 : tp;
}

// Link used by a group whose ranks span `span` consecutive devices.
export function linkForSpan(hw: NormalizedHardware, span: number): { link: LinkSpec; scope: 'scale_up' | 'scale_out' } {
  const up = hw.scaleUp;
  const domain = up?.domain ?? 1;
  if (up && span <= domain) return { link: up, scope: 'scale_up' };
  const out = hw.scaleOut ?? hw.host ?? up;
  // No link data at all: assume a 25 GB/s NIC (one 200 Gb/s port), stated in warnings by the caller.
  return { link: out ?? { bandwidthBytePerS: 25e9, latencyS: 10e-6 }, scope: 'scale_out' };
}

export interface GroupLinks {
  tp: LinkSpec;
  cp: LinkSpec;
  dp: LinkSpec;
  pp: LinkSpec;
  epUp: LinkSpec; // the part of an all-to-all that stays inside the scale-up domain
  epOut: LinkSpec;
  epOffNodeFraction: number; // share of all-to-all peers outside the scale-up domain
  tpCrossesNodes: boolean;
}

export function groupLinks(hw: NormalizedHardware, p: PlanShape): GroupLinks {
  const domain = hw.scaleUp?.domain ?? 1;
  // EP ranks step by the experts' TP size (Megatron-Core's expert rank order tp-ep-dp with expert_tensor_parallel_size)
  const epSpan = expertTp(p) * p.ep;
  const perNode = Math.max(1, Math.floor(domain / expertTp(p)));
  const epOffNodeFraction = epSpan <= domain ? 0 : Math.max(0, (p.ep - perNode) / p.ep);
  return {
    tp: linkForSpan(hw, p.tp).link,
    cp: linkForSpan(hw, p.tp * p.cp).link,
    dp: linkForSpan(hw, p.tp * p.cp * p.dp).link,
    // neighbours of a pipeline are tp·cp·dp ranks apart
    pp: linkForSpan(hw, 2 * p.tp * p.cp * p.dp).link,
    epUp: linkForSpan(hw, 1).link,
    epOut: linkForSpan(hw, domain + 1).link,
    epOffNodeFraction,
    tpCrossesNodes: linkForSpan(hw, p.tp).scope === 'scale_out',
  };
}
