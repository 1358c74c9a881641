"""The blocking Client against the mock gateway."""

from __future__ import annotations

import os
import threading

import pytest

import openclaw_client as oc
from mock_gateway import MockGateway, dead_url


def test_installed_package_carries_the_library() -> None:
    here = os.path.dirname(oc.__file__)
    assert "site-packages" in here, f"tests must import the installed wheel, not {here}"
    assert os.path.exists(os.path.join(here, "libopenclaw_client.so"))
    assert os.path.exists(os.path.join(here, "py.typed"))
    assert oc.library_version() == oc.__version__


def test_chat_returns_the_reply_usage_and_sends_the_token(gw: MockGateway) -> None:
    with oc.Client(gw.url, "tok") as c:
        r = c.chat("hello gateway")
    assert r.text == "echo: hello gateway"
    assert r.finish_reason == "stop"
    assert r.usage == oc.Usage(12, 3, 15)
    assert not r.empty and r.tool_calls == ()
    req = gw.last("/v1/chat/completions")
    assert req.header("authorization") == "Bearer tok"
    body = req.json()
    assert body["stream"] is False
    assert body["messages"] == [{"role": "user", "content": "hello gateway"}]


def test_chat_sends_system_history_and_session(gw: MockGateway) -> None:
    with oc.Client(gw.url, "tok") as c:
        c.chat(
            [
                {"role": "assistant", "content": "earlier"},
                {"role": oc.Role.USER, "content": "now"},
            ],
            system="be brief",
            user="kitchen",
            session_key="agent:main:ha",
            temperature=0.5,
        )
    req = gw.last("/v1/chat/completions")
    body = req.json()
    assert [m["role"] for m in body["messages"]] == ["system", "assistant", "user"]
    assert body["messages"][0]["content"] == "be brief"
    assert body["user"] == "kitchen"
    assert body["temperature"] == 0.5
    assert req.header("x-openclaw-session-key") == "agent:main:ha"


def test_stream_yields_copied_events_in_order(gw: MockGateway) -> None:
    with oc.Client(gw.url, "tok") as c:
        with c.chat_stream("stream me please", include_usage=True) as s:
            events = list(s)
            assert s.text == "echo: stream me please"
            assert list(s) == []  # ended: nothing more
    kinds = [e.kind for e in events]
    assert kinds[0] == oc.EventKind.ROLE and events[0].text == "assistant"
    assert kinds[-3:] == [oc.EventKind.FINISH, oc.EventKind.USAGE, oc.EventKind.DONE]
    content = [e.text for e in events if e.kind == oc.EventKind.CONTENT]
    # Each event is a copy: the texts stay intact after later stream_next calls.
    assert content == ["echo:", " stream", " me", " please"]
    assert events[-3].text == "stop"
    assert events[-2].usage == oc.Usage(12, 3, 15)
    assert events[-1].empty is False
    assert gw.last().json()["stream_options"] == {"include_usage": True}


def test_cancel_token_stops_a_stream_from_another_thread(gw: MockGateway) -> None:
    c = oc.Client(gw.url, "tok")
    token = oc.CancelToken()
    with c.chat_stream("stall", cancel=token) as s:
        first = [next(s), next(s)]
        assert first[1].text == "thinking..."
        threading.Timer(0.2, token.cancel).start()
        with pytest.raises(oc.CancelledError) as e:
            next(s)
    assert e.value.code == oc.ResultCode.CANCELLED
    assert e.value.partial_text == "thinking..."
    assert token.cancelled
    assert gw.stall_closed.wait(5), "the gateway never saw the connection close"
    token.close()
    c.close()


def test_leaving_a_stream_early_closes_the_connection(gw: MockGateway) -> None:
    with oc.Client(gw.url, "tok") as c:
        with c.chat_stream("stall") as s:
            for ev in s:
                if ev.kind == oc.EventKind.CONTENT:
                    break
        assert gw.stall_closed.wait(5), "closing the stream must close its connection"


def test_idle_timeout_keeps_the_partial_text(gw: MockGateway) -> None:
    with oc.Client(gw.url, "tok") as c:
        with c.chat_stream("stall", idle_timeout=0.3) as s:
            with pytest.raises(oc.RequestTimeoutError) as e:
                for _ in s:
                    pass
    assert isinstance(e.value, TimeoutError)
    assert e.value.partial_text == "thinking..."
    assert "idle" in e.value.message


def test_wrong_token_raises_unauthorized(gw: MockGateway) -> None:
    with oc.Client(gw.url, "wrong") as c:
        with pytest.raises(oc.UnauthorizedError) as e:
            c.chat("hi")
        assert e.value.status == 401
        assert e.value.error_type == "unauthorized"
        assert "wrong" not in str(e.value)  # the secret never appears
        with pytest.raises(oc.UnauthorizedError):
            c.chat_stream("hi")  # raised when opening, before any event
        d = c.check_connection()
        assert d.code == oc.DiagnosisCode.UNAUTHORIZED and not d.ok


def test_disabled_endpoint_raises_not_enabled(disabled_gw: MockGateway) -> None:
    with oc.Client(disabled_gw.url, "tok") as c:
        with pytest.raises(oc.NotEnabledError) as e:
            c.chat("hi")
        assert e.value.status == 404
        assert "chatCompletions" in e.value.message  # names the config key
        with pytest.raises(oc.NotEnabledError):
            c.chat_stream("hi")
        d = c.check_connection()
        assert d.code == oc.DiagnosisCode.ENDPOINT_DISABLED
        assert d.chat_enabled is False
        caps = c.capabilities()
        assert caps.chat_completions is False and caps.version == "2026.9.6"


def test_unreachable_gateway_raises_connect_error() -> None:
    url = dead_url()
    with oc.Client(url, connect_timeout=2) as c:
        with pytest.raises(oc.ConnectError) as e:
            c.chat("hi")
        assert isinstance(e.value, ConnectionError)
        assert e.value.status is None
        with pytest.raises(oc.ConnectError):
            c.chat_stream("hi")
        d = c.check_connection()
        assert d.code == oc.DiagnosisCode.UNREACHABLE
        assert url in d.summary
        with pytest.raises(oc.ConnectError):
            c.capabilities()


def test_rate_limit_carries_retry_after(gw: MockGateway) -> None:
    with oc.Client(gw.url, "tok", max_retries=0) as c:
        with pytest.raises(oc.RateLimitedError) as e:
            c.chat("ratelimit")
    assert e.value.status == 429
    assert e.value.retry_after == 120.0
    assert e.value.error_type == "rate_limited"


def test_discovery_from_the_environment(gw: MockGateway, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENCLAW_GATEWAY_URL", gw.url)
    monkeypatch.setenv("OPENCLAW_GATEWAY_TOKEN", "tok")
    with oc.Client() as c:
        assert c.base_url == gw.url
        assert "OPENCLAW_GATEWAY_URL" in c.discovery_text
        assert "tok" not in c.discovery_text.replace("token", "")
        assert c.chat("found you").text == "echo: found you"
    assert gw.last().header("authorization") == "Bearer tok"


def test_an_explicit_url_never_gets_the_discovered_token(
    gw: MockGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENCLAW_GATEWAY_TOKEN", "tok")
    with oc.Client(url=gw.url) as c:
        assert c.discovery_text == ""
        with pytest.raises(oc.UnauthorizedError):
            c.chat("hi")
    assert gw.last().header("authorization") is None


def test_models_probes_diagnosis_and_capabilities(gw: MockGateway) -> None:
    with oc.Client(gw.url, "tok") as c:
        assert c.models() == ["openclaw", "openclaw/main"]
        assert c.health() is True
        assert c.ready() == oc.Readiness(True, [])
        assert c.startup() == oc.Startup("started", "2026.9.6")
        d = c.check_connection()
        assert d.ok and d.version == "2026.9.6" and d.chat_enabled is True
        assert d.summary.startswith("ok: OpenClaw gateway 2026.9.6")
        caps = c.capabilities()
        assert caps == oc.Capabilities("2026.9.6", True, True)
    # The diagnosis never runs an agent turn: no valid chat request was sent.
    chats = [r.json() for r in gw.requests if r.path == "/v1/chat/completions"]
    assert all(not b.get("messages") for b in chats)


def test_responses_and_tools(gw: MockGateway) -> None:
    with oc.Client(gw.url, "tok") as c:
        r = c.responses("hi there", instructions="be kind")
        assert r.output_text == "echo: hi there"
        assert r.status == "completed" and r.id == "resp_1"
        assert r.usage == oc.Usage(7, 2, 9)
        assert gw.last("/v1/responses").json()["instructions"] == "be kind"
        result = c.invoke_tool("sessions_list", {"limit": 2}, session_key="main")
        assert result == {"tool": "sessions_list", "args": {"limit": 2}}
        assert gw.last("/tools/invoke").json()["sessionKey"] == "main"
        with pytest.raises(oc.NotFoundError) as e:
            c.invoke_tool("no_such_tool")
        assert e.value.error_type == "not_found"
        assert "Tool not available" in e.value.message


def test_tool_calls_whole_and_streamed(gw: MockGateway) -> None:
    tool = {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    }
    with oc.Client(gw.url, "tok") as c:
        r = c.chat("use a tool", tools=[tool])
        assert r.finish_reason == "tool_calls"
        assert r.tool_calls == (oc.ToolCall("call_1", "get_weather", '{"city":"Paris"}'),)
        sent = gw.last("/v1/chat/completions").json()["tools"]
        assert sent[0]["function"]["name"] == "get_weather"
        assert sent[0]["function"]["parameters"]["properties"]["city"] == {"type": "string"}
        with c.chat_stream("use a tool", tools=[tool]) as s:
            calls = [e for e in s if e.kind == oc.EventKind.TOOL_CALL]
    assert [(e.tool_index, e.tool_id, e.tool_name) for e in calls] == [
        (0, "call_1", "get_weather"),
        (0, None, None),
    ]
    assert "".join(e.text for e in calls) == '{"city":"Paris"}'


def test_invalid_arguments_raise_value_errors(gw: MockGateway) -> None:
    with pytest.raises(oc.InvalidArgumentError) as e:
        oc.Client("not a url", "tok")
    assert isinstance(e.value, ValueError)
    assert e.value.code == oc.ResultCode.INVALID_ARGUMENT
    with oc.Client(gw.url, "tok") as c:
        with pytest.raises(ValueError):
            c.chat("nul \0 inside")
        with pytest.raises(oc.InvalidArgumentError):
            c.chat("hi", session_key="subagent:x")  # reserved namespace
        with pytest.raises(ValueError):
            c.chat([{"role": "wizard", "content": "hi"}])
    assert all(r.path != "/v1/chat/completions" for r in gw.requests)


def test_close_waits_for_calls_in_flight(gw: MockGateway) -> None:
    c = oc.Client(gw.url, "tok")
    token = oc.CancelToken()
    outcome: list = []

    def call() -> None:
        try:
            c.chat("stall", cancel=token)
        except oc.OpenClawError as e:
            outcome.append(e)

    t = threading.Thread(target=call)
    t.start()
    assert gw.stall_started.wait(5)
    c.close()  # the call still holds the client: it must not be freed under it
    with pytest.raises(ValueError):
        c.chat("after close")
    token.cancel()
    t.join(10)
    assert not t.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], oc.CancelledError)
    assert gw.stall_closed.wait(5)
    c.close()  # idempotent
