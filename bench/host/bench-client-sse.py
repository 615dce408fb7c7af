"""The benchmark client's own CPU time per streamed token: `vllm bench serve` (one Python process, one asyncio event
loop, aiohttp) reads every output token of every request as one server-sent event. If that loop cannot keep up with
the tokens an engine makes at full load, the client, not the engine, paces the figure it reports.

A fake OpenAI server (a second process, raw asyncio sockets, no engine) answers N requests sent at once and streams
T token frames to each of them, one frame per stream per "step" every STEP_MS milliseconds, shaped like vLLM's
completion (or chat) stream frames, then the usage frame and [DONE]. The client is vLLM's own request function
(vllm/benchmarks/lib/endpoint_request_func.py, loaded from the vLLM source tree given as the first argument) driven
the way vllm/benchmarks/serve.py drives it for `--request-rate inf` (one ClientSession, TCPConnector limit 0, every
request started at once, no tqdm). Reported: the client process's CPU time (time.process_time: another process on a
shared core does not count) per token frame received, and the wall time against the server's own pacing (if the
client falls behind, frames queue in the socket buffers and later reads return several at once, which lowers the
per-frame cost: the figure at a pacing the client keeps up with is the one that says whether it can keep up).

    python3 -m venv venv && venv/bin/pip install aiohttp tqdm regex
    venv/bin/python bench-client-sse.py <vllm source root> [completions|chat] [N] [T] [STEP_MS] [reps]
"""
import asyncio
import importlib.util
import json
import multiprocessing as mp
import os
import sys
import time

PORT = int(os.environ.get("PORT", "8791"))
MODEL = "Qwen/Qwen3-14B"


def frame(kind, i, n):
    """one token frame of request i (the n-th token), as vLLM's OpenAI server renders it (pydantic model_dump_json)"""
    if kind == "chat":
        body = {"id": f"chatcmpl-{i:032x}", "object": "chat.completion.chunk", "created": 1760000000, "model": MODEL,
                "choices": [{"index": 0, "delta": {"content": " token"}, "logprobs": None, "finish_reason": None}],
                "usage": None}
    else:
        body = {"id": f"cmpl-{i:032x}", "object": "text_completion", "created": 1760000000, "model": MODEL,
                "choices": [{"index": 0, "text": " token", "logprobs": None, "finish_reason": None,
                             "stop_reason": None}], "usage": None}
    return ("data: " + json.dumps(body, separators=(",", ":")) + "\n\n").encode()


def usage_frame(i, t):
    body = {"id": f"cmpl-{i:032x}", "object": "text_completion", "created": 1760000000, "model": MODEL, "choices": [],
            "usage": {"prompt_tokens": 128, "total_tokens": 128 + t, "completion_tokens": t}}
    return ("data: " + json.dumps(body, separators=(",", ":")) + "\n\n").encode()


def chunk(data):
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def server(kind, n, t, step_s, ready):
    async def main():
        streams = []
        full = asyncio.Event()

        async def handle(reader, writer):
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
                         b"Connection: keep-alive\r\n\r\n")
            streams.append(writer)
            if len(streams) == n:
                full.set()
            await asyncio.sleep(3600)

        srv = await asyncio.start_server(handle, "127.0.0.1", PORT, backlog=4096)
        ready.set()
        while True:
            await full.wait()
            t0 = time.perf_counter()
            for k in range(t):
                for i, w in enumerate(streams):
                    w.write(chunk(frame(kind, i, k)))
                await asyncio.gather(*(w.drain() for w in streams))
                wait = t0 + (k + 1) * step_s - time.perf_counter()
                if wait > 0:
                    await asyncio.sleep(wait)
            for i, w in enumerate(streams):
                w.write(chunk(usage_frame(i, t)) + chunk(b"data: [DONE]\n\n") + b"0\r\n\r\n")
            await asyncio.gather(*(w.drain() for w in streams))
            streams.clear()
            full.clear()

    asyncio.run(main())


def load_client(root):
    path = os.path.join(root, "vllm", "benchmarks", "lib", "endpoint_request_func.py")
    spec = importlib.util.spec_from_file_location("endpoint_request_func", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


async def burst(mod, kind, n, t):
    import aiohttp
    fn = mod.async_request_openai_chat_completions if kind == "chat" else mod.async_request_openai_completions
    url = f"http://127.0.0.1:{PORT}/v1/" + ("chat/completions" if kind == "chat" else "completions")
    connector = aiohttp.TCPConnector(limit=0, limit_per_host=0, ttl_dns_cache=300, use_dns_cache=True,
                                     keepalive_timeout=60, enable_cleanup_closed=True, force_close=False, ssl=False)
    async with aiohttp.ClientSession(connector=connector, trust_env=True, timeout=mod.AIOHTTP_TIMEOUT) as session:
        inputs = [mod.RequestFuncInput(prompt="hello " * 128, api_url=url, prompt_len=128, output_len=t, model=MODEL,
                                       ignore_eos=True) for _ in range(n)]
        c0, w0 = time.process_time(), time.perf_counter()
        outs = await asyncio.gather(*(fn(x, session, None) for x in inputs))
        c1, w1 = time.process_time(), time.perf_counter()
    ok = sum(o.success for o in outs)
    frames = sum(len(o.itl) + 1 for o in outs if o.success)
    return ok, frames, c1 - c0, w1 - w0


def main():
    root = sys.argv[1]
    kind = sys.argv[2] if len(sys.argv) > 2 else "completions"
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 256
    t = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    step_ms = float(sys.argv[5]) if len(sys.argv) > 5 else 30.0
    reps = int(sys.argv[6]) if len(sys.argv) > 6 else 3
    mod = load_client(root)
    ready = mp.Event()
    p = mp.Process(target=server, args=(kind, n, t, step_ms / 1e3, ready), daemon=True)
    p.start()
    ready.wait(30)
    rows = []
    try:
        for _ in range(reps):
            ok, frames, cpu, wall = asyncio.run(burst(mod, kind, n, t))
            rows.append((ok, frames, cpu, wall))
            print(f"{kind} N={n} T={t} step={step_ms} ms: ok {ok}/{n}, {frames} token frames, client CPU {cpu:.3f} s "
                  f"= {cpu / frames * 1e6:.2f} us per frame, wall {wall:.3f} s (server pacing {t * step_ms / 1e3:.3f} s)",
                  flush=True)
    finally:
        p.terminate()
    best = min(r[2] / r[1] for r in rows if r[1])
    print(f"min client CPU per token frame: {best * 1e6:.2f} us (ceiling of one client process ~{1 / best:,.0f} tok/s)")


if __name__ == "__main__":
    main()
