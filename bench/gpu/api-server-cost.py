"""The serving front end's own costs (not yet run on hardware): the time vLLM's API-server process
spends per request taken in and per output token streamed, which serve's `frontend` block prices
(src/serve/frontend.ts; runtimes/vllm.yaml host, KNOWN GAP: no timing of either found).

A tiny model with dummy weights (--load-format dummy) makes the engine fast enough that a burst is paced by the API
server: the duration of a burst of N chat requests with max_tokens 1 is ~N x intake, and the extra duration of the
same burst at max_tokens T (ignore_eos) is ~N x (T - 1) x per-token streaming. The client runs in CLIENTS processes
so that it is not the bottleneck itself (each is one Python event loop, as `vllm bench serve` is); the engine's own
rate is read from a non-streamed run (stream false: no per-token SSE events) of the same burst. Repeated with
--api-server-count 4 (the costs should split) and --stream-interval 16 (a vLLM without that flag exits at start-up:
the section then fails with "vllm serve exited", the others still run). per_token_upper_s = (streamed burst - intake
burst) / tokens includes the engine's own decode steps, an upper bound on the front end's per-token cost;
per_token_sse_s = (streamed - non-streamed burst) / tokens is the streaming part alone.

Needs on the device: vllm (and aiohttp), a model folder with config.json + tokenizer files (weights not needed), e.g.
MODEL_DIR=/path/to/Qwen2.5-0.5B-Instruct. Run: python3 bench/gpu/api-server-cost.py OUTDIR [--sections a,b]
Sections: base (1 API server), scaled (--api-server-count 4), interval (--stream-interval 16).
"""
import asyncio
import json
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import time
import urllib.request

import common

MODEL = os.environ.get("MODEL_DIR", "")
N = int(os.environ.get("N_REQUESTS", "1000"))
T = int(os.environ.get("OUT_TOKENS", "128"))
CLIENTS = int(os.environ.get("CLIENTS", "4"))
PORT = 8123
run = None  # common.Run, made in __main__ only: the spawned client processes import this file again


def server(extra):
    """vllm serve on loopback with dummy weights; returns the process once /health answers"""
    cmd = ["vllm", "serve", MODEL, "--load-format", "dummy", "--host", "127.0.0.1", "--port", str(PORT),
           "--max-num-seqs", "1024", "--max-model-len", "2048", *extra]
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/health", timeout=1)
            return p
        except Exception:
            if p.poll() is not None:
                raise RuntimeError("vllm serve exited: " + " ".join(cmd))
            time.sleep(1)
    raise RuntimeError("vllm serve did not come up")


def stop(p):
    os.killpg(p.pid, signal.SIGTERM)
    p.wait(timeout=60)


async def _burst(n, max_tokens, stream):
    import aiohttp
    body = lambda i: {"model": MODEL, "messages": [{"role": "user", "content": f"Request {i}: tell me about the sea."}],
                      "max_tokens": max_tokens, "ignore_eos": True, "stream": stream, "temperature": 0}
    conn = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=conn, timeout=aiohttp.ClientTimeout(total=1800)) as s:
        async def one(i):
            async with s.post(f"http://127.0.0.1:{PORT}/v1/chat/completions", json=body(i)) as r:
                chunks = 0
                async for _ in r.content:
                    chunks += 1
                return chunks
        return sum(await asyncio.gather(*[one(i) for i in range(n)]))


def _client(args):
    n, max_tokens, stream = args
    return asyncio.run(_burst(n, max_tokens, stream))


def burst(max_tokens, stream):
    """seconds for N requests sent at once from CLIENTS processes"""
    with mp.get_context("spawn").Pool(CLIENTS) as pool:
        t0 = time.time()
        pool.map(_client, [(N // CLIENTS, max_tokens, stream)] * CLIENTS)
        return time.time() - t0


def measure(name, extra):
    p = server(extra)
    try:
        burst(1, True)  # warm-up
        r = {"args": extra}
        r["intake_s"] = burst(1, True)
        r["stream_s"] = burst(T, True)
        r["nostream_s"] = burst(T, False)
        n = (N // CLIENTS) * CLIENTS
        r["per_request_s"] = r["intake_s"] / n
        r["per_token_upper_s"] = (r["stream_s"] - r["intake_s"]) / (n * (T - 1))  # includes engine decode time
        r["per_token_sse_s"] = (r["stream_s"] - r["nostream_s"]) / (n * (T - 1))
        run.result["sections"][name] = r
        run.log(name, json.dumps(r))
        run.save()
    finally:
        stop(p)


if __name__ == "__main__":
    if not MODEL:
        sys.exit("set MODEL_DIR to a model folder (config.json + tokenizer files)")
    run = common.Run("api-server-cost/1", "api-server-cost.json", budget_s=480, indent=1, model=MODEL, n=N, out_tokens=T, clients=CLIENTS)
    run.add_host_cpu()
    run.run_sections([
        ("base", lambda: measure("base", [])),
        ("scaled", lambda: measure("scaled", ["--api-server-count", "4"])),
        ("interval", lambda: measure("interval", ["--stream-interval", "16"])),
    ], common.sections("base,scaled,interval"))
