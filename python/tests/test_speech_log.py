"""Sentences over the C chunker (sync and async) and the log callback forwarded to logging."""

from __future__ import annotations

import asyncio
import logging
from typing import AsyncIterator, List

import pytest

import openclaw_client as oc
from mock_gateway import MockGateway, dead_url


def test_sentences_of_text_pieces_do_not_depend_on_the_chunking() -> None:
    text = "Dr. Smith paid 3.14 €. Visit https://x.org/a?b!c now! ¿Qué? 你好。再见！"
    want = ["Dr. Smith paid 3.14 €.", "Visit https://x.org/a?b!c now!", "¿Qué?", "你好。", "再见！"]
    assert list(oc.sentences([text])) == want
    assert list(oc.sentences(list(text))) == want
    data = text.encode()
    # Pieces split inside multi-byte characters are not possible from Python str, but any
    # split of the str is.
    for cut in range(1, len(text)):
        assert list(oc.sentences([text[:cut], text[cut:]])) == want, cut
    assert data  # the text is not empty


def test_chunker_yields_a_sentence_once_the_next_one_starts() -> None:
    c = oc.SentenceChunker()
    assert c.push("Hello there. ") == []
    assert c.push("How") == ["Hello there."]
    assert c.finish() == ["How"]
    c.close()


def test_min_max_and_code_settings_reach_the_c_chunker() -> None:
    assert list(oc.sentences(["Hi. Ok. Longer one here."], min_chars=7)) == ["Hi. Ok.", "Longer one here."]
    assert list(oc.sentences(["one two three four five six"], max_chars=10)) == ["one two", "three four", "five six"]
    code = "See:\n```\nx = 1. y\n```\nDone."
    assert list(oc.sentences([code])) == ["See:", "Done."]
    assert list(oc.sentences([code], emit_code=True)) == ["See:", "```\nx = 1. y\n```", "Done."]


def test_sentences_over_a_chat_stream(gw: MockGateway) -> None:
    with oc.Client(gw.url, "tok") as client:
        with client.chat_stream("Say two sentences. Please") as stream:
            got = list(oc.sentences(stream))
    assert got and " ".join(got).startswith("echo:")


def test_async_sentences() -> None:
    async def pieces() -> AsyncIterator[str]:
        for p in ["Fir", "st one. Sec", "ond one"]:
            yield p

    async def main() -> List[str]:
        return [s async for s in oc.sentences(pieces())]

    assert asyncio.run(main()) == ["First one.", "Second one"]


def test_library_records_reach_logging_redacted(caplog: pytest.LogCaptureFixture) -> None:
    oc.enable_logging(logging.DEBUG)
    oc.enable_logging(logging.DEBUG)  # idempotent
    caplog.set_level(logging.DEBUG, logger=oc.LOGGER_NAME)
    with oc.Client(dead_url(), "hunter2-token") as client:
        with pytest.raises(oc.ConnectError):
            client.chat("hi")
    records = [r for r in caplog.records if r.name == oc.LOGGER_NAME]
    assert any(r.levelno == logging.DEBUG and "failed" in r.getMessage() for r in records), records
    assert all("hunter2" not in r.getMessage() for r in records)
    assert any(getattr(r, "rust_target").startswith("openclaw_client") for r in records)
