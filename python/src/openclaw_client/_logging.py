"""The library's log records, forwarded to Python's :mod:`logging` (opt-in)."""

from __future__ import annotations

import logging
import threading
from ctypes import CFUNCTYPE, c_char_p, c_uint32, c_void_p

from ._errors import check
from ._lib import lib

LOGGER_NAME = "openclaw_client"
"""The :mod:`logging` logger that receives the records."""

_LOG_CB = CFUNCTYPE(None, c_void_p, c_uint32, c_char_p, c_char_p)
lib.openclaw_set_log_callback.restype = c_uint32
lib.openclaw_set_log_callback.argtypes = [_LOG_CB, c_void_p, c_uint32]

_LEVELS = {1: logging.ERROR, 2: logging.WARNING, 3: logging.INFO, 4: logging.DEBUG, 5: 5}
_lock = threading.Lock()
_installed = False


def _forward(_ud: object, level: int, target: bytes, message: bytes) -> None:
    try:
        logging.getLogger(LOGGER_NAME).log(
            _LEVELS.get(level, logging.DEBUG),
            "%s",
            message.decode(errors="replace"),
            extra={"rust_target": target.decode(errors="replace")},
        )
    except Exception:  # a logging handler must never unwind into the library
        pass


_callback = _LOG_CB(_forward)  # kept alive for the life of the process


def _c_level(level: int) -> int:
    if level < logging.DEBUG:
        return 5
    if level < logging.INFO:
        return 4
    if level < logging.WARNING:
        return 3
    if level < logging.ERROR:
        return 2
    return 1


def enable_logging(level: int = logging.DEBUG) -> None:
    """Sends the library's log records at ``level`` and above to the ``openclaw_client``
    logger (levels ERROR, WARNING, INFO, DEBUG; the library's TRACE is level 5). Each record
    carries the Rust module in ``record.rust_target``; messages never contain the token or
    password.

    Opt-in, because the C library takes its log callback once per process: the first call
    decides the level the library sends; later calls do nothing (set the logger's own level to
    filter further). Raises :class:`~openclaw_client.OpenClawError` (code 63,
    ``LOGGER_IN_USE``) when the process already has a Rust ``log`` logger. Thread-safe: records
    arrive from the library's threads too.
    """
    global _installed
    with _lock:
        if _installed:
            return
        check(lib.openclaw_set_log_callback(_callback, None, _c_level(level)))
        _installed = True
