// Diffusion transformers as ops for one denoiser forward of a batch (classifier-free guidance already folded into
// the batch by the caller).
//
// Class-conditional DiT (Peebles & Xie 2023, arXiv:2212.09748 §3.2, Fig. 3; github facebookresearch/DiT models.py):
//   latent [B, C, H/8, W/8] ─patchify (p×p conv)─▶ [B, N, d] + fixed sin-cos positions
//   c = t_embedder(t) (256-d sinusoid → MLP) + y_embedder(class)
//   block × L: adaLN-Zero: (shift, scale, gate)×2 = Linear(SiLU(c)) [B, 6d];
//              x += gate₁ · Attn(modulate(LN(x))), x += gate₂ · MLP(modulate(LN(x)))
//   final: adaLN Linear [B, 2d], modulate(LN(x)), Linear(d → p²·out) ─unpatchify─▶ [B, out, H/8, W/8]
// Text-conditioned video DiT (Open-Sora 1.2 STDiT3, opensora/models/stdit/stdit3.py; PixArt-α adaLN-single):
//   one t_block Linear(d, 6d) per forward; each block adds its 6×d scale_shift_table; a cross-attention to the
//   caption after the self-attention; the caption MLP (y_embedder, context_dim → d → d) runs every forward.
//   temporal.attention = separate: per depth a spatial block (attention within each latent frame, [B·F, S]) and a
//   temporal block (attention across frames at each position, [B·S, F]); full: one attention over [B, S·F].
import { type AccessBytes, type AccessClass, type Op, elementwise, linear } from './op.js';
import { ulyssesAllToAll, ulyssesGather, ulyssesSupported } from './ulysses.js';
import type { DitModel } from '../spec/types.js';
import { type BlockOpts, type Precision, attentionCore, ffnOps } from './transformer-block.js';
import { ditTokens } from './params.js';
import { unetSkips } from './params/unet.js';
import { conv } from './vae-graph.js';

export interface DitRunShape {
  batch: number; // samples in the forward (×2 under classifier-free guidance)
  height: number; // pixels
  width: number;
  frames: number; // pixel frames (1 for images)
}

export function ditGeometry(m: DitModel, s: DitRunShape): { S: number; F: number; N: number; pv: number } {
  const { spatial, frames } = ditTokens(m, { height: s.height, width: s.width, frames: s.frames });
  return { S: spatial, F: frames, N: spatial * frames, pv: (m.temporal?.patch ?? 1) * m.patch * m.patch };
}

// modulate(x, shift, scale) = x·(1 + scale) + shift: eager PyTorch runs 1 + scale on the [B, d] vector, then a mul
// and an add over the tokens (DiT models.py modulate; Open-Sora blocks.py t2i_modulate)
// (scale and shift are [B, 1, d]: both token-sized kernels have a broadcast operand)
function modulate(name: string, elems: number, p: Precision, count: number, paths = 1): Op {
  return broadcast({ ...elementwise(name, elems * paths, 2, 4 * p.actBytes, p.compute, count), kernels: 3 * paths });
}
// access classes of eager kernels (src/model/op.ts `access`): the whole op, or its bytes by class
const broadcast = (op: Op): Op => ({ ...op, access: { broadcast: op.bytes } });
const whereSelect = (op: Op): Op => ({ ...op, access: { select: op.bytes } }); // torch.where, mask [B, T, 1, 1]
const rowNorm = (op: Op): Op => ({ ...op, access: { rownorm: op.bytes } });
// q/k RMSNorm over `elems` elements (read and written once by a fused kernel; reference code runs it as several). Two
// modules (q_norm, k_norm: Open-Sora blocks.py Attention, Wan norm_q / norm_k), so two ops of half the elements each.
function qkNorm(prefix: string, qElems: number, kElems: number, p: Precision, count: number): Op[] {
  const norm = (n: string, elems: number): Op => ({ ...elementwise(`${prefix}.${n}`, elems, 4, 2 * p.actBytes, p.compute, count, 'norm'), rms: true });
  return [norm('q_norm', qElems), norm('k_norm', kElems)];
}
// rotary embedding on q and on k (one fused kernel each reads and writes the tensor; reference code: runtime kernels.rope)
function rope(prefix: string, elems: number, p: Precision, count: number): Op[] {
  return ['rope_q', 'rope_k'].map((n) => ({ ...elementwise(`${prefix}.${n}`, elems, 6, 2 * p.actBytes, p.compute, count), rope: true }));
}
// x + gate · y: a mul (reads y, writes) and an add (reads x and the product, writes); under a frame mask the mul runs
// for both modulation paths and torch.where picks per frame (read 2, write 1) before the add. The muls have a broadcast
// gate ([B, 1, d]) and torch.where a broadcast mask ([B, T, 1, 1]); the add mixes layouts where the residual stream is
// channels-first (`strided`: x + y with x a channels-first view, y tokens-major).
function gatedResidual(name: string, elems: number, p: Precision, count: number, paths = 1, strided = false): Op {
  const select = paths > 1 ? 3 : 0;
  const a = p.actBytes;
  const add = 3 * a * elems;
  return {
    ...elementwise(name, elems, 1 + paths, (2 * paths + select + 3) * a, p.compute, count),
    kernels: paths + (paths > 1 ? 1 : 0) + 1,
    access: { broadcast: 2 * paths * a * elems, ...(select > 0 ? { select: select * a * elems } : {}), ...(strided ? { strided: add } : {}) },
  };
}

// Open-Sora's Attention.forward without its flash branch (blocks.py: q = q * scale; attn = q @ kᵀ; attn.to(float32)
// .softmax(-1).to(dtype); attn @ v; transpose copy): the scores cross DRAM as the bf16 QKᵀ output (2 B), its fp32 copy
// (r 2, w 4), softmax (r 4, w 4), the bf16 copy (r 4, w 2) and the AV read (2) = 24 bytes per score, in 8 kernels (the
// same sequence the pytorch-math runtime prices for every attention: runtimes/pytorch-math.yaml). The op keeps no
// `attn` shape, so no runtime prices it as a fused kernel or rewrites it again.
const WRITTEN_BYTES_PER_SCORE = 24;

// A residual stream in the patch conv's channels-first layout (spec channels_first_stream; Open-Sora
// opensora/models/layers/blocks.py PatchEmbed3D: conv3d output [B, C, T, H, W] .flatten(2).transpose(1, 2) is a
// strided view of [B, N, C], never made contiguous). Every `x = x + …` keeps it: TensorIterator orders the output's
// dimensions by the first operand whose strides decide (aten TensorIterator.cpp reorder_dimensions, should_swap; the
// output, will_resize, is skipped). So each nn.LayerNorm on the stream first copies it (aten cuda layer_norm_kernel.cu
// layer_norm_cuda: input.expect_contiguous(): r 1, w 1), and nn.Linear on it misses the fused addmm path (aten
// Linear.cpp linear: addmm only for 2-D or contiguous 3-D input) for matmul of a reshaped copy (r 1, w 1) plus a
// separate bias add_ on the output (r 1, w 1). The residual adds that mix the two layouts run strided, not
// vectorized: their bytes carry the `strided` access class, priced at the runtime's measured rate (kernels.elementwise).
function channelsFirstCopy(name: string, elems: number, p: Precision, count: number, kernels = 1): Op {
  const op = elementwise(name, elems, 0, 2 * p.actBytes, p.compute, count);
  return { ...op, kernels, access: { transpose: op.bytes } };
}
// Besides the scores, three passes over a q-sized tensor (read and write each): q * scale, the copy at::matmul makes of v
// for attn @ v (v is a view of the qkv output permuted to [B, h, N, dh]; its B and h dims do not fold into one batch dim,
// so matmul's reshape to [B·h, N, dh] copies: aten LinearAlgebra.cpp _matmul_impl; k went through q/k-norm and RoPE and
// is contiguous), and x.transpose(1, 2).reshape(B, N, C) of the output (a copy).
const WRITTEN_KERNELS = 9;
const WRITTEN_QSIZED_PASSES = 3;
function writtenAttention(op: Op, qElems: number, actBytes: number): Op {
  const scores = op.flops / (4 * op.attn!.headDim); // b·h·q·kv
  const { attn: _shape, ...rest } = op;
  return { ...rest, bytes: op.bytes + scores * WRITTEN_BYTES_PER_SCORE + WRITTEN_QSIZED_PASSES * 2 * actBytes * qElems, kernels: WRITTEN_KERNELS };
}

/**
 * one DiT/STDiT block kind (`count` blocks) attending within sequences of `seq` tokens, `seqs` of them. `temporal`:
 * an STDiT temporal block, which regroups its tokens position-major around the attention (einops rearrange
 * "B (T S) C -> (B S) T C" and back: two copies; the spatial grouping "(B T) S C" is a view) and applies the
 * temporal RoPE to q and k when the model has one (STDiT3: RotaryEmbedding(head_dim).rotate_queries_or_keys).
 */
function blockOps(prefix: string, m: DitModel, B: number, N: number, seqs: number, seq: number, p: Precision, fused: boolean, count: number, temporal = false, sp = 1): Op[] {
  const d = m.hidden;
  const hd = d / m.heads;
  // Ulysses sequence parallel over `sp` devices (./ulysses.ts): this device's N/sp tokens through every per-token op,
  // the self-attention over all N tokens for heads/sp heads, the cross-attention for its own tokens with every head
  const Nl = N / sp;
  const tokens = B * Nl;
  const a = p.actBytes;
  // Open-Sora 1.2's sampler always passes x_mask (apply_mask_strategy returns ones even without references), so
  // STDiT3Block computes the t and the t0 modulation and selects per frame (t_mask_select: torch.where)
  const paths = m.frame_mask ? 2 : 1;
  const select = (name: string): Op[] => (paths > 1 ? [whereSelect(elementwise(`${prefix}.${name}`, tokens * d, 0, 3 * a, p.compute, count))] : []);
  const o: BlockOpts = { d, heads: m.heads, headDim: hd, ffn: { kind: 'plain', intermediate: Math.round(m.mlp_ratio * d) }, fused };
  const ops: Op[] = [];
  if (m.cross_attention) ops.push({ ...elementwise(`${prefix}.t_mod`, B * 6 * d * paths, 1, 3 * a, p.compute, count), kernels: paths }); // table + t (and t0)
  else ops.push(linear(`${prefix}.adaLN`, B, 6 * d, d, p.compute, p.weightBytes, a, count)); // [B, 6d]
  const cf = !!m.channels_first_stream;
  if (cf) ops.push(channelsFirstCopy(`${prefix}.norm1.contiguous`, tokens * d * paths, p, count, paths)); // each norm1(x) call copies x
  ops.push(
    rowNorm({ ...elementwise(`${prefix}.norm1`, tokens * d * paths, 5, 2 * a, p.compute, count, 'norm'), kernels: paths }),
    modulate(`${prefix}.modulate1`, tokens * d, p, count, paths),
    ...select('select1'),
  );
  if (temporal) ops.push(elementwise(`${prefix}.to_time_major`, tokens * d, 0, 2 * a, p.compute, count)); // rearrange copy
  ops.push(linear(`${prefix}.qkv`, tokens, 3 * d, d, p.compute, p.weightBytes, a, count)); // [B, N, 3d]
  if (m.qk_norm !== 'none') ops.push(...qkNorm(prefix, tokens * d, tokens * d, p, count));
  if (temporal && m.temporal?.rope) ops.push(...rope(prefix, tokens * d, p, count));
  const attn = attentionCore(`${prefix}.attn`, { batch: seqs, q: seq, kv: seq, heads: m.heads / sp, headDim: hd }, p, fused, count);
  if (sp > 1) ops.push(ulyssesAllToAll(`${prefix}.attn`, tokens * d * a, sp, p.compute, count));
  // The switch is taken per kind of block, not per shape: a temporal block's sequence (latent frames) is shorter than its
  // batch (positions) and a spatial block's longer than its batch (frames) at every size the model is run at (S·B ≥ F
  // needs only 60 positions at 120 latent frames), and a per-shape switch would make the latency fall where a growing
  // resolution crosses it (monotone in work).
  ops.push(m.flash_if_longer && temporal ? writtenAttention(attn, tokens * d, a) : attn, linear(`${prefix}.proj`, tokens, d, d, p.compute, p.weightBytes, a, count));
  if (temporal) ops.push(elementwise(`${prefix}.from_time_major`, tokens * d, 0, 2 * a, p.compute, count)); // rearrange back
  ops.push(gatedResidual(`${prefix}.gate1`, tokens * d, p, count, paths, cf));
  if (m.cross_attention) {
    const ca = m.cross_attention;
    const L = ca.context;
    if (m.cross_norm) ops.push(rowNorm(elementwise(`${prefix}.cross.norm`, tokens * d, 5, 2 * a, p.compute, count, 'norm'))); // Wan norm3
    const cross = attentionCore(`${prefix}.cross.attn`, { batch: B, q: Nl, kv: L, heads: m.heads, headDim: hd }, p, fused || !!ca.fused, count);
    // q_linear(x) reads the residual stream itself: with a channels-first stream, matmul of a copy + a bias add_
    if (cf) ops.push(channelsFirstCopy(`${prefix}.cross.q.contiguous`, tokens * d, p, count));
    ops.push(
      linear(`${prefix}.cross.q`, tokens, d, d, p.compute, p.weightBytes, a, count),
      linear(`${prefix}.cross.kv`, B * L, 2 * d, d, p.compute, p.weightBytes, a, count), // caption [B, L, 2d]
    );
    if (m.qk_norm !== 'none' && ca.qk_norm !== false) ops.push(...qkNorm(`${prefix}.cross`, tokens * d, B * L * d, p, count));
    ops.push(
      ...(cf ? [broadcast(elementwise(`${prefix}.cross.q.bias`, tokens * d, 1, 2 * a, p.compute, count))] : []), // + bias [d]
      ca.fused ? { ...cross, library: true } : cross,
      linear(`${prefix}.cross.proj`, tokens, d, d, p.compute, p.weightBytes, a, count),
    );
    const residual = elementwise(`${prefix}.cross.residual`, tokens * d, 1, 3 * a, p.compute, count); // x + cross_attn(x, y)
    ops.push(cf ? { ...residual, access: { strided: residual.bytes } } : residual);
  }
  // MLP: LN, modulate, fc1, GELU(tanh), fc2, gate — ffnOps' own residual is replaced by the gated one
  const ffn = ffnOps(prefix, tokens, o, p, count).slice(0, 4);
  const norm2 = rowNorm(paths > 1 ? { ...ffn[0]!, flops: ffn[0]!.flops * paths, bytes: ffn[0]!.bytes * paths, kernels: paths } : ffn[0]!);
  if (cf) ops.push(channelsFirstCopy(`${prefix}.norm2.contiguous`, tokens * d * paths, p, count, paths));
  ops.push(norm2, modulate(`${prefix}.modulate2`, tokens * d, p, count, paths), ...select('select2'), ...ffn.slice(1), gatedResidual(`${prefix}.gate2`, tokens * d, p, count, paths, cf));
  return ops;
}

// LayerNorm (no affine) then modulate: x · (1 + scale[:, None]) + shift[:, None] (diffusers AdaLayerNormZero,
// CogVideoXLayerNormZero): the norm reads and writes once (rownorm), the mul and add have [B, 1, d] operands (broadcast)
function lnModulate(name: string, elems: number, p: Precision, count: number): Op {
  return {
    ...elementwise(name, elems, 7, 6 * p.actBytes, p.compute, count, 'norm'),
    kernels: 4,
    access: { rownorm: 2 * p.actBytes * elems, broadcast: 4 * p.actBytes * elems },
  };
}

// MMDiT (SD3, Flux; src/model/params/mmdit.ts): the image stream [B, N, d] and the text stream [B, L, d] have their own
// weights but attend jointly over N + L tokens; Flux's single-stream blocks run one weight set over the N + L tokens.
// Under Ulysses (`sp` devices, ./ulysses.ts) each device runs its N/sp image tokens and the whole text stream (xDiT's
// joint attention keeps the text tokens on every rank and takes its heads' share of them), and the joint attention over
// all N + L tokens for heads/sp heads; the all-to-alls move the image tokens.
function mmditBlockOps(m: DitModel, B: number, N: number, L: number, p: Precision, fused: boolean, sp = 1): Op[] {
  const d = m.hidden;
  const hd = d / m.heads;
  const I = Math.round(m.mlp_ratio * d);
  const J = N + L; // the attention's sequence
  const Nl = N / sp;
  const Jl = Nl + L; // tokens this device holds
  const heads = m.heads / sp;
  const a2a = (prefix: string, count: number): Op[] => (sp > 1 ? [ulyssesAllToAll(prefix, B * Nl * d * p.actBytes, sp, p.compute, count)] : []);
  const ops: Op[] = [];
  const n = m.layers;
  const lastPre = m.context_pre_only_last ? 1 : 0;
  const stream = (prefix: string, T: number, count: number, ffn: boolean, out = true) => {
    ops.push(
      linear(`${prefix}.adaLN`, B, 6 * d, d, p.compute, p.weightBytes, p.actBytes, count), // [B, 6d]
      lnModulate(`${prefix}.norm1`, B * T * d, p, count), // LN + modulate: LayerNorm, 1 + scale, mul, add
      linear(`${prefix}.qkv`, B * T, 3 * d, d, p.compute, p.weightBytes, p.actBytes, count), // [B, T, 3d]
    );
    if (m.qk_norm !== 'none') ops.push(...qkNorm(prefix, B * T * d, B * T * d, p, count));
    if (out) ops.push(linear(`${prefix}.out`, B * T, d, d, p.compute, p.weightBytes, p.actBytes, count), gatedResidual(`${prefix}.gate1`, B * T * d, p, count));
    if (ffn) {
      ops.push(
        lnModulate(`${prefix}.norm2`, B * T * d, p, count),
        linear(`${prefix}.ff_up`, B * T, I, d, p.compute, p.weightBytes, p.actBytes, count), // [B, T, r·d]
        elementwise(`${prefix}.gelu`, B * T * I, 8, 2 * p.actBytes, p.compute, count),
        linear(`${prefix}.ff_down`, B * T, d, I, p.compute, p.weightBytes, p.actBytes, count),
        gatedResidual(`${prefix}.gate2`, B * T * d, p, count),
      );
    }
  };
  stream('joint.img', Nl, n, true);
  stream('joint.txt', L, n - lastPre, true);
  if (lastPre) stream('joint.txt_last', L, 1, false, false);
  // the joint attention concatenates the text and image streams' q, k and v (torch.cat along the sequence: three
  // copies of [B, N+L, d]) and, with RoPE (Flux), rotates q and k over all N+L tokens
  ops.push({ ...elementwise('joint.cat_qkv', B * Jl * 3 * d, 0, 2 * p.actBytes, p.compute, n), kernels: 3 });
  if (m.rope) ops.push(...rope('joint', B * Jl * d, p, n));
  ops.push(attentionCore('joint.attn', { batch: B, q: J, kv: J, heads, headDim: hd }, p, fused, n), ...a2a('joint.attn', n)); // [B, h, N+L, N+L]
  if (m.single_blocks > 0) {
    const c = m.single_blocks;
    ops.push(
      linear('single.adaLN', B, 3 * d, d, p.compute, p.weightBytes, p.actBytes, c),
      lnModulate('single.norm', B * Jl * d, p, c),
      linear('single.qkv_mlp', B * Jl, 3 * d + I, d, p.compute, p.weightBytes, p.actBytes, c), // qkv and proj_mlp: [B, J, 3d + r·d]
    );
    if (m.qk_norm !== 'none') ops.push(...qkNorm('single', B * Jl * d, B * Jl * d, p, c));
    if (m.rope) ops.push(...rope('single', B * Jl * d, p, c));
    ops.push(
      attentionCore('single.attn', { batch: B, q: J, kv: J, heads, headDim: hd }, p, fused, c),
      ...a2a('single.attn', c),
      elementwise('single.gelu', B * Jl * I, 8, 2 * p.actBytes, p.compute, c),
      linear('single.proj_out', B * Jl, d, d + I, p.compute, p.weightBytes, p.actBytes, c), // [B, J, d]
      gatedResidual('single.gate', B * Jl * d, p, c),
    );
  }
  return ops;
}

function buildMmditGraph(m: DitModel, s: DitRunShape, p: Precision, fused: boolean, sp: number): Op[] {
  const d = m.hidden;
  const B = s.batch;
  const { N: whole, pv } = ditGeometry(m, s);
  const N = whole / sp; // this device's image tokens: embeddings and the final layer run on its shard
  const ca = m.cross_attention!;
  const L = ca.context;
  const ops: Op[] = [
    { ...linear('patch_embed', B * N, d, m.in_channels * pv, p.compute, p.weightBytes, p.actBytes), kind: 'conv' }, // [B, N, d]
    linear('context_embed', B * L, d, ca.context_dim, p.compute, p.weightBytes, p.actBytes), // [B, L, d]
    linear('t_embed.fc1', B, d, 256, p.compute, p.weightBytes, p.actBytes, m.guidance_embed ? 2 : 1),
    linear('t_embed.fc2', B, d, d, p.compute, p.weightBytes, p.actBytes, m.guidance_embed ? 2 : 1),
  ];
  if (m.position_table > 0) ops.push(elementwise('pos_add', B * N * d, 1, 3 * p.actBytes, p.compute));
  if (m.pooled_dim > 0) ops.push(linear('pooled_embed', B, d, m.pooled_dim, p.compute, p.weightBytes, p.actBytes), linear('pooled_embed.fc2', B, d, d, p.compute, p.weightBytes, p.actBytes));
  ops.push(...mmditBlockOps(m, B, whole, L, p, fused, sp));
  ops.push(
    linear('final.adaLN', B, 2 * d, d, p.compute, p.weightBytes, p.actBytes),
    { ...lnModulate('final.norm', B * N * d, p, 1), kernels: 1 },
    linear('final.linear', B * N, pv * m.out_channels, d, p.compute, p.weightBytes, p.actBytes), // [B, N, p²·out]
    elementwise('unpatchify', B * N * pv * m.out_channels, 0, 2 * p.actBytes, p.compute),
    ...ulyssesGather(B * N * pv * m.out_channels * p.actBytes, sp, p.compute),
    elementwise('sampler_step', B * whole * pv * m.in_channels, 6, 4 * p.actBytes, p.compute),
  );
  return ops;
}

// Latent-diffusion UNet (SDXL; src/model/params/unet.ts): convs as implicit GEMMs at each level's resolution, the
// Transformer2DModels over that level's h·w tokens with cross-attention to the text tokens. Elementwise work is
// counted as diffusers' UNet2DConditionModel launches it (huggingface/diffusers @22b4530, Dec 2023: resnet.py
// ResnetBlock2D, transformer_2d.py, attention.py BasicTransformerBlock, attention_processor.py AttnProcessor2_0,
// activations.py GEGLU) with PyTorch's GroupNorm (aten group_norm_kernel.cu: RowwiseMoments reads x, a tiny
// ComputeFusedParams, then y = a·x + b reads and writes: 3 kernels, 3 passes). Bytes per element as multiples of
// the activation size a (one pass = a).
/** a diffusers nn.Conv2d: its input reaches cuDNN as an NCHW tensor of `inElems` elements (Op.nchwIn) */
const nchw = (c: Op, inElems: number): Op => ({ ...c, nchwIn: inElems });

function buildUnetGraph(m: DitModel, s: DitRunShape, p: Precision, fused: boolean): Op[] {
  const u = m.unet!;
  const B = s.batch;
  const C = u.channels;
  const T = u.time_embed_dim;
  const X = m.cross_attention?.context_dim ?? 0;
  const Lc = m.cross_attention?.context ?? 0;
  const a = p.actBytes;
  const h0 = Math.ceil(s.height / m.vae_downsample), w0 = Math.ceil(s.width / m.vae_downsample);
  const tok = (i: number) => Math.ceil(h0 / 2 ** i) * Math.ceil(w0 / 2 ** i); // positions at level i
  // `live`: activation tensors alive at once (multiples of a) where fewer than the passes moved. Eager Python frees a
  // temporary when its name is rebound; GroupNorm holds only x and y (aten group_norm.cpp native_group_norm: Y =
  // empty_like(X), mean and rstd [N, group]).
  const ew = (name: string, elems: number, flops: number, passes: number, kernels: number, count = 1, kind: Op['kind'] = 'elementwise', live?: number): Op => ({
    ...elementwise(name, elems, flops, passes * a, p.compute, count, kind),
    kernels,
    ...(live !== undefined ? { liveBytes: live * elems * a } : {}),
  });
  // Eager kernels of a slower access class (src/model/op.ts `access`; priced where the runtime measured them,
  // runtimes/pytorch.yaml by_architecture hopper kernels.elementwise), in passes over the op's `elems`:
  //  - GroupNorm's normalise kernel y = a·x + b reads a and b as [N·C, 1] fp32 columns broadcast over H·W (aten
  //    group_norm_kernel.cu GroupNormKernelImplInternal: TensorIterator over Y [N·C, HxW], X, a [N·C, 1], b [N·C, 1]):
  //    TensorIterator's non-vectorized elementwise_kernel, `broadcast` (read x, write y); so is ResnetBlock2D's
  //    hidden + temb[:, :, None, None]
  //  - nn.LayerNorm is vectorized_layer_norm_kernel, `rownorm`
  //  - Transformer2DModel's hidden_states.permute(0, 2, 3, 1).reshape(...) into tokens and the reshape-permute back
  //    (.contiguous() of a channels-first view: a copy), `transpose`
  // (RowwiseMomentsCUDAKernel, GroupNorm's statistics pass, runs one block per (sample, group): N·G = 64 blocks at batch
  // 2 on a 132-SM H100; no timing of it at these shapes, so it stays at the contiguous rate.)
  const by = (op: Op, elems: number, passes: Partial<Record<AccessClass, number>>): Op => {
    const access: AccessBytes = {};
    for (const [k, v] of Object.entries(passes) as [AccessClass, number][]) access[k] = v * elems * a;
    return { ...op, access };
  };
  const ops: Op[] = [
    nchw(conv('conv_in', B * tok(0), B * tok(0), m.in_channels, C[0]!, 9, p), B * tok(0) * m.in_channels),
    linear('time_embed', B, T, C[0]!, p.compute, p.weightBytes, a),
    linear('time_embed.fc2', B, T, T, p.compute, p.weightBytes, a),
  ];
  if (u.add_embed_dim > 0) ops.push(linear('add_embed', B, T, u.add_embed_dim, p.compute, p.weightBytes, a), linear('add_embed.fc2', B, T, T, p.compute, p.weightBytes, a));
  const res = (name: string, P: number, i: number, o: number) => {
    const n = B * P;
    ops.push(
      by(ew(`${name}.norm1`, n * i, 6, 5, 4, 1, 'norm', 3), n * i, { broadcast: 2 }), // GroupNorm (3 kernels, 3 passes) + SiLU (r, w); live: input_tensor, GN out, SiLU out
      nchw(conv(`${name}.conv1`, n, n, i, o, 9, p), n * i),
      linear(`${name}.temb`, B, o, T, p.compute, p.weightBytes, a),
      by(ew(`${name}.norm2`, n * o, 7, 7, 5, 1, 'norm', 3), n * o, { broadcast: 4 }), // + temb (r, w), GroupNorm, SiLU; live: h, h + temb, then GN in/out, SiLU in/out
      nchw(conv(`${name}.conv2`, n, n, o, o, 9, p), n * o),
    );
    if (i !== o) ops.push(nchw(conv(`${name}.shortcut`, n, n, i, o, 1, p), n * i));
    ops.push(ew(`${name}.residual`, n * o, 2, 5, 2, 1, 'elementwise', 3)); // (input + hidden) / output_scale_factor: an add and a div; live: input, hidden, sum
  };
  const tr = (name: string, P: number, c: number, d: number) => {
    if (d <= 0) return;
    const n = B * P;
    const heads = u.heads > 0 ? u.heads : Math.max(1, Math.round(c / u.head_dim));
    // GroupNorm, then permute(0, 2, 3, 1).reshape to tokens: a copy (use_linear_projection)
    ops.push(by(ew(`${name}.norm`, n * c, 6, 5, 4, 1, 'norm', 3), n * c, { broadcast: 2, transpose: 2 }), linear(`${name}.proj_in`, n, c, c, p.compute, p.weightBytes, a));
    // to_q, to_k, to_v are three nn.Linear: three GEMMs, each reading the input; SDPA's output is transposed and
    // reshaped back (a copy) and divided by rescale_output_factor (a kernel) in AttnProcessor2_0
    const qkv = linear(`${name}.attn1.qkv`, n, 3 * c, c, p.compute, p.weightBytes, a, d);
    const kv = linear(`${name}.attn2.kv`, B * Lc, 2 * c, X, p.compute, p.weightBytes, a, d);
    ops.push(
      by(ew(`${name}.ln1`, n * c, 5, 2, 1, d, 'norm'), n * c, { rownorm: 2 }),
      { ...qkv, bytes: qkv.bytes + 2 * n * c * a, kernels: 3 },
      attentionCore(`${name}.attn1`, { batch: B, q: P, kv: P, heads, headDim: c / heads }, p, fused, d),
      ew(`${name}.attn1.merge`, n * c, 1, 4, 2, d, 'elementwise', 2), // transpose-reshape copy, / rescale_output_factor
      linear(`${name}.attn1.out`, n, c, c, p.compute, p.weightBytes, a, d),
      by(ew(`${name}.ln2`, n * c, 6, 5, 2, d, 'norm', 3), n * c, { rownorm: 2 }), // residual add, LayerNorm; live: attention out, x, sum
      linear(`${name}.attn2.q`, n, c, c, p.compute, p.weightBytes, a, d),
      { ...kv, bytes: kv.bytes + B * Lc * X * a, kernels: 2 }, // to_k, to_v on the text tokens
      attentionCore(`${name}.attn2`, { batch: B, q: P, kv: Lc, heads, headDim: c / heads }, p, fused, d),
      ew(`${name}.attn2.merge`, n * c, 1, 4, 2, d, 'elementwise', 2),
      linear(`${name}.attn2.out`, n, c, c, p.compute, p.weightBytes, a, d),
      by(ew(`${name}.ln3`, n * c, 6, 5, 2, d, 'norm', 3), n * c, { rownorm: 2 }),
      linear(`${name}.ff_up`, n, 8 * c, c, p.compute, p.weightBytes, a, d), // GEGLU [B·P, 8c]
      ew(`${name}.geglu`, n * 4 * c, 9, 5, 2, d, 'elementwise', 4), // chunk (views), gelu(gate) (r, w), hidden · gelu (r, r, w); live: both halves, gelu, product
      linear(`${name}.ff_down`, n, c, 4 * c, p.compute, p.weightBytes, a, d),
      ew(`${name}.residual`, n * c, 1, 3, 1, d),
    );
    // proj_out, reshape-permute back to NCHW with .contiguous() (a copy), + residual
    ops.push(linear(`${name}.proj_out`, n, c, c, p.compute, p.weightBytes, a), by(ew(`${name}.out_residual`, n * c, 1, 5, 2, 1, 'elementwise', 3), n * c, { transpose: 2 }));
  };
  let prev = C[0]!;
  C.forEach((c, i) => {
    for (let j = 0; j < u.res_blocks; j++) {
      res(`down${i}.res${j}`, tok(i), prev, c);
      tr(`down${i}.attn${j}`, tok(i), c, u.transformer_depth[i]!);
      prev = c;
    }
    if (i !== C.length - 1) ops.push(nchw(conv(`down${i}.downsample`, B * tok(i + 1), B * tok(i), c, c, 9, p), B * tok(i) * c));
  });
  const L = C.length - 1;
  res('mid.res1', tok(L), C[L]!, C[L]!);
  tr('mid.attn', tok(L), C[L]!, u.mid_depth);
  res('mid.res2', tok(L), C[L]!, C[L]!);
  const skips = unetSkips(u);
  prev = C[L]!;
  for (let j = L; j >= 0; j--) {
    const c = C[j]!;
    for (let i = 0; i <= u.res_blocks; i++) {
      const skip = skips.pop()!;
      ops.push(ew(`up${j}.res${i}.cat`, B * tok(j) * (prev + skip), 0, 2, 1)); // torch.cat([hidden, skip], dim=1)
      res(`up${j}.res${i}`, tok(j), prev + skip, c);
      tr(`up${j}.attn${i}`, tok(j), c, u.transformer_depth[j]!);
      prev = c;
    }
    if (j !== 0) {
      // F.interpolate(nearest, ×2): reads the level, writes 4× as many positions; then the 3×3 conv
      ops.push(ew(`up${j}.interpolate`, B * tok(j - 1) * c, 0, 1.25, 1), nchw(conv(`up${j}.upsample`, B * tok(j - 1), B * tok(j), c, c, 9, p), B * tok(j - 1) * c));
    }
  }
  ops.push(
    by(ew('norm_out', B * tok(0) * C[0]!, 6, 5, 4, 1, 'norm', 2), B * tok(0) * C[0]!, { broadcast: 2 }), // GroupNorm + SiLU; live: GN in/out, then SiLU in/out
    nchw(conv('conv_out', B * tok(0), B * tok(0), C[0]!, m.out_channels, 9, p), B * tok(0) * C[0]!),
    elementwise('sampler_step', B * tok(0) * m.in_channels, 6, 4 * a, p.compute),
  );
  return ops;
}

/**
 * one denoiser forward. `sp` > 1: the forward of one device of a Ulysses sequence-parallel group of `sp` (./ulysses.ts;
 * only where ulyssesDegree allows it: a transformer with one full attention per block whose heads `sp` divides). The
 * sampler step runs on the whole latent on every device.
 */
export function buildDitGraph(m: DitModel, s: DitRunShape, p: Precision, fused: boolean, sp = 1): Op[] {
  if (sp > 1 && !ulyssesSupported(m)) throw new Error(`buildDitGraph: ${m.id} has no Ulysses split`);
  if (m.architecture === 'mmdit') return buildMmditGraph(m, s, p, fused, sp);
  if (m.architecture === 'unet') return buildUnetGraph(m, s, p, fused);
  const d = m.hidden;
  const B = s.batch;
  const { S, F, N: whole, pv } = ditGeometry(m, s);
  const N = whole / sp; // this device's tokens
  const latentElems = B * whole * pv * m.in_channels;
  const paths = m.frame_mask ? 2 : 1; // STDiT3.forward embeds t and, under x_mask, t0 = 0 through t_embedder and t_block
  const posAdd = elementwise('pos_add', B * N * d, 1, 3 * p.actBytes, p.compute);
  const ops: Op[] = [
    { ...linear('patch_embed', B * N, d, m.in_channels * pv, p.compute, p.weightBytes, p.actBytes), kind: 'conv' }, // [B, N, d]
    m.channels_first_stream ? { ...posAdd, access: { strided: posAdd.bytes } } : posAdd, // x (channels-first) + pos_emb
    linear('t_embed.fc1', B, d, 256, p.compute, p.weightBytes, p.actBytes, paths), // 256-d sinusoid → d
    linear('t_embed.fc2', B, d, d, p.compute, p.weightBytes, p.actBytes, paths),
  ];
  if (m.cross_attention) {
    const ca = m.cross_attention;
    ops.push(
      linear('t_block', B, 6 * d, d, p.compute, p.weightBytes, p.actBytes, paths), // adaLN-single [B, 6d]
      linear('y_embed.fc1', B * ca.context, d, ca.context_dim, p.compute, p.weightBytes, p.actBytes), // [B, L, d]
      elementwise('y_embed.gelu', B * ca.context * d, 8, 2 * p.actBytes, p.compute),
      linear('y_embed.fc2', B * ca.context, d, d, p.compute, p.weightBytes, p.actBytes),
    );
  } else if (m.classes > 0) {
    ops.push(elementwise('y_embed', B * d, 1, 2 * p.actBytes, p.compute, 1, 'embedding'));
  }
  if (m.temporal?.attention === 'separate') {
    ops.push(...blockOps('spatial', m, B, N, B * F, S, p, fused, m.layers)); // attention within a frame [B·F, S]
    ops.push(...blockOps('temporal', m, B, N, B * S, F, p, fused, m.layers, true)); // across frames [B·S, F]
  } else {
    ops.push(...blockOps('block', m, B, whole, B, whole, p, fused, m.layers, false, sp));
  }
  if (!m.cross_attention) ops.push(linear('final.adaLN', B, 2 * d, d, p.compute, p.weightBytes, p.actBytes));
  if (m.channels_first_stream) ops.push(channelsFirstCopy('final.norm.contiguous', B * N * d * paths, p, 1, paths)); // T2IFinalLayer norm_final(x)
  ops.push(
    rowNorm({ ...elementwise('final.norm', B * N * d * paths, 5, 2 * p.actBytes, p.compute, 1, 'norm'), kernels: paths }),
    modulate('final.modulate', B * N * d, p, 1, paths), // T2IFinalLayer: both paths and t_mask_select under x_mask
    ...(paths > 1 ? [whereSelect(elementwise('final.select', B * N * d, 0, 3 * p.actBytes, p.compute))] : []),
    linear('final.linear', B * N, pv * m.out_channels, d, p.compute, p.weightBytes, p.actBytes), // [B, N, p²·out]
    elementwise('unpatchify', B * N * pv * m.out_channels, 0, 2 * p.actBytes, p.compute), // reshape + copy
    ...ulyssesGather(B * N * pv * m.out_channels * p.actBytes, sp, p.compute),
    // sampler update on the latent (eps/v combine, guidance mix, x_{t-1}): a few fused elementwise passes
    elementwise('sampler_step', latentElems, 6, 4 * p.actBytes, p.compute),
  );
  return ops;
}
