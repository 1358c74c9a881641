"""Against a real OpenClaw gateway (scripts/real-gateway.sh start prints the variables).

Deselected when OPENCLAW_REAL_GATEWAY_URL / _TOKEN are unset; when they are set, every test here
runs and fails if the gateway misbehaves. The gateway's model is the project's fake provider,
which answers ``echo: <text>`` and sleeps N s for ``[[sleep:N]]``.
"""

from __future__ import annotations

import asyncio
import os
import time

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
