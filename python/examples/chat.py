"""Sync example: one whole turn, then a streamed turn, with the gateway found by discovery.

    python chat.py "Hello"          # OPENCLAW_GATEWAY_URL / OPENCLAW_GATEWAY_TOKEN, or the config file
"""

import sys

from openclaw_client import Client, EventKind, OpenClawError


def main() -> int:
    """Runs the example; returns the exit status."""
    message = " ".join(sys.argv[1:]) or "Hello from Python!"
    try:
        with Client() as client:  # or Client("http://127.0.0.1:18789", "my-token")
            reply = client.chat(message, user="example")  # `user`: the gateway keeps the history
            print(reply.text)
            with client.chat_stream(message, include_usage=True) as stream:
                for event in stream:
                    if event.kind == EventKind.CONTENT:
                        print(event.text, end="", flush=True)
                    elif event.kind == EventKind.USAGE:
                        print(f"\n[usage: {event.usage.total_tokens} tokens]")
    except OpenClawError as e:  # ConnectError, UnauthorizedError, NotEnabledError…
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
