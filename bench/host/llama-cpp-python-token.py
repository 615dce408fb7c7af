"""llama-cpp-python 0.2.x's per-token Python work in Llama.create_completion, timed on the host CPU.

Transcribes the lines one generated token runs in llama-cpp-python v0.2.33 (abetlen/llama-cpp-python, tag v0.2.33,
2024-01-25; the same lines from v0.2.24 to v0.2.75), llama_cpp/llama.py and llama_cpp/_internals.py, non-streaming
create_completion with the defaults (temperature 0.8, top_k 40, top_p 0.95, min_p 0.05, repeat_penalty 1.1,
last_n_tokens_size 64, no stop strings):
  Llama.eval([token])      kv_cache_seq_rm; _LlamaBatch.set_batch; decode; input_ids[n_past] = token;
                           scores[n_past, :].reshape(-1)[:] = llama_get_logits(ctx)[0:n_vocab]
                           (a ctypes POINTER(c_float) sliced: a Python list of n_vocab floats, then copied into NumPy;
                           PR #1476, v0.2.76, replaced it by np.ctypeslib.as_array)
  Llama.sample()           last-64-token list and ctypes array; _LlamaTokenDataArray.copy_logits (three field copies
                           of n_vocab); eight llama_sample_* calls through ctypes
  generate() / _create_completion()   the generator's yield; completion_tokens.append; all_text =
                           detokenize(completion_tokens) (every generated token so far: one llama_token_to_piece call
                           through ctypes each); the multibyte check; the stop-string scan
The C functions are stubs in a small shared library compiled here (llama_get_logits returns a float buffer;
llama_token_to_piece copies a 4-byte piece; the rest return at once), so what is timed is the Python and ctypes
work only: the device's decode and the C sampler (priced apart, runtimes/ollama.yaml) are not in it.

    python3 llama-cpp-python-token.py [n_vocab] [tokens] [repetitions]

Prints, per generated token: the time of the vocabulary-sized part (eval's logits copy and copy_logits), of the
rest at the first token, and the growth per token already generated (detokenize). Minimum over repetitions, so that
a time slice lost to another process on a shared core is not counted.
"""
import ctypes
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

n_vocab = int(sys.argv[1]) if len(sys.argv) > 1 else 32000
n_tokens = int(sys.argv[2]) if len(sys.argv) > 2 else 512
reps = int(sys.argv[3]) if len(sys.argv) > 3 else 300

STUB = r"""
#include <string.h>
static float logits[1 << 20];
float * llama_get_logits(void * ctx) { return logits; }
int llama_token_to_piece(void * model, int token, char * buf, int length) { memcpy(buf, "abcd", 4); return 4; }
void llama_kv_cache_seq_rm(void * ctx, int seq, int p0, int p1) {}
int llama_decode(void * ctx, void * batch) { return 0; }
void llama_sample_void(void * ctx, void * cand) {}
int llama_sample_token(void * ctx, void * cand) { return 7; }
"""
tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "stub.c"), "w") as f:
    f.write(STUB)
subprocess.check_call(["cc", "-O2", "-shared", "-fPIC", "-o", os.path.join(tmp, "stub.so"), os.path.join(tmp, "stub.c")])
lib = ctypes.CDLL(os.path.join(tmp, "stub.so"))

c_float_p = ctypes.POINTER(ctypes.c_float)
llama_token = ctypes.c_int32
lib.llama_get_logits.argtypes = [ctypes.c_void_p]
lib.llama_get_logits.restype = c_float_p
lib.llama_token_to_piece.argtypes = [ctypes.c_void_p, llama_token, ctypes.c_char_p, ctypes.c_int32]
lib.llama_token_to_piece.restype = ctypes.c_int32
lib.llama_kv_cache_seq_rm.argtypes = [ctypes.c_void_p, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32]
lib.llama_decode.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
lib.llama_sample_void.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
lib.llama_sample_token.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
lib.llama_sample_token.restype = llama_token

ctx = ctypes.c_void_p(1)
n_ctx = 512  # Llama(n_ctx=512), the 0.2.x default


class Batch(ctypes.Structure):  # llama_batch's per-token arrays, as _LlamaBatch fills them
    _fields_ = [("n_tokens", ctypes.c_int32), ("token", ctypes.POINTER(llama_token)), ("pos", ctypes.POINTER(ctypes.c_int32)),
                ("n_seq_id", ctypes.POINTER(ctypes.c_int32)), ("seq_id", ctypes.POINTER(ctypes.POINTER(ctypes.c_int32))),
                ("logits", ctypes.POINTER(ctypes.c_int8))]


batch = Batch()
bufs = [(llama_token * 512)(), (ctypes.c_int32 * 512)(), (ctypes.c_int32 * 512)(), (ctypes.c_int8 * 512)()]
seq = (ctypes.POINTER(ctypes.c_int32) * 512)(*[(ctypes.c_int32 * 1)() for _ in range(512)])
batch.token, batch.pos, batch.n_seq_id, batch.logits = [ctypes.cast(b, t) for b, t in zip(bufs, [
    ctypes.POINTER(llama_token), ctypes.POINTER(ctypes.c_int32), ctypes.POINTER(ctypes.c_int32), ctypes.POINTER(ctypes.c_int8)])]
batch.seq_id = seq

dtype = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)
cand = np.zeros(n_vocab, dtype=dtype)
default_id = np.arange(n_vocab, dtype=np.intc)
default_p = np.zeros(n_vocab, dtype=np.single)
scores = np.ones((n_ctx, n_vocab), dtype=np.single)  # touched, as after the first of several repetitions
input_ids = np.zeros(n_ctx, dtype=np.intc)


def set_batch(tokens, n_past):
    batch.n_tokens = len(tokens)
    for i in range(len(tokens)):
        batch.token[i] = tokens[i]
        batch.pos[i] = n_past + i
        batch.seq_id[i][0] = 0
        batch.n_seq_id[i] = 1
        batch.logits[i] = False
    batch.logits[len(tokens) - 1] = True


def vocab_part(n_past):
    # Llama.eval's logits copy (logits_all False: offset 0, rows 1) and _LlamaTokenDataArray.copy_logits
    scores[n_past: n_past + 1, :].reshape(-1)[:] = lib.llama_get_logits(ctx)[0: n_vocab]
    logits = scores[n_past, :]
    cand["id"][:] = default_id
    cand["logit"][:] = logits
    cand["p"][:] = default_p


def fixed_part(token, n_past):
    lib.llama_kv_cache_seq_rm(ctx, -1, n_past, -1)
    set_batch([token], n_past)
    lib.llama_decode(ctx, None)
    input_ids[n_past: n_past + 1] = [token]
    last = [llama_token(0)] * max(0, 64 - (n_past + 1)) + input_ids[max(0, n_past + 1 - 64): n_past + 1].tolist()
    last_c = (llama_token * len(last))(*last)
    for _ in range(7):  # repetition penalties, top_k, tail_free, typical, top_p, min_p, temp
        lib.llama_sample_void(ctx, cand.ctypes.data_as(ctypes.c_void_p))
    return lib.llama_sample_token(ctx, last_c)


def detokenize(tokens):
    output = b""
    size = 32
    buffer = (ctypes.c_char * size)()
    for token in tokens:
        n = lib.llama_token_to_piece(None, llama_token(token), buffer, size)
        output += bytes(buffer[:n])
    return output


def completion_tail(completion_tokens, token):
    completion_tokens.append(token)
    all_text = detokenize(completion_tokens)
    multibyte_fix = 0
    for k, char in enumerate(all_text[-3:]):
        k = 3 - k
        for num, pattern in [(2, 192), (3, 224), (4, 240)]:
            if num > k and pattern & char == pattern:
                multibyte_fix = num - k
    return [s for s in [] if s in all_text], multibyte_fix


def best(f, r=reps):
    t = []
    for _ in range(r):
        s = time.perf_counter()
        f()
        t.append(time.perf_counter() - s)
    return min(t)


N = 1
vocab = best(lambda: [vocab_part(i % n_ctx) for i in range(N)]) / N
fixed = best(lambda: [fixed_part(7, i % n_ctx) for i in range(N)]) / N
first = best(lambda: [completion_tail([], 7) for _ in range(N)]) / N
long_tokens = [7] * (n_tokens - 1)
last = best(lambda: [completion_tail(list(long_tokens), 7) for _ in range(1)])
per_prior = (last - first) / (n_tokens - 1)
print(f"n_vocab {n_vocab}: vocabulary part {vocab * 1e6:.1f} us/token = {vocab / n_vocab * 1e9:.2f} ns per entry")
print(f"fixed part (eval, sample calls) {fixed * 1e6:.1f} us/token; completion tail at the first token {first * 1e6:.1f} us")
print(f"detokenize growth {per_prior * 1e9:.0f} ns per token already generated "
      f"(at token {n_tokens}: {last * 1e6:.1f} us; mean over {n_tokens} tokens {(first + per_prior * (n_tokens - 1) / 2) * 1e6:.1f} us)")
print(f"total per token, mean over {n_tokens}: {(vocab + fixed + first + per_prior * (n_tokens - 1) / 2) * 1e6:.1f} us "
      f"(numpy {np.__version__}, python {sys.version.split()[0]})")
