// GEMMs a runtime runs as one kernel where the decoder graph (src/model/decoder-graph.ts) lists two: its model code
// concatenates the weights at load time, so one launch streams both and its tiles run side by side.
//
// runtime kernels.mla_fused_a: an MLA model's q_a_proj and kv_a_proj_with_mqa as one GEMM over the concatenated
// weights, [T, d] -> [T, q_lora + kv_lora + rope] (SGLang: DeepseekV2ForCausalLM.load_weights concatenates them into
// fused_qkv_a_proj_with_mqa whenever q_lora_rank is set, on every platform; runtimes/sglang.yaml cites the commit).
// The fused op keeps the name q_a_proj; kv_a_proj leaves the list.
//
// runtime kernels.moe_shared_fused {routed_experts, shared_experts}: a model with exactly that many routed and shared
// experts runs its shared expert(s) as extra experts of the routed MoE kernel, picked by every token (SGLang: the
// shared expert's weights are loaded as expert n_routed_experts of FusedMoE, top_k = num_experts_per_tok + 1; not under
// expert parallelism on NVIDIA). Each shared expert becomes one more group of the grouped GEMMs, with every token as
// its rows: shared_up / shared_down leave the list and their FLOPs and bytes join experts_up / experts_down, whose
// activation and finalize steps take the extra rows too. Under a strip-per-CTA MoE kernel (src/sim/kernel-physics.ts
// tiledStreamS) the shared expert's strips then run beside the routed ones in the same launch.
import type { DecoderModel, NormalizedHardware } from '../spec/types.js';
import type { GraphOp } from '../model/decoder-graph.js';
import type { Layout } from './parallel.js';

function fuseMlaA(ops: GraphOp[]): GraphOp[] {
  const qi = ops.findIndex((o) => o.name === 'q_a_proj');
  const ki = ops.findIndex((o) => o.name === 'kv_a_proj');
  if (qi < 0 || ki < 0) return ops;
  const q = ops[qi];
  const kv = ops[ki];
  if (!q.m || !q.n || !q.k || !kv.n || kv.k !== q.k || kv.m !== q.m || kv.count !== q.count) return ops;
  // the input [T, d] is read once by the fused GEMM, not once per projection
  const actBytes = (q.bytes - q.weightBytes) / (q.m * (q.k + q.n));
  const fused: GraphOp = {
    ...q,
    n: q.n + kv.n,
    flops: q.flops + kv.flops,
    weightBytes: q.weightBytes + kv.weightBytes,
    bytes: q.bytes + kv.bytes - q.m * q.k * actBytes,
  };
  const out = ops.slice();
  out[qi] = fused;
  out.splice(ki, 1);
  return out;
}

function fuseSharedExperts(ops: GraphOp[], m: DecoderModel, L: Layout, rule: { routedExperts: number; sharedExperts: number }): GraphOp[] {
  const moe = m.moe;
  if (!moe || moe.experts !== rule.routedExperts || moe.shared !== rule.sharedExperts || !(moe.shared > 0)) return ops;
  if (L.ep > 1) return ops;
  // the shared expert must have a routed expert's shape to run as one of them
  if (moe.shared_intermediate !== undefined && moe.shared_intermediate !== moe.shared * moe.intermediate) return ops;
  const at = (name: string) => ops.findIndex((o) => o.name === name);
  const [ui, di, sui, sdi] = [at('experts_up'), at('experts_down'), at('shared_up'), at('shared_down')];
  if (ui < 0 || di < 0 || sui < 0 || sdi < 0) return ops;
  const up = ops[ui];
  const down = ops[di];
  const su = ops[sui];
  const sd = ops[sdi];
  const groups = up.groups && up.groups > 0 ? up.groups : 1;
  const rows = su.m ?? 0; // tokens on the device: each one is a row of every shared expert
  if (!(up.m && up.m > 0) || !(rows > 0)) return ops;
  const pairs = up.m * groups; // routed (token, expert) rows on the device
  const s = moe.shared;
  const grow = (pairs + rows * s) / pairs;
  const join = (g: GraphOp, sh: GraphOp): GraphOp => ({
    ...g,
    flops: g.flops + sh.flops,
    bytes: g.bytes + sh.bytes,
    weightBytes: g.weightBytes + sh.weightBytes,
    groups: groups + s,
    m: (pairs + rows * s) / (groups + s),
  });
  const out = ops.map((o, i) => {
    if (i === ui) return join(up, su);
    if (i === di) return join(down, sd);
    if (o.name === 'experts_act' || o.name === 'moe_finalize') return { ...o, flops: o.flops * grow, bytes: o.bytes * grow };
    return o;
  });
  return out.filter((_, i) => i !== sui && i !== sdi);
}

/** the pass's ops as the bound runtime fuses them (a new list where anything is fused; `ops` itself is not changed) */
export function runtimeFusions(ops: GraphOp[], hw: Pick<NormalizedHardware, 'runtime'>, m: DecoderModel, L: Layout): GraphOp[] {
  const k = hw.runtime?.kernels;
  if (!k || (!k.mlaFusedA && !k.moeSharedFused)) return ops;
  let out = ops;
  if (k.mlaFusedA && m.attention?.kind === 'mla') out = fuseMlaA(out);
  if (k.moeSharedFused) out = fuseSharedExperts(out, m, L, k.moeSharedFused);
  return out;
}
