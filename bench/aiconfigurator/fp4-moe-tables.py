#!/usr/bin/env python3
"""TensorRT-LLM's fused MoE rate on each part, by one local expert's GEMM MACs x local experts, from NVIDIA's
aiconfigurator timings of that part (runtimes/tensorrt-llm.yaml kernels.fp4_moe_efficiency; on Hopper
fp8_moe_efficiency and fp8_block_moe_efficiency).

    python3 bench/aiconfigurator/fp4-moe-tables.py DATA_DIR [PART[:DTYPE] ...]

DTYPE is nvfp4 (the default), fp8 (per-tensor) or fp8_block; the PARTs by default are the nvfp4 ones below and h100_sxm /
h200_sxm with fp8 and fp8_block (the CUTLASS fused MoE there too: collect_moe.py runs fp8_block through "cutlass" on
Hopper, whose grouped GEMM is DeepGEMM-JIT backed; moe_torch_flow_cutlass), as fractions of the part's dense fp8 peak.

DATA_DIR is aiconfigurator's systems data folder, aic-core/src/aiconfigurator_core/systems/data, of
ai-dynamo/aiconfigurator at commit 095f58a51. Nothing is downloaded; needs
pyarrow. It reads PART/moe/trtllm/1.3.0rc20/moe_perf.parquet, moe_dtype nvfp4, balanced routing, moe_tp x moe_ep <= 8,
kernel_source moe_torch_flow_cutlass: the CUTLASS fused MoE (collector/trtllm/collect_moe.py sets moe_backend "cutlass"
outside min-latency mode), the backend TensorRT-LLM's MoeConfig.backend default (CUTLASS; later 'AUTO', which
ModelConfig.resolve_moe_backend resolves to CUTLASS for NVFP4 checkpoints of every architecture but GPT-OSS and
DeepSeek-V4) runs. The 'moe_torch_flow_min_latency' source (TRTLLM-Gen, moe_backend TRTLLM) is printed beside it for
comparison only.

Each timing's rate is the experts' FLOPs on one rank, tokens x top-k x 2 x hidden x 3 x (intermediate / tp) / ep, over
the whole call (routing, activation quantization, both GEMMs, finalize), as a fraction of the part's dense fp4 peak
(hardware/nvidia/*.yaml). Keys: one local expert's GEMM MACs, rows per expert (tokens x top-k / experts) x hidden x
intermediate / tp (Op.expertMacs), and the rank's local experts, experts / ep (Op.groups at a full step).

It prints the spread (exp of the residuals' standard deviation, log-log least squares) keyed by tokens, rows per expert,
expert MACs, and expert MACs with local experts, then the table: the geometric mean of the timings in each cell (local
experts a power of two; MACs binned to the nearest power of four). A cell with no timing takes its row's nearest
measured cell (clamped, as the table's edges are); no cell rises faster than its key over the cell before it (more work
never takes less time). Then the spread of every timing around the table (log-bilinear), and TRTLLM-Gen's rate over
CUTLASS's at the same shape and tokens.
"""
import math
import sys
from collections import defaultdict

import pyarrow.parquet as pq

PEAK = {'b200_sxm': 9000e12, 'gb200': 10000e12, 'b300_sxm': 13125e12, 'gb300': 15000e12, 'rtx_pro_6000_server': 2000e12}
FP8_PEAK = {'h100_sxm': 1978.9e12, 'h200_sxm': 1978.9e12}  # hardware/nvidia/h100-sxm.yaml, h200-sxm.yaml
DEFAULT = [*PEAK, 'h100_sxm:fp8', 'h100_sxm:fp8_block', 'h200_sxm:fp8', 'h200_sxm:fp8_block']
LOCAL = [1, 2, 4, 8, 16, 32, 64, 128, 256]
MACS = [2 ** e for e in range(24, 37, 2)]


def load(data, part, source, dtype='nvfp4'):
    rows = pq.read_table(f'{data}/{part}/moe/trtllm/1.3.0rc20/moe_perf.parquet').to_pylist()
    out = []
    for r in rows:
        if r['moe_dtype'] != dtype or r['kernel_source'] != source or r['distribution'] != 'balanced':
            continue
        t, h, e, k, tp, ep = r['num_tokens'], r['hidden_size'], r['num_experts'], r['topk'], r['moe_tp_size'], r['moe_ep_size']
        if tp * ep > 8:
            continue
        i = r['inter_size'] / tp
        flop = 2 * t * k * h * i * 3 / ep
        out.append({'eff': flop / (r['latency'] * 1e-3) / (PEAK[part] if dtype == 'nvfp4' else FP8_PEAK[part]), 'tokens': t, 'rows': t * k / e, 'macs': t * k / e * h * i,
                    'local': e / ep, 'shape': (h, r['inter_size'], e, k, tp, ep)})
    return out


def lstsq_spread(points, cols):
    # ordinary least squares of log(rate) on [1, cols...] by the normal equations (no numpy needed)
    xs = [[1.0] + [c(p) for c in cols] for p in points]
    ys = [math.log(p['eff']) for p in points]
    n = len(xs[0])
    a = [[sum(x[i] * x[j] for x in xs) for j in range(n)] + [sum(x[i] * y for x, y in zip(xs, ys))] for i in range(n)]
    for i in range(n):
        piv = a[i][i]
        a[i] = [v / piv for v in a[i]]
        for j in range(n):
            if j != i:
                f = a[j][i]
                a[j] = [vj - f * vi for vj, vi in zip(a[j], a[i])]
    beta = [a[i][n] for i in range(n)]
    res = [y - sum(b * v for b, v in zip(beta, x)) for x, y in zip(xs, ys)]
    return math.exp((sum(e * e for e in res) / len(res)) ** 0.5)


def table(points):
    cells = defaultdict(list)
    for p in points:
        if p['local'] in LOCAL:
            m = 2 ** (2 * round(math.log2(p['macs']) / 2))
            if MACS[0] <= m <= MACS[-1]:
                cells[(int(p['local']), m)].append(math.log(p['eff']))
    grid = []
    for loc in LOCAL:
        have = [m for m in MACS if (loc, m) in cells]
        row = []
        for m in MACS:
            near = min(have, key=lambda h: abs(math.log(h / m)))  # a cell with no timing: its row's nearest measured cell
            c = cells[(loc, near)]
            row.append(round(math.exp(sum(c) / len(c)), 4))
        grid.append(row)
    # time is work over rate: a cell may not rise faster than its key over the cell before it (4x the MACs, 2x the local
    # experts), so that more work never takes less time (test/invariants.property.test.ts)
    for i in range(len(LOCAL)):
        for j in range(len(MACS)):
            if j > 0:
                grid[i][j] = min(grid[i][j], math.floor(grid[i][j - 1] * MACS[j] / MACS[j - 1] * 1e4) / 1e4)
            if i > 0:
                grid[i][j] = min(grid[i][j], math.floor(grid[i - 1][j] * LOCAL[i] / LOCAL[i - 1] * 1e4) / 1e4)
    return grid


def interp(xs, x):
    lx = math.log(min(max(x, xs[0]), xs[-1]))
    for j in range(len(xs) - 1):
        if lx <= math.log(xs[j + 1]):
            return j, (lx - math.log(xs[j])) / (math.log(xs[j + 1]) - math.log(xs[j]))
    return len(xs) - 2, 1.0


def lookup(grid, macs, local):
    i, fi = interp(LOCAL, local)
    j, fj = interp(MACS, macs)
    lg = lambda a, b: math.log(grid[a][b])
    v = (1 - fi) * ((1 - fj) * lg(i, j) + fj * lg(i, j + 1)) + fi * ((1 - fj) * lg(i + 1, j) + fj * lg(i + 1, j + 1))
    return math.exp(v)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    data = sys.argv[1]
    for arg in sys.argv[2:] or DEFAULT:
        part, dtype = (arg.split(':') + ['nvfp4'])[:2]
        pts = load(data, part, 'moe_torch_flow_cutlass', dtype)
        big = [p for p in pts if p['tokens'] >= 1024]
        print(f'{part}: {len(pts)} CUTLASS {dtype} timings of {len({p["shape"] for p in pts})} shapes (tp x ep <= 8); spread of a log-log fit, all tokens / >= 1024 tokens:')
        for name, cols in [('tokens', [lambda p: math.log(p['tokens'])]), ('rows per expert', [lambda p: math.log(p['rows'])]),
                           ('expert MACs', [lambda p: math.log(p['macs'])]), ('expert MACs, local experts', [lambda p: math.log(p['macs']), lambda p: math.log(p['local'])])]:
            print(f'  by {name:27s} {lstsq_spread(pts, cols):.2f}x / {lstsq_spread(big, cols):.2f}x')
        grid = table(pts)
        inside = [p for p in pts if MACS[0] <= p['macs'] and p['local'] >= LOCAL[0]]
        res = [math.log(p['eff'] / lookup(grid, p['macs'], p['local'])) for p in inside]
        print(f'  around the table (log-bilinear, {len(inside)} timings with >= {MACS[0]:.2e} MACs): {math.exp((sum(e * e for e in res) / len(res)) ** 0.5):.2f}x')
        field = {'nvfp4': 'fp4_moe_efficiency', 'fp8': 'fp8_moe_efficiency', 'fp8_block': 'fp8_block_moe_efficiency'}[dtype]
        print(f'  {field}:  # {part}, fraction of {(PEAK[part] if dtype == "nvfp4" else FP8_PEAK[part]) / 1e12:.0f} TFLOP/s')
        print(f'    expert_macs: [{", ".join(str(m) for m in MACS)}]')
        print("    values:  # by the rank's local experts")
        for loc, row in zip(LOCAL, grid):
            print(f'      {loc}: [{", ".join(f"{v:.4f}" for v in row)}]')
        lat = load(data, part, 'moe_torch_flow_min_latency') if dtype == 'nvfp4' else []
        if lat:
            cut = {(p['shape'], p['tokens']): p['eff'] for p in pts}
            pairs = [(cut[(p['shape'], p['tokens'])], p['eff'], p['macs']) for p in lat if (p['shape'], p['tokens']) in cut]
            for lo, hi in [(0, 2 ** 26), (2 ** 26, 2 ** 30), (2 ** 30, 2 ** 40)]:
                r = [b / a for a, b, m in pairs if lo <= m < hi]
                if r:
                    print(f'  TRTLLM-Gen (min_latency) over CUTLASS, same shape and tokens, expert MACs {lo:.1e}-{hi:.1e}: median {sorted(r)[len(r) // 2]:.2f}x ({len(r)} pairs)')


if __name__ == '__main__':
    main()
