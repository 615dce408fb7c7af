#!/usr/bin/env python3
"""Eager vision encoders on a GPU: the host's dispatch beside the kernels, per encoder code and depth. Not yet run on
hardware (bench/gpu/README.md). It would price the eager per-layer host time of encoders other
than Whisper's (runtimes/pytorch.yaml host.encoder_forward is measured on HF WhisperEncoder only), which batch-1 ViT rows
under eager PyTorch need (a HF ViT-B/16 forward at batch 1 is launch- and host-bound: ~16 kernels per layer, where
hwperf's encoder graph carries ~8 fused ops).

usage: python3 bench/gpu/eager-encoders.py OUTDIR [--sections hf_vit,hf_clip,timm_vit]

  hf_vit    transformers ViTModel (random weights from ViTConfig, eager and SDPA attention), 4 / 12 / 24 layers at
            hidden 768 and 1024, batch 1 and 8, fp32 model under torch.autocast(bfloat16) and a pure bf16 model
  hf_clip   transformers CLIPVisionModel (ViT-L/14 shape, 4 / 12 / 24 layers), batch 1, bf16
  timm_vit  timm VisionTransformer (fused qkv Linear) at the same depths, if timm is installed
Each row: eager forward seconds (CUDA events, 10 after 3 warm-ups), the profiler's kernel count and summed device time,
so that per-layer host time = slope over depth of (eager - 0) where eager > kernels. Writes OUTDIR/encoders.json.
"""
import os

import torch

import common  # bench/gpu/common.py: OUTDIR, --sections, the result file, log, time budget, section runner

hk = common.load_script("hopper-kernels.py")
kernel_profile = hk.kernel_profile  # per-kernel device time and count of one call

SECTIONS = common.sections("hf_vit,hf_clip,timm_vit")
DEV = "cuda"
RUN = common.Run("hwperf-gpu-encoders/1", "encoders.json", float(os.environ.get("EAGER_ENCODERS_BUDGET_S", "200")))
RUN.add_host_cpu()
RESULT, log, save, late = RUN.result, RUN.log, RUN.save, RUN.late
DEPTHS = (4, 12, 24)


def measure(model, x, autocast):
    with torch.no_grad(), torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=autocast):
        f = lambda: model(x)
        eager = common.cuda_seconds(f, 10, 3)
        kern = kernel_profile(f)
    return {"eager_seconds": eager, "kernel_us": sum(v["device_us"] for v in kern.values()),
            "kernels": sum(v["count"] for v in kern.values())}


def run_rows(section, build, cases):
    rows = []
    for case in cases:
        if late():
            break
        model, x, autocast = build(**case)
        rows.append({**case, **measure(model, x, autocast)})
        log(section, rows[-1])
        del model
        torch.cuda.empty_cache()
    RESULT["sections"][section] = rows
    save()


def sec_hf_vit():
    from transformers import ViTConfig, ViTModel

    def build(layers, hidden, batch, attn, precision):
        cfg = ViTConfig(hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=hidden // 64,
                        intermediate_size=4 * hidden, image_size=224, patch_size=16, attn_implementation=attn)
        amp = precision == "autocast"
        model = ViTModel(cfg).to(DEV, torch.float32 if amp else torch.bfloat16).eval()
        x = torch.randn(batch, 3, 224, 224, device=DEV, dtype=torch.float32 if amp else torch.bfloat16)
        return model, x, amp

    run_rows("hf_vit", build, [dict(layers=L, hidden=h, batch=b, attn=a, precision=p)
                               for h in (768, 1024) for L in DEPTHS for b in (1, 8) for a in ("eager", "sdpa")
                               for p in ("autocast", "bf16") if not (h == 1024 and (b == 8 or a == "eager"))])


def sec_hf_clip():
    from transformers import CLIPVisionConfig, CLIPVisionModel

    def build(layers, batch):
        cfg = CLIPVisionConfig(hidden_size=1024, num_hidden_layers=layers, num_attention_heads=16, intermediate_size=4096,
                               image_size=224, patch_size=14)
        model = CLIPVisionModel(cfg).to(DEV, torch.bfloat16).eval()
        return model, torch.randn(batch, 3, 224, 224, device=DEV, dtype=torch.bfloat16), False

    run_rows("hf_clip", build, [dict(layers=L, batch=1) for L in DEPTHS])


def sec_timm_vit():
    from timm.models.vision_transformer import VisionTransformer

    def build(layers, batch, precision):
        amp = precision == "autocast"
        model = VisionTransformer(depth=layers, embed_dim=768, num_heads=12).to(DEV, torch.float32 if amp else torch.bfloat16).eval()
        return model, torch.randn(batch, 3, 224, 224, device=DEV, dtype=torch.float32 if amp else torch.bfloat16), amp

    run_rows("timm_vit", build, [dict(layers=L, batch=1, precision=p) for L in DEPTHS for p in ("autocast", "bf16")])


if __name__ == "__main__":
    RUN.run_sections((("hf_vit", sec_hf_vit), ("hf_clip", sec_hf_clip), ("timm_vit", sec_timm_vit)), SECTIONS)
