"""openclaw-client: a Python client for the OpenClaw gateway (sync and asyncio).

It wraps the C API of the ``openclaw-client`` Rust library with :mod:`ctypes`; the wheel
carries ``libopenclaw_client.so``. Quick start::

    from openclaw_client import Client, EventKind

    with Client() as client:                  # discovery, or Client(url, token)
        print(client.chat("Hello!").text)
        with client.chat_stream("Tell me more") as stream:
            for event in stream:
                if event.kind == EventKind.CONTENT:
                    print(event.text, end="", flush=True)

The asyncio API is :class:`AsyncClient`. The WebSocket control plane (chat runs with abort,
events, approvals, sessions) is :meth:`Client.ws_connect` / :meth:`AsyncClient.ws_connect`.
"""

from ._async import AsyncChatStream, AsyncClient
from ._client import CancelToken, ChatStream, Client, Message, Messages
from ._errors import (
    APIError,
    CancelledError,
    ConnectError,
    ConnectionLostError,
    ForbiddenError,
    InternalError,
    InvalidArgumentError,
    LimitExceededError,
    NotEnabledError,
    NotFoundError,
    OpenClawError,
    ProtocolError,
    RateLimitedError,
    RequestTimeoutError,
    ResultCode,
    StreamError,
    TLSError,
    TransportError,
    TruncatedError,
    UnauthorizedError,
    WsAuthError,
    WsDisconnectedError,
    WsError,
    WsMissingScopeError,
    WsPairingRequiredError,
    WsProtocolMismatchError,
    WsRpcError,
    error_class,
)
from ._lib import lib as _lib
from ._logging import LOGGER_NAME, enable_logging
from ._speech import SentenceChunker, sentences
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
from ._ws import WsChatRun, WsConnection
from ._ws_async import AsyncWsChatRun, AsyncWsConnection
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

__version__: str = _lib.openclaw_version().decode()
"""The version of the bundled library (the package has the same version)."""


def library_version() -> str:
    """The version reported by the loaded ``libopenclaw_client.so``."""
    version: bytes = _lib.openclaw_version()
    return version.decode()


__all__ = [
    "LOGGER_NAME",
    "SentenceChunker",
    "enable_logging",
    "sentences",
    "APIError",
    "AsyncChatStream",
    "AsyncClient",
    "CancelToken",
    "CancelledError",
    "Capabilities",
    "ChatResult",
    "ChatStream",
    "Client",
    "ConnectError",
    "ConnectionLostError",
    "Diagnosis",
    "DiagnosisCode",
    "EventKind",
    "ForbiddenError",
    "InternalError",
    "InvalidArgumentError",
    "LimitExceededError",
    "Message",
    "Messages",
    "NotEnabledError",
    "NotFoundError",
    "OpenClawError",
    "ProtocolError",
    "RateLimitedError",
    "Readiness",
    "RequestTimeoutError",
    "Response",
    "ResultCode",
    "Role",
    "Startup",
    "StreamError",
    "StreamEvent",
    "TLSError",
    "ToolCall",
    "TransportError",
    "TruncatedError",
    "UnauthorizedError",
    "Usage",
    "ApprovalDecision",
    "AsyncWsChatRun",
    "AsyncWsConnection",
    "WsAgentEvent",
    "WsApprovalRequested",
    "WsApprovalResolved",
    "WsAuthError",
    "WsChatEvent",
    "WsChatRun",
    "WsConnection",
    "WsDisconnected",
    "WsDisconnectedError",
    "WsDropped",
    "WsError",
    "WsEvent",
    "WsEventKind",
    "WsGap",
    "WsHello",
    "WsMissingScopeError",
    "WsPairingRequiredError",
    "WsProtocolMismatchError",
    "WsReconnected",
    "WsRpcError",
    "WsRunAborted",
    "WsRunAgent",
    "WsRunDelta",
    "WsRunEnd",
    "WsRunEvent",
    "WsRunFinal",
    "WsRunGap",
    "WsRunStatus",
    "WsSessionMessage",
    "WsSessionsChanged",
    "WsShutdown",
    "WsTick",
    "error_class",
    "library_version",
]
