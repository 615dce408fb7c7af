// Time of one small NCCL all-reduce issued by a framework (torch.distributed / pynccl, one process per GPU) inside
// one Hopper NVSwitch node. The ring model in ./parallel.ts takes its size shape from nccl-tests sweeps
// (COLLECTIVE_SHAPE), whose small-message end is ~33 µs on 8x H100 (NVIDIA/nccl issue #2094: nccl-tests
// all_reduce_perf 1 KiB-32 KiB at 32.4-34.6 µs); an engine's all-reduce from torch measures lower. A call-level
// micro-benchmark of torch.distributed all_reduce (NCCL) on 8x H100 SXM, intra-node, tensors of the listed sizes (dtype
// not stated)
// (ByteDance-Seed/Triton-distributed issue #57, 2025-07-14, 'NCCL (µs)' column): 128 B 19.19, 1 KiB 19.50,
// 16 KiB 20.71, 32 KiB 22.65, 64 KiB 23.05, 128 KiB 23.71, 256 KiB 24.76, 512 KiB 25.24, 1 MiB 32.42, 4 MiB 59.43,
// 8 MiB 90.51, 16 MiB 135.68 (its 2 MiB point, 290.73 µs, is a non-monotone outlier between 1 and 4 MiB and is left
// out). Consistent with vLLM's pynccl under CUDA graphs on H100: 0.5 MB at TP 4 21 µs, TP 6 23 µs (vllm-project/vllm
// PRs #24532 and #24111, benchmark_device_communicators.py). Measured at 8 ranks; fewer ranks are no slower, so
// ./parallel.ts takes the smaller of this and its ring time. Hopper (NVLink4 behind NVSwitch) only: no comparable
// table was found for A100 or Blackwell nodes.
import { callSecondsAt } from '../runtime/collectives.js';

const SIZES = [128, 1024, 16384, 32768, 65536, 131072, 262144, 524288, 1048576, 4194304, 8388608, 16777216];
const SECONDS = [19.19e-6, 19.5e-6, 20.71e-6, 22.65e-6, 23.05e-6, 23.71e-6, 24.76e-6, 25.24e-6, 32.42e-6, 59.43e-6, 90.51e-6, 135.68e-6];

/** the measured table (tests read it rather than restating it) */
export const NCCL_SMALL_ALLREDUCE = { sizes: SIZES, seconds: SECONDS } as const;

// The table's fabric: H100 SXM NVLink4, 18 links, 450 GB/s per direction.
const MEASURED_LINK_BYTE_PER_S = 450e9;

/**
 * Seconds of one framework NCCL all-reduce of `bytes` at up to 8 ranks on an NVLink4 NVSwitch link of `linkBytePerS`.
 * Inside the table: interpolated linearly in size, its start-up part (the 128 B time) kept and the rest scaled by
 * 450 GB/s / the link's rate, so a slower link (H800's 200 GB/s) or a bandwidth what-if is priced slower. Beyond the
 * table's last size: that point plus the extra bytes at the ring model's bus rate for this message, `busBytePerS`
 * (all-reduce traffic 2(n − 1)/n of them, `traffic`), so the time carries on from the measurement without a step and
 * the caller's min() hands over to the ring model itself a little further on (~30-40 MiB on 8x H100).
 */
export function ncclSmallAllreduceSeconds(bytes: number, linkBytePerS: number, busBytePerS: number, traffic: number): number | undefined {
  const n = SIZES.length;
  if (!(bytes > 0) || !(linkBytePerS > 0) || !(busBytePerS > 0)) return undefined;
  const scale = MEASURED_LINK_BYTE_PER_S / linkBytePerS;
  const atLink = (t: number) => SECONDS[0]! + (t - SECONDS[0]!) * scale;
  const last = SIZES[n - 1]!;
  if (bytes > last) return atLink(SECONDS[n - 1]!) + (traffic * (bytes - last)) / busBytePerS;
  return atLink(callSecondsAt(SIZES, SECONDS, bytes)!);
}
