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
  // a smaller group's own table where the runtime has one (the smallest measured group at least this size), else the
  // largest group's: an upper bound for the groups between
  const seconds = t.byGroup?.find((g) => g.group >= group)?.seconds ?? t.seconds;
  return callSecondsAt(t.sizes, seconds, bytes);
}

/**
 * A measured per-call time table of a collective (seconds at rising message sizes) at `bytes`: linear in size between
 * its points, the first point's time below it (start-up bound), undefined above its last size. The runtimes' own
 * kernels (above) and the framework NCCL table (src/sim/nccl-small-allreduce.ts) read theirs through it.
 */
export function callSecondsAt(sizes: readonly number[], seconds: readonly number[], bytes: number): number | undefined {
  const n = sizes.length;
  if (bytes > sizes[n - 1]!) return undefined;
  if (bytes <= sizes[0]!) return seconds[0]!;
  let i = 1;
  while (sizes[i]! < bytes) i++;
  const f = (bytes - sizes[i - 1]!) / (sizes[i]! - sizes[i - 1]!);
  return seconds[i - 1]! + f * (seconds[i]! - seconds[i - 1]!);
}
