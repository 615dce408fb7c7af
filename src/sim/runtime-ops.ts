// What a runtime does to the kernels of a non-decoder graph (encoders, Whisper, DiT, VAE). The graph builders
// (src/model/*-graph.ts) emit what a fused reference stack runs: one fused attention kernel, biases in the GEMM
// epilogue, one kernel per norm, activations in the request's dtype. A runtime whose spec says otherwise
// (runtimes/*.yaml `kernels:`, each with its source) rewrites the ops here, before the roofline prices them:
//
//   attention_scores {bytes_per_score, kernels}  attention materialised as separate kernels (QKᵀ, scale, softmax,
//                    AV, permute copies): the score matrix [b, h, q, kv] crosses DRAM bytes_per_score bytes per
//                    element in all (e.g. ggml without flash attention), priced as `kernels` launches and no
//                    FlashAttention tile padding (the GEMMs are plain batched GEMMs); decode_kernels launches
//                    instead at matrix-vector query counts (q ≤ gemv_max_rows: a decode step);
//                    head_transposes more where a call has more than one query row per sequence (CTranslate2's
//                    split_heads / combine_heads transpose [b, q, h, dh] when q > 1, reshape when q = 1), self_split
//                    more in a self-attention (CTranslate2's ops::Split of the fused QKV output, one thrust::gather per
//                    output; a cross-attention's K/V are split where they are projected)
//   activation_bytes every activation crosses DRAM at this size (ggml keeps activations in f32 whatever the
//                    weights are): the non-weight bytes of every op scale by activation_bytes / request's size
//   bias separate    each GEMM's bias is its own kernel (ggml_add after ggml_mul_mat): + read and write of the
//                    output, + 1 launch; none up to bias_fused_rows tokens (the matrix-vector kernel adds it)
//   bias bias_add    CTranslate2's Dense (src/ops/gemm.cc apply_bias_and_activation, through v4.6): the GEMM, then one
//                    BiasAdd kernel that adds the bias and applies the layer's activation in place: + a read and write of
//                    the output, + 1 launch per biased GEMM (a fused q/k/v projection has one bias vector: one kernel),
//                    except where the graph's activation op follows the GEMM (that op is the BiasAdd), a GEMM with no
//                    bias (biasedParts 0: Whisper's logits), an int8 GEMM under int8_quant_kernels (the dequantize
//                    kernel adds the bias) and a convolution (cuDNN's fused bias)
//   gemm_convert     the GEMM runs on 16-bit copies of its f32 input and output (ggml-cuda's cuBLAS path:
//                    to_fp16 of src1, cublasGemmEx in f16, to_fp32 of dst): + a 16-bit write and read of the input
//                    and of the output (4 bytes per element each), + 2 launches
//                    Both are kernels of their own that wait for the GEMM (or it for them) on one stream: they are
//                    emitted as a memory-bound `<gemm>.glue` op after the GEMM, so a compute-bound GEMM does not
//                    hide their traffic under its max(compute, memory)
//   conv_layout nchw a convolution given as NCHW tensors (op.nchwIn) runs in cuDNN's NHWC kernels: + a read and a write
//                    of its input and two of its output (layout conversions, the bias add after it), + 3 launches, in
//                    the `<conv>.glue` op
//   split_projections  a GEMM the graph concatenates from `op.parts` projections of one input (Whisper's q/k/v: 3, its
//                    cross-attention k/v: 2) runs as that many matmul nodes: + parts - 1 launches, the input read once
//                    per part, and under gemm_convert each node converts its own f16 copy of the input (to_fp16 per
//                    ggml_cuda_op_mul_mat_cublas call) and its own output; the bias adds are op.biasedParts kernels over
//                    that share of the output (ggml: whisper_build_graph_encoder / _decoder / _cross, one ggml_mul_mat per
//                    projection, ggml_add of the bias after the q and v ones)
//   int8_quant_kernels  an int8 GEMM (--dtype int8) runs as quantize (input → int8 rows + per-row scale), the int8
//                    GEMM (int32 output) and dequantize (+ bias, activation) kernels: CTranslate2's Dense; + 2
//                    launches and their traffic in the `<gemm>.glue` op, the GEMM reading int8 and writing int32
//   autocast         torch.autocast over an fp32 model (timm's --amp, PyTorch's AMP recipe): the residual stream is fp32
//                    (the fp32 position-embedding add promotes the patch embedding's output; add is on no autocast
//                    list, so x + branch stays fp32), LayerNorm runs in fp32 (autocast's fp32 list: layer_norm), and a
//                    Linear fed by it casts its input down in a kernel of its own (a Linear is on the lower-precision
//                    list). A LayerNorm reads and writes 4 bytes per element and its cast reads 4 and writes the
//                    activation size (+1 kernel); a residual add reads the 4-byte stream and the 16-bit branch and
//                    writes 4 bytes. The attention, the GELU and the Linears themselves run in 16-bit as the graph has
//                    them.
//   weight_cast_bytes B  the parameters are kept at B bytes each and cast to the compute dtype by a kernel of their
//                    own at every GEMM / convolution call (openai-whisper: Linear.forward and Conv1d._conv_forward call
//                    self.weight.to(x.dtype), and load_model keeps fp32 parameters): each call reads B and writes the
//                    compute-dtype copy of every parameter (the GEMM then reads that copy, as the graph prices it),
//                    one kernel for the weight and one for a bias; nothing where the compute dtype is B bytes already
//   norm_kernels N   a norm runs as N kernels, each reading and writing the tensor (ggml_norm, ggml_mul, ggml_add)
//   rmsnorm {kernels, bytes_per_element}  an RMSNorm (op.rms) written out in Python ops (HF LlamaRMSNorm, Open-Sora's
//                    qk-norm): fp32 copy, pow, mean, rsqrt, mul, cast back, weight mul — its traffic per element
//   rope {kernels, bytes_per_element}  a rotary embedding on q or k (op.rope) written out in Python ops
//                    (rotary_embedding_torch: cos, mul, scale, neg, stack, sin, mul, scale, add, cat): its traffic per
//                    element of q or k, bytes per element given for 16-bit activations as for rmsnorm
//   An attention the model's code runs through a library kernel (op.library: xformers in Open-Sora's
//   cross-attention) keeps its fused pricing under attention_scores.
//
// Hot path: one pass over the op list, plain arithmetic; a runtime without these fields returns the list as is.
import type { AccessClass, Op } from '../model/op.js';
import type { Dtype, NormalizedHardware } from '../spec/types.js';
import { kernelPhysics } from './kernel-physics.js';
import { DTYPE_BYTES } from '../model/dtype-bytes.js';

type GraphKernels = NonNullable<NormalizedHardware['runtime']>['kernels'];

/**
 * the score bytes a runtime that writes attention out holds at once (`attention_scores.live_bytes_per_score` × the
 * scores of its largest materialised attention op): a fused kernel keeps its tiles on chip, a written-out one allocates
 * the whole [b, h, q, kv] score tensor, and in more than one dtype while the casts run (PyTorch: the fp32 copy and the
 * fp32 softmax output are alive together). 0 where nothing is materialised.
 */
export function materialisedScoreBytes(ops: Op[], hw: Pick<NormalizedHardware, 'runtime'>): number {
  const sc = hw.runtime?.kernels?.attentionScores;
  const live = sc?.liveBytesPerScore ?? 0;
  if (!(live > 0)) return 0;
  let peak = 0;
  for (const op of ops) {
    if (op.kind !== 'attention' || op.library || !op.attn || !(op.attn.headDim > 0) || op.count <= 0) continue;
    peak = Math.max(peak, (op.flops / (4 * op.attn.headDim)) * live); // b·h·q·kv scores, as runtimeOps counts them
  }
  return peak;
}

/** whether the runtime changes anything in non-decoder graphs */
export function rewritesGraphs(k: GraphKernels | undefined): boolean {
  return !!k && (k.attentionScores !== undefined || k.activationBytes !== undefined || k.bias === 'separate' || k.bias === 'bias_add' || k.convLayout !== undefined || k.gemmConvert === true || k.splitProjections === true || k.int8QuantKernels === true || k.autocast === true || k.weightCastBytes !== undefined || (k.normKernels ?? 1) > 1 || k.rmsnorm !== undefined || k.rope !== undefined || k.elementwise !== undefined);
}

/** the ops as the bound runtime runs them; `actBytes` is the activation element size the graph was built with */
export function runtimeOps(ops: Op[], hw: Pick<NormalizedHardware, 'runtime'>, actBytes: number): Op[] {
  const k = hw.runtime?.kernels;
  if (!rewritesGraphs(k)) return ops;
  const kk = k as GraphKernels;
  const act = kk.activationBytes ?? actBytes;
  const scale = act / actBytes;
  const gemvMaxRows = kernelPhysics(hw).gemvMaxRows;
  const out: Op[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    let bytes = op.weightBytes + (op.bytes - op.weightBytes) * scale;
    let kernels = op.kernels ?? 1;
    let attn = op.attn;
    if ((op.kind === 'gemm' || op.kind === 'conv') && op.m && op.n && op.k && !op.groups) {
      // The conversions and the bias add are kernels of their own on the same stream as the GEMM, each waiting for
      // the one before (ggml-cuda ggml_cuda_op_mul_mat_cublas: to_fp16_cuda(src1) → cublasGemmEx → to_fp32_cuda(dst),
      // all on `stream`; ggml_add after ggml_mul_mat in the graph): their traffic is priced as a memory-bound op after
      // the GEMM, not under the GEMM's compute time. The GEMM itself reads and writes the 16-bit copies.
      let glue = 0;
      let glueKernels = 0;
      let stored = 0; // the glue's reads of the stored (kept-wider) parameters: device memory, never L2 (Op.storedBytes)
      // projections the graph concatenated that the runtime runs one matmul node each (kernels.split_projections)
      const parts = kk.splitProjections ? Math.max(1, op.parts ?? 1) : 1;
      const biased = parts > 1 ? Math.min(parts, Math.max(0, op.biasedParts ?? parts)) : op.biasedParts === 0 ? 0 : 1;
      kernels *= parts;
      // up to the runtime's matrix-vector rows (decode steps) ggml multiplies f16 weights by the f32 activations in a
      // matrix-vector kernel that reads them as they are (ggml_cuda_mul_mat: use_mul_mat_vec when src1->ne[1] == 1;
      // mmvf up to MMVF_MAX_BATCH_SIZE later): no cuBLAS, no conversions
      if (kk.gemmConvert && op.m > gemvMaxRows) {
        const io = op.m * op.k + op.m * op.n;
        bytes += (2 - act) * io; // the GEMM's activations in and out are the 16-bit copies
        glue += (act + 2) * io; // to_fp16: read f32 + write f16 of the input; to_fp32: read f16 + write f32 of the output
        glueKernels += 2;
        // split: each node converts the input again and reads its own copy; the output conversions split the output
        bytes += (parts - 1) * 2 * op.m * op.k;
        glue += (parts - 1) * (act + 2) * op.m * op.k;
        glueKernels += 2 * (parts - 1);
      } else if (parts > 1) {
        bytes += (parts - 1) * act * op.m * op.k; // each matrix-vector node reads the f32 input
      }
      // ... unless the matrix-vector kernel adds it (kernels.bias_fused_rows: ggml-cuda fuses MUL_MAT + ADD into
      // mul_mat_vec_f for one token, ggml_cuda_try_fuse / ggml_cuda_should_fuse_mul_mat_vec_f "ncols_dst = 1")
      // an int8 GEMM under CTranslate2 (Dense::operator() with a quantized weight, src/layers/common.cc): ops::Quantize
      // writes the input as int8 rows with a per-row scale (quantize_kernel, src/ops/quantize_gpu.cu), the GEMM reads
      // the int8 input and writes int32, and ops::Dequantize reads the int32 output and writes it in the activation
      // type with the bias and activation applied (dequantize_gemm_output_kernel, src/ops/dequantize_gpu.cu): two
      // kernels more than a 16-bit Dense, whose bias rides in the GEMM's epilogue here. A residual is a separate
      // ops::Add after the dequantize, as the graph's own residual op; the GELU the dequantize applies is priced once
      // more by the graph's activation op (one kernel of the MLP's up projection, counted twice).
      if (kk.int8QuantKernels && op.kind === 'gemm' && op.dtype === 'int8') {
        bytes += (1 - act) * op.m * op.k + (4 - act) * op.m * op.n; // int8 input read, int32 output written
        glue += op.m * op.k * (act + 1) + op.m * 4; // quantize: read the input, write int8 and a float scale per row
        glue += op.m * op.n * (4 + act); // dequantize: read int32, write the activation type
        glueKernels += 2;
      }
      // parameters kept wider than the compute dtype and cast at every call (kernels.weight_cast_bytes): the cast reads
      // the stored copy and writes the compute-dtype one the GEMM reads, for the weight and for the bias. The stored copy
      // is a persistent tensor (the whole model's parameters, read once a call), not the kernel before's output: its read
      // moves at the DRAM rate on a part whose L2 rate is priced (Op.storedBytes, src/sim/l2-resident.ts)
      const castFrom = kk.weightCastBytes ?? 0;
      const wb = CAST_TARGETS.has(op.dtype) ? DTYPE_BYTES[op.dtype] : 0;
      if (castFrom > wb && wb > 0 && op.weightBytes > 0) {
        glue += (op.weightBytes / wb) * (castFrom + wb);
        stored += (op.weightBytes / wb) * castFrom;
        glueKernels += 1 + (biased > 0 ? 1 : 0);
      }
      if (kk.bias === 'separate' && !(op.m <= (kk.biasFusedRows ?? 0)) && biased > 0) {
        glue += (2 * op.m * op.n * act * biased) / parts; // y += b: read and write the biased outputs
        glueKernels += biased;
      }
      // CTranslate2's BiasAdd after the GEMM (kernels.bias: bias_add); the activation op that follows an up projection
      // is that kernel already
      if (kk.bias === 'bias_add' && op.kind === 'gemm' && op.biasedParts !== 0 && !(kk.int8QuantKernels && op.dtype === 'int8') && !isActivation(ops[i + 1])) {
        glue += 2 * op.m * op.n * act; // y = act(y + b) in place: read and write the output
        glueKernels += 1;
      }
      // a convolution eager PyTorch gives cuDNN as NCHW tensors (op.nchwIn: diffusers' nn.Conv2d) runs in cuDNN's NHWC
      // tensor-core kernels (kernels.conv_layout nchw): cuDNN converts the input to NHWC and the output back in kernels
      // of their own (nchwToNhwcKernel, nhwcToNchwKernel: a read and a write of each), and ATen adds the bias after the
      // convolution (aten/src/ATen/native/Convolution.cpp, ConvBackend::Cudnn: output.add_(reshape_bias(...)): a read
      // and a write of the output); runtimes/pytorch.yaml cites each. The filter's own conversion is not priced.
      if (kk.convLayout === 'nchw' && op.kind === 'conv' && op.nchwIn !== undefined && op.nchwIn > 0) {
        glue += 2 * op.nchwIn * act + 4 * op.m * op.n * act;
        glueKernels += 3;
      }
      if (glueKernels > 0) {
        const o: Op = { ...op, bytes, kernels };
        out.push(o);
        out.push({ name: `${op.name}.glue`, kind: 'elementwise', flops: op.m * op.n, bytes: glue, weightBytes: 0, dtype: op.dtype, count: op.count, kernels: glueKernels, ...(stored > 0 ? { storedBytes: stored } : {}) });
        continue;
      }
    } else if (kk.autocast && op.kind === 'norm' && !op.rms) {
      const elems = op.bytes / (2 * actBytes); // the graph's norm reads and writes each element once
      bytes = elems * (4 + 4 + 4 + actBytes); // fp32 in, fp32 out; the cast: fp32 in, 16-bit out
      kernels = (op.kernels ?? 1) + 1;
    } else if (kk.autocast && op.kind === 'elementwise' && RESIDUAL.test(op.name)) {
      const elems = op.bytes / (3 * actBytes); // the graph's residual add reads two tensors and writes one
      bytes = elems * (4 + actBytes + 4);
    } else if (op.kind === 'norm' && op.rms && kk.rmsnorm) {
      bytes = (op.bytes / (2 * actBytes)) * kk.rmsnorm.bytesPerElement; // the op reads and writes each element once
      kernels = kk.rmsnorm.kernels;
    } else if (op.rope && kk.rope) {
      bytes = (op.bytes / (2 * actBytes)) * kk.rope.bytesPerElement; // a fused rotary reads and writes each element once
      kernels = kk.rope.kernels;
    } else if (op.kind === 'norm' && kk.normKernels && kk.normKernels > 1) {
      bytes *= kk.normKernels;
      kernels = kk.normKernels;
    } else if (op.kind === 'attention' && kk.attentionScores && op.attn && op.attn.headDim > 0 && !op.library) {
      const scores = op.flops / (4 * op.attn.headDim); // b·h·q·kv: flops = 2 GEMMs × 2 × b·h·q·kv·dh
      bytes += scores * kk.attentionScores.bytesPerScore;
      // at matrix-vector query counts (decode steps) the score GEMMs are matrix-vector kernels that read the cached K
      // and V views as they are: no permute copies, f16 conversions or batched-pointer set-up (decode_kernels)
      const dk = kk.attentionScores.decodeKernels;
      kernels = dk !== undefined && op.attn.q <= gemvMaxRows ? dk : kk.attentionScores.kernels;
      kernels += (op.attn.q > 1 ? kk.attentionScores.headTransposes ?? 0 : 0) + (op.cross ? 0 : kk.attentionScores.selfSplit ?? 0);
      attn = undefined;
    }
    const o: Op = { ...op, bytes, kernels };
    if (attn) o.attn = attn;
    else delete o.attn;
    const ms = kk.elementwise ? accessScale(op, kk, bytes, scale) : 1;
    if (ms !== 1) o.memoryScale = ms;
    out.push(o);
  }
  return out;
}

/**
 * the share of the part's achievable bandwidth an op's eager kernels reach (kernels.elementwise): each access class's
 * bytes (op.access, at the graph's activation size: × `scale`) move at that class's fraction, the rest at 1; a written-out
 * RMSNorm (op.rms under kernels.rmsnorm) at the chain's. Time-weighted: bytes / Σ(bytes_c / fraction_c).
 */
function accessScale(op: Op, kk: GraphKernels & object, bytes: number, scale: number): number {
  const e = kk.elementwise!;
  if (op.kind === 'norm' && op.rms && kk.rmsnorm && e.rmsnorm !== undefined) return e.rmsnorm;
  const a = op.access;
  if (!a || !(bytes > 0)) return 1;
  let slow = 0;
  let time = 0;
  for (const c of ACCESS_CLASSES) {
    const b = (a[c] ?? 0) * scale;
    const f = e[c];
    if (!(b > 0) || f === undefined) continue;
    slow += b;
    time += b / f;
  }
  if (slow === 0) return 1;
  return bytes / (Math.max(0, bytes - slow) + time);
}
// the graph builders' activation op after an up projection (src/model/transformer-block.ts ffnOps: <block>.act)
// the compute dtypes a kept-wider weight is cast to at each call (kernels.weight_cast_bytes); others are not cast
const CAST_TARGETS: ReadonlySet<Dtype> = new Set<Dtype>(['fp16', 'bf16', 'fp32']);
const isActivation = (op: Op | undefined): boolean => !!op && op.kind === 'elementwise' && /\.act$/.test(op.name);
// the graph builders' residual adds (src/model/transformer-block.ts: <block>.residual, .residual1, .residual2)
const RESIDUAL = /\.residual\d*$/;
const ACCESS_CLASSES: readonly AccessClass[] = ['broadcast', 'select', 'strided', 'transpose', 'rownorm'];
