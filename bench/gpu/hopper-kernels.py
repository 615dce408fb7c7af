#!/usr/bin/env python3
"""Kernel micro-benchmarks on an NVIDIA GPU through PyTorch: the kernel-level evidence behind hwperf's Hopper
efficiencies (bench/gpu/README.md says what each section measures and what was found on an H200).

usage: python3 bench/gpu/hopper-kernels.py OUTDIR [--sections gemm,grouped,attention,elementwise,launch,stdit3]

Every timing is of kernels alone unless named "eager": the ops are captured in a CUDA graph and the graph is
replayed (events around the replays), with inputs rotated over enough copies to exceed the L2 several times, so
weights stream from HBM as they do in a model. Inputs are random (never zeros). Results go to OUTDIR/kernels.json
(written after each section, so a run cut short keeps what it finished) and OUTDIR/stdit3.json.
"""
import json
import math
import os
import time

import torch
import torch.nn.functional as F

import common  # bench/gpu/common.py: OUTDIR, --sections, the result file, log, time budget, section runner

SECTIONS = common.sections("gemm,grouped,attention,elementwise,launch,stdit3")
DEV = "cuda"
torch.backends.cuda.matmul.allow_tf32 = False
props = torch.cuda.get_device_properties(0)
L2 = getattr(props, "L2_cache_size", 50 * 2 ** 20)
# sections past the budget are skipped; loops stop early
RUN = common.Run("hwperf-gpu-kernels/1", "kernels.json", float(os.environ.get("HOPPER_KERNELS_BUDGET_S", "330")),
                 sms=props.multi_processor_count, l2_bytes=L2, memory_bytes=props.total_memory)
OUT, RESULT, log, save, late = RUN.out, RUN.result, RUN.log, RUN.save, RUN.late


def copies_for(nbytes):
    """How many copies of an operand set keep a rotation well beyond the L2 (4x), capped at 64."""
    return max(1, min(64, math.ceil(4 * L2 / max(nbytes, 1))))


def graph_time(fns, reps=None, min_ms=20.0):
    """Seconds per call of each fn in fns (a list of thunks over rotating inputs), kernels only: the list is
    captured once into a CUDA graph and replayed; the result is replay time / len(fns)."""
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for f in fns:  # warm-up (cuBLAS heuristics, workspace) outside the capture
            f()
    torch.cuda.current_stream().wait_stream(s)
    torch.cuda.synchronize()
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        for f in fns:
            f()
    g.replay()
    torch.cuda.synchronize()
    e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    e0.record(); g.replay(); e1.record(); torch.cuda.synchronize()
    one = e0.elapsed_time(e1)
    n = reps or max(3, min(200, int(min_ms / max(one, 1e-3))))
    times = []
    for _ in range(3):
        e0.record()
        for _ in range(n):
            g.replay()
        e1.record()
        torch.cuda.synchronize()
        times.append(e0.elapsed_time(e1) / n / len(fns) / 1e3)
    del g
    return sorted(times)[1]


def eager_time(fn, n=200):
    """Seconds per call in an eager Python loop (host dispatch included): what an eager pipeline pays."""
    for _ in range(5):
        fn()
    torch.cuda.synchronize()
    t = time.perf_counter()
    for _ in range(n):
        fn()
    torch.cuda.synchronize()
    return (time.perf_counter() - t) / n



def kernel_profile(fn):
    """Device time and count per kernel name of one call of fn (torch.profiler, CUDA activity)."""
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        fn()
        torch.cuda.synchronize()
    kern = {}
    for ev in prof.key_averages():
        dt = getattr(ev, "device_time_total", None) or getattr(ev, "cuda_time_total", 0)
        if dt and ev.count:
            # kernels whose names share the first 160 characters (template instances) are summed, not overwritten
            e = kern.setdefault(ev.key[:160], {"count": 0, "device_us": 0.0})
            e["count"] += ev.count
            e["device_us"] += dt
    return kern


# ---------------------------------------------------------------------------------------------------------- GEMM
def sec_gemm():
    rows = []
    NK = [(4096, 4096), (14336, 4096), (4096, 14336), (8192, 8192), (28672, 8192), (8192, 28672),
          (1152, 1152), (4608, 1152), (1152, 4608)]
    MS = [1, 4, 16, 64, 128, 256, 1024, 2048, 4096, 8192, 16384]
    one = torch.tensor(1.0, device=DEV)
    for n, k in NK:
        if late():
            log("gemm: budget spent, stopping before n=%d k=%d" % (n, k))
            break
        for m in MS:
            for kind in ("bf16", "fp8_fast", "fp8_split"):
                if kind != "bf16" and m % 16:
                    continue
                if m * n * k * 2 > 8e12:  # keep one replay list short
                    continue
                try:
                    esz = 2 if kind == "bf16" else 1
                    c = copies_for((m * k + k * n) * esz)
                    if kind == "bf16":
                        As = [torch.randn(m, k, device=DEV, dtype=torch.bfloat16) for _ in range(c)]
                        Bs = [torch.randn(n, k, device=DEV, dtype=torch.bfloat16) for _ in range(c)]
                        fns = [(lambda a=a, b=b: torch.matmul(a, b.t())) for a, b in zip(As, Bs)]
                    else:
                        fast = kind == "fp8_fast"
                        As = [torch.randn(m, k, device=DEV).to(torch.float8_e4m3fn) for _ in range(c)]
                        Bs = [torch.randn(n, k, device=DEV).to(torch.float8_e4m3fn) for _ in range(c)]
                        fns = [(lambda a=a, b=b: torch._scaled_mm(a, b.t(), scale_a=one, scale_b=one, out_dtype=torch.bfloat16,
                                                                   use_fast_accum=fast)) for a, b in zip(As, Bs)]
                    t = graph_time(fns)
                    byts = (m * k + k * n) * esz + m * n * 2
                    rows.append({"kind": kind, "m": m, "n": n, "k": k, "seconds": t, "flops_per_s": 2.0 * m * n * k / t,
                                 "bytes_per_s": byts / t, "copies": c})
                    del As, Bs, fns
                except Exception as e:
                    rows.append({"kind": kind, "m": m, "n": n, "k": k, "error": str(e)[:200]})
        log("gemm n=%d k=%d done" % (n, k))
        RESULT["sections"]["gemm"] = rows
        save()
        torch.cuda.empty_cache()


# ------------------------------------------------------------------------------------------------ grouped GEMM (MoE)
def sec_grouped():
    rows = []
    SHAPES = [("qwen3-30b-a3b", 2048, 768), ("deepseek-v3", 7168, 2048), ("gpt-oss-120b", 2880, 2880),
              ("mixtral-8x7b", 4096, 14336)]
    for name, d, f in SHAPES:
        if late():
            log("grouped: budget spent, stopping before %s" % name)
            break
        for E in (8, 32, 128):
            if name == "mixtral-8x7b" and E > 8:
                continue
            for t in (1, 4, 16, 64, 256, 1024):
                tp = max(16, (t + 15) // 16 * 16)  # torchtitan pads each expert's rows to 16 (ALIGN_SIZE_M)
                for kind in ("grouped_mm", "loop_matmul"):
                    if kind == "loop_matmul" and E > 32:
                        continue
                    try:
                        wbytes = E * d * f * 2
                        c = copies_for(wbytes + E * tp * d * 2)
                        Ws = [torch.randn(E, f, d, device=DEV, dtype=torch.bfloat16) for _ in range(c)]  # [E, N, K]
                        if kind == "grouped_mm":
                            Xs = [torch.randn(E * tp, d, device=DEV, dtype=torch.bfloat16) for _ in range(c)]
                            offs = torch.arange(1, E + 1, device=DEV, dtype=torch.int32) * tp
                            fns = [(lambda x=x, w=w: torch._grouped_mm(x, w.transpose(-2, -1), offs=offs)) for x, w in zip(Xs, Ws)]
                        else:
                            Xs = [torch.randn(E, t, d, device=DEV, dtype=torch.bfloat16) for _ in range(c)]
                            fns = [(lambda x=x, w=w: [torch.matmul(x[e], w[e].t()) for e in range(E)]) for x, w in zip(Xs, Ws)]
                        sec = graph_time(fns)
                        useful = 2.0 * E * t * d * f
                        rows.append({"model": name, "kind": kind, "experts": E, "tokens_per_expert": t, "padded_rows": tp if kind == "grouped_mm" else t,
                                     "d": d, "f": f, "seconds": sec, "useful_flops_per_s": useful / sec, "weight_bytes_per_s": wbytes / sec})
                        del Ws, Xs, fns
                    except Exception as e:
                        rows.append({"model": name, "kind": kind, "experts": E, "tokens_per_expert": t, "d": d, "f": f, "error": str(e)[:200]})
            torch.cuda.empty_cache()
        log("grouped %s done" % name)
        RESULT["sections"]["grouped"] = rows
        save()


# ------------------------------------------------------------------------------------------------------- attention
def sdpa_case(b, hq, hkv, sq, skv, d, causal, backend, dtype=torch.bfloat16):
    from torch.nn.attention import SDPBackend, sdpa_kernel
    be = {"flash": SDPBackend.FLASH_ATTENTION, "efficient": SDPBackend.EFFICIENT_ATTENTION,
          "cudnn": SDPBackend.CUDNN_ATTENTION, "math": SDPBackend.MATH}[backend]
    qb = b * hq * sq * d * 2
    c = copies_for(qb + 2 * b * hkv * skv * d * 2)
    Q = [torch.randn(b, hq, sq, d, device=DEV, dtype=dtype) for _ in range(c)]
    K = [torch.randn(b, hkv, skv, d, device=DEV, dtype=dtype) for _ in range(c)]
    V = [torch.randn(b, hkv, skv, d, device=DEV, dtype=dtype) for _ in range(c)]
    gqa = hq != hkv

    def run(q, k, v):
        with sdpa_kernel([be]):
            return F.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=gqa)
    fns = [(lambda q=q, k=k, v=v: run(q, k, v)) for q, k, v in zip(Q, K, V)]
    t = graph_time(fns)
    pairs = b * hq * (sq * skv - (sq * (sq - 1) / 2 if causal and sq == skv else 0))
    flops = 4.0 * pairs * d
    byts = (2 * b * hq * sq * d + 2 * b * hkv * skv * d) * 2
    return {"batch": b, "heads": hq, "kv_heads": hkv, "q_len": sq, "kv_len": skv, "head_dim": d, "causal": causal,
            "backend": backend, "seconds": t, "flops_per_s": flops / t, "bytes_per_s": byts / t}


def written_out_attention(bh, s, d, dtype=torch.bfloat16):
    """Open-Sora's non-flash Attention path: (q*scale) @ kᵀ, .float(), softmax, .to(bf16), @ v (blocks.py)."""
    c = copies_for(3 * bh * s * d * 2 + bh * s * s * 6)
    Q = [torch.randn(bh, s, d, device=DEV, dtype=dtype) for _ in range(c)]
    K = [torch.randn(bh, s, d, device=DEV, dtype=dtype) for _ in range(c)]
    V = [torch.randn(bh, s, d, device=DEV, dtype=dtype) for _ in range(c)]
    sc = d ** -0.5

    def run(q, k, v):
        a = (q * sc) @ k.transpose(-2, -1)
        a = a.to(torch.float32).softmax(dim=-1).to(dtype)
        return a @ v
    fns = [(lambda q=q, k=k, v=v: run(q, k, v)) for q, k, v in zip(Q, K, V)]
    t = graph_time(fns)
    return {"batch_heads": bh, "seq": s, "head_dim": d, "backend": "written_out", "seconds": t,
            "flops_per_s": 4.0 * bh * s * s * d / t, "eager_seconds": eager_time(lambda: run(Q[0], K[0], V[0]), 50)}


def sec_attention():
    rows = []
    cases = []
    for s in (512, 1024, 2048, 4096, 8192, 16384, 32768):
        cases.append((1, 32, 8, s, s, 128, True, "flash"))
        cases.append((1, 32, 8, s, s, 128, True, "cudnn"))
    for s in (1024, 4096):
        cases.append((4, 16, 16, s, s, 128, False, "flash"))
        cases.append((4, 16, 16, s, s, 128, False, "efficient"))
    # Open-Sora spatial (B*T, 16 heads, S=3600, d=72) at 720p; 480p S=1590
    for S, BT in ((3600, 30), (1590, 30)):
        for be in ("flash", "efficient", "cudnn"):
            cases.append((BT, 16, 16, S, S, 72, False, be))
    # Open-Sora cross-attention: queries of one sample's tokens against its 300 caption tokens (per sample)
    cases.append((2, 16, 16, 54000, 300, 72, False, "efficient"))
    cases.append((2, 16, 16, 54000, 300, 72, False, "flash"))
    # whisper encoder (large: 20 heads d64, 1500) and decode-like q=1
    cases.append((1, 20, 20, 1500, 1500, 64, False, "flash"))
    for b, kv in ((1, 4096), (64, 4096), (64, 1024), (256, 2048)):
        cases.append((b, 32, 8, 1, kv, 128, False, "flash"))
        cases.append((b, 32, 8, 1, kv, 128, False, "efficient"))
    for cs in cases:
        try:
            rows.append(sdpa_case(*cs))
        except Exception as e:
            rows.append({"case": list(cs), "error": str(e)[:200]})
        torch.cuda.empty_cache()
    # Open-Sora temporal blocks: written-out attention over T latent frames at every position
    for bh, s in ((2 * 3600 * 16, 15), (2 * 1590 * 16, 15), (2 * 3600 * 16, 30), (2 * 3600 * 16, 60)):
        try:
            rows.append(written_out_attention(bh, s, 72))
        except Exception as e:
            rows.append({"case": [bh, s, 72, "written_out"], "error": str(e)[:200]})
        torch.cuda.empty_cache()
    log("attention done")
    RESULT["sections"]["attention"] = rows
    save()


# ------------------------------------------------------------------------------------- eager elementwise / norms
def llama_rmsnorm(x, w, eps=1e-6):
    dt = x.dtype
    h = x.to(torch.float32)
    var = h.pow(2).mean(-1, keepdim=True)
    h = h * torch.rsqrt(var + eps)
    return w * h.to(dt)


def sec_elementwise():
    rows = []
    for numel in (2 ** 16, 2 ** 20, 2 ** 22, 2 ** 24, 2 ** 26, 2 ** 28):
        rowsz = 1152
        r = max(1, numel // rowsz)
        numel = r * rowsz
        c = copies_for(numel * 2 * 3)
        X = [torch.randn(r, rowsz, device=DEV, dtype=torch.bfloat16) for _ in range(c)]
        Y = [torch.randn(r, rowsz, device=DEV, dtype=torch.bfloat16) for _ in range(c)]
        XT = [torch.randn(rowsz, r, device=DEV, dtype=torch.bfloat16).t() for _ in range(c)]  # channels-first view
        w = torch.randn(rowsz, device=DEV, dtype=torch.bfloat16)
        hw = torch.randn(72, device=DEV, dtype=torch.bfloat16)
        ops = {
            "add": (lambda i: X[i] + Y[i], 3),
            "mul_scalar": (lambda i: X[i] * 1.5, 2),
            "gelu_tanh": (lambda i: F.gelu(X[i], approximate="tanh"), 2),
            "layer_norm": (lambda i: F.layer_norm(X[i], (rowsz,), eps=1e-6), 2),
            "t2i_modulate": (lambda i: X[i] * (1 + w) + w, 2),  # two kernels: x*(1+scale), + shift
            "rmsnorm_llama_headdim72": (lambda i: llama_rmsnorm(X[i].view(-1, 72), hw), 2),
            "softmax_fp32_from_bf16": (lambda i: X[i].float().softmax(-1).to(torch.bfloat16), 2),
            "contiguous_from_transposed": (lambda i: XT[i].contiguous(), 2),
            "where_select": (lambda i: torch.where(X[i] > 0, X[i], Y[i]), 3),
        }
        for name, (fn, acc) in ops.items():
            try:
                t = graph_time([(lambda i=i: fn(i)) for i in range(c)])
                te = eager_time(lambda: fn(0), 50 if numel >= 2 ** 26 else 200)
                rows.append({"op": name, "numel": numel, "min_accesses": acc, "seconds": t, "eager_seconds": te,
                             "bytes_per_s": acc * numel * 2 / t})
            except Exception as e:
                rows.append({"op": name, "numel": numel, "error": str(e)[:200]})
        del X, Y, XT
        torch.cuda.empty_cache()
    RESULT["sections"]["elementwise"] = rows
    log("elementwise done")
    save()


def sec_launch():
    x = torch.randn(1024, device=DEV)
    n = 2000
    eager = eager_time(lambda: x.add_(1.0), n)
    g = graph_time([(lambda: x.add_(1.0)) for _ in range(200)])
    y = torch.randn(64, 64, device=DEV, dtype=torch.bfloat16)
    mm_eager = eager_time(lambda: y @ y, n)
    mm_graph = graph_time([(lambda: y @ y) for _ in range(200)])
    lin = torch.nn.Linear(64, 64, device=DEV, dtype=torch.bfloat16)
    lin_eager = eager_time(lambda: lin(y), n)
    ln_eager = eager_time(lambda: F.layer_norm(y, (64,)), n)
    RESULT["sections"]["launch"] = {"tiny_add_eager_s": eager, "tiny_add_graph_s": g, "tiny_mm_eager_s": mm_eager,
                                    "tiny_mm_graph_s": mm_graph, "tiny_linear_eager_s": lin_eager, "tiny_layernorm_eager_s": ln_eager}
    log("launch", RESULT["sections"]["launch"])
    save()


# ------------------------------------------------------------------------------------- Open-Sora STDiT3 block
class Attn(torch.nn.Module):
    def __init__(s, d, h, rope, flash):
        super().__init__()
        s.h, s.hd = h, d // h
        s.qkv = torch.nn.Linear(d, 3 * d, bias=True)
        s.qn = torch.nn.RMSNorm(s.hd, eps=1e-6)  # weights only; the LlamaRMSNorm chain is written out below
        s.kn = torch.nn.RMSNorm(s.hd, eps=1e-6)
        s.proj = torch.nn.Linear(d, d)
        s.rope, s.flash = rope, flash
        f = 1.0 / (10000 ** (torch.arange(0, s.hd, 2).float() / s.hd))
        s.register_buffer("freqs", f)

    def rot(s, x):  # rotary over the sequence axis (-2), as rotary_embedding_torch rotate_queries_or_keys
        n = x.shape[-2]
        t = torch.arange(n, device=x.device, dtype=torch.float32)
        fr = torch.outer(t, s.freqs.float()).repeat_interleave(2, -1)
        cos, sin = fr.cos().to(x.dtype), fr.sin().to(x.dtype)
        x1, x2 = x.unflatten(-1, (-1, 2)).unbind(-1)
        rh = torch.stack((-x2, x1), -1).flatten(-2)
        return x * cos + rh * sin

    def forward(s, x):
        B, N, C = x.shape
        qkv = s.qkv(x).view(B, N, 3, s.h, s.hd).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        q, k = llama_rmsnorm(q, s.qn.weight.to(q.dtype)), llama_rmsnorm(k, s.kn.weight.to(k.dtype))
        if s.rope:
            q, k = s.rot(q), s.rot(k)
        if s.flash and N > B:
            x = F.scaled_dot_product_attention(q, k, v)  # Open-Sora calls flash_attn_func; SDPA's flash backend here
            x = x.transpose(1, 2)
        else:
            dt = q.dtype
            a = (q * s.hd ** -0.5) @ k.transpose(-2, -1)
            a = a.to(torch.float32).softmax(dim=-1).to(dt)
            x = (a @ v).transpose(1, 2)
        return s.proj(x.reshape(B, N, C))


class Cross(torch.nn.Module):
    def __init__(s, d, h):
        super().__init__()
        s.h, s.hd = h, d // h
        s.q = torch.nn.Linear(d, d)
        s.kv = torch.nn.Linear(d, 2 * d)
        s.proj = torch.nn.Linear(d, d)

    def forward(s, x, y):  # y: [B, L, C]; Open-Sora packs with xformers BlockDiagonalMask: same pairs as per-sample SDPA
        B, N, C = x.shape
        q = s.q(x).view(B, N, s.h, s.hd).transpose(1, 2)
        kv = s.kv(y).view(B, -1, 2, s.h, s.hd).permute(2, 0, 3, 1, 4)
        o = F.scaled_dot_product_attention(q, kv[0], kv[1])
        return s.proj(o.transpose(1, 2).reshape(B, N, C))


class Block(torch.nn.Module):
    def __init__(s, d=1152, h=16, temporal=False):
        super().__init__()
        s.temporal = temporal
        s.n1 = torch.nn.LayerNorm(d, eps=1e-6, elementwise_affine=False)
        s.n2 = torch.nn.LayerNorm(d, eps=1e-6, elementwise_affine=False)
        s.attn = Attn(d, h, rope=temporal, flash=True)
        s.cross = Cross(d, h)
        s.fc1 = torch.nn.Linear(d, 4 * d)
        s.fc2 = torch.nn.Linear(4 * d, d)
        s.sst = torch.nn.Parameter(torch.randn(6, d) / d ** 0.5)

    def forward(s, x, y, t, t0, xmask, T, S):
        B, N, C = x.shape
        sh, sc, g, sh2, sc2, g2 = (s.sst[None] + t.reshape(B, 6, -1)).chunk(6, dim=1)
        z = (s.sst[None] + t0.reshape(B, 6, -1)).chunk(6, dim=1)

        def sel(a, b):
            a = a.unflatten(1, (T, S)); b = b.unflatten(1, (T, S))
            return torch.where(xmask[:, :, None, None], a, b).flatten(1, 2)
        xm = sel(s.n1(x) * (1 + sc) + sh, s.n1(x) * (1 + z[1]) + z[0])
        if s.temporal:
            xm = xm.unflatten(1, (T, S)).transpose(1, 2).flatten(0, 1)  # (B S) T C
            xm = s.attn(xm).unflatten(0, (B, S)).transpose(1, 2).flatten(1, 2)
        else:
            xm = xm.unflatten(1, (T, S)).flatten(0, 1)  # (B T) S C
            xm = s.attn(xm).unflatten(0, (B, T)).flatten(1, 2)
        x = x + sel(g * xm, z[2] * xm)
        x = x + s.cross(x, y)
        xm = sel(s.n2(x) * (1 + sc2) + sh2, s.n2(x) * (1 + z[4]) + z[3])
        xm = s.fc2(F.gelu(s.fc1(xm), approximate="tanh"))
        return x + sel(g2 * xm, z[5] * xm)


def sec_stdit3():
    from torch.profiler import ProfilerActivity, profile
    out = {"cases": []}
    for label, T, Hh, Ww in (("720p-51f", 15, 45, 80), ("480p-51f", 15, 30, 53), ("360p-51f", 15, 23, 40)):
        S = Hh * Ww
        B, d = 2, 1152
        blocks = [Block(temporal=False).to(DEV, torch.bfloat16).eval(), Block(temporal=True).to(DEV, torch.bfloat16).eval()]
        x = torch.randn(B, d, T * S, device=DEV, dtype=torch.bfloat16).transpose(1, 2)  # PatchEmbed3D: channels-first view
        y = torch.randn(B, 300, d, device=DEV, dtype=torch.bfloat16)
        t = torch.randn(B, 6 * d, device=DEV, dtype=torch.bfloat16)
        t0 = torch.randn(B, 6 * d, device=DEV, dtype=torch.bfloat16)
        xm = torch.ones(B, T, device=DEV, dtype=torch.bool)
        case = {"label": label, "B": B, "T": T, "S": S, "tokens": T * S, "blocks": {}}
        with torch.no_grad():
            for blk in blocks:
                name = "temporal" if blk.temporal else "spatial"
                f = lambda: blk(x, y, t, t0, xm, T, S)
                eager = common.cuda_seconds(f, reps=5, warm=3)
                with profile(activities=[ProfilerActivity.CUDA]) as prof:
                    f(); torch.cuda.synchronize()
                kern = {}
                for ev in prof.key_averages():
                    dt = getattr(ev, "device_time_total", None)
                    if dt is None:
                        dt = getattr(ev, "cuda_time_total", 0)
                    if dt and dt > 0 and ev.count:
                        kern[ev.key[:160]] = {"count": ev.count, "device_us": dt}
                case["blocks"][name] = {"eager_seconds": eager, "kernel_us_total": sum(v["device_us"] for v in kern.values()), "kernels": kern}
                log("stdit3", label, name, "eager %.2f ms" % (eager * 1e3))
        out["cases"].append(case)
        with open(os.path.join(OUT, "stdit3.json"), "w") as fh:
            json.dump(out, fh)
        del blocks, x
        torch.cuda.empty_cache()


if __name__ == "__main__":
    RUN.run_sections((("launch", sec_launch), ("stdit3", sec_stdit3), ("elementwise", sec_elementwise), ("attention", sec_attention),
                      ("grouped", sec_grouped), ("gemm", sec_gemm)), SECTIONS)
