#!/usr/bin/env python3
"""L2-resident activations: how fast does a chain of elementwise kernels run when each reads the tensor the one before
it wrote, against the tensor's size? src/sim/l2-resident.ts prices an activation-only elementwise/norm kernel whose
bytes fit in L2 at the part's L2 rate (hardware on_chip.l2_bandwidth), set today only on the DGX Spark (Chips and
Cheese's "just under 1 TB/s" L2 write figure); the RTX 5090 / H100 / H200 files state no L2 rate, so their whisper.cpp
and encoder rows keep DRAM rates. This measures the rate on whatever GPU runs it, so a part's file can cite it.
Standalone except bench/gpu/common.py. ~30 s on one GPU.

usage: python3 bench/gpu/l2-resident-elementwise.py OUTDIR

  chain  f32 tensors of 1-512 MB (per tensor): 20 dependent ops a.add_(1.0) ... (in place, as ggml-alloc reuses a
         buffer) and 20 out-of-place chains over two ping-pong buffers (b = a + 1; a = b + 1), replayed from one
         captured CUDA graph; reports µs per op and bytes moved (read + write) / time. Below the L2 size the rate is the
         L2's (what on_chip.l2_bandwidth would cite), far above it DRAM's (efficiency.memory); the step between them
         is where a kernel's bytes stop fitting.
  layer  a whisper.cpp-like encoder sequence at 1500 x d f32 (d = 384, 1024): layer_norm, three bias adds, GELU over
         4d, residual add — the memory-bound ops between whisper.cpp's GEMMs — timed as one graph, to compare with
         their bytes at the DRAM rate.
Writes OUTDIR/l2-resident-elementwise.json.
"""
import torch
import torch.nn.functional as F

import common  # bench/gpu/common.py: OUTDIR, the result file, log

DEV = "cuda"
RUN = common.Run("hwperf-gpu-l2-resident/1", "l2-resident-elementwise.json", indent=1)
RESULT, log, save = RUN.result, RUN.log, RUN.save
MB = 1 << 20
SIZES_MB = [1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 256, 512]


def graph_time(fn, replays=20):
    """device seconds per replay of one captured CUDA graph of fn()"""
    return common.graph_seconds(fn, calls=1, replays=replays, warm=1)


def chain(ops=20):
    rows = []
    for mb in SIZES_MB:
        n = mb * MB // 4
        a = torch.zeros(n, device=DEV)
        b = torch.zeros(n, device=DEV)

        def inplace():
            for _ in range(ops):
                a.add_(1.0)

        def pingpong():
            for _ in range(ops // 2):
                torch.add(a, 1.0, out=b)
                torch.add(b, 1.0, out=a)

        row = {"tensor_MB": mb}
        for name, fn in (("inplace", inplace), ("pingpong", pingpong)):
            t = graph_time(fn) / ops
            row[name + "_us"] = t * 1e6
            row[name + "_GBps"] = 2 * n * 4 / t / 1e9
        log("chain", row)
        rows.append(row)
        del a, b
    RESULT["sections"]["chain"] = rows
    save()


def layer():
    rows = []
    for d in (384, 1024):
        x = torch.randn(1500, d, device=DEV)
        h = torch.randn(1500, 4 * d, device=DEV)
        w, bias, b4 = torch.randn(d, device=DEV), torch.randn(d, device=DEV), torch.randn(4 * d, device=DEV)

        def ops():
            y = F.layer_norm(x, (d,), w, bias)
            for _ in range(3):
                y = y + bias
            g = F.gelu(h + b4)
            return x + y, g

        t = graph_time(ops)
        moved = (1500 * d * 4) * (2 + 3 * 2 + 3) + (1500 * 4 * d * 4) * 4  # norm r+w, 3 adds r+w, residual 2r+w; bias+gelu
        row = {"d": d, "us": t * 1e6, "bytes": moved, "GBps": moved / t / 1e9}
        log("layer", row)
        rows.append(row)
    RESULT["sections"]["layer"] = rows
    save()


if __name__ == "__main__":
    chain()
    layer()
    log("done")
