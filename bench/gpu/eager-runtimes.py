#!/usr/bin/env python3
"""Eager-PyTorch runtime measurements on an NVIDIA GPU: what a model costs when PyTorch runs it op by op (host
dispatch between kernels), beside the kernels themselves. Companion of hopper-kernels.py (bench/gpu/README.md).

usage: python3 bench/gpu/eager-runtimes.py OUTDIR [--sections whisper_generate,encoder_profile,whisper,llama,fp32_gemm,moe_train,stdit3_fa2]

  whisper_generate  transformers generate() per decoder step (generic GenerationMixin loop and Whisper's own), greedy,
              beam 5 and batch 24, fp16 and fp32: the host work of the generation loop on top of the kernels
  encoder_profile  the eager Whisper encoder forward per model size: eager time beside its kernels' sum and count
  fp32_gemm   fp32 GEMMs with PyTorch's default allow_tf32=False, with TF32, and fp16, at Whisper encoder shapes
  stdit3_fa2  the Open-Sora STDiT3 blocks of hopper-kernels.py with attention forced to SDPA's FlashAttention-2
              backend (Open-Sora 1.2 calls flash_attn_func, FA2), per-kernel profiler totals
  whisper     Hugging Face transformers Whisper (random weights, fp16, SDPA): encoder forward on 30 s of audio, and
              one decoder step with a KV cache, greedy (batch 1) and beam 5 (batch 5), eager, per model size
  llama       transformers Llama-3-8B shape (random bf16 weights): eager decode step at batch 1 and 8 with a cache
  moe_train   a token-choice MoE layer as torchtitan writes it (router, top-k, permute by argsort, torch._grouped_mm
              experts with rows padded to 16, unpermute with weights): forward and forward+backward, per-kernel
Writes OUTDIR/eager.json after each section.
"""
import os
import time

import torch
import torch.nn.functional as F

import common  # bench/gpu/common.py: OUTDIR, --sections, the result file, log, time budget, section runner

# hopper-kernels.py's STDiT3 block, RMSNorm chain and timers (its own sections run only as a script)
hk = common.load_script("hopper-kernels.py")

SECTIONS = common.sections("whisper_generate,encoder_profile,whisper,llama,fp32_gemm,moe_train,stdit3_fa2")
DEV = "cuda"
RUN = common.Run("hwperf-gpu-eager/1", "eager.json", float(os.environ.get("EAGER_RUNTIMES_BUDGET_S", "240")))
RESULT, log, save, late = RUN.result, RUN.log, RUN.save, RUN.late


def ev_time(fn, n=5, warm=2):
    return common.cuda_seconds(fn, n, warm)


kernel_profile = hk.kernel_profile  # per-kernel device time and count of one call (hopper-kernels.py)


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


def whisper_model(name, dtype):
    from transformers import WhisperConfig, WhisperForConditionalGeneration
    dm, el, dl, h = WHISPER[name]
    mels = 128 if name.startswith("large-v3") else 80
    cfg = WhisperConfig(d_model=dm, encoder_layers=el, decoder_layers=dl, encoder_attention_heads=h, decoder_attention_heads=h,
                        encoder_ffn_dim=4 * dm, decoder_ffn_dim=4 * dm, num_mel_bins=mels, vocab_size=51866,
                        max_source_positions=1500, max_target_positions=448, attn_implementation="sdpa",
                        decoder_start_token_id=50258, eos_token_id=50257, pad_token_id=50257, bos_token_id=50257)
    with torch.device(DEV):
        model = WhisperForConditionalGeneration(cfg).to(dtype).eval()
    return model, mels


def sec_whisper():
    rows = []
    for name, dtype in [(n, torch.float16) for n in WHISPER] + [("large-v3", torch.float32)]:
        if late():
            break
        try:
            rows.append(whisper_row(name, dtype))
        except Exception as e:
            import traceback
            traceback.print_exc()
            rows.append({"model": name, "dtype": str(dtype), "error": str(e)[:300]})
        RESULT["sections"]["whisper"] = rows
        save()
        torch.cuda.empty_cache()


def whisper_row(name, dtype):
    from transformers.cache_utils import DynamicCache, EncoderDecoderCache
    dm, el, dl, h = WHISPER[name]
    model, mels = whisper_model(name, dtype)
    feats = torch.randn(1, mels, 3000, device=DEV, dtype=dtype)
    row = {"model": name, "dtype": str(dtype), "d_model": dm, "encoder_layers": el, "decoder_layers": dl,
           "allow_tf32": torch.backends.cuda.matmul.allow_tf32}
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
    del model
    return row


def sec_encoder_profile():
    """The eager Whisper encoder forward (one 30 s window, batch 1) per model size: its eager time beside the sum and
    count of its kernels (profiler), to separate the host's dispatch from the device's work."""
    rows = []
    for name, dtype in [(n, torch.float16) for n in WHISPER] + [("large-v3", torch.float32)]:
        if late():
            break
        model, mels = whisper_model(name, dtype)
        feats = torch.randn(1, mels, 3000, device=DEV, dtype=dtype)
        with torch.no_grad():
            f = lambda: model.model.encoder(feats)
            eager = ev_time(f, n=10, warm=3)
            kern = kernel_profile(f)
        rows.append({"model": name, "dtype": str(dtype), "encoder_layers": WHISPER[name][1], "eager_seconds": eager,
                     "kernel_us": sum(v["device_us"] for v in kern.values()), "kernels": sum(v["count"] for v in kern.values()),
                     "top": sorted(([k, v["count"], v["device_us"]] for k, v in kern.items()), key=lambda r: -r[2])[:8]})
        log("encoder_profile", {k: v for k, v in rows[-1].items() if k != "top"})
        del model
        torch.cuda.empty_cache()
    RESULT["sections"]["encoder_profile"] = rows
    save()


def sec_whisper_generate():
    """Hugging Face generate() per decoder step (host work of the generation loop + eager dispatch + kernels):
    the difference of two generate() calls forced to 32 and 128 new tokens (min_new_tokens = max_new_tokens),
    so the encoder and set-up cancel. Both the generic GenerationMixin loop and Whisper's own generate()."""
    from transformers import GenerationConfig, GenerationMixin
    rows = []
    for name, dtype, batch, beams in (("large-v3", torch.float16, 1, 1), ("large-v3", torch.float16, 1, 5),
                                      ("large-v3", torch.float16, 24, 1), ("large-v3", torch.float32, 1, 1),
                                      ("large-v3-turbo", torch.float16, 1, 1), ("large-v3-turbo", torch.float16, 1, 5),
                                      ("large-v3-turbo", torch.float16, 24, 1), ("small", torch.float16, 1, 1)):
        if late():
            break
        row = {"model": name, "dtype": str(dtype), "batch": batch, "beams": beams}
        try:
            model, mels = whisper_model(name, dtype)
            feats = torch.randn(batch, mels, 3000, device=DEV, dtype=dtype)
            def gen(n, whisper_path):
                gc = GenerationConfig(decoder_start_token_id=50258, eos_token_id=50257, pad_token_id=50257,
                                      max_new_tokens=n, min_new_tokens=n, num_beams=beams, do_sample=False)
                with torch.no_grad():
                    if whisper_path:
                        gc.no_timestamps_token_id = 50364
                        gc.is_multilingual = False
                        return model.generate(input_features=feats, generation_config=gc)
                    return GenerationMixin.generate(model, input_features=feats, generation_config=gc)
            for label, wp in (("generic", False), ("whisper", True)):
                try:
                    gen(4, wp)
                    ts = {}
                    for n in (32, 128):
                        torch.cuda.synchronize()
                        t = time.perf_counter()
                        out = gen(n, wp)
                        torch.cuda.synchronize()
                        ts[n] = time.perf_counter() - t
                    row[label + "_s_32"] = ts[32]
                    row[label + "_s_128"] = ts[128]
                    row[label + "_step_s"] = (ts[128] - ts[32]) / 96
                    row[label + "_out_len"] = int(out.shape[-1]) if hasattr(out, "shape") else None
                    if label == "generic":
                        kern = kernel_profile(lambda: gen(32, wp))
                        row["generic_kernel_us_32"] = sum(v["device_us"] for v in kern.values())
                        row["generic_kernels_32"] = sum(v["count"] for v in kern.values())
                except Exception as e:
                    import traceback
                    traceback.print_exc()
                    row[label + "_error"] = str(e)[:300]
            del model
        except Exception as e:
            import traceback
            traceback.print_exc()
            row["error"] = str(e)[:300]
        log("whisper_generate", row)
        rows.append(row)
        RESULT["sections"]["whisper_generate"] = rows
        save()
        torch.cuda.empty_cache()


def sec_llama():
    from transformers.cache_utils import DynamicCache
    model = common.llama_8b(32, DEV)
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
        try:
            from transformers import GenerationConfig
            for b in (1, 8):
                ids = torch.randint(0, 128000, (b, 128), device=DEV)
                ts = {}
                for n in (4, 32, 96):
                    gc = GenerationConfig(max_new_tokens=n, min_new_tokens=n, do_sample=False, eos_token_id=128001, pad_token_id=128001)
                    torch.cuda.synchronize()
                    t = time.perf_counter()
                    model.generate(input_ids=ids, generation_config=gc)
                    torch.cuda.synchronize()
                    ts[n] = time.perf_counter() - t
                rows.append({"batch": b, "generate_step_s": (ts[96] - ts[32]) / 64, "generate_s_32": ts[32], "generate_s_96": ts[96]})
                log("llama generate", rows[-1])
        except Exception as e:
            import traceback
            traceback.print_exc()
            rows.append({"generate_error": str(e)[:300]})
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


def sec_fp32_gemm():
    """fp32 GEMMs as PyTorch runs them by default (allow_tf32 False: the SIMT fp32 path) and with TF32, beside
    fp16, at Whisper encoder shapes (m = 1500 frames per 30 s window) and one square shape; kernels only."""
    rows = []
    for m, n, k in ((1500, 1280, 1280), (1500, 5120, 1280), (1500, 1280, 5120), (36000, 1280, 1280), (4096, 4096, 4096)):
        for kind in ("fp32", "tf32", "fp16"):
            dt = torch.float16 if kind == "fp16" else torch.float32
            c = hk.copies_for((m * k + k * n) * (2 if kind == "fp16" else 4))
            As = [torch.randn(m, k, device=DEV, dtype=dt) for _ in range(c)]
            Bs = [torch.randn(n, k, device=DEV, dtype=dt) for _ in range(c)]
            torch.backends.cuda.matmul.allow_tf32 = kind == "tf32"
            try:
                t = hk.graph_time([(lambda a=a, b=b: torch.matmul(a, b.t())) for a, b in zip(As, Bs)])
                rows.append({"kind": kind, "m": m, "n": n, "k": k, "seconds": t, "flops_per_s": 2.0 * m * n * k / t})
            finally:
                torch.backends.cuda.matmul.allow_tf32 = False
            del As, Bs
        log("fp32_gemm", m, n, k, ["%s %.0f TF/s" % (r["kind"], r["flops_per_s"] / 1e12) for r in rows[-3:]])
    RESULT["sections"]["fp32_gemm"] = rows
    save()


if __name__ == "__main__":
    RUN.run_sections((("whisper_generate", sec_whisper_generate), ("encoder_profile", sec_encoder_profile), ("whisper", sec_whisper), ("llama", sec_llama), ("fp32_gemm", sec_fp32_gemm),
                      ("moe_train", sec_moe_train), ("stdit3_fa2", sec_stdit3_fa2)), SECTIONS)
