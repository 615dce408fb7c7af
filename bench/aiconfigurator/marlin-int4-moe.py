#!/usr/bin/env python3
"""vLLM's fused Marlin MoE on int4 (AWQ / GPTQ) experts at decode-sized token counts, from NVIDIA's aiconfigurator.

    python3 bench/aiconfigurator/marlin-int4-moe.py DATA_DIR [PART ...]

DATA_DIR is aiconfigurator's systems data folder, aic-core/src/aiconfigurator_core/systems/data, of
ai-dynamo/aiconfigurator at commit 095f58a51. PART is a system folder (default h100_sxm h200_sxm). Nothing is
downloaded; needs pyarrow. Two tables: moe/vllm/0.14.0/moe_perf.parquet, kernel_source vllm_marlin_moe, and
moe/vllm/0.24.0/moe_perf.parquet, kernel_source vllm_compressedtensorswna16marlinmoe_marlin_marlinexperts (Kimi-K2's
shape only), both moe_dtype int4_wo: one whole MoE forward (routing, both grouped Marlin GEMMs, activation, combine)
under CUDA-graph replay, no expert parallelism, balanced routing (min(E, top_k x tokens) experts hit).

At 1-64 tokens the call is its weight stream plus a floor: it prints the least-squares line of the call's time against
the int4 weight bytes of the experts it touches (hit experts x 3 x hidden x intermediate / tp / 2, scales not counted),
over every tensor-parallel size and over TP 8 and above (what a decode step of DeepSeek-V3 / Kimi-K2 at TP 8 touches:
at most ~1 GB), and the slope as a rate per SM (132 SMs on both parts). runtimes/vllm.yaml by_architecture hopper
takes kernels.tiled_gemm.int4_moe's rate from the H100 0.14.0 line at TP 8 and above.
"""

import pyarrow.parquet as pq

from linefit import data_and_parts, fit

SMS = 132
TABLES = (('0.14.0', 'vllm_marlin_moe'), ('0.24.0', 'vllm_compressedtensorswna16marlinmoe_marlin_marlinexperts'))


def main():
    data, parts = data_and_parts(__doc__, ['h100_sxm', 'h200_sxm'])
    for part in parts:
        for version, kernel in TABLES:
            rows = pq.read_table(f'{data}/{part}/moe/vllm/{version}/moe_perf.parquet').to_pylist()
            rows = [r for r in rows if r['kernel_source'] == kernel and r['distribution'] == 'balanced' and r['moe_ep_size'] == 1 and r['num_tokens'] <= 64]
            for tp_min in (1, 8):
                xs, ys = [], []
                for r in rows:
                    if r['moe_tp_size'] < tp_min:
                        continue
                    hit = min(r['num_experts'], r['topk'] * r['num_tokens'])
                    xs.append(hit * 3 * r['hidden_size'] * r['inter_size'] / r['moe_tp_size'] / 2 / 1e6)  # MB
                    ys.append(r['latency'] * 1e3)  # us
                a, b = fit(xs, ys)
                print(f'{part} {version} {kernel}, TP >= {tp_min}: {len(xs)} cells, up to {max(xs):.0f} MB: '
                      f'{a:.1f} us + {b:.4f} us/MB -> {1 / b:.2f} TB/s = {1e3 / b / SMS:.1f} GB/s per SM')


if __name__ == '__main__':
    main()
