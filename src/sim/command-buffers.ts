// MLX's Metal command buffers as a floor on a pass's GPU time (runtime kernels.command_buffer).
//
// MLX encodes a step's kernels into Metal command buffers and commits the open buffer after any primitive that leaves it
// holding more than max_ops dispatches or distinct input arrays of more than max_mb Mi *elements* (ml-explore/mlx
// @846d1762 mlx/backend/metal/eval.cpp gpu::eval → CommandEncoder::needs_commit; device.cpp set_input_array adds
// a.data_size() once per distinct input buffer, and array::data_size() is "in units of item_size (not bytes)", array.h;
// PR #3192 to count bytes was closed unmerged). The limits depend on the GPU's class (Device::Device: 40 / 40 by
// default and on base / Pro parts, 50 / 50 on Max and Ultra, 20 dispatches / 40 on phones).
//
// What a buffer binds: a quantized matmul binds its packed weights (uint32, 32 / bits weights per element) with their
// bf16 scales and biases (one each per group of 64): (bits + 1) / 32 elements per weight, (b + 0.5) / 32 in the
// format's effective bits (4.5 → 5/32); a 16-bit weight is one element. A gathered expert matmul (gather_qmm, mlx_lm
// SwitchGLU) binds the layer's whole stacked expert tensor though a decode token reads k of E experts: Qwen3-30B-A3B
// 4-bit binds 30 Mi elements per projection, so its MoE layers commit a buffer every second expert matmul with ~20-60
// us of work in it, while a dense layer's buffers hold every byte they bind (each its 50 Mi elements of weights read).
//
// The floor: a committed buffer occupies the GPU for at least floorS whatever its work. ml-explore/mlx issue #4521
// (M3 Ultra, mlx 0.32.2): a synthetic chain of 3,200 tiny dependent kernels takes 8.8 ms per step at the default 50
// dispatches per buffer (3,200 / 51 = 62.7 buffers: 140 us each) and 7.7 ms at 200 (15.9 buffers of 201 kernels, 2.41
// us a kernel: 484 us each), and the same limits raised change nothing for a dense 27B 8-bit model (52.8 → 53.0 ms a
// token) whose ~142 buffers (7,240 Mi elements of 8-bit weights / 51) each hold ~200 MB of weights (~370 us): a
// boundary is hidden behind a long buffer, so the cost is a floor per buffer (Σ max(work, floor)), not a cost per
// boundary (which would have saved ~3 ms there).
//
// Priced per pass, op by op in the order the graph lists them, layer by layer (an op of count c < layers spread evenly
// over them): each op's per-launch time goes to the buffer it is encoded in, a projection the runtime runs as separate
// matmuls (q / k / v, gate / up) splits into that many dispatches. Activations and the KV cache are not counted among a
// buffer's inputs (a few Mi elements at the contexts of the bundled rows; the cache grows with the context: LOW).
// Hot path: only for a runtime with the field. Where the buffers fall does not depend on the times: a pass's ops are
// read once (what the rule sees of each, and its hash), the buffers walked once per distinct rule (cached by the hash,
// checked value by value) and the plan kept beside the pass's ops array (a WeakMap), so no op changes shape and a
// costing only sums its ops' times over the grouped buffers.
import type { GraphOp } from '../model/decoder-graph.js';
import type { DecoderModel, NormalizedHardware } from '../spec/types.js';
import type { Precision } from '../model/quant.js';

const MI = 1 << 20;

// plans by rule: a pass is rebuilt for every simulate() (and each of its phases), its rule mostly the same; keyed by a
// hash of the rule, checked op by op on a hit
interface Cached { rule: BufferRule; plan: BufferPlan }
const PLANS = new Map<number, Cached>();
const MAX_PLANS = 256;

/** elements of MLX's storage per weight at `bits` effective bits (affine groups of 64 with bf16 scale and bias) */
export function elementsPerWeight(bits: number): number {
  return bits >= 16 ? 1 : (bits + 0.5) / 32;
}

// separate matmuls mlx_lm runs for one graph op (mlx-lm models/llama.py Attention q/k/v_proj, MLP gate/up_proj;
// switch_layers.py SwitchGLU gate/up_proj)
function projections(op: GraphOp, gated: boolean): number {
  if (op.name === 'qkv_proj') return 3;
  if (gated && (op.name === 'ffn_up' || op.name === 'experts_up' || op.name === 'shared_up')) return 2;
  return 1;
}

// one op as the commit rule sees it, written here (no object per op): launches per pass (0: not in a buffer), elements
// one dispatch binds, dispatches per launch
let C = 0, E = 0, D = 0;
function bind(op: GraphOp, m: DecoderModel, p: Precision, gated: boolean, experts: number): void {
  C = op.count > 0 && op.kind !== 'collective' ? op.count : 0;
  E = 0;
  D = 0;
  if (C === 0) return;
  const launches = op.kernels ?? 1;
  if (op.kind === 'gemm' && op.weightBytes > 0 && op.n !== undefined && op.k !== undefined && op.n * op.k > 0) {
    const parts = projections(op, gated);
    const per = op.n * op.k; // one matrix (one expert's slice)
    const bits = (op.weightBytes * 8) / ((op.groups ?? 1) * per);
    const all = op.groups !== undefined && experts > 0 ? experts * per : per; // gather_qmm binds every expert
    E = (all * elementsPerWeight(bits)) / parts;
    D = launches > 0 ? parts : 0;
  } else if (op.kind === 'embedding') {
    // mlx_lm's (quantized) embedding gathers rows of the whole table: it binds all of it
    E = m.vocab * m.hidden * elementsPerWeight(p.headBits);
    D = 1;
  } else {
    D = launches;
  }
}

// each pass's plan, kept beside its ops array (a pass's ops are built afresh for every costing; no op changes shape)
const PASS = new WeakMap<GraphOp[], BufferPlan>();

// scratch of the one walk over a pass's ops: what the commit rule sees of each op (copied into a rule on a miss)
const COUNT: number[] = [], EARLY: boolean[] = [], ELEMENTS: number[] = [], DISPATCHES: number[] = [];

/** find (or walk once) the plan of a pass's command buffers, where the bound runtime prices them (mutates no op) */
export function markCommandBuffers(ops: GraphOp[], m: DecoderModel, hw: NormalizedHardware, p: Precision, ep: number): GraphOp[] {
  const cb = hw.runtime?.kernels?.commandBuffer;
  if (!cb || !(cb.floorS > 0)) return ops;
  const gated = m.ffn.kind === 'gated';
  const experts = m.moe ? m.moe.experts / Math.max(1, ep) : 0;
  let top = 1;
  for (const op of ops) if (op.count > top && op.count > 0 && op.kind !== 'collective') top = op.count;
  const layers = Math.min(Math.ceil(top), 4096);
  const maxOps = cb.maxOps, cap = (cb.maxMb + 1) * MI;
  // one walk: each op as the rule sees it, into the scratch arrays, and their hash
  const n = ops.length;
  COUNT.length = EARLY.length = ELEMENTS.length = DISPATCHES.length = n;
  let h = Math.imul(0x811c9dc5 ^ (layers * 31 + maxOps), 16777619);
  let opened = false;
  for (let i = 0; i < n; i++) {
    const op = ops[i]!;
    bind(op, m, p, gated, experts);
    if (C > 0 && op.count === top) opened = true;
    COUNT[i] = C;
    EARLY[i] = !opened;
    ELEMENTS[i] = E;
    DISPATCHES[i] = D;
    h = Math.imul(h ^ (C * 131 + Math.round(E) + D * 7919 + (opened ? 0 : 1)), 16777619);
  }
  const hit = PLANS.get(h);
  if (hit && sameRule(hit.rule, layers, maxOps, cap, cb.floorS)) {
    PASS.set(ops, hit.plan);
    return ops;
  }
  const rule: BufferRule = { count: COUNT.slice(), early: EARLY.slice(), elements: ELEMENTS.slice(), dispatches: DISPATCHES.slice(), layers, maxOps, cap, floorS: cb.floorS };
  const plan = bufferGroups(rule);
  if (PLANS.size >= MAX_PLANS) PLANS.clear();
  PLANS.set(h, { rule, plan });
  PASS.set(ops, plan);
  return ops;
}

// a cached rule is the pass's own (the hash only finds it): the same limits and, op by op, the scratch walk's values
function sameRule(r: BufferRule, layers: number, maxOps: number, cap: number, floorS: number): boolean {
  if (r.layers !== layers || r.maxOps !== maxOps || r.cap !== cap || r.floorS !== floorS || r.count.length !== COUNT.length) return false;
  for (let i = 0; i < COUNT.length; i++) {
    if (r.count[i] !== COUNT[i] || r.elements[i] !== ELEMENTS[i] || r.dispatches[i] !== DISPATCHES[i] || r.early[i] !== EARLY[i]) return false;
  }
  return true;
}

/** the ops of a pass as MLX's commit rule sees them: per op its count, elements per dispatch and dispatches */
export interface BufferRule {
  count: number[];
  early: boolean[]; // an op listed before the first op of every layer (the embedding): its launches open the pass
  elements: number[];
  dispatches: number[];
  layers: number;
  maxOps: number;
  cap: number; // elements at which a buffer commits: (size >> 20) > max_mb
  floorS: number;
}

/**
 * A pass's command buffers, grouped: where the buffers fall does not depend on the ops' times, only on what they bind
 * and dispatch, so the walk is done once per rule (bufferGroups) and a pass only sums its ops' times over each group.
 * Group g stands for mult[g] identical buffers, each holding w[j] launches of op idx[j] for j in [start[g], start[g+1]).
 * last: the group of the pass's final, partly filled buffer (-1: none), which counts only when it holds work.
 */
export interface BufferPlan {
  floorS: number;
  mult: number[];
  start: number[];
  idx: number[];
  w: number[];
  last: number;
}

/**
 * The walk: buffers filled in op order layer by layer; a commit follows the dispatch that takes the buffer past
 * max_ops dispatches or its cap of elements (MLX checks after each primitive; a projection's matmuls are primitives of
 * their own); the pass's last, partly filled buffer is committed at the end of its eval.
 */
export function bufferGroups(rule: BufferRule): BufferPlan {
  const { count, early, elements, dispatches, layers, maxOps, cap, floorS } = rule;
  const n = count.length;
  const plan: BufferPlan = { floorS, mult: [], start: [], idx: [], w: [], last: -1 };
  const byKey = new Map<string, number>();
  const held = new Map<number, number>(); // op -> launches in the open buffer
  const close = (last: boolean): void => {
    const ks = [...held.keys()].sort((x, y) => x - y);
    const ws = ks.map((i) => held.get(i)!);
    held.clear();
    const key = (last ? 'L' : '') + ks.map((i, j) => `${i}:${ws[j]}`).join(',');
    const g = byKey.get(key);
    if (g !== undefined) {
      plan.mult[g]!++;
      return;
    }
    byKey.set(key, plan.mult.length);
    if (last) plan.last = plan.mult.length;
    plan.mult.push(1);
    plan.start.push(plan.idx.length);
    for (let j = 0; j < ks.length; j++) {
      plan.idx.push(ks[j]!);
      plan.w.push(ws[j]!);
    }
  };
  let e = 0, d = 0;
  for (let r = 0; r < layers; r++) {
    for (let i = 0; i < n; i++) {
      const c = count[i]!;
      if (c <= 0) continue;
      // launches in layer r, spread evenly: an op listed before the layers at their start, one listed after at their end
      const occ = early[i] ? Math.ceil(((r + 1) * c) / layers) - Math.ceil((r * c) / layers) : Math.floor(((r + 1) * c) / layers) - Math.floor((r * c) / layers);
      if (occ <= 0) continue;
      const k = Math.max(1, dispatches[i]!);
      const di = dispatches[i]! / k;
      for (let o = 0; o < occ; o++) {
        for (let j = 0; j < k; j++) {
          e += elements[i]!;
          d += di;
          held.set(i, (held.get(i) ?? 0) + 1 / k);
          if (d > maxOps || e >= cap) {
            close(false);
            e = d = 0;
          }
        }
      }
    }
  }
  if (held.size > 0) close(true);
  plan.start.push(plan.idx.length);
  return plan;
}

/** a pass's command-buffer plan (markCommandBuffers found it); undefined without the field */
export function bufferPlan(ops: GraphOp[]): BufferPlan | undefined {
  return PASS.get(ops);
}

/**
 * GPU time the pass's command buffers add beyond its ops' own: Σ over buffers of max(0, floor − work), `t[i]` the device
 * time of one launch of op i (the buffers as bufferGroups found them).
 */
export function bufferDeficit(plan: BufferPlan, t: ArrayLike<number>): number {
  const { floorS, mult, start, idx, w, last } = plan;
  let deficit = 0;
  for (let g = 0; g < mult.length; g++) {
    let work = 0;
    for (let j = start[g]!; j < start[g + 1]!; j++) work += w[j]! * (t[idx[j]!] || 0);
    if (g === last && !(work > 0)) continue;
    if (work < floorS) deficit += mult[g]! * (floorS - work);
  }
  return deficit;
}
