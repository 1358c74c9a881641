#!/usr/bin/env python3
"""Runs the whole benchmark suite and writes docs/benchmarks.md. Use bench/run.sh."""
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.join(HERE, "target", "release")
PY = os.path.join(HERE, ".venv", "bin", "python")
N = int(os.environ.get("BENCH_DELTAS", "200000"))
REPS = int(os.environ.get("BENCH_REPS", "5"))
RATE_N = int(os.environ.get("BENCH_RATE_N", "20000"))
TIME_OUT = os.path.join(HERE, "target", "time.out")
MANY = int(os.environ.get("BENCH_MANY", "1000"))
LAT_RUNS = int(os.environ.get("BENCH_LAT_RUNS", "5"))
TLS_FRESH_N = int(os.environ.get("BENCH_TLS_FRESH_N", "300"))
TLS_POOLED_N = int(os.environ.get("BENCH_TLS_POOLED_N", "5000"))


def run(cmd, env=None):
    """Runs cmd; returns (stdout, max_rss_kib, seconds)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    secs = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{cmd} failed: {err.decode(errors='replace')}")
    return out.decode(), ru.ru_maxrss, secs


def jrun(cmd):
    """Runs a client that reports its own peak RSS (VmHWM or getrusage of itself)."""
    out, _, _ = run(cmd)
    d = json.loads(out.strip().splitlines()[-1])
    d["rss_kib"] = d.get("max_rss_kib", 0)
    return d


def timed(cmd):
    """Runs a command under /usr/bin/time for its own peak RSS; returns (stdout, rss_kib, secs)."""
    out, _, secs = run(["/usr/bin/time", "-f", "%M", "-o", TIME_OUT] + cmd)
    with open(TIME_OUT) as f:
        rss = int(f.read().strip().splitlines()[-1])
    return out, rss, secs


def best(cmd, reps=REPS, key="ns_per_delta"):
    results = [jrun(cmd) for _ in range(reps)]
    results.sort(key=lambda d: d[key])
    med = results[len(results) // 2]
    med["min"] = results[0][key]
    return med


def curl_stream(url, n):
    cmd = ["curl", "-sN", "-o", "/dev/null", "-X", "POST", "-H", f"x-bench-deltas: {n}", "-H", "Content-Type: application/json",
           "-d", '{"stream":true,"messages":[]}', f"{url}/v1/chat/completions"]
    times, rsss = [], []
    for _ in range(REPS):
        _, rss, secs = timed(cmd)
        times.append(secs)
        rsss.append(rss)
    secs = statistics.median(times)
    return {"ns_per_delta": secs * 1e9 / n, "min": min(times) * 1e9 / n, "deltas_per_s": n / secs, "rss_kib": max(rsss)}


def curl_rate(url, n, extra=""):
    """n sequential requests in one curl process (it reuses its connection unless the server
    closes it); the time of one warm-up request in its own process is subtracted."""
    cfg = os.path.join(HERE, "target", "curl-rate.cfg")
    head = 'silent\nrequest = "POST"\nheader = "Content-Type: application/json"\ndata = "{\\"messages\\":[]}"\n' + extra
    def write_cfg(k):
        with open(cfg, "w") as f:
            f.write(head)
            for _ in range(k):
                f.write(f'url = "{url}/v1/chat/completions"\noutput = "/dev/null"\n')
    write_cfg(1)
    one = min(timed(["curl", "-K", cfg])[2] for _ in range(3))
    write_cfg(n + 1)
    _, rss, secs = timed(["curl", "-K", cfg])
    secs -= one
    return {"per_s": n / secs, "us_per_request": secs * 1e6 / n, "rss_kib": rss}


def stats(url):
    with urllib.request.urlopen(f"{url}/stats") as r:
        return json.loads(r.read())


def median_of(runs, keys):
    return {k: statistics.median(r[k] for r in runs) for k in keys} | {"samples": runs[0]["samples"], "runs": runs}


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    curl = subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    pyv = subprocess.run([PY, "-c", "import aiohttp, openai, sys; print(sys.version.split()[0], aiohttp.__version__, openai.__version__)"], capture_output=True, text=True).stdout.split()
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(), "rustc": rustc, "curl": curl, "python": pyv[0], "aiohttp": pyv[1], "openai": pyv[2],
            "mem_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}


def main():
    ca = os.path.join(HERE, "target", "bench-ca.pem")
    srv = subprocess.Popen([os.path.join(BIN, "sse_server"), "0", ca], stdout=subprocess.PIPE)
    port = int(srv.stdout.readline())
    tls_port = int(srv.stdout.readline())
    url = f"http://127.0.0.1:{port}"
    tls_url = f"https://127.0.0.1:{tls_port}"
    rc = os.path.join(BIN, "rust_clients")
    cb = os.path.join(BIN, "c_bench")
    many = os.path.join(BIN, "many_streams")
    load = {"before": os.getloadavg()}
    try:
        print("decode…", file=sys.stderr)
        decode = {
            "ours: C callback": best([cb, "callback", url, str(N)]),
            "ours: C pull": best([cb, "pull", url, str(N)]),
            "ours: Rust iterator (owned events)": best([rc, "iter", url, str(N)]),
            "ours: Rust next_ref (borrowed events)": best([rc, "iter-ref", url, str(N)]),
            "curl -sN (raw transfer, no parsing)": curl_stream(url, N),
            "reqwest blocking + line SSE": best([rc, "reqwest", url, str(N // 10)], reps=3),
            "Python aiohttp loop (replaced)": best([PY, os.path.join(HERE, "py_peers.py"), "aiohttp-stream", url, str(N)], reps=3),
            "openai Python SDK (sync, stream=True)": best([PY, os.path.join(HERE, "py_peers.py"), "openai-stream", url, str(N // 10)], reps=3),
            "in-memory floor (line split + typed serde_json)": best([rc, "floor", str(N)]),
        }
        print("latency…", file=sys.stderr)
        lat_runs, floor_runs = [], []
        for _ in range(LAT_RUNS):
            lat_runs.append(jrun([cb, "latency", url, "500", "5000"]))
            floor_runs.append(jrun([rc, "latency-floor", url, "500", "5000"]))
        keys = ["p50_us", "p99_us", "max_us"]
        latency = median_of(lat_runs, keys)
        latency_floor = median_of(floor_runs, keys)
        print("rate…", file=sys.stderr)
        rate_c = sorted((jrun([cb, "rate", url, str(RATE_N)]) for _ in range(3)), key=lambda d: d["per_s"])[1]
        rate_floor = sorted((jrun([rc, "rate-floor", url, str(RATE_N)]) for _ in range(3)), key=lambda d: d["per_s"])[1]
        rate = {
            "ours: C (openclaw_chat)": rate_c,
            "raw socket loop (same request bytes, no HTTP library)": rate_floor,
            "ours: Rust (Client::chat)": jrun([rc, "rate", url, str(RATE_N)]),
            "curl (one process, keep-alive)": curl_rate(url, RATE_N),
            "Python aiohttp": jrun([PY, os.path.join(HERE, "py_peers.py"), "aiohttp-rate", url, str(RATE_N // 4)]),
            "openai Python SDK": jrun([PY, os.path.join(HERE, "py_peers.py"), "openai-rate", url, str(RATE_N // 10)]),
        }
        print("memory…", file=sys.stderr)
        memory = jrun([rc, "memory", url, str(1 << 30)])
        memory_c = jrun([cb, "memory", url, str(1 << 30)])
        print("many streams…", file=sys.stderr)
        many_streams = jrun([many, url, str(MANY), "20000", "100"])
        print("tls…", file=sys.stderr)
        tls = {}
        for kind, n, extra in (("fresh", TLS_FRESH_N, 'header = "x-bench-close: 1"\n'), ("pooled", TLS_POOLED_N, "")):
            s0 = stats(url)
            ours = sorted((jrun([rc, f"tls-{kind}", tls_url, ca, str(n)]) for _ in range(3)), key=lambda d: d["per_s"])[1]
            s1 = stats(url)
            curl = sorted((curl_rate(tls_url, n, extra + f'cacert = "{ca}"\n') for _ in range(3)), key=lambda d: d["per_s"])[1]
            s2 = stats(url)
            tls[kind] = {"ours": ours, "curl": curl, "n": n,
                         "ours_handshakes": s1["tls_handshakes"] - s0["tls_handshakes"],
                         "curl_handshakes": s2["tls_handshakes"] - s1["tls_handshakes"]}
        print("threads…", file=sys.stderr)
        threads = {t: best([cb, "threads", url, str(t), str(4 * N)], reps=3, key="secs") for t in (1, 2, 8, 64)}
    finally:
        srv.kill()
    so = os.path.join(ROOT, "target", "release", "libopenclaw_client.so")
    a = os.path.join(ROOT, "target", "release", "libopenclaw_client.a")
    stripped = os.path.join(HERE, "target", "libopenclaw_client.stripped.so")
    subprocess.run(["strip", "-o", stripped, so], check=True)
    sizes = {"stripped .so": os.path.getsize(stripped), ".so (unstripped)": os.path.getsize(so), "static .a": os.path.getsize(a)}
    load["after"] = os.getloadavg()
    write(machine(), decode, latency, latency_floor, rate, memory, threads, sizes, memory_c, many_streams, tls, load)


def fmt_kib(k):
    return f"{k / 1024:.1f} MiB"


def write(m, decode, latency, floor_lat, rate, memory, threads, sizes, memory_c, many, tls, load):
    ours = decode["ours: C callback"]["ns_per_delta"]
    aio = decode["Python aiohttp loop (replaced)"]["ns_per_delta"]
    floor = decode["in-memory floor (line split + typed serde_json)"]["ns_per_delta"]
    curl_rate_v = rate["curl (one process, keep-alive)"]["per_s"]
    our_rate = rate["ours: C (openclaw_chat)"]["per_s"]
    t1 = threads[1]["deltas_per_s"]
    t64 = threads[64]["deltas_per_s"]
    samples = memory["rss_samples_kib"]
    ok = lambda b: "met" if b else "**missed**"
    L = []
    L.append("# Benchmarks\n")
    L.append(f"Generated by `bench/run.sh` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. All figures come from one run on one machine; ratios compare peers measured in that same run.\n")
    L.append(f"Machine: {m['cpu']}, {m['cores']} cores, {m['mem_gib']} GiB, Linux {m['kernel']}; {m['rustc']}; {m['curl']}; Python {m['python']} (aiohttp {m['aiohttp']}, openai {m['openai']}).\n")
    L.append(f"Stream: gateway-shaped `chat.completion.chunk` events of ≈209 bytes (tokens of a few characters, some multi-byte UTF-8), one HTTP chunk per event, {N} deltas per stream from a local Rust server (`bench/src/bin/sse_server.rs`). Median of {REPS} runs (3 for the slow peers, which also stream fewer deltas); `min` is the best run.\n")
    L.append("## Decode cost per delta (end to end: socket, HTTP chunking, SSE, JSON, event)\n")
    L.append("| client | ns/delta (median) | ns/delta (best) | deltas/s | peak RSS | vs ours (C callback) |")
    L.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    for k, d in decode.items():
        L.append(f"| {k} | {d['ns_per_delta']:.0f} | {d['min']:.0f} | {d['deltas_per_s']:,.0f} | {fmt_kib(d['rss_kib'])} | {d['ns_per_delta'] / ours:.2f}× |")
    L.append("")
    L.append(f"## Delta latency (server write → C callback), 500 deltas 5 ms apart\n")
    L.append("| path | p50 | p99 | max |")
    L.append("| --- | ---: | ---: | ---: |")
    L.append(f"| ours: C callback | {latency['p50_us']:.1f} µs | {latency['p99_us']:.1f} µs | {latency['max_us']:.1f} µs |")
    L.append(f"| floor: raw socket read, no parsing (same server, same run) | {floor_lat['p50_us']:.1f} µs | {floor_lat['p99_us']:.1f} µs | {floor_lat['max_us']:.1f} µs |")
    per_run = lambda d: ", ".join(f"{r['p50_us']:.1f}/{r['p99_us']:.1f}" for r in d["runs"])
    L.append(f"\nPer run, p50/p99 µs — ours: {per_run(latency)}; floor: {per_run(floor_lat)}.")
    L.append(f"\n{latency['samples']} samples per run, median of {LAT_RUNS} runs (ours and the floor alternate; the tail moves with whatever else the 2 cores run); the server writes its CLOCK_MONOTONIC time into each delta, flushed one event per write, 5 ms apart. What the library adds is the difference to the floor: {latency['p50_us'] - floor_lat['p50_us']:+.1f} µs at p50, {latency['p99_us'] - floor_lat['p99_us']:+.1f} µs at p99.\n")
    L.append("## Request rate (sequential small non-stream requests on keep-alive)\n")
    L.append("Median of 3 runs for ours and the raw loop; curl runs all requests from one config file in one process (the time of a one-request curl process is subtracted).\n")
    L.append("| client | requests/s | peak RSS | vs curl |")
    L.append("| --- | ---: | ---: | ---: |")
    for k, d in rate.items():
        L.append(f"| {k} | {d['per_s']:,.0f} | {fmt_kib(d['rss_kib'])} | {d['per_s'] / curl_rate_v:.2f}× |")
    L.append("")
    L.append("## Memory while streaming 1 GiB\n")
    L.append(f"{memory['deltas']:,} deltas ({memory['bytes'] / 2**30:.1f} GiB of events) in {memory['secs']:.1f} s with the Rust client (`keep_text(false)`); RSS sampled every 10%: {', '.join(fmt_kib(s) for s in samples)}; peak {fmt_kib(memory['rss_kib'])}.\n")
    cs = memory_c["rss_samples_kib"]
    L.append(f"Through the C callback API in its flat mode (`openclaw_chat_request_set_keep_text(req, false)`, `bench/c_bench.c memory`): {memory_c['deltas']:,} deltas ({memory_c['bytes'] / 2**30:.1f} GiB) in {memory_c['secs']:.1f} s; RSS sampled every 10%: {', '.join(fmt_kib(s) for s in cs)}; peak {fmt_kib(memory_c['rss_kib'])}.\n")
    L.append("## Many open streams (one process, one client, a thread per stream, paced server)\n")
    L.append(f"{many['streams']} streams, each 100 deltas 20 ms apart (`bench/src/bin/many_streams.rs`, a counting global allocator). All open after {many['open_secs']:.2f} s; {many['complete']} of {many['streams']} complete with DONE in {many['secs']:.2f} s ({many['deltas']:,} deltas).\n")
    L.append("| | heap (bytes) | open descriptors |")
    L.append("| --- | ---: | ---: |")
    L.append(f"| start | {many['heap_start']:,} | {many['fd_start']} |")
    L.append(f"| {many['streams']} threads started, no stream | {many['heap_threads']:,} | {many['fd_threads']} |")
    L.append(f"| every stream open, first content read | {many['heap_open']:,} | {many['fd_open']} |")
    L.append(f"| all done, client dropped | {many['heap_after']:,} | {many['fd_after']} |")
    L.append(f"\nLibrary heap per open stream: {many['heap_per_stream'] / 1024:.1f} KiB (open minus threads-started, divided by {many['streams']}); heap peak {many['heap_peak'] / 2**20:.1f} MiB; RSS with all open {fmt_kib(many['rss_open_kib'])}.\n")
    L.append("## TLS (local rustls server, rcgen certificates, no session resumption)\n")
    L.append("| request | ours µs/request | curl µs/request | ours vs curl | server handshakes: ours / curl |")
    L.append("| --- | ---: | ---: | ---: | ---: |")
    for kind, label in (("fresh", "new TLS connection + request (server closes after each)"), ("pooled", "request on a pooled TLS connection")):
        d = tls[kind]
        L.append(f"| {label} | {d['ours']['us_per_request']:.0f} | {d['curl']['us_per_request']:.0f} | {d['ours']['us_per_request'] / d['curl']['us_per_request']:.2f}× | {d['ours_handshakes']} / {d['curl_handshakes']} |")
    L.append(f"\nOurs: one client (`ca_bundle_pem`), {tls['fresh']['n']} (fresh) or {tls['pooled']['n']} (pooled) timed requests after one warm-up, median of 3 runs; curl: the same count from one config file with `cacert`, minus a one-request process. Handshakes are counted by the server over all 3 runs: ours opens {tls['fresh']['n'] + 1} connections per fresh run and 1 per pooled run of {tls['pooled']['n'] + 1} requests.\n")
    L.append("## Threads streaming on one client (C callback API)\n")
    L.append("| threads | aggregate deltas/s | vs 1 thread |")
    L.append("| ---: | ---: | ---: |")
    for t, d in threads.items():
        L.append(f"| {t} | {d['deltas_per_s']:,.0f} | {d['deltas_per_s'] / t1:.2f}× |")
    L.append("")
    L.append("## Size\n")
    for k, v in sizes.items():
        L.append(f"- {k}: {v / 2**20:.2f} MiB")
    L.append("")
    raw_rate = rate["raw socket loop (same request bytes, no HTTP library)"]["per_s"]
    add50 = latency["p50_us"] - floor_lat["p50_us"]
    add99 = latency["p99_us"] - floor_lat["p99_us"]
    fr, po = tls["fresh"], tls["pooled"]
    fr_ratio = fr["ours"]["us_per_request"] / fr["curl"]["us_per_request"]
    po_ratio = po["ours"]["us_per_request"] / po["curl"]["us_per_request"]
    T = []
    T.append("## Targets (issue 14)\n")
    T.append("| target | measured | peer (same run) | status |")
    T.append("| --- | --- | --- | --- |")
    T.append(f"| decode via the C callback ≤ 1.0× the in-memory typed parse | {ours:.0f} ns/delta = {ours / floor:.2f}× | in-memory line split + typed serde_json: {floor:.0f} ns | {ok(ours <= floor)} |")
    T.append(f"| delta latency ≤ +5 µs p50 over the raw socket loop | {latency['p50_us']:.1f} µs ({add50:+.1f} µs) | raw socket read: {floor_lat['p50_us']:.1f} µs | {ok(add50 <= 5)} |")
    T.append(f"| delta latency ≤ +15 µs p99 over the raw socket loop | {latency['p99_us']:.1f} µs ({add99:+.1f} µs) | raw socket read: {floor_lat['p99_us']:.1f} µs | {ok(add99 <= 15)} |")
    T.append(f"| small requests ≥ 0.8× the raw socket loop (keep-alive) | {our_rate:,.0f}/s = {our_rate / raw_rate:.2f}× | raw socket loop: {raw_rate:,.0f}/s | {ok(our_rate >= 0.8 * raw_rate)} |")
    T.append(f"| flat memory from C: 1 GiB via the callback, RSS ≤ 4 MiB and flat | peak {fmt_kib(memory_c['rss_kib'])}, samples {fmt_kib(min(cs))}–{fmt_kib(max(cs))} | — | {ok(memory_c['rss_kib'] <= 4096 and max(cs) - min(cs) < 256)} |")
    T.append(f"| many streams: {many['streams']} open, heap per open stream ≤ 64 KiB | {many['heap_per_stream'] / 1024:.1f} KiB | — | {ok(many['heap_per_stream'] <= 64 * 1024)} |")
    T.append(f"| many streams: all complete, no fd or memory left after | {many['complete']}/{many['streams']} complete; fds {many['fd_start']} → {many['fd_after']}; heap {many['heap_start']:,} → {many['heap_after']:,} B | — | {ok(many['complete'] == many['streams'] and many['fd_after'] <= many['fd_start'] and many['heap_after'] - many['heap_start'] <= 16384)} |")
    T.append(f"| TLS: new connection + first request ≤ 1.0× curl | {fr['ours']['us_per_request']:.0f} µs = {fr_ratio:.2f}× | curl: {fr['curl']['us_per_request']:.0f} µs | {ok(fr_ratio <= 1.0)} |")
    T.append(f"| TLS: request on a pooled connection ≤ 1.0× curl | {po['ours']['us_per_request']:.1f} µs = {po_ratio:.2f}× | curl: {po['curl']['us_per_request']:.1f} µs | {ok(po_ratio <= 1.0)} |")
    T.append(f"| TLS connections reused | {po['ours_handshakes']} handshakes for 3 × {po['n'] + 1} pooled requests ({fr['ours_handshakes']} for 3 × {fr['n'] + 1} fresh ones) | curl: {po['curl_handshakes']} | {ok(po['ours_handshakes'] == 3)} |")
    T.append(f"\nLoad average (1/5/15 min) before the run: {' / '.join(f'{x:.2f}' for x in load['before'])}; after: {' / '.join(f'{x:.2f}' for x in load['after'])} (2 cores).\n")
    L[3:3] = T
    L.append("## Earlier targets\n")
    L.append("| target | measured | status |")
    L.append("| --- | --- | --- |")
    L.append(f"| ≥ 17× faster than the aiohttp loop | {aio / ours:.1f}× | {ok(aio / ours >= 17)} |")
    L.append(f"| peak RSS ≤ 4 MiB streaming 1 GiB (Rust, keep_text off), flat | {fmt_kib(memory['rss_kib'])}, samples {fmt_kib(min(samples))}–{fmt_kib(max(samples))} | {ok(memory['rss_kib'] <= 4096 and max(samples) - min(samples) < 256)} |")
    L.append(f"| 64 threads ≥ 1.8× one thread | {t64 / t1:.2f}× | {ok(t64 / t1 >= 1.8)} |")
    L.append(f"| stripped .so ≤ 3 MiB | {sizes['stripped .so'] / 2**20:.2f} MiB | {ok(sizes['stripped .so'] <= 3 * 2**20)} |")
    L.append("")
    notes = os.path.join(HERE, "PROFILE.md")
    if os.path.exists(notes):
        with open(notes) as f:
            L.append(f.read())
    path = os.path.join(ROOT, "docs", "benchmarks.md")
    with open(path, "w") as f:
        f.write("\n".join(L))
    print("\n".join(T))
    print(f"\nwritten to {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
