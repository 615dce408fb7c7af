// Pipeline schedule defaults (pure). What `hwperf train` runs when the user names no --schedule / --interleave,
// chosen the way production recipes do:
//
//  - Interleaved 1F1B (Narayanan et al. 2021, "Efficient Large-Scale Language Model Training on GPU Clusters Using
//    Megatron-LM", §2.2.2: bubble (p−1)/(v·m) for v virtual stages per device) whenever a device's layers split into
//    chunks of at least MIN_LAYERS_PER_VIRTUAL_STAGE layers and there are at least pp micro-batches (Megatron-LM's
//    interleaved schedule needs m ≥ pp). Llama 3 pre-training used it (Dubey et al. 2024, arXiv 2407.21783 §3.3.2:
//    "we use an interleaved schedule … with V pipeline stages on one pipeline rank"). v is the largest divisor of the
//    per-device layer slots ⌈L/pp⌉ that leaves ≥ 2 layers per chunk; NVIDIA's tuned recipes land on the same value:
//    Llama 3.1 405B on H100, 126 layers, PP 8 → VP 8 (≈2 layers per chunk), DeepSeek-V3 on H100, 61 layers, PP 8 →
//    VP 4 (≈2 per chunk) (github NVIDIA/dgxc-benchmarking llama3.1/README.md and deepseek_v3/pretrain/megatron_bridge/
//    README.md). Uneven first/last stages (126 = 16·8 − 2) are Megatron's account-for-embedding/loss split, which Llama 3
//    also uses ("we reduce one Transformer layer each from the first and the last stages").
//  - DualPipe for a mixture-of-experts model whose experts span devices (ep > 1) on an even pipeline: the schedule that
//    DeepSeek-V3 was trained with (arXiv 2412.19437 §3.2.1), and the one a user training a fine-grained MoE across nodes
//    expects — without hiding the all-to-all, cross-node expert parallelism costs about as much time as the compute
//    (the report's "computation-to-communication ratio of approximately 1:1"). Megatron-Core's EP all-to-all overlap
//    (--overlap-moe-expert-parallel-comm) pairs forward and backward chunks the same way. `--schedule 1f1b` or
//    `interleaved` turns it off.
//    Megatron-Core has no DualPipe, and its A2A overlap (--overlap-moe-expert-parallel-comm) needs VP when PP > 1
//    (core_v0.16.0 transformer_config.py asserts virtual_pipeline_model_parallel_size): a Megatron / NeMo run with PP
//    and EP but no VP is plain 1F1B, so those validation rows name `--schedule 1f1b` (N203, N233-N235, N1312, N1313).
//    So the default takes DualPipe only under a runtime that implements it: a runtime lists its schedules
//    (runtimes/*.yaml training.pipeline_schedules; Megatron / NeMo: 1f1b and interleaved), and the default is the first
//    of DualPipe, interleaved, 1F1B that the runtime has and the split allows.
//  - Plain 1F1B otherwise (pp = 1, too few layers or micro-batches).
//  A runtime that says what its framework runs when no schedule is named (training.default_schedule: Megatron-LM and
//  torchtitan run plain 1F1B unless virtual stages / another schedule are asked for; NeMo's recipes set virtual stages:
//  interleaved where the split allows, as above, never DualPipe) overrides this choice.
import type { DecoderShape } from './shapes.js';
import type { Schedule } from './types.js';

export const MIN_LAYERS_PER_VIRTUAL_STAGE = 2;

// Layer slots per device: ⌈L/pp⌉ (the busiest stage).
export const layerSlots = (layers: number, pp: number) => Math.ceil(layers / pp);

// Largest v dividing the per-device layer slots with at least `minLayers` layers per chunk (1 when none).
export function defaultInterleave(layers: number, pp: number, minLayers = MIN_LAYERS_PER_VIRTUAL_STAGE): number {
  if (pp <= 1) return 1;
  const slots = layerSlots(layers, pp);
  let best = 1;
  for (let v = 2; v <= slots; v++) if (slots % v === 0 && slots / v >= minLayers && pp * v <= layers) best = v;
  return best;
}

export interface ScheduleChoice {
  schedule: Schedule;
  interleave: number;
}

// The default schedule for a split (see the header). `m` = micro-batches per pipeline per step; `has` = the schedules
// the runtime implements (absent: all).
export function defaultSchedule(s: DecoderShape, pp: number, ep: number, m: number, has?: readonly Schedule[]): ScheduleChoice {
  if (pp <= 1) return { schedule: '1f1b', interleave: 1 };
  const can = (x: Schedule) => has === undefined || has.includes(x);
  if (can('dualpipe') && s.moeLayers > 0 && ep > 1 && pp % 2 === 0 && m % 2 === 0 && m >= pp) return { schedule: 'dualpipe', interleave: 1 };
  const v = defaultInterleave(s.layers, pp);
  if (can('interleaved') && v > 1 && m >= pp) return { schedule: 'interleaved', interleave: v };
  return { schedule: '1f1b', interleave: 1 };
}

// Schedule named by the user, with --interleave when given: fills in what they left out.
// `framework`: the schedule the runtime's framework runs when the run names none (runtime training.default_schedule:
// Megatron-LM and torchtitan run plain 1F1B unless told otherwise); it replaces the production default above.
export function resolveSchedule(s: DecoderShape, pp: number, ep: number, m: number, schedule?: string, interleave?: number, has?: readonly Schedule[], framework?: Schedule): ScheduleChoice {
  if (schedule === undefined) {
    if (interleave !== undefined) return { schedule: interleave > 1 ? 'interleaved' : '1f1b', interleave };
    // a framework that interleaves by default (NeMo's recipes set virtual stages) does so where the split allows
    if (framework === 'interleaved') return defaultSchedule(s, pp, ep, m, (has ?? ['1f1b', 'interleaved']).filter((x) => x !== 'dualpipe'));
    if (framework !== undefined && pp > 1) return resolveSchedule(s, pp, ep, m, framework, undefined, has);
    return defaultSchedule(s, pp, ep, m, has);
  }
  if (schedule === '1f1b' || schedule === 'dualpipe') return { schedule, interleave: interleave ?? 1 };
  if (schedule === 'interleaved') {
    // asked for interleaving without v: the default chunking, else the smallest v > 1 that divides the layer slots
    let v = interleave ?? defaultInterleave(s.layers, pp);
    if (interleave === undefined && v === 1) {
      const slots = layerSlots(s.layers, pp);
      for (let d = 2; d <= slots; d++) if (slots % d === 0 && pp * d <= s.layers) { v = d; break; }
    }
    return { schedule, interleave: v };
  }
  return { schedule: schedule as Schedule, interleave: interleave ?? 1 }; // rejected by the caller
}
