#!/usr/bin/env python3
"""How fast skinny (decode-sized) GEMMs stream their weights, from NVIDIA's aiconfigurator database.

    python3 bench/aiconfigurator/gemm-streaming.py DATA_DIR

DATA_DIR is aiconfigurator's systems data folder, aic-core/src/aiconfigurator_core/systems/data, of
ai-dynamo/aiconfigurator at commit 095f58a51. Read: DATA_DIR/<system>/gemm/<framework>/<version>/gemm_perf.parquet
for TensorRT-LLM 1.3.0rc20 (collector/trtllm/collect_gemm.py: the TRT-LLM Linear module, CUDA-graph replays), vLLM 0.19.0
and SGLang 0.5.9 (their collectors, the frameworks' own Linear layers), and for TensorRT-LLM's fp8 rows the two
quantize tables DATA_DIR/<system>/quantize/trtllm/1.3.0rc20/{computescale,scale_matrix}_perf.parquet: the collected fp8
Linear quantizes its bf16 input dynamically, so its GEMM alone is latency - compute_scale - static quantize
(collector/trtllm/collect_computescale.py: compute_scale = dynamic - static quantize). Nothing is downloaded; needs
pyarrow and numpy.

Per part, dtype and framework: latency = fixed + bytes / (fraction x peak HBM bandwidth), bytes = weights + bf16 input
and output rows, least squares on relative error over the rows with M in 1-64 whose weights are at least the part's L2
(so each replay streams them from HBM: the collectors rotate at most 5-6 copies of smaller weights) and at most 2 GB.
Printed first: the median over those rows of bytes / ((latency - 4 us) x peak), the fraction hwperf's
efficiency.gemm_memory_by_dtype states (hwperf charges the 4 us per-kernel cost beside it, src/hardware/efficiency.ts);
then a least-squares fit latency = fixed + bytes / (fraction x peak) on relative error, for M 1-64, 1-8 and 16-64
(the fixed time, rows, median |error|) to show the trend with rows.
"""
import os
import sys

import numpy as np
import pyarrow.parquet as pq

# aiconfigurator system -> (HBM bytes/s, L2 bytes), as hardware/nvidia/<part>.yaml states them
SYSTEMS = {
    "h100_sxm": (3.35e12, 50e6),
    "h200_sxm": (4.8e12, 50e6),
    "b200_sxm": (8e12, 126e6),
    "gb200": (8e12, 126e6),
    "gb300": (8e12, 126e6),
}
FRAMEWORKS = (("trtllm", "1.3.0rc20"), ("vllm", "0.19.0"), ("sglang", "0.5.9"))
WEIGHT_BYTES = {"bfloat16": 2, "fp8": 1}
KERNEL_GAP_S = 4e-6


def table(path):
    return pq.read_table(path).to_pylist() if os.path.exists(path) else None


def median_fraction(points, hbm):
    """median of bytes / ((latency - 4 us) x peak): the fraction hwperf prices with, beside its 4 us per-kernel cost"""
    return float(np.median([b / ((t - KERNEL_GAP_S) * hbm) for b, t in points if t > KERNEL_GAP_S]))


def fit(points, hbm):
    X = np.array([[1.0, b] for b, _ in points])
    Y = np.array([t for _, t in points])
    W = 1 / Y
    c, *_ = np.linalg.lstsq(X * W[:, None], Y * W, rcond=None)
    rel = np.abs((X @ c) / Y - 1)
    return 1 / c[1] / hbm, c[0] * 1e6, float(np.median(rel)), len(Y)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    data = argv[1]
    for system, (hbm, l2) in SYSTEMS.items():
        for fw, ver in FRAMEWORKS:
            rows = table(os.path.join(data, system, "gemm", fw, ver, "gemm_perf.parquet"))
            if rows is None:
                continue
            quant = {}
            if fw == "trtllm":
                for name in ("computescale", "scale_matrix"):
                    for r in table(os.path.join(data, system, "quantize", fw, ver, f"{name}_perf.parquet")) or []:
                        quant[(r["m"], r["k"])] = quant.get((r["m"], r["k"]), 0) + r["latency"] * 1e-3
            for dtype, wb in WEIGHT_BYTES.items():
                by_range = {"M 1-64": [], "M 1-8": [], "M 16-64": []}
                for r in rows:
                    m, n, k = r["m"], r["n"], r["k"]
                    if r["gemm_dtype"] != dtype or not 1 <= m <= 64 or not l2 <= n * k * wb <= 2e9:
                        continue
                    t = r["latency"] * 1e-3 - (quant.get((m, k), 0) if dtype == "fp8" else 0)
                    point = (n * k * wb + m * (k + n) * 2, t)
                    by_range["M 1-64"].append(point)
                    by_range["M 1-8" if m <= 8 else "M 16-64"].append(point)
                if len(by_range["M 1-64"]) < 10:
                    continue
                out = [f"median {median_fraction(by_range['M 1-64'], hbm):.3f}"]
                for label, pts in by_range.items():
                    f, fixed, med, n = fit(pts, hbm)
                    out.append(f"{label} {f:.3f} ({fixed:.1f} us, n {n}, med |err| {med * 100:.1f}%)")
                what = "GEMM only" if dtype == "fp8" and fw == "trtllm" else "Linear"
                print(f"{system:9s} {fw:7s} {ver:10s} {dtype:9s} {what:9s} " + "; ".join(out))


if __name__ == "__main__":
    main(sys.argv)
