#!/usr/bin/env python3
"""stream_ctypes.py — embedding in another runtime: Python ctypes over the pull API.

Usage: stream_ctypes.py [-u URL] [-t TOKEN] [message]
Finds libopenclaw_client.so through OPENCLAW_CLIENT_LIB, else ../target/{release,debug}.
"""
import ctypes
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load():
    candidates = [os.environ.get("OPENCLAW_CLIENT_LIB")] + [
        os.path.join(HERE, "..", "target", p, "libopenclaw_client.so") for p in ("release", "debug")
    ]
    for path in candidates:
        if path and os.path.exists(path):
            return ctypes.CDLL(path)
    sys.exit("libopenclaw_client.so not found: build it with `cargo build --release`")


class Event(ctypes.Structure):
    # Mirrors struct openclaw_event (read-only, borrowed until the next openclaw_stream_next).
    _fields_ = [
        ("kind", ctypes.c_uint32),
        ("text", ctypes.c_void_p),
        ("text_len", ctypes.c_size_t),
        ("tool_index", ctypes.c_uint32),
        ("tool_id", ctypes.c_char_p),
        ("tool_name", ctypes.c_char_p),
        ("prompt_tokens", ctypes.c_uint64),
        ("completion_tokens", ctypes.c_uint64),
        ("total_tokens", ctypes.c_uint64),
        ("empty", ctypes.c_bool),
        ("error_code", ctypes.c_uint32),
        ("event_type", ctypes.c_char_p),
    ]


OK, END = 0, 61
ROLE_USER = 2
CONTENT, FINISH, USAGE, DONE = 2, 5, 6, 7


def main():
    lib = load()
    vp = ctypes.c_void_p
    lib.openclaw_client_builder_new_default.argtypes = [ctypes.POINTER(vp)]
    lib.openclaw_client_builder_set_base_url.argtypes = [vp, ctypes.c_char_p]
    lib.openclaw_client_builder_set_secret.argtypes = [vp, ctypes.c_char_p]
    lib.openclaw_client_builder_build.argtypes = [vp, ctypes.POINTER(vp)]
    lib.openclaw_client_free.argtypes = [vp]
    lib.openclaw_chat_request_new.restype = vp
    lib.openclaw_chat_request_add_message.argtypes = [vp, ctypes.c_uint32, ctypes.c_char_p]
    lib.openclaw_chat_request_set_include_usage.argtypes = [vp, ctypes.c_bool]
    lib.openclaw_chat_request_free.argtypes = [vp]
    lib.openclaw_chat_stream_open.argtypes = [vp, vp, ctypes.POINTER(vp)]
    lib.openclaw_stream_next.argtypes = [vp, ctypes.POINTER(ctypes.POINTER(Event))]
    lib.openclaw_stream_free.argtypes = [vp]
    lib.openclaw_result_name.restype = ctypes.c_char_p
    lib.openclaw_last_error_message.restype = ctypes.c_char_p

    args = sys.argv[1:]
    url = token = None
    while len(args) >= 2 and args[0] in ("-u", "-t"):
        if args[0] == "-u":
            url = args[1]
        else:
            token = args[1]
        args = args[2:]
    message = args[0] if args else "Hello from Python!"

    def check(what, rc):
        if rc != OK:
            name = lib.openclaw_result_name(rc).decode()
            msg = lib.openclaw_last_error_message().decode(errors="replace")
            raise SystemExit(f"{what} failed: {name}: {msg}")

    builder = vp()
    check("discovery", lib.openclaw_client_builder_new_default(ctypes.byref(builder)))
    if url:
        check("set_base_url", lib.openclaw_client_builder_set_base_url(builder, url.encode()))
    if token:
        check("set_secret", lib.openclaw_client_builder_set_secret(builder, token.encode()))
    client = vp()
    check("build", lib.openclaw_client_builder_build(builder, ctypes.byref(client)))
    req = vp(lib.openclaw_chat_request_new())
    lib.openclaw_chat_request_add_message(req, ROLE_USER, message.encode())
    lib.openclaw_chat_request_set_include_usage(req, True)
    stream = vp()
    try:
        check("stream_open", lib.openclaw_chat_stream_open(client, req, ctypes.byref(stream)))
        event = ctypes.POINTER(Event)()
        finish = "none"
        while True:
            rc = lib.openclaw_stream_next(stream, ctypes.byref(event))
            if rc == END:
                break
            check("stream_next", rc)
            ev = event.contents
            text = ctypes.string_at(ev.text, ev.text_len).decode("utf-8")
            if ev.kind == CONTENT:
                sys.stdout.write(text)
                sys.stdout.flush()
            elif ev.kind == FINISH:
                finish = text
            elif ev.kind == USAGE:
                sys.stdout.write(f"\n[usage: {ev.prompt_tokens} prompt + {ev.completion_tokens} completion = {ev.total_tokens}]")
            elif ev.kind == DONE:
                sys.stdout.write(f"\n[finish: {finish}]\n")
    finally:
        lib.openclaw_stream_free(stream)
        lib.openclaw_chat_request_free(req)
        lib.openclaw_client_free(client)


if __name__ == "__main__":
    main()
