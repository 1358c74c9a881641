"""Exceptions mirroring the C API's result codes (``OPENCLAW_RESULT_*``)."""

from __future__ import annotations

import ctypes
import enum
import re
from typing import Dict, Optional, Type

from ._lib import lib


class ResultCode(enum.IntEnum):
    """The C API's result codes; the numbers are stable and never reused."""

    OK = 0
    NULL_ARGUMENT = 1
    INVALID_UTF8 = 2
    INVALID_ARGUMENT = 3
    CONNECT = 20
    TLS = 21
    TIMEOUT = 22
    IO = 23
    CONNECTION_LOST = 24
    UNAUTHORIZED = 40
    FORBIDDEN = 41
    RATE_LIMITED = 42
    NOT_ENABLED = 43
    NOT_FOUND = 44
    API_ERROR = 45
    STREAM_ERROR = 46
    TRUNCATED = 47
    PROTOCOL = 48
    LIMIT_EXCEEDED = 49
    CANCELLED = 60
    END = 61
    LOG_ALREADY_SET = 62
    LOGGER_IN_USE = 63
    PANIC = 90
    INTERNAL = 91
    WS_AUTH = 100
    WS_MISSING_SCOPE = 101
    WS_PROTOCOL_MISMATCH = 102
    WS_PAIRING_REQUIRED = 103
    WS_RPC_ERROR = 104
    WS_DISCONNECTED = 105


class OpenClawError(Exception):
    """Base of every error the library reports.

    Attributes:
        code: the C result code (:class:`ResultCode`, or a plain int for a code this version
            does not know).
        message: the library's message: the cause and the fix, with the gateway's own message
            kept. Never contains the token or password.
        status: the HTTP status behind the error, or ``None``.
        error_type: the gateway's error type (``"unauthorized"``, ``"tool_call_blocked"``…),
            or ``None``.
        retry_after: the gateway's ``Retry-After`` in seconds, or ``None`` when it sent none.
        partial_text: the reply text that arrived on a stream before it failed (``""`` when
            none).
    """

    def __init__(
        self,
        message: str,
        code: int = ResultCode.INTERNAL,
        status: Optional[int] = None,
        error_type: Optional[str] = None,
        retry_after: Optional[float] = None,
        partial_text: str = "",
    ) -> None:
        super().__init__(message)
        try:
            self.code: int = ResultCode(code)
        except ValueError:
            self.code = code
        self.message = message
        self.status = status
        self.error_type = error_type
        self.retry_after = retry_after
        self.partial_text = partial_text

    @property
    def code_name(self) -> str:
        """The symbolic name of :attr:`code`, e.g. ``"OPENCLAW_RESULT_TIMEOUT"``."""
        name: bytes = lib.openclaw_result_name(int(self.code))
        return name.decode()

    def __str__(self) -> str:
        return f"{self.code_name}: {self.message}"


class InvalidArgumentError(OpenClawError, ValueError):
    """An argument was rejected before anything was sent (bad URL, header value, JSON…)."""


class ConnectError(OpenClawError, ConnectionError):
    """The gateway could not be reached (refused, DNS, closed before answering, proxy)."""


class TLSError(OpenClawError):
    """The TLS handshake or certificate verification failed."""


class RequestTimeoutError(OpenClawError, TimeoutError):
    """A timeout fired (the message names which: connect, response, idle, total).

    Also a builtin :class:`TimeoutError`, so ``except TimeoutError`` catches it.
    """


class TransportError(OpenClawError):
    """Another transport failure."""


class ConnectionLostError(OpenClawError, ConnectionError):
    """The connection broke after the request was sent: the gateway may have run the turn.

    It is never retried automatically; check the session before sending the turn again.
    :attr:`partial_text` holds the text that arrived.
    """


class UnauthorizedError(OpenClawError):
    """HTTP 401: missing or wrong token/password."""


class ForbiddenError(OpenClawError):
    """HTTP 403 (e.g. a blocked tool: ``error_type == "tool_call_blocked"``)."""


class RateLimitedError(OpenClawError):
    """HTTP 429; :attr:`retry_after` says when to try again."""


class NotEnabledError(OpenClawError):
    """The endpoint is disabled on the gateway; the message names the config key."""


class NotFoundError(OpenClawError):
    """HTTP 404 with a JSON body (unknown model, tool not available…)."""


class APIError(OpenClawError):
    """Any other HTTP error status, with the gateway's message."""


class StreamError(OpenClawError):
    """The gateway reported an error inside the stream."""


class TruncatedError(OpenClawError):
    """The stream ended before ``[DONE]`` (:attr:`partial_text` keeps what arrived)."""


class ProtocolError(OpenClawError):
    """The answer did not follow the protocol."""


class LimitExceededError(OpenClawError):
    """A size limit was exceeded."""


class CancelledError(OpenClawError):
    """The call was cancelled through its :class:`~openclaw_client.CancelToken`.

    Not :class:`asyncio.CancelledError`: an :class:`~openclaw_client.AsyncClient` call whose
    task is cancelled raises asyncio's own ``CancelledError``, as asyncio code expects.
    """


class InternalError(OpenClawError):
    """An internal error or a caught Rust panic (a bug: please report it)."""


class WsError(OpenClawError):
    """Base of the WebSocket control-plane errors (result codes 100-105).

    :attr:`error_type` holds the gateway's machine-readable code when it sent one
    (``details.code``, else ``details.reason``, else ``code``).
    """


class WsAuthError(WsError):
    """The gateway refused the WebSocket credentials during the handshake.

    :attr:`error_type` is the gateway's ``details.code`` (``AUTH_TOKEN_MISMATCH``,
    ``AUTH_TOKEN_MISSING``, ``AUTH_DEVICE_TOKEN_MISMATCH``, ``DEVICE_AUTH_*``); the message says
    the recommended next step (e.g. use this gateway's ``gateway.auth.token``).
    """


_SCOPE_RE = re.compile(r"missing scope (\S+) for ")


class WsMissingScopeError(WsError, PermissionError):
    """A method needs an operator scope this connection was not granted.

    The message names the scope and the method; request the scope with
    ``ws_connect(scopes=[...])`` (the token or device must also be allowed it).
    """

    @property
    def scope(self) -> Optional[str]:
        """The missing scope (e.g. ``"operator.approvals"``), read from the message."""
        m = _SCOPE_RE.search(self.message)
        return m.group(1) if m else None


class WsProtocolMismatchError(WsError):
    """The gateway speaks no protocol version this library speaks (the message names both)."""


class WsPairingRequiredError(WsError):
    """The gateway wants this device paired, or a device identity (no token was sent).

    :attr:`error_type` is e.g. ``DEVICE_IDENTITY_REQUIRED`` or ``PAIRING_REQUIRED``; the
    message says what to do next.
    """


class WsRpcError(WsError):
    """A request was answered ``ok: false`` (any case without a class of its own).

    :attr:`error_type` is the gateway's ``details.code`` or ``details.reason`` when it sent
    one (``APPROVAL_NOT_FOUND``, ``chat-request-conflict``…), else its ``code``
    (``INVALID_REQUEST``, ``UNAVAILABLE``…). The message keeps the gateway's own text.
    """


class WsDisconnectedError(WsError, ConnectionError):
    """The WebSocket connection is closed or was lost.

    A request in flight when it broke may or may not have run on the gateway; it is never
    replayed. Connect again (or pass ``reconnect=True`` to ``ws_connect``).
    """


_BY_CODE: Dict[int, Type[OpenClawError]] = {
    ResultCode.NULL_ARGUMENT: InvalidArgumentError,
    ResultCode.INVALID_UTF8: InvalidArgumentError,
    ResultCode.INVALID_ARGUMENT: InvalidArgumentError,
    ResultCode.CONNECT: ConnectError,
    ResultCode.TLS: TLSError,
    ResultCode.TIMEOUT: RequestTimeoutError,
    ResultCode.IO: TransportError,
    ResultCode.CONNECTION_LOST: ConnectionLostError,
    ResultCode.UNAUTHORIZED: UnauthorizedError,
    ResultCode.FORBIDDEN: ForbiddenError,
    ResultCode.RATE_LIMITED: RateLimitedError,
    ResultCode.NOT_ENABLED: NotEnabledError,
    ResultCode.NOT_FOUND: NotFoundError,
    ResultCode.API_ERROR: APIError,
    ResultCode.STREAM_ERROR: StreamError,
    ResultCode.TRUNCATED: TruncatedError,
    ResultCode.PROTOCOL: ProtocolError,
    ResultCode.LIMIT_EXCEEDED: LimitExceededError,
    ResultCode.CANCELLED: CancelledError,
    ResultCode.PANIC: InternalError,
    ResultCode.INTERNAL: InternalError,
    ResultCode.WS_AUTH: WsAuthError,
    ResultCode.WS_MISSING_SCOPE: WsMissingScopeError,
    ResultCode.WS_PROTOCOL_MISMATCH: WsProtocolMismatchError,
    ResultCode.WS_PAIRING_REQUIRED: WsPairingRequiredError,
    ResultCode.WS_RPC_ERROR: WsRpcError,
    ResultCode.WS_DISCONNECTED: WsDisconnectedError,
}


def error_class(code: int) -> Type[OpenClawError]:
    """The exception class for a result code (:class:`OpenClawError` for unknown codes)."""
    return _BY_CODE.get(code, OpenClawError)


def last_error(code: int) -> OpenClawError:
    """Builds the exception for ``code`` from this thread's last error.

    Must run on the thread that made the failing call, before any other library call.
    """
    message = (lib.openclaw_last_error_message() or b"").decode("utf-8", errors="replace")
    status = int(lib.openclaw_last_error_http_status())
    etype = (lib.openclaw_last_error_type() or b"").decode("utf-8", errors="replace")
    retry_ms = int(lib.openclaw_last_error_retry_after_ms())
    n = ctypes.c_size_t(0)
    ptr = lib.openclaw_last_error_partial_text(ctypes.byref(n))
    partial = ctypes.string_at(ptr, n.value).decode("utf-8", errors="replace") if ptr else ""
    return error_class(code)(
        message,
        code=code,
        status=status or None,
        error_type=etype or None,
        retry_after=None if retry_ms < 0 else retry_ms / 1000.0,
        partial_text=partial,
    )


def check(code: int) -> None:
    """Raises the matching exception when ``code`` is not OK."""
    if code != ResultCode.OK:
        raise last_error(code)
