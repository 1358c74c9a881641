"""asyncio example (Python 3.11+ for asyncio.timeout): stream a turn without blocking the event
loop; a timeout cancels it.

    python chat_async.py "Hello"    # gateway found by discovery, as chat.py
"""

import asyncio
import sys

from openclaw_client import AsyncClient, EventKind, OpenClawError


async def main(message: str) -> int:
    """Runs the example; returns the exit status."""
    try:
        async with await AsyncClient.create() as client:  # or .create(url, token)
            async with asyncio.timeout(60):  # cancelling the task stops the call in the library
                stream = await client.chat_stream(message)
                async with stream:
                    async for event in stream:
                        if event.kind == EventKind.CONTENT:
                            print(event.text, end="", flush=True)
                print()
    except TimeoutError:
        print("\n[no answer within 60 s: cancelled]", file=sys.stderr)
        return 1
    except OpenClawError as e:
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(" ".join(sys.argv[1:]) or "Hello from asyncio!")))
