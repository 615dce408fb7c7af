#!/usr/bin/env python3
"""vLLM's custom all-reduce per call, by message size and group, from NVIDIA's aiconfigurator database.

    python3 bench/aiconfigurator/vllm-allreduce-tables.py DATA_DIR [PART ...]

DATA_DIR is aiconfigurator's systems data folder, aic-core/src/aiconfigurator_core/systems/data, of
ai-dynamo/aiconfigurator at commit 095f58a51. Read: DATA_DIR/<system>/comm/vllm/<version>/custom_allreduce_perf.parquet
for every vLLM version collected on the part (collector/network/collect_all_reduce.py --backend vllm: vLLM's
tensor_model_parallel_all_reduce on bf16 tensors of message_size elements, 5 calls captured in one CUDA graph inside
vLLM's graph_capture context, replayed and timed by CUDA events; the rows of backend vllm_graph are used, the eager ones
not). Nothing is downloaded; needs pyarrow.

Single collections carry outliers (H200 8 GPUs, 0.14.0: 43.9 us at 1 MiB where 0.19.0 reads 14.1; A100 8 GPUs: 14.8 us
at 4 KiB between 5.6 and 6.3), so each point is the median over the versions collected on the part (h100_sxm and h200_sxm
0.14.0 / 0.19.0 / 0.24.0 where present, b200_sxm 0.19.0 / 0.24.0, a100_sxm 0.14.0 only), and a point above 1.5x both
its neighbours is replaced by the larger neighbour.

Printed per part: runtimes/vllm.yaml's by_hardware collectives.custom_allreduce block, seconds per call at the sizes
(bytes) below, the largest measured group as `seconds` (max_group) and the smaller ones as `by_group`; messages of
8 MiB and more are left out (vLLM's custom all-reduce takes messages below its 8 MiB buffer, custom_all_reduce.py
should_custom_ar; larger ones go to NCCL, which the hardware prices). A bigger message or a bigger group never prices
a call cheaper: running maximum by size within each group, then across groups at each size. Times in us to 0.1.
"""
import os
import statistics
import sys

import pyarrow.parquet as pq

SYSTEMS = {"a100-sxm4-80gb": "a100_sxm", "h100-sxm": "h100_sxm", "h200-sxm": "h200_sxm", "b200": "b200_sxm"}
SIZES = [2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4194304]


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    data = argv[1]
    for part in argv[2:] or list(SYSTEMS):
        system = SYSTEMS[part]
        base = os.path.join(data, system, "comm", "vllm")
        versions = sorted(v for v in os.listdir(base) if os.path.exists(os.path.join(base, v, "custom_allreduce_perf.parquet")))
        by = {}
        for version in versions:
            for r in pq.read_table(os.path.join(base, version, "custom_allreduce_perf.parquet")).to_pylist():
                if r["backend"] != "vllm_graph" or r["allreduce_dtype"] != "bfloat16":
                    continue
                by.setdefault(r["num_gpus"], {}).setdefault(r["message_size"] * 2, []).append(r["latency"] * 1e-3)
        groups = sorted(by)
        table = {}
        for g in groups:
            med = [statistics.median(by[g][s]) for s in SIZES]
            clean = [
                max(med[i - 1], med[i + 1]) if 0 < i < len(med) - 1 and med[i] > 1.5 * max(med[i - 1], med[i + 1]) else med[i]
                for i in range(len(med))
            ]
            run, out = 0.0, []
            for v in clean:
                run = max(run, v)
                out.append(run)
            table[g] = out
        for i in range(1, len(groups)):
            table[groups[i]] = [max(a, b) for a, b in zip(table[groups[i]], table[groups[i - 1]])]
        fmt = lambda v: "[" + ", ".join(f"{round(x * 1e6, 1)}e-6" for x in v) + "]"
        print(f"  {part}:  # {system} comm/vllm/{' '.join(versions)}, groups {groups}")
        print("    collectives:")
        print("      custom_allreduce:")
        print(f"        sizes: {SIZES}")
        print(f"        seconds: {fmt(table[groups[-1]])}")
        print(f"        max_group: {groups[-1]}")
        if len(groups) > 1:
            print("        by_group:")
            for g in groups[:-1]:
                print(f"          {g}: {fmt(table[g])}")


if __name__ == "__main__":
    main(sys.argv)
