#!/usr/bin/env python3
"""Serving- and training-side kernel costs on an NVIDIA GPU that the earlier scripts did not measure. Companion of
hopper-kernels.py and eager-runtimes.py (bench/gpu/README.md).

usage: python3 bench/gpu/serving-kernels.py OUTDIR [--sections sampler,llama_generate,train_layouts]

  sampler         the per-step sampling work of a serving engine on [batch, vocab] logits, each op alone (kernels
                  only, CUDA-graph replay): bf16 -> fp32 cast, softmax, full-vocabulary sort, top-k, the top-k/top-p
                  mask written in plain torch ops (sort, softmax, cumsum, scatter), exponential-race sampling, argmax
  llama_generate  transformers generate() per decode step for a Llama-3.1-8B-shaped model (random bf16 weights) at 32
                  and 4 decoder layers, batch 1 and 8, SDPA forced to FlashAttention-2 and every run preceded by a
                  run of the same length (so no attention shape is new): per-step host + kernel time, per layer
  llama_host      more of the same: 16 layers, batch 32, and a Qwen3-8B shape at 36 and 4 layers (not in the default set)
  train_layouts   bf16 GEMMs of a training step in their three layouts at Llama shapes: forward (X W^T), input grad
                  (dY W) and weight grad (dY^T X, the token count is the reduction): does backward run at the forward rate
Writes OUTDIR/serving.json after each section.
"""
import os
import time

import torch

import common  # bench/gpu/common.py: OUTDIR, --sections, the result file, log, time budget, section runner

hk = common.load_script("hopper-kernels.py")  # its timers (graph_time, kernel_profile, copies_for)

SECTIONS = common.sections("sampler,llama_generate,train_layouts")
DEV = "cuda"
RUN = common.Run("hwperf-gpu-serving/1", "serving.json", float(os.environ.get("SERVING_KERNELS_BUDGET_S", "240")))
RESULT, log, save, late = RUN.result, RUN.log, RUN.save, RUN.late


# ------------------------------------------------------------------------------------------------ sampler
def top_k_top_p_mask(logits, k, p):
    """The textbook top-k then top-p (nucleus) mask over a full-vocabulary sort, in plain torch ops."""
    srt, idx = logits.sort(dim=-1, descending=False)
    kth = srt.gather(-1, (srt.shape[-1] - k).expand(srt.shape[0], 1))
    srt = srt.masked_fill(srt < kth, float("-inf"))
    probs = srt.softmax(dim=-1)
    cum = probs.cumsum(dim=-1)
    srt = srt.masked_fill(cum <= 1 - p, float("-inf"))
    return logits.scatter(-1, idx, srt)


def sec_sampler():
    rows = []
    for vocab in (151936, 128256, 201088):
        for b in (1, 64, 256, 512, 1024):
            if late():
                break
            raw = torch.randn(b, vocab, device=DEV, dtype=torch.bfloat16)
            x = raw.float()
            k = torch.full((b, 1), 20, device=DEV, dtype=torch.long)
            ops = {
                "cast_fp32": lambda: raw.float(),
                "softmax": lambda: x.softmax(dim=-1),
                "sort": lambda: x.sort(dim=-1, descending=False),
                "topk20": lambda: x.topk(20, dim=-1),
                "top_k_top_p": lambda: top_k_top_p_mask(x, k, 0.95),
                "exp_race": lambda: (x.softmax(dim=-1) / torch.empty_like(x).exponential_()).argmax(dim=-1),
                "argmax": lambda: x.argmax(dim=-1),
            }
            row = {"vocab": vocab, "batch": b}
            for name, fn in ops.items():
                try:
                    row[name + "_s"] = hk.graph_time([fn], min_ms=10.0)
                except Exception as e:
                    row[name + "_error"] = str(e)[:200]
            log("sampler", {kk: (round(v * 1e6, 1) if isinstance(v, float) else v) for kk, v in row.items()})
            rows.append(row)
            del raw, x
        RESULT["sections"]["sampler"] = rows
        save()
        torch.cuda.empty_cache()


# ------------------------------------------------------------------------------------------------ llama generate
def sec_llama_generate(cases=((32, (1, 8)), (4, (1, 8))), arch="llama", key="llama_generate"):
    from torch.nn.attention import SDPBackend, sdpa_kernel
    from transformers import GenerationConfig
    rows = RESULT["sections"].get(key, [])
    for layers, batches in cases:
        if arch == "qwen3":
            from transformers import Qwen3Config, Qwen3ForCausalLM
            cfg = Qwen3Config(hidden_size=4096, intermediate_size=12288, num_hidden_layers=layers, num_attention_heads=32,
                              num_key_value_heads=8, head_dim=128, vocab_size=151936, max_position_embeddings=8192,
                              attn_implementation="sdpa")
            with torch.device(DEV):
                model = Qwen3ForCausalLM(cfg).to(torch.bfloat16).eval()
        else:
            model = common.llama_8b(layers, DEV)
        for b in batches:
            if late():
                break
            ids = torch.randint(0, 128000, (b, 128), device=DEV)

            def gen(n):
                gc = GenerationConfig(max_new_tokens=n, min_new_tokens=n, do_sample=False, eos_token_id=None, pad_token_id=0)
                with torch.no_grad(), sdpa_kernel([SDPBackend.FLASH_ATTENTION]):
                    return model.generate(input_ids=ids, generation_config=gc)

            row = {"arch": arch, "layers": layers, "batch": b, "prompt": 128}
            try:
                ts = {}
                for n in (32, 160):
                    gen(n)  # every attention shape of this length seen once
                    torch.cuda.synchronize()
                    t = time.perf_counter()
                    out = gen(n)
                    torch.cuda.synchronize()
                    ts[n] = time.perf_counter() - t
                    t = time.perf_counter()
                    gen(n)
                    torch.cuda.synchronize()
                    ts[n] = min(ts[n], time.perf_counter() - t)
                row.update({"s_32": ts[32], "s_160": ts[160], "step_s": (ts[160] - ts[32]) / 128,
                            "out_len": int(out.shape[-1])})
                kern = hk.kernel_profile(lambda: gen(32))
                row["kernel_us_32"] = sum(v["device_us"] for v in kern.values())
                row["kernels_32"] = sum(v["count"] for v in kern.values())
            except Exception as e:
                import traceback
                traceback.print_exc()
                row["error"] = str(e)[:300]
            log(key, row)
            rows.append(row)
            RESULT["sections"][key] = rows
            save()
        del model
        torch.cuda.empty_cache()


def sec_llama_host():
    """Second pass: a third depth (16 layers) and batch 32 for the per-layer line, and a Qwen3-8B shape (q/k norms)."""
    sec_llama_generate(cases=((16, (1, 8)), (32, (32,)), (4, (32,))), key="llama_generate")
    sec_llama_generate(cases=((36, (1,)), (4, (1,))), arch="qwen3", key="llama_generate")


# ------------------------------------------------------------------------------------------------ training layouts
def sec_train_layouts():
    """Forward Y = X W^T (X [T, k], W [n, k]); input grad dX = dY W (dY [T, n]); weight grad dW = dY^T X ([n, k],
    reduction over T). Each timed over rotating copies beyond the L2, kernels only."""
    rows = []
    shapes = [(4096, 4096), (6144, 4096), (28672, 4096), (4096, 14336), (10240, 8192), (8192, 8192), (57344, 8192),
              (8192, 28672), (2048, 2048), (768, 2048)]
    for t in (4096, 8192, 16384):
        for n, k in shapes:
            if late():
                break
            c = hk.copies_for((t * k + n * k + t * n) * 2)
            X = [torch.randn(t, k, device=DEV, dtype=torch.bfloat16) for _ in range(c)]
            W = [torch.randn(n, k, device=DEV, dtype=torch.bfloat16) for _ in range(c)]
            G = [torch.randn(t, n, device=DEV, dtype=torch.bfloat16) for _ in range(c)]
            row = {"tokens": t, "n": n, "k": k, "flops": 2.0 * t * n * k}
            for name, fns in (("fwd", [(lambda x=x, w=w: torch.matmul(x, w.t())) for x, w in zip(X, W)]),
                              ("dgrad", [(lambda g=g, w=w: torch.matmul(g, w)) for g, w in zip(G, W)]),
                              ("wgrad", [(lambda g=g, x=x: torch.matmul(g.t(), x)) for g, x in zip(G, X)])):
                try:
                    s = hk.graph_time(fns)
                    row[name + "_s"] = s
                    row[name + "_tflops"] = 2.0 * t * n * k / s / 1e12
                except Exception as e:
                    row[name + "_error"] = str(e)[:200]
            log("train_layouts", t, n, k, ["%s %.0f" % (nm, row.get(nm + "_tflops", float("nan"))) for nm in ("fwd", "dgrad", "wgrad")])
            rows.append(row)
            del X, W, G
        RESULT["sections"]["train_layouts"] = rows
        save()
        torch.cuda.empty_cache()


if __name__ == "__main__":
    RUN.add_host_cpu()
    RUN.run_sections((("sampler", sec_sampler), ("llama_generate", sec_llama_generate), ("llama_host", sec_llama_host), ("train_layouts", sec_train_layouts)),
                     SECTIONS)
