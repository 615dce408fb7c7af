// A runtime's own all-reduce kernel for small messages (`collectives.custom_allreduce` in runtimes/*.yaml): vLLM and
// SGLang reduce decode-size activations with a one-/two-shot kernel over peer memory inside one NVLink / xGMI domain
// instead of NCCL / RCCL (vllm/distributed/device_communicators/custom_all_reduce.py; ROCm/vllm PR #27 for MI300),
// whose per-call latency is a few µs rather than the collective library's tens. Seconds per call come from the
// runtime's measured table, interpolated linearly in message size; outside it (bigger messages, more devices, or a
// group that leaves the scale-up domain) the collective library prices the call (src/sim/parallel.ts).
import type { NormalizedHardware } from '../spec/types.js';

export function customAllreduceSeconds(hw: NormalizedHardware, bytes: number, group: number): number | undefined {
  const t = hw.runtime?.collectives?.customAllreduce;
  if (!t || group < 2 || group > t.maxGroup || !(bytes > 0)) return undefined;
  const up = hw.scaleUp;
  if (!up || (up.domain !== undefined && group > up.domain)) return undefined;
  const s = t.sizes, v = t.seconds;
  const n = s.length;
  if (bytes > s[n - 1]!) return undefined;
  if (bytes <= s[0]!) return v[0]!;
  let i = 1;
  while (s[i]! < bytes) i++;
  const f = (bytes - s[i - 1]!) / (s[i]! - s[i - 1]!);
  return v[i - 1]! + f * (v[i]! - v[i - 1]!);
}
