#!/usr/bin/env python3
"""What the Triton fused MoE reaches on block-scaled FP8 experts at prompt-sized token counts, from NVIDIA's aiconfigurator.

    python3 bench/aiconfigurator/moe-block-fp8-rates.py DATA_DIR [PART ...]

DATA_DIR is aiconfigurator's systems data folder, aic-core/src/aiconfigurator_core/systems/data, of
ai-dynamo/aiconfigurator at commit 095f58a51. PART is a system folder (default h200_sxm h100_sxm). Nothing is
downloaded; needs pyarrow. For each MoE table (moe/vllm/0.14.0: kernel_source vllm_fused_moe; moe/sglang/0.5.9:
sglang_fused_moe_triton), moe_dtype fp8_block (weights and activations FP8 with 128 x 128 weight scales), balanced
routing, it prints the latency of one whole FusedMoE forward (collector/vllm/collect_moe.py and
collector/sglang/collect_moe.py: routing from given router logits, activation quantization, both grouped GEMMs,
activation, top-k sum; CUDA graph, collector/helper.py benchmark_with_power) at DeepSeek-V3's expert shape under
tensor parallelism (hidden 7168, intermediate 2048 / tp per rank, 256 experts, top-8, no expert parallelism) and the
whole call's rate as the experts' FLOPs, tokens x 8 x 2 x 7168 x 3 x 2048 / tp, over that time, against the
1978.9 TFLOP/s dense fp8 peak (H100 / H200 SXM).

runtimes/vllm.yaml and runtimes/sglang.yaml (by_architecture hopper, kernels.fp8_block_moe_efficiency) take the tp 8
rows on h200_sxm: each value is the grouped GEMMs' FLOPs over (the whole call's time less what hwperf prices the call's
other kernels at: moe_topk, moe_sort, experts_act, moe_finalize at the same tokens), as their comments show.
With --shapes it also prints the whole-call rate at 8192 tokens for every tp-only shape of the table (the spread the
one DeepSeek-V3 value stands for).
"""
import sys

import pyarrow.parquet as pq

from linefit import data_and_parts

PEAK = 1978.9e12
TABLES = [('vllm 0.14.0 fused_moe', 'moe/vllm/0.14.0/moe_perf.parquet'), ('sglang 0.5.9 fused_moe_triton', 'moe/sglang/0.5.9/moe_perf.parquet')]
TOKENS = (256, 512, 1024, 2048, 3072, 4096, 6144, 8192, 12288, 16384)


def main():
    data, parts = data_and_parts(__doc__, ['h200_sxm', 'h100_sxm'])
    for part in parts:
        for label, rel in TABLES:
            try:
                rows = pq.read_table(f'{data}/{part}/{rel}').to_pylist()
            except (FileNotFoundError, OSError):
                print(f'{part} {label}: no table')
                continue
            rows = [r for r in rows if r['moe_dtype'] == 'fp8_block' and r['distribution'] == 'balanced' and r['moe_ep_size'] == 1]
            for tp in (8, 4, 1):
                sel = {r['num_tokens']: r['latency'] * 1e-3 for r in rows
                       if (r['hidden_size'], r['inter_size'], r['num_experts'], r['topk'], r['moe_tp_size']) == (7168, 2048, 256, 8, tp)}
                if not sel:
                    continue
                print(f'{part} {label}, DeepSeek-V3 experts, tp {tp}:')
                for t in TOKENS:
                    if t in sel:
                        flop = t * 8 * 2 * 7168 * 3 * 2048 / tp
                        print(f'  {t:6d} tokens  {sel[t] * 1e6:8.1f} us  {flop / 1e9:7.1f} GFLOP  {flop / sel[t] / 1e12:6.0f} TFLOP/s  {flop / sel[t] / PEAK:.3f} of peak')
            if '--shapes' in sys.argv:
                shapes = sorted({(r['hidden_size'], r['inter_size'], r['num_experts'], r['topk'], r['moe_tp_size']) for r in rows})
                for h, i, e, k, tp in shapes:
                    t = [r['latency'] * 1e-3 for r in rows if r['num_tokens'] == 8192 and (r['hidden_size'], r['inter_size'], r['num_experts'], r['topk'], r['moe_tp_size']) == (h, i, e, k, tp)]
                    if t:
                        flop = 8192 * k * 2 * h * 3 * i / tp
                        print(f'  shape hidden {h} inter {i} experts {e} top-{k} tp {tp}: 8192 tokens {flop / t[0] / PEAK:.3f} of peak')


if __name__ == '__main__':
    main()
