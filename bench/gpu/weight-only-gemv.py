#!/usr/bin/env python3
"""Weight-only int8 / int4 GEMV at one row, as gpt-fast runs them under torch.compile(mode="reduce-overhead"): how much
of the bf16 GEMV's bandwidth do they reach? The gpt-fast README rows N1761/N1762/N1763/N1768/N1770 (int8 / int4
weight-only, batch 1) read 20-65% fast in hwperf, which prices the quantized weights at the part's plain streaming
rate; no kernel timing of these kernels at M = 1 was found. Standalone (no other bench/gpu module). ~60 s on one GPU.

usage: python3 bench/gpu/weight-only-gemv.py OUTDIR

  gemv   device time per call, from CUDA-graph replay (20 calls captured, 50 replays, CUDA events), of
         - bf16:  F.linear(x, W) with W [n, k] bf16
         - int8:  gpt-fast WeightOnlyInt8Linear.forward, F.linear(x, W8.to(bf16)) * scales, torch.compile'd
                  (pytorch-labs/gpt-fast quantize.py)
         - int4:  torch.ops.aten._weight_int4pack_mm(x, W4, 32, scales_and_zeros) (tinygemm, group size 32, the
                  README's int4 G=32; pack call adapted to the installed torch's signature, error recorded if none fits)
         at x [1, k] bf16 for the Llama-2-7B and Llama-2-70B projection shapes; reports µs and weight bytes / time.
Writes OUTDIR/weight-only-gemv.json.
"""
import torch
import torch.nn.functional as F

import common  # bench/gpu/common.py: OUTDIR, the result file, log

DEV = "cuda"
RUN = common.Run("hwperf-gpu-weight-only-gemv/1", "weight-only-gemv.json", indent=1)
RESULT, log, save = RUN.result, RUN.log, RUN.save
# (n, k): Llama-2-7B q/k/v/o 4096x4096, gate/up 11008x4096, down 4096x11008, lm_head 32000x4096; 70B q 8192x8192,
# gate/up 28672x8192, down 8192x28672
SHAPES = [(4096, 4096), (11008, 4096), (4096, 11008), (32000, 4096), (8192, 8192), (28672, 8192), (8192, 28672)]


def graph_time(fn, calls=20, replays=50):
    """device seconds per call of fn() replayed from one captured CUDA graph of `calls` calls"""
    return common.graph_seconds(fn, calls=calls, replays=replays, warm=3)


def int8_linear(x, w, scales):
    return F.linear(x, w.to(dtype=x.dtype)) * scales


INT8 = torch.compile(int8_linear, fullgraph=True)


def pack_int4(w_bf16, groupsize=32, inner_k_tiles=8):
    """gpt-fast-style asymmetric int4 groupwise quantization, then the tinygemm packing of the installed torch"""
    n, k = w_bf16.shape
    g = w_bf16.float().reshape(n, k // groupsize, groupsize)
    lo, hi = g.amin(-1, keepdim=True), g.amax(-1, keepdim=True)
    scale = ((hi - lo).clamp(min=1e-6) / 15)
    zero = lo + scale * 8
    q = ((g - lo) / scale).round().clamp(0, 15).to(torch.int32).reshape(n, k)
    sz = torch.cat([scale, zero], dim=-1).reshape(n, k // groupsize, 2).transpose(0, 1).contiguous().to(torch.bfloat16)
    errors = []
    for arg in (q, (q[:, ::2] << 4 | q[:, 1::2]).to(torch.uint8)):
        try:
            return torch.ops.aten._convert_weight_to_int4pack(arg, inner_k_tiles), sz
        except Exception as e:  # signature differs across torch versions (int32 [n, k] vs uint8 [n, k/2])
            errors.append(str(e)[:200])
    raise RuntimeError("; ".join(errors))


def gemv():
    rows = []
    for n, k in SHAPES:
        x = torch.randn(1, k, device=DEV, dtype=torch.bfloat16)
        W = torch.randn(n, k, device=DEV, dtype=torch.bfloat16) * 0.02
        row = {"n": n, "k": k}
        t = graph_time(lambda: F.linear(x, W))
        row["bf16_us"], row["bf16_GBps"] = t * 1e6, 2 * n * k / t / 1e9
        W8 = (W / W.abs().amax(1, keepdim=True) * 127).round().to(torch.int8)
        sc = (W.abs().amax(1) / 127).to(torch.bfloat16)
        try:
            t = graph_time(lambda: INT8(x, W8, sc))
            row["int8_us"], row["int8_GBps"] = t * 1e6, (n * k + 2 * n) / t / 1e9
        except Exception as e:
            row["int8_error"] = str(e)[:300]
        try:
            W4, sz = pack_int4(W)
            t = graph_time(lambda: torch.ops.aten._weight_int4pack_mm(x, W4, 32, sz))
            row["int4_us"], row["int4_GBps"] = t * 1e6, (n * k / 2 + n * (k // 32) * 4) / t / 1e9
        except Exception as e:
            row["int4_error"] = str(e)[:300]
        log("gemv", row)
        rows.append(row)
        del W, W8
    RESULT["sections"]["gemv"] = rows
    save()


if __name__ == "__main__":
    gemv()
    log("done")
