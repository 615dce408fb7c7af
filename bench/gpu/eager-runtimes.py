#!/usr/bin/env python3
"""Eager-PyTorch runtime measurements on an NVIDIA GPU: what a model costs when PyTorch runs it op by op (host
dispatch between kernels), beside the kernels themselves. Companion of hopper-kernels.py (bench/gpu/README.md).

usage: python3 bench/gpu/eager-runtimes.py OUTDIR [--sections stdit3_fa2,whisper,llama,moe_train]

  stdit3_fa2  the Open-Sora STDiT3 blocks of hopper-kernels.py with attention forced to SDPA's FlashAttention-2
              backend (Open-Sora 1.2 calls flash_attn_func, FA2), per-kernel profiler totals
  whisper     Hugging Face transformers Whisper (random weights, fp16, SDPA): encoder forward on 30 s of audio, and
              one decoder step with a KV cache, greedy (batch 1) and beam 5 (batch 5), eager, per model size
  llama       transformers Llama-3-8B shape (random bf16 weights): eager decode step at batch 1 and 8 with a cache
  moe_train   a token-choice MoE layer as torchtitan writes it (router, top-k, permute by argsort, torch._grouped_mm
              experts with rows padded to 16, unpermute with weights): forward and forward+backward, per-kernel
Writes OUTDIR/eager.json after each section.
"""
import json
import os
import sys
import time

import importlib.util

import torch
import torch.nn.functional as F

# hopper-kernels.py's STDiT3 block, RMSNorm chain and section runner (its own sections run only as a script)
_spec = importlib.util.spec_from_file_location("hopper_kernels", os.path.join(os.path.dirname(os.path.abspath(__file__)), "hopper-kernels.py"))
hk = importlib.util.module_from_spec(_spec)
_argv, sys.argv = sys.argv, [sys.argv[0]]
_spec.loader.exec_module(hk)
sys.argv = _argv

OUT = sys.argv[1] if len(sys.argv) > 1 else "."
SECTIONS = set((sys.argv[sys.argv.index("--sections") + 1] if "--sections" in sys.argv else
                "stdit3_fa2,whisper,llama,moe_train").split(","))
DEV = "cuda"
T0 = time.time()
BUDGET_S = float(os.environ.get("EAGER_RUNTIMES_BUDGET_S", "240"))
RESULT = {"schema": "hwperf-gpu-eager/1", "device": torch.cuda.get_device_name(0), "torch": torch.__version__,
          "date": time.strftime("%Y-%m-%d"), "sections": {}}


def log(*a):
    print("[%6.1fs]" % (time.time() - T0), *a, flush=True)


def save():
    with open(os.path.join(OUT, "eager.json"), "w") as f:
        json.dump(RESULT, f)


def late():
    return time.time() - T0 > BUDGET_S


def ev_time(fn, n=5, warm=2):
    for _ in range(warm):
        fn()
    torch.cuda.synchronize()
    e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    e0.record()
    for _ in range(n):
        fn()
    e1.record()
    torch.cuda.synchronize()
    return e0.elapsed_time(e1) / n / 1e3


def kernel_profile(fn):
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        fn()
        torch.cuda.synchronize()
    kern = {}
    for ev in prof.key_averages():
        dt = getattr(ev, "device_time_total", None) or getattr(ev, "cuda_time_total", 0)
        if dt and ev.count:
            kern[ev.key[:160]] = {"count": ev.count, "device_us": dt}
    return kern


def sec_stdit3_fa2():
    from torch.nn.attention import SDPBackend, sdpa_kernel
    rows = []
    for label, T, Hh, Ww in (("720p-51f", 15, 45, 80), ("360p-51f", 15, 23, 40)):
        S, B, d = Hh * Ww, 2, 1152
        x = torch.randn(B, d, T * S, device=DEV, dtype=torch.bfloat16).transpose(1, 2)
        y = torch.randn(B, 300, d, device=DEV, dtype=torch.bfloat16)
        t = torch.randn(B, 6 * d, device=DEV, dtype=torch.bfloat16)
        t0 = torch.randn(B, 6 * d, device=DEV, dtype=torch.bfloat16)
        xm = torch.ones(B, T, device=DEV, dtype=torch.bool)
        for temporal in (False, True):
            blk = hk.Block(temporal=temporal).to(DEV, torch.bfloat16).eval()
            with torch.no_grad(), sdpa_kernel([SDPBackend.FLASH_ATTENTION]):
                f = lambda: blk(x, y, t, t0, xm, T, S)
                sec = ev_time(f)
                kern = kernel_profile(f)
            rows.append({"label": label, "block": "temporal" if temporal else "spatial", "eager_seconds": sec,
                         "kernel_us_total": sum(v["device_us"] for v in kern.values()), "kernels": kern})
            log("stdit3_fa2", label, rows[-1]["block"], "%.2f ms" % (sec * 1e3))
            del blk
        torch.cuda.empty_cache()
    RESULT["sections"]["stdit3_fa2"] = rows
    save()


WHISPER = {  # openai/whisper model dims (whisper/__init__.py _MODELS, model.py ModelDimensions)
    "tiny": (384, 4, 4, 6), "base": (512, 6, 6, 8), "small": (768, 12, 12, 12), "medium": (1024, 24, 24, 16),
    "large-v3": (1280, 32, 32, 20), "large-v3-turbo": (1280, 32, 4, 20)}


def sec_whisper():
    from transformers import WhisperConfig, WhisperForConditionalGeneration
    from transformers.cache_utils import DynamicCache, EncoderDecoderCache
    rows = []
    for name, (dm, el, dl, h) in WHISPER.items():
        if late():
            break
        mels = 128 if name.startswith("large-v3") else 80
        cfg = WhisperConfig(d_model=dm, encoder_layers=el, decoder_layers=dl, encoder_attention_heads=h, decoder_attention_heads=h,
                            encoder_ffn_dim=4 * dm, decoder_ffn_dim=4 * dm, num_mel_bins=mels, vocab_size=51866,
                            max_source_positions=1500, max_target_positions=448, attn_implementation="sdpa")
        with torch.device(DEV):
            model = WhisperForConditionalGeneration(cfg).to(torch.float16).eval()
        feats = torch.randn(1, mels, 3000, device=DEV, dtype=torch.float16)
        row = {"model": name, "d_model": dm, "encoder_layers": el, "decoder_layers": dl}
        with torch.no_grad():
            enc = model.model.encoder(feats)
            row["encoder_seconds"] = ev_time(lambda: model.model.encoder(feats), n=5)
            hs = enc.last_hidden_state
            for beams in (1, 5):
                hsb = hs.expand(beams, -1, -1).contiguous()
                ids = torch.full((beams, 4), 50258, device=DEV, dtype=torch.long)
                cache = EncoderDecoderCache(DynamicCache(), DynamicCache())
                out = model(encoder_outputs=(hsb,), decoder_input_ids=ids, past_key_values=cache, use_cache=True)
                cache = out.past_key_values
                nxt = out.logits[:, -1:].argmax(-1)
                torch.cuda.synchronize()
                steps = 64
                t = time.perf_counter()
                for _ in range(steps):
                    out = model(encoder_outputs=(hsb,), decoder_input_ids=nxt, past_key_values=cache, use_cache=True)
                    cache = out.past_key_values
                    nxt = out.logits[:, -1:].argmax(-1)
                torch.cuda.synchronize()
                row["decode_step_seconds_beams%d" % beams] = (time.perf_counter() - t) / steps
                kern = kernel_profile(lambda: model(encoder_outputs=(hsb,), decoder_input_ids=nxt, past_key_values=cache, use_cache=True))
                row["decode_step_kernel_us_beams%d" % beams] = sum(v["device_us"] for v in kern.values())
                row["decode_step_kernels_beams%d" % beams] = sum(v["count"] for v in kern.values())
        log("whisper", row)
        rows.append(row)
        RESULT["sections"]["whisper"] = rows
        save()
        del model
        torch.cuda.empty_cache()


def sec_llama():
    from transformers import LlamaConfig, LlamaForCausalLM
    from transformers.cache_utils import DynamicCache
    cfg = LlamaConfig(hidden_size=4096, intermediate_size=14336, num_hidden_layers=32, num_attention_heads=32,
                      num_key_value_heads=8, vocab_size=128256, max_position_embeddings=8192, attn_implementation="sdpa")
    with torch.device(DEV):
        model = LlamaForCausalLM(cfg).to(torch.bfloat16).eval()
    rows = []
    with torch.no_grad():
        for b in (1, 8):
            ids = torch.randint(0, 128000, (b, 128), device=DEV)
            cache = DynamicCache()
            out = model(input_ids=ids, past_key_values=cache, use_cache=True)
            nxt = out.logits[:, -1:].argmax(-1)
            torch.cuda.synchronize()
            steps = 32
            t = time.perf_counter()
            for _ in range(steps):
                out = model(input_ids=nxt, past_key_values=cache, use_cache=True)
                nxt = out.logits[:, -1:].argmax(-1)
            torch.cuda.synchronize()
            step = (time.perf_counter() - t) / steps
            kern = kernel_profile(lambda: model(input_ids=nxt, past_key_values=cache, use_cache=True))
            rows.append({"batch": b, "context": 128 + steps, "step_seconds": step, "kernel_us": sum(v["device_us"] for v in kern.values()),
                         "kernels": sum(v["count"] for v in kern.values())})
            log("llama", rows[-1])
    RESULT["sections"]["llama"] = rows
    save()
    del model
    torch.cuda.empty_cache()


def moe_layer(x, wr, w1, w3, w2, k):
    """torchtitan-style token-choice MoE: router, top-k, sort by expert, pad rows to 16, grouped SwiGLU, unpermute."""
    E = wr.shape[0]
    scores = (x @ wr.t()).float().softmax(-1)
    topv, topi = scores.topk(k, dim=-1)
    flat = topi.flatten()
    order = flat.argsort(stable=True)
    counts = torch.bincount(flat, minlength=E)
    padded = ((counts + 15) // 16) * 16
    offs = padded.cumsum(0).to(torch.int32)
    starts = offs - padded
    rank = torch.arange(flat.numel(), device=x.device) - (counts.cumsum(0) - counts).repeat_interleave(counts)
    dest = starts.repeat_interleave(counts) + rank
    tok = order // k
    buf = x.new_zeros(int(padded.sum().item()), x.shape[1])
    buf = buf.index_copy(0, dest, x[tok])
    h = F.silu(torch._grouped_mm(buf, w1.transpose(-2, -1), offs=offs)) * torch._grouped_mm(buf, w3.transpose(-2, -1), offs=offs)
    o = torch._grouped_mm(h, w2.transpose(-2, -1), offs=offs)
    o = o[dest] * topv.flatten()[order].unsqueeze(1).to(o.dtype)
    return torch.zeros_like(x).index_add(0, tok, o)


def sec_moe_train():
    rows = []
    for name, d, f, E, k in (("qwen3-30b-a3b", 2048, 768, 128, 8), ("gpt-oss-120b", 2880, 2880, 128, 4),
                             ("deepseek-v3-ep8", 7168, 2048, 32, 8), ("mixtral-8x7b", 4096, 14336, 8, 2)):
        if late():
            break
        T = 16384
        try:
            x = torch.randn(T, d, device=DEV, dtype=torch.bfloat16, requires_grad=True)
            ps = [torch.nn.Parameter(torch.randn(*s, device=DEV, dtype=torch.bfloat16) * 0.02) for s in ((E, d), (E, f, d), (E, f, d), (E, d, f))]
            fwd = lambda: moe_layer(x, *ps, k)
            tf = ev_time(lambda: fwd(), n=3)
            g = torch.randn(T, d, device=DEV, dtype=torch.bfloat16)
            tb = ev_time(lambda: fwd().backward(g), n=3)
            kern = kernel_profile(lambda: fwd().backward(g))
            expert_flops = 2.0 * T * k * d * f * 3
            rows.append({"model": name, "tokens": T, "d": d, "f": f, "experts": E, "topk": k, "fwd_seconds": tf,
                         "fwd_bwd_seconds": tb, "expert_fwd_flops": expert_flops, "kernels": kern})
            log("moe_train", name, "fwd %.2f ms fwd+bwd %.2f ms expert-GEMM fwd %.0f TF/s-equivalent" % (tf * 1e3, tb * 1e3, expert_flops / tf / 1e12))
        except Exception as e:
            import traceback
            traceback.print_exc()
            rows.append({"model": name, "error": str(e)[:300]})
        RESULT["sections"]["moe_train"] = rows
        save()
        torch.cuda.empty_cache()


if __name__ == "__main__":
    hk.run_sections((("stdit3_fa2", sec_stdit3_fa2), ("moe_train", sec_moe_train), ("whisper", sec_whisper), ("llama", sec_llama)),
                    SECTIONS, RESULT, save, late, log)
