// DeepEP's low-latency dispatch and combine (the expert all-to-all of decode steps under SGLang --moe-a2a-backend deepep
// with --deepep-mode auto / low_latency, and vLLM's deepep_low_latency all2all backend): runtime kernels.moe_a2a_decode.
//
// These kernels are not NCCL collectives. Each rank sends every (token, expert) copy straight to the expert's rank —
// no de-duplication by node, unlike the normal kernels of ./ep-alltoall-bytes.ts — over NVLink to peers on its node
// and RDMA to the rest (NVLink since deepseek-ai/DeepEP PR #173, 2025-06), and the combine sends each expert's output
// back in bf16. DeepEP's kernel benchmark (tests/test_low_latency.py: num_fp8_bytes = hidden + hidden/128·4 + 16 per
// dispatched copy, hidden·2 per combined copy, the time of each kernel by kineto) on H800 with one CX7 400 Gb/s NIC a
// GPU, 128 tokens a rank, hidden 7168, top-8, FP8 dispatch and BF16 combine (README @de8cfca "Low-latency kernels with
// pure RDMA", kept as docs/legacy.md):
//
//   #EP        8     16    32    64    128   256
//   dispatch   77    118   155   173   192   194   µs   (98 / 63 / 48 / 43 / 39 / 39 GB/s over those bytes)
//   combine    114   195   273   314   369   360   µs   (127 / 74 / 53 / 46 / 39 / 40 GB/s)
//
// The "latency" column is the whole kernel at 128 tokens, not a start-up: 128·8 copies of 7,408 B in 77 µs is the 98
// GB/s beside it. Perplexity's independent run of DeepEP on CX7 at the same shape (perplexityai/pplx-garden
// docs/fabric-lib.md, "Decode (128 tokens)", DeepEP-CX7: dispatch 123.9 / 159.1 / 177.9 µs, combine 203.0 / 285.0 /
// 325.0 µs at EP 16 / 32 / 64) reads within 5% of the table over nodes; its one-node EP 8 (42.6 / 72.0 µs against the
// H800's 77 / 114) ran on GPUs whose NVLink the page does not state.
//
// Priced here: each kernel = its start-up α + the rank's copies at the table's rate for that many nodes (the EP 8 row
// inside one node, EP 8·nodes beyond; log-interpolated between rows, the EP 256 row past it), the rate being the row's
// bytes over its time less α, so that 128 tokens of DeepSeek-V3 reproduce the table exactly.
// ASSUMPTION: α, the kernel's own fixed cost, is not in the table (one token count); NCCL's all-to-all start-up
// (ncclLlLatency: LL ring base + one network hop, 9.3 µs) stands in for it. KNOWN GAP: a kernel benchmark of
// test_low_latency.py at 1-64 tokens a rank would give it.
// ASSUMPTION: other parts scale the measured rates by their link over the H800's (inside a node: scale-up bandwidth
// over the H800's 200 GB/s NVLink, hardware/nvidia/h800-sxm.yaml; across nodes: NIC bandwidth over CX7's 50 GB/s).
// Where the ranks share a node the NVLink row applies whatever the EP (an NVL72 rack at EP 64).
import type { ExpertExchange } from '../model/op.js';
import type { NormalizedHardware } from '../spec/types.js';
import { ncclLlLatency } from './nccl-protocols.js';

const EP = [8, 16, 32, 64, 128, 256];
const DISPATCH_US = [77, 118, 155, 173, 192, 194];
const COMBINE_US = [114, 195, 273, 314, 369, 360];
const BENCH_COPIES = 128 * 8;
const BENCH_HIDDEN = 7168;
const BENCH_NVLINK = 200e9; // H800 NVLink, bytes/s a direction
const BENCH_NIC = 50e9; // one CX7 400 Gb/s

/** bytes of one dispatched copy: fp8 with one fp32 scale per 128 elements and 16 B of routing info, or bf16 */
export function dispatchBytesPerCopy(hidden: number, fp8: boolean): number {
  return fp8 ? hidden + (hidden / 128) * 4 + 16 : hidden * 2;
}

/** the table's time (µs) at an EP of `ep` ranks, log-interpolated between its rows */
function tableUs(us: number[], ep: number): number {
  const x = Math.log2(Math.max(EP[0]!, Math.min(EP[EP.length - 1]!, ep)));
  for (let i = 1; i < EP.length; i++) {
    const x1 = Math.log2(EP[i]!);
    if (x <= x1) {
      const x0 = Math.log2(EP[i - 1]!);
      return us[i - 1]! + ((us[i]! - us[i - 1]!) * (x - x0)) / (x1 - x0);
    }
  }
  return us[us.length - 1]!;
}

/** seconds of one low-latency dispatch + combine over `ep` ranks on `hw` of a rank's `x` copies */
export function deepEpLowLatencySeconds(hw: NormalizedHardware, ep: number, x: ExpertExchange): number {
  if (ep <= 1 || !(x.copies > 0)) return 0;
  const alpha = ncclLlLatency('alltoall', ep, 1);
  const perNode = Math.max(1, hw.scaleUp?.domain ?? 1);
  const nodes = Math.ceil(ep / perNode);
  const row = nodes <= 1 ? EP[0]! : EP[0]! * nodes;
  const link = nodes <= 1 ? hw.scaleUp?.bandwidthBytePerS : hw.scaleOut?.bandwidthBytePerS;
  const scale = link && link > 0 ? (nodes <= 1 ? BENCH_NVLINK : BENCH_NIC) / link : 1;
  const dispatchRate = (BENCH_COPIES * dispatchBytesPerCopy(BENCH_HIDDEN, true)) / (tableUs(DISPATCH_US, row) * 1e-6 - alpha);
  const combineRate = (BENCH_COPIES * BENCH_HIDDEN * 2) / (tableUs(COMBINE_US, row) * 1e-6 - alpha);
  const wire = x.copies * (dispatchBytesPerCopy(x.hidden, x.fp8) / dispatchRate + (x.hidden * 2) / combineRate);
  return 2 * alpha + wire * scale;
}
