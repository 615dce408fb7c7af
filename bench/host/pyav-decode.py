"""faster-whisper's decode_audio (PyAV: decode, resample to 16 kHz mono s16, to float32) timed on the host CPU, per
second of audio.

Encodes a synthetic recording (a gated tone plus noise) with PyAV's own encoders into the container and codec asked
for, then runs faster_whisper/audio.py decode_audio() as the release ships it (the module file imported without the
rest of the package) on that file, several times.

    python3 -m venv venv && venv/bin/pip install av numpy
    git -C faster-whisper archive <commit> faster_whisper | tar -x -C fw-<commit>
    venv/bin/python pyav-decode.py fw-<commit> <m4a|mp3> [seconds] [rate] [channels] [bit rate] [repetitions]

Prints the wall and process CPU time of each run and the minimum of each per second of audio (the minimum, so that a
time slice lost to another process on a shared core is not counted).
"""
import importlib.util
import os
import sys
import tempfile
import time

import av
import numpy as np

root = sys.argv[1]
kind = sys.argv[2]
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 799.0
rate = int(sys.argv[4]) if len(sys.argv) > 4 else 44100
channels = int(sys.argv[5]) if len(sys.argv) > 5 else 2
bit_rate = int(sys.argv[6]) if len(sys.argv) > 6 else 128000
reps = int(sys.argv[7]) if len(sys.argv) > 7 else 5

spec = importlib.util.spec_from_file_location("fw_audio", os.path.join(root, "faster_whisper", "audio.py"))
audio_mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audio_mod)

codec = {"m4a": "aac", "mp3": "libmp3lame"}[kind]
path = os.path.join(tempfile.mkdtemp(), f"bench.{kind}")
rng = np.random.default_rng(0)
layout = "stereo" if channels == 2 else "mono"
with av.open(path, mode="w") as out:
    stream = out.add_stream(codec, rate=rate)
    stream.layout = layout
    stream.bit_rate = bit_rate
    fmt = stream.codec_context.format.name
    n = 1024 * 32
    done = 0
    total = int(seconds * rate)
    while done < total:
        k = min(n, total - done)
        t = (done + np.arange(k)) / rate
        x = 0.3 * np.sin(2 * np.pi * 220 * t) * (np.sin(2 * np.pi * 0.3 * t) > 0) + 0.05 * rng.standard_normal(k)
        x = np.tile(x, (channels, 1))
        if fmt.startswith("s32"):
            x = (x * 2**30).astype(np.int32)
        elif fmt.startswith("s16"):
            x = (x * 2**14).astype(np.int16)
        else:
            x = x.astype(np.float32)
        if not fmt.endswith("p"):
            x = x.T.reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(x), format=fmt, layout=layout)
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        done += k
    for packet in stream.encode(None):
        out.mux(packet)

samples = len(audio_mod.decode_audio(path))  # warm up
walls, cpus = [], []
for _ in range(reps):
    w0, c0 = time.perf_counter(), time.process_time()
    audio_mod.decode_audio(path)
    walls.append(time.perf_counter() - w0)
    cpus.append(time.process_time() - c0)
    print(f"wall {walls[-1]:.3f} s  cpu {cpus[-1]:.3f} s")
print(f"{root} {kind} {codec} {rate} Hz {layout} {bit_rate // 1000} kb/s, {os.path.getsize(path) / 1e6:.1f} MB, "
      f"{samples / 16000:.0f} s decoded: min wall {min(walls):.3f} s = {1000 * min(walls) / seconds:.3f} ms per s of audio; "
      f"min cpu {min(cpus):.3f} s = {1000 * min(cpus) / seconds:.3f} ms per s")
