"""AsyncClient against the mock gateway; each test runs its own event loop (asyncio.run)."""

from __future__ import annotations

import asyncio
import threading

import pytest

import openclaw_client as oc
from mock_gateway import MockGateway, dead_url


def stream_threads() -> list:
    """The reader threads still running after each was given up to 5 s to end."""
    for t in threading.enumerate():
        if t.name == "openclaw-stream":
            t.join(5)
    return [t for t in threading.enumerate() if t.name == "openclaw-stream" and t.is_alive()]


def test_async_chat_and_probes(gw: MockGateway) -> None:
    async def main() -> None:
        async with await oc.AsyncClient.create(gw.url, "tok") as c:
            r = await c.chat("hello async")
            assert r.text == "echo: hello async"
            assert await c.health() is True
            assert await c.models() == ["openclaw", "openclaw/main"]
            assert (await c.check_connection()).ok
            assert (await c.capabilities()).chat_completions is True
            assert (await c.responses("via responses")).output_text == "echo: via responses"
            assert (await c.invoke_tool("sessions_list", {"a": 1}))["args"] == {"a": 1}

    asyncio.run(main())


def test_async_stream_yields_every_event(gw: MockGateway) -> None:
    async def main() -> list:
        async with await oc.AsyncClient.create(gw.url, "tok") as c:
            async with await c.chat_stream("stream me async", include_usage=True) as s:
                events = [ev async for ev in s]
                assert s.text == "echo: stream me async"
                return events

    events = asyncio.run(main())
    kinds = [e.kind for e in events]
    assert kinds[0] == oc.EventKind.ROLE
    assert kinds[-3:] == [oc.EventKind.FINISH, oc.EventKind.USAGE, oc.EventKind.DONE]
    assert "".join(e.text for e in events if e.kind == oc.EventKind.CONTENT) == "echo: stream me async"


def test_cancelling_the_task_mid_stream_stops_the_call(gw: MockGateway) -> None:
    async def main() -> None:
        c = await oc.AsyncClient.create(gw.url, "tok")
        got_first = asyncio.Event()
        seen: list = []

        async def consume() -> None:
            async with await c.chat_stream("stall") as s:
                async for ev in s:
                    seen.append(ev.text)
                    if ev.kind == oc.EventKind.CONTENT:
                        got_first.set()

        task = asyncio.create_task(consume())
        await asyncio.wait_for(got_first.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # The reader thread ends by itself once the token fired (no thread left behind).
        assert await asyncio.to_thread(stream_threads) == []
        assert seen == ["assistant", "thinking..."]
        closed = await asyncio.to_thread(gw.stall_closed.wait, 5)
        assert closed, "the gateway never saw the connection close"
        await c.aclose()

    asyncio.run(main())


def test_the_event_loop_runs_while_a_stream_waits(gw: MockGateway) -> None:
    async def main() -> None:
        async with await oc.AsyncClient.create(gw.url, "tok") as c:
            s = await c.chat_stream("stall")
            assert (await s.__anext__()).kind == oc.EventKind.ROLE
            assert (await s.__anext__()).text == "thinking..."
            pending = asyncio.ensure_future(s.__anext__())  # the gateway is silent now
            ticks = 0
            for _ in range(20):
                await asyncio.sleep(0.005)
                ticks += 1
            assert ticks == 20 and not pending.done()
            pending.cancel()
            with pytest.raises(asyncio.CancelledError):
                await pending
            await s.aclose()
        assert await asyncio.to_thread(gw.stall_closed.wait, 5)

    asyncio.run(main())


def test_a_timeout_on_a_non_stream_call_cancels_it(gw: MockGateway) -> None:
    async def main() -> None:
        async with await oc.AsyncClient.create(gw.url, "tok") as c:
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(c.chat("stall"), 0.5)
            # The C call was cancelled through its token: the connection is closed.
            assert await asyncio.to_thread(gw.stall_closed.wait, 5)
            assert (await c.chat("still usable")).text == "echo: still usable"

    asyncio.run(main())


def test_async_errors(gw: MockGateway, disabled_gw: MockGateway) -> None:
    async def main() -> None:
        async with await oc.AsyncClient.create(gw.url, "wrong") as c:
            with pytest.raises(oc.UnauthorizedError):
                await c.chat_stream("hi")
            with pytest.raises(oc.UnauthorizedError):
                await c.chat("hi")
        async with await oc.AsyncClient.create(disabled_gw.url, "tok") as c:
            with pytest.raises(oc.NotEnabledError):
                await c.chat_stream("hi")
        async with await oc.AsyncClient.create(dead_url(), connect_timeout=2) as c:
            with pytest.raises(oc.ConnectError):
                await c.chat("hi")
            assert (await c.check_connection()).code == oc.DiagnosisCode.UNREACHABLE

    asyncio.run(main())
    assert stream_threads() == []


def test_async_discovery(gw: MockGateway, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENCLAW_GATEWAY_URL", gw.url)
    monkeypatch.setenv("OPENCLAW_GATEWAY_TOKEN", "tok")

    async def main() -> str:
        async with await oc.AsyncClient.create() as c:
            return (await c.chat("discovered")).text

    assert asyncio.run(main()) == "echo: discovered"
    assert gw.last().header("authorization") == "Bearer tok"
