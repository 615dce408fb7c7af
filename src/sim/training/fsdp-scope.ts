// Where ZeRO-3 / FSDP shards the weights, gradients and optimizer states: over the whole data-parallel group (the
// engine's default: FSDP, DeepSpeed ZeRO-3, Megatron FSDP), or, under a runtime whose training.fsdp_scope is
// scale_up, over the data-parallel ranks of one scale-up domain only, with the domains holding replicas that
// all-reduce their gradient shards once per step over the scale-out network. MaxText on multislice TPU runs the
// second way by default: ici_fsdp_parallelism -1 ("recommended ICI axis to be auto-sharded") and
// dcn_data_parallelism -1 ("recommended DCN axis to be auto-sharded") in MaxText/configs/base.yml, so the per-layer
// all-gathers and reduce-scatters stay on the slice's ICI and only the data-parallel gradient reduction crosses DCN
// (PyTorch calls the same layout HYBRID_SHARD / HSDP).
import type { NormalizedHardware } from '../../spec/types.js';
import { expertDataParallel, expertTp, type PlanShape } from './plan.js';
import type { ZeroStage } from './types.js';

export interface ShardGroups {
  dense: number; // ranks a dense parameter's states are sharded over
  expert: number; // ranks a routed expert's states are sharded over
}

/**
 * the whole group n when one domain holds it (n ≤ ⌊cap⌋), else the largest d dividing both n and the domain's ranks,
 * so that the groups tile the domains and none straddles two of them (a group across domains would gather over the
 * scale-out link, not the domain's)
 */
function divisorAtMost(n: number, cap: number): number {
  const c = Math.floor(cap);
  if (n <= c) return n;
  for (let d = Math.max(1, c); d > 1; d--) if (n % d === 0 && c % d === 0) return d;
  return 1;
}

/**
 * sharding groups of the ZeRO stages ≤ `zero`: the data-parallel group (dp·cp; experts dp·cp·tp/(ep·etp), the ranks
 * holding the same expert shard), or with the runtime's fsdp_scope scale_up under ZeRO 3 the part of it inside one
 * scale-up domain (its ranks are tp apart; the expert group's etp·ep apart), a divisor of both the group and the
 * domain's ranks so every domain holds whole replicas and no replica spans two domains
 */
export function shardGroups(hw: NormalizedHardware | undefined, p: PlanShape, zero: ZeroStage): ShardGroups {
  const dDense = p.dp * p.cp;
  const et = expertTp(p);
  const dExpert = expertDataParallel(p);
  const domain = hw?.scaleUp?.domain ?? 0;
  if (zero < 3 || hw?.runtime?.training?.fsdpScope !== 'scale_up' || !(domain >= 1)) return { dense: dDense, expert: dExpert };
  return { dense: divisorAtMost(dDense, domain / p.tp), expert: divisorAtMost(dExpert, domain / (et * p.ep)) };
}
