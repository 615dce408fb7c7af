// A sweep-scoped memo of decoder passes (issue 15: a million rows in ≤ 10 s). Rows of a sweep share most of their
// work: the cold prefill of (batch, input) is the same for every output length, and a steady-state step with at most
// one prefill is the same pass for every output length (only its decode attention depends on the context range).
// What a pass costs except its context-dependent ops depends only on (hardware, model, layout, precision, shape,
// phase), so it is costed once and each row re-adds the stored per-op parts in the same order: the sums, and so every
// number of a row, are bit for bit those of an unmemoized simulate().
//
// A request carries the memo only where its caller opts in (src/sweep/evaluate.ts); a plain simulate() costs every
// pass afresh. Entries are dropped all at once past MAX_ENTRIES, so memory stays flat in the row count.
import type { NormalizedHardware, NormalizedModel } from '../spec/types.js';
import type { GraphOp, PassShape } from '../model/decoder-graph.js';
import type { Layout } from './parallel.js';
import type { Precision } from '../model/quant.js';
import type { BufferPlan } from './command-buffers.js';

export interface PreparedPass {
  code: Int8Array; // per op: how costPrepared (src/sim/decoder.ts) adds it: skipped, stored cost, context op, collective
  // per op: [seconds, compute, memory, overhead] of a context-free op or collective (NaN: costed on each call), then
  // [count, flops, bytes]
  nums: number[];
  ctxOps: GraphOp[]; // the ops whose cost depends on the context, in order, whole
  warn: string[]; // the precision-fallback warnings its ops' costing gives, in op order
  contextFree: boolean; // no op depends on the context (a prefill): the whole cost is stored after its first use
  plan: BufferPlan | undefined; // the runtime's command buffers over these ops (src/sim/command-buffers.ts), if it prices them
  // per op: the weight stream a prefetch takes off it (src/sim/weight-prefetch.ts), where the runtime hides TP
  // collectives behind it (overlap.tp_comm_prefetch); else undefined
  prefetch?: number[];
  // the dense GEMMs whose other kernel may make the pass cheaper under that prefetch, as finishPass reads them
  // (src/sim/decoder.ts CH, src/sim/kernel-assignment.ts); undefined: none
  choices?: number[];
  result?: unknown; // that whole cost (PassCost)
}

// The passes of one (hardware, model, layout, precision): phase → prefill sequences → prefill length → decode
// sequences → prepared pass (numbers as keys: a key string per pass cost more than the lookup saved), and other
// per-context values (the attention-DP wait by input length).
type ShapeTree = Map<number, Map<number, Map<number, PreparedPass>>>;
export interface PassContext {
  memo: PassMemo;
  passes: Map<string, ShapeTree>;
  values: Map<number, number>;
}

// ~4 KB per pass (its ops and parts): 2,048 passes hold a sweep's working set (the shapes of every batch × input
// length of one model and accelerator) in about 8 MB.
const MAX_ENTRIES = 2048;

// The context key: the fields of a layout and a precision that a pass's cost reads. The rest of a layout is derived
// from these and the model (heads, KV heads and layers per device, expert shards) or is not read by a pass (devices,
// replicas); the rest of a precision is labels. Recent's fields and lookup()'s key string are made from these lists;
// same() and context()'s hash are written out for speed (they run once a row), and test/pass-memo.test.ts holds them to
// the lists. A field missing from same() or the key string would hand back a stale context; one missing from the hash
// only makes two keys share slots more often. dpMoe is the bound runtime's (src/sim/parallel.ts dpMoeOf), keyed by the
// hardware object that carries it.
export const LAYOUT_KEY = ['tp', 'pp', 'ep', 'attentionDp'] as const;
export const PRECISION_KEY = ['weightBits', 'headBits', 'gemmDtype', 'actBytes', 'kvBytes', 'gguf'] as const;
export const NOT_KEY = {
  layout: ['devices', 'replicas', 'headsPerDevice', 'kvHeadsPerDevice', 'layersPerStage', 'expertShards', 'dpMoe'] as const,
  precision: ['weights', 'activations', 'kvCache'] as const,
};
type ContextKey = Pick<Layout, (typeof LAYOUT_KEY)[number]> & Required<Pick<Precision, (typeof PRECISION_KEY)[number]>>;

// a context with the key it was found by (PassMemo.context)
export interface Recent extends ContextKey {
  hw: NormalizedHardware;
  m: NormalizedModel;
  ctx: PassContext;
}

function keyOf(L: Layout, p: Precision): ContextKey {
  const k = {} as Record<string, unknown>;
  for (const f of LAYOUT_KEY) k[f] = L[f];
  for (const f of PRECISION_KEY) k[f] = p[f] ?? false; // gguf: undefined and false are one key
  return k as ContextKey;
}

// whether a recent context has this key: every field of LAYOUT_KEY and PRECISION_KEY, compared with ===
export function same(r: Recent, hw: NormalizedHardware, m: NormalizedModel, L: Layout, p: Precision): boolean {
  return r.hw === hw && r.m === m && r.tp === L.tp && r.pp === L.pp && r.ep === L.ep && r.attentionDp === L.attentionDp && r.weightBits === p.weightBits &&
    r.headBits === p.headBits && r.gemmDtype === p.gemmDtype && r.actBytes === p.actBytes && r.kvBytes === p.kvBytes && r.gguf === !!p.gguf;
}

// A pass without prefills (a pure decode step) has the same ops whatever the prompt length (buildDecoderPass reads
// prefillLen only for its prefill attention): one entry serves every input length of a batch, where keying it by the
// length built and costed the same pass again for each (issue 15: a tenth of the 1M-row bench's misses and ~1 µs a row).
const lenKey = (s: PassShape): number => (s.prefillSeqs === 0 ? 0 : s.prefillLen);

export class PassMemo {
  private contexts = new WeakMap<NormalizedHardware, WeakMap<NormalizedModel, Map<string, PassContext>>>();
  private entries = 0;
  private recent: (Recent | undefined)[] = new Array<Recent | undefined>(256).fill(undefined);

  /** the passes of this hardware, model, layout and precision (keyed by what buildDecoderPass reads of them) */
  context(hw: NormalizedHardware, m: NormalizedModel, L: Layout, p: Precision): PassContext {
    // the contexts last found, in 256 slots by a hash of the numbers that make the key (two slots per hash): a sweep's
    // rows cycle through a few dozen contexts, and building the key string for each row was ~2% of a sweep (issue 15)
    let k = Math.imul(L.tp ^ (L.pp << 8) ^ (L.ep << 16), 0x9e3779b1);
    k = Math.imul(k ^ (p.weightBits | (p.headBits << 6) | (p.actBytes << 12) | (p.kvBytes << 16) | (L.attentionDp ? 1 << 20 : 0) | (p.gguf ? 1 << 21 : 0)), 0x85ebca6b);
    k = Math.imul(k ^ p.gemmDtype.charCodeAt(0) ^ (p.gemmDtype.charCodeAt(p.gemmDtype.length - 1) << 7) ^ (p.gemmDtype.length << 14), 0xc2b2ae35);
    k ^= k >>> 16;
    k = Math.imul(k, 0x85ebca6b);
    k ^= k >>> 13;
    const h = (k >>> 24) & 254;
    const a = this.recent[h];
    if (a !== undefined && same(a, hw, m, L, p)) return a.ctx;
    const b = this.recent[h + 1];
    if (b !== undefined && same(b, hw, m, L, p)) return b.ctx;
    const ctx = this.lookup(hw, m, L, p);
    this.recent[h + 1] = a;
    this.recent[h] = { hw, m, ...keyOf(L, p), ctx };
    return ctx;
  }

  private lookup(hw: NormalizedHardware, m: NormalizedModel, L: Layout, p: Precision): PassContext {
    let byModel = this.contexts.get(hw);
    if (!byModel) this.contexts.set(hw, (byModel = new WeakMap()));
    let byKey = byModel.get(m);
    if (!byKey) byModel.set(m, (byKey = new Map()));
    const key = Object.values(keyOf(L, p)).join(',');
    let ctx = byKey.get(key);
    if (!ctx) byKey.set(key, (ctx = { memo: this, passes: new Map(), values: new Map() }));
    return ctx;
  }

  get(ctx: PassContext, phase: string, s: PassShape): PreparedPass | undefined {
    return ctx.passes.get(phase)?.get(s.prefillSeqs)?.get(lenKey(s))?.get(s.decodeSeqs);
  }

  set(ctx: PassContext, phase: string, s: PassShape, pass: PreparedPass): void {
    this.count(ctx);
    let a = ctx.passes.get(phase);
    if (!a) ctx.passes.set(phase, (a = new Map()));
    let b = a.get(s.prefillSeqs);
    if (!b) a.set(s.prefillSeqs, (b = new Map()));
    const len = lenKey(s);
    let c = b.get(len);
    if (!c) b.set(len, (c = new Map()));
    c.set(s.decodeSeqs, pass);
  }

  setValue(ctx: PassContext, key: number, v: number): void {
    this.count(ctx);
    ctx.values.set(key, v);
  }

  private count(ctx: PassContext): void {
    if (++this.entries <= MAX_ENTRIES) return;
    this.contexts = new WeakMap();
    this.recent.fill(undefined);
    this.entries = 1;
    ctx.passes.clear();
    ctx.values.clear();
  }
}
