// Host-side launch cost: a kernel the runtime launches one by one (not replayed from a captured graph) cannot start
// before the host has dispatched it, so its slot lasts max(device time, host dispatch). The host runs ahead of the
// device asynchronously, so long kernels hide the dispatch entirely and only kernels shorter than it pay: closed form
// per op (× its count), no per-token loops.
import type { NormalizedHardware } from '../spec/types.js';

/** 'decode': a token-generation step (what serving engines capture as CUDA graphs); 'other': everything else */
export type LaunchPhase = 'decode' | 'other';

/** the op kinds a piecewise-captured decode step still dispatches one by one: vLLM splits its graphs at the attention
 *  op (CompilationConfig.splitting_ops; vllm-ascend adds vllm.unified_ascend_attention_with_output), which runs eagerly
 *  between the replayed pieces */
const PIECEWISE_EAGER_KINDS: ReadonlySet<string> = new Set(['attention']);

/** Host dispatch time per kernel that bounds a kernel's slot in this phase (0 when graph-captured or unbound). */
export function launchFloorS(hw: NormalizedHardware, phase: LaunchPhase = 'other'): number {
  const l = hw.runtime?.launch;
  if (!l || l.perKernelS <= 0 || l.graphs === 'all') return 0;
  if ((l.graphs === 'decode' || l.graphs === 'piecewise') && phase === 'decode') return 0;
  return l.perKernelS;
}

/**
 * The host dispatch floor of an op of `kernels` kernels: a one-kernel op of a kind the runtime prices by kind
 * (launch.per_kernel_by_kind: eager Python code, where an nn.Linear call costs the host three times a tensor add) pays
 * that; several kernels (an eager composite: its steps are elementwise tensor ops) pay the per-kernel cost each.
 * Under piecewise graphs a decode step's attention ops (the graph split points) pay their by-kind cost (or the
 * per-kernel cost per kernel); the captured ops between them pay nothing.
 */
export function launchFloorForOpS(hw: NormalizedHardware, phase: LaunchPhase, kind: string, kernels: number): number {
  const l = hw.runtime?.launch;
  if (l?.graphs === 'piecewise' && phase === 'decode') {
    if (!PIECEWISE_EAGER_KINDS.has(kind)) return 0;
    const own = l.perKernelByKindS !== undefined && Object.hasOwn(l.perKernelByKindS, kind) ? l.perKernelByKindS[kind]! : undefined;
    return own ?? l.perKernelS * kernels;
  }
  const per = launchFloorS(hw, phase);
  if (per === 0) return 0;
  const byKind = kernels === 1 ? hw.runtime?.launch.perKernelByKindS : undefined;
  return byKind !== undefined && Object.hasOwn(byKind, kind) ? byKind[kind]! : per * kernels;
}
