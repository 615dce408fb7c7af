// Host-side launch cost: a kernel the runtime launches one by one (not replayed from a captured graph) cannot start
// before the host has dispatched it, so its slot lasts max(device time, host dispatch). The host runs ahead of the
// device asynchronously, so long kernels hide the dispatch entirely and only kernels shorter than it pay: closed form
// per op (× its count), no per-token loops.
import type { NormalizedHardware } from '../spec/types.js';

/** 'decode': a token-generation step (what serving engines capture as CUDA graphs); 'other': everything else */
export type LaunchPhase = 'decode' | 'other';

/** Host dispatch time per kernel that bounds a kernel's slot in this phase (0 when graph-captured or unbound). */
export function launchFloorS(hw: NormalizedHardware, phase: LaunchPhase = 'other'): number {
  const l = hw.runtime?.launch;
  if (!l || l.perKernelS <= 0 || l.graphs === 'all') return 0;
  if (l.graphs === 'decode' && phase === 'decode') return 0;
  return l.perKernelS;
}
