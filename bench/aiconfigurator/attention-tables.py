#!/usr/bin/env python3
"""Recompute runtimes/tensorrt-llm.yaml's measured attention tables from NVIDIA's aiconfigurator database.

    python3 bench/aiconfigurator/attention-tables.py DATA_DIR [PART ...]
    python3 bench/aiconfigurator/attention-tables.py --vllm DATA_DIR [PART ...]
    python3 bench/aiconfigurator/attention-tables.py --sglang DATA_DIR [PART ...]

DATA_DIR is aiconfigurator's systems data folder, aic-core/src/aiconfigurator_core/systems/data, of
ai-dynamo/aiconfigurator at commit 095f58a51 (the commit the YAML cites). Only
DATA_DIR/<system>/attention/trtllm/1.3.0rc20/{context,generation}_attention_perf.parquet are read (TensorRT-LLM
1.3.0rc20, PyTorch backend, collector/trtllm/collect_attn.py; K+V paged cache: the earlier 1.2.0rc5 / 1.3.0rc10 tables
read K only, aiconfigurator issue #1379, and are not used), and for the A100, which has no rc20 collection, the 1.0.0
context table alone (PART_VERSION below). Nothing is downloaded. Needs pyarrow and numpy.
PART (hwperf ids, default all below) limits the output. It prints each part's by_hardware kernels block as YAML.

prefill_attention (context_attention_perf): per row, efficiency = causal FLOPs / (peak x (latency - 4 us)), causal
FLOPs = 2·batch·heads·L(L+1)/2·2·128 (QKᵀ and PV), the 4 us being the per-kernel gap hwperf charges beside the op.
Rows kept: head_dim 128, window_size 0, step 0 (a fresh prompt), batch >= 2, (heads, KV heads) in (64,8) (32,8) (32,4),
attn_dtype == kv_cache_dtype (fp8 = FP8 context FMHA over an fp8 cache, against the fp8 peak; bfloat16 over a bf16
cache, against the bf16 peak), prompt length >= 256. The value at each length is the median over those rows, rounded to
3 digits, then pooled to a non-decreasing sequence (pool-adjacent-violators, pooled means rounded to 3 digits).

decode_attention (generation_attention_perf): latency = fixed + per_sequence_head·batch·KV heads + KV bytes /
(bandwidth·peak bandwidth), KV bytes = batch·(isl + step)·KV heads·128·2 (K and V)·bytes per element, least squares on
relative error (each row weighted by 1/latency) over rows with head_dim 128, window_size 0, beam_width 1,
(heads, KV heads) in (32,8) (64,8) (32,4) (40,8) (16,2) (8,1), KV bytes >= 16 MB, per kv_cache_dtype (fp8 -> kv8,
bfloat16 -> kv16). fixed printed in us (1 decimal), per_sequence_head in ns (1 decimal), bandwidth as a fraction of the
part's peak (3 significant decimals).

Peaks are the parts' dense matrix peaks and HBM bandwidth as hardware/nvidia/<part>.yaml states them.

--vllm: the same tables for runtimes/vllm.yaml's by_hardware blocks, from vLLM's own attention backend as
aiconfigurator's collector/vllm/collect_attn.py times it (the backend vLLM picks on the part: FLASH_ATTN on Ampere and
Hopper, FLASHINFER on Blackwell; KV-cache update (reshape_and_cache) and attention forward together, CUDA graph replay):
DATA_DIR/<system>/attention/vllm/<version>/{context,generation}_attention_perf.parquet, version by part in VLLM_VERSIONS
(the earliest collected there). The vLLM tables have no fp8 context rows with a bf16 peak to read against (attention
runs on a bf16 query over either cache): prefill_attention's bf16 table is the bf16-cache rows against the bf16 peak, its
fp8 table the fp8-cache rows against the fp8 peak (hwperf prices an fp8-cache prompt attention of an fp8 model at the
fp8 peak, src/model/quant.ts attentionDtype).

--sglang: the same for runtimes/sglang.yaml, from SGLang's attention backend as collector/sglang/collect_attn.py times it
(the backend SGLang picks on the part), version 0.5.9 on every part (collected on all four; the older 0.5.6.post2 tables of h100_sxm / h200_sxm read ~8 us more per decode call than 0.5.9 at one sequence, a collector difference not resolved here).
"""
import math
import os
import statistics
import sys

import numpy as np
import pyarrow.parquet as pq

VERSION = "1.3.0rc20"
# hwperf part -> (aiconfigurator system, fp8 TFLOP/s, bf16 TFLOP/s, HBM TB/s), as hardware/nvidia/<part>.yaml
PARTS = {
    "h100-sxm": ("h100_sxm", 1979, 989, 3.35),
    "h200-sxm": ("h200_sxm", 1979, 989, 4.8),
    "b200": ("b200_sxm", 4500, 2250, 8.0),
    "gb200": ("gb200", 5000, 2500, 8.0),
    "gb300": ("gb300", 5000, 2500, 8.0),
    "b300-sxm": ("b300_sxm", 4500, 2250, 8.0),
    "l40s": ("l40s", 733, 362.05, 0.864),
    "a100-sxm4-80gb": ("a100_sxm", None, 312, 2.039),
}
# Parts read differently (see runtimes/tensorrt-llm.yaml beside each block):
#  - l40s: decode fitted on calls of >= 128 MB of KV (below that the 16 MB floor's fit reads 1.36x the 864 GB/s peak:
#    the AD102's L2 holds the cache across the collector's replays); kv8 printed but not used (p90 error ~60%).
#  - a100-sxm4-80gb: only TensorRT-LLM 1.0.0 was collected; its context table is used, its generation table (K-only
#    cache, 1.47x the peak bandwidth when K and V are counted) is not.
PART_VERSION = {"a100-sxm4-80gb": "1.0.0"}
PART_MIN_DECODE_KV_BYTES = {"l40s": 128e6}
# vLLM: hwperf part -> (system, version, fp8 TFLOP/s, bf16 TFLOP/s, HBM TB/s)
VLLM_VERSIONS = {
    "a100-sxm4-80gb": ("a100_sxm", "0.14.0", None, 312, 2.039),
    "h100-sxm": ("h100_sxm", "0.14.0", 1979, 989, 3.35),
    "h200-sxm": ("h200_sxm", "0.14.0", 1979, 989, 4.8),
    "b200": ("b200_sxm", "0.19.0", 4500, 2250, 8.0),
    "l40s": ("l40s", "0.14.0", 733, 362.05, 0.864),
}
SGLANG_VERSIONS = {
    "a100-sxm4-80gb": ("a100_sxm", "0.5.9", None, 312, 2.039),
    "h100-sxm": ("h100_sxm", "0.5.9", 1979, 989, 3.35),
    "h200-sxm": ("h200_sxm", "0.5.9", 1979, 989, 4.8),
    "b200": ("b200_sxm", "0.5.9", 4500, 2250, 8.0),
    "l40s": ("l40s", "0.5.9", 733, 362.05, 0.864),
}
PREFILL_GROUPS = {(64, 8), (32, 8), (32, 4)}
DECODE_GROUPS = {(32, 8), (64, 8), (32, 4), (40, 8), (16, 2), (8, 1)}
KERNEL_GAP_S = 4e-6
MIN_DECODE_KV_BYTES = 16e6
HEAD_DIM = 128


def rows(data, system, table, framework="trtllm", version=VERSION):
    path = os.path.join(data, system, "attention", framework, version, f"{table}.parquet")
    return pq.read_table(path).to_pylist()


def pool_non_decreasing(values):
    blocks = [[v, 1] for v in values]
    j = 0
    while j < len(blocks) - 1:
        if blocks[j][0] > blocks[j + 1][0]:
            a, b = blocks[j], blocks[j + 1]
            blocks[j] = [(a[0] * a[1] + b[0] * b[1]) / (a[1] + b[1]), a[1] + b[1]]
            del blocks[j + 1]
            j = max(j - 1, 0)
        else:
            j += 1
    out = []
    for mean, n in blocks:
        out += [round(mean, 3)] * n
    return out


def prefill_table(context, dtype, peak_tflops, attn_dtype=None):
    by_length = {}
    for x in context:
        if (x["num_heads"], x["num_key_value_heads"]) not in PREFILL_GROUPS:
            continue
        if x["head_dim"] != HEAD_DIM or x.get("window_size", 0) != 0 or x["step"] != 0 or x["batch_size"] < 2:
            continue
        if x["attn_dtype"] != (attn_dtype or dtype) or x["kv_cache_dtype"] != dtype or x["isl"] < 256:
            continue
        length, b, heads = x["isl"], x["batch_size"], x["num_heads"]
        flops = 2 * b * heads * length * (length + 1) / 2 * 2 * HEAD_DIM
        by_length.setdefault(length, []).append(flops / ((x["latency"] * 1e-3 - KERNEL_GAP_S) * peak_tflops * 1e12))
    lengths = sorted(by_length)
    medians = [round(statistics.median(by_length[n]), 3) for n in lengths]
    return lengths, pool_non_decreasing(medians)


def decode_fit(generation, dtype, peak_tb_s):
    elem = 1 if dtype == "fp8" else 2
    X, Y = [], []
    for r in generation:
        group = (r["num_heads"], r["num_key_value_heads"])
        if group not in DECODE_GROUPS or r["head_dim"] != HEAD_DIM or r.get("window_size", 0) != 0 or r["beam_width"] != 1:
            continue
        if r["kv_cache_dtype"] != dtype:
            continue
        kvh, b = group[1], r["batch_size"]
        kv_bytes = b * (r["step"] + r["isl"]) * kvh * HEAD_DIM * 2 * elem
        if kv_bytes < MIN_DECODE_KV_BYTES:
            continue
        X.append([1.0, b * kvh, kv_bytes])
        Y.append(r["latency"] * 1e-3)
    X, Y = np.array(X, float), np.array(Y)
    W = 1 / Y
    coef, *_ = np.linalg.lstsq(X * W[:, None], Y * W, rcond=None)
    rel = np.abs((X @ coef) / Y - 1)
    if not (coef[2] > 0):
        raise SystemExit(f"decode fit: non-positive seconds per KV byte ({coef[2]:.3g}): the data do not give a bandwidth")
    fixed_us, per_head_ns = coef[0] * 1e6, coef[1] * 1e9
    fraction = 1 / coef[2] / 1e12 / peak_tb_s
    return fixed_us, per_head_ns, fraction, len(Y), float(np.median(rel)), float(np.percentile(rel, 90))


def fmt_fraction(f):
    return f"{round(f, 3):g}"


def main_vllm(data, parts, framework="vllm", versions=VLLM_VERSIONS):
    global MIN_DECODE_KV_BYTES
    default_floor = MIN_DECODE_KV_BYTES
    for part in parts or list(versions):
        system, version, fp8, bf16, hbm = versions[part]
        MIN_DECODE_KV_BYTES = PART_MIN_DECODE_KV_BYTES.get(part, default_floor)
        context = rows(data, system, "context_attention_perf", framework, version)
        generation = rows(data, system, "generation_attention_perf", framework, version)
        print(f"  {part}:  # {system} attention/{framework}/{version}")
        print("    kernels:")
        print("      prefill_attention:")
        # fp8: the rows over an fp8 cache (vLLM's collector passes a bf16 query; FlashAttention 3 quantizes it), against the
        # fp8 peak, the peak hwperf prices an fp8-cache prompt attention at (src/model/quant.ts attentionDtype)
        for key, kv, peak in (("fp8", "fp8", fp8), ("bf16", "bfloat16", bf16)):
            if peak is None or not any(r["kv_cache_dtype"] == kv for r in context):
                continue
            lengths, values = prefill_table(context, kv, peak, attn_dtype="bfloat16")
            print(f"        {key}: {{lengths: [{', '.join(map(str, lengths))}], values: [{', '.join(map(str, values))}]}}")
        print("      decode_attention:")
        for key, dtype in (("kv8", "fp8"), ("kv16", "bfloat16")):
            if not any(r["kv_cache_dtype"] == dtype for r in generation):
                continue
            fixed, per_head, fraction, n, med, p90 = decode_fit(generation, dtype, hbm)
            print(f"        {key}: {{fixed: {fixed:.1f} us, per_sequence_head: {per_head:.1f} ns, bandwidth: {fmt_fraction(fraction)}}}"
                  f"  # {n} points, |rel err| median {med * 100:.1f}% p90 {p90 * 100:.1f}%")


def main(argv):
    if len(argv) >= 2 and argv[1] == "--vllm":
        if len(argv) < 3:
            sys.exit(__doc__)
        return main_vllm(argv[2], argv[3:])
    if len(argv) >= 2 and argv[1] == "--sglang":
        if len(argv) < 3:
            sys.exit(__doc__)
        return main_vllm(argv[2], argv[3:], "sglang", SGLANG_VERSIONS)
    if len(argv) < 2:
        sys.exit(__doc__)
    data = argv[1]
    parts = argv[2:] or list(PARTS)
    global MIN_DECODE_KV_BYTES
    default_floor = MIN_DECODE_KV_BYTES
    for part in parts:
        system, fp8, bf16, hbm = PARTS[part]
        version = PART_VERSION.get(part, VERSION)
        MIN_DECODE_KV_BYTES = PART_MIN_DECODE_KV_BYTES.get(part, default_floor)
        context = rows(data, system, "context_attention_perf", version=version)
        generation = rows(data, system, "generation_attention_perf", version=version)
        print(f"  {part}:  # {system} attention/trtllm/{version}")
        print("    kernels:")
        print("      prefill_attention:")
        for key, dtype, peak in (("fp8", "fp8", fp8), ("bf16", "bfloat16", bf16)):
            if peak is None:
                continue
            lengths, values = prefill_table(context, dtype, peak)
            print(f"        {key}: {{lengths: [{', '.join(map(str, lengths))}], values: [{', '.join(map(str, values))}]}}")
        if version != VERSION:
            print(f"      # decode_attention: not used ({version} generation table reads a K-only cache)")
            continue
        print("      decode_attention:")
        for key, dtype in (("kv8", "fp8"), ("kv16", "bfloat16")):
            fixed, per_head, fraction, n, med, p90 = decode_fit(generation, dtype, hbm)
            print(f"        {key}: {{fixed: {fixed:.1f} us, per_sequence_head: {per_head:.1f} ns, bandwidth: {fmt_fraction(fraction)}}}"
                  f"  # {n} points, |rel err| median {med * 100:.1f}% p90 {p90 * 100:.1f}%")


if __name__ == "__main__":
    main(sys.argv)
