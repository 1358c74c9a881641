#!/usr/bin/env python3
"""Python peers: the aiohttp streaming loop the library replaces, and the official openai SDK.
   py_peers.py aiohttp-stream URL N | aiohttp-rate URL N | openai-stream URL N | openai-rate URL N
Prints one JSON line (max RSS from getrusage)."""
import asyncio
import json
import resource
import sys
import time

mode, url, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
BODY = {"model": "openclaw", "messages": [{"role": "user", "content": "bench"}]}


def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def report(kind, count, secs):
    if kind == "rate":
        print(json.dumps({"mode": mode, "requests": count, "secs": secs, "per_s": count / secs, "max_rss_kib": rss()}))
    else:
        print(json.dumps({"mode": mode, "deltas": count, "secs": secs, "ns_per_delta": secs * 1e9 / max(count, 1), "deltas_per_s": count / secs, "max_rss_kib": rss()}))


async def aiohttp_stream():
    import aiohttp
    async with aiohttp.ClientSession() as s:
        t = time.perf_counter()
        count = 0
        async with s.post(f"{url}/v1/chat/completions", json=dict(BODY, stream=True), headers={"Authorization": "Bearer bench", "x-bench-deltas": str(n)}) as resp:
            async for line in resp.content:
                line = line.strip()
                if not line.startswith(b"data: "):
                    continue
                data = line[6:]
                if data == b"[DONE]":
                    break
                chunk = json.loads(data)
                delta = chunk["choices"][0]["delta"] if chunk.get("choices") else {}
                if delta.get("content"):
                    count += 1
        report("stream", count, time.perf_counter() - t)


async def aiohttp_rate():
    import aiohttp
    async with aiohttp.ClientSession() as s:
        async def one():
            async with s.post(f"{url}/v1/chat/completions", json=BODY, headers={"Authorization": "Bearer bench"}) as resp:
                await resp.json()
        await one()
        t = time.perf_counter()
        for _ in range(n):
            await one()
        report("rate", n, time.perf_counter() - t)


def openai_client():
    import openai
    return openai.OpenAI(base_url=f"{url}/v1", api_key="bench")


def openai_stream():
    c = openai_client()
    t = time.perf_counter()
    count = 0
    for chunk in c.chat.completions.create(model="openclaw", messages=BODY["messages"], stream=True, extra_headers={"x-bench-deltas": str(n)}):
        if chunk.choices and chunk.choices[0].delta.content:
            count += 1
    report("stream", count, time.perf_counter() - t)


def openai_rate():
    c = openai_client()
    c.chat.completions.create(model="openclaw", messages=BODY["messages"])
    t = time.perf_counter()
    for _ in range(n):
        c.chat.completions.create(model="openclaw", messages=BODY["messages"])
    report("rate", n, time.perf_counter() - t)


{"aiohttp-stream": lambda: asyncio.run(aiohttp_stream()), "aiohttp-rate": lambda: asyncio.run(aiohttp_rate()),
 "openai-stream": openai_stream, "openai-rate": openai_rate}[mode]()
