#!/usr/bin/env python3
"""vLLM's MLA decode module as aiconfigurator measured it, against the same ops as hwperf prices them.

    python3 bench/aiconfigurator/mla-decode-module.py DATA_DIR [PART] [VERSION] [RUNTIME]

DATA_DIR is aiconfigurator's systems data folder, aic-core/src/aiconfigurator_core/systems/data, of
ai-dynamo/aiconfigurator at commit 095f58a51. PART is its system folder (default h100_sxm; b200_sxm for Blackwell),
VERSION the vLLM table (default 0.19.0), RUNTIME the hwperf runtime (default vllm). Nothing is downloaded; needs
pyarrow and a built hwperf (run from the repository root).

The table (mla/vllm/VERSION/mla_generation_module_perf.parquet, collector/vllm/collect_mla_module.py) times one
DeepseekV2MLAAttention forward built from vLLM's own model code (fused A-projection, the two latent RMSNorms, q_b_proj,
rope, the MLA attention layer with its cache write, absorbed BMMs and decode kernel, o_proj) under a CUDA graph, with
num_heads = the local heads of a TP run. Cells read: DeepSeek-V3, fp8_block linears, bf16 KV cache, 16 heads (TP 8),
1-16 sequences, 256-4096 cached tokens. hwperf's side: the decode step's q_a_proj, q_b_proj, kv_a_proj, kv_b_proj,
attention_decode and o_proj per layer (simulate --verbose, 64 output tokens after context - 32 prompt tokens, so the
mean decode context is the cell's). It prints each cell and the median residual (measured - priced) and that over the
part's 4 us per-kernel gap: the runtime's kernels.mla_decode_kernels is that count (runtimes/vllm.yaml).
"""
import json
import statistics
import subprocess
import sys

import pyarrow.parquet as pq

HW = {'h100_sxm': 'h100-sxm', 'h200_sxm': 'h200-sxm', 'b200_sxm': 'b200'}
MODULE = ('q_a_proj', 'q_b_proj', 'kv_a_proj', 'kv_b_proj', 'attention_decode', 'o_proj')


def main() -> None:
    data = sys.argv[1]
    part = sys.argv[2] if len(sys.argv) > 2 else 'h100_sxm'
    version = sys.argv[3] if len(sys.argv) > 3 else '0.19.0'
    runtime = sys.argv[4] if len(sys.argv) > 4 else 'vllm'
    rows = pq.read_table(f'{data}/{part}/mla/vllm/{version}/mla_generation_module_perf.parquet').to_pylist()
    table = {(r['batch_size'], r['step']): float(r['latency']) * 1e3 for r in rows
             if r['num_heads'] == 16 and r['gemm_type'] == 'fp8_block' and r['kv_cache_dtype'] == 'bfloat16'}
    residuals = []
    for batch in (1, 2, 4, 8, 16):
        for context in (256, 512, 1024, 2048, 4096):
            measured = table[(batch, context)]
            cmd = ['node', 'bin/run.js', 'simulate', '--model', 'deepseek-v3', '--hardware', HW[part], '--tp', '8',
                   '--dtype', 'fp8', '--kv-cache', 'bf16', '--input-tokens', str(context - 32), '--output-tokens', '64',
                   '--batch', str(batch), '--runtime', runtime, '--json', '--verbose']
            ops = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)['ops']
            priced = sum(o['seconds'] / o['count'] for o in ops if o['phase'] == 'decode' and o['name'] in MODULE) * 1e6
            residuals.append(measured - priced)
            print(f'{batch:3d} seqs {context:5d} tokens: measured {measured:6.1f} us, priced {priced:6.1f} us, '
                  f'residual {measured - priced:5.1f} us')
    med = statistics.median(residuals)
    print(f'{part} vllm {version} vs hwperf {runtime}: residual median {med:.1f} us '
          f'({min(residuals):.1f} to {max(residuals):.1f}); / 4 us = {med / 4:.2f} kernels')


if __name__ == '__main__':
    main()
