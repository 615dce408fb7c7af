# Sustained vs burst GEMM rate on one Hopper GPU (fp8 fast / split accumulation via torch._scaled_mm, bf16 matmul) at
# Llama-70B TP4 training shapes, run back to back for ~15 s each, with the SM clock and power sampled by nvidia-smi.
# Confirms on this machine what public MSMF/MAMF pairs and the grid's own timing already indicate (bench/gpu/README.md,
# "Clock under load"): the Hopper GEMM tables, measured back to back, hold the power-limited clock, so h200-sxm.yaml
# needs no sustained_matrix. The sustained TFLOP/s here should match the grid's rate for this shape; the burst should
# exceed it by ~1/0.89.
# Usage: python3 bench/gpu/fp8-sustained.py $OUT   (~80 s) -> $OUT/fp8-sustained.json
import json, os, subprocess, sys, time
import torch

out = sys.argv[1] if len(sys.argv) > 1 else '.'
dev = torch.device('cuda')
M, N, K = 8192, 7168, 8192  # tokens x (ffn 28672/4) x hidden: Llama-3-70B TP4 fc2-like

def smi():
    r = subprocess.run(['nvidia-smi', '--query-gpu=clocks.sm,power.draw,temperature.gpu', '--format=csv,noheader,nounits'], capture_output=True, text=True)
    try:
        c, p, t = [float(x) for x in r.stdout.strip().split(',')]
        return {'sm_mhz': c, 'power_w': p, 'temp_c': t}
    except Exception:
        return {'raw': r.stdout.strip()}

def make(kind):
    if kind == 'bf16':
        a = torch.randn(M, K, device=dev, dtype=torch.bfloat16)
        b = torch.randn(N, K, device=dev, dtype=torch.bfloat16).t()
        return lambda: torch.matmul(a, b)
    a = torch.randn(M, K, device=dev).to(torch.float8_e4m3fn)
    b = torch.randn(N, K, device=dev).to(torch.float8_e4m3fn).t()
    s = torch.tensor(1.0, device=dev)
    fast = kind == 'fp8_fast'
    return lambda: torch._scaled_mm(a, b, scale_a=s, scale_b=s, out_dtype=torch.bfloat16, use_fast_accum=fast)

flop = 2 * M * N * K
res = {'shape': [M, N, K], 'gpu': torch.cuda.get_device_name(), 'torch': torch.__version__, 'runs': {}}
for kind in ['fp8_fast', 'fp8_split', 'bf16']:
    f = make(kind)
    for _ in range(5): f()
    torch.cuda.synchronize(); time.sleep(4)  # cool down
    e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    e0.record()
    for _ in range(20): f()
    e1.record(); torch.cuda.synchronize()
    burst = flop * 20 / (e0.elapsed_time(e1) / 1e3) / 1e12
    windows = []
    t_end = time.time() + 15
    while time.time() < t_end:
        e0.record()
        for _ in range(100): f()
        e1.record(); torch.cuda.synchronize()
        windows.append({'tflops': flop * 100 / (e0.elapsed_time(e1) / 1e3) / 1e12, **smi()})
    last = windows[len(windows) // 2:]
    sus = sum(w['tflops'] for w in last) / len(last)
    res['runs'][kind] = {'burst_tflops': burst, 'sustained_tflops': sus, 'ratio': sus / burst, 'windows': windows}
    print(kind, 'burst', round(burst), 'sustained', round(sus), 'ratio', round(sus / burst, 3), 'last', windows[-1], flush=True)
os.makedirs(out, exist_ok=True)
json.dump(res, open(os.path.join(out, 'fp8-sustained.json'), 'w'), indent=1)
