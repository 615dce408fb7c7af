// `--set PATH=VALUE`: override one hardware field by its YAML path (docs/spec-format.md), with units
// (`compute.matrix.int8="60 TOPS"`, `memory.bandwidth="4.8 TB/s"`, `power.tdp=350W`). Each path maps to
// the normalized field it feeds; units go through parseQuantity (mathjs, loaded lazily, only here).
// Library specs exist only as compiled SI JSON, so a table of paths is simpler and faster than
// re-normalizing a raw spec.
import type { Admission, Batching, Dtype, GraphCapture, LinkSpec, NormalizedHardware, Sampling, WeightOnlyMoeKernel } from '../spec/types.js';
import { ADMISSIONS, BATCHINGS, DTYPES, GRAPH_CAPTURES, SAMPLINGS, WEIGHT_ONLY_MOE_KERNELS } from '../spec/types.js';
import { MIN_EFFICIENCY, hardwareSchema, inRange, rangeAt, rangeText } from '../spec/schemas.js';
import { UserError, editDistance, nearest } from '../spec/errors.js';
import type { Dimension } from '../units/quantity.js';
import { defaultMemoryEfficiency, gemmTable } from './efficiency.js';
import { applyOwnOverride, type OwnRuntime } from '../runtime/override.js';

type Kind = Dimension | 'count' | 'fraction' | 'string';
interface Field {
  kind: Kind;
  options?: readonly string[]; // a text field's allowed values
  apply: (hw: NormalizedHardware, v: number | string) => void;
  zero?: boolean; // a quantity that may be 0 (prices, energies, a runtime without host time)
}

function linkFields(name: 'scale_up' | 'scale_out' | 'host', key: 'scaleUp' | 'scaleOut' | 'host'): Record<string, Field> {
  // a link the part lacks is made by its bandwidth; its latency, domain or technology alone would leave a link of
  // no bandwidth, which every collective over it divides by
  const get = (hw: NormalizedHardware, field: string): LinkSpec => {
    const had = hw[key];
    if (!had && field !== 'bandwidth') throw new UserError(`--set interconnect.${name}.${field}: ${hw.id} has no interconnect.${name} link; give its bandwidth first (--set interconnect.${name}.bandwidth=…)`);
    const l = { ...(had ?? { bandwidthBytePerS: 0, latencyS: name === 'scale_up' ? 3e-6 : 10e-6 }) };
    hw[key] = l;
    return l;
  };
  return {
    [`interconnect.${name}.bandwidth`]: { kind: 'bytes_per_s', apply: (hw, v) => void (get(hw, 'bandwidth').bandwidthBytePerS = v as number) },
    [`interconnect.${name}.latency`]: { kind: 'seconds', apply: (hw, v) => void (get(hw, 'latency').latencyS = v as number) },
    [`interconnect.${name}.domain`]: { kind: 'count', apply: (hw, v) => void (get(hw, 'domain').domain = v as number) },
    [`interconnect.${name}.technology`]: { kind: 'string', apply: (hw, v) => void (get(hw, 'technology').technology = v as string) },
  };
}

function buildFields(): Record<string, Field> {
  const f: Record<string, Field> = {
    name: { kind: 'string', apply: (hw, v) => void (hw.name = v as string) },
    class: { kind: 'string', apply: (hw, v) => void (hw.class = v as string) },
    'compute.units': { kind: 'count', apply: (hw, v) => void (hw.units = v as number) },
    'compute.clock': { kind: 'hertz', apply: (hw, v) => void (hw.clockHz = v as number) },
    'memory.capacity': { kind: 'bytes', apply: (hw, v) => void (hw.memory.capacityBytes = v as number) },
    'memory.bandwidth': { kind: 'bytes_per_s', apply: (hw, v) => void (hw.memory.bandwidthBytePerS = v as number) },
    'memory.energy': { kind: 'joules_per_bit', apply: (hw, v) => void (hw.memory.energyJPerBit = v as number) },
    'memory.stacks': { kind: 'count', apply: (hw, v) => void (hw.memory.stacks = v as number) },
    'memory.bus_width': { kind: 'count', apply: (hw, v) => void (hw.memory.busWidthBits = v as number) },
    'memory.technology': {
      kind: 'string',
      apply: (hw, v) => {
        hw.memory.technology = v as string;
        hw.efficiency.memory = defaultMemoryEfficiency(v as string);
      },
    },
    'on_chip.l2': { kind: 'bytes', apply: (hw, v) => void (hw.onChip.l2Bytes = v as number) },
    'on_chip.sram': { kind: 'bytes', apply: (hw, v) => void (hw.onChip.sramBytes = v as number) },
    'on_chip.l2_bandwidth': { kind: 'bytes_per_s', apply: (hw, v) => void (hw.onChip.l2BandwidthBytePerS = v as number) },
    'power.tdp': { kind: 'watts', apply: (hw, v) => void (hw.power = { ...hw.power, tdpW: v as number }) },
    'power.idle': { kind: 'watts', zero: true, apply: (hw, v) => void (hw.power = { tdpW: hw.power?.tdpW ?? 0, ...hw.power, idleW: v as number }) },
    'energy.compute': { kind: 'joules_per_flop', apply: (hw, v) => void (hw.energy = { ...hw.energy, computeJPerFlop: v as number }) },
    'price.hour': { kind: 'usd', apply: (hw, v) => void (hw.price = { ...hw.price, hourUsd: v as number }) },
    'price.purchase': { kind: 'usd', apply: (hw, v) => void (hw.price = { ...hw.price, purchaseUsd: v as number }) },
    'efficiency.memory': { kind: 'fraction', apply: (hw, v) => void (hw.efficiency.memory = v as number) },
    'efficiency.gemm': { kind: 'fraction', apply: (hw, v) => void (hw.efficiency.gemm = gemmTable(v as number)) },
    'efficiency.attention': { kind: 'fraction', apply: (hw, v) => void (hw.efficiency.attention = v as number) },
    'efficiency.attention_backward': { kind: 'fraction', apply: (hw, v) => void (hw.efficiency.attentionBackward = v as number) },
    // the share of the burst matrix rate held under sustained load (src/sim/roofline.ts sustainedMatrix); a dtype with its
    // own efficiency.sustained_matrix_by_dtype.<dtype> (b200's fp8: 1) keeps that value: the per-dtype one wins, so set
    // it too (below) to move that dtype
    'efficiency.sustained_matrix': { kind: 'fraction', apply: (hw, v) => void (hw.efficiency.sustainedMatrix = v as number) },
    'efficiency.vector': { kind: 'fraction', apply: (hw, v) => void (hw.efficiency.vector = v as number) },
    'efficiency.collective': { kind: 'fraction', apply: (hw, v) => void (hw.efficiency.collective = v as number) },
    // the runtime as bound to this hardware (src/runtime/resolve.ts), and kept as an override should it be bound later
    'runtime.step_overhead': { kind: 'seconds', zero: true, apply: (hw, v) => setRuntime(hw, { stepOverheadS: v as number }) },
    'runtime.static_context': { kind: 'count', apply: (hw, v) => setRuntime(hw, { staticContext: v as number }) },
    // a static-shape generate() that attends over each batch's whole input + output length every decode step
    // (runtimes/optimum-habana.yaml shapes.static_request), or not (false: over the context so far)
    'runtime.static_request': { kind: 'string', options: ['true', 'false'], apply: (hw, v) => setRuntime(hw, { staticRequest: v === 'true' }) },
    // whether the run's decode loop read nothing back from the device between steps, so a decode step's host time hid
    // behind the step before it (host.runs_ahead: optimum-habana's generate() under --ignore_eos, its default); false
    // for a run with --no-ignore_eos, whose stopping check reads the device every step (src/runtime/host.ts)
    'runtime.runs_ahead': { kind: 'string', options: ['true', 'false'], apply: (hw, v) => setRuntime(hw, { runsAhead: v === 'true' }) },
    // the run's decode buckets (optimum-habana --bucket_size N --bucket_internal: generate() slices the cache at
    // cache_idx, the context rounded up to N, before the attention): each decode step attends over its context rounded
    // up to N tokens instead of the whole input + output length
    'runtime.decode_bucket': { kind: 'count', apply: (hw, v) => setRuntime(hw, { staticRequest: false, decodeBucket: v as number }) },
    // requests in flight the engine admits (vLLM --max-num-seqs, SGLang --max-running-requests, TensorRT-LLM max_batch_size)
    'runtime.max_num_seqs': { kind: 'count', apply: (hw, v) => setRuntime(hw, { maxNumSeqs: v as number }) },
    // tokens the engine schedules per iteration (vLLM --max-num-batched-tokens, which also sizes vLLM's Whisper encoder
    // budget; TensorRT-LLM's engine max_num_tokens); a runtime's long-context variant (scheduler.long_context) still
    // applies above its max_model_len
    'runtime.max_num_batched_tokens': { kind: 'count', apply: (hw, v) => setRuntime(hw, { maxNumBatchedTokens: v as number }) },
    // Whisper encoder frames an in-flight executor admits per iteration (a TensorRT-LLM encoder engine built with
    // trtllm-build --max_num_tokens N; 1,500 per 30 s window: src/sim/whisper.ts)
    'runtime.encoder_max_num_tokens': { kind: 'count', apply: (hw, v) => setRuntime(hw, { encoderMaxNumTokens: v as number }) },
    // the share of memory the engine gives the KV cache, of the runtime's basis (runtimes/*.yaml memory): TensorRT-LLM's
    // kv_cache_free_gpu_mem_fraction (of what weights and activations leave), vLLM's gpu_memory_utilization and SGLang's
    // mem_fraction_static (of the device), as a benchmark passed it; it holds at every tp (share_by_tp set aside)
    'runtime.memory_share': { kind: 'fraction', apply: (hw, v) => setRuntime(hw, { memoryShare: v as number }) },
    // the prompt's physical batch a benchmark set (llama-bench -ub N, llama.cpp --ubatch-size): simulate prefills a
    // single sequence in passes of at most N tokens (src/sim/ubatch.ts)
    'runtime.ubatch': { kind: 'count', apply: (hw, v) => setRuntime(hw, { ubatch: v as number }) },
    // ubatches in flight across a layer split's stages (ggml GGML_SCHED_MAX_COPIES; 1: the run's build did not pipeline
    // them: src/sim/pipelined-prefill.ts)
    'runtime.pipeline_copies': { kind: 'count', apply: (hw, v) => setRuntime(hw, { pipelineCopies: v as number }) },
    // serve's admission policy, as a runtime file's scheduler.admission (reserve: TensorRT-LLM's GUARANTEED_NO_EVICT)
    'runtime.admission': { kind: 'string', options: ADMISSIONS, apply: (hw, v) => setRuntime(hw, { admission: v as Admission }) },
    // Whisper decoding and long-form batching as a run set them (faster-whisper transcribe(beam_size=…), the HF
    // pipeline's batch_size=…): beams per window, windows per pass (src/sim/whisper.ts)
    'runtime.beam_size': { kind: 'count', apply: (hw, v) => setRuntime(hw, { beamSize: v as number }) },
    'runtime.audio_batch': { kind: 'count', apply: (hw, v) => setRuntime(hw, { audioBatch: v as number }) },
    // host time decoding the audio file, per second of audio (0s for an array input)
    'runtime.audio_decode': { kind: 'seconds', zero: true, apply: (hw, v) => setRuntime(hw, { hostAudioDecodeS: v as number }) },
    // host time of the log-mel spectrogram per second of audio on this host's CPU (0s: computed on the device)
    'runtime.log_mel': { kind: 'seconds', zero: true, apply: (hw, v) => setRuntime(hw, { hostLogMelS: v as number }) },
    // the run's own timestamp setting (the HF pipeline's return_timestamps=True, transcribe(without_timestamps=True))
    'runtime.timestamps': { kind: 'string', options: ['true', 'false'], apply: (hw, v) => setRuntime(hw, { timestamps: v === 'true' }) },
    // the run's own voice-activity filter (faster-whisper transcribe(vad_filter=True)): the runtime's host.vad per
    // second of audio before the first window
    'runtime.vad': { kind: 'string', options: ['true', 'false'], apply: (hw, v) => setRuntime(hw, { vad: v === 'true' }) },
    // whether the run's host log-mel ran beside the engine's device work (scheduler.log_mel_overlap: vLLM V1's front-end
    // process) or before it (false: vLLM V0's LLMEngine processes every prompt of a generate() call before its first step)
    'runtime.log_mel_overlap': { kind: 'string', options: ['true', 'false'], apply: (hw, v) => setRuntime(hw, { logMelOverlap: v === 'true' }) },
    // the run's own sampling, as its client sent it: greedy (temperature 0: an argmax), random (a temperature alone),
    // top-p (top_p < 1, with or without top_k); penalties: repetition / frequency / presence penalties set. The
    // runtime's sampler kernels (kernels.sampler, src/sim/sampler-ops.ts) price what the step runs for it
    'runtime.sampling': { kind: 'string', options: SAMPLINGS, apply: (hw, v) => setRuntime(hw, { sampling: v as Sampling }) },
    'runtime.penalties': { kind: 'string', options: ['true', 'false'], apply: (hw, v) => setRuntime(hw, { penalties: v === 'true' }) },
    // how the run batched its requests: inflight (a finished request is replaced at once, the serving engines' way) or
    // static (one batch prefilled together and decoded to the end with no replacement: an offline benchmark timing one
    // generate call over a fixed batch, vLLM's benchmark_latency, TensorRT-LLM's run.py; src/sim/decoder.ts static path)
    'runtime.batching': { kind: 'string', options: BATCHINGS, apply: (hw, v) => setRuntime(hw, { batching: v as Batching }) },
    // whether the run's engine composed each batch while the one before it ran (serve, scheduler.overlap_schedule):
    // vLLM's async scheduling, the default from v0.14; TensorRT-LLM's PyTorch executor; SGLang from v0.4. It also puts
    // the runtime's per-sequence host work behind the device step or, false, in front of it (host.overlap:
    // src/runtime/override.ts), for every runtime and over its file's host.overlap: in each of these engines the one
    // loop does both (vLLM EngineCore.step_with_batch_queue vs step; SGLang event_loop_overlap vs event_loop_normal;
    // TensorRT-LLM PyExecutor._executor_loop_overlap vs _executor_loop, disable_overlap_scheduler). Unset, the file's
    // host.overlap stands. A runtime without such a loop (vLLM V0, llama.cpp, generate()) should not be given it
    // (docs/runtimes.md, overlap scheduling)
    'runtime.overlap_schedule': { kind: 'string', options: ['true', 'false'], apply: (hw, v) => setRuntime(hw, { overlapSchedule: v === 'true' }) },
    // the run's multi-step scheduling (vLLM V0's --num-scheduler-steps N, releases 0.5.5-0.9, scheduler.steps): a step's
    // decoding sequences pay 1/N of the runtime's per-sequence host work (src/runtime/host.ts). Accepted on any runtime
    // and priced as asked, but only V0 engines have it: vLLM V1 (runtimes/vllm.yaml, the default engine from 0.8) has no multi-step
    // scheduling (it went with the V0 engine), so set it on V0 runs (vllm-0.6, vllm-0.7) only
    // the run's DeepSpeed ZeRO overlap_comm (its zero_optimization config): true reduces the gradients on a side stream behind
    // the backward, false on the compute stream (training.zero_overlap_comm, src/sim/training/zero-overlap.ts); unset, the
    // runtime file's default (DeepSpeed: on for stage 3 only)
    'runtime.overlap_comm': { kind: 'string', options: ['true', 'false'], apply: (hw, v) => setRuntime(hw, { overlapComm: v === 'true' }) },
    // the run's own sequence parallelism under tensor parallelism (Megatron-LM --sequence-parallel, opt-in; NeMo
    // sequence_parallel in the recipe): false splits the linears only, so the norms and residual adds run on the whole
    // activation on every TP rank (training.sequence_parallel, src/sim/training/layer-cost.ts); unset, the runtime
    // file's (true unless it says false: deepspeed's AutoTP)
    'runtime.sequence_parallel': { kind: 'string', options: ['true', 'false'], apply: (hw, v) => setRuntime(hw, { sequenceParallel: v === 'true' }) },
    'runtime.scheduler_steps': { kind: 'count', apply: (hw, v) => setRuntime(hw, { schedulerSteps: v as number }) },
    // serve's front end (the API-server process, src/serve/frontend.ts): its time per request taken in and per output
    // token streamed, and the API servers that share it (vLLM --api-server-count); 0s for both: none (offline runs)
    'runtime.frontend_per_request': { kind: 'seconds', zero: true, apply: (hw, v) => setRuntime(hw, { frontendPerRequestS: v as number }) },
    'runtime.frontend_per_token': { kind: 'seconds', zero: true, apply: (hw, v) => setRuntime(hw, { frontendPerOutputTokenS: v as number }) },
    // the captured decode graph batch sizes with padding on, per rank, ascending: "128,256,384,512"; "none" turns padding off
    'runtime.graph_batch_sizes': { kind: 'string', apply: (hw, v) => setRuntime(hw, { graphBatchSizes: graphSizes(v as string) }) },
    // which steps the run replayed from captured graphs: none for vLLM's --enforce-eager or SGLang's --disable-cuda-graph
    // (every op dispatched from the host, at the runtime's launch.eager costs where it states them), decode, piecewise,
    // all (src/runtime/launch.ts launchMode)
    'runtime.graphs': { kind: 'string', options: GRAPH_CAPTURES, apply: (hw, v) => setRuntime(hw, { graphs: v as GraphCapture }) },
    // the weight-only MoE kernel the run used (default: the runtime file's; marlin: vLLM's fused Marlin MoE, the
    // default of vLLM before v0.12 on Hopper and what VLLM_MXFP4_USE_MARLIN=1 selects; kernels.marlin_moe_efficiency)
    'runtime.weight_only_moe': { kind: 'string', options: WEIGHT_ONLY_MOE_KERNELS, apply: (hw, v) => setRuntime(hw, { weightOnlyMoe: v as WeightOnlyMoeKernel }) },
    'runtime.api_servers': { kind: 'count', apply: (hw, v) => setRuntime(hw, { apiServers: v as number }) },
    'efficiency.kernel_overhead': { kind: 'seconds', apply: (hw, v) => void (hw.efficiency.kernelOverheadS = v as number) },
    ...linkFields('scale_up', 'scaleUp'),
    ...linkFields('scale_out', 'scaleOut'),
    ...linkFields('host', 'host'),
  };
  for (const d of DTYPES) {
    f[`compute.matrix.${d}`] = { kind: 'flop_per_s', apply: (hw, v) => void (hw.matrixFlopPerS[d as Dtype] = v as number) };
    f[`compute.vector.${d}`] = { kind: 'flop_per_s', apply: (hw, v) => void (hw.vectorFlopPerS[d as Dtype] = v as number) };
    f[`efficiency.gemm_by_dtype.${d}`] = {
      kind: 'fraction',
      apply: (hw, v) => void (hw.efficiency.gemmByDtype = { ...hw.efficiency.gemmByDtype, [d]: gemmTable(v as number) }),
    };
    // one dtype's sustained share, winning over efficiency.sustained_matrix for that dtype's GEMMs
    f[`efficiency.sustained_matrix_by_dtype.${d}`] = {
      kind: 'fraction',
      apply: (hw, v) => void (hw.efficiency.sustainedMatrixByDtype = { ...hw.efficiency.sustainedMatrixByDtype, [d]: v as number }),
    };
  }
  return f;
}

// "128,256,384,512" → [128, 256, 384, 512] (whole numbers ≥ 1, ascending); "none" → null (no padding)
function graphSizes(raw: string): number[] | null {
  const where = '--set runtime.graph_batch_sizes';
  if (raw.trim() === 'none') return null;
  const parts = raw.split(',').map((x) => x.trim());
  const sizes = parts.map(Number);
  sizes.forEach((n, i) => {
    if (!(Number.isInteger(n) && n >= 1 && n <= 100000)) throw new UserError(`${where}: expected whole numbers from 1 to 100000 separated by commas (e.g. 128,256,384,512) or none, found "${parts[i]}"`);
    if (i > 0 && !(n > sizes[i - 1]!)) throw new UserError(`${where}: the sizes must ascend, found ${n} after ${sizes[i - 1]}; list them smallest first (e.g. 128,256,384,512)`);
  });
  return sizes;
}

// the hardware's own runtime block gains `o`; a runtime already bound takes it as boundRuntime would have
// (src/runtime/override.ts applyOwnOverride, through ownRuntimeOverride: the one list of which fields are the scheduler's)
function setRuntime(hw: NormalizedHardware, o: OwnRuntime): void {
  hw.runtimeOverride = { ...hw.runtimeOverride, ...o };
  if (!hw.runtime) return;
  hw.runtime = { ...hw.runtime, ...applyOwnOverride(hw.runtime, o), ...(o.name !== undefined ? { name: o.name } : {}) };
}

export const SET_FIELDS: Record<string, Field> = buildFields();

// A deep enough copy that applying a field never touches the library's object.
function cloneHardware(hw: NormalizedHardware): NormalizedHardware {
  return {
    ...hw,
    matrixFlopPerS: { ...hw.matrixFlopPerS },
    vectorFlopPerS: { ...hw.vectorFlopPerS },
    memory: { ...hw.memory },
    onChip: { ...hw.onChip },
    scaleUp: hw.scaleUp && { ...hw.scaleUp },
    scaleOut: hw.scaleOut && { ...hw.scaleOut },
    host: hw.host && { ...hw.host },
    power: hw.power && { ...hw.power },
    energy: hw.energy && { ...hw.energy },
    price: hw.price && { ...hw.price },
    efficiency: {
      ...hw.efficiency,
      gemmByDtype: hw.efficiency.gemmByDtype && { ...hw.efficiency.gemmByDtype },
      sustainedMatrixByDtype: hw.efficiency.sustainedMatrixByDtype && { ...hw.efficiency.sustainedMatrixByDtype },
    },
  };
}

function unquote(s: string): string {
  const t = s.trim();
  return /^(["']).*\1$/.test(t) ? t.slice(1, -1).trim() : t;
}

function textValue(where: string, raw: string, options: readonly string[] | undefined): string {
  if (!raw) throw new UserError(`${where}: needs a value`);
  if (options && !options.includes(raw)) throw new UserError(`${where}: expected one of ${options.join(', ')}, found "${raw}"`);
  return raw;
}

// a count (1 … 1e8) or a fraction (MIN_EFFICIENCY … 1) as typed: one check for --set and for accuracy rows' --set
function plainNumber(where: string, raw: string, kind: 'count' | 'fraction'): number {
  const n = Number(raw);
  if (raw === '' || !Number.isFinite(n)) throw new UserError(`${where}: expected a plain number, found "${raw}"`);
  if (kind === 'count' && !(Number.isInteger(n) && n >= 1 && n <= 1e8)) throw new UserError(`${where}: expected a whole number from 1 to 100000000, found "${raw}"`);
  if (kind === 'fraction' && !(n >= MIN_EFFICIENCY && n <= 1)) throw new UserError(`${where}: expected a fraction from ${MIN_EFFICIENCY} to 1, found "${raw}"`);
  return n;
}

const SECONDS_PER: Record<string, number> = { s: 1, ms: 1e-3, us: 1e-6, 'µs': 1e-6, ns: 1e-9 };
// bytes per second, case as written: "Gb/s" (bits) is not "GB/s" (bytes), so bits are refused rather than guessed
const BYTES_PER_S_PER: Record<string, number> = { 'B/s': 1, 'kB/s': 1e3, 'KB/s': 1e3, 'MB/s': 1e6, 'GB/s': 1e9, 'TB/s': 1e12, 'KiB/s': 1024, 'MiB/s': 1024 ** 2, 'GiB/s': 1024 ** 3, 'TiB/s': 1024 ** 4 };
interface PlainUnits { per: Record<string, number>; fold: boolean; what: string; si: string }
const PLAIN_UNITS: Partial<Record<Kind, PlainUnits>> = {
  seconds: { per: SECONDS_PER, fold: true, what: 'a time such as "1.5 ms" (s, ms, us or ns)', si: 's' },
  bytes_per_s: { per: BYTES_PER_S_PER, fold: false, what: 'a bandwidth such as "12.5GB/s" (B/s, kB/s, MB/s, GB/s, TB/s or KiB/s … TiB/s; bytes, not bits)', si: 'B/s' },
};

// a time ("1.32ms", "0s") or a bandwidth ("12.5GB/s") as typed in an accuracy row: the same zero and range checks as
// parseSetValue
function plainQuantity(where: string, raw: string, zero: boolean, path: string, u: PlainUnits): number {
  const m = /^([0-9]*\.?[0-9]+(?:e[-+]?[0-9]+)?)\s*(\S+)$/i.exec(raw);
  const unit = m ? (u.fold ? m[2]!.toLowerCase() : m[2]!) : '';
  const per = Object.hasOwn(u.per, unit) ? u.per[unit] : undefined;
  if (!m || per === undefined) throw new UserError(`${where}: expected ${u.what}, found "${raw}"`);
  const v = Number(m[1]) * per;
  if (!zero && !(v > 0)) throw new UserError(`${where}: must be > 0, found "${raw}"`);
  const range = rangeAt(hardwareSchema, path.split('.'));
  if (range && !inRange(v, range)) throw new UserError(`${where}: must be ${rangeText(range, u.si)}, found "${raw}"`);
  return v;
}

export async function parseSetValue(path: string, raw: string, kind: Kind, zero = false, options?: readonly string[]): Promise<number | string> {
  const where = `--set ${path}`;
  if (kind === 'string') return textValue(where, raw, options);
  if (kind === 'count' || kind === 'fraction') return plainNumber(where, raw, kind);
  const { parseQuantity, EXAMPLE } = await import('../units/quantity.js');
  if (/^[-+]?[0-9.]+(e[-+]?[0-9]+)?$/i.test(raw)) throw new UserError(`${where}: needs a unit, e.g. "${EXAMPLE[kind]}" (a bare number is ambiguous)`);
  const r = await parseQuantity(raw, kind);
  if ('error' in r) throw new UserError(`${where}: ${r.error}`);
  const zeroOk = zero || kind === 'usd' || kind === 'joules_per_flop' || kind === 'joules_per_bit';
  if (!zeroOk && !(r.value > 0)) {
    throw new UserError(`${where}: must be > 0, found "${raw}"`);
  }
  // the same range as in a spec file (schemas.ts x-range)
  const range = rangeAt(hardwareSchema, path.split('.'));
  if (range && !inRange(r.value, range)) {
    const { SI_UNIT } = await import('../spec/normalize-hardware.js');
    throw new UserError(`${where}: must be ${rangeText(range, SI_UNIT[kind])}, found "${raw}"`);
  }
  return r.value;
}

export async function applySet(hw: NormalizedHardware, assignment: string): Promise<NormalizedHardware> {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new UserError(`--set "${assignment}": expected PATH=VALUE, e.g. --set memory.bandwidth="4.8 TB/s"`);
  const path = assignment.slice(0, eq).trim();
  const raw = unquote(assignment.slice(eq + 1));
  const field = Object.hasOwn(SET_FIELDS, path) ? SET_FIELDS[path] : undefined;
  if (!field) throw unknownField(path);
  const value = await parseSetValue(path, raw, field.kind, field.zero, field.options);
  const out = cloneHardware(hw);
  field.apply(out, value);
  return out;
}

/**
 * `--set PATH=VALUE` for a plain-number or text field (counts, fractions, names), a time in s / ms / us / ns or a
 * bandwidth in B/s … TB/s, without loading the unit parser: what `hwperf accuracy` applies to a row's command,
 * synchronously (a row's command splits on spaces, so a value is written without one: `=12.5GB/s`). Any other field
 * that needs units is refused.
 */
export function applySetPlain(hw: NormalizedHardware, assignment: string): NormalizedHardware {
  const eq = assignment.indexOf('=');
  const path = eq > 0 ? assignment.slice(0, eq).trim() : assignment;
  const field = Object.hasOwn(SET_FIELDS, path) ? SET_FIELDS[path] : undefined;
  if (!field) throw unknownField(path);
  const units = PLAIN_UNITS[field.kind];
  if (field.kind !== 'count' && field.kind !== 'fraction' && field.kind !== 'string' && !units) {
    throw new UserError(`--set ${path}: only plain fields (counts, fractions, names), times and bandwidths can be set here`);
  }
  const raw = unquote(assignment.slice(eq + 1));
  const where = `--set ${path}`;
  const value =
    field.kind === 'string' ? textValue(where, raw, field.options)
    : units ? plainQuantity(where, raw, field.zero === true, path, units)
    : plainNumber(where, raw, field.kind as 'count' | 'fraction');
  const out = cloneHardware(hw);
  field.apply(out, value);
  return out;
}

// A path under a known group (runtime., memory., …) is matched on the part after the group against that group's fields
// only, and a match must share something with what was typed: a shared "runtime." alone suggested runtime.vad for
// runtime.host, runtime.id and "runtime.". Unmatched, the group's own fields are listed; a path outside every group
// is matched against all the fields.
function unknownField(path: string): UserError {
  const dot = path.indexOf('.');
  const group = dot > 0 ? path.slice(0, dot + 1) : '';
  const inGroup = group ? Object.keys(SET_FIELDS).filter((k) => k.startsWith(group)) : [];
  const rest = path.slice(group.length);
  let near: string | undefined;
  if (inGroup.length) {
    const n = rest ? nearest(rest, inGroup.map((k) => k.slice(group.length))) : undefined;
    const bare = (x: string) => x.toLowerCase().replace(/[^a-z0-9]/g, '');
    const shares = n !== undefined && (bare(n).startsWith(bare(rest)) || editDistance(rest.toLowerCase(), n.toLowerCase()) < rest.length);
    near = shares ? group + n : undefined;
  } else near = nearest(path, Object.keys(SET_FIELDS));
  // runtime.* reaches the run's own settings (a hardware spec's runtime: block), not a runtime file's blocks
  const other = group === 'runtime.' ? '; any other runtime field: a runtime YAML that extends the runtime, passed with --runtime FILE' : '';
  const list = settableSummary(inGroup.length ? inGroup : Object.keys(SET_FIELDS));
  return new UserError(`--set ${path}: unknown hardware field (${near ? `did you mean "${near}"?` : `settable: ${list}${other}`})`);
}

function settableSummary(paths: string[]): string {
  const groups = new Set(paths.map((p) => p.replace(/\.(fp64|fp32|tf32|bf16|fp16|fp8|int8|fp6|fp4|int4)$/, '.<dtype>')));
  return [...groups].join(', ');
}
