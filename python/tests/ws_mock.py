"""A scripted mock of the gateway's WebSocket control plane (protocol 4), stdlib only.

A minimal RFC 6455 server on 127.0.0.1: the HTTP upgrade (``Sec-WebSocket-Accept``), text
frames both ways (client frames masked, fragments joined), ping answered with pong, close
answered with close. Every connection runs ``script(index, side)`` on a thread of its own; the
script speaks the gateway's frames as recorded from a real gateway (shared WS-TRANSCRIPT.md):
``connect.challenge``, ``connect`` → ``hello-ok``, ``{type:"res", id, ok, payload|error}``,
``{type:"event", event, payload, seq}``.

Every wait is bounded (socket timeout), so a failing test never hangs the suite.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import threading
from typing import Any, Callable, Dict, List, Optional, Tuple

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
WAIT_S = 30.0


class Side:
    """One accepted connection, seen from the mock gateway."""

    def __init__(self, sock: socket.socket, index: int, mock: "WsMock") -> None:
        self.sock = sock
        self.index = index
        self.mock = mock
        self.closed_by_client = False
        self.seq = 0
        self._send_lock = threading.Lock()
        self._buf = b""

    # -- raw frames -----------------------------------------------------------------------

    def _read_exact(self, n: int) -> bytes:
        while len(self._buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the client closed the TCP connection")
            self._buf += chunk
        data, self._buf = self._buf[:n], self._buf[n:]
        return data

    def _read_frame(self) -> Tuple[bool, int, bytes]:
        b0, b1 = self._read_exact(2)
        fin, op = bool(b0 & 0x80), b0 & 0x0F
        masked, n = bool(b1 & 0x80), b1 & 0x7F
        if n == 126:
            (n,) = struct.unpack("!H", self._read_exact(2))
        elif n == 127:
            (n,) = struct.unpack("!Q", self._read_exact(8))
        assert masked, "client frames must be masked (RFC 6455 5.1)"
        mask = self._read_exact(4)
        data = bytearray(self._read_exact(n))
        for i in range(n):
            data[i] ^= mask[i % 4]
        return fin, op, bytes(data)

    def _send_frame(self, op: int, data: bytes) -> None:
        n = len(data)
        if n < 126:
            head = struct.pack("!BB", 0x80 | op, n)
        elif n < 65536:
            head = struct.pack("!BBH", 0x80 | op, 126, n)
        else:
            head = struct.pack("!BBQ", 0x80 | op, 127, n)
        with self._send_lock:
            self.sock.sendall(head + data)

    def accept_upgrade(self) -> bool:
        """Answers the HTTP upgrade; False when the request is not a WebSocket upgrade."""
        while b"\r\n\r\n" not in self._buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                return False
            self._buf += chunk
        head, self._buf = self._buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        self.request_line = lines[0]
        self.headers = headers
        key = headers.get("sec-websocket-key")
        if not key or headers.get("upgrade", "").lower() != "websocket":
            self.sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            return False
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        self.sock.sendall(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
            ).encode()
        )
        return True

    # -- messages -------------------------------------------------------------------------

    def send(self, obj: Any) -> None:
        """Sends one JSON text frame."""
        self._send_frame(0x1, json.dumps(obj).encode())

    def recv(self) -> Optional[Dict[str, Any]]:
        """The next request (recorded), or None once the client closed or went away."""
        parts: List[bytes] = []
        try:
            while True:
                fin, op, data = self._read_frame()
                if op == 0x8:  # close: answer it
                    self.closed_by_client = True
                    try:
                        self._send_frame(0x8, data[:2])
                    except OSError:
                        pass
                    return None
                if op == 0x9:
                    self._send_frame(0xA, data)
                    continue
                if op in (0x1, 0x0):
                    parts.append(data)
                    if fin:
                        req: Dict[str, Any] = json.loads(b"".join(parts))
                        self.mock._record(self.index, req)
                        return req
        except (EOFError, OSError):
            return None

    def reply(self, req: Dict[str, Any], payload: Any) -> None:
        """Answers ``req`` with ``ok: true``."""
        self.send({"type": "res", "id": req["id"], "ok": True, "payload": payload})

    def fail(self, req: Dict[str, Any], error: Dict[str, Any]) -> None:
        """Answers ``req`` with ``ok: false``."""
        self.send({"type": "res", "id": req["id"], "ok": False, "error": error})

    def event(
        self, name: str, payload: Any, seq: Optional[int] = None, *, no_seq: bool = False
    ) -> None:
        """Sends an event frame with the connection's next frame ``seq`` (or ``seq``; none
        with ``no_seq``)."""
        frame: Dict[str, Any] = {"type": "event", "event": name, "payload": payload}
        if not no_seq:
            if seq is None:
                seq = self.seq + 1
            self.seq = seq
            frame["seq"] = seq
        self.send(frame)

    def handshake(
        self,
        *,
        version: str = "mock-1.0",
        boot_id: str = "boot-1",
        error: Optional[Dict[str, Any]] = None,
    ) -> Optional[Dict[str, Any]]:
        """Challenge, connect, then hello-ok granting the requested scopes (or ``error`` and
        close 1008, as the real gateway). Returns the connect request."""
        self.event(
            "connect.challenge",
            {"nonce": "nonce-1", "ts": 1795638126871, "capabilities": ["model-catalog-snapshot"]},
            no_seq=True,
        )
        req = self.recv()
        assert req is not None and req["method"] == "connect", req
        if error is not None:
            self.fail(req, error)
            self.close(1008, error.get("message", ""))
            return req
        self.reply(
            req,
            {
                "type": "hello-ok",
                "protocol": 4,
                "server": {"version": version, "connId": f"conn-{self.index}", "bootId": boot_id},
                "features": {
                    "methods": ["health", "chat.send", "chat.abort", "chat.history"],
                    "events": ["chat", "agent", "tick"],
                },
                "snapshot": {},
                "auth": {
                    "method": "token",
                    "role": "operator",
                    "scopes": req["params"].get("scopes", []),
                },
                "policy": {
                    "maxPayload": 26214400,
                    "maxBufferedBytes": 52428800,
                    "tickIntervalMs": 30000,
                },
            },
        )
        return req

    def serve(self, handlers: Dict[str, Callable[["Side", Dict[str, Any]], None]]) -> None:
        """Answers requests until the client leaves: ``handlers[method](side, req)``, else
        ``{"echo": params}``."""
        while True:
            req = self.recv()
            if req is None:
                return
            h = handlers.get(req["method"])
            if h is not None:
                h(self, req)
            else:
                self.reply(req, {"echo": req.get("params")})

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Sends a close frame and closes the socket."""
        try:
            self._send_frame(0x8, struct.pack("!H", code) + reason.encode()[:120])
        except OSError:
            pass
        self.drop()

    def drop(self) -> None:
        """Cuts the TCP connection without a close frame (a lost connection)."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class WsMock:
    """A mock gateway on 127.0.0.1 running ``script(index, side)`` per connection."""

    def __init__(self, script: Callable[[int, Side], None]) -> None:
        self.script = script
        self.requests: List[Tuple[int, Dict[str, Any]]] = []
        self.errors: List[BaseException] = []
        self.sides: List[Side] = []
        self._lock = threading.Lock()
        self._cv = threading.Condition(self._lock)
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.url = "http://127.0.0.1:%d" % self._listener.getsockname()[1]
        self._stopped = False
        threading.Thread(target=self._accept, name="ws-mock", daemon=True).start()

    def _accept(self) -> None:
        n = 0
        while True:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            sock.settimeout(WAIT_S)
            side = Side(sock, n, self)
            n += 1
            with self._lock:
                self.sides.append(side)
            threading.Thread(target=self._run, args=(side,), daemon=True).start()

    def _run(self, side: Side) -> None:
        try:
            if side.accept_upgrade():
                self.script(side.index, side)
        except BaseException as e:  # reported by the test through .errors
            with self._lock:
                self.errors.append(e)
        finally:
            try:
                side.sock.close()
            except OSError:
                pass

    def _record(self, index: int, req: Dict[str, Any]) -> None:
        with self._cv:
            self.requests.append((index, req))
            self._cv.notify_all()

    def methods(self, conn: Optional[int] = None) -> List[str]:
        """The methods requested (on one connection, or all)."""
        with self._lock:
            return [r["method"] for c, r in self.requests if conn is None or c == conn]

    def request(self, method: str, conn: Optional[int] = None) -> Dict[str, Any]:
        """The last request of ``method``."""
        with self._lock:
            found = [r for c, r in self.requests if r["method"] == method and conn in (None, c)]
        assert found, f"no {method} request; saw {self.methods(conn)}"
        return found[-1]

    def wait_request(self, method: str, timeout: float = WAIT_S) -> Dict[str, Any]:
        """Waits (bounded) until a request of ``method`` arrived and returns it."""
        with self._cv:
            ok = self._cv.wait_for(
                lambda: any(r["method"] == method for _, r in self.requests), timeout
            )
        assert ok, f"no {method} request within {timeout} s; saw {self.methods()}"
        return self.request(method)

    def stop(self) -> None:
        """Stops accepting and closes every connection still open."""
        self._listener.close()
        with self._lock:
            sides = list(self.sides)
        for s in sides:
            s.drop()


def chat_events(side: Side, req: Dict[str, Any], words: List[str], *, final: bool = True) -> None:
    """Acknowledges a ``chat.send`` as the real gateway does (``runId`` = the idempotency key)
    and streams the run: two status events, one delta per word, then ``final`` with the whole
    message (when ``final``)."""
    p = req["params"]
    run_id = p["idempotencyKey"]
    key = "agent:main:" + p["sessionKey"]
    side.reply(req, {"runId": run_id, "status": "started"})
    base = {"runId": run_id, "sessionKey": key, "agentId": "main"}
    seq = 1  # the run's own counter (payload seq); frame seq is the connection's
    for phase in ("preparing_context", "starting_model"):
        side.event("chat", dict(base, seq=seq, state="status", phase=phase))
        seq += 1
    side.event("agent", dict(base, seq=seq, stream="lifecycle", data={"phase": "start"}))
    seq += 1
    text = ""
    for w in words:
        text += w
        side.event(
            "chat",
            dict(
                base,
                seq=seq,
                state="delta",
                deltaText=w,
                message={"role": "assistant", "content": [{"type": "text", "text": text}]},
            )
        )
        seq += 1
    if final:
        side.event(
            "chat",
            dict(
                base,
                seq=seq,
                state="final",
                stopReason="stop",
                message={"role": "assistant", "content": [{"type": "text", "text": text}]},
            )
        )


Handlers = Dict[str, Callable[[Side, Dict[str, Any]], None]]


def serving(handlers: Handlers) -> Callable[[int, Side], None]:
    """A script: handshake, then answer with ``handlers`` (else echo the params)."""

    def script(_: int, side: Side) -> None:
        side.handshake()
        side.serve(handlers)

    return script


def abortable_run(side: Side, req: Dict[str, Any]) -> None:
    """Starts a run that sends one delta, then waits for chat.abort and ends aborted."""
    p = req["params"]
    run_id, key = p["idempotencyKey"], "agent:main:" + p["sessionKey"]
    side.reply(req, {"runId": run_id, "status": "started"})
    base = {"runId": run_id, "sessionKey": key}
    side.event("chat", dict(base, seq=1, state="status", phase="starting_model"))
    side.event("chat", dict(base, seq=2, state="delta", deltaText="partial"))
    abort = side.recv()
    assert abort is not None and abort["method"] == "chat.abort", abort
    side.event("chat", dict(base, seq=3, state="aborted", stopReason="rpc"))
    side.reply(abort, {"ok": True, "aborted": True, "runIds": [run_id]})
    side.serve({})


def ack_only(side: Side, req: Dict[str, Any]) -> None:
    """Acknowledges a chat.send; the run then sends nothing."""
    side.reply(req, {"runId": req["params"]["idempotencyKey"], "status": "started"})
