"""WebSocket example: send a message on a session and follow the run as it streams; abort it
after a while or with Ctrl-C; optionally answer the exec approvals the run asks for.

    python ws_chat.py "Hello"                          # gateway found by discovery, as chat.py
    python ws_chat.py -s kitchen "Turn on the light"   # on session "kitchen" (default "main")
    python ws_chat.py --abort-after 2 "Write a long story"
    python ws_chat.py --approve allow-once 'please run [[tool:exec:{"command":"echo hi"}]]'

Prints the reply as it arrives, then ``[aborted]`` when the run was aborted. Exit status 1 on
an error (the message names the cause and the fix).
"""

import argparse
import sys
import threading

from openclaw_client import (
    Client,
    OpenClawError,
    WsApprovalRequested,
    WsChatRun,
    WsConnection,
    WsRunDelta,
    WsRunEnd,
    WsRunFinal,
)


def follow(run: WsChatRun) -> None:
    """Prints the run's text as it arrives; Ctrl-C aborts the run (then waits for its end)."""
    shown = ""  # what the current line shows
    fresh = False  # the gateway rewrote the text: continue on a new line

    def show(text: str) -> None:
        nonlocal shown, fresh
        if not text.startswith(shown):
            shown, fresh = "", True
        if fresh and text:
            print()
            fresh = False
        print(text[len(shown) :], end="", flush=True)
        shown = text

    try:
        for event in run:
            # run.text applies each delta (a `replace` delta rewrites the text so far); the
            # final event's text is the whole reply (after a tool call, the only full copy).
            if isinstance(event, (WsRunDelta, WsRunFinal)):
                show(run.text)
    except KeyboardInterrupt:
        run.abort()
        run.collect()
    print()


def answer_approvals(ws: WsConnection, run: WsChatRun, decision: str) -> None:
    """Answers the exec approvals of ``run`` until it ends (runs on its own thread)."""
    try:
        while not run.done:
            event = ws.next_event(timeout=0.5)
            if isinstance(event, WsApprovalRequested) and event.run_id == run.run_id:
                print(f"[{decision}: {event.command}]", file=sys.stderr)
                ws.approval_resolve(event.approval_id, decision)
    except (OpenClawError, ValueError) as e:  # the connection closed or was lost
        if not ws.closed:
            print(e, file=sys.stderr)


def abort_quietly(run: WsChatRun) -> None:
    """Aborts the run; nothing to do when it already ended or was closed."""
    try:
        run.abort()
    except (OpenClawError, ValueError):
        pass


def main() -> int:
    """Runs the example; returns the exit status."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("message", nargs="*")
    p.add_argument("-s", "--session", default="main", help="the session key (default: main)")
    p.add_argument("--abort-after", type=float, metavar="SECONDS", help="abort the run then")
    p.add_argument("--approve", choices=["allow-once", "allow-always", "deny"])
    args = p.parse_args()
    message = " ".join(args.message) or "Hello over WebSocket!"
    # Approvals raised by agent runs reach connections holding operator.admin as well.
    scopes = None
    if args.approve:
        scopes = ["operator.read", "operator.write", "operator.admin", "operator.approvals"]
    try:
        with Client() as client:  # or Client("http://127.0.0.1:18789", "my-token")
            with client.ws_connect(scopes=scopes) as ws, ws.chat_run(args.session, message) as run:
                timer = None
                if args.abort_after is not None:
                    # abort() may be called from any thread while this one reads the run.
                    timer = threading.Timer(args.abort_after, abort_quietly, (run,))
                    timer.start()
                if args.approve:
                    threading.Thread(
                        target=answer_approvals, args=(ws, run, args.approve), daemon=True
                    ).start()
                try:
                    follow(run)
                finally:
                    if timer is not None:
                        timer.cancel()
                if run.ended == WsRunEnd.ABORTED:
                    print("[aborted]")
    except OpenClawError as e:  # ConnectError, WsAuthError, WsMissingScopeError, StreamError…
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
