"""faster-whisper's Silero VAD pass (vad_filter=True) timed on the host CPU, per second of audio.

Runs faster_whisper/vad.py get_speech_timestamps() exactly as the release ships it (the module file and its ONNX
assets from a faster-whisper checkout, imported without the rest of the package) over a synthetic 16 kHz recording:
white noise gated on and off in 0.3-4 s bursts, so the post-processing loop sees speech/silence transitions. The
ONNX graph's work does not depend on the samples (every 512-sample frame goes through the same encoder and LSTM).
The session is faster-whisper's own: CPUExecutionProvider, intra_op_num_threads = inter_op_num_threads = 1.

    python3 -m venv venv && venv/bin/pip install onnxruntime numpy
    git -C faster-whisper archive <commit> faster_whisper | tar -x -C fw-<commit>
    venv/bin/python silero-vad.py fw-<commit> [seconds of audio] [repetitions]

Prints the wall and process CPU time of each repetition and the minimum of each per second of audio (the minimum, so
that a time slice lost to another process on a shared core is not counted).
"""
import importlib.util
import os
import sys
import time
import types

import numpy as np

root = sys.argv[1]
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 828.0
reps = int(sys.argv[3]) if len(sys.argv) > 3 else 5

# faster_whisper.utils.get_assets_path is the only import vad.py takes from the package
pkg = types.ModuleType("faster_whisper")
pkg.__path__ = [os.path.join(root, "faster_whisper")]
utils = types.ModuleType("faster_whisper.utils")
utils.get_assets_path = lambda: os.path.join(root, "faster_whisper", "assets")
sys.modules["faster_whisper"] = pkg
sys.modules["faster_whisper.utils"] = utils
spec = importlib.util.spec_from_file_location("faster_whisper.vad", os.path.join(root, "faster_whisper", "vad.py"))
vad = importlib.util.module_from_spec(spec)
sys.modules["faster_whisper.vad"] = vad
spec.loader.exec_module(vad)

rng = np.random.default_rng(0)
n = int(seconds * 16000)
audio = (0.05 * rng.standard_normal(n)).astype(np.float32)
gate = np.zeros(n, dtype=np.float32)
t = 0
on = True
while t < n:
    span = int(rng.uniform(0.3, 4.0) * 16000)
    if on:
        gate[t : t + span] = 1.0
    on = not on
    t += span
audio *= 0.1 + 0.9 * gate

vad.get_speech_timestamps(audio[: 16000 * 30])  # load the session and warm up
walls, cpus = [], []
for _ in range(reps):
    w0, c0 = time.perf_counter(), time.process_time()
    chunks = vad.get_speech_timestamps(audio)
    walls.append(time.perf_counter() - w0)
    cpus.append(time.process_time() - c0)
    print(f"wall {walls[-1]:.3f} s  cpu {cpus[-1]:.3f} s  chunks {len(chunks)}")
print(f"{root}: {seconds:.0f} s of audio, min wall {min(walls):.3f} s = {1000 * min(walls) / seconds:.3f} ms per s of audio; "
      f"min cpu {min(cpus):.3f} s = {1000 * min(cpus) / seconds:.3f} ms per s")
