"""The blocking WebSocket client (Client.ws_connect) against the scripted mock gateway."""

from __future__ import annotations

import gc
import os
import shutil
import stat
import subprocess
import threading
from typing import Any, Dict, List

import pytest

import openclaw_client as oc
from mock_gateway import dead_url
from ws_mock import Side, WsMock, abortable_run, ack_only, chat_events, serving


def client(m: WsMock) -> oc.Client:
    return oc.Client(m.url, "tok")


def test_connect_request_has_the_protocol_4_shape_and_hello_is_parsed(ws_gateway) -> None:
    m = ws_gateway(serving({}))
    with client(m) as c, c.ws_connect(scopes=["operator.read", "operator.approvals"]) as ws:
        h = ws.hello
    connect = m.request("connect")
    assert connect["type"] == "req"
    p = connect["params"]
    assert (p["minProtocol"], p["maxProtocol"]) == (4, 4)
    assert p["role"] == "operator"
    assert p["scopes"] == ["operator.read", "operator.approvals"]
    assert p["auth"] == {"token": "tok"}
    assert p["client"]["version"] == oc.__version__
    assert set(p["client"]) >= {"id", "version", "platform", "mode"}
    assert "exec-approvals" in p["caps"]  # asked for because operator.approvals is requested
    assert "device" not in p
    assert m.sides[0].request_line.startswith("GET / HTTP/1.1")
    assert h.protocol == 4 and h.server_version == "mock-1.0"
    assert h.scopes == ("operator.read", "operator.approvals")
    assert h.role == "operator" and h.auth_method == "token"
    assert "chat.send" in h.methods and "tick" in h.events
    assert h.conn_id == "conn-0" and h.boot_id == "boot-1"
    assert h.max_payload == 26214400 and h.tick_interval == 30.0
    assert h.policy["maxBufferedBytes"] == 52428800
    assert h.raw["type"] == "hello-ok"


def test_default_scopes_and_no_shared_secret(ws_gateway) -> None:
    m = ws_gateway(serving({}))
    with client(m) as c:
        with c.ws_connect():
            pass
        with c.ws_connect(use_shared_secret=False):
            pass
    first, second = [r["params"] for _, r in m.requests if r["method"] == "connect"]
    assert first["scopes"] == ["operator.read", "operator.write", "operator.approvals"]
    assert first["auth"] == {"token": "tok"}
    assert "auth" not in second


def test_call_returns_the_decoded_answer(ws_gateway) -> None:
    m = ws_gateway(serving({}))
    with client(m) as c, c.ws_connect() as ws:
        assert ws.call("x.y", {"a": [1, 2], "s": "é"}) == {"echo": {"a": [1, 2], "s": "é"}}
        assert ws.call("x.z") == {"echo": {}}
    assert m.request("x.y")["params"] == {"a": [1, 2], "s": "é"}
    assert m.request("x.z")["params"] == {}


def test_rpc_errors_raise_ws_rpc_error_with_the_gateways_type(ws_gateway) -> None:
    def unknown(side: Side, req: Dict[str, Any]) -> None:
        side.fail(req, {"code": "INVALID_REQUEST", "message": "unknown method: no.such.method"})

    def not_found(side: Side, req: Dict[str, Any]) -> None:
        side.fail(
            req,
            {
                "code": "INVALID_REQUEST",
                "message": "unknown or expired approval id",
                "details": {"reason": "APPROVAL_NOT_FOUND"},
            },
        )

    m = ws_gateway(serving({"no.such.method": unknown, "exec.approval.resolve": not_found}))
    with client(m) as c, c.ws_connect() as ws:
        with pytest.raises(oc.WsRpcError) as e:
            ws.call("no.such.method")
        assert e.value.code == oc.ResultCode.WS_RPC_ERROR
        assert e.value.error_type == "INVALID_REQUEST"
        assert "unknown method: no.such.method" in str(e.value)
        assert isinstance(e.value, oc.WsError) and isinstance(e.value, oc.OpenClawError)
        with pytest.raises(oc.WsRpcError) as e:
            ws.approval_resolve("gone", oc.ApprovalDecision.ALLOW_ONCE)
        assert e.value.error_type == "APPROVAL_NOT_FOUND"
        assert "unknown or expired approval id" in e.value.message
        # The connection stays usable.
        assert ws.call("still.there") == {"echo": {}}


def test_missing_scope_names_the_scope(ws_gateway) -> None:
    def forbidden(side: Side, req: Dict[str, Any]) -> None:
        side.fail(
            req,
            {
                "code": "FORBIDDEN",
                "message": "missing scope: operator.approvals",
                "details": {
                    "code": "MISSING_SCOPE",
                    "missingScope": "operator.approvals",
                    "requiredScopes": ["operator.approvals"],
                },
            },
        )

    m = ws_gateway(serving({"exec.approval.list": forbidden}))
    with client(m) as c, c.ws_connect(scopes=["operator.read"]) as ws:
        with pytest.raises(oc.WsMissingScopeError) as e:
            ws.approval_list()
    err = e.value
    assert err.code == oc.ResultCode.WS_MISSING_SCOPE
    assert err.scope == "operator.approvals"
    assert "operator.approvals" in str(err) and "exec.approval.list" in str(err)
    assert err.error_type == "MISSING_SCOPE"
    assert isinstance(err, PermissionError)


@pytest.mark.parametrize(
    "error, cls, etype, words",
    [
        (
            {
                "code": "INVALID_REQUEST",
                "message": "unauthorized: gateway token mismatch",
                "details": {
                    "code": "AUTH_TOKEN_MISMATCH",
                    "recommendedNextStep": "update_auth_credentials",
                },
            },
            oc.WsAuthError,
            "AUTH_TOKEN_MISMATCH",
            ["token mismatch", "update_auth_credentials"],
        ),
        (
            {
                "code": "NOT_PAIRED",
                "message": "device identity required",
                "details": {"code": "DEVICE_IDENTITY_REQUIRED"},
            },
            oc.WsPairingRequiredError,
            "DEVICE_IDENTITY_REQUIRED",
            ["device identity required"],
        ),
        (
            {
                "code": "INVALID_REQUEST",
                "message": "protocol mismatch",
                "details": {
                    "code": "PROTOCOL_MISMATCH",
                    "clientMinProtocol": 4,
                    "clientMaxProtocol": 4,
                    "expectedProtocol": 5,
                },
            },
            oc.WsProtocolMismatchError,
            "PROTOCOL_MISMATCH",
            ["4", "5"],
        ),
    ],
)
def test_handshake_refusals_are_typed(ws_gateway, error, cls, etype, words) -> None:
    def script(_: int, side: Side) -> None:
        side.handshake(error=error)

    m = ws_gateway(script)
    with client(m) as c:
        with pytest.raises(cls) as e:
            c.ws_connect()
    assert e.value.error_type == etype
    for w in words:
        assert w in e.value.message


def test_connect_to_nothing_is_a_connect_error() -> None:
    with oc.Client(dead_url(), "tok") as c:
        with pytest.raises(oc.ConnectError):
            c.ws_connect()


def test_typed_requests_send_their_method_and_params(ws_gateway) -> None:
    def send(side: Side, req: Dict[str, Any]) -> None:
        side.reply(req, {"runId": "run-77", "status": "started"})

    def abort(side: Side, req: Dict[str, Any]) -> None:
        side.reply(req, {"ok": True, "aborted": "runId" in req["params"], "runIds": []})

    def history(side: Side, req: Dict[str, Any]) -> None:
        side.reply(req, {"sessionKey": "k", "messages": [{"role": "user", "content": "hi"}]})

    def approvals(side: Side, req: Dict[str, Any]) -> None:
        side.reply(req, [{"id": "ap1", "request": {"command": "echo hi"}}])

    m = ws_gateway(
        serving(
            {
                "chat.send": send,
                "chat.abort": abort,
                "chat.history": history,
                "exec.approval.list": approvals,
            }
        )
    )
    with client(m) as c, c.ws_connect() as ws:
        assert ws.chat_send("kitchen", "turn on the light") == "run-77"
        assert ws.chat_abort("kitchen") is False
        assert ws.chat_abort("kitchen", "run-77") is True
        assert ws.chat_history("kitchen", limit=5)["messages"][0]["content"] == "hi"
        ws.chat_history("kitchen")
        assert ws.sessions_list(limit=2, search="kit") == {"echo": {"limit": 2, "search": "kit"}}
        assert ws.sessions_list({"limit": 1}) == {"echo": {"limit": 1}}
        ws.sessions_subscribe()
        ws.sessions_messages_subscribe("kitchen")
        assert ws.approval_list()[0]["id"] == "ap1"
        ws.approval_resolve("ap1", oc.ApprovalDecision.DENY)
        ws.approval_resolve("ap2", "allow-always")
        with pytest.raises(oc.InvalidArgumentError, match="maybe"):
            ws.approval_resolve("ap3", "maybe")
        assert ws.agents_list() == {"echo": {}}
        assert ws.models_list() == {"echo": {}}
        assert ws.health() == {"echo": {}}
    sent = [(r["method"], r["params"]) for _, r in m.requests if r["method"] != "connect"]
    send_params = sent[0][1]
    assert sent[0][0] == "chat.send"
    assert send_params["sessionKey"] == "kitchen"
    assert send_params["message"] == "turn on the light"
    assert send_params["idempotencyKey"]
    assert sent[1:] == [
        ("chat.abort", {"sessionKey": "kitchen"}),
        ("chat.abort", {"sessionKey": "kitchen", "runId": "run-77"}),
        ("chat.history", {"sessionKey": "kitchen", "limit": 5}),
        ("chat.history", {"sessionKey": "kitchen"}),
        ("sessions.list", {"limit": 2, "search": "kit"}),
        ("sessions.list", {"limit": 1}),
        ("sessions.subscribe", {}),
        ("sessions.messages.subscribe", {"key": "kitchen"}),
        ("exec.approval.list", {}),
        ("exec.approval.resolve", {"id": "ap1", "decision": "deny"}),
        ("exec.approval.resolve", {"id": "ap2", "decision": "allow-always"}),
        ("agents.list", {}),
        ("models.list", {}),
        ("health", {}),
    ]


def test_chat_run_streams_deltas_to_the_final_reply(ws_gateway) -> None:
    m = ws_gateway(
        serving({"chat.send": lambda s, r: chat_events(s, r, ["echo:", " hello", " there"])})
    )
    with client(m) as c, c.ws_connect() as ws:
        with ws.chat_run("main", "hello there") as run:
            assert run.ended is None and not run.done
            events = list(run)
            assert run.text == "echo: hello there"
            assert run.ended == oc.WsRunEnd.FINAL and run.stop_reason == "stop"
            assert run.error is None and run.done
            assert run.next_event() is None and list(run) == []
            run_id = run.run_id
        # The connection's own queue saw the same run as chat/agent events.
        seen = []
        while True:
            ev = ws.next_event(0)
            if ev is None:
                break
            seen.append(ev)
    send = m.request("chat.send")["params"]
    assert run_id == send["idempotencyKey"]  # the gateway's runId (= the key on 2026.9.6)
    assert (send["sessionKey"], send["message"]) == ("main", "hello there")
    kinds = [e.kind for e in events]
    assert kinds == [
        oc.WsEventKind.RUN_STATUS,
        oc.WsEventKind.RUN_STATUS,
        oc.WsEventKind.RUN_AGENT,
        oc.WsEventKind.RUN_DELTA,
        oc.WsEventKind.RUN_DELTA,
        oc.WsEventKind.RUN_DELTA,
        oc.WsEventKind.RUN_FINAL,
    ]
    assert [e.phase for e in events if isinstance(e, oc.WsRunStatus)] == [
        "preparing_context",
        "starting_model",
    ]
    agent = events[2]
    assert isinstance(agent, oc.WsRunAgent)
    assert (agent.stream, agent.phase, agent.session_key) == ("lifecycle", "start", "agent:main:main")
    assert [e.text for e in events if isinstance(e, oc.WsRunDelta)] == ["echo:", " hello", " there"]
    final = events[-1]
    assert isinstance(final, oc.WsRunFinal)
    assert (final.text, final.stop_reason, final.run_id) == ("echo: hello there", "stop", run_id)
    chats = [e for e in seen if isinstance(e, oc.WsChatEvent)]
    assert [e.state for e in chats] == ["status", "status", "delta", "delta", "delta", "final"]
    assert chats[-1].text == "echo: hello there" and chats[-1].run_id == run_id
    assert chats[-1].session_key == "agent:main:main" and chats[0].phase == "preparing_context"
    assert chats[-1].seq is not None and chats[-1].payload["stopReason"] == "stop"
    assert any(isinstance(e, oc.WsAgentEvent) and e.stream == "lifecycle" for e in seen)


def test_abort_from_another_thread_sends_chat_abort_and_ends_the_run(ws_gateway) -> None:
    m = ws_gateway(serving({"chat.send": abortable_run}))
    with client(m) as c, c.ws_connect() as ws:
        with ws.chat_run("abort-me", "slow one") as run:
            results: List[bool] = []
            first = run.next_event()
            assert isinstance(first, oc.WsRunStatus)
            t = threading.Thread(target=lambda: results.append(run.abort()))
            t.start()
            rest = list(run)  # this thread waits in next_event while the other aborts
            t.join(30)
    assert results == [True]
    assert isinstance(rest[-1], oc.WsRunAborted)
    assert rest[-1].stop_reason == "rpc" and rest[-1].text == "partial"
    assert run.ended == oc.WsRunEnd.ABORTED and run.stop_reason == "rpc"
    assert run.text == "partial"
    assert m.request("chat.abort")["params"] == {"sessionKey": "abort-me", "runId": run.run_id}


def test_a_failed_run_raises_stream_error_with_the_partial_text(ws_gateway) -> None:
    def failing(side: Side, req: Dict[str, Any]) -> None:
        p = req["params"]
        base = {"runId": p["idempotencyKey"], "sessionKey": "agent:main:" + p["sessionKey"]}
        side.reply(req, {"runId": p["idempotencyKey"], "status": "started"})
        side.event("chat", dict(base, seq=1, state="delta", deltaText="half"))
        side.event("chat", dict(base, seq=2, state="error", errorMessage="LLM request failed"))

    m = ws_gateway(serving({"chat.send": failing}))
    with client(m) as c, c.ws_connect() as ws, ws.chat_run("s", "x") as run:
        with pytest.raises(oc.StreamError) as e:
            list(run)
    assert "LLM request failed" in e.value.message
    assert e.value.partial_text == "half"
    assert run.ended == oc.WsRunEnd.ERROR and run.error is e.value
    assert run.next_event() is None


def test_a_lost_connection_raises_ws_disconnected(ws_gateway) -> None:
    def script(_: int, side: Side) -> None:
        side.handshake()
        side.event("tick", {"ts": 1})
        req = side.recv()
        assert req is not None and req["method"] == "hang"
        side.drop()

    m = ws_gateway(script)
    with client(m) as c, c.ws_connect() as ws:
        with pytest.raises(oc.WsDisconnectedError) as e:
            ws.call("hang")
        assert isinstance(e.value, ConnectionError)
        assert e.value.code == oc.ResultCode.WS_DISCONNECTED
        assert "may have run" in e.value.message or "lost" in e.value.message
        # Queued events are still handed out, then iteration raises: the loss was not ours.
        got: List[oc.WsEvent] = []
        with pytest.raises(oc.WsDisconnectedError):
            for ev in ws:
                got.append(ev)
        assert [type(e) for e in got] == [oc.WsTick]
        with pytest.raises(oc.WsDisconnectedError):
            ws.call("again")


def test_a_run_cut_by_a_lost_connection_raises_ws_disconnected(ws_gateway) -> None:
    def cut(side: Side, req: Dict[str, Any]) -> None:
        chat_events(side, req, ["echo:"], final=False)
        side.drop()

    m = ws_gateway(serving({"chat.send": cut}))
    with client(m) as c, c.ws_connect() as ws, ws.chat_run("s", "x") as run:
        with pytest.raises(oc.WsDisconnectedError) as e:
            list(run)
    assert e.value.partial_text == "echo:"
    assert run.ended == oc.WsRunEnd.ERROR and isinstance(run.error, oc.WsDisconnectedError)


def test_request_timeouts_per_call_and_per_connection(ws_gateway) -> None:
    m = ws_gateway(serving({"slow": lambda s, r: None}))  # never answered
    with client(m) as c:
        with c.ws_connect() as ws:
            with pytest.raises(oc.RequestTimeoutError) as e:
                ws.call("slow", timeout=0.2)
            assert isinstance(e.value, TimeoutError)
            assert ws.call("fast") == {"echo": {}}
        with c.ws_connect(request_timeout=0.2) as ws:
            with pytest.raises(oc.RequestTimeoutError):
                ws.call("slow")
            with pytest.raises(ValueError):
                ws.call("slow", timeout=-1)


def test_a_run_whose_events_come_later_is_followed(ws_gateway) -> None:
    def later(side: Side, req: Dict[str, Any]) -> None:
        go = side.recv()  # the run's events wait for the client's "go"
        assert go is not None and go["method"] == "go"
        side.reply(go, {})
        chat_events(side, req, ["echo:", " later"])

    m = ws_gateway(serving({"chat.send": later}))
    with client(m) as c, c.ws_connect(request_timeout=0) as ws:
        opened: List[oc.WsChatRun] = []
        t = threading.Thread(target=lambda: opened.append(ws.chat_run("s", "later")))
        t.start()
        m.wait_request("chat.send")
        ws.call("go")
        t.join(30)
        with opened[0] as run:
            assert run.collect() == "echo: later"


def test_a_run_wait_that_times_out_leaves_the_run_going(ws_gateway) -> None:
    m = ws_gateway(serving({"chat.send": ack_only}))
    with client(m) as c, c.ws_connect() as ws, ws.chat_run("s", "x") as run:
        with pytest.raises(oc.RequestTimeoutError) as e:
            run.next_event(timeout=0.2)
        assert run.run_id in e.value.message and "abort" in e.value.message
        assert run.ended is None and not run.done


def test_connection_events_are_typed(ws_gateway) -> None:
    approval = {
        "approvalKind": "exec",
        "id": "ap-1",
        "request": {
            "command": "echo hi",
            "allowedDecisions": ["allow-once", "deny"],
            "sessionKey": "agent:main:exec",
            "runId": "run-1",
        },
        "createdAtMs": 1,
        "expiresAtMs": 2,
    }

    def emit(side: Side, req: Dict[str, Any]) -> None:
        side.event("tick", {"ts": 5})
        side.event("exec.approval.requested", approval)
        side.event("exec.approval.resolved", {"id": "ap-1", "decision": "deny"})
        side.event(
            "session.message",
            {
                "sessionKey": "agent:main:k",
                "message": {"role": "assistant", "content": [{"type": "text", "text": "yo"}]},
            },
        )
        side.event("sessions.changed", {"sessionKey": "agent:main:k", "reason": "created"})
        side.event("presence", {"who": ["a"]})
        side.event(
            "agent",
            {
                "runId": "run-1",
                "sessionKey": "agent:main:exec",
                "stream": "tool",
                "data": {"phase": "start", "name": "exec", "toolCallId": "call-1"},
            },
        )
        side.event("shutdown", {"reason": "gateway stopping"})
        side.reply(req, {})

    m = ws_gateway(serving({"emit": emit}))
    with client(m) as c, c.ws_connect() as ws:
        ws.call("emit")  # answered after the events: they are all queued now
        evs = [ws.next_event(0) for _ in range(8)]
        assert ws.next_event(0) is None
    tick, req, res, msg, changed, other, agent, shutdown = evs
    assert isinstance(tick, oc.WsTick) and tick.kind == oc.WsEventKind.TICK
    assert tick.payload == {"ts": 5} and tick.name == "tick" and tick.seq == 1
    assert isinstance(req, oc.WsApprovalRequested)
    assert (req.approval_id, req.command, req.run_id, req.session_key) == (
        "ap-1",
        "echo hi",
        "run-1",
        "agent:main:exec",
    )
    assert req.allowed_decisions == ("allow-once", "deny")
    assert req.payload["expiresAtMs"] == 2
    assert isinstance(res, oc.WsApprovalResolved)
    assert (res.approval_id, res.decision) == ("ap-1", "deny")
    assert isinstance(msg, oc.WsSessionMessage)
    assert (msg.session_key, msg.role, msg.text) == ("agent:main:k", "assistant", "yo")
    assert isinstance(changed, oc.WsSessionsChanged)
    assert (changed.session_key, changed.reason) == ("agent:main:k", "created")
    assert type(other) is oc.WsEvent and other.kind == oc.WsEventKind.OTHER
    assert other.name == "presence" and other.payload == {"who": ["a"]}
    assert isinstance(agent, oc.WsAgentEvent)
    assert (agent.stream, agent.phase, agent.text, agent.tool_call_id) == (
        "tool",
        "start",
        "exec",
        "call-1",
    )
    assert isinstance(shutdown, oc.WsShutdown) and shutdown.reason == "gateway stopping"


def test_a_full_queue_drops_the_oldest_and_says_how_many(ws_gateway) -> None:
    def emit(side: Side, req: Dict[str, Any]) -> None:
        for i in range(5):
            side.event("tick", {"ts": i})
        side.reply(req, {})

    m = ws_gateway(serving({"emit": emit}))
    with client(m) as c, c.ws_connect(event_queue_capacity=2) as ws:
        ws.call("emit")
        dropped, a, b = ws.next_event(0), ws.next_event(0), ws.next_event(0)
        assert ws.next_event(0) is None
    assert isinstance(dropped, oc.WsDropped) and dropped.count == 3
    assert dropped.payload is None and dropped.seq is None
    assert [a.payload["ts"], b.payload["ts"]] == [3, 4]  # type: ignore[union-attr]


def test_a_seq_jump_is_reported_as_a_gap(ws_gateway) -> None:
    def emit(side: Side, req: Dict[str, Any]) -> None:
        side.event("tick", {"ts": 1}, seq=1)
        side.event("tick", {"ts": 2}, seq=5)
        side.reply(req, {})

    m = ws_gateway(serving({"emit": emit}))
    with client(m) as c, c.ws_connect() as ws:
        ws.call("emit")
        evs = [ws.next_event(0) for _ in range(3)]
    gaps = [e for e in evs if isinstance(e, oc.WsGap)]
    assert len(gaps) == 1 and (gaps[0].expected, gaps[0].received) == (2, 5)
    assert [e.seq for e in evs if isinstance(e, oc.WsTick)] == [1, 5]


def test_reconnect_reports_the_loss_and_renews_subscriptions(ws_gateway) -> None:
    def script(index: int, side: Side) -> None:
        side.handshake(boot_id=f"boot-{index}")
        if index == 0:
            while True:
                req = side.recv()
                assert req is not None
                if req["method"] == "drop-me":
                    side.drop()
                    return
                side.reply(req, {})
        side.serve({})

    m = ws_gateway(script)
    with client(m) as c, c.ws_connect(reconnect=True) as ws:
        ws.sessions_subscribe()
        with pytest.raises(oc.WsDisconnectedError):
            ws.call("drop-me")
        lost = ws.next_event(30)
        back = ws.next_event(30)
        assert isinstance(lost, oc.WsDisconnected) and lost.reason
        assert isinstance(back, oc.WsReconnected) and back.boot_id == "boot-1"
        assert ws.hello.boot_id == "boot-1"
        assert ws.call("x") == {"echo": {}}
    assert "sessions.subscribe" in m.methods(1)  # renewed on the new socket


def test_device_identity_signs_the_connect(ws_gateway, tmp_path) -> None:
    m = ws_gateway(serving({}))
    key = tmp_path / "device.key"
    with client(m) as c:
        with c.ws_connect(device_key=key, device_token_file=str(tmp_path / "token.json")):
            pass
    device = m.request("connect")["params"]["device"]
    assert len(device["id"]) == 64 and device["publicKey"] and device["signature"]
    assert (device["nonce"], device["signedAt"]) == ("nonce-1", 1795638126871)
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600


def test_close_is_idempotent_and_later_use_is_refused(ws_gateway) -> None:
    m = ws_gateway(serving({}))
    with client(m) as c:
        ws = c.ws_connect()
    # The connection outlives the client it was opened with.
    assert ws.call("after-client-close") == {"echo": {}}
    ws.close()
    ws.close()
    assert ws.closed
    with pytest.raises(ValueError, match="closed"):
        ws.call("x")
    assert list(ws) == []  # iteration over a closed connection ends quietly
    with ws:
        pass


def test_close_from_another_thread_wakes_a_waiting_reader(ws_gateway) -> None:
    m = ws_gateway(serving({}))
    with client(m) as c:
        ws = c.ws_connect()
    got: List[Any] = []

    def reader() -> None:
        got.extend(ws)  # ends once closed
        got.append("ended")

    t = threading.Thread(target=reader)
    t.start()
    ws.call("x")  # the reader is (very likely) waiting now; either way it must end
    ws.close()
    t.join(30)
    assert not t.is_alive() and got == ["ended"]


def test_a_run_outlives_its_connection(ws_gateway) -> None:
    m = ws_gateway(
        serving({"chat.send": lambda s, r: chat_events(s, r, ["a"], final=False)})
    )
    with client(m) as c:
        ws = c.ws_connect()
        run = ws.chat_run("s", "x")
        # Wait until the delta arrived (the connection's queue sees it too), then close.
        while not (isinstance(ev := ws.next_event(30), oc.WsChatEvent) and ev.state == "delta"):
            assert ev is not None
        ws.close()
        with pytest.raises(oc.WsDisconnectedError):
            list(run)
        assert run.text == "a"
        run.close()
        run.close()
        with pytest.raises(ValueError, match="closed"):
            run.abort()


def test_dropping_a_connection_closes_it(ws_gateway) -> None:
    closed = threading.Event()

    def script(_: int, side: Side) -> None:
        side.handshake()
        side.serve({})
        closed.set()

    m = ws_gateway(script)
    with client(m) as c:
        ws = c.ws_connect()
        ws.call("x")
        del ws
        gc.collect()
    assert closed.wait(30)
    assert m.sides[0].closed_by_client


def test_bad_arguments_are_refused_before_anything_is_sent(ws_gateway) -> None:
    m = ws_gateway(serving({}))
    with client(m) as c:
        with pytest.raises(TypeError):
            c.ws_connect(scopes="operator.read")  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            c.ws_connect(scopes=["operator.read,operator.write"])
        with pytest.raises(ValueError):
            c.ws_connect(device_token_file="t.json")
        with pytest.raises(ValueError):
            c.ws_connect(event_queue_capacity=0)
        with pytest.raises(ValueError):
            c.ws_connect(request_timeout=-1)
        assert m.requests == []
        with c.ws_connect() as ws:
            with pytest.raises(ValueError, match="NUL"):
                ws.call("a\0b")
            with pytest.raises(TypeError):
                ws.call("x", {"not json": object()})
            with pytest.raises(ValueError):
                ws.chat_history("k", limit=-1)
    assert m.methods() == ["connect"]


def test_the_event_struct_mirrors_the_c_header() -> None:
    """ctypes offsets of ``openclaw_ws_event`` equal the C compiler's (the header's layout)."""
    import ctypes

    from openclaw_client._lib import WsEvent

    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to read the header's layout with")
    here = os.path.dirname(os.path.abspath(__file__))
    include = os.path.join(here, "..", "..", "include")
    fields = [f[0] for f in WsEvent._fields_]
    src = "#include <stddef.h>\n#include <stdio.h>\n#include \"openclaw_client.h\"\nint main(void){"
    src += 'printf("%zu\\n", sizeof(struct openclaw_ws_event));'
    for f in fields:
        src += f'printf("%zu\\n", offsetof(struct openclaw_ws_event, {f}));'
    src += "return 0;}\n"
    build = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"wsev-{os.getpid()}")
    with open(build + ".c", "w") as f:
        f.write(src)
    subprocess.run([cc, "-I", include, "-o", build, build + ".c"], check=True)
    out = subprocess.run([build], check=True, capture_output=True, text=True).stdout.split()
    os.remove(build)
    os.remove(build + ".c")
    assert int(out[0]) >= ctypes.sizeof(WsEvent)  # the header may append fields
    assert [int(x) for x in out[1:]] == [getattr(WsEvent, f).offset for f in fields]
