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

export interface PreparedPass {
  ops: GraphOp[];
  // per op: [seconds, compute, memory, overhead] of a context-free op or collective (NaN: costed on each call)
  parts: Float64Array;
  warn: (string | undefined)[]; // per op: the precision-fallback warning its costing gives
  contextFree: boolean; // no op depends on the context (a prefill): the whole cost is stored after its first use
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

// a context with the key it was found by (PassMemo.context)
interface Recent {
  hw: NormalizedHardware;
  m: NormalizedModel;
  tp: number;
  pp: number;
  ep: number;
  attentionDp: boolean;
  weightBits: number;
  headBits: number;
  gemmDtype: string;
  actBytes: number;
  kvBytes: number;
  gguf: boolean;
  ctx: PassContext;
}

// whether a recent context has this key: every field that context()'s key string is made of, compared with ===
function same(r: Recent, hw: NormalizedHardware, m: NormalizedModel, L: Layout, p: Precision): boolean {
  return r.hw === hw && r.m === m && r.tp === L.tp && r.pp === L.pp && r.ep === L.ep && r.attentionDp === L.attentionDp && r.weightBits === p.weightBits &&
    r.headBits === p.headBits && r.gemmDtype === p.gemmDtype && r.actBytes === p.actBytes && r.kvBytes === p.kvBytes && r.gguf === !!p.gguf;
}

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
    this.recent[h] = { hw, m, tp: L.tp, pp: L.pp, ep: L.ep, attentionDp: L.attentionDp, weightBits: p.weightBits, headBits: p.headBits, gemmDtype: p.gemmDtype, actBytes: p.actBytes, kvBytes: p.kvBytes, gguf: !!p.gguf, ctx };
    return ctx;
  }

  private lookup(hw: NormalizedHardware, m: NormalizedModel, L: Layout, p: Precision): PassContext {
    let byModel = this.contexts.get(hw);
    if (!byModel) this.contexts.set(hw, (byModel = new WeakMap()));
    let byKey = byModel.get(m);
    if (!byKey) byModel.set(m, (byKey = new Map()));
    const key = `${L.tp},${L.pp},${L.ep},${L.attentionDp ? 1 : 0},${p.weightBits},${p.headBits},${p.gemmDtype},${p.actBytes},${p.kvBytes},${p.gguf ? 1 : 0}`;
    let ctx = byKey.get(key);
    if (!ctx) byKey.set(key, (ctx = { memo: this, passes: new Map(), values: new Map() }));
    return ctx;
  }

  get(ctx: PassContext, phase: string, s: PassShape): PreparedPass | undefined {
    return ctx.passes.get(phase)?.get(s.prefillSeqs)?.get(s.prefillLen)?.get(s.decodeSeqs);
  }

  set(ctx: PassContext, phase: string, s: PassShape, pass: PreparedPass): void {
    this.count(ctx);
    let a = ctx.passes.get(phase);
    if (!a) ctx.passes.set(phase, (a = new Map()));
    let b = a.get(s.prefillSeqs);
    if (!b) a.set(s.prefillSeqs, (b = new Map()));
    let c = b.get(s.prefillLen);
    if (!c) b.set(s.prefillLen, (c = new Map()));
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
