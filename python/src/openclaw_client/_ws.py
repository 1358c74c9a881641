"""The blocking WebSocket client: :class:`WsConnection` and :class:`WsChatRun`.

Open a connection with :meth:`Client.ws_connect <openclaw_client.Client.ws_connect>`. It wraps
the C library's ``openclaw_ws`` handle, which runs one library thread per connection and may be
used from any number of threads at once; so may a :class:`WsConnection`. Each C handle is owned
by exactly one Python object and freed exactly once, after every call using it has returned
(``close()`` marks it closed; the last call in flight frees it).

Events are pulled (``openclaw_ws_next_event``), never pushed through a C callback: no Python
code ever runs on the library's connection thread. Each event is copied into a plain dataclass
and freed at once. Long waits are made of short library waits, so Ctrl-C interrupts them and
``close()`` from another thread ends them.
"""

from __future__ import annotations

import json
import os
import threading
import time
from ctypes import POINTER, byref, c_bool, c_void_p
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Union

from ._errors import OpenClawError, RequestTimeoutError, ResultCode, check, last_error
from ._handle import _Closeable, _Handle, _Use
from ._lib import WsEvent as _CEvent
from ._lib import cstr, lib, take_string, text_at
from ._ws_types import (
    ApprovalDecision,
    WsAgentEvent,
    WsApprovalRequested,
    WsApprovalResolved,
    WsChatEvent,
    WsDisconnected,
    WsDropped,
    WsEvent,
    WsEventKind,
    WsGap,
    WsHello,
    WsReconnected,
    WsRunAborted,
    WsRunAgent,
    WsRunDelta,
    WsRunEnd,
    WsRunEvent,
    WsRunFinal,
    WsRunGap,
    WsRunStatus,
    WsSessionMessage,
    WsSessionsChanged,
    WsShutdown,
    WsTick,
)

PathLike = Union[str, "os.PathLike[str]"]

# The longest single wait inside the library. A longer wait is a loop of these, so that the
# Python thread checks for signals (Ctrl-C) and for close() between them.
_SLICE_S = 0.25


def _s(b: Optional[bytes]) -> str:
    return b.decode("utf-8", errors="replace") if b else ""


def _kind(raw: int) -> Union[WsEventKind, int]:
    try:
        return WsEventKind(raw)
    except ValueError:  # a kind added by a newer library
        return raw


def _event_from(ev: _CEvent) -> WsEvent:
    """Copies a connection event out of the library's struct."""
    kind = _kind(int(ev.kind))
    name = _s(ev.name)
    seq = None if ev.seq < 0 else int(ev.seq)
    payload = _s(ev.payload_json) or "null"
    text = text_at(ev.text, ev.text_len)
    run_id, key, state, phase, eid = (
        _s(ev.run_id),
        _s(ev.session_key),
        _s(ev.state),
        _s(ev.phase),
        _s(ev.id),
    )
    if kind == WsEventKind.CHAT:
        return WsChatEvent(kind, name, seq, payload, run_id, key, state, phase, text, ev.replace)
    if kind == WsEventKind.AGENT:
        return WsAgentEvent(kind, name, seq, payload, run_id, key, state, phase, text, eid)
    if kind == WsEventKind.APPROVAL_REQUESTED:
        decisions = tuple(d for d in state.split(",") if d)
        return WsApprovalRequested(kind, name, seq, payload, eid, text, run_id, key, decisions)
    if kind == WsEventKind.APPROVAL_RESOLVED:
        return WsApprovalResolved(kind, name, seq, payload, eid, state)
    if kind == WsEventKind.SESSION_MESSAGE:
        return WsSessionMessage(kind, name, seq, payload, key, state, text)
    if kind == WsEventKind.SESSIONS_CHANGED:
        return WsSessionsChanged(kind, name, seq, payload, key, state)
    if kind == WsEventKind.TICK:
        return WsTick(kind, name, seq, payload)
    if kind == WsEventKind.SHUTDOWN:
        return WsShutdown(kind, name, seq, payload, text)
    if kind == WsEventKind.GAP:
        return WsGap(kind, name, seq, payload, int(ev.gap_expected), int(ev.gap_received))
    if kind == WsEventKind.DROPPED:
        return WsDropped(kind, name, seq, payload, int(ev.count))
    if kind == WsEventKind.DISCONNECTED:
        return WsDisconnected(kind, name, seq, payload, text)
    if kind == WsEventKind.RECONNECTED:
        return WsReconnected(kind, name, seq, payload, eid)
    return WsEvent(kind, name, seq, payload)


def _run_event_from(ev: _CEvent) -> WsRunEvent:
    """Copies a run event out of the library's struct."""
    kind = _kind(int(ev.kind))
    run_id = _s(ev.run_id)
    text = text_at(ev.text, ev.text_len)
    if kind == WsEventKind.RUN_STATUS:
        return WsRunStatus(kind, run_id, _s(ev.phase))
    if kind == WsEventKind.RUN_DELTA:
        return WsRunDelta(kind, run_id, text, bool(ev.replace))
    if kind == WsEventKind.RUN_AGENT:
        return WsRunAgent(
            kind, run_id, _s(ev.session_key), _s(ev.state), _s(ev.phase), text, _s(ev.id)
        )
    if kind == WsEventKind.RUN_FINAL:
        return WsRunFinal(kind, run_id, text, _s(ev.state))
    if kind == WsEventKind.RUN_ABORTED:
        return WsRunAborted(kind, run_id, text, _s(ev.state))
    if kind == WsEventKind.RUN_GAP:
        return WsRunGap(kind, run_id, int(ev.gap_expected), int(ev.gap_received))
    return WsRunEvent(kind, run_id)


def _json_out(ptr: Optional[int]) -> Any:
    """Decodes (and frees) JSON text the library returned; None for NULL."""
    text = take_string(ptr)
    return None if text is None else json.loads(text)


def _wait_ms(deadline: Optional[float]) -> int:
    """The next library wait: one slice, or what is left before ``deadline``."""
    left = _SLICE_S if deadline is None else min(_SLICE_S, deadline - time.monotonic())
    return max(0, int(left * 1000))


def _deadline(timeout: Optional[float]) -> Optional[float]:
    if timeout is None:
        return None
    if timeout < 0:
        raise ValueError("timeouts cannot be negative")
    return time.monotonic() + timeout


def _call_timeout_ms(timeout: Optional[float]) -> int:
    """``openclaw_ws_call``'s timeout: None = the connection's default, 0 = no limit."""
    if timeout is None:
        return 0
    if timeout < 0:
        raise ValueError("timeouts cannot be negative")
    if timeout == 0:
        return -1
    return max(1, int(round(timeout * 1000)))


_TIMED_OUT = object()


class RunState:
    """What the events of a run consumed so far say: text, how it ended (private)."""

    def __init__(self) -> None:
        self.text = ""
        self.ended: Optional[WsRunEnd] = None
        self.stop_reason: Optional[str] = None
        self.error: Optional[OpenClawError] = None

    def update(self, ev: WsRunEvent) -> None:
        """Takes one event into account."""
        if isinstance(ev, WsRunDelta):
            self.text = ev.text if ev.replace else self.text + ev.text
        elif isinstance(ev, WsRunFinal):
            self.text = ev.text
            self.ended, self.stop_reason = WsRunEnd.FINAL, ev.stop_reason
        elif isinstance(ev, WsRunAborted):
            self.text = ev.text
            self.ended, self.stop_reason = WsRunEnd.ABORTED, ev.stop_reason

    def fail(self, err: BaseException) -> None:
        """The run ended with ``err``."""
        if self.ended is None:
            self.ended = WsRunEnd.ERROR
            self.error = err if isinstance(err, OpenClawError) else None


class RunView:
    """What a run's consumed events say, read through ``self._state`` (shared by the sync and
    asyncio run classes; private)."""

    _state: RunState

    @property
    def text(self) -> str:
        """The reply text of the events consumed so far (the whole reply once the run
        finished)."""
        return self._state.text

    @property
    def ended(self) -> Optional[WsRunEnd]:
        """How the run ended, ``None`` while it goes on."""
        return self._state.ended

    @property
    def stop_reason(self) -> Optional[str]:
        """The gateway's stop reason once the run ended (``stop``, ``rpc`` for an abort…;
        ``""`` when it sent none), else ``None``."""
        return self._state.stop_reason

    @property
    def error(self) -> Optional[OpenClawError]:
        """The exception that ended the run (``ended == WsRunEnd.ERROR``), else ``None``."""
        return self._state.error


class WsChatRun(RunView, _Closeable):
    """One chat run followed as a stream: iterate it for :class:`WsRunEvent` objects.

    Iteration yields progress (:class:`WsRunStatus`), reply text (:class:`WsRunDelta`), agent
    events (:class:`WsRunAgent`) and ends after the last event, :class:`WsRunFinal` or
    :class:`WsRunAborted`. A failed run raises :class:`~openclaw_client.StreamError` (the
    gateway's message; ``partial_text`` holds the text so far); a lost connection raises
    :class:`~openclaw_client.WsDisconnectedError`. :attr:`ended` then says how it ended.

    Read it from one thread at a time; :meth:`abort` may be called from any thread, also while
    another thread waits for the next event. :meth:`close` (or leaving the ``with`` block)
    frees the handle but does not stop the run on the gateway: :meth:`abort` does.

    Attributes:
        run_id: the gateway's run id.
        session_key: the session key the message was sent on (as given).
    """

    def __init__(self, ptr: int, session_key: str) -> None:
        self._h = _Handle(ptr, lib.openclaw_ws_run_free, "WsChatRun")
        self.run_id: str = _s(lib.openclaw_ws_run_id(ptr))
        self.session_key = session_key
        self._state = RunState()
        self._finished = False
        self._read_lock = threading.Lock()

    @property
    def done(self) -> bool:
        """Whether the run has ended (or this object was closed)."""
        return self._finished or self._h.closed

    def __iter__(self) -> Iterator[WsRunEvent]:
        return self

    def __next__(self) -> WsRunEvent:
        ev = self.next_event()
        if ev is None:
            raise StopIteration
        return ev

    def next_event(self, timeout: Optional[float] = None) -> Optional[WsRunEvent]:
        """Waits for the next event of the run; ``None`` once it has ended.

        Args:
            timeout: the longest wait in seconds (``None``: until an event comes).

        Raises:
            RequestTimeoutError: nothing came within ``timeout`` (the run goes on: call again,
                or :meth:`abort` it).
            StreamError: the run failed on the gateway.
            WsDisconnectedError: the connection was lost or closed.
            ValueError: this run was closed.
        """
        deadline = _deadline(timeout)
        ev = self._next(deadline, None)
        if ev is _TIMED_OUT:
            raise RequestTimeoutError(
                f"no event of run {self.run_id} within {timeout} s; the run goes on: "
                "wait again, or abort() it",
                code=ResultCode.TIMEOUT,
                partial_text=self._state.text,
            )
        result: Optional[WsRunEvent] = ev
        return result

    def _next(self, deadline: Optional[float], stop: Optional[Callable[[], bool]]) -> Any:
        """The next event, ``None`` at the end, ``_TIMED_OUT`` at ``deadline`` or once
        ``stop()`` is true (checked between library waits)."""
        with self._read_lock:
            while True:
                if self._finished:
                    return None
                if stop is not None and stop():
                    return _TIMED_OUT
                out = POINTER(_CEvent)()
                with _Use(self._h) as run:
                    rc = lib.openclaw_ws_run_next(run, _wait_ms(deadline), byref(out))
                    err = last_error(rc) if rc not in (ResultCode.OK, ResultCode.TIMEOUT) else None
                if rc == ResultCode.OK:
                    try:
                        ev = _run_event_from(out.contents)
                    finally:
                        lib.openclaw_ws_event_free(out)
                    self._state.update(ev)
                    return ev
                if rc == ResultCode.END:
                    self._finished = True
                    return None
                if err is not None:
                    self._finished = True
                    if not err.partial_text:  # e.g. a lost connection: the text so far
                        err.partial_text = self._state.text
                    self._state.fail(err)
                    raise err
                if deadline is not None and time.monotonic() >= deadline:
                    return _TIMED_OUT

    def collect(self, timeout: Optional[float] = None) -> str:
        """Reads the run to its end and returns :attr:`text` (the reply, or the text that
        arrived before an abort: check :attr:`ended`).

        ``timeout`` bounds each wait for one event (``None``: no limit). Raises as
        :meth:`next_event`.
        """
        while self.next_event(timeout) is not None:
            pass
        return self._state.text

    def abort(self) -> bool:
        """Aborts the run on the gateway (``chat.abort`` for its session and run id) and waits
        for the answer; the stream then ends with :class:`WsRunAborted`.

        Safe from any thread, also while another thread waits in :meth:`next_event`.
        Returns whether the gateway aborted a run (``False`` when it had already ended).
        """
        aborted = c_bool(False)
        with _Use(self._h) as run:
            check(lib.openclaw_ws_run_abort(run, byref(aborted)))
        return aborted.value

    def close(self) -> None:
        """Frees the run handle once no call uses it (the run goes on on the gateway unless
        aborted). Idempotent."""
        self._h.close()

    def __repr__(self) -> str:
        return f"WsChatRun(run_id={self.run_id!r}, ended={self.ended!r})"


class WsConnection(_Closeable):
    """A WebSocket connection to the gateway's control plane (protocol 4), as an operator.

    Open it with :meth:`Client.ws_connect <openclaw_client.Client.ws_connect>`. Any number of
    threads may use one connection at once. Close it with :meth:`close` or a ``with`` block;
    calls waiting on other threads then fail with
    :class:`~openclaw_client.WsDisconnectedError`.

    Requests answer decoded JSON. Failures raise the :class:`~openclaw_client.OpenClawError`
    subclass of their result code: :class:`~openclaw_client.WsRpcError` (``error_type`` = the
    gateway's code), :class:`~openclaw_client.WsMissingScopeError`,
    :class:`~openclaw_client.WsDisconnectedError` (a request in flight may have run; it is
    never replayed), :class:`~openclaw_client.RequestTimeoutError`…

    Events (chat and agent progress of every run, approvals, session messages, ticks…) queue up
    in the library (``event_queue_capacity``, oldest dropped first): pull them with
    :meth:`next_event` or iterate the connection.
    """

    def __init__(self, ptr: int) -> None:
        self._h = _Handle(ptr, lib.openclaw_ws_free, "WsConnection")
        # Set before the library closes: a reader woken by the close then knows it was ours.
        self._closing = False

    # -- lifetime -------------------------------------------------------------------------

    def close(self) -> None:
        """Closes the connection and frees it once no call uses it. Idempotent; safe from any
        thread. Calls waiting on other threads fail with
        :class:`~openclaw_client.WsDisconnectedError`; iteration over events ends."""
        self._closing = True
        try:
            with _Use(self._h) as ws:
                lib.openclaw_ws_close(ws)
        except ValueError:  # already closed
            return
        self._h.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closing or self._h.closed

    # -- requests -------------------------------------------------------------------------

    @property
    def hello(self) -> WsHello:
        """The gateway's ``hello-ok`` (server version, protocol, methods, granted scopes,
        policy); a new one after a reconnect."""
        out = c_void_p()
        with _Use(self._h) as ws:
            check(lib.openclaw_ws_hello_json(ws, byref(out)))
        return WsHello.from_json(take_string(out.value) or "{}")

    def call(
        self, method: str, params: Optional[Any] = None, timeout: Optional[float] = None
    ) -> Any:
        """Calls any gateway method and returns its decoded answer payload.

        Args:
            method: the method name (``"sessions.list"``, ``"chat.history"``…).
            params: JSON-serializable params (``None`` sends ``{}``).
            timeout: seconds to wait for the answer; ``None`` = the connection's
                ``request_timeout`` (30 s by default), ``0`` = no limit.

        Raises:
            WsRpcError: the gateway answered ``ok: false`` (``error_type`` = its code).
            WsMissingScopeError, RequestTimeoutError, WsDisconnectedError,
            LimitExceededError (larger than ``policy.maxPayload``), InvalidArgumentError.
        """
        text = None if params is None else json.dumps(params)
        ms = _call_timeout_ms(timeout)
        out = c_void_p()
        with _Use(self._h) as ws:
            check(lib.openclaw_ws_call(ws, cstr(method), cstr(text), ms, byref(out)))
        return _json_out(out.value)

    def chat_send(self, session_key: str, message: str) -> str:
        """``chat.send`` with a fresh idempotency key; returns the run id. The run's progress
        then arrives as :class:`WsChatEvent`/:class:`WsAgentEvent` events (use
        :meth:`chat_run` to follow one run as a stream instead)."""
        out = c_void_p()
        with _Use(self._h) as ws:
            check(lib.openclaw_ws_chat_send(ws, cstr(session_key), cstr(message), byref(out)))
        return take_string(out.value) or ""

    def chat_abort(self, session_key: str, run_id: Optional[str] = None) -> bool:
        """``chat.abort``: aborts the session's active runs (only ``run_id`` when given).
        Returns whether a run was aborted (``False`` is not an error: nothing was running)."""
        aborted = c_bool(False)
        with _Use(self._h) as ws:
            check(
                lib.openclaw_ws_chat_abort(ws, cstr(session_key), cstr(run_id), byref(aborted))
            )
        return aborted.value

    def chat_history(self, session_key: str, limit: Optional[int] = None) -> Dict[str, Any]:
        """``chat.history``: the gateway's answer, ``{"sessionKey", "messages": [...],
        "sessionInfo", ...}``. ``limit``: the most recent messages to return (``None`` = the
        gateway's default)."""
        if limit is not None and limit < 0:
            raise ValueError("limit cannot be negative")
        out = c_void_p()
        with _Use(self._h) as ws:
            check(
                lib.openclaw_ws_chat_history(
                    ws, cstr(session_key), -1 if limit is None else int(limit), byref(out)
                )
            )
        result: Dict[str, Any] = _json_out(out.value)
        return result

    def sessions_list(
        self, params: Optional[Mapping[str, Any]] = None, **more: Any
    ) -> Dict[str, Any]:
        """``sessions.list``: ``{"sessions": [...], ...}``. Params as a mapping and/or keywords,
        e.g. ``sessions_list(limit=5)``, ``sessions_list(search="kitchen")``."""
        merged = dict(params or {})
        merged.update(more)
        out = c_void_p()
        with _Use(self._h) as ws:
            check(lib.openclaw_ws_sessions_list(ws, cstr(json.dumps(merged)), byref(out)))
        result: Dict[str, Any] = _json_out(out.value)
        return result

    def sessions_subscribe(self) -> None:
        """``sessions.subscribe``: :class:`WsSessionsChanged` and :class:`WsSessionMessage`
        events for this connection (renewed after a reconnect)."""
        with _Use(self._h) as ws:
            check(lib.openclaw_ws_sessions_subscribe(ws))

    def sessions_messages_subscribe(self, session_key: str) -> None:
        """``sessions.messages.subscribe``: :class:`WsSessionMessage` events of one session
        (renewed after a reconnect)."""
        with _Use(self._h) as ws:
            check(lib.openclaw_ws_sessions_messages_subscribe(ws, cstr(session_key)))

    def approval_list(self) -> List[Dict[str, Any]]:
        """``exec.approval.list``: the pending exec approvals, each ``{"id", "request":
        {"command", ...}, "createdAtMs", "expiresAtMs"}``. Needs ``operator.approvals``."""
        out = c_void_p()
        with _Use(self._h) as ws:
            check(lib.openclaw_ws_approval_list(ws, byref(out)))
        result: List[Dict[str, Any]] = _json_out(out.value)
        return result

    def approval_resolve(
        self, approval_id: str, decision: Union[ApprovalDecision, str]
    ) -> None:
        """``exec.approval.resolve``: answers an exec approval.

        ``decision`` is an :class:`ApprovalDecision` or its text (``"allow-once"``,
        ``"allow-always"``, ``"deny"``; anything else raises
        :class:`~openclaw_client.InvalidArgumentError` before sending). Needs
        ``operator.approvals``.
        """
        value = decision.value if isinstance(decision, ApprovalDecision) else str(decision)
        with _Use(self._h) as ws:
            check(lib.openclaw_ws_approval_resolve(ws, cstr(approval_id), cstr(value)))

    def _json_call(self, fn: Any) -> Any:
        out = c_void_p()
        with _Use(self._h) as ws:
            check(fn(ws, byref(out)))
        return _json_out(out.value)

    def agents_list(self) -> Any:
        """``agents.list``: the gateway's agents (decoded JSON)."""
        return self._json_call(lib.openclaw_ws_agents_list)

    def models_list(self) -> Any:
        """``models.list``: the gateway's models (decoded JSON)."""
        return self._json_call(lib.openclaw_ws_models_list)

    def health(self) -> Any:
        """``health``: the gateway's health snapshot (decoded JSON, ``{"ok": true, ...}``)."""
        return self._json_call(lib.openclaw_ws_health)

    def chat_run(self, session_key: str, message: str) -> WsChatRun:
        """Sends ``message`` on ``session_key`` (``chat.send``) and returns a
        :class:`WsChatRun` that follows this run's events. Use it in a ``with`` block.

        Errors of ``chat.send`` itself (missing scope, rejected params…) are raised here.
        """
        out = c_void_p()
        with _Use(self._h) as ws:
            check(lib.openclaw_ws_chat_run_open(ws, cstr(session_key), cstr(message), byref(out)))
        # The run handle stays valid after the connection is freed (header contract).
        return WsChatRun(out.value, session_key)  # type: ignore[arg-type]

    # -- events ---------------------------------------------------------------------------

    def next_event(self, timeout: Optional[float] = None) -> Optional[WsEvent]:
        """Waits for the next event; ``None`` when none came within ``timeout`` seconds
        (``None``: wait until one comes; ``0``: do not wait).

        Raises :class:`~openclaw_client.WsDisconnectedError` once the connection is closed or
        lost and every queued event was taken.
        """
        deadline = _deadline(timeout)
        while True:
            out = POINTER(_CEvent)()
            with _Use(self._h) as ws:
                rc = lib.openclaw_ws_next_event(ws, _wait_ms(deadline), byref(out))
                err = last_error(rc) if rc not in (ResultCode.OK, ResultCode.TIMEOUT) else None
            if rc == ResultCode.OK:
                try:
                    return _event_from(out.contents)
                finally:
                    lib.openclaw_ws_event_free(out)
            if err is not None:
                raise err
            if deadline is not None and time.monotonic() >= deadline:
                return None

    def __iter__(self) -> Iterator[WsEvent]:
        """Yields events until the connection is closed with :meth:`close`; a connection
        lost otherwise raises :class:`~openclaw_client.WsDisconnectedError`."""
        while True:
            try:
                ev = self.next_event()
            except (OpenClawError, ValueError) as e:
                if self.closed and (
                    isinstance(e, ValueError) or e.code == ResultCode.WS_DISCONNECTED
                ):
                    return
                raise
            if ev is not None:
                yield ev


def _scopes_text(scopes: Sequence[str]) -> str:
    if isinstance(scopes, str):
        raise TypeError("scopes must be a list of scope names, not one string")
    for s in scopes:
        if not s or "," in s or s.strip() != s:
            raise ValueError(f"invalid scope name {s!r}")
    return ",".join(scopes)


def connect(
    acquire: Callable[[], Any],
    *,
    scopes: Optional[Sequence[str]],
    reconnect: bool,
    request_timeout: Optional[float],
    event_queue_capacity: Optional[int],
    device_key: Optional[PathLike],
    device_token_file: Optional[PathLike],
    use_shared_secret: bool,
) -> WsConnection:
    """Builds the options and connects (``acquire()`` is the client's ``_use()``)."""
    if device_token_file is not None and device_key is None:
        raise ValueError("device_token_file needs device_key (the identity the token is for)")
    if event_queue_capacity is not None and event_queue_capacity < 1:
        raise ValueError("event_queue_capacity must be at least 1")
    if request_timeout is not None and request_timeout < 0:
        raise ValueError("timeouts cannot be negative")
    opts = c_void_p()
    check(lib.openclaw_ws_options_new(byref(opts)))
    try:
        if scopes is not None:
            check(lib.openclaw_ws_options_set_scopes(opts, cstr(_scopes_text(scopes))))
        check(lib.openclaw_ws_options_set_reconnect(opts, bool(reconnect)))
        if request_timeout is not None:
            ms = 0 if request_timeout == 0 else max(1, int(round(request_timeout * 1000)))
            check(lib.openclaw_ws_options_set_request_timeout_ms(opts, ms))
        if event_queue_capacity is not None:
            check(lib.openclaw_ws_options_set_event_queue_capacity(opts, event_queue_capacity))
        if device_key is not None:
            token_path = None if device_token_file is None else os.fspath(device_token_file)
            check(
                lib.openclaw_ws_options_set_device(
                    opts, cstr(os.fspath(device_key)), cstr(token_path)
                )
            )
        check(lib.openclaw_ws_options_set_use_shared_secret(opts, bool(use_shared_secret)))
        out = c_void_p()
        with acquire() as client:
            check(lib.openclaw_ws_connect(client, opts, byref(out)))
    finally:
        lib.openclaw_ws_options_free(opts)
    return WsConnection(out.value)  # type: ignore[arg-type]


__all__ = ["WsChatRun", "WsConnection"]
