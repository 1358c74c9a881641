"""Owned C handles (private): a pointer shared by threads and freed once, after the last call
using it; and the ``with``/garbage-collection protocol of the objects that own one.

Every Python object that owns a C handle (``Client``, ``WsConnection``, ``WsChatRun``) holds
one :class:`_Handle`; each call runs inside ``with _Use(handle) as ptr:`` so that ``close()``
from another thread never frees the pointer under a call in flight.
"""

from __future__ import annotations

import threading
from typing import Callable, Optional, TypeVar


class _Handle:
    """An owned C pointer with a count of calls in flight; freed once closed and idle."""

    def __init__(self, ptr: int, free: Callable[[int], None], what: str) -> None:
        self._ptr: Optional[int] = ptr
        self._free = free
        self._what = what
        self._busy = 0
        self._closed = False
        self._lock = threading.Lock()

    @property
    def closed(self) -> bool:
        with self._lock:
            return self._closed

    def acquire(self) -> int:
        with self._lock:
            if self._closed or not self._ptr:
                raise ValueError(f"this {self._what} was closed")
            self._busy += 1
            return self._ptr

    def release(self) -> None:
        with self._lock:
            self._busy -= 1
            ptr = self._take_if_done()
        if ptr:
            self._free(ptr)

    def close(self) -> bool:
        """Marks the handle closed; True the first time."""
        with self._lock:
            first = not self._closed
            self._closed = True
            ptr = self._take_if_done()
        if ptr:
            self._free(ptr)
        return first

    def _take_if_done(self) -> Optional[int]:
        if self._closed and self._busy == 0 and self._ptr:
            ptr, self._ptr = self._ptr, None
            return ptr
        return None


class _Use:
    """``with _Use(handle) as ptr:`` holds the handle for the duration of one call."""

    def __init__(self, handle: _Handle) -> None:
        self._h = handle

    def __enter__(self) -> int:
        return self._h.acquire()

    def __exit__(self, *exc: object) -> None:
        self._h.release()


_C = TypeVar("_C", bound="_Closeable")


class _Closeable:
    """Objects owning a C handle: ``with obj:`` closes it at the end of the block, and so does
    garbage collection (private). Subclasses define an idempotent ``close()``."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass
