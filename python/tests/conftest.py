"""Fixtures: a mock gateway per test, a clean discovery environment, and the real-gateway
marker (tests marked ``real_gateway`` are deselected unless OPENCLAW_REAL_GATEWAY_URL and
OPENCLAW_REAL_GATEWAY_TOKEN are set; when they are set, those tests run and fail for real)."""

from __future__ import annotations

import os
from typing import Callable, Iterator, List

import pytest

from mock_gateway import MockGateway
from ws_mock import Side, WsMock

REAL_VARS = ("OPENCLAW_REAL_GATEWAY_URL", "OPENCLAW_REAL_GATEWAY_TOKEN")


def real_gateway_configured() -> bool:
    """Whether the real-gateway variables are set (scripts/real-gateway.sh start prints them)."""
    return all(os.environ.get(v) for v in REAL_VARS)


def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    if real_gateway_configured():
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("real_gateway") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def clean_discovery(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's gateway settings."""
    for var in (
        "OPENCLAW_GATEWAY_URL",
        "OPENCLAW_GATEWAY_TOKEN",
        "OPENCLAW_GATEWAY_PASSWORD",
        "OPENCLAW_GATEWAY_PORT",
        "OPENCLAW_STATE_DIR",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("OPENCLAW_CONFIG_PATH", "/nonexistent/openclaw.json")


@pytest.fixture
def gw() -> Iterator[MockGateway]:
    """A mock gateway with token ``tok`` and both endpoints on."""
    g = MockGateway()
    yield g
    g.stop()


@pytest.fixture
def disabled_gw() -> Iterator[MockGateway]:
    """A mock gateway whose /v1 endpoints are disabled (plain-text 404, as the real one)."""
    g = MockGateway(chat_enabled=False)
    yield g
    g.stop()


@pytest.fixture
def ws_gateway() -> Iterator[Callable[[Callable[[int, Side], None]], WsMock]]:
    """``ws_gateway(script)`` starts a mock WebSocket gateway running ``script(index, side)``
    per connection (see ws_mock.py); stops them after the test and fails it when a script
    failed (its asserts on what the client sent)."""
    mocks: List[WsMock] = []

    def make(script: Callable[[int, Side], None]) -> WsMock:
        m = WsMock(script)
        mocks.append(m)
        return m

    yield make
    for m in mocks:
        m.stop()
    for m in mocks:
        assert not m.errors, f"the mock's script failed: {m.errors!r}"
