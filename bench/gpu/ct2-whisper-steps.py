#!/usr/bin/env python3
"""CTranslate2 Whisper decode step: wall time per step vs decoder depth, beam and compute type (for hwperf's
runtimes/faster-whisper.yaml). Not yet run on hardware.

Question it settles: faster-whisper's sequential transcribe() is predicted 30-50% too fast on an RTX 3070 Ti and a
V100S (validation N1090-N1097, N1720) where hwperf prices each decode step as its kernels with a 2.5 us C++ launch
each. If CTranslate2 spends more host time per op (allocator, StorageView, cuBLAS call set-up), a step is host-bound
and its wall time grows with the op count, not the bytes. On an H200 the large-v2 decoder's weights stream in ~0.4 ms,
so a step's wall time is mostly host.

Method: random-weight Whisper models (large-v2 shape, decoder depth 4/8/16/32) are built with transformers, converted
with ctranslate2's TransformersConverter (float16), and generate() is timed on one 30 s window of random features with
EOS suppressed and max_length forcing N steps; per-step time = slope between N = 40 and N = 200 (prompt and encoder
cancel). Beam 1 and 5, with and without timestamps (the <|notimestamps|> prompt), float16 and int8_float16.
Per-layer host cost = slope over depth; fixed per-step cost = intercept.

  python3 bench/gpu/ct2-whisper-steps.py OUTDIR      (needs ctranslate2 with CUDA, transformers, torch)

Untested: the converter's Whisper loader may want tokenizer files (openai/whisper-large-v2's, from a local HF cache);
the machine has no network, so a ctranslate2 wheel and the tokenizer must be carried.
"""
import json, os, sys, tempfile, time

def main():
    out = sys.argv[1] if len(sys.argv) > 1 else 'out'
    os.makedirs(out, exist_ok=True)
    try:
        import ctranslate2, torch, transformers
        from ctranslate2.converters import TransformersConverter
    except ImportError as e:
        json.dump({'error': f'missing package: {e}'}, open(os.path.join(out, 'ct2.json'), 'w')); print(e); return
    res = {'ctranslate2': ctranslate2.__version__, 'transformers': transformers.__version__, 'torch': torch.__version__,
           'gpu': torch.cuda.get_device_name(0), 'runs': []}
    eos, sot, fr, transcribe, notimestamps = 50257, 50258, 50265, 50359, 50363
    feats = ctranslate2.StorageView.from_array(torch.randn(1, 80, 3000).numpy().astype('float32'))
    for layers in (4, 8, 16, 32):
        cfg = transformers.WhisperConfig.from_dict(dict(
            vocab_size=51865, num_mel_bins=80, d_model=1280, encoder_layers=4, decoder_layers=layers,
            encoder_attention_heads=20, decoder_attention_heads=20, encoder_ffn_dim=5120, decoder_ffn_dim=5120,
            max_source_positions=1500, max_target_positions=448, decoder_start_token_id=sot, eos_token_id=eos,
            pad_token_id=eos, bos_token_id=eos, suppress_tokens=[], begin_suppress_tokens=[]))
        with tempfile.TemporaryDirectory() as d:
            transformers.WhisperForConditionalGeneration(cfg).save_pretrained(os.path.join(d, 'hf'))
            ct2dir = os.path.join(d, 'ct2')
            TransformersConverter(os.path.join(d, 'hf')).convert(ct2dir, quantization='float16')
            for ctype in ('float16', 'int8_float16'):
                model = ctranslate2.models.Whisper(ct2dir, device='cuda', compute_type=ctype)
                for beam in (1, 5):
                    for ts in (True, False):
                        prompt = [sot, fr, transcribe] + ([] if ts else [notimestamps])
                        def run(n):
                            # models/whisper.cc decodes min(max_length / 2, max_length - prompt) steps: 2n gives n
                            model.generate(feats, [prompt], beam_size=beam, max_length=2 * n,
                                           suppress_tokens=[eos], suppress_blank=False)
                        run(40); run(200)  # warm
                        t = {}
                        for n in (40, 200):
                            best = 1e9
                            for _ in range(3):
                                torch.cuda.synchronize(); t0 = time.perf_counter(); run(n); torch.cuda.synchronize()
                                best = min(best, time.perf_counter() - t0)
                            t[n] = best
                        step = (t[200] - t[40]) / 160
                        res['runs'].append({'decoder_layers': layers, 'compute_type': ctype, 'beam': beam,
                                            'timestamps': ts, 't40_s': t[40], 't200_s': t[200], 'step_s': step})
                        print(layers, ctype, beam, ts, f'{step*1e3:.3f} ms/step', flush=True)
                del model
    json.dump(res, open(os.path.join(out, 'ct2.json'), 'w'), indent=1)

if __name__ == '__main__':
    main()
