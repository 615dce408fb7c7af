#!/usr/bin/env python3
"""Where does a small model's eager training step go: host or device, forward or backward? Companion of
llama-host-batch.py (bench/gpu/README.md). Not yet run. ~3-4 min on an H200 (TE section only if transformer_engine
imports; the device machine has no network, so it is skipped unless TE is preinstalled).

Question (src/sim/training, validation rows N1609/N1627/N1628): GPT-2 XL (48 layers, d 1600, 25 heads, seq 1024)
trained with Transformer Engine fp8 on one H100 reached 345/399/442/490 TFLOP/s at batch 8/10/12/14 (ROCm/
TransformerEngine issue #72): step = 0.176 s + 9.9 ms x batch. hwperf prices ~8 ms fixed and ~18 ms per sample. Is
the fixed part host time (forward issue), device time that does not scale with batch (weight casts, fp32 grad
accumulation, optimizer), or an artefact of averaging warm-up steps?

usage: python3 bench/gpu/train-host.py OUTDIR [sections...]

  plain     nanoGPT-style GPT-2 XL block stack in plain PyTorch (bf16 autocast, fp32 params, nn.Linear, LayerNorm,
            SDPA causal, GELU, tied LM head + cross-entropy), L = 12 and 24 layers, batch 1/4/8: per step
              host_fwd_ms   wall time to issue the forward (no sync inside; the queue is deep enough at L <= 24)
              fwd_ms        forward with a sync (max of host and device)
              bwd_ms        backward alone (loss.backward() then sync)
              opt_ms        fused AdamW step + zero_grad
              kernels_fwd / kernels_bwd   profiler kernel counts; dev_fwd_ms / dev_bwd_ms their summed device time
            slope over L gives per-layer costs, slope over batch the per-sample device cost.
  te        the same with te.TransformerLayer (fuse_qkv_params, bshd) under te.fp8_autocast(DelayedScaling HYBRID,
            amax_history_len 16, "max"), as issue #72's reproducer; plus te.__version__.
Writes OUTDIR/train-host.json (schema hwperf-gpu-train-host/1).
"""
import contextlib
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

import common  # bench/gpu/common.py: OUTDIR, the result file, log

WANTED = set(sys.argv[2:]) or {"plain", "te"}
DEV = "cuda"
D, H, S, V = 1600, 25, 1024, 50304
RUN = common.Run("hwperf-gpu-train-host/1", "train-host.json")
RESULT, log, save = RUN.result, RUN.log, RUN.save


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
        self.qkv, self.proj = nn.Linear(D, 3 * D), nn.Linear(D, D)
        self.fc, self.out = nn.Linear(D, 4 * D), nn.Linear(4 * D, D)

    def forward(self, x):
        q, k, v = self.qkv(self.ln1(x)).split(D, -1)
        q, k, v = (t.unflatten(-1, (H, D // H)).transpose(1, 2) for t in (q, k, v))
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).flatten(2)
        x = x + self.proj(a)
        return x + self.out(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, layers, te_layers=False):
        super().__init__()
        self.tok, self.pos = nn.Embedding(V, D), nn.Embedding(S, D)
        if te_layers:
            import transformer_engine.pytorch as te
            self.blocks = nn.ModuleList(te.TransformerLayer(D, 4 * D, H, layer_number=i + 1, fuse_qkv_params=True,
                                                            attn_input_format="bshd") for i in range(layers))
        else:
            self.blocks = nn.ModuleList(Block() for _ in range(layers))
        self.norm = nn.LayerNorm(D)

    def forward(self, idx):
        x = self.tok(idx) + self.pos(torch.arange(idx.size(1), device=idx.device)).unsqueeze(0)
        for b in self.blocks:
            x = b(x)
        return self.norm(x) @ self.tok.weight.T


def kernels_of(fn):
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        fn()
        torch.cuda.synchronize()
    ev = [e for e in prof.events() if e.device_type.name == "CUDA"]
    return len(ev), sum(e.device_time for e in ev) / 1e3  # count, ms


def measure(layers, batch, te_layers, ctx):
    torch.manual_seed(0)
    model = GPT(layers, te_layers).to(DEV)
    opt = torch.optim.AdamW(model.parameters(), fused=True)
    idx = torch.randint(V, (batch, S), device=DEV)
    lab = torch.randint(V, (batch, S), device=DEV)
    state = {}

    def fwd():
        with ctx():
            state["loss"] = F.cross_entropy(model(idx).flatten(0, 1), lab.flatten())

    def bwd():
        state["loss"].backward()

    def step():
        opt.step()
        opt.zero_grad(set_to_none=True)

    for _ in range(3):  # warm-up: autotuning, TE backend selection, allocator
        fwd(); bwd(); step()
    torch.cuda.synchronize()
    rows = []
    for _ in range(5):
        t = time.perf_counter(); fwd(); host = time.perf_counter() - t
        torch.cuda.synchronize(); f = time.perf_counter() - t
        t = time.perf_counter(); bwd(); torch.cuda.synchronize(); b = time.perf_counter() - t
        t = time.perf_counter(); step(); torch.cuda.synchronize(); o = time.perf_counter() - t
        rows.append((host, f, b, o))
    med = lambda i: sorted(r[i] for r in rows)[len(rows) // 2] * 1e3
    kf, df = kernels_of(fwd)
    kb, db = kernels_of(bwd)
    step()
    row = {"layers": layers, "batch": batch, "host_fwd_ms": med(0), "fwd_ms": med(1), "bwd_ms": med(2), "opt_ms": med(3),
           "kernels_fwd": kf, "dev_fwd_ms": df, "kernels_bwd": kb, "dev_bwd_ms": db}
    del model, opt, state
    torch.cuda.empty_cache()
    return row


def section(name, te_layers, ctx):
    rows = []
    for layers in (12, 24):
        for batch in (1, 4, 8):
            try:
                row = measure(layers, batch, te_layers, ctx)
            except torch.OutOfMemoryError as e:  # noqa: PERF203
                row = {"layers": layers, "batch": batch, "error": str(e)[:200]}
                torch.cuda.empty_cache()
            log(name, row)
            rows.append(row)
            RESULT["sections"][name] = rows
            save()


def main():
    if "plain" in WANTED:
        section("plain", False, lambda: torch.autocast("cuda", dtype=torch.bfloat16))
    if "te" in WANTED:
        try:
            import transformer_engine
            import transformer_engine.pytorch as te
            from transformer_engine.common.recipe import DelayedScaling, Format
        except ImportError as e:
            RESULT["sections"]["te"] = {"skipped": "transformer_engine not importable: %s" % e}
            save()
            return
        RESULT["te_version"] = transformer_engine.__version__
        recipe = DelayedScaling(fp8_format=Format.HYBRID, amax_history_len=16, amax_compute_algo="max")

        @contextlib.contextmanager
        def ctx():
            with te.fp8_autocast(enabled=True, fp8_recipe=recipe), torch.autocast("cuda", dtype=torch.bfloat16):
                yield

        section("te", True, ctx)


if __name__ == "__main__":
    main()
    log("done")
