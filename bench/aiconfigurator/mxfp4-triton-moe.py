#!/usr/bin/env python3
"""vLLM's MXFP4 MoE on Hopper (OpenAI triton_kernels matmul_ogs) at decode-sized token counts, from NVIDIA's aiconfigurator.

    python3 bench/aiconfigurator/mxfp4-triton-moe.py DATA_DIR [PART ...]

DATA_DIR is aiconfigurator's systems data folder, aic-core/src/aiconfigurator_core/systems/data, of
ai-dynamo/aiconfigurator at commit 095f58a51. PART is a system folder (default h100_sxm h200_sxm). Nothing is
downloaded; needs pyarrow. The table is moe/vllm/0.24.0/moe_perf.parquet, kernel_source
vllm_gptossmxfp4moe_triton_oaitritonmxfp4expertsmonolithic, moe_dtype w4a16_mxfp4: one whole MoE forward (routing,
both grouped GEMMs with the fused activation, combine) under CUDA-graph replay at gpt-oss's expert shape (hidden 2880,
intermediate 2880, top-4; 32 experts = gpt-oss-20b, 128 = gpt-oss-120b), tensor parallel 1-32, no expert parallelism,
balanced routing (every token's 4 experts spread evenly: min(E, 4 x tokens) experts hit).

At 1-64 tokens the call is its weight stream plus a floor: it prints, per part, the least-squares line of the call's
time against the weight bytes of the experts it touches, counted as hwperf counts fp4 weights (4.5 bits a weight:
hit experts x 3 x 2880 x 2880 / tp x 4.5 / 8), over TP 1-32 and 1-64 tokens, and that slope as a rate per SM (132 SMs
on both parts); then the cells with the fewest bytes (TP 16 / 32 at one token), where the call is its floor.
runtimes/vllm.yaml by_architecture hopper takes kernels.tiled_gemm.weight_only_moe (the rate per SM) and
kernels.weight_only_moe_fixed (the floor less what hwperf prices the call's other kernels at) from these.
"""

import pyarrow.parquet as pq

from linefit import data_and_parts, fit

SMS = 132
KERNEL = 'vllm_gptossmxfp4moe_triton_oaitritonmxfp4expertsmonolithic'


def main():
    data, parts = data_and_parts(__doc__, ['h100_sxm', 'h200_sxm'])
    for part in parts:
        rows = pq.read_table(f'{data}/{part}/moe/vllm/0.24.0/moe_perf.parquet').to_pylist()
        rows = [r for r in rows if r['kernel_source'] == KERNEL and r['distribution'] == 'balanced' and r['moe_ep_size'] == 1]
        xs, ys = [], []
        for r in rows:
            if r['num_tokens'] > 64:
                continue
            hit = min(r['num_experts'], 4 * r['num_tokens'])
            xs.append(hit * 3 * 2880 * 2880 / r['moe_tp_size'] * 4.5 / 8 / 1e6)  # MB
            ys.append(r['latency'] * 1e3)  # us
        a, b = fit(xs, ys)
        print(f'{part}: {len(xs)} cells (TP 1-32, 1-64 tokens): {a:.1f} us + {b:.4f} us/MB -> {1 / b:.2f} TB/s = {1e3 / b / SMS:.1f} GB/s per SM')
        for e in (32, 128):
            big = {r['num_tokens']: r['latency'] * 1e3 for r in rows if r['num_experts'] == e and r['moe_tp_size'] == 1}
            print(f'  {e} experts, TP 1: ' + ' '.join(f'{t}:{big[t]:.1f}' for t in (1, 8, 32, 64, 128, 256) if t in big) + ' us')
        small = sorted((r['moe_tp_size'], r['num_experts'], r['latency'] * 1e3) for r in rows if r['num_tokens'] == 1 and r['moe_tp_size'] >= 16)
        print('  floor (1 token): ' + ', '.join(f'TP {tp} {e} experts {us:.1f} us' for tp, e, us in small))


if __name__ == '__main__':
    main()
