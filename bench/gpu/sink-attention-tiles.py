#!/usr/bin/env python3
"""Prefill attention with attention sinks at the tile shape vLLM's Triton unified attention uses for gpt-oss, against
larger tiles and PyTorch SDPA (FlashAttention-2): what fraction of the matrix peak does a 16-row tile reach?

Why: vLLM runs models with attention sinks (gpt-oss) through its Triton unified attention kernel on every NVIDIA part
but Hopper (vllm/platforms/cuda.py: `has_sink and not is_device_capability(90)` -> TRITON_ATTN), and that kernel packs
the GQA group along the query rows with BLOCK_M = 16 when heads / kv_heads <= 16 (vllm/attention/ops/
triton_unified_attention.py: BLOCK_M 16, BLOCK_Q = 16 / 8 = 2 query tokens per program for gpt-oss, TILE_SIZE_PREFILL
32), so every program re-reads the K/V of its whole prefix for two query tokens. hwperf prices prefill attention at the
part's fused-attention fraction (FlashAttention-class tiles). The A100 gpt-oss rows (N1463-N1470, N1863-N1865) grow
~5x faster with prompt length than priced; no kernel timing of this tile shape was found in public sources.

This script times ITS OWN Triton kernel written for this question (not vLLM's code): causal GQA prefill over a paged
bf16 KV cache (16-token pages, as vLLM's default block size), online softmax seeded with a per-head sink, the query
rows of one program = BLOCK_M / G tokens x the G query heads of one KV head, K/V tiles of TILE_N keys. The tile shape
and the per-program K/V re-read are the quantities under test; instruction scheduling differs from vLLM's kernel, so
treat the result as the rate of the tile shape, not of vLLM's kernel. ~60-90 s on one GPU.

usage: python3 bench/gpu/sink-attention-tiles.py OUTDIR [--sections check,tiles,sdpa]

  check  max |error| of the kernel (each config) against a float32 PyTorch reference with sinks, small shapes
  tiles  device ms and TFLOP/s of the kernel at gpt-oss's shape (64 query heads, 8 KV heads, head_dim 64) and a
         Llama-3-8B shape (32 / 8 / 128), configs (BLOCK_M, TILE_N) = (16, 32) [vLLM's for GQA 8], (16, 16),
         (64, 64), (128, 64); a prefill chunk of 2048 query tokens after 0 / 6144 / 30720 cached tokens (vLLM's
         2048-token chunks on A100 reaching 8K and 32K prompts) and one 8192-token chunk after 0 cached
  sdpa   torch SDPA (FlashAttention-2 backend where available; no sinks) on the same heads at 2048 / 8192 / 16384
         tokens, causal, from an empty cache: the fused-attention reference the tiles compare to
Writes OUTDIR/sink-attention-tiles.json (FLOPs counted as 4 x head_dim x heads x visible keys per query).
"""
import math

import torch
import triton
import triton.language as tl

import common  # bench/gpu/common.py: OUTDIR, the result file, log

DEV = "cuda"
PAGE = 16
RUN = common.Run("hwperf-gpu-sink-attention-tiles/1", "sink-attention-tiles.json", budget_s=240, indent=1)
RESULT, log, save = RUN.result, RUN.log, RUN.save
props = torch.cuda.get_device_properties(0)
RESULT["sm_count"] = props.multi_processor_count
RESULT["triton"] = triton.__version__
CONFIGS = [(16, 32), (16, 16), (64, 64), (128, 64)]
SHAPES = {"gpt-oss": (64, 8, 64), "llama-8b": (32, 8, 128)}  # (query heads, kv heads, head_dim)


@triton.jit
def sink_attn_fwd(Q, K, V, O, SINK, BT, sm_scale, n_q_tok, ctx0,
                  KVH: tl.constexpr, G: tl.constexpr, D: tl.constexpr, BLOCK_M: tl.constexpr, TILE_N: tl.constexpr,
                  PAGE_SZ: tl.constexpr, USE_SINK: tl.constexpr):
    # Q, O: [n_q_tok, KVH * G, D]; K, V: paged [pages, PAGE_SZ, KVH, D]; BT: page of each PAGE_SZ keys; SINK: [KVH * G]
    pid_m = tl.program_id(0)
    kvh = tl.program_id(1)
    rows = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    tok = rows // G
    head = kvh * G + rows % G
    row_ok = tok < n_q_tok
    d = tl.arange(0, D)
    q = tl.load(Q + (tok[:, None] * (KVH * G) + head[:, None]) * D + d[None, :], mask=row_ok[:, None], other=0.0)
    if USE_SINK:
        m_i = tl.load(SINK + head).to(tl.float32)
    else:
        m_i = tl.full([BLOCK_M], float("-inf"), tl.float32)
    l_i = tl.full([BLOCK_M], 1.0, tl.float32)  # the sink's own exp(sink - m) = 1 at m = sink; times 0 without one
    acc = tl.zeros([BLOCK_M, D], tl.float32)
    last_tok = tl.minimum(pid_m * BLOCK_M + BLOCK_M - 1, n_q_tok * G - 1) // G
    hi = ctx0 + last_tok + 1  # keys the program's last query row can see (causal: later tiles skipped)
    offs_n = tl.arange(0, TILE_N)
    for start in range(0, hi, TILE_N):
        kpos = start + offs_n
        kmask = kpos < hi
        page = tl.load(BT + kpos // PAGE_SZ, mask=kmask, other=0)
        kaddr = ((page.to(tl.int64) * PAGE_SZ + kpos % PAGE_SZ) * KVH + kvh) * D
        k = tl.load(K + kaddr[None, :] + d[:, None], mask=kmask[None, :], other=0.0)  # [D, TILE_N]
        v = tl.load(V + kaddr[:, None] + d[None, :], mask=kmask[:, None], other=0.0)  # [TILE_N, D]
        s = tl.dot(q, k) * sm_scale
        visible = (kpos[None, :] <= (ctx0 + tok)[:, None]) & row_ok[:, None]
        s = tl.where(visible, s, float("-inf"))
        m_j = tl.maximum(m_i, tl.max(s, 1))
        m_j = tl.where(m_j > float("-inf"), m_j, 0.0)
        p = tl.exp(s - m_j[:, None])
        alpha = tl.exp(m_i - m_j)
        l_i = l_i * alpha + tl.sum(p, 1)
        acc = acc * alpha[:, None] + tl.dot(p.to(v.dtype), v)
        m_i = m_j
    acc = acc / l_i[:, None]
    tl.store(O + (tok[:, None] * (KVH * G) + head[:, None]) * D + d[None, :], acc.to(O.dtype.element_ty),
             mask=row_ok[:, None])


def make(heads, kvh, hd, n_q, ctx0, dtype=torch.bfloat16, device=DEV, shuffle=True):
    """random q [n_q, heads, hd], a paged K/V cache of ctx0 + n_q keys (pages in shuffled order), sinks [heads]"""
    n_k = ctx0 + n_q
    pages = (n_k + PAGE - 1) // PAGE
    g = torch.Generator(device="cpu").manual_seed(0)
    q = torch.randn(n_q, heads, hd, generator=g).to(device, dtype)
    k = torch.randn(pages, PAGE, kvh, hd, generator=g).to(device, dtype)
    v = torch.randn(pages, PAGE, kvh, hd, generator=g).to(device, dtype)
    bt = (torch.randperm(pages, generator=g) if shuffle else torch.arange(pages)).to(device, torch.int32)
    sink = torch.randn(heads, generator=g).to(device, torch.float32)
    return q, k, v, bt, sink


def launch(q, k, v, bt, sink, ctx0, block_m, tile_n, out, use_sink=True):
    n_q, heads, hd = q.shape
    kvh = k.shape[2]
    grid = (triton.cdiv(n_q * (heads // kvh), block_m), kvh)
    sink_attn_fwd[grid](q, k, v, out, sink, bt, 1.0 / math.sqrt(hd), n_q, ctx0, KVH=kvh, G=heads // kvh, D=hd,
                        BLOCK_M=block_m, TILE_N=tile_n, PAGE_SZ=PAGE, USE_SINK=use_sink, num_warps=4)
    return out


def reference(q, k, v, bt, sink, ctx0):
    """float32: softmax over [q.k for visible keys, sink] (the sink takes probability mass, adds no value)"""
    n_q, heads, hd = q.shape
    kvh = k.shape[2]
    n_k = ctx0 + n_q
    kk = k[bt.long()].reshape(-1, kvh, hd)[:n_k].float().repeat_interleave(heads // kvh, dim=1)  # [n_k, heads, hd]
    vv = v[bt.long()].reshape(-1, kvh, hd)[:n_k].float().repeat_interleave(heads // kvh, dim=1)
    s = torch.einsum("qhd,khd->hqk", q.float(), kk) / math.sqrt(hd)
    pos_q = ctx0 + torch.arange(n_q, device=q.device)
    s = s.masked_fill(torch.arange(n_k, device=q.device)[None, None, :] > pos_q[None, :, None], float("-inf"))
    s = torch.cat([s, sink[:, None, None].expand(heads, n_q, 1)], dim=2)
    p = torch.softmax(s, dim=2)[:, :, :n_k]
    return torch.einsum("hqk,khd->qhd", p, vv)


def flops(heads, hd, n_q, ctx0):
    visible = n_q * ctx0 + n_q * (n_q + 1) / 2
    return 4.0 * hd * heads * visible


def timed(fn, reps=10):
    return common.cuda_seconds(fn, reps, warm=1)


def check():
    rows = []
    for name, (heads, kvh, hd) in SHAPES.items():
        for ctx0 in (0, 100):
            q, k, v, bt, sink = make(heads, kvh, hd, 77, ctx0)
            ref = reference(q, k, v, bt, sink, ctx0)
            for bm, tn in CONFIGS:
                out = torch.empty_like(q)
                launch(q, k, v, bt, sink, ctx0, bm, tn, out)
                err = (out.float() - ref).abs().max().item()
                rows.append({"shape": name, "ctx0": ctx0, "block_m": bm, "tile_n": tn, "max_abs_err": err})
                log("check", name, ctx0, bm, tn, "%.4f" % err)
    RESULT["sections"]["check"] = rows
    save()


def tiles():
    rows = []
    cases = [(2048, 0), (2048, 6144), (2048, 30720), (8192, 0)]
    for name, (heads, kvh, hd) in SHAPES.items():
        for n_q, ctx0 in cases:
            if RUN.late():
                break
            q, k, v, bt, sink = make(heads, kvh, hd, n_q, ctx0)
            out = torch.empty_like(q)
            f = flops(heads, hd, n_q, ctx0)
            for bm, tn in CONFIGS:
                t = timed(lambda: launch(q, k, v, bt, sink, ctx0, bm, tn, out))
                rows.append({"shape": name, "n_q": n_q, "ctx0": ctx0, "block_m": bm, "tile_n": tn, "ms": t * 1e3,
                             "tflops": f / t / 1e12})
                log("tiles", name, n_q, ctx0, bm, tn, "%.3f ms %.1f TFLOP/s" % (t * 1e3, f / t / 1e12))
            RESULT["sections"]["tiles"] = rows
            save()
            del q, k, v, out


def sdpa():
    import torch.nn.functional as F
    rows = []
    for name, (heads, kvh, hd) in SHAPES.items():
        for n in (2048, 8192, 16384):
            g = torch.Generator(device="cpu").manual_seed(0)
            q = torch.randn(1, heads, n, hd, generator=g).to(DEV, torch.bfloat16)
            k = torch.randn(1, heads, n, hd, generator=g).to(DEV, torch.bfloat16)
            v = torch.randn(1, heads, n, hd, generator=g).to(DEV, torch.bfloat16)
            t = timed(lambda: F.scaled_dot_product_attention(q, k, v, is_causal=True))
            f = flops(heads, hd, n, 0)
            rows.append({"shape": name, "n": n, "ms": t * 1e3, "tflops": f / t / 1e12})
            log("sdpa", name, n, "%.3f ms %.1f TFLOP/s" % (t * 1e3, f / t / 1e12))
            del q, k, v
    RESULT["sections"]["sdpa"] = rows
    save()


if __name__ == "__main__":
    RUN.run_sections([("check", check), ("tiles", tiles), ("sdpa", sdpa)], common.sections("check,tiles,sdpa"))
