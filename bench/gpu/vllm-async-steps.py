"""What a vLLM V1 decode step costs beyond its kernels at large batch, with async scheduling off and on (not yet run on
hardware). runtimes/vllm.yaml prices 580 us + 19 us per running sequence of host
work exposed every step; pricing it hidden behind the device (async scheduling, vLLM's default from v0.14.0, PR #27614)
made the rows that ran async read 11 -> 20% MAPE (MI355X MLPerf N2161 / N2572 too fast), so either the host work per
sequence exceeds the device step there or a device-side cost of that size is unpriced. This tells them apart.

Engine: vLLM's offline LLM class, a Llama-3.1-8B-shaped model from a config.json written here with dummy weights
(load_format "dummy", skip_tokenizer_init: prompts are token ids, nothing downloaded), 256-token prompts, greedy,
ignore_eos, all B requests at once (max_num_seqs = B). Per decode step = (wall at 160 new tokens - wall at 32) / 128.
Arms, each in its own process (one engine per process):
  sync     --no-async-scheduling, multiprocess engine (the releases before v0.14 by default)
  async    async scheduling on (v0.14+ default)
  busy     sync, engine in this process (VLLM_ENABLE_V1_MULTIPROCESSING=0) under torch.profiler: the union of its CUDA
           kernel intervals per step = device busy; step - busy = host time the device waited for.
Read: exposed host per step (sync) = sync step - busy; what async hides = sync step - async step. If async step ~ busy,
the host work hides and the N2161/N2572 gap is device-side; if async step stays above busy by ~(sync - busy), the host
work per step exceeds the device step (then per_sequence at that batch = (async step) / B is the bound).

Two more arms time a run without graph capture (--enforce-eager, runtimes/vllm.yaml launch.eager, --set
runtime.graphs=none), at EAGER_BATCHES (1,8,32,64) running sequences:
  eager       sync, enforce_eager, multiprocess engine: the step as a community --enforce-eager server runs it
  eager_busy  the same in this process under torch.profiler (CUDA and CPU): device busy per step, and the host's CPU
              ops per step (aten / custom-op calls, their count and self time), so per layer = / 32
Read: if eager step ~ eager busy, the dispatch hides behind the kernels (hwperf's max(chain, kernels)); if the eager
step stays flat in the batch well above busy, the step is host-bound and (step - step_overhead) / 32 is the host a
layer of vLLM's own modules (priced ~0.22 ms from eager PyTorch's per-op costs; the staru09 A100 logs imply
~0.65 ms). Record the host CPU (run.add_host_cpu) beside it.

Needs on the device: vllm (any V1 release; --no-async-scheduling needs >= 0.11), ~20 GB of GPU memory.
Run: python3 bench/gpu/vllm-async-steps.py OUTDIR [--sections sync,async,busy,eager,eager_busy]
     (BATCHES=64,256,512,1024 EAGER_BATCHES=1,8,32,64)
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import common

BATCHES = [int(b) for b in os.environ.get("BATCHES", "64,256,512,1024").split(",")]
EAGER_BATCHES = [int(b) for b in os.environ.get("EAGER_BATCHES", "1,8,32,64").split(",")]
PROMPT, SHORT, LONG = 256, 32, 160

CONFIG = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336,
          "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256,
          "max_position_embeddings": 8192, "rms_norm_eps": 1e-5, "rope_theta": 500000.0, "torch_dtype": "bfloat16",
          "hidden_act": "silu", "tie_word_embeddings": False, "bos_token_id": 128000, "eos_token_id": 128001}


def arm(name, model_dir):
    """one engine in this process (run as a child: python3 THIS --arm NAME MODEL_DIR); prints one JSON line"""
    import torch
    profiled = name in ("busy", "eager_busy")
    batches = EAGER_BATCHES if name.startswith("eager") else BATCHES
    if profiled:
        os.environ["VLLM_ENABLE_V1_MULTIPROCESSING"] = "0"
    import vllm
    from vllm import LLM, SamplingParams
    kw = dict(model=model_dir, load_format="dummy", skip_tokenizer_init=True, max_num_seqs=max(batches),
              max_model_len=PROMPT + LONG + 16, enable_prefix_caching=False, gpu_memory_utilization=0.85, seed=0,
              enforce_eager=name.startswith("eager"))
    kw["async_scheduling"] = name == "async"
    llm = LLM(**kw)
    gen = torch.Generator().manual_seed(0)
    out = {"vllm": vllm.__version__, "arm": name, "steps": {}}

    def wall(b, new):
        prompts = [{"prompt_token_ids": torch.randint(1000, 100000, (PROMPT,), generator=gen).tolist()} for _ in range(b)]
        sp = SamplingParams(max_tokens=new, min_tokens=new, ignore_eos=True, temperature=0.0, detokenize=False)
        t = time.perf_counter()
        llm.generate(prompts, sp, use_tqdm=False)
        return time.perf_counter() - t

    for b in batches:
        wall(b, SHORT)  # warm: every padded graph size of this batch seen once
        if profiled:
            from torch.profiler import ProfilerActivity, profile
            spans, cpu_ops = {}, {}
            acts = [ProfilerActivity.CUDA] + ([ProfilerActivity.CPU] if name == "eager_busy" else [])
            for new in (SHORT, LONG):
                with profile(activities=acts) as prof:
                    t = wall(b, new)
                if name == "eager_busy":  # host ops per run: calls and self CPU time by op name
                    cpu_ops[new] = {a.key: (a.count, a.self_cpu_time_total) for a in prof.key_averages()}
                iv = sorted((e.time_range.start, e.time_range.end) for e in prof.events()
                            if e.device_type.name == "CUDA" and e.time_range.end > e.time_range.start)
                busy, cur = 0.0, None
                for s, e in iv:  # union of kernel intervals, us
                    if cur is None or s > cur[1]:
                        if cur:
                            busy += cur[1] - cur[0]
                        cur = [s, e]
                    else:
                        cur[1] = max(cur[1], e)
                if cur:
                    busy += cur[1] - cur[0]
                spans[new] = (t, busy / 1e6)
            step = (spans[LONG][0] - spans[SHORT][0]) / (LONG - SHORT)
            dev = (spans[LONG][1] - spans[SHORT][1]) / (LONG - SHORT)
            out["steps"][b] = {"step_s": step, "device_busy_s": dev, "host_exposed_s": step - dev}
            if cpu_ops:  # per decode step: the difference of the two runs over the 128 extra steps
                per = {k: ((c - cpu_ops[SHORT].get(k, (0, 0))[0]) / (LONG - SHORT), (us - cpu_ops[SHORT].get(k, (0, 0))[1]) / 1e6 / (LONG - SHORT))
                       for k, (c, us) in cpu_ops[LONG].items()}
                top = sorted(per.items(), key=lambda kv: -kv[1][1])[:40]
                out["steps"][b]["cpu_ops_per_step"] = {k: {"calls": c, "self_cpu_s": s} for k, (c, s) in top}
        else:
            step = (min(wall(b, LONG) for _ in range(2)) - min(wall(b, SHORT) for _ in range(2))) / (LONG - SHORT)
            out["steps"][b] = {"step_s": step}
    print("RESULT " + json.dumps(out), flush=True)


def main():
    run = common.Run("vllm-async-steps/1", "vllm-async-steps.json", budget_s=float(os.environ.get("BUDGET_S", "540")),
                     indent=1, batches=BATCHES, eager_batches=EAGER_BATCHES, prompt=PROMPT, tokens=[SHORT, LONG])
    run.add_host_cpu()
    model_dir = tempfile.mkdtemp(prefix="llama8b-shape-")
    with open(os.path.join(model_dir, "config.json"), "w") as f:
        json.dump(CONFIG, f)

    def section(name):
        def go():
            run.log("arm", name)
            p = subprocess.run([sys.executable, os.path.abspath(__file__), "--arm", name, model_dir],
                               capture_output=True, text=True, timeout=max(60, run.budget_s - (time.time() - run.t0)))
            line = [l for l in p.stdout.splitlines() if l.startswith("RESULT ")]
            if not line:
                raise RuntimeError("arm %s: no result (rc %s): %s" % (name, p.returncode, p.stderr[-400:]))
            run.result["sections"][name] = json.loads(line[-1][7:])
            run.log(name, run.result["sections"][name]["steps"])
            run.save()
        return go

    arms = ("sync", "async", "busy", "eager", "eager_busy")
    run.run_sections([(n, section(n)) for n in arms], common.sections(",".join(arms)))
    run.save()


if __name__ == "__main__":
    if "--arm" in sys.argv:
        i = sys.argv.index("--arm")
        arm(sys.argv[i + 1], sys.argv[i + 2])
    else:
        main()
