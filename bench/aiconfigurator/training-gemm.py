#!/usr/bin/env python3
"""Training-sized GEMM rates by part from NVIDIA's aiconfigurator database: the same collector, software and shapes on
each part, so the ratios between parts are a kernel-level check of the hardware tables.

    python3 bench/aiconfigurator/training-gemm.py DATA_DIR

DATA_DIR is aiconfigurator's systems data folder, aic-core/src/aiconfigurator_core/systems/data, of
ai-dynamo/aiconfigurator at commit 095f58a51. Read: DATA_DIR/<system>/gemm/trtllm/1.3.0rc20/gemm_perf.parquet (the
TensorRT-LLM Linear module under CUDA-graph replay; latency in ms) and, for fp8, DATA_DIR/<system>/quantize/trtllm/
1.3.0rc20/{computescale,scale_matrix}_perf.parquet: the fp8 Linear quantizes its bf16 input dynamically, so the GEMM
alone is latency - compute_scale - static quantize (as bench/aiconfigurator/gemm-streaming.py does). Needs pyarrow and
numpy; downloads nothing.

Printed per part and dtype, for M (tokens) 4096 / 8192 / 16384 over the N, K grid points 4096..16384 (training-layer
shapes: Llama-3.1-405B at TP 4 has N x K of 4608 x 16384, 16384 x 4096, 26624 x 16384, 16384 x 13312): the median
fraction of the part's dense peak (bf16 Linear, fp8 Linear, fp8 GEMM alone), and the largest GEMM of the table
(32768 x 51200 x 51200, ~60-90 ms per call: the clock a long back-to-back matmul settles at). Then the ratios of each
part's fp8-alone median to GB200's. These are the collector's clocks (warm-up, then replays of one shape), not the
power-limited clock of a whole training step; compare parts, not levels.
"""
import os
import sys

import numpy as np
import pyarrow.parquet as pq

# aiconfigurator system -> (bf16 dense peak, fp8 dense peak) in TFLOP/s, as hardware/nvidia/<part>.yaml states them
PEAKS = {
    "h100_sxm": (989.4, 1978.9),
    "h200_sxm": (989.4, 1978.9),
    "b200_sxm": (2250.0, 4500.0),
    "gb200": (2500.0, 5000.0),
    "gb300": (2500.0, 5000.0),
}
VERSION = ("trtllm", "1.3.0rc20")
ROWS = (4096, 8192, 16384)
BIG = (32768, 51200, 51200)


def table(path):
    return pq.read_table(path).to_pylist() if os.path.exists(path) else None


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    data = argv[1]
    fw, ver = VERSION
    alone = {}
    for system, (bf16, fp8) in PEAKS.items():
        gemm = table(os.path.join(data, system, "gemm", fw, ver, "gemm_perf.parquet"))
        if not gemm:
            continue
        quant = {}
        for name in ("computescale", "scale_matrix"):
            for r in table(os.path.join(data, system, "quantize", fw, ver, f"{name}_perf.parquet")) or []:
                if r["quant_dtype"] == "fp8":
                    quant[(r["m"], r["k"])] = quant.get((r["m"], r["k"]), 0.0) + r["latency"]
        lat = {(r["gemm_dtype"], r["m"], r["n"], r["k"]): r["latency"] for r in gemm}
        print(f"{system}")
        for m in ROWS:
            keys = [(n, k) for (d, mm, n, k) in lat if d == "fp8" and mm == m and 4096 <= n <= 16384 and 4096 <= k <= 16384]
            flop = lambda n, k: 2.0 * m * n * k
            fb = [flop(n, k) / (lat[("bfloat16", m, n, k)] * 1e-3) / 1e12 / bf16 for n, k in keys if ("bfloat16", m, n, k) in lat]
            f8 = [flop(n, k) / (lat[("fp8", m, n, k)] * 1e-3) / 1e12 / fp8 for n, k in keys]
            fa = [flop(n, k) / ((lat[("fp8", m, n, k)] - quant[(m, k)]) * 1e-3) / 1e12 / fp8 for n, k in keys if (m, k) in quant]
            alone.setdefault(system, []).append(float(np.median(fa)))
            print(f"  M {m:5d}: {len(keys)} shapes  bf16 Linear {np.median(fb):.3f}  fp8 Linear {np.median(f8):.3f}  fp8 GEMM alone {np.median(fa):.3f}")
        m, n, k = BIG
        for d, peak in (("bfloat16", bf16), ("fp8", fp8)):
            t = lat.get((d, m, n, k))
            if t:
                t_alone = t - (quant.get((m, k), 0.0) if d == "fp8" else 0.0)
                print(f"  {m}x{n}x{k} {d}: {2.0 * m * n * k / (t_alone * 1e-3) / 1e12 / peak:.3f} ({t:.1f} ms)")
    if "gb200" in alone:
        ref = alone["gb200"]
        print("fp8 GEMM alone, median TFLOP/s relative to GB200 at M 4096 / 8192 / 16384:")
        for system, v in alone.items():
            r = [v[i] * PEAKS[system][1] / (ref[i] * PEAKS["gb200"][1]) for i in range(len(ROWS))]
            print(f"  {system}: " + " / ".join(f"{x:.2f}" for x in r))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
