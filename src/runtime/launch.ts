// Host-side launch cost: a kernel the runtime launches one by one (not replayed from a captured graph) cannot start
// before the host has dispatched it. The host runs ahead of the device asynchronously, so a step lasts the longer of
// the host's dispatch chain and the device's kernels (asyncStepSeconds: a decoder pass sums both, src/sim/decoder.ts);
// an op priced alone (non-decoder passes, training layers, a CPU run as the device) lasts max(device time, its
// dispatch). Closed form per op (× its count), no per-token loops.
import type { DecoderHostArch, DecoderModel, LaunchCosts, NormalizedHardware } from '../spec/types.js';
import type { CollectiveKind } from '../model/op.js';

/** 'decode': a step of one new token per sequence (what serving engines capture as CUDA graphs); 'decode_eager': such a
 *  step larger than the runtime's largest captured graph, its kernels dispatched one by one (serve, under an engine's
 *  own capture: src/sim/graph-padding.ts decodeRunsEager); 'mixed': a step that decodes and carries prompt tokens beside
 *  (in-flight batching); 'prefill': a decoder pass of prompt tokens alone; 'other': everything else (encoders, VAEs,
 *  training); 'device': the kernels alone — the caller prices the host's dispatch of them itself (eagerStepSeconds). How
 *  each launches: launchMode. */
export type LaunchPhase = 'decode' | 'decode_eager' | 'mixed' | 'prefill' | 'other' | 'device';

/**
 * The launch phase a pass's kernels are priced in (`phase`: the pass's name: 'decode' for a token step, 'mixed' for a
 * token step carrying prompt tokens, 'prefill' for a prompt pass). Under an eager decode loop (host.decode_step: HF
 * generate() over nn.Module layers) every forward prices its kernels alone ('device') and its host time per forward in
 * eagerStepSeconds, so the dispatch is counted once.
 */
export function launchPhaseOf(hw: NormalizedHardware, phase: string): LaunchPhase {
  if (eagerDecodeLoop(hw)) return 'device';
  return phase === 'decode' || phase === 'decode_eager' || phase === 'mixed' || phase === 'prefill' ? phase : 'other';
}

/** whether a step of this launch phase decodes (its GEMMs keep a serving batch's matrix-vector floors under a runtime
 *  that picks its kernel by a row threshold: src/sim/gemm-floors.ts); a mixed step does */
export function decodesInPhase(phase: LaunchPhase): boolean {
  return phase === 'decode' || phase === 'decode_eager' || phase === 'mixed';
}

/**
 * How a step of this launch phase runs its kernels: 'full' (replayed from one captured graph: no host dispatch),
 * 'piecewise' (captured graphs between the split points, which the host launches: the attention ops and vLLM's KV-cache
 * write) or 'eager' (every kernel dispatched by the host). launch.graphs sets it for decode steps ('decode' and 'all':
 * full; 'piecewise'; 'none': eager); a step that carries prompt tokens ('prefill', 'mixed') takes launch.prompt_steps
 * (absent: eager — a decode graph is captured for one-token query shapes and cannot run a step with prompts: vLLM V0,
 * SGLang, TensorRT-LLM, llama.cpp, gpt-fast run those without graphs; vLLM V1's FULL_AND_PIECEWISE runs them
 * piecewise: runtimes/*.yaml cite each). graphs 'all' replays every phase and 'none' none, whatever prompt_steps says.
 * 'device' phases are never asked (their host time is priced apart).
 */
export function launchMode(hw: NormalizedHardware, phase: LaunchPhase): 'full' | 'piecewise' | 'eager' {
  const g = hw.runtime?.launch.graphs;
  if (g === undefined || g === 'all') return 'full';
  if (g === 'none' || phase === 'other' || phase === 'device' || phase === 'decode_eager') return 'eager';
  if (phase === 'decode') return g === 'piecewise' ? 'piecewise' : 'full';
  return hw.runtime!.launch.promptSteps ?? 'eager';
}

/** whether the runtime decodes in an eager Python loop (host.decode_step), whose per-row host work eagerStepSeconds
 *  already prices (so a caller adds no host.per_sequence of its own) */
export function eagerDecodeLoop(hw: NormalizedHardware): boolean {
  return hw.runtime?.decodeStep !== undefined;
}

/** The encoder's twin of launchPhaseOf: an eager encoder (host.encoder_forward) prices its kernels alone ('device')
 *  and its host time in eagerForwardSeconds; otherwise its kernels launch op by op ('other'). */
export function encoderLaunchPhaseOf(hw: NormalizedHardware): LaunchPhase {
  return hw.runtime?.encoderForward ? 'device' : 'other';
}

/** the op kinds a piecewise-captured step still dispatches one by one: vLLM splits its graphs at the attention
 *  op (CompilationConfig.splitting_ops; vllm-ascend adds vllm.unified_ascend_attention_with_output), which runs eagerly
 *  between the replayed pieces */
const PIECEWISE_EAGER_KINDS: ReadonlySet<string> = new Set(['attention']);
/** the op names a piecewise-captured step also dispatches one by one whatever their kind: vLLM's KV-cache write
 *  (vllm::unified_kv_cache_update) is a splitting op of its own since vllm PR #33441 ("adding kv cache update to
 *  splitting ops", merged 2026-01-31; the logged CompilationConfig.splitting_ops lists it beside the attention ops), so
 *  it runs from the host between the replayed pieces like the attention it feeds */
const PIECEWISE_EAGER_NAMES: ReadonlySet<string> = new Set(['kv_write']);

/** whether a piecewise-captured step launches this op eagerly (a graph split point) */
function piecewiseEager(kind: string, name: string | undefined): boolean {
  return PIECEWISE_EAGER_KINDS.has(kind) || (name !== undefined && PIECEWISE_EAGER_NAMES.has(name));
}

/** the pointwise ops of a decoder pass: one read and one write of their tensors per element, no reduction across a row
 *  (the FFN's and the experts' gated activation, the residual add, the rotary embedding, the KV-cache write, a per-tensor
 *  FP8 quantize of a GEMM's input with a given scale). Routing (top-k, align/sort,
 *  permute, finalize), norms, sampling and GEMMs are longer kernels and keep the hardware's per-kernel gap. */
const POINTWISE_OPS: ReadonlySet<string> = new Set(['ffn_act', 'experts_act', 'residual', 'rope', 'kv_write', 'input_quant']);

/**
 * The device time one kernel of this op costs beyond its body when the runtime replays the step from a captured graph
 * (launch.graph_gap: measured on pointwise kernels under CUDA-graph replay), or undefined where the hardware's per-kernel
 * gap applies: ops that are not pointwise (a graph-replayed GEMV at one row still costs ~4 us beyond its bytes, norms
 * 3-7 us: runtimes/vllm.yaml cites the timings), phases not replayed, runtimes that state none or run without the
 * device gap (ideal).
 */
export function graphGapS(hw: NormalizedHardware, phase: LaunchPhase, name: string): number | undefined {
  return POINTWISE_OPS.has(name) ? replayedGapS(hw, phase, name) : undefined;
}

/**
 * The device time of a kernel whose blocks do no work (they read a count and return) in a step of `phase`: what a
 * pointwise kernel costs under the runtime's graph replay where it states one (launch.graph_gap: a 1,024-element add
 * measured at 1.02 us a kernel in a captured graph), else the part's per-kernel gap.
 */
export function emptyKernelGapS(hw: NormalizedHardware, phase: LaunchPhase): number {
  return replayedGapS(hw, phase, undefined) ?? hw.efficiency.kernelOverheadS;
}

/** launch.graph_gap where the phase replays a captured graph and the op (by name) is not a piecewise split point */
function replayedGapS(hw: NormalizedHardware, phase: LaunchPhase, name: string | undefined): number | undefined {
  const l = hw.runtime?.launch;
  const g = l?.graphGapS;
  if (g === undefined || !l!.deviceGap || phase === 'device') return undefined;
  const mode = launchMode(hw, phase);
  if (mode === 'eager') return undefined;
  // a piecewise graph's split points are launched from the host, not replayed: the hardware's gap applies
  if (mode === 'piecewise' && piecewiseEager('elementwise', name)) return undefined;
  return g;
}

/**
 * The device time of a block-FP8 linear's two kernels (activation quantization + GEMM) beyond the GEMM's body, where the
 * runtime timed the pair under graph replay (kernels.tiled_gemm.block_fp8_linear.fixed) and the phase replays it;
 * undefined elsewhere (eager phases, runtimes without the figure or without the device gap), where each kernel keeps the
 * part's per-kernel gap.
 */
export function blockFp8PairS(hw: NormalizedHardware, phase: LaunchPhase): number | undefined {
  const t = hw.runtime?.kernels?.tiledGemm;
  const f = t?.fp8Block ? t.blockFp8Linear?.fixedS : undefined;
  if (f === undefined || !hw.runtime!.launch?.deviceGap || phase === 'device' || launchMode(hw, phase) === 'eager') return undefined;
  return f;
}

/**
 * One step of kernels the host dispatches asynchronously: the host's dispatch chain (`hostS`, the sum of its per-op
 * dispatch) and the device's kernels (`deviceS`, the sum of their times) run side by side, so the step lasts the longer
 * of the two, plus `serialS`, host work done while the device waits (a sync on a device value, or work before the first
 * launch). A CUDA/HIP kernel launch returns before the kernel runs (CUDA C Programming Guide, "Asynchronous Concurrent
 * Execution": kernel launches are asynchronous with respect to the host; PyTorch "CUDA semantics": "By default, GPU
 * operations are asynchronous ... the CPU can perform other computations in the meantime"), and the host runs ahead
 * until something reads the device. So a long GEMM hides the dispatch of the short ops after it, and the
 * step is not the sum of max(kernel, dispatch) per op, the form of a host that waits on every kernel.
 * The exact chain is max over ops k of (dispatch of ops 1..k + kernels k..n); max(host, device) is its lower bound and
 * falls short of it by at most the imbalance inside one repeated layer (a step of identical layers: the first layer's
 * host lead, or the last layer's device tail), a fraction 1/layers of the step or less.
 */
export function asyncStepSeconds(hostS: number, deviceS: number, serialS = 0): number {
  return serialS + Math.max(hostS, deviceS);
}

/**
 * whether the host dispatches ahead of the device (every accelerator): false on a general-purpose CPU run as the device
 * (class host, or a server CPU such as the Xeon 6980P), whose cores run each op themselves after dispatching it, so its
 * ops keep max(kernel, dispatch) each (the per-op form; the host's dispatch and the op's work are not overlapped there
 * either, not priced: runtimes/sglang.yaml)
 */
export function hostRunsAhead(hw: Pick<NormalizedHardware, 'id' | 'name' | 'class'>): boolean {
  // asked once per pass: the last part's answer is kept (one sweep or serve run asks of one part throughout)
  if (hw !== lastAheadHw || hw.class !== lastAheadClass) {
    lastAheadHw = hw;
    lastAheadClass = hw.class;
    lastAhead = !cpuHardware(hw);
  }
  return lastAhead;
}
let lastAheadHw: object | undefined;
let lastAheadClass = '';
let lastAhead = true;

/** a general-purpose CPU (host class, or a server CPU such as the Xeon 6980P) */
export function cpuHardware(hw: Pick<NormalizedHardware, 'id' | 'name' | 'class'>): boolean {
  return hw.class === 'host' || /xeon|epyc/i.test(`${hw.id} ${hw.name}`);
}

/** Host dispatch time per kernel that bounds a kernel's slot in this phase (0 when graph-captured or unbound). */
export function launchFloorS(hw: NormalizedHardware, phase: LaunchPhase = 'other'): number {
  if (phase === 'device') return 0;
  const l = hw.runtime?.launch;
  if (!l || l.perKernelS <= 0 || launchMode(hw, phase) !== 'eager') return 0;
  return l.perKernelS;
}

/**
 * The host dispatch floor of an op of `kernels` kernels: the per-kernel cost for each kernel (an eager composite's
 * steps are tensor ops), and never less than the runtime's cost for one call of the op's kind (launch.per_kernel_by_kind:
 * eager Python code, where an nn.Linear call costs the host three times a tensor add). So an op of more kernels never
 * has a lower floor than the same op of fewer (a 2-kernel FP8 linear had been floored at 2 x 10.5 us under SGLang's
 * eager prefill, below the 30.8 us of a 1-kernel bf16 linear). Which further kernels one ATen call launches from C++
 * (GroupNorm's statistics and apply, cuDNN's layout conversions) is not measured, so none is charged beyond the larger
 * of the two; the one further kernel known from source to be a Python call of its own, a block-FP8 linear's activation
 * quantization, is charged one more op by its caller (src/sim/roofline.ts opCost). An op run inside
 * another op's kernel (kernels 0: a runtime's fusion group, src/sim/fusion.ts) pays nothing. Under piecewise graphs a
 * step's attention ops and KV-cache write (the graph split points) pay the same, an attention op at least the runtime's
 * launch.split_point (its call and the next piece's replay); the captured ops between them pay nothing.
 */
export function launchFloorForOpS(hw: NormalizedHardware, phase: LaunchPhase, kind: string, kernels: number, name?: string): number {
  const l = hw.runtime?.launch;
  if (!(kernels > 0) || l === undefined || phase === 'device') return 0;
  const mode = launchMode(hw, phase);
  if (outsideGraph(l, name)) {
    // called from the runtime's eager Python after the replayed forward: its eager costs where it states them
    const e = l.eager ?? l;
    return Math.max(byKindS(e, kind) ?? 0, e.perKernelS * kernels);
  }
  const dispatched = mode === 'eager' ? l.perKernelS > 0 : mode === 'piecewise' && piecewiseEager(kind, name);
  if (!dispatched) return 0;
  // an attention split point of a piecewise step: the op's call and the next piece's replay (launch.split_point)
  const split = mode === 'piecewise' && PIECEWISE_EAGER_KINDS.has(kind) ? l.splitPointS ?? 0 : 0;
  return Math.max(split, byKindS(l, kind) ?? 0, l.perKernelS * kernels);
}

/** whether the runtime dispatches this op from the host even in a step it replays from captured graphs: it runs after
 *  the replayed forward, outside the captured region, from the runtime's eager code (launch.outside_graph: vLLM's
 *  compute_logits, the output head and the logits' all-gather, called by the model runner after the captured model
 *  forward), so it costs what launch.eager states for its kind (else per_kernel / per_kernel_by_kind) */
function outsideGraph(l: NonNullable<NormalizedHardware['runtime']>['launch'], name: string | undefined): boolean {
  return name !== undefined && l.outsideGraph !== undefined && l.outsideGraph.includes(name);
}

/**
 * The host's dispatch of one collective call (a tensor-parallel all-reduce, an expert-parallel all-to-all) in a step of
 * this launch phase. A call the runtime's own all-reduce kernel takes (`runtimeKernel`: vLLM's / SGLang's custom
 * all-reduce, collectives.custom_allreduce) is one custom op through the dispatcher: per_kernel. A call handed to the
 * collective library pays what the runtime states for a library call of that collective kind,
 * launch.per_kernel_by_kind.<kind> (allreduce, allgather, reducescatter, alltoall: outside graph capture vLLM's and
 * SGLang's GroupCoordinator falls back to c10d, torch.distributed.all_reduce / all_gather / reduce_scatter, whose
 * Python-to-NCCL path costs far more than a tensor op: runtimes/vllm-0.2.yaml), else per_kernel (no evidence for the
 * kind: an all-to-all, which under DeepEP is not a c10d call at all). 0 where the step is replayed from a graph, and
 * under piecewise graphs, which capture the collectives inside their pieces (vLLM's splitting ops are the attention ops
 * and the KV-cache write), except a collective the runtime runs after the replayed forward (launch.outside_graph, by the
 * op's `name`: vLLM's logits all-gather, a c10d call every step). Joins the host's dispatch chain beside the other ops'
 * launch floors (src/sim/decoder.ts costPass).
 */
export function collectiveLaunchS(hw: NormalizedHardware, phase: LaunchPhase, kind: CollectiveKind, runtimeKernel: boolean, name?: string): number {
  const library = launchFloorForOpS(hw, phase, kind, 1, name);
  return runtimeKernel ? Math.min(library, hw.runtime?.launch.perKernelS ?? 0) : library;
}

/** the runtime's host cost of one op of `kind` (launch.per_kernel_by_kind), undefined where it prices none by kind */
function byKindS(l: LaunchCosts | undefined, kind: string): number | undefined {
  const t = l?.perKernelByKindS;
  return t !== undefined && Object.hasOwn(t, kind) ? t[kind] : undefined;
}

/** one forward of an eager decode loop, as eagerStepSeconds prices it */
export interface EagerStep {
  layers: number; // the decoder layers whose host time the loop pays (one pp stage's)
  rows: number; // decoded rows, host.per_sequence each
  deviceS: number; // the device time of the forward's kernels (priced with launch phase 'device')
  arch?: string; // the model's layer code, its key in decode_step.by_layer (decoderHostArch below)
  // the host time of the MoE blocks' expert loops in this forward (src/sim/moe-expert-loop.ts), added to the layers'
  // dispatch; absent: none
  expertLoopS?: number;
}

/**
 * One forward of an eager decode loop (the runtime's host.decode_step: a Python generate() loop over nn.Module layers,
 * nothing captured), given the device time of its kernels (priced with phase 'device'). The host spends perLayer for
 * each decoder layer — module calls and the dispatch of the layer's kernels, which the device runs as they arrive — and
 * perStep on the model's top and the loop's own work (logits processors, token choice, stopping check, cache
 * bookkeeping), plus host.per_sequence for each decoded row (a loop that walks beams in Python: openai-whisper's
 * BeamSearchDecoder.update). A loop that reads a device value every step (sync 'step': HF generate()'s
 * unfinished-sequences check, openai-whisper's `completed`) waits there for the kernels, so its per-step and per-row
 * work runs with the device idle, and only the layers' dispatch overlaps their kernels:
 *   sync 'step': perStep + rows × per_sequence + max(perLayer × layers, deviceS)
 *   sync 'none': max(perStep + rows × per_sequence + perLayer × layers, deviceS)
 * undefined where the runtime states no eager loop (the caller keeps the per-kernel launch floors).
 */
export function eagerStepSeconds(hw: NormalizedHardware, step: EagerStep): number | undefined {
  const { layers, rows, deviceS, arch, expertLoopS = 0 } = step;
  const d = hw.runtime?.decodeStep;
  if (!d) return undefined;
  // the layer's own host times where the runtime lists its code (decode_step.by_layer), else the spec's default
  const key = arch !== undefined && d.byLayer !== undefined ? layerKey(d.byLayer, arch) : undefined;
  const own = key !== undefined ? d.byLayer![key]! : d;
  const loop = own.perStepS + Math.max(0, rows) * (hw.runtime?.hostPerSequenceS ?? 0);
  // a MoE block's Python loop over its experts (host.moe_expert_loop: src/sim/moe-expert-loop.ts) dispatches beside the
  // layers' own code; each iteration reads the device (torch.where's nonzero), so it cannot run ahead of the kernels
  // either, and the layers last at least the host's whole dispatch
  const dispatch = own.perLayerS * Math.max(0, layers) + Math.max(0, expertLoopS);
  return d.sync === 'step' ? asyncStepSeconds(dispatch, deviceS, loop) : asyncStepSeconds(loop + dispatch, deviceS);
}

/**
 * The layers of an eager encoder tower other than Whisper's (simulate's encoder path: ViT, CLIP, BERT-style stacks run
 * as nn.Module layers called from Python), given their kernels' device time (priced with phase 'device'). Each layer
 * costs the host host.encoder_forward.per_layer, measured on Hugging Face WhisperEncoderLayer, whose op list is the
 * one these layers share (pre-LayerNorm, q / k / v / out and fc1 / fc2 as separate nn.Linear, attention, GELU, two
 * residual adds: transformers ViTLayer + ViTSelfAttention / ViTSelfOutput / ViTIntermediate / ViTOutput,
 * CLIPEncoderLayer, BertLayer); nothing inside the layers reads the device, so they last
 * max(perLayer × layers, deviceS). The measured per_forward is Whisper's own front end (two convolutions over 3,000
 * mel frames, positions) and is not charged: the caller prices the tower's other ops (patch embedding, final norm,
 * head) with their launch floors. undefined where the runtime states no eager encoder.
 */
export function eagerEncoderLayersSeconds(hw: NormalizedHardware, layers: number, deviceS: number): number | undefined {
  const e = hw.runtime?.encoderForward;
  if (!e) return undefined;
  return asyncStepSeconds(e.perLayerS * Math.max(0, layers), deviceS);
}

/**
 * The key of a decoder-only model's layer code in decode_step.by_layer: HF transformers writes a Llama-style decoder
 * layer (LlamaDecoderLayer: RMSNorm in Python ops, rotary, separate q/k/v and gate/up/down nn.Linear, SDPA) for Llama,
 * Mistral, Qwen2 and their kin; Qwen3, Gemma 3 and OLMo 2 add a per-head RMSNorm of q and k (two more written-out
 * norms per layer). The key follows the attention's q/k norm alone: other layer code was not measured (MoE blocks take
 * the key of their attention — Qwen3-MoE 'llama_qk_norm', Mixtral 'llama' — with no expert loop; MLA and
 * LayerNorm-and-bias GPTs take 'llama'), a lower bound for expert loops. ALiBi models (BLOOM) are 'alibi': their
 * attention is code of its own (DeepSpeed-Inference runs it as Python ops around its fused kernels, runtimes/deepspeed.yaml);
 * a runtime that lists no 'alibi' layer prices them as 'llama' (LAYER_KEY_FALLBACK).
 */
export function decoderHostArch(m: Pick<DecoderModel, 'attention' | 'position'>): DecoderHostArch {
  if (m.attention && m.attention.qk_norm !== 'none') return 'llama_qk_norm';
  return m.position === 'alibi' ? 'alibi' : 'llama';
}

// A layer key a runtime does not list takes the key its code was priced under before it had one of its own: an ALiBi
// layer (BLOOM, whose attention DeepSpeed-Inference's kernel injection runs as Python ops) is a 'llama' layer to a
// runtime that measured no ALiBi layer (HF BloomBlock has no host measurement of its own).
const LAYER_KEY_FALLBACK: Partial<Record<string, string>> = { alibi: 'llama' };

function layerKey(byLayer: Record<string, unknown>, arch: string): string | undefined {
  if (Object.hasOwn(byLayer, arch)) return arch;
  const f = LAYER_KEY_FALLBACK[arch];
  return f !== undefined && Object.hasOwn(byLayer, f) ? f : undefined;
}

/**
 * One eager encoder forward (the runtime's host.encoder_forward: nn.Module layers called from Python, e.g. HF
 * WhisperEncoder), given its kernels' device time (priced with phase 'device', so the per-kernel launch floors are not
 * counted twice). Nothing inside the forward reads the device, so the host's dispatch runs ahead of the kernels and the
 * forward lasts the longer of the two: max(perForward + perLayer × layers, deviceS). undefined where the runtime states
 * no eager encoder (the caller keeps the per-kernel launch floors).
 */
export function eagerForwardSeconds(hw: NormalizedHardware, layers: number, deviceS: number): number | undefined {
  const e = hw.runtime?.encoderForward;
  if (!e) return undefined;
  return asyncStepSeconds(e.perForwardS + e.perLayerS * Math.max(0, layers), deviceS);
}
