#!/usr/bin/env python3
"""The L40S's own GEMM efficiencies from NVIDIA's aiconfigurator database: compute-bound 16-bit and fp8 GEMMs by size
(efficiency.gemm, gemm_by_dtype.fp8) and how fast skinny GEMMs stream their weights (gemm_memory_by_dtype).

    python3 bench/aiconfigurator/l40s-gemm.py DATA_DIR

DATA_DIR is aiconfigurator's systems data folder, aic-core/src/aiconfigurator_core/systems/data, of
ai-dynamo/aiconfigurator at commit 095f58a51. Read, all timed on an NVIDIA L40S under CUDA-graph replay (each
framework's own Linear layer; latency in ms): DATA_DIR/l40s/gemm/{vllm/0.24.0, sglang/0.5.14, trtllm/1.3.0rc20}/
gemm_perf.parquet, and each collection's own input-quantize timings, DATA_DIR/l40s/quantize/{vllm/0.24.0,
sglang/0.5.14, trtllm/1.3.0rc20}/{computescale,scale_matrix}_perf.parquet (the dynamic per-token quantize each fp8 Linear
runs before its GEMM: computescale is the dynamic call less the static one, scale_matrix the static one). The fp8
figures are the GEMM's alone, each Linear less its own quantize at the same (M, K) (rows without one are left out).
SGLang's fp8 rows are left out: its collector (collector/sglang/collect_computescale.py) times the static quantize as
torch eager ops ((x / scale).clamp().to(fp8), four kernels), not the sgl_per_token_quant_fp8 its Linear runs, so its
compute_scale reads 0 on every row and the pair times a slower call than the Linear's (2.1 ms at 8192 x 8192, where the
Linear whole takes 3.4 ms). hwperf keeps quantize-free rates in the hardware file, and a runtime that runs the
quantize as a kernel of its own prices it there (runtime kernels.fp8_input_quant). Per-tensor fp8 only (gemm_dtype fp8; fp8_block is another kernel).
Needs pyarrow and numpy; downloads nothing.

Printed:
 - compute-bound GEMMs (M >= 256 rows, N and K >= 1024 as an LLM's Linear widths are, weights and activations streamed
   in under half the measured time at 864 GB/s; narrower rows are the quantize kernel's or the launch's time):
   at each of the table sizes, the median over the pooled rows of the three frameworks within a quarter decade of it
   of (FLOP / (latency - 2 us per-kernel ramp)) / peak (362.05 TFLOP/s bf16, 733 fp8), as the other parts' tables take
   their sweeps; then made non-decreasing (pool-adjacent-violators), the form hardware/nvidia/l40s.yaml holds;
 - skinny GEMMs (M 1-64) whose weights are at least the 96 MB L2 and at most 2 GB: the median of
   bytes / ((latency - 4 us) x 864 GB/s) per framework and dtype (as bench/aiconfigurator/gemm-streaming.py does for
   the Blackwell parts), bytes = weights + bf16 input and output rows.
"""
import os
import sys

import numpy as np
import pyarrow.parquet as pq

BW = 864e9
L2 = 96e6
PEAK = {"bfloat16": 362.05e12, "fp8": 733e12}
WEIGHT_BYTES = {"bfloat16": 2, "fp8": 1}
COLLECTIONS = (("vllm", "0.24.0"), ("sglang", "0.5.14"), ("trtllm", "1.3.0rc20"))
FP8_QUANT_TIMED = ("vllm", "trtllm")  # collections whose quantize tables time the kernel their fp8 Linear runs
SIZES = (2.15e9, 1.72e10, 1.37e11, 1.1e12, 8.8e12)  # below 2.15e9 no row is that wide: the YAML keeps the class shape
RAMP_S = 2e-6
KERNEL_GAP_S = 4e-6
MIN_NK = 1024


def table(path):
    return pq.read_table(path).to_pylist() if os.path.exists(path) else []


def pav(values):
    """pool-adjacent-violators: the non-decreasing sequence nearest to values (equal weights)"""
    blocks = []
    for v in values:
        blocks.append([v, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            v2, n2 = blocks.pop()
            v1, n1 = blocks.pop()
            blocks.append([(v1 * n1 + v2 * n2) / (n1 + n2), n1 + n2])
    out = []
    for v, n in blocks:
        out += [v] * n
    return out


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    data = os.path.join(argv[1], "l40s")
    quant = {}
    for fw, ver in COLLECTIONS:
        q = quant.setdefault(fw, {})
        for name in ("computescale", "scale_matrix"):
            for r in table(os.path.join(data, "quantize", fw, ver, f"{name}_perf.parquet")):
                if r["quant_dtype"] == "fp8":
                    q[(r["m"], r["k"])] = q.get((r["m"], r["k"]), 0.0) + r["latency"]
    pooled = {d: [] for d in PEAK}
    print("skinny GEMMs (M 1-64, weights 96 MB - 2 GB): median stream fraction of 864 GB/s, beside a 4 us kernel gap")
    for fw, ver in COLLECTIONS:
        rows = table(os.path.join(data, "gemm", fw, ver, "gemm_perf.parquet"))
        for d in PEAK:
            stream = []
            for r in rows:
                if r["gemm_dtype"] != d:
                    continue
                m, n, k = r["m"], r["n"], r["k"]
                t = r["latency"] * 1e-3
                if d == "fp8":
                    # SGLang's quantize timing is not its kernel's (see the header): its fp8 rows are left out
                    if fw not in FP8_QUANT_TIMED or (m, k) not in quant[fw]:
                        continue
                    t -= quant[fw][(m, k)] * 1e-3
                w = n * k * WEIGHT_BYTES[d]
                b = w + (m * k + m * n) * 2
                if 1 <= m <= 64 and L2 <= w <= 2e9 and t > KERNEL_GAP_S:
                    stream.append(b / ((t - KERNEL_GAP_S) * BW))
                if m >= 256 and n >= MIN_NK and k >= MIN_NK and b / BW < 0.5 * t and t > RAMP_S:
                    pooled[d].append((2.0 * m * n * k, 2.0 * m * n * k / (t - RAMP_S) / PEAK[d]))
            if stream:
                print(f"  {fw} {ver} {d}: {len(stream)} rows, median {np.median(stream):.3f} (p10 {np.percentile(stream, 10):.3f}, p90 {np.percentile(stream, 90):.3f})")
    print("compute-bound GEMMs (M >= 256, N and K >= 1024), pooled over the three frameworks: median fraction of peak by size")
    for d, pts in pooled.items():
        f = np.array([p[0] for p in pts])
        e = np.array([p[1] for p in pts])
        med = []
        for s in SIZES:
            sel = (f >= s / 10**0.25) & (f <= s * 10**0.25)
            med.append(float(np.median(e[sel])) if sel.any() else float("nan"))
            print(f"  {d} {s:.3g} FLOP: {sel.sum()} rows, median {med[-1]:.3f}")
        print(f"  {d} table: sizes [{', '.join(f'{s:.3g}' for s in SIZES)}]")
        print(f"  {d} table: values [{', '.join(f'{v:.3f}' for v in pav(med))}]")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
