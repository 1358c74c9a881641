"""Plain result types: copies of what the C API returned, safe to keep after the call."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import List, Optional, Tuple


class EventKind(enum.IntEnum):
    """The kind of a :class:`StreamEvent` (``OPENCLAW_EVENT_*``)."""

    ROLE = 1
    CONTENT = 2
    REASONING = 3
    TOOL_CALL = 4
    FINISH = 5
    USAGE = 6
    DONE = 7
    ERROR = 8
    LIFECYCLE = 9
    HISTORY = 10


class Role(enum.IntEnum):
    """Message roles (``OPENCLAW_ROLE_*``)."""

    SYSTEM = 0
    DEVELOPER = 1
    USER = 2
    ASSISTANT = 3
    TOOL = 4


class DiagnosisCode(enum.IntEnum):
    """The outcome of :meth:`Client.check_connection` (``OPENCLAW_DIAGNOSIS_*``)."""

    OK = 0
    UNREACHABLE = 1
    TLS = 2
    TIMEOUT = 3
    NOT_OPENCLAW = 4
    ENDPOINT_DISABLED = 5
    UNAUTHORIZED = 6
    RATE_LIMITED = 7
    FORBIDDEN = 8
    ERROR = 9


@dataclass(frozen=True)
class Usage:
    """Token usage of one turn."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


@dataclass(frozen=True)
class ToolCall:
    """A tool call the reply asks the client to run."""

    id: str
    name: str
    arguments: str
    """The JSON arguments, as text."""


@dataclass(frozen=True)
class ChatResult:
    """The whole reply of a non-streamed chat turn."""

    text: str
    reasoning: str
    finish_reason: str
    """``stop``, ``length``, ``tool_calls``… or ``""`` when the gateway sent none."""
    empty: bool
    """True when the agent produced no text and no tool call."""
    usage: Optional[Usage]
    tool_calls: Tuple[ToolCall, ...] = ()


@dataclass(frozen=True)
class StreamEvent:
    """One stream event, copied out of the library's borrowed ``openclaw_event``."""

    kind: EventKind
    text: str = ""
    """Content, reasoning, role, finish reason, tool-argument fragment or lifecycle name."""
    tool_index: int = 0
    tool_id: Optional[str] = None
    tool_name: Optional[str] = None
    usage: Optional[Usage] = None
    """Set on :attr:`EventKind.USAGE` and on a responses stream's DONE when known."""
    empty: bool = False
    """On :attr:`EventKind.DONE`: no content and no tool call arrived."""
    event_type: str = ""


@dataclass(frozen=True)
class Response:
    """A ``/v1/responses`` result."""

    id: str
    status: str
    """``completed`` or ``incomplete``."""
    incomplete_reason: Optional[str]
    output_text: str
    usage: Optional[Usage]
    function_calls: Tuple[ToolCall, ...] = ()


@dataclass(frozen=True)
class Diagnosis:
    """What :meth:`Client.check_connection` found (it never starts an agent run)."""

    code: DiagnosisCode
    summary: str
    """One line saying what is wrong (or right) and what to do."""
    text: str
    """The full multi-line report (never contains the secret)."""
    version: Optional[str]
    chat_enabled: Optional[bool]
    responses_enabled: Optional[bool]

    @property
    def ok(self) -> bool:
        """True when the gateway is reachable, authorized and chat completions is on."""
        return self.code == DiagnosisCode.OK


@dataclass(frozen=True)
class Capabilities:
    """What the gateway supports (detected once per client, no agent run)."""

    version: Optional[str]
    chat_completions: Optional[bool]
    """True enabled, False disabled, None unknown."""
    responses: Optional[bool]


@dataclass(frozen=True)
class Readiness:
    """The answer of ``GET /readyz``."""

    ready: bool
    failing: List[str] = field(default_factory=list)


@dataclass(frozen=True)
class Startup:
    """The answer of ``GET /startupz``."""

    status: str
    """``started``, ``starting`` or ``draining``."""
    version: Optional[str]
