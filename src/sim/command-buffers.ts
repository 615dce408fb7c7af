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
// Hot path: only for a runtime with the field; the per-op plan is kept beside the ops (a WeakMap), so no op changes shape.
import type { GraphOp } from '../model/decoder-graph.js';
import type { DecoderModel, NormalizedHardware } from '../spec/types.js';
import type { Precision } from '../model/quant.js';

const MI = 1 << 20;

interface Bound {
  elements: number; // distinct input elements one dispatch of the op binds
  dispatches: number; // dispatches of one launch of the op (its projections, or its kernels)
}
const BOUND = new WeakMap<GraphOp, Bound>();

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

/** record what each op of a pass binds, where the bound runtime prices command buffers (mutates nothing) */
export function markCommandBuffers(ops: GraphOp[], m: DecoderModel, hw: NormalizedHardware, p: Precision, ep: number): GraphOp[] {
  if (!hw.runtime?.kernels?.commandBuffer) return ops;
  const gated = m.ffn.kind === 'gated';
  const experts = m.moe ? m.moe.experts / Math.max(1, ep) : 0;
  for (const op of ops) {
    if (op.count <= 0 || op.kind === 'collective') continue;
    const launches = op.kernels ?? 1;
    if (op.kind === 'gemm' && op.weightBytes > 0 && op.n !== undefined && op.k !== undefined && op.n * op.k > 0) {
      const parts = projections(op, gated);
      const per = op.n * op.k; // one matrix (one expert's slice)
      const g = op.groups ?? 1;
      const bits = (op.weightBytes * 8) / (g * per);
      const all = op.groups !== undefined && experts > 0 ? experts * per : per; // gather_qmm binds every expert
      BOUND.set(op, { elements: (all * elementsPerWeight(bits)) / parts, dispatches: launches > 0 ? parts : 0 });
    } else if (op.kind === 'embedding') {
      // mlx_lm's (quantized) embedding gathers rows of the whole table: it binds all of it
      BOUND.set(op, { elements: m.vocab * m.hidden * elementsPerWeight(p.headBits), dispatches: 1 });
    } else {
      BOUND.set(op, { elements: 0, dispatches: launches });
    }
  }
  return ops;
}

/** a pass's command-buffer plan: per op its count, elements per dispatch and dispatches; undefined without the field */
export interface BufferPlan {
  count: number[];
  early: boolean[]; // an op listed before the first op of every layer (the embedding): its launches open the pass
  elements: number[];
  dispatches: number[];
  layers: number;
  maxOps: number;
  cap: number; // elements at which a buffer commits: (size >> 20) > max_mb
  floorS: number;
}

export function bufferPlan(ops: GraphOp[], hw: NormalizedHardware): BufferPlan | undefined {
  const cb = hw.runtime?.kernels?.commandBuffer;
  if (!cb || !(cb.floorS > 0)) return undefined;
  const count: number[] = [], early: boolean[] = [], elements: number[] = [], dispatches: number[] = [];
  let layers = 1;
  for (const op of ops) if (BOUND.has(op) && op.count > layers) layers = op.count;
  let opened = false;
  for (const op of ops) {
    const b = BOUND.get(op);
    count.push(b ? op.count : 0);
    if (b && op.count === layers) opened = true;
    early.push(!opened);
    elements.push(b ? b.elements : 0);
    dispatches.push(b ? b.dispatches : 0);
  }
  return { count, early, elements, dispatches, layers: Math.min(Math.ceil(layers), 4096), maxOps: cb.maxOps, cap: (cb.maxMb + 1) * MI, floorS: cb.floorS };
}

/**
 * GPU time the pass's command buffers add beyond its ops' own: Σ over buffers of max(0, floor − work), `t[i]` the device
 * time of one launch of op i. Buffers are filled in op order layer by layer; a commit follows the dispatch that takes the
 * buffer past max_ops dispatches or its cap of elements (MLX checks after each primitive; a projection's matmuls are
 * primitives of their own); the pass's last, partly filled buffer is committed at the end of its eval.
 */
export function bufferDeficit(plan: BufferPlan, t: ArrayLike<number>): number {
  const { count, early, elements, dispatches, layers, maxOps, cap, floorS } = plan;
  const n = count.length;
  let e = 0, d = 0, w = 0, deficit = 0;
  for (let r = 0; r < layers; r++) {
    for (let i = 0; i < n; i++) {
      const c = count[i]!;
      if (c <= 0) continue;
      // launches in layer r, spread evenly: an op listed before the layers at their start, one listed after at their end
      const occ = early[i] ? Math.ceil(((r + 1) * c) / layers) - Math.ceil((r * c) / layers) : Math.floor(((r + 1) * c) / layers) - Math.floor((r * c) / layers);
      if (occ <= 0) continue;
      const k = Math.max(1, dispatches[i]!);
      const ti = (t[i]! || 0) / k;
      const di = dispatches[i]! / k;
      for (let o = 0; o < occ; o++) {
        for (let j = 0; j < k; j++) {
          e += elements[i]!;
          d += di;
          w += ti;
          if (d > maxOps || e >= cap) {
            if (w < floorS) deficit += floorS - w;
            e = d = w = 0;
          }
        }
      }
    }
  }
  if (w > 0 && w < floorS) deficit += floorS - w;
  return deficit;
}
