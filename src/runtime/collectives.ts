// A runtime's own all-reduce kernel for small messages (`collectives.custom_allreduce` in runtimes/*.yaml): vLLM and
// SGLang reduce decode-size activations with a one-/two-shot kernel over peer memory inside one NVLink / xGMI domain
// instead of NCCL / RCCL (vllm/distributed/device_communicators/custom_all_reduce.py; ROCm/vllm PR #27 for MI300),
// whose per-call latency is a few µs rather than the collective library's tens. Seconds per call come from the
// runtime's measured table, interpolated linearly in message size; outside it (more devices, or a group that leaves
// the scale-up domain) the collective library prices the call (src/sim/parallel.ts). Above its largest message: where the
// table's top points were themselves measured on the library's path (`above: linear`: TensorRT-LLM's AUTO strategy hands
// large messages to NCCL, and its sweep runs to 1 GiB) the line through its last two points continues; else (vLLM's
// 8 MiB buffer, its own kernel below) the library prices it, never below the table's last time (customAllreduceFloor).
import type { NormalizedHardware } from '../spec/types.js';

export function customAllreduceSeconds(hw: NormalizedHardware, bytes: number, group: number): number | undefined {
  const [seconds, below] = customTables(hw, group);
  if (!seconds || bytes <= 0) return undefined;
  const table = tableOf(hw)!;
  const { sizes, above } = table;
  const f = linkStretch(hw, table);
  const at = (s: readonly number[]) => {
    const x = callSecondsAt(sizes, s, bytes) ?? (above === 'linear' ? lineAbove(sizes, s, bytes) : undefined);
    return x === undefined ? undefined : s[0]! + (x - s[0]!) * f;
  };
  const t = at(seconds);
  return t === undefined || !below ? t : Math.max(t, at(below)!);
}

/**
 * How much slower than the table's own part this part's links carry the kernel's bytes: the ratio of the scale-up
 * bandwidth the table was timed over (`link_bandwidth`) to this part's, where this part's is lower; else 1. The
 * kernel pulls its peers' buffers over the links (vLLM csrc/custom_all_reduce.cuh: cross_device_reduce_1stage reads
 * every peer's whole input, _2stage a 1/n slice of each and then each rank's reduced slice; nothing in
 * custom_all_reduce.py reads the link speed), so on an A800 (NVLink 200 GB/s each way against the A100's 300) a call
 * moves the same bytes over two thirds of the links. ASSUMPTION: all of a time's growth above the table's first
 * (start-up bound) point is link time, so it is stretched by the ratio and the first point kept: an upper bound where
 * part of that growth is the on-chip reduction. A faster link is not taken to speed the kernel (its start-up and
 * reduction do not shrink with it): the measured times stay, an upper bound.
 */
function linkStretch(hw: NormalizedHardware, t: NonNullable<ReturnType<typeof tableOf>>): number {
  const own = hw.scaleUp?.bandwidthBytePerS;
  return t.linkBytePerS !== undefined && own !== undefined && own < t.linkBytePerS ? t.linkBytePerS / own : 1;
}

// a table's last two points' line at `bytes` past them: a start-up time plus a fixed time per byte, the shape of one
// bandwidth-bound collective (the tables rise, so the slope is ≥ 0)
function lineAbove(sizes: readonly number[], seconds: readonly number[], bytes: number): number {
  const n = sizes.length;
  const perByte = (seconds[n - 1]! - seconds[n - 2]!) / (sizes[n - 1]! - sizes[n - 2]!);
  return seconds[n - 1]! + (bytes - sizes[n - 1]!) * perByte;
}

/**
 * whether the runtime's own kernel serves this all-reduce: a group its table applies to, a message up to the kernel's
 * buffer (`buffer_bytes`: vLLM's and SGLang's registered 8 MiB, custom_all_reduce.py should_custom_ar `inp_size <
 * max_size`), else the table's largest size. A table cut short for want of timings (the H800's, 16 KiB) leaves the
 * messages between its edge and the buffer to the kernel all the same: the host dispatches one custom op for them
 * (src/runtime/launch.ts collectiveLaunchS), not a c10d call, though their time is the library's (customAllreduceFloor).
 */
export function customAllreduceServes(hw: NormalizedHardware, bytes: number, group: number): boolean {
  const [seconds] = customTables(hw, group);
  if (!seconds || bytes <= 0) return false;
  const t = tableOf(hw)!;
  return t.above === 'linear' || bytes <= Math.max(t.bufferBytes ?? 0, t.sizes[t.sizes.length - 1]!);
}

/**
 * Above a table without `above: linear` the collective library takes the call (vLLM's registered buffer ends at 8 MiB),
 * at the hardware's price for it but never below the table's last measured time: a bigger message does not take less
 * time than a smaller one on whichever path. The hardware's alpha-beta price can sit below the edge's measured time
 * (2- and 4-GPU Blackwell groups under TensorRT-LLM, when its table ended at 64 MiB: b200 TP2 154.8 µs measured,
 * 117.5 µs priced just above), and without this floor a prompt one token past the edge ran faster than one at
 * it (monotonicity, test/allreduce-table-edge.test.ts). The floor is the last time, not its rate scaled up: above the
 * table the library's own price (a measured sweep on most parts) is the better evidence. 0 where no table applies or
 * the message is inside it.
 */
export function customAllreduceFloor(hw: NormalizedHardware, bytes: number, group: number): number {
  const [seconds, below] = customTables(hw, group);
  if (!seconds) return 0;
  const table = tableOf(hw)!;
  const n = table.sizes.length;
  if (bytes <= table.sizes[n - 1]!) return 0;
  const f = linkStretch(hw, table);
  const last = (s: readonly number[]) => s[0]! + (s[n - 1]! - s[0]!) * f;
  return Math.max(last(seconds), below ? last(below) : 0);
}

// the measured times (at the table's sizes) that apply to `group` devices: the smallest measured group at least this
// size (a smaller group's own table where the runtime has one, else the largest group's) and, for a group between two
// measured ones (3, 5-7), the one below it too: such a group pays the larger of the two, an upper bound whichever way
// time runs with group size (a bigger group is cheaper on a mesh and under NVLS at large messages, dearer elsewhere);
// none outside the scale-up domain or above the largest measured group
const tableOf = (hw: NormalizedHardware) => hw.runtime?.collectives?.customAllreduce || undefined;
function customTables(hw: NormalizedHardware, group: number): [at?: readonly number[], below?: readonly number[]] {
  const t = tableOf(hw);
  if (!t || group < 2 || group > t.maxGroup) return [];
  const up = hw.scaleUp;
  if (!up || (up.domain !== undefined && group > up.domain)) return [];
  const gs = t.byGroup ?? [];
  const i = gs.findIndex((g) => g.group >= group);
  const at = i < 0 ? { group: t.maxGroup, seconds: t.seconds } : gs[i]!;
  const under = i < 0 ? gs[gs.length - 1] : gs[i - 1];
  return [at.seconds, at.group > group ? under?.seconds : undefined];
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
