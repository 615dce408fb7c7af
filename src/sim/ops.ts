// Single-op costing for `hwperf op gemm|stream|allreduce`: the same opCost / commSeconds that simulate uses,
// so a micro-benchmark row checks exactly the ceilings the model runs on.
import type { Dtype, NormalizedHardware } from '../spec/types.js';
import { DTYPES } from '../spec/types.js';
import { linear, elementwise } from '../model/op.js';
import { DTYPE_BYTES } from '../model/dtype-bytes.js';
import { opCost } from './roofline.js';
import { fallbackWarning } from './kernel-physics.js';
import { commSeconds } from './parallel.js';
import { UserError } from '../spec/errors.js';

export interface OpResult {
  op: string;
  hardware: string;
  seconds: number;
  flops: number;
  bytes: number;
  achieved_flops_per_s: number | null;
  achieved_bytes_per_s: number | null;
  bus_bandwidth_bytes_per_s: number | null;
  bound: string;
  dtype?: string;
  devices?: number;
  warnings: string[];
}

export function checkDtype(d: string): Dtype {
  if (!(DTYPES as readonly string[]).includes(d)) throw new UserError(`--dtype: unknown dtype "${d}" (expected one of ${DTYPES.join(', ')})`);
  return d as Dtype;
}

const MAX_GEMM_DIM = 2 ** 31 - 1;
const MAX_ALLREDUCE_DEVICES = 1e6;

/** C[m, n] = A[m, k] · B[k, n] in `dtype`, output in the same dtype (cuBLASLt-style benchmark). */
export function opGemm(hw: NormalizedHardware, m: number, n: number, k: number, dtype: Dtype): OpResult {
  for (const [name, v] of [['m', m], ['n', n], ['k', k]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new UserError(`--${name} must be a positive integer, found "${v}"`);
    // cuBLAS's GEMM calls take int m, n, k (cublasGemmEx): 10^14 rows once answered "3390000000000000 days"
    if (v > MAX_GEMM_DIM) throw new UserError(`--${name}: expected at most ${MAX_GEMM_DIM} (a GEMM dimension is a 32-bit int in cuBLAS), found "${v}"`);
  }
  const b = DTYPE_BYTES[dtype];
  const op = linear('gemm', m, n, k, dtype, b, b);
  // a GEMM micro-benchmark is a burst (the regime the efficiency tables were measured in): no sustained-load clock drop
  const e = hw.efficiency;
  const c = opCost(op, e.sustainedMatrix === undefined && e.sustainedMatrixByDtype === undefined ? hw
    : { ...hw, efficiency: { ...e, sustainedMatrix: undefined, sustainedMatrixByDtype: undefined } });
  const warnings = c.dtype !== dtype ? [fallbackWarning(hw.id, dtype, c.dtype, hw)] : [];
  return {
    op: 'gemm', hardware: hw.id, dtype: c.dtype, seconds: c.seconds, flops: op.flops, bytes: op.bytes,
    achieved_flops_per_s: op.flops / c.seconds, achieved_bytes_per_s: op.bytes / c.seconds, bus_bandwidth_bytes_per_s: null,
    bound: c.bound, warnings,
  };
}

/** STREAM triad a[i] = b[i] + s·c[i] moving `bytes` in total (2 reads + 1 write; 2 FLOP per 3 elements). */
export function opStream(hw: NormalizedHardware, bytes: number): OpResult {
  if (!(bytes > 0)) throw new UserError(`--bytes must be positive, found "${bytes}"`);
  const elems = bytes / 12; // fp32: 3 arrays × 4 bytes
  const op = elementwise('triad', elems, 2, 12, 'fp32');
  const c = opCost(op, hw);
  return {
    op: 'stream', hardware: hw.id, seconds: c.seconds, flops: op.flops, bytes: op.bytes,
    achieved_flops_per_s: op.flops / c.seconds, achieved_bytes_per_s: op.bytes / c.seconds, bus_bandwidth_bytes_per_s: null,
    bound: c.bound, warnings: [],
  };
}

/** all-reduce of `bytes` over `devices`; busbw = algbw × 2(n−1)/n (nccl-tests doc/PERFORMANCE.md). */
export function opAllreduce(hw: NormalizedHardware, bytes: number, devices: number): OpResult {
  if (!(bytes > 0)) throw new UserError(`--bytes must be positive, found "${bytes}"`);
  if (!Number.isInteger(devices) || devices < 2 || devices > MAX_ALLREDUCE_DEVICES) throw new UserError(`--devices: expected an integer from 2 to ${MAX_ALLREDUCE_DEVICES} (simulate's --devices cap), found "${devices}"`);
  const seconds = commSeconds(hw, 'allreduce', bytes, devices, true);
  const algbw = bytes / seconds;
  const warnings = !hw.scaleUp && !hw.scaleOut ? [`${hw.id} has no device interconnect in its spec: a 16 GB/s host path is assumed`] : [];
  if (hw.scaleUp?.domain !== undefined && devices > hw.scaleUp.domain) warnings.push(`${devices} devices exceed the scale-up domain of ${hw.scaleUp.domain}: the scale-out network is used`);
  return {
    op: 'allreduce', hardware: hw.id, devices, seconds, flops: 0, bytes,
    achieved_flops_per_s: null, achieved_bytes_per_s: algbw, bus_bandwidth_bytes_per_s: (algbw * 2 * (devices - 1)) / devices,
    bound: 'network', warnings,
  };
}
