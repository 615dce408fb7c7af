#!/usr/bin/env python3
"""Block-scaled FP8 Triton kernels of vLLM at the sizes DeepSeek-V3/R1 and Qwen3-235B-A22B FP8 serving runs them:
the fused MoE (fused_experts, use_fp8_w8a8 with block_shape [128, 128]) and the linear layers' w8a8_block_fp8_matmul,
from a few tokens (decode) to a whole prefill step (12800 tokens: four 3200-token prompts at once).

Why: the early-2025 engines ran both kernels for these checkpoints, and hwperf's caps on them come from different
places per vendor: on Hopper the fused MoE's 0.053 of the fp8 peak is vllm PR #13932's benchmark_moe table (H100,
128-3072 tokens), the linear 0.155 sglang PR #3893 (H200, M = 4096); on CDNA 3 both carry 0.24, a tuned 2026 Triton
dense GEMM at training sizes (AMD-AGI/Primus-Turbo PR #339), an upper bound for the older kernels. The MI300X rows
of early-2025 engines (validation N125/N127/N129, N1332/N1334) and the Qwen3-235B TP 4 rows (N147/N148) prefill
2.5-3x slower than priced; no CDNA 3 timing of either kernel at these sizes was found in public sources. On an NVIDIA
part the same run checks the Hopper figures beyond the 3072 tokens PR #13932 measured.

It times vLLM's own kernels as the installed vLLM ships them (its tuned config table for the device where one exists,
else get_default_config; the config used is recorded), with random routing (top-k of random logits: near-uniform
load, as the rows' random prompts give). Runs on CUDA and ROCm (the fp8 dtype is the platform's: e4m3fnuz on gfx942).
Needs vllm importable on the machine; nothing is downloaded. ~2-4 min.

usage: python3 bench/gpu/block-fp8-moe.py OUTDIR [--sections moe,linear]

  moe     fused_experts (both expert GEMMs, activation, the sum, the align/sort kernels) per call, µs, and TFLOP/s of
          the useful work 2 * tokens * top_k * (2N * K + N * K), at DeepSeek-V3 TP 8 (E 256, N 256, K 7168, top 8)
          and Qwen3-235B TP 4 (E 128, N 384, K 4096, top 8), 4 ... 16384 tokens
  linear  w8a8_block_fp8_matmul µs and TFLOP/s at DeepSeek-V3 TP 8 linear shapes (q_a+kv_a 2112 x 7168, q_b 3072 x
          1536, kv_b 4096 x 512, o_proj 7168 x 2048, shared expert 512 x 7168 / 7168 x 256), M = 1 ... 16384
Writes OUTDIR/block-fp8-moe.json; the device's fp8 peak is not assumed: divide TFLOP/s by the part's own peak.
"""
import torch

import common  # bench/gpu/common.py: OUTDIR, the result file, log, CUDA-event timing

RUN = common.Run("hwperf-gpu-block-fp8-moe/1", "block-fp8-moe.json", budget_s=300, indent=1)
RESULT, log, save = RUN.result, RUN.log, RUN.save
DEV = "cuda"
BLOCK = [128, 128]
TOKENS = [4, 16, 64, 256, 1024, 3072, 4096, 8192, 12800, 16384]
MOE_SHAPES = {"deepseek-v3-tp8": (256, 256, 7168, 8), "qwen3-235b-tp4": (128, 384, 4096, 8)}  # E, N (shard), K, top_k
LINEAR_SHAPES = {"q_a+kv_a": (2112, 7168), "q_b": (3072, 1536), "kv_b": (4096, 512), "o_proj": (7168, 2048),
                 "shared_up": (512, 7168), "shared_down": (7168, 256)}  # N, K at DeepSeek-V3 TP 8
LINEAR_M = [1, 16, 64, 256, 1024, 4096, 12800, 16384]

try:
    import vllm
    RESULT["vllm"] = vllm.__version__
except Exception as e:  # recorded; each section fails on its own with the import error
    RESULT["vllm_error"] = str(e)[:300]
RESULT["hip"] = getattr(torch.version, "hip", None)


def fp8_dtype():
    try:
        from vllm.platforms import current_platform
        return current_platform.fp8_dtype()
    except Exception:
        return torch.float8_e4m3fnuz if torch.version.hip else torch.float8_e4m3fn


def fp8_weight(*shape):
    return (torch.randn(*shape, device=DEV, dtype=torch.float32) * 0.05).to(fp8_dtype())


def block_scales(*shape):
    return torch.rand(*shape, device=DEV, dtype=torch.float32) * 1e-2 + 1e-3


def expert_weights(E, N, K):
    """random block-FP8 expert weights of one layer (gate+up [E, 2N, K], down [E, K, N]) and their 128x128 scales"""
    w1, w2 = fp8_weight(E, 2 * N, K), fp8_weight(E, K, N)
    s1 = block_scales(E, (2 * N + 127) // 128, (K + 127) // 128)
    s2 = block_scales(E, (K + 127) // 128, (N + 127) // 128)
    return w1, w2, s1, s2


def moe_call(w1, w2, s1, s2, top_k, M):
    """a no-argument closure running vLLM's block-FP8 fused_experts on M tokens, and the config vLLM picks"""
    from vllm.model_executor.layers.fused_moe import fused_moe as fm
    E, K = w1.shape[0], w1.shape[2]
    x = torch.randn(M, K, device=DEV, dtype=torch.bfloat16)
    logits = torch.randn(M, E, device=DEV, dtype=torch.float32)
    weights, ids = torch.topk(torch.softmax(logits, dim=-1), top_k, dim=-1)
    ids = ids.to(torch.int32)
    config = None
    try:
        config = fm.try_get_optimal_moe_config(w1.shape, w2.shape, top_k, "fp8_w8a8", M, block_shape=BLOCK)
    except Exception:
        pass
    try:  # vLLM <= 0.10: quantization as keyword arguments
        fm.fused_experts(x, w1, w2, weights, ids, use_fp8_w8a8=True, w1_scale=s1, w2_scale=s2, block_shape=BLOCK)
        return (lambda: fm.fused_experts(x, w1, w2, weights, ids, use_fp8_w8a8=True, w1_scale=s1, w2_scale=s2,
                                         block_shape=BLOCK)), config
    except TypeError:
        from vllm.model_executor.layers.fused_moe.config import fp8_w8a8_moe_quant_config
        qc = fp8_w8a8_moe_quant_config(w1_scale=s1, w2_scale=s2, block_shape=BLOCK)
        return (lambda: fm.fused_experts(x, w1, w2, weights, ids, quant_config=qc)), config


def sec_moe():
    out = RESULT["sections"].setdefault("moe", {})
    for name, (E, N, K, top_k) in MOE_SHAPES.items():
        rows = out.setdefault(name, [])
        w = expert_weights(E, N, K)
        for M in TOKENS:
            if RUN.late():
                break
            fn, config = moe_call(*w, top_k, M)
            s = common.cuda_seconds(fn, reps=10 if M <= 4096 else 4, warm=2)
            flop = 2.0 * M * top_k * (2 * N * K + N * K)
            rows.append({"tokens": M, "us": round(s * 1e6, 2), "useful_tflops": round(flop / s / 1e12, 2),
                         "config": config})
            log(name, M, "%.1f us" % (s * 1e6), "%.1f TFLOP/s" % (flop / s / 1e12))
            save()
        del w
        torch.cuda.empty_cache()


def sec_linear():
    from vllm.model_executor.layers.quantization.utils.fp8_utils import w8a8_block_fp8_matmul
    out = RESULT["sections"].setdefault("linear", {})
    for name, (N, K) in LINEAR_SHAPES.items():
        rows = out.setdefault(name, [])
        B, Bs = fp8_weight(N, K), block_scales((N + 127) // 128, (K + 127) // 128)
        for M in LINEAR_M:
            if RUN.late():
                break
            A, As = fp8_weight(M, K), block_scales(M, (K + 127) // 128)
            s = common.cuda_seconds(lambda: w8a8_block_fp8_matmul(A, B, As, Bs, BLOCK, torch.bfloat16), reps=20, warm=2)
            rows.append({"m": M, "us": round(s * 1e6, 2), "tflops": round(2.0 * M * N * K / s / 1e12, 2)})
            log(name, M, "%.1f us" % (s * 1e6))
            save()


RUN.run_sections([("moe", sec_moe), ("linear", sec_linear)], common.sections("moe,linear"))
save()
