"""The preamble the standalone GPU scripts in bench/gpu/ share: OUTDIR and --sections from the command line, a result
dict written to OUTDIR/<file> after each section (a run cut short keeps what it finished), a log line stamped with the
seconds since start, a time budget past which sections are skipped, the section runner, and the loading of
hopper-kernels.py as a module.

Each script stays runnable as `python3 bench/gpu/X.py OUTDIR [--sections a,b]`: Python puts the script's own folder
first on sys.path, so `import common` finds this file (also from hopper-kernels.py loaded by another script).
"""
import importlib.util
import json
import os
import sys
import time
import traceback

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def sections(default):
    """the section names given as --sections a,b, else `default` (a comma-separated string)"""
    return set((sys.argv[sys.argv.index("--sections") + 1] if "--sections" in sys.argv else default).split(","))


def load_script(filename):
    """another script of this folder as a module (its name has a dash), its own sections not run (argv hidden)"""
    spec = importlib.util.spec_from_file_location(filename[:-3].replace("-", "_"), os.path.join(HERE, filename))
    mod = importlib.util.module_from_spec(spec)
    argv, sys.argv = sys.argv, [sys.argv[0]]
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.argv = argv
    return mod


def cuda_seconds(fn, reps=10, warm=1):
    """Seconds per call of fn, timed with CUDA events over reps calls after warm untimed ones."""
    for _ in range(warm):
        fn()
    torch.cuda.synchronize()
    a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    a.record()
    for _ in range(reps):
        fn()
    b.record()
    torch.cuda.synchronize()
    return a.elapsed_time(b) / 1e3 / reps


def graph_seconds(fn, calls=1, replays=20, warm=1):
    """Device seconds per call of fn, replayed from one captured CUDA graph of `calls` calls (warm untimed calls on a
    side stream first, as capture requires), timed with CUDA events over `replays` replays: no host launch cost."""
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(warm):
            fn()
    torch.cuda.current_stream().wait_stream(s)
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        for _ in range(calls):
            fn()
    g.replay()
    torch.cuda.synchronize()
    a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    a.record()
    for _ in range(replays):
        g.replay()
    b.record()
    torch.cuda.synchronize()
    return a.elapsed_time(b) / 1e3 / (replays * calls)


def llama_8b(layers, device="cuda"):
    """transformers' Llama with Llama-3-8B's shape (hidden 4096, FFN 14336, 32 heads, 8 KV heads, vocab 128256, SDPA),
    `layers` decoder layers, random bf16 weights, eval mode"""
    from transformers import LlamaConfig, LlamaForCausalLM
    cfg = LlamaConfig(hidden_size=4096, intermediate_size=14336, num_hidden_layers=layers, num_attention_heads=32,
                      num_key_value_heads=8, vocab_size=128256, max_position_embeddings=8192, attn_implementation="sdpa")
    with torch.device(device):
        return LlamaForCausalLM(cfg).to(torch.bfloat16).eval()


class Run:
    """one script's results: `result` (saved to OUTDIR/`filename`), log(), late() (past `budget_s`), run_sections()"""

    def __init__(self, schema, filename, budget_s=None, indent=None, **fields):
        self.t0 = time.time()
        self.out = sys.argv[1] if len(sys.argv) > 1 else "."
        os.makedirs(self.out, exist_ok=True)
        self.filename = filename
        self.budget_s = budget_s
        self.indent = indent
        self.result = {"schema": schema, "device": torch.cuda.get_device_name(0), "torch": torch.__version__, **fields,
                       "date": time.strftime("%Y-%m-%d"), "sections": {}}

    def log(self, *a):
        print("[%6.1fs]" % (time.time() - self.t0), *a, flush=True)

    def save(self):
        with open(os.path.join(self.out, self.filename), "w") as f:
            json.dump(self.result, f, indent=self.indent)

    def late(self):
        return self.budget_s is not None and time.time() - self.t0 > self.budget_s

    def add_host_cpu(self):
        """record the host CPU's model name (/proc/cpuinfo) as result["host_cpu"], where it can be read"""
        try:
            self.result["host_cpu"] = open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].strip(": \t")
        except Exception:
            pass

    def run_sections(self, table, wanted=None):
        """Run each (name, fn) of `table` named in `wanted` (all when None), in order, until the time budget is spent;
        a section that fails is recorded as NAME_error and the rest still run."""
        for name, fn in table:
            if wanted is not None and name not in wanted:
                continue
            if self.late():
                self.log("skipped (budget spent):", name)
                continue
            try:
                fn()
            except Exception as e:
                traceback.print_exc()
                self.result["sections"][name + "_error"] = str(e)[:500]
                self.save()
        self.log("all done")
