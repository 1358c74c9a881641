"""Plain types of the WebSocket control plane: the handshake answer, events, run events.

Every object here is a copy of what the C library returned (``struct openclaw_ws_event`` is
read once and freed at once), safe to keep and to pass between threads.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple, Union


class WsEventKind(enum.IntEnum):
    """The kind of a WebSocket event (``OPENCLAW_WS_EVENT_*``).

    Connection events (:meth:`WsConnection.next_event`) are 0-12; the events of one chat run
    (:class:`WsChatRun`) are 20-25.
    """

    OTHER = 0
    CHAT = 1
    AGENT = 2
    APPROVAL_REQUESTED = 3
    APPROVAL_RESOLVED = 4
    SESSION_MESSAGE = 5
    SESSIONS_CHANGED = 6
    TICK = 7
    SHUTDOWN = 8
    GAP = 9
    DROPPED = 10
    DISCONNECTED = 11
    RECONNECTED = 12
    RUN_STATUS = 20
    RUN_DELTA = 21
    RUN_AGENT = 22
    RUN_FINAL = 23
    RUN_ABORTED = 24
    RUN_GAP = 25


class ApprovalDecision(str, enum.Enum):
    """An answer to an exec approval (:meth:`WsConnection.approval_resolve`)."""

    ALLOW_ONCE = "allow-once"
    """Run the command this time."""
    ALLOW_ALWAYS = "allow-always"
    """Run it and add it to the allowlist (the gateway may refuse this for some commands)."""
    DENY = "deny"
    """Do not run it; the agent gets an error tool result."""


class WsRunEnd(str, enum.Enum):
    """How a chat run ended (:attr:`WsChatRun.ended`)."""

    FINAL = "final"
    """The run finished; :attr:`WsChatRun.text` is the reply."""
    ABORTED = "aborted"
    """The run was aborted (by :meth:`WsChatRun.abort` or anyone else)."""
    ERROR = "error"
    """The run failed, or the connection was lost; :attr:`WsChatRun.error` says why."""


@dataclass(frozen=True)
class WsHello:
    """What the gateway granted and advertised in its ``hello-ok`` answer."""

    protocol: int
    """The negotiated protocol version (4)."""
    server_version: str
    """``server.version``, e.g. ``"2026.9.6"``."""
    conn_id: str
    """``server.connId``."""
    boot_id: str
    """``server.bootId`` (changes when the gateway restarts)."""
    methods: Tuple[str, ...]
    """``features.methods``: every method the gateway serves."""
    events: Tuple[str, ...]
    """``features.events``: every event name it may send."""
    role: str
    """``auth.role`` (``"operator"``)."""
    scopes: Tuple[str, ...]
    """``auth.scopes``: the scopes this connection really has."""
    auth_method: Optional[str]
    """``auth.method`` (``"token"``, ``"device-token"``…), when sent."""
    max_payload: Optional[int]
    """``policy.maxPayload``: the largest frame the client may send, in bytes."""
    tick_interval: Optional[float]
    """``policy.tickIntervalMs`` in seconds: the gateway sends a ``tick`` at least this often."""
    policy: Dict[str, Any]
    """The whole ``policy`` object."""
    raw: Dict[str, Any] = field(repr=False)
    """The whole ``hello-ok`` payload."""

    @classmethod
    def from_json(cls, text: str) -> "WsHello":
        """Builds it from the ``hello-ok`` payload as JSON text."""
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raw = {}
        server = _obj(raw.get("server"))
        features = _obj(raw.get("features"))
        auth = _obj(raw.get("auth"))
        policy = _obj(raw.get("policy"))
        tick = policy.get("tickIntervalMs")
        max_payload = policy.get("maxPayload")
        method = auth.get("method")
        return cls(
            protocol=int(raw.get("protocol") or 0),
            server_version=str(server.get("version") or ""),
            conn_id=str(server.get("connId") or ""),
            boot_id=str(server.get("bootId") or ""),
            methods=_strs(features.get("methods")),
            events=_strs(features.get("events")),
            role=str(auth.get("role") or ""),
            scopes=_strs(auth.get("scopes")),
            auth_method=method if isinstance(method, str) else None,
            max_payload=max_payload if isinstance(max_payload, int) else None,
            tick_interval=tick / 1000.0 if isinstance(tick, (int, float)) and tick > 0 else None,
            policy=policy,
            raw=raw,
        )


def _obj(v: Any) -> Dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _strs(v: Any) -> Tuple[str, ...]:
    if not isinstance(v, list):
        return ()
    return tuple(x for x in v if isinstance(x, str))


# -- connection events ---------------------------------------------------------------------


@dataclass(frozen=True)
class WsEvent:
    """One event of a WebSocket connection (:meth:`WsConnection.next_event`).

    The known kinds come as the subclasses below (``isinstance`` or :attr:`kind` tell them
    apart); any other gateway event (``presence``, ``health``, ``cron``…) comes as a plain
    ``WsEvent`` of kind :attr:`WsEventKind.OTHER`: read :attr:`name` and :attr:`payload`.
    """

    kind: Union[WsEventKind, int]
    """The kind (a plain int for a kind added by a newer library)."""
    name: str
    """The event name (``chat``, ``agent``, ``tick``…; ``openclaw.*`` for the library's own
    notices)."""
    seq: Optional[int]
    """The frame's ``seq``, or ``None``."""
    payload_json: str
    """The gateway's payload as JSON text (``"null"`` for the library's notices)."""

    @property
    def payload(self) -> Any:
        """:attr:`payload_json` decoded (decoded on each access)."""
        return json.loads(self.payload_json) if self.payload_json else None


@dataclass(frozen=True)
class WsChatEvent(WsEvent):
    """``chat``: progress of a chat run (any run this connection sees, not only its own)."""

    run_id: str
    session_key: str
    """The canonical session key (``agent:main:<key>``)."""
    state: str
    """``status``, ``delta``, ``final``, ``aborted`` or ``error``."""
    phase: str
    """The progress phase of a ``status`` (``preparing_context``, ``starting_model``…)."""
    text: str
    """The new text of a ``delta``, the reply of a ``final``, the message of an ``error``."""
    replace: bool
    """On a ``delta``: :attr:`text` replaces the text so far instead of extending it."""


@dataclass(frozen=True)
class WsAgentEvent(WsEvent):
    """``agent``: a run's agent stream (lifecycle, assistant text, tool calls, usage…)."""

    run_id: str
    session_key: str
    stream: str
    """``lifecycle``, ``assistant``, ``tool``, ``usage``…"""
    phase: str
    """The lifecycle phase, or ``start``/``result`` for a tool call."""
    text: str
    """The assistant delta, or the tool's name."""
    tool_call_id: str
    """The tool call id (tool events), else ``""``."""


@dataclass(frozen=True)
class WsApprovalRequested(WsEvent):
    """``exec.approval.requested``: an agent wants to run a command and waits for an answer
    (:meth:`WsConnection.approval_resolve`). Reaches only connections holding
    ``operator.approvals``."""

    approval_id: str
    command: str
    run_id: str
    session_key: str
    allowed_decisions: Tuple[str, ...]
    """The decisions the gateway accepts for it (e.g. ``("allow-once", "deny")``)."""


@dataclass(frozen=True)
class WsApprovalResolved(WsEvent):
    """``exec.approval.resolved``: someone answered an approval."""

    approval_id: str
    decision: str


@dataclass(frozen=True)
class WsSessionMessage(WsEvent):
    """``session.message``: a message added to a subscribed session."""

    session_key: str
    role: str
    """``user``, ``assistant``…"""
    text: str


@dataclass(frozen=True)
class WsSessionsChanged(WsEvent):
    """``sessions.changed`` (after :meth:`WsConnection.sessions_subscribe`)."""

    session_key: str
    """The session concerned, or ``""``."""
    reason: str


@dataclass(frozen=True)
class WsTick(WsEvent):
    """``tick``: the gateway's keep-alive (every ``policy.tickIntervalMs``)."""


@dataclass(frozen=True)
class WsShutdown(WsEvent):
    """``shutdown``: the gateway is stopping or restarting."""

    reason: str


@dataclass(frozen=True)
class WsGap(WsEvent):
    """The frame ``seq`` jumped: events were lost between :attr:`expected` and
    :attr:`received`."""

    expected: int
    received: int


@dataclass(frozen=True)
class WsDropped(WsEvent):
    """The event queue overflowed (``event_queue_capacity``): the :attr:`count` oldest events
    were discarded."""

    count: int


@dataclass(frozen=True)
class WsDisconnected(WsEvent):
    """The connection was lost and is being re-established (``reconnect=True``)."""

    reason: str


@dataclass(frozen=True)
class WsReconnected(WsEvent):
    """The connection is back; session subscriptions were renewed."""

    boot_id: str
    """The gateway's boot id now (a new one means the gateway restarted)."""


# -- events of one chat run ----------------------------------------------------------------


@dataclass(frozen=True)
class WsRunEvent:
    """One event of a chat run (:class:`WsChatRun`); the subclasses below say which."""

    kind: Union[WsEventKind, int]
    run_id: str


@dataclass(frozen=True)
class WsRunStatus(WsRunEvent):
    """Progress: :attr:`phase` (``preparing_workspace``, ``starting_model``…)."""

    phase: str


@dataclass(frozen=True)
class WsRunDelta(WsRunEvent):
    """New reply text."""

    text: str
    replace: bool
    """:attr:`text` replaces the text so far instead of extending it."""


@dataclass(frozen=True)
class WsRunAgent(WsRunEvent):
    """An agent event of the run (lifecycle, tool start/result, usage…)."""

    session_key: str
    stream: str
    phase: str
    text: str
    """The tool's name for tool events."""
    tool_call_id: str


@dataclass(frozen=True)
class WsRunFinal(WsRunEvent):
    """Last event: the run finished."""

    text: str
    """The whole reply."""
    stop_reason: str
    """``stop``, … (``""`` when the gateway sent none)."""


@dataclass(frozen=True)
class WsRunAborted(WsRunEvent):
    """Last event: the run was aborted."""

    text: str
    """The reply text that arrived before the abort."""
    stop_reason: str
    """``rpc`` for ``chat.abort``, … (``""`` when the gateway sent none)."""


@dataclass(frozen=True)
class WsRunGap(WsRunEvent):
    """Events of the run may have been lost (frame seq jumped, or its queue overflowed)."""

    expected: int
    received: int
