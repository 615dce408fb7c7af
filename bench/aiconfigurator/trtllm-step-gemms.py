#!/usr/bin/env python3
"""A decoder layer's linears at one step size, as TensorRT-LLM 1.3.0rc20 runs them, from NVIDIA's aiconfigurator database.

    python3 bench/aiconfigurator/trtllm-step-gemms.py DATA_DIR SYSTEM DTYPE ROWS HIDDEN INTERMEDIATE HEADS KV_HEADS [TP]

e.g. ... h200_sxm fp8 14993 4096 14336 32 8          (Llama-3.1-8B, the step of N1590: 882 decodes + 6.9 prompts of 2048)
     ... h200_sxm fp8 192 8192 28672 64 8            (Llama-2-70B at 192 decodes, N3664)
     ... b200_sxm nvfp4 19600 4096 14336 32 8        (Llama-3.1-8B at MLPerf's ~19,600 rows a step, N533)

DATA_DIR is aiconfigurator's systems data folder (aic-core/src/aiconfigurator_core/systems/data of ai-dynamo/aiconfigurator
@095f58a51). Read: DATA_DIR/SYSTEM/gemm/trtllm/1.3.0rc20/gemm_perf.parquet (collector/trtllm/collect_gemm.py: the
TensorRT-LLM Linear module's forward, bf16 input, no AutoTuner pass) and for fp8 the two quantize tables
DATA_DIR/SYSTEM/quantize/trtllm/1.3.0rc20/{computescale,scale_matrix}_perf.parquet (the collected fp8 Linear quantizes its
input dynamically: GEMM alone = Linear - compute_scale - static quantize; gemm-streaming.py's rule). nvfp4 rows hold the
activation's fp4 quantize inside. Shapes off the table's grid: the rate (FLOP/s) interpolated linearly in ROWS and in
log(N), log(K) between the four surrounding grid points; above the largest N (65536, e.g. an LM head) the rate at it.
Prints per linear (qkv, o, gate_up, down) the Linear, and for fp8 the GEMM alone and the static quantize, in ms. Compare with `hwperf simulate ... -v` (an op's time / its count). Needs pyarrow.
"""
import bisect
import math
import os
import sys

import pyarrow.parquet as pq

VERSION = "1.3.0rc20"


def table(data, system, kind, name):
    return pq.read_table(os.path.join(data, system, kind, "trtllm", VERSION, f"{name}.parquet")).to_pylist()


def along(points, x):
    """value at x, linear between the two nearest measured x (the end value held outside, scaled with x above)"""
    xs = sorted(points)
    if x <= xs[0]:
        return points[xs[0]]
    if x >= xs[-1]:
        return points[xs[-1]] * x / xs[-1]
    i = bisect.bisect_left(xs, x)
    if xs[i] == x:
        return points[x]
    a, b = xs[i - 1], xs[i]
    return points[a] + (points[b] - points[a]) * (x - a) / (b - a)


def bracket(values, x):
    v = sorted(values)
    lo = [a for a in v if a <= x]
    hi = [a for a in v if a >= x]
    if not lo:
        return [hi[0]]
    if not hi:
        return [lo[-1]]
    return sorted({lo[-1], hi[0]})


def linear_ms(grid, m, n, k):
    ns = bracket({a for a, _ in grid}, n)
    ks = bracket({b for _, b in grid}, k)
    acc = wsum = 0.0
    for a in ns:
        for b in ks:
            rate = 2 * m * a * b / along(grid[(a, b)], m)
            wa = 1.0 if len(ns) == 1 else 1 - abs(math.log(n / a)) / math.log(ns[1] / ns[0])
            wb = 1.0 if len(ks) == 1 else 1 - abs(math.log(k / b)) / math.log(ks[1] / ks[0])
            acc += wa * wb * math.log(rate)
            wsum += wa * wb
    return 2 * m * n * k / math.exp(acc / wsum)


def quant_ms(rows, m, k):
    by_k = {}
    for r in rows:
        if r["quant_dtype"] == "fp8":
            by_k.setdefault(r["k"], {})[r["m"]] = r["latency"]
    ks = bracket(set(by_k), k)
    return sum(along(by_k[b], m) * k / b for b in ks) / len(ks)


def main(argv):
    if len(argv) < 9:
        sys.exit(__doc__)
    data, system, dtype = argv[1], argv[2], argv[3]
    rows, hidden, inter, heads, kv_heads = (int(a) for a in argv[4:9])
    tp = int(argv[9]) if len(argv) > 9 else 1
    head_dim = hidden // heads
    grids = {}
    for r in table(data, system, "gemm", "gemm_perf"):
        grids.setdefault(r["gemm_dtype"], {}).setdefault((r["n"], r["k"]), {})[r["m"]] = r["latency"]
    shapes = [
        ("qkv_proj", (heads + 2 * kv_heads) * head_dim // tp, hidden),
        ("o_proj", hidden, heads * head_dim // tp),
        ("gate_up", 2 * inter // tp, hidden),
        ("down", hidden, inter // tp),
    ]
    scale = table(data, system, "quantize", "scale_matrix_perf") if dtype == "fp8" else None
    compute = table(data, system, "quantize", "computescale_perf") if dtype == "fp8" else None
    print(f"{system} TensorRT-LLM {VERSION} {dtype}, {rows} rows, per layer (ms)")
    for name, n, k in shapes:
        lin = linear_ms(grids[dtype], rows, n, k)
        if dtype == "fp8":
            s, c = quant_ms(scale, rows, k), quant_ms(compute, rows, k)
            print(f"  {name:9s} N {n:6d} K {k:6d}  Linear {lin:.4f}  GEMM alone {lin - s - c:.4f}  static quantize {s:.4f}")
        else:
            print(f"  {name:9s} N {n:6d} K {k:6d}  Linear {lin:.4f}")


if __name__ == "__main__":
    main(sys.argv)
