#!/usr/bin/env python3
"""hwperf torch backend: micro-benchmarks of the accelerator PyTorch sees (CUDA, ROCm, MPS, Ascend NPU
via torch_npu, or CPU). Prints one JSON object (schema "hwperf-torch-bench/1") that hwperf parses
(src/bench/torch.ts):

  gemm        torch.matmul by dtype (fp32, tf32, bf16, fp16; fp8 via torch._scaled_mm where supported)
              and square/skinny shapes, FLOP = 2·m·n·k
  copy/triad  device-memory bandwidth, STREAM conventions (McCalpin): copy 2, triad 3 arrays moved
  attention   torch.nn.functional.scaled_dot_product_attention, FLOP = 4·b·h·s²·d (non-causal)
  allreduce   torch.distributed all_reduce over all local devices when there are several
              (NCCL-tests busbw convention: algbw · 2(n−1)/n), run with torch.multiprocessing

usage: python3 bench.py [--quick]
"""
import json
import os
import sys
import time

import torch


def pick_device():
    if torch.cuda.is_available():
        return "cuda", torch.cuda.get_device_name(0), torch.cuda.device_count()
    try:
        import torch_npu  # noqa: F401  (Ascend)

        if torch.npu.is_available():
            return "npu", torch.npu.get_device_name(0), torch.npu.device_count()
    except Exception:
        pass
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return "mps", "Apple GPU (MPS)", 1
    return "cpu", "CPU (torch %s, %d threads)" % (torch.__version__, torch.get_num_threads()), 1


DEV, NAME, COUNT = pick_device()


def sync():
    if DEV == "cuda":
        torch.cuda.synchronize()
    elif DEV == "npu":
        torch.npu.synchronize()
    elif DEV == "mps":
        torch.mps.synchronize()


def timeit(fn, min_time=0.05, reps=3):
    fn()
    sync()
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        sync()
        dt = time.perf_counter() - t0
        if dt > min_time or n > 1 << 16:
            break
        n *= 4
    best = dt / n
    for _ in range(reps - 1):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        sync()
        best = min(best, (time.perf_counter() - t0) / n)
    return best


DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}


def bench_gemm(quick):
    out = []
    big = 1024 if DEV == "cpu" else 8192
    sizes = [256, 1024, big] if quick else [256, 512, 1024, 2048, 4096, big]
    shapes = [(s, s, s) for s in sorted(set(sizes))] + ([] if quick else [(16, big, big), (big, big // 4, big)])
    for name, dt in DTYPES.items():
        if DEV == "cpu" and name == "fp16":
            continue
        for m, n, k in shapes:
            try:
                a = torch.randn(m, k, device=DEV, dtype=dt)
                b = torch.randn(k, n, device=DEV, dtype=dt)
                s = timeit(lambda: torch.matmul(a, b))
                out.append({"m": m, "n": n, "k": k, "dtype": name, "seconds": s, "flops_per_s": 2.0 * m * n * k / s})
            except Exception as e:  # dtype unsupported on this device
                print("gemm %s %dx%dx%d: %s" % (name, m, n, k, e), file=sys.stderr)
                break
    if DEV == "cuda" and hasattr(torch, "_scaled_mm") and hasattr(torch, "float8_e4m3fn"):
        for s in sizes:
            try:
                a = torch.randn(s, s, device=DEV).to(torch.float8_e4m3fn)
                b = torch.randn(s, s, device=DEV).to(torch.float8_e4m3fn).t()  # column-major B, as cuBLASLt wants
                one = torch.tensor(1.0, device=DEV)
                t = timeit(lambda: torch._scaled_mm(a, b, scale_a=one, scale_b=one, out_dtype=torch.bfloat16))
                out.append({"m": s, "n": s, "k": s, "dtype": "fp8", "seconds": t, "flops_per_s": 2.0 * s ** 3 / t})
            except Exception as e:
                print("fp8 gemm: %s" % e, file=sys.stderr)
                break
    return out


def bench_memory(quick):
    n = (64 if quick else 256) * 2 ** 20 // 4 if DEV != "cpu" else 32 * 2 ** 20 // 4
    a = torch.ones(n, device=DEV)
    b = torch.ones(n, device=DEV)
    c = torch.ones(n, device=DEV)
    copy = timeit(lambda: c.copy_(a))
    triad = timeit(lambda: torch.add(b, c, alpha=3.0, out=a))
    return 8.0 * n / copy, 12.0 * n / triad


def bench_attention(quick):
    out = []
    f = getattr(torch.nn.functional, "scaled_dot_product_attention", None)
    if f is None:
        return out
    dt = torch.float32 if DEV == "cpu" else torch.bfloat16
    for seq in ([512, 2048] if quick else [512, 1024, 2048, 4096]):
        b, h, d = 4, 16, 128
        try:
            q, k, v = (torch.randn(b, h, seq, d, device=DEV, dtype=dt) for _ in range(3))
            s = timeit(lambda: f(q, k, v))
            out.append({"batch": b, "heads": h, "seq": seq, "head_dim": d, "dtype": "fp32" if dt == torch.float32 else "bf16",
                        "flops_per_s": 4.0 * b * h * seq * seq * d / s})
        except Exception as e:
            print("attention: %s" % e, file=sys.stderr)
    return out


def _allreduce_worker(rank, world, sizes, q):
    import torch.distributed as dist

    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", "29517")
    backend = "nccl" if DEV == "cuda" else ("hccl" if DEV == "npu" else "gloo")
    dist.init_process_group(backend, rank=rank, world_size=world)
    dev = "%s:%d" % (DEV, rank) if DEV in ("cuda", "npu") else "cpu"
    if DEV == "cuda":
        torch.cuda.set_device(rank)
    res = []
    for nbytes in sizes:
        x = torch.ones(nbytes // 4, device=dev)
        dist.barrier()
        s = timeit(lambda: dist.all_reduce(x), min_time=0.02)
        res.append({"bytes": nbytes, "devices": world, "seconds": s, "bus_bandwidth_bytes_per_s": nbytes / s * 2 * (world - 1) / world})
    if rank == 0:
        q.put(res)
    dist.destroy_process_group()


def bench_allreduce(quick):
    if COUNT < 2:
        return []
    import torch.multiprocessing as mp

    sizes = [2 ** 20, 2 ** 26] if quick else [2 ** 20, 2 ** 23, 2 ** 26, 2 ** 28]
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    mp.spawn(_allreduce_worker, args=(COUNT, sizes, q), nprocs=COUNT, join=True)
    return q.get()


def capacity():
    if DEV == "cuda":
        return torch.cuda.get_device_properties(0).total_memory
    if DEV == "npu":
        return torch.npu.get_device_properties(0).total_memory
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 0


def main():
    quick = "--quick" in sys.argv
    if DEV == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False  # fp32 means fp32; tf32 would be a different peak
    copy, triad = bench_memory(quick)
    result = {
        "schema": "hwperf-torch-bench/1",
        "device": NAME,
        "device_type": DEV,
        "device_count": COUNT,
        "torch": torch.__version__,
        "memory_capacity_bytes": capacity(),
        "copy_bytes_per_s": copy,
        "triad_bytes_per_s": triad,
        "gemm": bench_gemm(quick),
        "attention": bench_attention(quick),
        "allreduce": bench_allreduce(quick),
        "notes": [],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
