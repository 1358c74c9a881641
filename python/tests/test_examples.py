"""The examples in python/examples (the README's Python examples) run against the mock."""

from __future__ import annotations

import os
import subprocess
import sys

from mock_gateway import MockGateway, dead_url

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
