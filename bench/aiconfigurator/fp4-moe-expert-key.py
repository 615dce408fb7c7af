#!/usr/bin/env python3
"""Which size TensorRT-LLM's fused NVFP4 MoE rate follows, from NVIDIA's aiconfigurator B200 timings.

    python3 bench/aiconfigurator/fp4-moe-expert-key.py DATA_DIR [PART]

DATA_DIR is aiconfigurator's systems data folder, aic-core/src/aiconfigurator_core/systems/data, of
ai-dynamo/aiconfigurator at commit 095f58a51. PART is a system folder (default b200_sxm). Nothing is downloaded; needs
pyarrow. It reads moe/trtllm/1.3.0rc20/moe_perf.parquet: kernel_source moe_torch_flow_cutlass (TensorRT-LLM's default
CUTLASS fused MoE), moe_dtype nvfp4, balanced routing, 4096 to 16384 tokens, moe_tp x moe_ep <= 8. Each timing's rate
is the experts' FLOPs on one rank, tokens x top-k x 2 x hidden x 3 x (intermediate / tp) / ep, over the whole call, as
a fraction of the part's dense fp4 peak (B200: 9000 TFLOP/s, hardware/nvidia/b200.yaml).

It fits log(rate) against log(key) by least squares for each candidate key and prints the geometric spread (exp of the
residuals' standard deviation) and the worst residual: the step's tokens (the key kernels.fp4_moe_efficiency had), the
rank's FLOPs, and one local expert's GEMM MACs, rows per expert (tokens x top-k / experts) x hidden x intermediate / tp
(Op.expertMacs, the key runtimes/tensorrt-llm.yaml now uses: 2.13x by tokens, 1.42x by expert MACs at 095f58a51). Then
the rates the yaml's comment quotes: Qwen3-30B-A3B (2048, 768, 128 experts, top-8, TP 1), Qwen3-235B-A22B (4096, 1536,
128, top-8, EP 8) and DeepSeek-V3 (7168, 2048, 256, top-8, EP 8) at 4096 / 8192 / 16384 tokens.
"""
import math
import sys

import pyarrow.parquet as pq

PEAK = {'b200_sxm': 9000e12}
SHAPES = [('Qwen3-30B-A3B tp 1', (2048, 768, 128, 8, 1, 1)), ('Qwen3-235B-A22B ep 8', (4096, 1536, 128, 8, 1, 8)), ('DeepSeek-V3 ep 8', (7168, 2048, 256, 8, 1, 8))]


def spread(points, key):
    xs = [math.log(key(p)) for p in points]
    ys = [math.log(p['eff']) for p in points]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    res = [y - (my + b * (x - mx)) for x, y in zip(xs, ys)]
    return b, math.exp((sum(e * e for e in res) / n) ** 0.5), math.exp(max(abs(e) for e in res))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    data = sys.argv[1]
    part = sys.argv[2] if len(sys.argv) > 2 else 'b200_sxm'
    rows = pq.read_table(f'{data}/{part}/moe/trtllm/1.3.0rc20/moe_perf.parquet').to_pylist()
    rows = [r for r in rows if r['moe_dtype'] == 'nvfp4' and r['kernel_source'] == 'moe_torch_flow_cutlass' and r['distribution'] == 'balanced']
    points = []
    for r in rows:
        t, h, e, k, tp, ep = r['num_tokens'], r['hidden_size'], r['num_experts'], r['topk'], r['moe_tp_size'], r['moe_ep_size']
        i = r['inter_size'] / tp
        flop = 2 * t * k * h * i * 3 / ep
        points.append({'eff': flop / (r['latency'] * 1e-3) / PEAK[part], 'tokens': t, 'flop': flop, 'macs': t * k / e * h * i,
                       'shape': (h, r['inter_size'], e, k, tp, ep)})
    fit = [p for p in points if p['tokens'] >= 4096 and p['shape'][4] * p['shape'][5] <= 8]
    print(f'{part}: {len(fit)} timings of {len({p["shape"][:4] for p in fit})} expert shapes (4096-16384 tokens, tp x ep <= 8)')
    for name, key in [('tokens', lambda p: p['tokens']), ('rank FLOPs', lambda p: p['flop']), ('expert GEMM MACs', lambda p: p['macs'])]:
        b, sd, worst = spread(fit, key)
        print(f'  by {name:17s} slope {b:.3f}  spread {sd:.2f}x  worst {worst:.2f}x')
    for name, shape in SHAPES:
        sel = {p['tokens']: p for p in points if p['shape'] == shape}
        print(f'  {name}: ' + '  '.join(f'{t} tokens {sel[t]["eff"]:.3f} ({sel[t]["macs"]:.2e} MACs)' for t in (4096, 8192, 16384) if t in sel))


if __name__ == '__main__':
    main()
