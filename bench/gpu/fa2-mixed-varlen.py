#!/usr/bin/env python3
"""A mixed prefill + decode batch through FlashAttention-2's paged varlen call, as vLLM V1 runs it on SM8x (Ampere,
Ada), against the same rows in two calls (the prefill alone, the decodes alone with max_seqlen_q = 1).

Why: vLLM V1's FLASH_ATTN backend calls flash_attn_varlen_func ONCE for a mixed step (vllm-project/vllm PR #58013).
With a paged KV cache FA2 runs its split-KV kernel with one split and 64-row query tiles (flash_api.cpp mha_varlen_fwd;
flash_fwd_launch_template.h run_mha_fwd_splitkv_dispatch), so each decode row computes a 64-row tile per query head
and reads its KV head once per query head; the packed-GQA, split-KV decode path only runs when max_seqlen_q == 1.
hwperf prices the 64-row tiles at the part's fused-attention rate and the KV once per KV head (runtimes/vllm.yaml
by_architecture ampere, kernels.mixed_decode_tile_rows; src/sim/mixed-decode-tiles.ts): a lower bound. This script
measures the whole effect: the extra device time of the one-call form per GB of the decodes' KV.

Uses vLLM's fork (vllm.vllm_flash_attn, 16-token pages) when importable, else Dao-AILab flash_attn (pages of 256, its
minimum for a block table). CUDA-graph-replayed device time. ~30-60 s on one A100.

usage: python3 bench/gpu/fa2-mixed-varlen.py OUTDIR [--sections mixed]

  mixed  heads (40, 8, 128) Qwen3-14B, (32, 8, 128) Llama-3-8B, (64, 8, 128) Qwen3-32B; one 2048-token prefill chunk
         from an empty cache plus D = 17 / 34 / 68 decode rows at context 1024 / 4096; ms of the one call, of the
         prefill-only call, of the decode-only call, and (one - prefill - decode) per GB of decode KV (bf16)
Writes OUTDIR/fa2-mixed-varlen.json.
"""
from itertools import accumulate

import torch

import common  # bench/gpu/common.py: OUTDIR, the result file, log

RUN = common.Run("hwperf-gpu-fa2-mixed-varlen/1", "fa2-mixed-varlen.json", budget_s=240, indent=1)
RESULT, log = RUN.result, RUN.log

try:
    from vllm.vllm_flash_attn import flash_attn_varlen_func  # vLLM's FA2 fork: 16-token pages

    PAGE, IMPL = 16, "vllm.vllm_flash_attn"
except ImportError:
    from flash_attn import flash_attn_varlen_func  # upstream: a block table needs pages of 256

    PAGE, IMPL = 256, "flash_attn"
RESULT["impl"], RESULT["page"] = IMPL, PAGE
DEV, DT = "cuda", torch.bfloat16


def batch(hq, hkv, hd, prefill, decodes, ctx):
    """q, paged K/V cache, block table and lengths of one step: `prefill` new tokens (empty cache) then `decodes` rows"""
    lens_q = ([prefill] if prefill else []) + [1] * decodes
    lens_k = ([prefill] if prefill else []) + [ctx] * decodes
    pages = [(k + PAGE - 1) // PAGE for k in lens_k]
    n_pages = sum(pages)
    kc = torch.randn(n_pages, PAGE, hkv, hd, device=DEV, dtype=DT)
    vc = torch.randn_like(kc)
    perm = torch.randperm(n_pages, device=DEV, dtype=torch.int32)  # pages scattered, as a serving cache's are
    bt = torch.zeros(len(lens_k), max(pages), device=DEV, dtype=torch.int32)
    at = 0
    for i, p in enumerate(pages):
        bt[i, :p] = perm[at:at + p]
        at += p
    q = torch.randn(sum(lens_q), hq, hd, device=DEV, dtype=DT)
    cu_q = torch.tensor([0, *accumulate(lens_q)], device=DEV, dtype=torch.int32)
    seqused = torch.tensor(lens_k, device=DEV, dtype=torch.int32)
    cu_k = torch.tensor([0, *accumulate(lens_k)], device=DEV, dtype=torch.int32)
    return dict(q=q, k=kc, v=vc, cu_seqlens_q=cu_q, cu_seqlens_k=cu_k, seqused_k=seqused, max_seqlen_q=max(lens_q),
                max_seqlen_k=max(lens_k), block_table=bt)


def call(b):
    kw = dict(b)
    if IMPL == "flash_attn":
        kw.pop("seqused_k")  # upstream takes cu_seqlens_k with a block table
    else:
        kw.pop("cu_seqlens_k")
    return lambda: flash_attn_varlen_func(causal=True, softmax_scale=kw["q"].shape[-1] ** -0.5, **kw)


def mixed():
    rows = []
    for name, hq, hkv, hd in (("qwen3-14b", 40, 8, 128), ("llama-3-8b", 32, 8, 128), ("qwen3-32b", 64, 8, 128)):
        for ctx in (1024, 4096):
            for d in (17, 34, 68):
                if RUN.late():
                    return
                one = common.graph_seconds(call(batch(hq, hkv, hd, 2048, d, ctx)), calls=5)
                pre = common.graph_seconds(call(batch(hq, hkv, hd, 2048, 0, ctx)), calls=5)
                dec = common.graph_seconds(call(batch(hq, hkv, hd, 0, d, ctx)), calls=5)
                kv_gb = d * ctx * hkv * hd * 2 * 2 / 1e9
                r = dict(model=name, heads=hq, kv_heads=hkv, head_dim=hd, decodes=d, ctx=ctx, one_ms=one * 1e3,
                         prefill_ms=pre * 1e3, decode_ms=dec * 1e3, decode_kv_gb=kv_gb,
                         extra_ms_per_gb=(one - pre - dec) * 1e3 / kv_gb)
                log(r)
                rows.append(r)
                RESULT["sections"]["mixed"] = rows
                RUN.save()


if __name__ == "__main__":
    RUN.run_sections([("mixed", mixed)], common.sections("mixed"))
