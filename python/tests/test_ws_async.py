"""The asyncio WebSocket client (AsyncClient.ws_connect) against the scripted mock gateway;
each test runs its own event loop (asyncio.run)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Dict, List

import pytest

import openclaw_client as oc
from ws_mock import Side, WsMock, abortable_run, chat_events, serving


def live_threads(name: str) -> List[threading.Thread]:
    """Threads called ``name`` still running after each was given up to 5 s to end."""
    for t in threading.enumerate():
        if t.name == name:
            t.join(5)
    return [t for t in threading.enumerate() if t.name == name and t.is_alive()]


async def connect(m: WsMock, **options: Any) -> oc.AsyncWsConnection:
    client = await oc.AsyncClient.create(m.url, "tok")
    return await client.ws_connect(**options)


def test_async_requests_and_hello(ws_gateway) -> None:
    def history(side: Side, req: Dict[str, Any]) -> None:
        side.reply(req, {"messages": [{"role": "user", "content": "hi"}]})

    m = ws_gateway(serving({"chat.history": history}))

    async def main() -> None:
        ws = await connect(m, scopes=["operator.read"])
        async with ws:
            assert ws.hello.protocol == 4 and ws.hello.scopes == ("operator.read",)
            assert await ws.call("x.y", {"a": 1}) == {"echo": {"a": 1}}
            assert (await ws.chat_history("k", 3))["messages"][0]["content"] == "hi"
            assert await ws.sessions_list(limit=1) == {"echo": {"limit": 1}}
            assert await ws.health() == {"echo": {}}
            await ws.approval_resolve("ap", oc.ApprovalDecision.ALLOW_ONCE)
            assert isinstance(ws.sync, oc.WsConnection)
        assert ws.closed
        await ws.aclose()  # twice is harmless

    asyncio.run(main())
    assert m.request("chat.history")["params"] == {"sessionKey": "k", "limit": 3}
    assert m.request("exec.approval.resolve")["params"] == {"id": "ap", "decision": "allow-once"}


def test_async_errors_are_typed(ws_gateway) -> None:
    def forbidden(side: Side, req: Dict[str, Any]) -> None:
        side.fail(
            req,
            {
                "code": "FORBIDDEN",
                "message": "missing scope: operator.write",
                "details": {"code": "MISSING_SCOPE", "missingScope": "operator.write"},
            },
        )

    m = ws_gateway(serving({"chat.send": forbidden}))

    async def main() -> None:
        async with await connect(m) as ws:
            with pytest.raises(oc.WsMissingScopeError) as e:
                await ws.chat_run("k", "hi")
            assert e.value.scope == "operator.write"

    asyncio.run(main())


def test_async_chat_run_streams_deltas_to_the_final_reply(ws_gateway) -> None:
    m = ws_gateway(serving({"chat.send": lambda s, r: chat_events(s, r, ["echo:", " async"])}))

    async def main() -> None:
        async with await connect(m) as ws:
            async with await ws.chat_run("main", "async") as run:
                events = [ev async for ev in run]
                assert run.text == "echo: async"
                assert run.ended == oc.WsRunEnd.FINAL and run.stop_reason == "stop"
                assert run.run_id == m.request("chat.send")["params"]["idempotencyKey"]
                assert run.session_key == "main"
            assert [e.text for e in events if isinstance(e, oc.WsRunDelta)] == ["echo:", " async"]
            assert isinstance(events[-1], oc.WsRunFinal)
            # The connection's events, asynchronously: the same run as chat events.
            states = []
            while True:
                ev = await ws.next_event(timeout=5)
                assert ev is not None
                if isinstance(ev, oc.WsChatEvent):
                    states.append(ev.state)
                    if ev.state == "final":
                        break
            assert states == ["status", "status", "delta", "delta", "final"]
            assert await ws.next_event(timeout=0.05) is None

    asyncio.run(main())
    assert live_threads("openclaw-ws-run") == []


def test_cancelling_the_task_that_iterates_a_run_aborts_it(ws_gateway) -> None:
    m = ws_gateway(serving({"chat.send": abortable_run}))
    holder: List[oc.AsyncWsChatRun] = []

    async def main() -> None:
        async with await connect(m) as ws:
            got_delta = asyncio.Event()

            async def consume() -> None:
                async with await ws.chat_run("cancel-me", "slow") as run:
                    holder.append(run)
                    async for ev in run:
                        if isinstance(ev, oc.WsRunDelta):
                            got_delta.set()

            task = asyncio.create_task(consume())
            await asyncio.wait_for(got_delta.wait(), 30)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # The abort was answered before the task saw CancelledError.
            assert "chat.abort" in m.methods()
            assert await ws.call("still.usable") == {"echo": {}}

    asyncio.run(main())
    run = holder[0]
    assert m.request("chat.abort")["params"] == {"sessionKey": "cancel-me", "runId": run.run_id}
    assert run.ended == oc.WsRunEnd.ABORTED and run.stop_reason == "rpc"
    assert run.text == "partial"
    assert live_threads("openclaw-ws-run") == []


def test_async_abort_and_collect(ws_gateway) -> None:
    m = ws_gateway(serving({"chat.send": abortable_run}))

    async def main() -> None:
        async with await connect(m) as ws:
            run = await ws.chat_run("k", "slow")
            first = await run.__anext__()
            assert isinstance(first, oc.WsRunStatus)
            assert await run.abort() is True
            assert await run.collect() == "partial"
            assert run.ended == oc.WsRunEnd.ABORTED
            await run.aclose()
            await run.aclose()

    asyncio.run(main())


def test_cancelled_while_opening_the_run_is_aborted_once_open(ws_gateway) -> None:
    def held(side: Side, req: Dict[str, Any]) -> None:
        release = side.recv()  # the ack waits for the client's "release"
        assert release is not None and release["method"] == "release"
        side.reply(release, {})
        side.reply(req, {"runId": req["params"]["idempotencyKey"], "status": "started"})

    m = ws_gateway(serving({"chat.send": held}))

    async def main() -> None:
        async with await connect(m) as ws:
            task = asyncio.create_task(ws.chat_run("k", "never mind"))
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, m.wait_request, "chat.send")
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await ws.call("release")
            await loop.run_in_executor(None, m.wait_request, "chat.abort")

    asyncio.run(main())
    send = m.request("chat.send")["params"]
    assert m.request("chat.abort")["params"] == {
        "sessionKey": "k",
        "runId": send["idempotencyKey"],
    }


def test_a_cancelled_next_event_loses_no_event(ws_gateway) -> None:
    def emit(side: Side, req: Dict[str, Any]) -> None:
        side.event("tick", {"ts": 1})
        side.event("tick", {"ts": 2})
        side.reply(req, {})

    m = ws_gateway(serving({"emit": emit}))

    async def main() -> None:
        async with await connect(m) as ws:
            waiting = asyncio.create_task(ws.next_event())
            await asyncio.sleep(0)  # let it ask for an event
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            await ws.call("emit")
            a = await ws.next_event(timeout=5)
            b = await ws.next_event(timeout=5)
            assert isinstance(a, oc.WsTick) and isinstance(b, oc.WsTick)
            assert [a.payload["ts"], b.payload["ts"]] == [1, 2]

    asyncio.run(main())


def test_the_loop_runs_while_a_request_waits(ws_gateway) -> None:
    pending: List[Dict[str, Any]] = []

    def slow(side: Side, req: Dict[str, Any]) -> None:
        pending.append(req)  # answered only when "release" comes

    def release(side: Side, req: Dict[str, Any]) -> None:
        side.reply(pending[0], {"slow": "done"})
        side.reply(req, {})

    m = ws_gateway(serving({"slow": slow, "release": release}))

    async def main() -> None:
        async with await connect(m) as ws:
            slow_call = asyncio.create_task(ws.call("slow", timeout=0))
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, m.wait_request, "slow")
            # The loop is free: other requests complete while "slow" waits.
            assert await ws.call("fast") == {"echo": {}}
            assert not slow_call.done()
            await ws.call("release")
            assert await slow_call == {"slow": "done"}

    asyncio.run(main())


def test_async_events_end_on_close_and_raise_when_lost(ws_gateway) -> None:
    def script(index: int, side: Side) -> None:
        side.handshake()
        if index == 0:
            side.event("tick", {"ts": 1})
            side.serve({})
        else:
            side.event("tick", {"ts": 2})
            req = side.recv()
            assert req is not None
            side.drop()

    m = ws_gateway(script)

    async def main() -> None:
        ws = await connect(m)
        seen = []
        async for ev in ws:
            seen.append(ev)
            await ws.aclose()  # iteration then ends quietly
        assert [type(e) for e in seen] == [oc.WsTick]

        ws2 = await connect(m)
        with pytest.raises(oc.WsDisconnectedError):
            await ws2.call("hang")
        seen2 = []
        with pytest.raises(oc.WsDisconnectedError):
            async for ev in ws2:
                seen2.append(ev)
        assert [type(e) for e in seen2] == [oc.WsTick]
        with pytest.raises(oc.WsDisconnectedError):
            await ws2.next_event()
        await ws2.aclose()

    asyncio.run(main())
    assert live_threads("openclaw-ws-events") == []


def test_a_run_cut_by_a_lost_connection_raises_in_async(ws_gateway) -> None:
    def cut(side: Side, req: Dict[str, Any]) -> None:
        chat_events(side, req, ["echo:"], final=False)
        side.drop()

    m = ws_gateway(serving({"chat.send": cut}))

    async def main() -> None:
        async with await connect(m) as ws:
            run = await ws.chat_run("k", "x")
            with pytest.raises(oc.WsDisconnectedError) as e:
                async for _ in run:
                    pass
            assert e.value.partial_text == "echo:"
            assert run.ended == oc.WsRunEnd.ERROR and run.error is e.value
            await run.aclose()

    asyncio.run(main())
