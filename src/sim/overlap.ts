// Communication a runtime hides behind independent compute, as shares the runtime spec gives (runtimes/*.yaml
// `overlap:`, bound to the hardware as hw.runtime.overlap). 0 = fully exposed (what a runtime without the feature
// does); 1 = hidden wherever enough independent compute runs beside it. Without a runtime the defaults below hold.
import type { NormalizedHardware } from '../spec/types.js';

export interface OverlapShares {
  // TP collectives behind the GEMMs they feed (Megatron-Core --tp-comm-overlap with Transformer Engine userbuffers;
  // torchtitan AsyncTP, PyTorch SymmetricMemory micro-pipelining). Megatron's default is off: 0.
  tpComm: number;
  // Serving passes: TP collectives behind the weight streams of the dense GEMMs that follow them, whose weights the
  // compiler prefetches from HBM into on-chip memory while the collective runs (XLA on TPU: memory-space assignment's
  // async copies; src/sim/weight-prefetch.ts). Default 0: none. Not combined with tpComm (the larger hidden time holds).
  tpCommPrefetch: number;
  // FSDP / ZeRO-3 parameter all-gathers prefetched one unit ahead and gradient reduce-scatters issued as each unit's
  // backward ends (PyTorch FSDP2 fully_shard: forward and backward prefetch of the next module's all-gather;
  // DeepSpeed stage 3 `stage3_prefetch_bucket_size`). Undefined: one unit (bucket) of the whole stays exposed.
  fsdpPrefetch?: number;
  // DDP / ZeRO-1/2 bucketed gradient reduction behind the backward and the distributed optimizer's parameter gather
  // behind the forward (Li et al. 2020 §3.2.3; src/sim/training/dp-overlap.ts). Undefined: 1 (the last bucket exposed).
  dpGrad?: number;
  // Expert-parallel dispatch/combine behind the other micro-batch's compute (SGLang two-batch overlap with DeepEP;
  // DeepSeek-V3 report §3.2.1 / DualPipe). Default 0: the all-to-all is exposed.
  epTwoBatch: number;
}

export const DEFAULT_OVERLAP: OverlapShares = { tpComm: 0, tpCommPrefetch: 0, epTwoBatch: 0 };

interface RuntimeOverlap {
  overlap?: Partial<OverlapShares>;
}

const share = (v: unknown): number | undefined => (typeof v === 'number' && v >= 0 && v <= 1 ? v : undefined);

/** the bound runtime's overlap shares where its spec gives them, else the defaults above */
export function overlapShares(hw: Pick<NormalizedHardware, 'runtime'>): OverlapShares {
  const o = (hw.runtime as RuntimeOverlap | undefined)?.overlap;
  if (!o) return DEFAULT_OVERLAP;
  // costPass asks once per pass with TP or EP traffic: resolve each bound runtime's overlap block once (as kernelPhysics)
  let r = RESOLVED.get(o);
  if (!r) {
    r = {
      tpComm: share(o.tpComm) ?? DEFAULT_OVERLAP.tpComm,
      tpCommPrefetch: share(o.tpCommPrefetch) ?? DEFAULT_OVERLAP.tpCommPrefetch,
      fsdpPrefetch: share(o.fsdpPrefetch),
      dpGrad: share(o.dpGrad),
      epTwoBatch: share(o.epTwoBatch) ?? DEFAULT_OVERLAP.epTwoBatch,
    };
    RESOLVED.set(o, r);
  }
  return r;
}
const RESOLVED = new WeakMap<object, OverlapShares>();

/**
 * Exposed time of `commS` of communication of which a share `hidden` can run beside `computeS` of independent compute:
 * comm − min(hidden·comm, compute). Never negative, never more than comm, and never less than comm − compute (a
 * collective cannot hide behind compute that is not there).
 */
export function exposedComm(commS: number, computeS: number, hidden: number): number {
  if (!(commS > 0)) return 0;
  const h = Math.min(1, Math.max(0, hidden));
  return commS - Math.min(h * commS, Math.max(0, computeS));
}
