"""Against a real OpenClaw gateway (scripts/real-gateway.sh start prints the variables).

Deselected when OPENCLAW_REAL_GATEWAY_URL / _TOKEN are unset; when they are set, every test here
runs and fails if the gateway misbehaves. The gateway's model is the project's fake provider,
which answers ``echo: <text>`` and sleeps N s for ``[[sleep:N]]``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import threading
import time
from typing import Any, Callable, List

import pytest

import openclaw_client as oc

pytestmark = pytest.mark.real_gateway


def real() -> oc.Client:
    return oc.Client(
        os.environ["OPENCLAW_REAL_GATEWAY_URL"], os.environ["OPENCLAW_REAL_GATEWAY_TOKEN"]
    )


def test_real_chat_and_stream() -> None:
    with real() as c:
        assert c.chat("hello from python").text == "echo: hello from python"
        with c.chat_stream("stream from python", include_usage=True) as s:
            events = list(s)
        text = "".join(e.text for e in events if e.kind == oc.EventKind.CONTENT)
        assert text == "echo: stream from python"
        assert events[-1].kind == oc.EventKind.DONE
        assert any(e.kind == oc.EventKind.USAGE and e.usage.total_tokens > 0 for e in events)


def test_real_probes_and_capabilities() -> None:
    with real() as c:
        d = c.check_connection()
        assert d.ok, d.text
        want = os.environ.get("OPENCLAW_REAL_GATEWAY_VERSION")
        caps = c.capabilities()
        assert caps.chat_completions is True and caps.responses is True
        if want:
            assert caps.version == want
        assert c.health() is True
        assert "openclaw" in c.models()
        result = c.invoke_tool("sessions_list", {})
        assert isinstance(result, dict) and "content" in result


def test_real_wrong_token_and_disabled_endpoint() -> None:
    with oc.Client(os.environ["OPENCLAW_REAL_GATEWAY_URL"], "wrong-token") as c:
        with pytest.raises(oc.UnauthorizedError) as e:
            c.chat("hi")
        assert e.value.status == 401
    disabled = os.environ.get("OPENCLAW_REAL_GATEWAY_DISABLED_URL")
    if disabled:
        with oc.Client(disabled, os.environ["OPENCLAW_REAL_GATEWAY_TOKEN"]) as c:
            with pytest.raises(oc.NotEnabledError):
                c.chat("hi")
            assert c.check_connection().code == oc.DiagnosisCode.ENDPOINT_DISABLED


def test_real_async_stream_cancelled_mid_turn() -> None:
    """The model sleeps 12 s after the role event; cancelling the task ends the call at once."""

    async def main() -> float:
        async with oc.AsyncClient(real()) as c:
            first = asyncio.Event()

            async def consume() -> None:
                async with await c.chat_stream("slow [[sleep:12]]") as s:
                    async for _ in s:
                        first.set()

            task = asyncio.create_task(consume())
            await asyncio.wait_for(first.wait(), 60)
            start = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return time.monotonic() - start

    took = asyncio.run(main())
    # Not a performance bound: without a working cancel the call would run out the 12 s sleep.
    assert took < 6, f"the cancelled stream took {took:.1f} s to stop"


# -- WebSocket control plane --------------------------------------------------------------

ALL_SCOPES = ["operator.read", "operator.write", "operator.admin", "operator.approvals"]
_unique = itertools.count()


def unique(tag: str) -> str:
    """A session key no other test (or earlier run against the same gateway) used."""
    return f"py-{tag}-{time.time_ns() % 1_000_000_007}-{next(_unique)}"


def real_ws(**options: Any) -> oc.WsConnection:
    with real() as c:  # the connection outlives the client it was opened with
        return c.ws_connect(**options)


def wait_event(ws: oc.WsConnection, seconds: float, match: Callable[[oc.WsEvent], bool]) -> Any:
    """The first event matching ``match`` within ``seconds`` (fails the test otherwise)."""
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        assert left > 0, f"no matching event within {seconds} s"
        ev = ws.next_event(left)
        if ev is not None and match(ev):
            return ev


def test_real_ws_hello_shows_protocol_4_and_the_server_version() -> None:
    with real_ws(scopes=ALL_SCOPES) as ws:
        h = ws.hello
        assert h.protocol == 4
        want = os.environ.get("OPENCLAW_REAL_GATEWAY_VERSION")
        if want:
            assert h.server_version == want
        else:
            assert h.server_version
        assert h.scopes == tuple(ALL_SCOPES) and h.role == "operator"
        assert "chat.send" in h.methods and "exec.approval.requested" in h.events
        assert h.max_payload == 26214400 and h.tick_interval == 30.0
        assert ws.health()["ok"] is True
        with pytest.raises(oc.WsRpcError) as e:
            ws.call("sessions.list", {"limit": 1, "bogusField": True})
        assert e.value.error_type == "INVALID_REQUEST" and "bogusField" in e.value.message


def test_real_ws_refusals_are_typed() -> None:
    with oc.Client(os.environ["OPENCLAW_REAL_GATEWAY_URL"], "wrong-token") as c:
        with pytest.raises(oc.WsAuthError) as e:
            c.ws_connect()
    assert e.value.error_type == "AUTH_TOKEN_MISMATCH"
    assert "update_auth_credentials" in e.value.message
    with real_ws(scopes=["operator.read", "operator.write"]) as ws:
        with pytest.raises(oc.WsMissingScopeError) as m:
            ws.approval_list()
        assert m.value.scope == "operator.approvals"
        assert ws.sessions_list(limit=1)["sessions"] is not None  # still usable


def test_real_ws_chat_run_gives_the_http_reply() -> None:
    msg = f"same answer {unique('m')}"
    with real() as c:
        http = c.chat(msg, session_key=unique("http-eq")).text
    with real_ws() as ws, ws.chat_run(unique("ws-eq"), msg) as run:
        deltas = ""
        for ev in run:
            if isinstance(ev, oc.WsRunDelta):
                deltas = ev.text if ev.replace else deltas + ev.text
        last = ev
    assert http == f"echo: {msg}"
    assert isinstance(last, oc.WsRunFinal) and last.text == http
    assert deltas == http and run.text == http
    assert run.ended == oc.WsRunEnd.FINAL and run.stop_reason == "stop"


def test_real_ws_abort_during_a_slow_run_ends_it_aborted() -> None:
    session = unique("abort")
    with real_ws() as ws:
        with ws.chat_run(session, "slow one [[sleep:8]]") as run:
            results: List[bool] = []

            def abort() -> None:
                time.sleep(0.3)  # let the model call start (the model then sleeps 8 s)
                results.append(run.abort())

            t = threading.Thread(target=abort)
            for ev in run:
                if isinstance(ev, oc.WsRunStatus) and ev.phase == "starting_model":
                    t.start()
            t.join(60)
        assert results == [True]
        assert isinstance(ev, oc.WsRunAborted) and ev.stop_reason == "rpc"
        assert run.ended == oc.WsRunEnd.ABORTED
        # The run really stopped: after the model's sleep the history holds only the user
        # turn and the session says its last run was aborted.
        time.sleep(8)
        h = ws.chat_history(session, limit=10)
        assert [m["role"] for m in h["messages"]] == ["user"], h
        assert h["sessionInfo"]["abortedLastRun"] is True, h["sessionInfo"]
        assert h["sessionInfo"]["hasActiveRun"] is False
        assert ws.chat_abort(session) is False  # nothing left to abort: not an error


def test_real_ws_sessions_list_and_history_see_the_session() -> None:
    session = unique("listed")
    with real_ws() as ws:
        with ws.chat_run(session, "list me") as run:
            assert run.collect() == "echo: list me"
        rows = ws.sessions_list(search=session)["sessions"]
        assert any(r["key"] == f"agent:main:{session}" for r in rows), rows
        h = ws.chat_history(session, limit=10)
        msgs = h["messages"]
        assert [m["role"] for m in msgs] == ["user", "assistant"], msgs
        assert msgs[0]["content"] == "list me"
        assert "echo: list me" in json.dumps(msgs[1]["content"])
        assert "main" in json.dumps(ws.agents_list())
        assert "echo-1" in json.dumps(ws.models_list())


def test_real_ws_sees_an_http_chat_on_a_subscribed_session() -> None:
    session = unique("http-seen")
    with real_ws() as ws:
        ws.sessions_subscribe()
        ws.sessions_messages_subscribe(session)
        with real() as c:
            assert c.chat("hi from http", session_key=session).text == "echo: hi from http"
        key = f"agent:main:{session}"
        m = wait_event(
            ws,
            30,
            lambda e: isinstance(e, oc.WsSessionMessage)
            and e.session_key == key
            and e.role == "assistant",
        )
        assert m.text == "echo: hi from http"


def test_real_ws_exec_approval_allow_once_runs_the_command() -> None:
    # Approvals of agent runs reach only connections holding operator.admin as well.
    session = unique("exec")
    with real_ws(scopes=ALL_SCOPES) as ws:
        run = ws.chat_run(session, 'please run [[tool:exec:{"command":"echo hi"}]]')
        with run:
            req = wait_event(
                ws,
                60,
                lambda e: isinstance(e, oc.WsApprovalRequested) and e.run_id == run.run_id,
            )
            assert req.command == "echo hi" and "allow-once" in req.allowed_decisions
            assert any(p["id"] == req.approval_id for p in ws.approval_list())
            ws.approval_resolve(req.approval_id, oc.ApprovalDecision.ALLOW_ONCE)
            done = wait_event(
                ws,
                30,
                lambda e: isinstance(e, oc.WsApprovalResolved)
                and e.approval_id == req.approval_id,
            )
            assert done.decision == "allow-once"
            with pytest.raises(oc.WsRpcError) as e:
                ws.approval_resolve(req.approval_id, oc.ApprovalDecision.DENY)
            assert e.value.error_type == "APPROVAL_ALREADY_RESOLVED"
            events = list(run)
        tools = [ev for ev in events if isinstance(ev, oc.WsRunAgent) and ev.stream == "tool"]
        assert any(ev.phase == "result" and ev.text == "exec" for ev in tools), tools
        assert run.ended == oc.WsRunEnd.FINAL and run.text == "tool result: hi"


def test_real_ws_async_chat_run_and_cancelled_run() -> None:
    msg = f"async ws {unique('m')}"
    session = unique("async-cancel")

    async def main() -> oc.AsyncWsChatRun:
        async with oc.AsyncClient(real()) as client:
            async with await client.ws_connect() as ws:
                async with await ws.chat_run(unique("async"), msg) as run:
                    assert await run.collect() == f"echo: {msg}"
                    assert run.ended == oc.WsRunEnd.FINAL
                started = asyncio.Event()
                holder: List[oc.AsyncWsChatRun] = []

                async def consume() -> None:
                    async with await ws.chat_run(session, "slow async [[sleep:8]]") as r:
                        holder.append(r)
                        async for ev in r:
                            if isinstance(ev, oc.WsRunStatus) and ev.phase == "starting_model":
                                started.set()

                task = asyncio.create_task(consume())
                await asyncio.wait_for(started.wait(), 60)
                await asyncio.sleep(0.3)  # let the model call start
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
                return holder[0]

    cancelled = asyncio.run(main())
    # Cancelling the task aborted the run on the gateway: its stream ended aborted.
    assert cancelled.ended == oc.WsRunEnd.ABORTED and cancelled.stop_reason == "rpc"
