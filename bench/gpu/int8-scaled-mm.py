#!/usr/bin/env python3
"""W8A8 int8 GEMMs as vLLM runs them, against the 16-bit GEMM of the same shape: what fraction of the part's int8
tensor peak does vLLM's cutlass_scaled_mm reach, and what does the per-token activation quantization cost?

Why: hwperf prices a W8A8 int8 linear at the part's int8 tensor peak times its GEMM table (hardware/nvidia/*.yaml). On
an A100 that agrees with vLLM's int8 kernel within 2% at M 2048 (sgl-project/sglang PR #2752, test/vllm-int8-ampere.test.ts);
no timing of the kernel on an SM86 part (RTX 30xx, A10, A40, A6000: 1 CTA per SM for its 81,920 B 128x128x64 tile,
and the 122,880 B M64 config falls back to 32x64x128) was found. This run gives it.

usage: python3 bench/gpu/int8-scaled-mm.py OUTDIR [--sections gemm,quant]

  gemm   device µs per call (CUDA-graph replay, 10 calls captured, 20 replays) and TOPS of
         - bf16:   F.linear(x, W) (cuBLAS)
         - int_mm: torch._int_mm(x8, W8.t()) (cuBLASLt int8 -> int32, no scales)
         - vllm:   vllm._custom_ops.cutlass_scaled_mm(x8, W8.t(), a_scales [M,1], b_scales [N,1], bf16), where vllm imports
         at Qwen3-32B TP-2 linear shapes (K -> N: qkv 5120 -> 5120, o 4096 -> 5120, gate_up 5120 -> 25600,
         down 12800 -> 5120) and the A100 check shapes (8192 -> 4096, 21760 -> 8192), M = 16 ... 8192.
  quant  device µs of vllm._custom_ops.scaled_int8_quant(x) (dynamic per-token) at the same M x K inputs, and the
         bytes it moves (read 2 B, write 1 B per element, 4 B per row) per second.
Writes OUTDIR/int8-scaled-mm.json. ~1-2 min on one GPU.
"""
import torch
import torch.nn.functional as F

import common  # bench/gpu/common.py: OUTDIR, the result file, log

DEV = "cuda"
RUN = common.Run("hwperf-gpu-int8-scaled-mm/1", "int8-scaled-mm.json", budget_s=420, indent=1)
RESULT, log, save = RUN.result, RUN.log, RUN.save
SHAPES = [("qkv", 5120, 5120), ("o", 4096, 5120), ("gate_up", 5120, 25600), ("down", 12800, 5120),
          ("a100_check_1", 8192, 4096), ("a100_check_2", 21760, 8192)]  # (name, K, N)
MS = [16, 64, 128, 256, 512, 1024, 2048, 4096, 8192]

try:
    from vllm import _custom_ops as ops
except Exception as e:  # vllm absent or built without CUDA ops: the torch columns still run
    ops = None
    RESULT["vllm_error"] = str(e)[:300]


def t(fn):
    return common.graph_seconds(fn, calls=10, replays=20, warm=3)


def gemm():
    rows = []
    for name, k, n in SHAPES:
        W = torch.randn(n, k, device=DEV, dtype=torch.bfloat16) * 0.02
        W8 = torch.randint(-127, 128, (n, k), device=DEV, dtype=torch.int8)
        bs = torch.rand(n, 1, device=DEV, dtype=torch.float32) * 1e-3
        for m in MS:
            if RUN.late():
                break
            x = torch.randn(m, k, device=DEV, dtype=torch.bfloat16)
            x8 = torch.randint(-127, 128, (m, k), device=DEV, dtype=torch.int8)
            a_s = torch.rand(m, 1, device=DEV, dtype=torch.float32) * 1e-2
            flop = 2 * m * n * k
            row = {"shape": name, "m": m, "n": n, "k": k}
            s = t(lambda: F.linear(x, W))
            row["bf16_us"], row["bf16_tflops"] = s * 1e6, flop / s / 1e12
            try:
                s = t(lambda: torch._int_mm(x8, W8.t()))
                row["int_mm_us"], row["int_mm_tops"] = s * 1e6, flop / s / 1e12
            except Exception as e:
                row["int_mm_error"] = str(e)[:200]
            if ops is not None:
                try:
                    s = t(lambda: ops.cutlass_scaled_mm(x8, W8.t(), a_s, bs, torch.bfloat16))
                    row["vllm_us"], row["vllm_tops"] = s * 1e6, flop / s / 1e12
                except Exception as e:
                    row["vllm_error"] = str(e)[:200]
            log("gemm", row)
            rows.append(row)
        del W, W8
    RESULT["sections"]["gemm"] = rows
    save()


def quant():
    if ops is None:
        RESULT["sections"]["quant_error"] = "vllm not importable"
        save()
        return
    rows = []
    for k in sorted({k for _, k, _ in SHAPES}):
        for m in MS:
            x = torch.randn(m, k, device=DEV, dtype=torch.bfloat16)
            s = t(lambda: ops.scaled_int8_quant(x))
            moved = m * k * 3 + m * 4
            row = {"m": m, "k": k, "us": s * 1e6, "GBps": moved / s / 1e9}
            log("quant", row)
            rows.append(row)
    RESULT["sections"]["quant"] = rows
    save()


if __name__ == "__main__":
    RUN.run_sections([("gemm", gemm), ("quant", quant)], common.sections("gemm,quant"))
