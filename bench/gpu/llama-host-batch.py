#!/usr/bin/env python3
"""Why does transformers generate() on a Llama shape cost the host more per decoder layer at batch 8/32 than at batch 1
(h200-serving-2026-12-04 llama_generate: 0.50 ms per layer at batch 1, 0.78 at batch 8, 0.72 at batch 32, with the
same 1,541 kernels per step)? Companion of serving-kernels.py (bench/gpu/README.md). ~60-90 s on an H200.

usage: python3 bench/gpu/llama-host-batch.py OUTDIR

  linear_issue   host time to issue 200 F.linear calls (no sync inside the loop; fewer calls than the launch queue
                 holds, so the loop's wall time is the host's) at the Llama-3.1-8B decode shapes, rows 1 / 8 / 32:
                 does cuBLAS (or ATen) cost the host more per GEMM call when the GEMM has more than one row?
  op_host        torch.profiler CPU self time per aten op for 16 generate() steps of an 8-layer Llama shape (FA2,
                 shapes warmed) at batch 1 / 8 / 32, and the steps' wall time: which ops' host time grows with batch
Writes OUTDIR/llama-host-batch.json.
"""
import time

import torch
import torch.nn.functional as F

import common  # bench/gpu/common.py: OUTDIR, the result file, log, section runner

DEV = "cuda"
RUN = common.Run("hwperf-gpu-llama-host-batch/1", "llama-host-batch.json")
RESULT, log, save = RUN.result, RUN.log, RUN.save


def linear_issue():
    rows = []
    shapes = [(4096, 4096), (1024, 4096), (14336, 4096), (4096, 14336), (128256, 4096)]
    for n, k in shapes:
        W = torch.randn(n, k, device=DEV, dtype=torch.bfloat16)
        for b in (1, 8, 32):
            x = torch.randn(b, 1, k, device=DEV, dtype=torch.bfloat16)
            for _ in range(20):
                F.linear(x, W)
            torch.cuda.synchronize()
            best = 1e9
            for _ in range(3):
                t = time.perf_counter()
                for _ in range(200):
                    F.linear(x, W)
                best = min(best, (time.perf_counter() - t) / 200)
                torch.cuda.synchronize()
            row = {"n": n, "k": k, "rows": b, "issue_us": best * 1e6}
            log("linear_issue", row)
            rows.append(row)
        del W
    RESULT["sections"]["linear_issue"] = rows
    save()


def op_host():
    from torch.nn.attention import SDPBackend, sdpa_kernel
    from torch.profiler import ProfilerActivity, profile
    from transformers import GenerationConfig
    model = common.llama_8b(8, DEV)
    rows = []
    for b in (1, 8, 32):
        ids = torch.randint(1, 128000, (b, 128), device=DEV)

        def gen(n):
            gc = GenerationConfig(max_new_tokens=n, min_new_tokens=n, do_sample=False, eos_token_id=None, pad_token_id=0)
            with torch.no_grad(), sdpa_kernel([SDPBackend.FLASH_ATTENTION]):
                return model.generate(input_ids=ids, generation_config=gc)

        ts = {}
        for n in (16, 80):
            gen(n)
            torch.cuda.synchronize()
            best = 1e9
            for _ in range(2):
                t = time.perf_counter()
                gen(n)
                torch.cuda.synchronize()
                best = min(best, time.perf_counter() - t)
            ts[n] = best
        with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
            gen(16)
            torch.cuda.synchronize()
        ops = {}
        for ev in prof.key_averages():
            cpu = getattr(ev, "self_cpu_time_total", 0)
            if ev.count and cpu > 50:
                ops[ev.key[:120]] = {"count": ev.count, "self_cpu_us": cpu,
                                     "device_us": getattr(ev, "self_device_time_total", 0) or getattr(ev, "self_cuda_time_total", 0)}
        row = {"layers": 8, "batch": b, "step_s": (ts[80] - ts[16]) / 64, "s_16": ts[16], "ops_16": ops}
        log("op_host", b, row["step_s"], sorted(((v["self_cpu_us"], k) for k, v in ops.items()), reverse=True)[:12])
        rows.append(row)
        RESULT["sections"]["op_host"] = rows
        save()


if __name__ == "__main__":
    RUN.add_host_cpu()
    RUN.run_sections((("linear_issue", linear_issue), ("op_host", op_host)))
