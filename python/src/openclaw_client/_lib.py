"""Low-level ctypes bindings to ``libopenclaw_client.so`` (private; use :mod:`openclaw_client`).

Every function of the C API that the package uses is declared here with its exact argument and
result types, so that ctypes converts arguments correctly on every platform. Pointers to opaque
handles are ``c_void_p``; strings the library owns are read with ``c_char_p`` (ctypes copies
them into ``bytes``), strings the caller must free are read as ``c_void_p`` and handed back to
``openclaw_string_free``.
"""

from __future__ import annotations

import ctypes
import os
from ctypes import (
    POINTER,
    Structure,
    c_bool,
    c_char_p,
    c_double,
    c_int32,
    c_int64,
    c_size_t,
    c_uint16,
    c_uint32,
    c_uint64,
    c_void_p,
)
from typing import Optional

LIB_NAME = "libopenclaw_client.so"


class Event(Structure):
    """Mirror of ``struct openclaw_event`` (borrowed; only ever read through a pointer)."""

    _fields_ = [
        ("kind", c_uint32),
        ("text", c_void_p),
        ("text_len", c_size_t),
        ("tool_index", c_uint32),
        ("tool_id", c_char_p),
        ("tool_name", c_char_p),
        ("prompt_tokens", c_uint64),
        ("completion_tokens", c_uint64),
        ("total_tokens", c_uint64),
        ("empty", c_bool),
        ("error_code", c_uint32),
        ("event_type", c_char_p),
    ]


class WsEvent(Structure):
    """Mirror of ``struct openclaw_ws_event`` (owned by the library; only ever read through the
    pointer ``openclaw_ws_next_event`` / ``openclaw_ws_run_next`` return, then freed with
    ``openclaw_ws_event_free``; never allocated or copied here, as the header requires)."""

    _fields_ = [
        ("kind", c_uint32),
        ("name", c_char_p),
        ("seq", c_int64),
        ("payload_json", c_char_p),
        ("run_id", c_char_p),
        ("session_key", c_char_p),
        ("state", c_char_p),
        ("phase", c_char_p),
        ("text", c_void_p),
        ("text_len", c_size_t),
        ("id", c_char_p),
        ("replace", c_bool),
        ("count", c_uint64),
        ("gap_expected", c_uint64),
        ("gap_received", c_uint64),
    ]


VP = c_void_p
PVP = POINTER(c_void_p)
PWE = POINTER(POINTER(WsEvent))
R = c_uint32  # openclaw_result

# name: (restype, argtypes)
_SIGNATURES = {
    "openclaw_version": (c_char_p, []),
    "openclaw_string_free": (None, [VP]),
    "openclaw_result_name": (c_char_p, [R]),
    # last error (per thread)
    "openclaw_last_error_message": (c_char_p, []),
    "openclaw_last_error_code": (R, []),
    "openclaw_last_error_http_status": (c_uint16, []),
    "openclaw_last_error_type": (c_char_p, []),
    "openclaw_last_error_retry_after_ms": (c_int64, []),
    "openclaw_last_error_partial_text": (VP, [POINTER(c_size_t)]),
    # cancel token
    "openclaw_cancel_token_new": (VP, []),
    "openclaw_cancel_token_cancel": (None, [VP]),
    "openclaw_cancel_token_is_cancelled": (c_bool, [VP]),
    "openclaw_cancel_token_free": (None, [VP]),
    # builder / client
    "openclaw_client_builder_new": (VP, []),
    "openclaw_client_builder_new_default": (R, [PVP]),
    "openclaw_client_builder_set_base_url": (R, [VP, c_char_p]),
    "openclaw_client_builder_set_secret": (R, [VP, c_char_p]),
    "openclaw_client_builder_set_agent": (R, [VP, c_char_p]),
    "openclaw_client_builder_set_connect_timeout_ms": (R, [VP, c_uint64]),
    "openclaw_client_builder_set_response_timeout_ms": (R, [VP, c_uint64]),
    "openclaw_client_builder_set_idle_timeout_ms": (R, [VP, c_uint64]),
    "openclaw_client_builder_set_total_timeout_ms": (R, [VP, c_uint64]),
    "openclaw_client_builder_set_ca_pem": (R, [VP, c_char_p, c_size_t]),
    "openclaw_client_builder_set_user_agent": (R, [VP, c_char_p]),
    "openclaw_client_builder_set_max_retries": (R, [VP, c_uint32]),
    "openclaw_client_builder_build": (R, [VP, PVP]),
    "openclaw_client_builder_free": (None, [VP]),
    "openclaw_client_free": (None, [VP]),
    "openclaw_client_update_secret": (R, [VP, c_char_p]),
    "openclaw_client_base_url": (VP, [VP]),
    "openclaw_client_discovery_text": (VP, [VP]),
    # chat request
    "openclaw_chat_request_new": (VP, []),
    "openclaw_chat_request_free": (None, [VP]),
    "openclaw_chat_request_add_message": (R, [VP, c_uint32, c_char_p]),
    "openclaw_chat_request_add_tool_result": (R, [VP, c_char_p, c_char_p]),
    "openclaw_chat_request_set_target": (R, [VP, c_char_p]),
    "openclaw_chat_request_set_agent": (R, [VP, c_char_p]),
    "openclaw_chat_request_set_user": (R, [VP, c_char_p]),
    "openclaw_chat_request_set_session_key": (R, [VP, c_char_p]),
    "openclaw_chat_request_set_channel": (R, [VP, c_char_p]),
    "openclaw_chat_request_set_model_override": (R, [VP, c_char_p]),
    "openclaw_chat_request_add_header": (R, [VP, c_char_p, c_char_p]),
    "openclaw_chat_request_add_tool": (R, [VP, c_char_p, c_char_p, c_char_p]),
    "openclaw_chat_request_set_temperature": (R, [VP, c_double]),
    "openclaw_chat_request_set_max_tokens": (R, [VP, c_uint32]),
    "openclaw_chat_request_set_include_usage": (R, [VP, c_bool]),
    "openclaw_chat_request_set_idle_timeout_ms": (R, [VP, c_uint64]),
    "openclaw_chat_request_set_total_timeout_ms": (R, [VP, c_uint64]),
    "openclaw_chat_request_set_cancel_token": (R, [VP, VP]),
    # chat
    "openclaw_chat": (R, [VP, VP, PVP]),
    "openclaw_chat_result_text": (VP, [VP, POINTER(c_size_t)]),
    "openclaw_chat_result_reasoning": (c_char_p, [VP]),
    "openclaw_chat_result_finish_reason": (c_char_p, [VP]),
    "openclaw_chat_result_is_empty": (c_bool, [VP]),
    "openclaw_chat_result_usage": (
        c_bool,
        [VP, POINTER(c_uint64), POINTER(c_uint64), POINTER(c_uint64)],
    ),
    "openclaw_chat_result_tool_call_count": (c_size_t, [VP]),
    "openclaw_chat_result_tool_call": (
        R,
        [VP, c_size_t, POINTER(c_char_p), POINTER(c_char_p), POINTER(c_char_p)],
    ),
    "openclaw_chat_result_free": (None, [VP]),
    # pull stream
    "openclaw_chat_stream_open": (R, [VP, VP, PVP]),
    "openclaw_stream_next": (R, [VP, POINTER(POINTER(Event))]),
    "openclaw_stream_text": (VP, [VP, POINTER(c_size_t)]),
    "openclaw_stream_free": (None, [VP]),
    # responses
    "openclaw_responses_request_new": (VP, []),
    "openclaw_responses_request_free": (None, [VP]),
    "openclaw_responses_request_add_message": (R, [VP, c_uint32, c_char_p]),
    "openclaw_responses_request_set_instructions": (R, [VP, c_char_p]),
    "openclaw_responses_request_set_previous_response_id": (R, [VP, c_char_p]),
    "openclaw_responses_request_set_user": (R, [VP, c_char_p]),
    "openclaw_responses_request_set_session_key": (R, [VP, c_char_p]),
    "openclaw_responses_request_set_agent": (R, [VP, c_char_p]),
    "openclaw_responses_request_set_max_output_tokens": (R, [VP, c_uint32]),
    "openclaw_responses_request_set_cancel_token": (R, [VP, VP]),
    "openclaw_responses": (R, [VP, VP, PVP]),
    "openclaw_responses_stream_open": (R, [VP, VP, PVP]),
    "openclaw_response_id": (c_char_p, [VP]),
    "openclaw_response_status": (c_char_p, [VP]),
    "openclaw_response_incomplete_reason": (c_char_p, [VP]),
    "openclaw_response_output_text": (VP, [VP, POINTER(c_size_t)]),
    "openclaw_response_usage": (
        c_bool,
        [VP, POINTER(c_uint64), POINTER(c_uint64), POINTER(c_uint64)],
    ),
    "openclaw_response_function_call_count": (c_size_t, [VP]),
    "openclaw_response_function_call": (
        R,
        [VP, c_size_t, POINTER(c_char_p), POINTER(c_char_p), POINTER(c_char_p)],
    ),
    "openclaw_response_free": (None, [VP]),
    # endpoints
    "openclaw_models": (R, [VP, PVP]),
    "openclaw_model_list_count": (c_size_t, [VP]),
    "openclaw_model_list_id": (c_char_p, [VP, c_size_t]),
    "openclaw_model_list_free": (None, [VP]),
    "openclaw_tool_call_new": (R, [c_char_p, c_char_p, PVP]),
    "openclaw_tool_call_set_action": (R, [VP, c_char_p]),
    "openclaw_tool_call_set_session_key": (R, [VP, c_char_p]),
    "openclaw_tool_call_set_agent": (R, [VP, c_char_p]),
    "openclaw_tool_call_set_idempotency_key": (R, [VP, c_char_p]),
    "openclaw_tool_call_set_channel": (R, [VP, c_char_p]),
    "openclaw_tool_call_set_cancel_token": (R, [VP, VP]),
    "openclaw_tool_call_free": (None, [VP]),
    "openclaw_tool_invoke": (R, [VP, VP, PVP]),
    "openclaw_health": (R, [VP, POINTER(c_bool)]),
    "openclaw_ready": (R, [VP, POINTER(c_bool), PVP]),
    "openclaw_startup": (R, [VP, PVP, PVP]),
    "openclaw_capabilities": (R, [VP, PVP, POINTER(c_int32), POINTER(c_int32)]),
    # diagnosis
    "openclaw_check_connection": (R, [VP, PVP]),
    "openclaw_diagnosis_code": (c_uint32, [VP]),
    "openclaw_diagnosis_summary": (c_char_p, [VP]),
    "openclaw_diagnosis_text": (c_char_p, [VP]),
    "openclaw_diagnosis_version": (c_char_p, [VP]),
    "openclaw_diagnosis_chat_enabled": (c_int32, [VP]),
    "openclaw_diagnosis_responses_enabled": (c_int32, [VP]),
    "openclaw_diagnosis_free": (None, [VP]),
    # WebSocket control plane (strings the caller frees are read as c_void_p)
    "openclaw_ws_options_new": (R, [PVP]),
    "openclaw_ws_options_free": (None, [VP]),
    "openclaw_ws_options_set_scopes": (R, [VP, c_char_p]),
    "openclaw_ws_options_set_reconnect": (R, [VP, c_bool]),
    "openclaw_ws_options_set_request_timeout_ms": (R, [VP, c_uint64]),
    "openclaw_ws_options_set_event_queue_capacity": (R, [VP, c_size_t]),
    "openclaw_ws_options_set_device": (R, [VP, c_char_p, c_char_p]),
    "openclaw_ws_options_set_use_shared_secret": (R, [VP, c_bool]),
    "openclaw_ws_connect": (R, [VP, VP, PVP]),
    "openclaw_ws_close": (R, [VP]),
    "openclaw_ws_free": (None, [VP]),
    "openclaw_ws_hello_json": (R, [VP, PVP]),
    "openclaw_ws_call": (R, [VP, c_char_p, c_char_p, c_int64, PVP]),
    "openclaw_ws_chat_send": (R, [VP, c_char_p, c_char_p, PVP]),
    "openclaw_ws_chat_abort": (R, [VP, c_char_p, c_char_p, POINTER(c_bool)]),
    "openclaw_ws_approval_resolve": (R, [VP, c_char_p, c_char_p]),
    "openclaw_ws_sessions_subscribe": (R, [VP]),
    "openclaw_ws_sessions_messages_subscribe": (R, [VP, c_char_p]),
    "openclaw_ws_chat_history": (R, [VP, c_char_p, c_int64, PVP]),
    "openclaw_ws_sessions_list": (R, [VP, c_char_p, PVP]),
    "openclaw_ws_approval_list": (R, [VP, PVP]),
    "openclaw_ws_agents_list": (R, [VP, PVP]),
    "openclaw_ws_models_list": (R, [VP, PVP]),
    "openclaw_ws_health": (R, [VP, PVP]),
    "openclaw_ws_next_event": (R, [VP, c_int64, PWE]),
    "openclaw_ws_event_free": (None, [POINTER(WsEvent)]),
    "openclaw_ws_chat_run_open": (R, [VP, c_char_p, c_char_p, PVP]),
    "openclaw_ws_run_next": (R, [VP, c_int64, PWE]),
    "openclaw_ws_run_abort": (R, [VP, POINTER(c_bool)]),
    "openclaw_ws_run_id": (c_char_p, [VP]),
    "openclaw_ws_run_free": (None, [VP]),
}


def _candidates() -> "list[str]":
    env = os.environ.get("OPENCLAW_CLIENT_LIB")
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), LIB_NAME)
    return [p for p in (env, here) if p]


def _load() -> ctypes.CDLL:
    tried = []
    for path in _candidates():
        if os.path.exists(path):
            lib = ctypes.CDLL(path)
            break
        tried.append(path)
    else:
        raise ImportError(
            f"{LIB_NAME} not found (looked at {', '.join(tried)}); build and install the "
            "package with python/build.sh, or set OPENCLAW_CLIENT_LIB to the library's path"
        )
    for name, (restype, argtypes) in _SIGNATURES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


lib: ctypes.CDLL = _load()


def take_string(ptr: Optional[int]) -> Optional[str]:
    """Copies and frees a ``char *`` the library allocated; ``None`` for NULL."""
    if not ptr:
        return None
    try:
        return ctypes.string_at(ptr).decode("utf-8", errors="replace")
    finally:
        lib.openclaw_string_free(ptr)


def text_at(ptr: Optional[int], length: int) -> str:
    """Copies ``length`` bytes of borrowed UTF-8 text (which may contain NUL) into a str."""
    if not ptr or length == 0:
        return ""
    return ctypes.string_at(ptr, length).decode("utf-8", errors="replace")


def cstr(value: Optional[str]) -> Optional[bytes]:
    """Encodes an optional str for a ``const char *`` argument (None stays NULL).

    A NUL character would silently cut the C string, so it raises ``ValueError`` instead.
    """
    if value is None:
        return None
    if "\0" in value:
        raise ValueError("strings passed to the gateway cannot contain NUL characters")
    return value.encode("utf-8")
