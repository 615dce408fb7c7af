#!/usr/bin/env python3
"""The Wan 2.1 VAE decoder's kernels as Wan's reference code launches them, per causal chunk, at 720p (1280x720):
what share of the matrix peak do cuDNN's 3-D convolutions reach, in fp32 (TF32, PyTorch's cudnn.allow_tf32 default)
and bf16, NCDHW and channels_last_3d; what the per-chunk input assembly (clone of 2 cached frames, cat, F.pad) and the
eager RMS_norm chain (F.normalize(x, dim=1) * scale * gamma + 0.) cost in bytes/s.

Why: hwperf prices the Wan VAE (src/model/vae-graph.ts) with convolutions at WAN_CONV_GEMM_SHARE = 0.54 of the part's
large-GEMM rate, from one public kernel attribution (sgl-project/sglang PR #34125: H200, bf16, channels_last_3d, conv
~1.26 s of a 704x1280x61 decode), and assumes the same share for TF32 and NCDHW. This measures those directly.
The shapes are the decoder's per-chunk convolution inputs (written here from the layer sizes of
Wan-Video/Wan2.1 wan/modules/vae.py Decoder3d: dims 384/384/384/192/96, a chunk of 1, 2, 4 frames by level plus 2
cached); the code is this script's own, no Wan code. ~2-3 min on one GPU.

usage: python3 bench/gpu/wan-vae-kernels.py OUTDIR [--sections conv,glue]

  conv  F.conv3d 3x3x3 on the pre-padded chunk input [1, cin, T + 2, H + 2, W + 2] -> [1, cout, T, H, W], per
        (level, dtype fp32 / bf16, layout contiguous / channels_last_3d): device ms (CUDA events, median of 20) and
        TFLOP/s (2 * T*H*W * 27 * cin * cout); also the per-frame Conv2d 3x3 of the up-sampling
  glue  per level: the chunk assembly (x[:, :, -2:].clone(); torch.cat([cache, x], 2); F.pad(., (1,1,1,1,0,0)))
        and the RMS_norm chain and SiLU on [1, c, T, H, W], fp32 and bf16: device ms and bytes/s over the fewest bytes
Writes OUTDIR/wan-vae-kernels.json.
"""
import torch
import torch.nn.functional as F

import common  # bench/gpu/common.py: OUTDIR, the result file, log

RUN = common.Run("hwperf-gpu-wan-vae-kernels/1", "wan-vae-kernels.json", budget_s=300, indent=1)
RESULT, log, save = RUN.result, RUN.log, RUN.save
DEV = "cuda"
# (level, cin, cout, frames per chunk T, H, W) of Decoder3d's 3x3x3 convs at 1280x720 (non-first chunks)
LEVELS = [("latent", 384, 384, 1, 90, 160), ("up1", 192, 384, 2, 180, 320), ("up1b", 384, 384, 2, 180, 320),
          ("up2", 192, 192, 4, 360, 640), ("up3", 96, 96, 4, 720, 1280)]
DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16}


def device_ms(fn, reps=20):
    fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        fn()
        b.record()
        b.synchronize()
        times.append(a.elapsed_time(b))
    times.sort()
    return times[len(times) // 2]


def conv_section():
    out = []
    for name, cin, cout, t, h, w in LEVELS:
        for dn, dt in DTYPES.items():
            for layout in ("contiguous", "channels_last_3d"):
                x = torch.randn(1, cin, t + 2, h + 2, w + 2, device=DEV, dtype=dt)
                wt = torch.randn(cout, cin, 3, 3, 3, device=DEV, dtype=dt) * 0.02
                bias = torch.randn(cout, device=DEV, dtype=dt)
                if layout == "channels_last_3d":
                    x = x.to(memory_format=torch.channels_last_3d)
                    wt = wt.to(memory_format=torch.channels_last_3d)
                ms = device_ms(lambda: F.conv3d(x, wt, bias))
                flops = 2 * t * h * w * 27 * cin * cout
                out.append({"level": name, "cin": cin, "cout": cout, "T": t, "H": h, "W": w, "dtype": dn, "layout": layout,
                            "ms": ms, "tflops": flops / ms / 1e9})
                log(out[-1])
                del x, wt
        # the per-frame Conv2d 3x3 c -> c/2 after the nearest x2 up-sampling (NCHW, frames folded into the batch)
        if name in ("latent", "up1b", "up2"):
            for dn, dt in DTYPES.items():
                x = torch.randn(4, cout, 2 * h + 2, 2 * w + 2, device=DEV, dtype=dt)
                wt = torch.randn(cout // 2, cout, 3, 3, device=DEV, dtype=dt) * 0.02
                ms = device_ms(lambda: F.conv2d(x, wt))
                flops = 2 * 4 * 4 * h * w * 9 * cout * (cout // 2)
                out.append({"level": name + ".resample", "cin": cout, "cout": cout // 2, "dtype": dn, "layout": "contiguous",
                            "ms": ms, "tflops": flops / ms / 1e9})
                log(out[-1])
    RESULT["sections"]["conv"] = out


def glue_section():
    out = []
    for name, cin, _cout, t, h, w in LEVELS:
        for dn, dt in DTYPES.items():
            x = torch.randn(1, cin, t, h, w, device=DEV, dtype=dt)
            cache = torch.randn(1, cin, 2, h, w, device=DEV, dtype=dt)
            gamma = torch.randn(cin, 1, 1, 1, device=DEV, dtype=dt)
            elem = x.numel() * x.element_size()

            def assembly():
                c = x[:, :, -2:].clone()
                y = torch.cat([cache, x], 2)
                return F.pad(y, (1, 1, 1, 1, 0, 0)), c

            def rms():
                return F.normalize(x, dim=1) * (cin ** 0.5) * gamma + 0.0

            for what, fn, fewest in (("assembly", assembly, elem * (t + 2) / t * 2), ("rms_norm", rms, 2 * elem),
                                     ("silu", lambda: F.silu(x), 2 * elem)):
                ms = device_ms(fn)
                out.append({"level": name, "what": what, "dtype": dn, "bytes_fewest": fewest, "ms": ms, "gb_s": fewest / ms / 1e6})
                log(out[-1])
    RESULT["sections"]["glue"] = out


RUN.run_sections([("conv", conv_section), ("glue", glue_section)], common.sections("conv,glue"))
save()
log("wrote", RUN.out)
