"""The examples in python/examples (the README's Python examples) run against the mock."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any, Dict

from mock_gateway import MockGateway, dead_url
from ws_mock import Side, abortable_run, chat_events, serving

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples")


def run(name: str, url: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, OPENCLAW_GATEWAY_URL=url, OPENCLAW_GATEWAY_TOKEN="tok")
    env["OPENCLAW_CONFIG_PATH"] = "/nonexistent/openclaw.json"
    return subprocess.run(
        [sys.executable, os.path.join(EXAMPLES, name), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_sync_example(gw: MockGateway) -> None:
    p = run("chat.py", gw.url, "hi", "there")
    assert p.returncode == 0, p.stderr
    assert p.stdout == "echo: hi there\necho: hi there\n[usage: 15 tokens]\n"
    chats = [r.json() for r in gw.requests if r.path == "/v1/chat/completions"]
    assert [c.get("user") for c in chats] == ["example", None]


def test_async_example(gw: MockGateway) -> None:
    p = run("chat_async.py", gw.url, "async hi")
    assert p.returncode == 0, p.stderr
    assert p.stdout == "echo: async hi\n"


def test_examples_fail_cleanly_without_a_gateway() -> None:
    url = dead_url()
    for name in ("chat.py", "chat_async.py"):
        p = run(name, url)
        assert p.returncode == 1
        assert "OPENCLAW_RESULT_CONNECT" in p.stderr and url in p.stderr
        assert "Traceback" not in p.stderr


def approval_run(side: Side, req: Dict[str, Any]) -> None:
    """A run that asks to approve ``echo hi``, then answers as the approval says."""
    p = req["params"]
    run_id, key = p["idempotencyKey"], "agent:main:" + p["sessionKey"]
    side.reply(req, {"runId": run_id, "status": "started"})
    side.event(
        "exec.approval.requested",
        {
            "id": "ap-1",
            "request": {
                "command": "echo hi",
                "allowedDecisions": ["allow-once", "deny"],
                "runId": run_id,
                "sessionKey": key,
            },
        },
    )
    resolve = side.recv()
    assert resolve is not None and resolve["method"] == "exec.approval.resolve", resolve
    side.reply(resolve, {"ok": True})
    side.event("exec.approval.resolved", {"id": "ap-1", "decision": resolve["params"]["decision"]})
    text = "tool result: hi"
    base = {"runId": run_id, "sessionKey": key}
    side.event("chat", dict(base, state="delta", deltaText=text))
    side.event(
        "chat",
        dict(
            base,
            state="final",
            stopReason="stop",
            message={"role": "assistant", "content": [{"type": "text", "text": text}]},
        ),
    )
    side.serve({})


def test_ws_example_streams_aborts_and_approves(ws_gateway) -> None:
    m = ws_gateway(
        serving(
            {
                "chat.send": lambda s, r: (
                    abortable_run(s, r)
                    if r["params"]["sessionKey"] == "slow"
                    else approval_run(s, r)
                    if r["params"]["sessionKey"] == "exec"
                    else chat_events(s, r, ["echo:", " hi", " there"])
                )
            }
        )
    )
    p = run("ws_chat.py", m.url, "hi", "there")
    assert p.returncode == 0, p.stderr
    assert p.stdout == "echo: hi there\n"
    send = m.request("chat.send")["params"]
    assert (send["sessionKey"], send["message"]) == ("main", "hi there")

    p = run("ws_chat.py", m.url, "-s", "slow", "--abort-after", "0.2", "slow one")
    assert p.returncode == 0, p.stderr
    assert p.stdout == "partial\n[aborted]\n"
    assert m.request("chat.abort")["params"]["sessionKey"] == "slow"

    p = run("ws_chat.py", m.url, "-s", "exec", "--approve", "allow-once", "run echo hi")
    assert p.returncode == 0, p.stderr
    assert p.stdout == "tool result: hi\n"
    assert "[allow-once: echo hi]" in p.stderr
    assert m.request("exec.approval.resolve")["params"] == {"id": "ap-1", "decision": "allow-once"}
    connects = [r["params"] for _, r in m.requests if r["method"] == "connect"]
    assert "operator.admin" in connects[-1]["scopes"]


def test_ws_example_fails_cleanly_without_a_gateway() -> None:
    url = dead_url()
    p = run("ws_chat.py", url, "hi")
    assert p.returncode == 1
    assert "OPENCLAW_RESULT_CONNECT" in p.stderr and "Traceback" not in p.stderr
