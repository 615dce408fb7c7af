// Ops of a decoder pass that the bound runtime runs as one kernel (runtime `fusion.groups`, runtimes/*.yaml; types in
// src/spec/types.ts FusionGroup). The graph (src/model/decoder-graph.ts) prices every op as a kernel of its own: one
// launch and one per-kernel gap each, its inputs read from and its outputs written to DRAM. A runtime whose model code
// fuses a run of them (TensorRT-LLM's RMSNorm(hidden, residual), its all-reduce with the residual add and RMSNorm in the
// kernel's epilogue: AllReduceFusionOp.RESIDUAL_RMS_NORM) launches the group once:
//   - the group's heaviest op is its kernel, the others riding in its prologue or epilogue: its collective (priced from
//     the runtime's all-reduce table as before), else its GEMM or attention, else its norm, else its last op;
//   - the other ops of the group keep their arithmetic and traffic but no launch, gap or launch floor (kernels: 0);
//   - the intermediate tensors the fused kernel keeps in registers are not moved: `onChip` passes (a write or a read) of a
//     [tokens, hidden] activation tensor come off the absorbed ops' bytes (never their weights).
// A group applies only where all its ops are in the pass with the same count (one fused kernel per layer) and its `when`
// holds for the layout and the model; an op joins the first group that applies. Plain arithmetic over a ~20-op list.
import type { DecoderModel, FusionGroup } from '../spec/types.js';
import type { GraphOp } from '../model/decoder-graph.js';
import { decoderHostArch } from '../runtime/launch.js';

// which op of a group is the fused kernel: the collective, else a GEMM or attention, else a norm, else the last op
const KERNEL_RANK = (kind: string): number => (kind === 'collective' ? 3 : kind === 'gemm' || kind === 'attention' ? 2 : kind === 'norm' ? 1 : 0);

/** what a fusion group's `when` reads of a layout */
export interface FusionLayout {
  tp: number;
  pp: number;
  attentionDp: boolean;
  // attention DP's MoE by gathering the tokens (src/sim/parallel.ts DpMoe): the experts meet every rank's tokens as
  // without attention DP, so `when: {attention_dp: ...}` (whether a dispatch lays the expert rows out) reads false
  dpMoe?: unknown;
}

// ops of the FFN side, which a gather-mode attention DP runs over every rank's tokens (src/model/decoder-graph.ts)
const FFN_SIDE = /^(router|moe_|experts_|shared_|ffn_up|ffn_act|ffn_down)/;

/** whether the runtime's model code fuses this group for this model and layout (every condition of `when` holds) */
export function fusionApplies(g: FusionGroup, m: DecoderModel, L: FusionLayout): boolean {
  const w = g.when;
  if (!w) return true;
  if (w.minTp !== undefined && L.tp < w.minTp) return false;
  if (w.maxPp !== undefined && L.pp > w.maxPp) return false;
  if (w.attentionDp !== undefined && (L.attentionDp && !L.dpMoe) !== w.attentionDp) return false;
  if (w.moe !== undefined && (m.moe !== undefined && m.moe.experts > 0) !== w.moe) return false;
  if (w.layer !== undefined && decoderHostArch(m) !== w.layer) return false;
  if (w.hiddenAbove !== undefined && !(m.hidden > w.hiddenAbove)) return false;
  return true;
}

// scratch lists of one call, with their lengths in counters (a pass is built thousands of times in a sweep: no
// allocation, and no array-length writes, per call)
const MEMBERS: (GraphOp | undefined)[] = [];
const CLAIMED: (GraphOp | undefined)[] = [];

/**
 * The pass's ops with the runtime's fused groups applied, in place (the ops are the pass's own, built for this call).
 * `unit`: the bytes of one pass over a [tokens, hidden] activation tensor on this device (tokens × hidden × activation
 * bytes); `ffnUnit` the same over the FFN side's tokens where they differ (gather-mode attention DP: every rank's).
 * Returns the same array.
 */
export function fuseDecoderOps(ops: GraphOp[], groups: readonly FusionGroup[] | undefined, m: DecoderModel, L: FusionLayout, unit: number, ffnUnit = unit): GraphOp[] {
  if (!groups || groups.length === 0) return ops;
  let claimed = 0;
  for (let gi = 0; gi < groups.length; gi++) {
    const g = groups[gi]!;
    if (g.when !== undefined && !fusionApplies(g, m, L)) continue;
    const names = g.ops;
    let found = 0;
    for (let j = 0; j < names.length; j++) {
      const name = names[j]!;
      let o: GraphOp | undefined;
      for (let i = 0; i < ops.length; i++) if (ops[i]!.name === name) { o = ops[i]; break; }
      if (!o || !(o.count > 0) || (found > 0 && o.count !== MEMBERS[0]!.count)) break;
      let taken = false;
      for (let c = 0; c < claimed; c++) if (CLAIMED[c] === o) { taken = true; break; }
      if (taken) break;
      MEMBERS[found++] = o;
    }
    if (found !== names.length) continue;
    // a kernel that fuses by the experts' weight format (when.mxfp4_experts): read off the pass's grouped GEMMs
    if (g.when?.mxfp4Experts !== undefined) {
      let mx = false;
      for (let i = 0; i < ops.length; i++) if (ops[i]!.groups && ops[i]!.mxfp4) { mx = true; break; }
      if (mx !== g.when.mxfp4Experts) continue;
    }
    let kernel = MEMBERS[0]!;
    for (let j = 1; j < found; j++) if (KERNEL_RANK(MEMBERS[j]!.kind) >= KERNEL_RANK(kernel.kind)) kernel = MEMBERS[j]!;
    let onChip = g.onChip * (ffnUnit !== unit && FFN_SIDE.test(kernel.name) ? ffnUnit : unit);
    for (let j = 0; j < found; j++) {
      const o = MEMBERS[j]!;
      CLAIMED[claimed++] = o;
      if (o === kernel) continue;
      o.kernels = 0;
      const cut = Math.min(onChip, Math.max(0, o.bytes - o.weightBytes));
      o.bytes -= cut;
      onChip -= cut;
      o.fusedInto = kernel.name;
    }
  }
  // drop the references: the ops die with their pass
  for (let c = 0; c < claimed; c++) CLAIMED[c] = undefined;
  for (let j = 0; j < MEMBERS.length; j++) MEMBERS[j] = undefined;
  return ops;
}
