"""The blocking client: :class:`Client`, :class:`ChatStream` and :class:`CancelToken`.

Every handle the C library returns is owned by exactly one Python object and freed exactly once
(``close()``, the context manager, or ``__del__`` as a last resort). Results are copied into
plain dataclasses and their C handles freed before a method returns. Events of a stream are
borrowed by the library only until the next ``openclaw_stream_next``; they are copied at once.
"""

from __future__ import annotations

import ctypes
import json
import threading
from ctypes import POINTER, byref, c_bool, c_char_p, c_int32, c_size_t, c_uint64, c_void_p
from typing import Any, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from . import _ws
from ._errors import InternalError, ResultCode, check, last_error
from ._handle import _Closeable, _Handle, _Use
from ._lib import Event, cstr, lib, take_string, text_at
from ._types import (
    Capabilities,
    ChatResult,
    Diagnosis,
    DiagnosisCode,
    EventKind,
    Readiness,
    Response,
    Role,
    Startup,
    StreamEvent,
    ToolCall,
    Usage,
)
from ._ws import PathLike, WsConnection

Message = Mapping[str, Any]
"""A chat message: ``{"role": "user", "content": "…"}``; role ``tool`` needs ``tool_call_id``."""

Messages = Union[str, Sequence[Message]]
"""A single user message as text, or a list of messages."""

_ROLES = {r.name.lower(): r for r in Role}


def _ms(seconds: Optional[float]) -> Optional[int]:
    if seconds is None:
        return None
    if seconds < 0:
        raise ValueError("timeouts cannot be negative")
    return int(round(seconds * 1000))


def _tri(v: int) -> Optional[bool]:
    return None if v < 0 else bool(v)


class CancelToken(_Closeable):
    """A cancel token: :meth:`cancel` ends every call it is attached to, from any thread.

    Pass it as ``cancel=`` to a :class:`Client` method. A call blocked on a silent gateway
    returns at once with :class:`~openclaw_client.CancelledError`; a stream being read raises
    it from its next iteration. A cancelled token stays cancelled: use a new one per call.
    """

    def __init__(self) -> None:
        ptr = lib.openclaw_cancel_token_new()
        if not ptr:
            raise InternalError("openclaw_cancel_token_new returned NULL")
        self._ptr: Optional[int] = ptr
        self._lock = threading.Lock()

    def cancel(self) -> None:
        """Cancels the calls using this token. Idempotent; safe from any thread."""
        with self._lock:
            if self._ptr:
                lib.openclaw_cancel_token_cancel(self._ptr)

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        with self._lock:
            return bool(self._ptr) and bool(lib.openclaw_cancel_token_is_cancelled(self._ptr))

    def _handle(self) -> int:
        with self._lock:
            if not self._ptr:
                raise ValueError("this CancelToken was closed")
            return self._ptr

    def close(self) -> None:
        """Frees the token. Requests it was attached to keep their own reference."""
        with self._lock:
            ptr, self._ptr = self._ptr, None
        if ptr:
            lib.openclaw_cancel_token_free(ptr)


def _event_from(ev: Event) -> StreamEvent:
    kind_raw = int(ev.kind)
    try:
        kind = EventKind(kind_raw)
    except ValueError:  # a kind added by a newer library
        kind = kind_raw  # type: ignore[assignment]
    usage = None
    if kind == EventKind.USAGE or ev.total_tokens:
        usage = Usage(int(ev.prompt_tokens), int(ev.completion_tokens), int(ev.total_tokens))
    return StreamEvent(
        kind=kind,
        text=text_at(ev.text, ev.text_len),
        tool_index=int(ev.tool_index),
        tool_id=ev.tool_id.decode("utf-8", errors="replace") if ev.tool_id else None,
        tool_name=ev.tool_name.decode("utf-8", errors="replace") if ev.tool_name else None,
        usage=usage,
        empty=bool(ev.empty),
        event_type=(ev.event_type or b"").decode("utf-8", errors="replace"),
    )


class ChatStream(_Closeable):
    """A pull stream: iterate it for :class:`StreamEvent` objects.

    Iteration ends after the DONE event. A failure raises the matching
    :class:`~openclaw_client.OpenClawError` (its ``partial_text`` holds what arrived). Closing
    an unfinished stream (``close()``, leaving the ``with`` block, or garbage collection)
    closes the connection, which aborts the agent run on the gateway.

    Use a stream from one thread at a time. To stop it from another thread, cancel the
    :class:`CancelToken` passed when it was opened.
    """

    def __init__(self, ptr: int) -> None:
        self._ptr: Optional[int] = ptr
        self._finished = False
        self._lock = threading.Lock()

    def __iter__(self) -> Iterator[StreamEvent]:
        return self

    def __next__(self) -> StreamEvent:
        ev = self.next_event()
        if ev is None:
            raise StopIteration
        return ev

    def next_event(self) -> Optional[StreamEvent]:
        """Blocks for the next event; ``None`` once the stream has ended."""
        with self._lock:
            if self._finished or not self._ptr:
                return None
            out = POINTER(Event)()
            rc = lib.openclaw_stream_next(self._ptr, byref(out))
            if rc == ResultCode.END:
                self._finished = True
                return None
            if rc != ResultCode.OK:
                self._finished = True
                raise last_error(rc)
            # Copy now: the event is only valid until the next call on this stream.
            return _event_from(out.contents)

    @property
    def text(self) -> str:
        """The reply text received so far."""
        with self._lock:
            if not self._ptr:
                return ""
            n = c_size_t(0)
            ptr = lib.openclaw_stream_text(self._ptr, byref(n))
            if not ptr:
                return ""
            try:
                return ctypes.string_at(ptr, n.value).decode("utf-8", errors="replace")
            finally:
                lib.openclaw_string_free(ptr)

    def close(self) -> None:
        """Frees the stream (closing the connection when it is unfinished). Idempotent."""
        with self._lock:
            ptr, self._ptr = self._ptr, None
            self._finished = True
        if ptr:
            lib.openclaw_stream_free(ptr)


class _Request:
    """An owned C request pointer freed on exit."""

    def __init__(self, new: Any, free: Any) -> None:
        ptr = new()
        if not ptr:
            raise InternalError("the library could not allocate a request")
        self.ptr: int = ptr
        self._free = free

    def __enter__(self) -> int:
        return self.ptr

    def __exit__(self, *exc: object) -> None:
        self._free(self.ptr)


def _role(value: Any) -> Role:
    if isinstance(value, Role):
        return value
    try:
        return _ROLES[str(value).lower()]
    except KeyError:
        raise ValueError(f"unknown message role {value!r}") from None


def _usage3(fn: Any, ptr: int) -> Optional[Usage]:
    a, b, c = c_uint64(), c_uint64(), c_uint64()
    if not fn(ptr, byref(a), byref(b), byref(c)):
        return None
    return Usage(a.value, b.value, c.value)


def _calls(fn: Any, count: int, ptr: int) -> Tuple[ToolCall, ...]:
    calls = []
    for i in range(count):
        cid, name, args = c_char_p(), c_char_p(), c_char_p()
        check(fn(ptr, i, byref(cid), byref(name), byref(args)))
        calls.append(
            ToolCall(
                id=(cid.value or b"").decode("utf-8", errors="replace"),
                name=(name.value or b"").decode("utf-8", errors="replace"),
                arguments=(args.value or b"").decode("utf-8", errors="replace"),
            )
        )
    return tuple(calls)


class Client(_Closeable):
    """A blocking client for one OpenClaw gateway.

    ``Client()`` with neither ``url`` nor ``token`` finds the gateway by discovery
    (``OPENCLAW_GATEWAY_URL``, ``OPENCLAW_GATEWAY_TOKEN``/``_PASSWORD``, ``OPENCLAW_GATEWAY_PORT``,
    then the gateway config file, else ``http://127.0.0.1:18789``). With either given, nothing is
    discovered: the URL defaults to ``http://127.0.0.1:18789`` and no token is sent unless given
    (a discovered token is never sent to a URL the caller chose).

    One client may be used from any number of threads at once (one connection pool). Close it
    with :meth:`close` or a ``with`` block; calls still running keep it alive until they return.

    Args:
        url: the gateway base URL ``http[s]://host[:port][/prefix]``.
        token: the gateway token or password (sent as ``Authorization: Bearer …``).
        agent: the default agent id (default ``main``).
        connect_timeout, response_timeout, idle_timeout, total_timeout: seconds; ``0`` means
            no limit; ``None`` keeps the library's default (10 s, 600 s, 300 s, none).
        ca_pem: a PEM bundle of the CA certificates to trust (replaces the built-in roots).
        max_retries: how often a call that surely did not reach the gateway is retried.
        user_agent: the ``User-Agent`` header.
    """

    def __init__(
        self,
        url: Optional[str] = None,
        token: Optional[str] = None,
        *,
        agent: Optional[str] = None,
        connect_timeout: Optional[float] = None,
        response_timeout: Optional[float] = None,
        idle_timeout: Optional[float] = None,
        total_timeout: Optional[float] = None,
        ca_pem: Optional[Union[str, bytes]] = None,
        max_retries: Optional[int] = None,
        user_agent: Optional[str] = None,
    ) -> None:
        self._handle: Optional[_Handle] = None
        b = c_void_p()
        if url is None and token is None:
            check(lib.openclaw_client_builder_new_default(byref(b)))
        else:
            b = c_void_p(lib.openclaw_client_builder_new())
            if not b:
                raise InternalError("openclaw_client_builder_new returned NULL")
        builder = b.value
        try:
            if url is not None:
                check(lib.openclaw_client_builder_set_base_url(builder, cstr(url)))
            if token is not None:
                check(lib.openclaw_client_builder_set_secret(builder, cstr(token)))
            if agent is not None:
                check(lib.openclaw_client_builder_set_agent(builder, cstr(agent)))
            for setter, value in (
                (lib.openclaw_client_builder_set_connect_timeout_ms, connect_timeout),
                (lib.openclaw_client_builder_set_response_timeout_ms, response_timeout),
                (lib.openclaw_client_builder_set_idle_timeout_ms, idle_timeout),
                (lib.openclaw_client_builder_set_total_timeout_ms, total_timeout),
            ):
                ms = _ms(value)
                if ms is not None:
                    check(setter(builder, ms))
            if ca_pem is not None:
                pem = ca_pem.encode() if isinstance(ca_pem, str) else bytes(ca_pem)
                check(lib.openclaw_client_builder_set_ca_pem(builder, pem, len(pem)))
            if max_retries is not None:
                check(lib.openclaw_client_builder_set_max_retries(builder, max_retries))
            if user_agent is not None:
                check(lib.openclaw_client_builder_set_user_agent(builder, cstr(user_agent)))
        except BaseException:
            lib.openclaw_client_builder_free(builder)
            raise
        out = c_void_p()
        check(lib.openclaw_client_builder_build(builder, byref(out)))  # consumes the builder
        self._handle = _Handle(out.value, lib.openclaw_client_free, "Client")  # type: ignore[arg-type]

    # -- lifetime -------------------------------------------------------------------------

    def close(self) -> None:
        """Frees the client once every call using it has returned. Idempotent."""
        if self._handle is not None:
            self._handle.close()

    def _use(self) -> _Use:
        if self._handle is None:
            raise ValueError("this Client was not built")
        return _Use(self._handle)

    # -- properties -----------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The normalized base URL."""
        with self._use() as c:
            return take_string(lib.openclaw_client_base_url(c)) or ""

    @property
    def discovery_text(self) -> str:
        """Where discovery found each setting (never the secret); ``""`` without discovery."""
        with self._use() as c:
            return take_string(lib.openclaw_client_discovery_text(c)) or ""

    def update_secret(self, secret: Optional[str]) -> None:
        """Replaces the secret (token or password) for later calls (calls in flight keep the
        old one); ``None`` or ``""`` removes it."""
        with self._use() as c:
            check(lib.openclaw_client_update_secret(c, cstr(secret)))

    # -- chat -----------------------------------------------------------------------------

    def _chat_request(
        self,
        req: int,
        messages: Messages,
        *,
        system: Optional[str],
        user: Optional[str],
        session_key: Optional[str],
        agent: Optional[str],
        target: Optional[str],
        model_override: Optional[str],
        channel: Optional[str],
        temperature: Optional[float],
        max_tokens: Optional[int],
        include_usage: bool,
        tools: Optional[Sequence[Mapping[str, Any]]],
        headers: Optional[Mapping[str, str]],
        idle_timeout: Optional[float],
        total_timeout: Optional[float],
        cancel: Optional[CancelToken],
    ) -> None:
        if system is not None:
            check(lib.openclaw_chat_request_add_message(req, Role.SYSTEM, cstr(system)))
        if isinstance(messages, str):
            messages = [{"role": "user", "content": messages}]
        for m in messages:
            role = _role(m.get("role", "user"))
            content = m.get("content") or ""
            if role == Role.TOOL:
                check(
                    lib.openclaw_chat_request_add_tool_result(
                        req, cstr(m["tool_call_id"]), cstr(content)
                    )
                )
            else:
                check(lib.openclaw_chat_request_add_message(req, role, cstr(content)))
        for setter, value in (
            (lib.openclaw_chat_request_set_user, user),
            (lib.openclaw_chat_request_set_session_key, session_key),
            (lib.openclaw_chat_request_set_agent, agent),
            (lib.openclaw_chat_request_set_target, target),
            (lib.openclaw_chat_request_set_model_override, model_override),
            (lib.openclaw_chat_request_set_channel, channel),
        ):
            if value is not None:
                check(setter(req, cstr(value)))
        if temperature is not None:
            check(lib.openclaw_chat_request_set_temperature(req, float(temperature)))
        if max_tokens is not None:
            check(lib.openclaw_chat_request_set_max_tokens(req, int(max_tokens)))
        if include_usage:
            check(lib.openclaw_chat_request_set_include_usage(req, True))
        for tool in tools or ():
            params = tool.get("parameters")
            check(
                lib.openclaw_chat_request_add_tool(
                    req,
                    cstr(tool["name"]),
                    cstr(tool.get("description")),
                    cstr(json.dumps(params) if params is not None else None),
                )
            )
        for name, value in (headers or {}).items():
            check(lib.openclaw_chat_request_add_header(req, cstr(name), cstr(value)))
        ms = _ms(idle_timeout)
        if ms is not None:
            check(lib.openclaw_chat_request_set_idle_timeout_ms(req, ms))
        ms = _ms(total_timeout)
        if ms is not None:
            check(lib.openclaw_chat_request_set_total_timeout_ms(req, ms))
        if cancel is not None:
            check(lib.openclaw_chat_request_set_cancel_token(req, cancel._handle()))

    def chat(
        self,
        messages: Messages,
        *,
        system: Optional[str] = None,
        user: Optional[str] = None,
        session_key: Optional[str] = None,
        agent: Optional[str] = None,
        target: Optional[str] = None,
        model_override: Optional[str] = None,
        channel: Optional[str] = None,
        temperature: Optional[float] = None,
        max_tokens: Optional[int] = None,
        tools: Optional[Sequence[Mapping[str, Any]]] = None,
        headers: Optional[Mapping[str, str]] = None,
        idle_timeout: Optional[float] = None,
        total_timeout: Optional[float] = None,
        cancel: Optional[CancelToken] = None,
    ) -> ChatResult:
        """Runs one agent turn without streaming and returns the whole reply.

        Args:
            messages: the new user message as text, or a list of
                ``{"role": ..., "content": ...}`` messages. With ``user`` or ``session_key``
                the gateway keeps the history: send only the new message.
            system: a system message put first.
            user: a stable conversation id (session ``agent:<agent>:openai-user:<user>``).
            session_key: the session key verbatim (wins over ``user``).
            agent: the agent for this call; target: the ``model`` field verbatim;
            model_override: the backend model (``provider/model``); channel: the message
                channel header.
            temperature, max_tokens: sampling options.
            tools: client-side function tools: ``{"name", "description", "parameters"}``.
            headers: extra HTTP headers.
            idle_timeout, total_timeout: per-call overrides in seconds (0 = no limit).
            cancel: a token that stops the call from another thread.

        Raises:
            OpenClawError: the subclass matching the failure.
        """
        with _Request(lib.openclaw_chat_request_new, lib.openclaw_chat_request_free) as req:
            self._chat_request(
                req,
                messages,
                system=system,
                user=user,
                session_key=session_key,
                agent=agent,
                target=target,
                model_override=model_override,
                channel=channel,
                temperature=temperature,
                max_tokens=max_tokens,
                include_usage=False,
                tools=tools,
                headers=headers,
                idle_timeout=idle_timeout,
                total_timeout=total_timeout,
                cancel=cancel,
            )
            out = c_void_p()
            with self._use() as c:
                check(lib.openclaw_chat(c, req, byref(out)))
        r = out.value
        try:
            n = c_size_t(0)
            text = text_at(lib.openclaw_chat_result_text(r, byref(n)), n.value)
            return ChatResult(
                text=text,
                reasoning=(lib.openclaw_chat_result_reasoning(r) or b"").decode(
                    "utf-8", errors="replace"
                ),
                finish_reason=(lib.openclaw_chat_result_finish_reason(r) or b"").decode(
                    "utf-8", errors="replace"
                ),
                empty=bool(lib.openclaw_chat_result_is_empty(r)),
                usage=_usage3(lib.openclaw_chat_result_usage, r),  # type: ignore[arg-type]
                tool_calls=_calls(
                    lib.openclaw_chat_result_tool_call,
                    lib.openclaw_chat_result_tool_call_count(r),
                    r,  # type: ignore[arg-type]
                ),
            )
        finally:
            lib.openclaw_chat_result_free(r)

    def chat_stream(
        self,
        messages: Messages,
        *,
        system: Optional[str] = None,
        user: Optional[str] = None,
        session_key: Optional[str] = None,
        agent: Optional[str] = None,
        target: Optional[str] = None,
        model_override: Optional[str] = None,
        channel: Optional[str] = None,
        temperature: Optional[float] = None,
        max_tokens: Optional[int] = None,
        include_usage: bool = False,
        tools: Optional[Sequence[Mapping[str, Any]]] = None,
        headers: Optional[Mapping[str, str]] = None,
        idle_timeout: Optional[float] = None,
        total_timeout: Optional[float] = None,
        cancel: Optional[CancelToken] = None,
    ) -> ChatStream:
        """Sends one agent turn and returns a :class:`ChatStream` of its events.

        Errors before the stream starts (401, disabled endpoint, unreachable…) are raised
        here; later ones from the iteration. Arguments as :meth:`chat`, plus
        ``include_usage`` (ask for a trailing USAGE event). Use the result in a ``with``
        block so that an abandoned stream closes its connection at once.
        """
        with _Request(lib.openclaw_chat_request_new, lib.openclaw_chat_request_free) as req:
            self._chat_request(
                req,
                messages,
                system=system,
                user=user,
                session_key=session_key,
                agent=agent,
                target=target,
                model_override=model_override,
                channel=channel,
                temperature=temperature,
                max_tokens=max_tokens,
                include_usage=include_usage,
                tools=tools,
                headers=headers,
                idle_timeout=idle_timeout,
                total_timeout=total_timeout,
                cancel=cancel,
            )
            out = c_void_p()
            with self._use() as c:
                check(lib.openclaw_chat_stream_open(c, req, byref(out)))
        # The stream keeps its own reference to the client and a copy of the request.
        return ChatStream(out.value)  # type: ignore[arg-type]

    # -- responses ------------------------------------------------------------------------

    def responses(
        self,
        input: Messages,
        *,
        instructions: Optional[str] = None,
        previous_response_id: Optional[str] = None,
        user: Optional[str] = None,
        session_key: Optional[str] = None,
        agent: Optional[str] = None,
        max_output_tokens: Optional[int] = None,
        cancel: Optional[CancelToken] = None,
    ) -> Response:
        """Runs one turn through ``/v1/responses`` and returns the :class:`Response`.

        ``input`` is the user text or a list of ``{"role", "content"}`` messages.
        """
        with _Request(
            lib.openclaw_responses_request_new, lib.openclaw_responses_request_free
        ) as req:
            if isinstance(input, str):
                input = [{"role": "user", "content": input}]
            for m in input:
                check(
                    lib.openclaw_responses_request_add_message(
                        req, _role(m.get("role", "user")), cstr(m.get("content") or "")
                    )
                )
            for setter, value in (
                (lib.openclaw_responses_request_set_instructions, instructions),
                (lib.openclaw_responses_request_set_previous_response_id, previous_response_id),
                (lib.openclaw_responses_request_set_user, user),
                (lib.openclaw_responses_request_set_session_key, session_key),
                (lib.openclaw_responses_request_set_agent, agent),
            ):
                if value is not None:
                    check(setter(req, cstr(value)))
            if max_output_tokens is not None:
                check(lib.openclaw_responses_request_set_max_output_tokens(req, max_output_tokens))
            if cancel is not None:
                check(lib.openclaw_responses_request_set_cancel_token(req, cancel._handle()))
            out = c_void_p()
            with self._use() as c:
                check(lib.openclaw_responses(c, req, byref(out)))
        r = out.value
        try:
            n = c_size_t(0)
            reason = lib.openclaw_response_incomplete_reason(r)
            return Response(
                id=(lib.openclaw_response_id(r) or b"").decode(),
                status=(lib.openclaw_response_status(r) or b"").decode(),
                incomplete_reason=reason.decode() if reason else None,
                output_text=text_at(lib.openclaw_response_output_text(r, byref(n)), n.value),
                usage=_usage3(lib.openclaw_response_usage, r),  # type: ignore[arg-type]
                function_calls=_calls(
                    lib.openclaw_response_function_call,
                    lib.openclaw_response_function_call_count(r),
                    r,  # type: ignore[arg-type]
                ),
            )
        finally:
            lib.openclaw_response_free(r)

    # -- other endpoints ------------------------------------------------------------------

    def models(self) -> List[str]:
        """The agent targets of ``GET /v1/models`` (``openclaw``, ``openclaw/<agent>``…)."""
        out = c_void_p()
        with self._use() as c:
            check(lib.openclaw_models(c, byref(out)))
        try:
            return [
                (lib.openclaw_model_list_id(out, i) or b"").decode()
                for i in range(lib.openclaw_model_list_count(out))
            ]
        finally:
            lib.openclaw_model_list_free(out)

    def invoke_tool(
        self,
        tool: str,
        args: Optional[Mapping[str, Any]] = None,
        *,
        action: Optional[str] = None,
        session_key: Optional[str] = None,
        agent: Optional[str] = None,
        idempotency_key: Optional[str] = None,
        channel: Optional[str] = None,
        cancel: Optional[CancelToken] = None,
    ) -> Any:
        """Invokes a gateway tool (``POST /tools/invoke``) and returns its decoded result.

        Raises :class:`~openclaw_client.NotFoundError` for a tool that is unknown or denied,
        :class:`~openclaw_client.ForbiddenError` for a blocked one.
        """
        call = c_void_p()
        check(
            lib.openclaw_tool_call_new(
                cstr(tool), cstr(json.dumps(dict(args)) if args is not None else None), byref(call)
            )
        )
        try:
            for setter, value in (
                (lib.openclaw_tool_call_set_action, action),
                (lib.openclaw_tool_call_set_session_key, session_key),
                (lib.openclaw_tool_call_set_agent, agent),
                (lib.openclaw_tool_call_set_idempotency_key, idempotency_key),
                (lib.openclaw_tool_call_set_channel, channel),
            ):
                if value is not None:
                    check(setter(call, cstr(value)))
            if cancel is not None:
                check(lib.openclaw_tool_call_set_cancel_token(call, cancel._handle()))
            out = c_void_p()
            with self._use() as c:
                check(lib.openclaw_tool_invoke(c, call, byref(out)))
        finally:
            lib.openclaw_tool_call_free(call)
        return json.loads(take_string(out.value) or "null")

    def health(self) -> bool:
        """``GET /health``: whether the gateway reports itself live."""
        live = c_bool(False)
        with self._use() as c:
            check(lib.openclaw_health(c, byref(live)))
        return live.value

    def ready(self) -> Readiness:
        """``GET /readyz``: readiness and the failing checks."""
        ready = c_bool(False)
        failing = c_void_p()
        with self._use() as c:
            check(lib.openclaw_ready(c, byref(ready), byref(failing)))
        text = take_string(failing.value) or ""
        return Readiness(ready.value, [f for f in text.split(",") if f])

    def startup(self) -> Startup:
        """``GET /startupz``: the startup status and the gateway version."""
        status, version = c_void_p(), c_void_p()
        with self._use() as c:
            check(lib.openclaw_startup(c, byref(status), byref(version)))
        return Startup(take_string(status.value) or "", take_string(version.value))

    def check_connection(self) -> Diagnosis:
        """Checks the connection without starting an agent run and says what is wrong.

        Never raises for a gateway problem: the :class:`Diagnosis` describes it.
        """
        out = c_void_p()
        with self._use() as c:
            check(lib.openclaw_check_connection(c, byref(out)))
        d = out.value
        try:
            version = lib.openclaw_diagnosis_version(d)
            return Diagnosis(
                code=DiagnosisCode(lib.openclaw_diagnosis_code(d)),
                summary=(lib.openclaw_diagnosis_summary(d) or b"").decode(
                    "utf-8", errors="replace"
                ),
                text=(lib.openclaw_diagnosis_text(d) or b"").decode("utf-8", errors="replace"),
                version=version.decode() if version else None,
                chat_enabled=_tri(lib.openclaw_diagnosis_chat_enabled(d)),
                responses_enabled=_tri(lib.openclaw_diagnosis_responses_enabled(d)),
            )
        finally:
            lib.openclaw_diagnosis_free(d)

    # -- WebSocket ------------------------------------------------------------------------

    def ws_connect(
        self,
        *,
        scopes: Optional[Sequence[str]] = None,
        reconnect: bool = False,
        request_timeout: Optional[float] = None,
        event_queue_capacity: Optional[int] = None,
        device_key: Optional[PathLike] = None,
        device_token_file: Optional[PathLike] = None,
        use_shared_secret: bool = True,
    ) -> WsConnection:
        """Opens a WebSocket connection to the gateway's control plane (protocol 4) with this
        client's URL, secret and TLS settings, as an operator, and completes the handshake.

        The connection is independent of the client afterwards (closing the client does not
        close it). Use it in a ``with`` block or call :meth:`WsConnection.close`.

        Args:
            scopes: the operator scopes to request (default ``operator.read``,
                ``operator.write``, ``operator.approvals``). Exec approvals raised by agent runs
                reach only connections that also hold ``operator.admin``.
            reconnect: re-establish a lost connection (jittered back-off, 1 s to 30 s) and
                renew session subscriptions; requests in flight still fail with
                :class:`~openclaw_client.WsDisconnectedError` and are never replayed.
            request_timeout: the default deadline of a request in seconds (``None``: 30 s;
                ``0``: no limit).
            event_queue_capacity: how many events wait to be pulled (default 1024); when full,
                the oldest are dropped and a :class:`WsDropped` notice says how many.
            device_key: present a device identity: the Ed25519 key kept in this file (created,
                mode 0600, when missing) signs the handshake challenge.
            device_token_file: where to keep the device token the gateway issues (used when
                the client has no token); needs ``device_key``.
            use_shared_secret: send the client's token/password (``False``: authenticate with
                the stored device token only).

        Raises:
            WsAuthError: the gateway refused the credentials (``error_type`` says which).
            WsPairingRequiredError: the device must be paired, or a device identity is needed.
            WsProtocolMismatchError: no common protocol version.
            ConnectError, TLSError, RequestTimeoutError: as for HTTP calls.
        """
        return _ws.connect(
            self._use,
            scopes=scopes,
            reconnect=reconnect,
            request_timeout=request_timeout,
            event_queue_capacity=event_queue_capacity,
            device_key=device_key,
            device_token_file=device_token_file,
            use_shared_secret=use_shared_secret,
        )

    def capabilities(self) -> Capabilities:
        """What the gateway supports, detected once and cached on the client (no agent run).

        Unreachable, TLS and auth failures raise.
        """
        version = c_void_p()
        chat, resp = c_int32(-1), c_int32(-1)
        with self._use() as c:
            check(lib.openclaw_capabilities(c, byref(version), byref(chat), byref(resp)))
        return Capabilities(take_string(version.value), _tri(chat.value), _tri(resp.value))


__all__ = ["CancelToken", "ChatStream", "Client", "Message", "Messages"]
