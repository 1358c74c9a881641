"""Sentence chunks for speech over the C chunker (``openclaw_sentence_chunker``).

:func:`sentences` turns a stream (sync or async) of events or text pieces into complete
sentences, each yielded as soon as its end is known; the rules (abbreviations, decimals, URLs,
code blocks, CJK stops, min/max length) are the library's, documented in the Rust ``speech``
module and the README.
"""

from __future__ import annotations

import ctypes
from ctypes import CFUNCTYPE, c_bool, c_char_p, c_int, c_size_t, c_uint32, c_void_p
from typing import AsyncIterable, AsyncIterator, Iterable, Iterator, List, Union, overload

from ._errors import check
from ._lib import lib
from ._types import EventKind, StreamEvent

_SENTENCE_CB = CFUNCTYPE(c_int, c_void_p, c_void_p, c_size_t, c_bool)

for _name, _res, _args in [
    ("openclaw_sentence_chunker_new", c_void_p, []),
    ("openclaw_sentence_chunker_set_min_chars", c_uint32, [c_void_p, c_size_t]),
    ("openclaw_sentence_chunker_set_max_chars", c_uint32, [c_void_p, c_size_t]),
    ("openclaw_sentence_chunker_set_code_blocks", c_uint32, [c_void_p, c_uint32]),
    ("openclaw_sentence_chunker_push", c_uint32, [c_void_p, c_char_p, c_size_t, _SENTENCE_CB, c_void_p]),
    ("openclaw_sentence_chunker_finish", c_uint32, [c_void_p, _SENTENCE_CB, c_void_p]),
    ("openclaw_sentence_chunker_free", None, [c_void_p]),
]:
    _fn = getattr(lib, _name)
    _fn.restype = _res
    _fn.argtypes = _args

Piece = Union[str, StreamEvent]


class SentenceChunker:
    """Push text pieces, get complete sentences back (a thin owner of the C chunker).

    Args:
        min_chars: sentences shorter than this are joined with the next (0: never).
        max_chars: longer sentences are cut at a clause boundary or a space (0: no limit).
        emit_code: hand fenced code blocks over whole instead of skipping them.

    Not thread-safe: use one chunker from one thread (or task) at a time.
    """

    def __init__(self, min_chars: int = 0, max_chars: int = 400, emit_code: bool = False) -> None:
        self._ptr = lib.openclaw_sentence_chunker_new()
        if not self._ptr:
            raise MemoryError("openclaw_sentence_chunker_new failed")
        self._out: List[str] = []

        def on_sentence(_ud: object, text: int, length: int, _code: bool) -> int:
            self._out.append(ctypes.string_at(text, length).decode())
            return 0

        self._cb = _SENTENCE_CB(on_sentence)
        check(lib.openclaw_sentence_chunker_set_min_chars(self._ptr, min_chars))
        check(lib.openclaw_sentence_chunker_set_max_chars(self._ptr, max_chars))
        check(lib.openclaw_sentence_chunker_set_code_blocks(self._ptr, 1 if emit_code else 0))

    def _take(self) -> List[str]:
        out, self._out = self._out, []
        return out

    def push(self, text: str) -> List[str]:
        """Adds a piece of text; returns the sentences it completed."""
        data = text.encode()
        check(lib.openclaw_sentence_chunker_push(self._ptr, data, len(data), self._cb, None))
        return self._take()

    def finish(self) -> List[str]:
        """Ends the text (end of stream or cancel); returns the rest. The chunker can be reused."""
        check(lib.openclaw_sentence_chunker_finish(self._ptr, self._cb, None))
        return self._take()

    def close(self) -> None:
        """Frees the C chunker (idempotent)."""
        if self._ptr:
            lib.openclaw_sentence_chunker_free(self._ptr)
            self._ptr = None

    def __del__(self) -> None:
        self.close()


def _text_of(piece: Piece) -> str:
    if isinstance(piece, str):
        return piece
    return piece.text if piece.kind == EventKind.CONTENT else ""


def _sync(stream: Iterable[Piece], chunker: SentenceChunker) -> Iterator[str]:
    try:
        for piece in stream:
            text = _text_of(piece)
            if text:
                yield from chunker.push(text)
        yield from chunker.finish()
    finally:
        chunker.close()


async def _async(stream: AsyncIterable[Piece], chunker: SentenceChunker) -> AsyncIterator[str]:
    try:
        async for piece in stream:
            text = _text_of(piece)
            if text:
                for s in chunker.push(text):
                    yield s
        for s in chunker.finish():
            yield s
    finally:
        chunker.close()


@overload
def sentences(stream: AsyncIterable[Piece], *, min_chars: int = ..., max_chars: int = ..., emit_code: bool = ...) -> AsyncIterator[str]: ...
@overload
def sentences(stream: Iterable[Piece], *, min_chars: int = ..., max_chars: int = ..., emit_code: bool = ...) -> Iterator[str]: ...
def sentences(
    stream: Union[Iterable[Piece], AsyncIterable[Piece]],
    *,
    min_chars: int = 0,
    max_chars: int = 400,
    emit_code: bool = False,
) -> Union[Iterator[str], AsyncIterator[str]]:
    """The sentences of a stream, each yielded as soon as it is complete.

    ``stream`` is a :class:`~openclaw_client.ChatStream` or
    :class:`~openclaw_client.AsyncChatStream` (its CONTENT events are used) or any iterable or
    async iterable of ``str`` pieces. An async stream gives an async iterator
    (``async for s in sentences(stream)``), a sync one a plain iterator. The tail is yielded
    when the stream ends; when the stream raises (failure, cancel), the exception propagates
    and the unfinished tail is dropped.
    """
    chunker = SentenceChunker(min_chars, max_chars, emit_code)
    if hasattr(stream, "__aiter__"):
        return _async(stream, chunker)  # type: ignore[arg-type]
    return _sync(stream, chunker)



