#!/usr/bin/env python3
"""TensorRT-LLM's weight-only int4 GEMM by row count (runtimes/tensorrt-llm.yaml by_hardware h200-sxm w4a16_stream).

Reads aiconfigurator's H200 GEMM table of TensorRT-LLM 1.2.0rc5 (gemm_perf.parquet: gemm_dtype int4_wo and bfloat16,
the engine flow's WeightOnlyQuantMatmul plugin) and fits, at each row count M, t = fixed + weight bytes / (bandwidth x
peak) over every shape with at least 4 MB of int4 weights (n, k >= 1024), by least squares. Prints fixed (us), bandwidth
(fraction of the part's peak) and the median relative error. bf16 is fitted the same way as a check: its fixed time and
bandwidth are the part's kernel gap and STREAM share, which hwperf already charges.

usage: python3 bench/aiconfigurator/w4a16-stream.py <aiconfigurator>/aic-core/src/aiconfigurator_core/systems/data [part] [peak_TB/s]
"""
import sys
import pyarrow.parquet as pq

data = sys.argv[1]
part = sys.argv[2] if len(sys.argv) > 2 else 'h200_sxm'
peak = float(sys.argv[3]) * 1e12 if len(sys.argv) > 3 else 4.8e12
rows = pq.read_table(f'{data}/{part}/gemm/trtllm/1.2.0rc5/gemm_perf.parquet').to_pylist()

for dtype, bytes_per_weight in (('int4_wo', 0.5), ('bfloat16', 2.0)):
    print(dtype)
    for m in (1, 2, 4, 8, 16, 32, 64, 128, 256):
        pts = [(r['n'] * r['k'] * bytes_per_weight, r['latency'] * 1e-3) for r in rows
               if r['gemm_dtype'] == dtype and r['m'] == m and r['n'] * r['k'] / 2 >= 4e6 and r['n'] >= 1024 and r['k'] >= 1024]
        n = len(pts)
        mx = sum(p[0] for p in pts) / n
        my = sum(p[1] for p in pts) / n
        slope = sum((p[0] - mx) * (p[1] - my) for p in pts) / sum((p[0] - mx) ** 2 for p in pts)
        fixed = my - slope * mx
        rel = sorted(abs(p[1] - (fixed + slope * p[0])) / p[1] for p in pts)
        print(f'  M={m:4d} shapes={n:3d} fixed={fixed * 1e6:5.1f} us bandwidth={1 / slope / peak:.3f} median error={rel[n // 2]:.3f}')
