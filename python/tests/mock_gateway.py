"""A small mock OpenClaw gateway for the tests (loopback only, bounded waits).

It speaks the gateway's wire shapes as recorded from a real gateway (shared TRANSCRIPT.md, the
Rust tests' tests/common/mod.rs): chat-completions SSE as ``data: {...}\\n\\n`` frames in HTTP
chunks (role chunk, one content chunk per word, finish chunk, optional usage chunk,
``data: [DONE]``), JSON error envelopes ``{"error": {"message", "type"}}``, a plain-text 404
for a disabled endpoint, and the probes.

Special user messages:
  ``stall``      streams the role and ``thinking...``, then waits (up to 20 s) until the client
                 closes the connection; a non-stream call waits the same way before answering.
  ``ratelimit``  HTTP 429 with ``Retry-After: 120``.
  ``use a tool`` asks the client to call ``get_weather`` with ``{"city":"Paris"}`` (finish
                 reason ``tool_calls``), whole or streamed in argument fragments.
"""

from __future__ import annotations

import json
import select
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional

STALL_LIMIT_S = 20.0


def chunk(delta: Dict[str, Any], finish: Optional[str] = None) -> bytes:
    """One chat.completion.chunk frame."""
    body = {
        "id": "chatcmpl_1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "openclaw",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(body, separators=(",", ":")).encode() + b"\n\n"


USAGE = (
    b'data: {"id":"chatcmpl_1","object":"chat.completion.chunk","created":1,"model":"openclaw",'
    b'"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}\n\n'
)
DONE = b"data: [DONE]\n\n"


class Recorded:
    """A request as the mock saw it."""

    def __init__(self, method: str, path: str, headers: Dict[str, str], body: bytes) -> None:
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body

    def header(self, name: str) -> Optional[str]:
        """A header value by case-insensitive name."""
        return self.headers.get(name.lower())

    def json(self) -> Any:
        """The body decoded as JSON (None when it is not)."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


class MockGateway:
    """A running mock gateway on 127.0.0.1 with a free port."""

    def __init__(self, token: Optional[str] = "tok", chat_enabled: bool = True) -> None:
        self.token = token
        self.chat_enabled = chat_enabled
        self.requests: List[Recorded] = []
        self.stall_started = threading.Event()
        self.stall_closed = threading.Event()
        """Set when a stalled call saw the client close its connection."""
        self._lock = threading.Lock()
        gw = self

        class Handler(_Handler):
            gateway = gw

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def record(self, r: Recorded) -> None:
        """Stores a request."""
        with self._lock:
            self.requests.append(r)

    def last(self, path: Optional[str] = None) -> Recorded:
        """The last request (to ``path`` when given)."""
        with self._lock:
            for r in reversed(self.requests):
                if path is None or r.path == path:
                    return r
        raise AssertionError(f"no request to {path or 'any path'} recorded")

    def stop(self) -> None:
        """Stops serving and closes the listening socket."""
        self._server.shutdown()
        self._server.server_close()


def dead_url() -> str:
    """A loopback URL where nothing listens (a port bound and released at once)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    gateway: MockGateway

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    # -- helpers --------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, ctype: str, headers: Dict[str, str] = {}) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _json(self, status: int, obj: Any, headers: Dict[str, str] = {}) -> None:
        self._send(status, json.dumps(obj).encode(), "application/json; charset=utf-8", headers)

    def _error(self, status: int, message: str, etype: str, headers: Dict[str, str] = {}) -> None:
        self._json(status, {"error": {"message": message, "type": etype}}, headers)

    def _sse_start(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _sse_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _wait_for_close(self) -> None:
        """Waits until the client closes the connection (bounded), and records it."""
        self.gateway.stall_started.set()
        sock = self.connection
        waited = 0.0
        while waited < STALL_LIMIT_S:
            readable, _, _ = select.select([sock], [], [], 0.05)
            waited += 0.05
            if readable:
                try:
                    data = sock.recv(1)
                except OSError:
                    data = b""
                if not data:
                    self.gateway.stall_closed.set()
                    break
        self.close_connection = True

    # -- routes ---------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        rec = Recorded(method, self.path, headers, body)
        gw = self.gateway
        gw.record(rec)
        path = self.path

        if path == "/health":
            return self._json(200, {"ok": True, "status": "live"})
        if path == "/readyz":
            return self._json(200, {"ready": True, "failing": [], "uptimeMs": 1000})
        if path == "/startupz":
            return self._json(200, {"ok": True, "status": "started", "version": "2026.9.6"})
        if path.startswith("/v1/") and not gw.chat_enabled:
            return self._send(404, b"Not Found", "text/plain; charset=utf-8")
        if path.startswith("/v1/") or path == "/tools/invoke":
            if gw.token is not None and headers.get("authorization") != f"Bearer {gw.token}":
                return self._error(401, "Unauthorized", "unauthorized")
        if path == "/v1/models" and method == "GET":
            return self._json(
                200,
                {"object": "list", "data": [{"id": "openclaw"}, {"id": "openclaw/main"}]},
            )
        if path == "/v1/chat/completions" and method == "POST":
            return self._chat(rec.json() or {})
        if path == "/v1/responses" and method == "POST":
            return self._responses(rec.json() or {})
        if path == "/tools/invoke" and method == "POST":
            req = rec.json() or {}
            tool = req.get("tool")
            if tool == "no_such_tool":
                return self._json(
                    404,
                    {"ok": False, "error": {"type": "not_found", "message": f"Tool not available: {tool}"}},
                )
            return self._json(200, {"ok": True, "result": {"tool": tool, "args": req.get("args")}})
        self._send(404, b"Not Found", "text/plain; charset=utf-8")

    def _chat(self, req: Dict[str, Any]) -> None:
        msgs = req.get("messages") or []
        text = msgs[-1].get("content") if msgs else None
        if not isinstance(text, str) or msgs[-1].get("role") != "user":
            return self._error(400, "Missing user message in `messages`.", "invalid_request_error")
        if text == "ratelimit":
            return self._error(429, "Too many requests", "rate_limited", {"Retry-After": "120"})
        if text == "stall":
            if req.get("stream"):
                self._sse_start()
                self._sse_chunk(chunk({"role": "assistant"}))
                self._sse_chunk(chunk({"content": "thinking..."}))
            return self._wait_for_close()
        if text == "use a tool":
            return self._tool_call(bool(req.get("stream")))
        reply = f"echo: {text}"
        if not req.get("stream"):
            return self._json(
                200,
                {
                    "id": "chatcmpl_1",
                    "object": "chat.completion",
                    "model": "openclaw",
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": reply},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15},
                },
            )
        self._sse_start()
        self._sse_chunk(chunk({"role": "assistant"}))
        words = reply.split(" ")
        for i, w in enumerate(words):
            self._sse_chunk(chunk({"content": w if i == 0 else " " + w}))
        self._sse_chunk(chunk({}, "stop"))
        if (req.get("stream_options") or {}).get("include_usage"):
            self._sse_chunk(USAGE)
        self._sse_chunk(DONE)
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _tool_call(self, stream: bool) -> None:
        args = '{"city":"Paris"}'
        if not stream:
            return self._json(
                200,
                {
                    "id": "chatcmpl_1",
                    "object": "chat.completion",
                    "model": "openclaw",
                    "choices": [
                        {
                            "index": 0,
                            "message": {
                                "role": "assistant",
                                "content": None,
                                "tool_calls": [
                                    {
                                        "id": "call_1",
                                        "type": "function",
                                        "function": {"name": "get_weather", "arguments": args},
                                    }
                                ],
                            },
                            "finish_reason": "tool_calls",
                        }
                    ],
                },
            )
        self._sse_start()
        self._sse_chunk(chunk({"role": "assistant"}))
        first = {"index": 0, "id": "call_1", "type": "function"}
        first["function"] = {"name": "get_weather", "arguments": args[:8]}
        self._sse_chunk(chunk({"tool_calls": [first]}))
        self._sse_chunk(chunk({"tool_calls": [{"index": 0, "function": {"arguments": args[8:]}}]}))
        self._sse_chunk(chunk({}, "tool_calls"))
        self._sse_chunk(DONE)
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _responses(self, req: Dict[str, Any]) -> None:
        inp = req.get("input")
        if not inp:
            return self._error(400, "Missing `input`.", "invalid_request_error")
        if isinstance(inp, list):
            inp = inp[-1]["content"][0]["text"] if isinstance(inp[-1]["content"], list) else inp[-1]["content"]
        text = f"echo: {inp}"
        self._json(
            200,
            {
                "id": "resp_1",
                "object": "response",
                "status": "completed",
                "model": "openclaw",
                "output": [
                    {
                        "type": "message",
                        "id": "msg_1",
                        "role": "assistant",
                        "content": [{"type": "output_text", "text": text}],
                        "status": "completed",
                    }
                ],
                "usage": {"input_tokens": 7, "output_tokens": 2, "total_tokens": 9},
            },
        )
