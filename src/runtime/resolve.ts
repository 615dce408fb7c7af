// Which runtime drives a hardware for a model, and the hardware as that runtime drives it.
//
//   --runtime ID|file ──resolveRuntime──▶ NormalizedRuntime ─┐
//   (none) ──defaultRuntime(hw, model, mode)──▶ id ──────────┤
//                                                            ▼
//   NormalizedHardware ──bindRuntime (by_vendor, by_architecture, by_hardware, the hardware's own runtime: block)──▶ hw.runtime
import { libraryRuntime, resolveRuntimeSpec } from '../spec/library.js';
import { applyOverride, applyOwnOverride } from './override.js';
import { cpuHardware } from './launch.js';
import { HARDWARE_VENDORS, type BoundRuntime, type NormalizedHardware, type NormalizedModel, type NormalizedRuntime, type RuntimeOverride, type RuntimeSettings } from '../spec/types.js';

export type RuntimeMode = 'inference' | 'training';

/** a runtime by library id or YAML file */
export function resolveRuntime(ref: string): Promise<NormalizedRuntime> {
  return resolveRuntimeSpec(ref);
}

const PHONE_RUNTIME: Record<string, string> = { qualcomm: 'genie', mediatek: 'neuropilot', apple: 'coreml' };
const DATACENTER_RUNTIME: Record<string, string> = { nvidia: 'tensorrt-llm', amd: 'vllm' };

function unifiedClass(cls: string): boolean {
  return cls === 'mobile' || cls === 'laptop' || cls === 'edge' || cls === 'desktop';
}

/**
 * The runtime a number assumes when none is named (docs/runtimes.md "Defaults"): what the vendor ships or what
 * most published measurements on that class of part use.
 *  - training: Megatron-LM (Megatron-Core / NeMo), JAX on TPUs;
 *  - phones and the Qualcomm/MediaTek laptop NPUs: the vendor runtime (Genie/QNN, NeuroPilot, Core ML);
 *  - TPUs, Gaudi and datacenter Ascend: the vendor's stack for every family (JAX, Optimum Habana, MindIE);
 *  - NVIDIA and AMD datacenter GPUs: TensorRT-LLM / vLLM for decoders and pipelines with a decoder stage
 *    (TensorRT-LLM also for Whisper);
 *    PyTorch / Diffusers for encoders, DiT, VAE and diffusion/video pipelines (the reference implementations they are
 *    published with);
 *  - Apple Macs, consumer and edge GPUs, CPUs (Xeon included): llama.cpp for decoders, whisper.cpp for Whisper
 *    on Macs and CPUs, PyTorch / Diffusers for the rest.
 */
export function defaultRuntime(hw: Pick<NormalizedHardware, 'id' | 'name' | 'vendor' | 'class'>, model: RuntimeModel, mode: RuntimeMode = 'inference'): string {
  const v = hw.vendor;
  if (mode === 'training') return v === 'google' ? 'jax' : 'megatron';
  const phone = hw.class === 'mobile' || ((v === 'qualcomm' || v === 'mediatek') && unifiedClass(hw.class));
  if (phone && PHONE_RUNTIME[v]) return PHONE_RUNTIME[v]!;
  const f = mainFamily(model);
  const datacenter = hw.class === 'datacenter';
  if (v === 'google') return 'jax';
  if (v === 'huawei' && datacenter) return 'mindie';
  if (v === 'intel' && /gaudi/i.test(`${hw.id} ${hw.name}`)) return 'optimum-habana';
  if (f === 'decoder') {
    if (datacenter && DATACENTER_RUNTIME[v] && !cpuHardware(hw)) return DATACENTER_RUNTIME[v]!;
    return 'llama.cpp';
  }
  if (f === 'encoder-decoder') {
    if (datacenter && v === 'nvidia') return 'tensorrt-llm';
    if (v === 'apple' || cpuHardware(hw)) return 'whisper.cpp';
    return 'pytorch';
  }
  if (f === 'encoder') return 'pytorch';
  return 'diffusers'; // dit, vae, diffusion and video pipelines
}

/** what a model needs of itself to pick its default runtime: its family and, for pipelines, the stage roles */
export type RuntimeModel = Pick<NormalizedModel, 'family'> & { stages?: ReadonlyArray<{ role: string }> };

/** a pipeline whose main stage is an LLM decoder (gpt4o-omni, flamingo) runs on that decoder's runtime;
 *  diffusion and video pipelines stay 'pipeline' (Diffusers) */
function mainFamily(model: RuntimeModel): NormalizedModel['family'] {
  if (model.family === 'pipeline' && model.stages?.some((s) => s.role === 'decoder')) return 'decoder';
  return model.family;
}

/**
 * the runtime's settings for this hardware: by_vendor, then by_architecture (the hardware's `architecture`), then the
 * scheduler's defaults for a device of this memory (scheduler.below_memory), then by_hardware, then the hardware's own
 * runtime: block
 */
export function boundRuntime(hw: NormalizedHardware, rt: NormalizedRuntime): BoundRuntime {
  let s = applyOverride(rt, rt.byVendor[hw.vendor]);
  if (hw.architecture !== undefined) s = applyOverride(s, rt.byArchitecture?.[hw.architecture]);
  s = applyOverride(s, memoryClass(s, hw.memory.capacityBytes));
  s = applyOverride(s, rt.byHardware[hw.id]);
  const own = hw.runtimeOverride;
  if (own) s = applyOwnOverride(s, own);
  const vendorWarning = rt.vendors && !rt.vendors.includes(hw.vendor) && !(rt.vendors.includes('other') && !HARDWARE_VENDORS.includes(hw.vendor))
    ? `${rt.name} does not list ${hw.vendor} among the vendors it runs on (${rt.vendors.join(', ')}): ${hw.id} priced as asked`
    : undefined;
  return { id: rt.id, name: own?.name ?? rt.name, kind: rt.kind, ...s, vendorWarning };
}

// the engine's scheduler defaults on a device with less memory than the runtime's threshold (vLLM's get_batch_defaults
// 256 / 2048 below 70 GiB; SGLang's chunked_prefill_size tiers): the class of the smallest threshold the device is below
function memoryClass(s: RuntimeSettings, capacityBytes: number): Partial<RuntimeOverride> | undefined {
  const b = s.scheduler.belowMemory?.find((c) => capacityBytes < c.bytes);
  if (!b) return undefined;
  const o: Partial<RuntimeSettings['scheduler']> = {};
  if (b.maxNumSeqs !== undefined) o.maxNumSeqs = b.maxNumSeqs;
  if (b.maxNumBatchedTokens !== undefined) o.maxNumBatchedTokens = b.maxNumBatchedTokens;
  return { scheduler: o };
}

/** a copy of the hardware driven by this runtime (engines read hw.runtime) */
export function bindRuntime(hw: NormalizedHardware, rt: NormalizedRuntime): NormalizedHardware {
  const runtime = boundRuntime(hw, rt);
  // a runtime that states its per-kernel device time in GPU clock cycles (kernels.kernel_cycles: ggml's small kernels,
  // one block each at batch 1, are latency chains that scale with the SM clock) sets the part's per-kernel gap; one
  // that states it in seconds (kernels.kernel_time: a per-dispatch cost measured where the spec gives no clock, Metal)
  // sets it outright
  const cycles = runtime.kernels.kernelCycles;
  const time = runtime.kernels.kernelTimeS;
  let efficiency = !runtime.launch.deviceGap
    ? { ...hw.efficiency, kernelOverheadS: 0 }
    : time !== undefined ? { ...hw.efficiency, kernelOverheadS: time }
    : cycles && hw.clockHz ? { ...hw.efficiency, kernelOverheadS: cycles / hw.clockHz } : hw.efficiency;
  // the runtime's attention kernel on this part (kernels.attention_efficiency, usually under by_hardware)
  const att = runtime.kernels.attentionEfficiency;
  if (att !== undefined) efficiency = { ...efficiency, attention: att };
  return { ...hw, efficiency, runtime };
}

/** resolve (flag or default) and bind in one call: what every command does before its what-ifs */
export async function runtimeForRequest(hw: NormalizedHardware, model: RuntimeModel, ref: string | undefined, mode: RuntimeMode = 'inference'): Promise<NormalizedHardware> {
  return bindRuntime(hw, await resolveRuntime(ref ?? defaultRuntime(hw, model, mode)));
}

/** the hardware with its default library runtime bound, when none is yet (library callers, sweeps) */
export function withDefaultRuntime(hw: NormalizedHardware, model: RuntimeModel, mode: RuntimeMode = 'inference'): NormalizedHardware {
  if (hw.runtime) return hw;
  // sweeps and searches bind the same hardware object for many calls: bind each (hardware, family, mode) once
  let byKey = BOUND.get(hw);
  if (!byKey) BOUND.set(hw, (byKey = new Map()));
  const key = mode === 'training' ? 'training' : mainFamily(model);
  let bound = byKey.get(key);
  if (!bound) byKey.set(key, (bound = bindRuntime(hw, libraryRuntime(defaultRuntime(hw, model, mode)))));
  return bound;
}
const BOUND = new WeakMap<NormalizedHardware, Map<string, NormalizedHardware>>();
