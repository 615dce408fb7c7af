// L2-resident activations. A memory-bound kernel that moves only activations (an elementwise op, a norm, a GEMM's
// dtype conversions and bias add: no weights) reads tensors the kernel before it has just written and writes one the
// next kernel reads. When its bytes fit in the GPU's L2 (a write-back last-level cache in front of DRAM) those reads
// hit in L2 and the writes stay there, so the kernel runs at the L2's rate, not DRAM's. This matters where DRAM is slow
// next to the L2 (an LPDDR5X iGPU) and the tensors are small: whisper.cpp's encoder on a DGX Spark (GB10: 24 MB L2,
// 273 GB/s LPDDR5X) moves ~0.9 GB of 2-9 MB f32 tensors through bias adds, norms, GELU and cuBLAS f16 conversions for
// whisper-tiny, more than the whole measured encoder (2.72 ms) could stream from DRAM (runtimes/whisper.cpp-fa.yaml).
//
// Priced only where the hardware states a measured L2 rate (on_chip.l2_bandwidth): a part without one keeps the DRAM
// rate for every op. A kernel larger than L2 finds at most L2's worth of its tensors there: its first l2 bytes move at
// the L2 rate, the rest at DRAM's. ASSUMPTION: no hit-rate measurement past capacity was found for GB10; the rule is
// continuous at the edge and never cheaper per byte than the fitting case. Priced as before (DRAM for all the bytes of
// a kernel over L2, "an LRU-like cache streaming a larger tensor hits little"), a step whose activations just outgrew
// L2 cost more than the step of one sequence more and throughput fell with the batch (property seed 539 at scale 10:
// gpt2-large fp4 on 2 DGX Sparks, faster-whisper-batched, 8 in / 261 out, batch 139 -> 140, tpot 16.1 -> 18.8 ms).
// Not a K/V-cache copy (a runtime's whole-cache append or repeat, Op.cache): its input is the cache the step before
// wrote, with every other layer's traffic since, so it reads DRAM whatever its size. Priced at the L2 rate for its first
// L2's worth, a decode step whose cost was those copies got dearer per sequence as the batch grew (property seed 545 at
// scale 10: gpt3-125m int8 on a DGX Spark, pp 2, faster-whisper-batched, 1,202 in / 269 out, batch 66 -> 444: kv_append
// 0.079 -> 0.101 ms a sequence, throughput -8%).
// Not a cast of stored parameters either (openai-whisper keeps its parameters in fp32 and casts each to fp16 at every
// call, kernels.weight_cast_bytes): the cast's read of the stored copy (Op.storedBytes) is of a persistent tensor the
// size of the model, read once a call, not of the kernel before's output, so it moves at the DRAM rate; only the cast
// copy it writes (which the GEMM then reads) is an activation here. Priced at the L2 rate, large-v3's decode step read
// its 3.2 GB of fp32 decoder weights at 0.95 TB/s on a DGX Spark whose LPDDR5X streams 273 GB/s.
// Not modelled: eviction by a larger tensor streamed between producer and consumer (FA-off attention scores), GEMM
// operands (weights come from DRAM; the activations' share of a compute-bound GEMM does not set its time).
import type { Op } from '../model/op.js';
import type { NormalizedHardware } from '../spec/types.js';

/** the memory seconds of an activation-only memory-bound op on a part that states its L2 rate (kernel by kernel: the
 *  bytes that fit at the L2 rate where faster than `dramBw`, any excess at `dramBw`), or undefined where the op takes
 *  the DRAM rate for all its bytes */
export function l2ResidentSeconds(op: Op, hw: Pick<NormalizedHardware, 'onChip'>, dramBw: number): number | undefined {
  const { l2Bytes, l2BandwidthBytePerS } = hw.onChip;
  if (!l2Bytes || !l2BandwidthBytePerS) return undefined;
  if ((op.kind !== 'elementwise' && op.kind !== 'norm') || op.weightBytes > 0) return undefined;
  // a copy of the K/V cache reads what the step before wrote, every other layer's traffic since: DRAM (Op.cache)
  if (op.cache) return undefined;
  // each kernel of the op (a glue op is several: to_fp16, to_fp32, bias add) meets the L2 on its own; an op run inside
  // another op's kernel (kernels 0: a runtime's fusion group, src/sim/fusion.ts) is that kernel's epilogue or prologue,
  // one kernel's worth of its bytes
  // reads of a persistent tensor inside the op (Op.storedBytes: the stored parameters a runtime casts at each call)
  // come from DRAM, as a cache copy's do; the rest of its traffic meets the L2 as below
  const stored = Math.min(op.bytes, Math.max(0, op.storedBytes ?? 0));
  const kernels = Math.max(1, op.kernels ?? 1);
  const perKernel = (op.bytes - stored) / kernels;
  const rate = Math.max(dramBw, l2BandwidthBytePerS * (op.memoryScale ?? 1));
  const fit = Math.min(perKernel, l2Bytes);
  return stored / dramBw + kernels * (fit / rate + (perKernel - fit) / dramBw);
}
