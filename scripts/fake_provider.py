#!/usr/bin/env python3
"""A deterministic OpenAI-compatible model provider for the real-gateway tests.

It answers POST /v1/chat/completions by echoing the user's text ("echo: <text>"), streamed one
word per chunk (20 ms apart) or as one JSON answer. Triggers in the user's text:
  [[fail:CODE]]  answer HTTP CODE with an OpenAI-style error
  [[sleep:N]]    wait N seconds (max 120) before answering
  [[tool:NAME:{json}]]  answer with one tool call to NAME with these arguments; when the
                 conversation already ends with a tool result, answer "tool result: <output>"
  [[stamp:N]]    stream N words " t<ns>", each the CLOCK_MONOTONIC time when it was written
                 (for the delta latency benchmark)
Every request body is appended as one JSON line to the log file (argv[2]) when given.

Usage: fake_provider.py PORT [LOGFILE]
"""
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(sys.argv[1])
LOG = sys.argv[2] if len(sys.argv) > 2 else None
LOCK = threading.Lock()
INTERNAL = "<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>"


def text_of(content):
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def tool_output(messages):
    """The tool result the conversation ends with (ignoring internal-context user turns)."""
    for m in reversed(messages or []):
        if m.get("role") == "user" and INTERNAL in text_of(m.get("content")):
            continue
        if m.get("role") == "tool":
            return text_of(m.get("content")).strip()
        return None
    return None


def user_text(messages):
    for m in reversed(messages or []):
        if m.get("role") != "user":
            continue
        t = text_of(m.get("content"))
        if INTERNAL in t:
            continue
        first = t.split("\n\n", 1)[0]
        first = re.sub(r"^\[[^\]]*\]\s*", "", first)
        return first.strip()
    return ""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def do_GET(self):
        if self.path == "/health":
            self.send_json(200, {"ok": True})
        elif self.path == "/v1/models":
            self.send_json(200, {"object": "list", "data": [{"id": "echo-1", "object": "model", "created": 0, "owned_by": "fake"}]})
        else:
            self.send_json(404, {"error": {"message": "not found", "type": "not_found"}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            req = json.loads(raw or b"{}")
        except ValueError:
            self.send_json(400, {"error": {"message": "bad json", "type": "invalid_request_error"}})
            return
        if LOG:
            with LOCK, open(LOG, "a") as f:
                f.write(json.dumps(req) + "\n")
        if self.path != "/v1/chat/completions":
            self.send_json(404, {"error": {"message": "not found", "type": "not_found"}})
            return
        text = user_text(req.get("messages"))
        m = re.search(r"\[\[sleep:(\d+)\]\]", text)
        if m:
            time.sleep(min(int(m.group(1)), 120))
        m = re.search(r"\[\[fail:(\d{3})\]\]", text)
        if m:
            code = int(m.group(1))
            self.send_json(code, {"error": {"message": f"fake upstream failure {code}", "type": "server_error", "code": None}})
            return
        tool = None
        out = tool_output(req.get("messages"))
        if out is not None:
            reply = "tool result: " + out
        else:
            m = re.search(r"\[\[tool:([\w.-]+):(\{.*\})\]\]", text)
            if m:
                tool = (m.group(1), m.group(2))
            reply = "echo: " + re.sub(r"\[\[\w+:\d+\]\]\s*", "", text).strip()
        if tool:
            self.send_tool_call(req, tool[0], tool[1])
            return
        words = reply.split(" ")
        pieces = [words[0]] + [" " + w for w in words[1:]]
        usage = {"prompt_tokens": max(1, len(json.dumps(req.get("messages"))) // 4), "completion_tokens": len(pieces)}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        base = {"id": "chatcmpl-fake", "created": int(time.time()), "model": req.get("model", "echo-1")}
        if not req.get("stream"):
            self.send_json(200, dict(base, object="chat.completion", choices=[{"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}], usage=usage))
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

        def send(obj):
            self.wfile.write(b"data: " + (obj if isinstance(obj, bytes) else json.dumps(obj).encode()) + b"\n\n")
            self.wfile.flush()

        chunk = dict(base, object="chat.completion.chunk")
        send(dict(chunk, choices=[{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]))
        stamps = re.search(r"\[\[stamp:(\d+)\]\]", text)
        if stamps:
            # Latency probe: N words, each the provider's CLOCK_MONOTONIC time in ns when written.
            pieces = [None] * min(int(stamps.group(1)), 1000)
        for p in pieces:
            time.sleep(0.02)
            if p is None:
                p = " t%d" % time.clock_gettime_ns(time.CLOCK_MONOTONIC)
            send(dict(chunk, choices=[{"index": 0, "delta": {"content": p}, "finish_reason": None}]))
        send(dict(chunk, choices=[{"index": 0, "delta": {}, "finish_reason": "stop"}]))
        if (req.get("stream_options") or {}).get("include_usage"):
            send(dict(chunk, choices=[], usage=usage))
        send(b"[DONE]")


def _tool_call(self, req, name, args):
    call_id = "call_fake_%d" % int(time.time() * 1000)
    base = {"id": "chatcmpl-fake", "created": int(time.time()), "model": req.get("model", "echo-1")}
    if not req.get("stream"):
        msg = {"role": "assistant", "content": None, "tool_calls": [{"id": call_id, "type": "function", "function": {"name": name, "arguments": args}}]}
        self.send_json(200, dict(base, object="chat.completion", choices=[{"index": 0, "message": msg, "finish_reason": "tool_calls"}], usage={"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}))
        return
    self.send_response(200)
    self.send_header("Content-Type", "text/event-stream")
    self.send_header("Cache-Control", "no-cache")
    self.send_header("Connection", "close")
    self.end_headers()
    self.close_connection = True

    def send(obj):
        self.wfile.write(b"data: " + (obj if isinstance(obj, bytes) else json.dumps(obj).encode()) + b"\n\n")
        self.wfile.flush()

    chunk = dict(base, object="chat.completion.chunk")
    send(dict(chunk, choices=[{"index": 0, "delta": {"role": "assistant", "content": None, "tool_calls": [{"index": 0, "id": call_id, "type": "function", "function": {"name": name, "arguments": ""}}]}, "finish_reason": None}]))
    send(dict(chunk, choices=[{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": args}}]}, "finish_reason": None}]))
    send(dict(chunk, choices=[{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]))
    if (req.get("stream_options") or {}).get("include_usage"):
        send(dict(chunk, choices=[], usage={"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}))
    send(b"[DONE]")


Handler.send_tool_call = _tool_call
ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
