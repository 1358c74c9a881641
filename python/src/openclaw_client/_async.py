"""The asyncio client: :class:`AsyncClient` and :class:`AsyncChatStream`.

No method blocks the event loop: each blocking C call runs on a worker thread. Streams are read
on a thread of their own, which hands every event to the loop with ``call_soon_threadsafe``
into an :class:`asyncio.Queue`. Cancelling the awaiting task fires the call's cancel token, so
the C call really stops (a stream's connection is closed, which aborts the agent run), and the
task sees :class:`asyncio.CancelledError` as usual.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import threading
from typing import Any, Callable, List, Mapping, Optional, Sequence, TypeVar

from ._client import CancelToken, ChatStream, Client, Messages
from ._ws import PathLike
from ._ws_async import AsyncWsConnection, _close_when_open
from ._types import (
    Capabilities,
    ChatResult,
    Diagnosis,
    EventKind,
    Readiness,
    Response,
    Startup,
    StreamEvent,
)

T = TypeVar("T")

_END = object()


class AsyncChatStream:
    """An async iterator over the events of one streamed turn.

    ``async for event in stream`` yields :class:`~openclaw_client.StreamEvent` objects; a
    failure raises the matching :class:`~openclaw_client.OpenClawError`. Leaving the iteration
    early (``break``, an exception, task cancellation) or :meth:`aclose` cancels the turn: the
    reader thread stops and the stream's connection is closed.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, token: CancelToken) -> None:
        self._loop = loop
        self._token = token
        self._queue: "asyncio.Queue[Any]" = asyncio.Queue()
        self._done = asyncio.Event()
        self._finished = False
        self._text_parts: List[str] = []

    # Runs on the reader thread.
    def _feed(self, stream: ChatStream) -> None:
        try:
            with stream:
                for ev in stream:
                    self._loop.call_soon_threadsafe(self._queue.put_nowait, ev)
            item: Any = _END
        except BaseException as e:  # handed to the consumer, re-raised there
            item = e
        finally:
            self._token.close()
        try:
            self._loop.call_soon_threadsafe(self._put_last, item)
        except RuntimeError:  # the loop is closed: nobody is listening any more
            pass

    def _put_last(self, item: Any) -> None:
        self._queue.put_nowait(item)
        self._done.set()

    def __aiter__(self) -> "AsyncChatStream":
        return self

    async def __anext__(self) -> StreamEvent:
        if self._finished:
            raise StopAsyncIteration
        try:
            item = await self._queue.get()
        except asyncio.CancelledError:
            await self._cancel()
            raise
        if item is _END:
            self._finished = True
            raise StopAsyncIteration
        if isinstance(item, BaseException):
            self._finished = True
            raise item
        event: StreamEvent = item
        if event.kind == EventKind.CONTENT:
            self._text_parts.append(event.text)
        return event

    @property
    def text(self) -> str:
        """The reply text yielded so far."""
        return "".join(self._text_parts)

    async def _cancel(self) -> None:
        self._finished = True
        self._token.cancel()
        # Wait (shielded) for the reader thread to free the stream: the call has really ended
        # when this returns. It cannot take long: the token ends a blocked read at once.
        try:
            await asyncio.shield(self._done.wait())
        except asyncio.CancelledError:
            pass

    async def aclose(self) -> None:
        """Stops the stream (cancelling the turn if unfinished) and waits for the reader."""
        if not self._done.is_set():
            await self._cancel()
        self._finished = True

    def __del__(self) -> None:
        # Dropped without aclose(): stop the reader thread (the token may be fired anywhere).
        if not self._finished:
            self._token.cancel()

    async def __aenter__(self) -> "AsyncChatStream":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class AsyncClient:
    """An asyncio client; the same API as :class:`~openclaw_client.Client`, awaitable.

    Build it with ``await AsyncClient.create(url, token)`` (discovery reads files, so it runs
    on a worker thread too) or wrap an existing blocking client: ``AsyncClient(client)``. Use
    it as ``async with`` or call :meth:`aclose`.

    Chat, chat streams, responses and tool calls get their own cancel token: cancel the task
    (``task.cancel()``, ``asyncio.timeout``…) and the underlying C call stops. The probes,
    ``models``, ``check_connection`` and ``capabilities`` take no cancel token in the C API:
    cancelling their task returns at once, while the worker thread finishes the call within the
    client's timeouts (connect 10 s by default).

    Args:
        client: the blocking client to use.
        executor: where blocking calls run (default: the loop's default executor). Streams
            always get a thread of their own, so a long turn never occupies the executor.
    """

    def __init__(
        self, client: Client, *, executor: Optional[concurrent.futures.Executor] = None
    ) -> None:
        self._client = client
        self._executor = executor

    @classmethod
    async def create(
        cls,
        url: Optional[str] = None,
        token: Optional[str] = None,
        *,
        executor: Optional[concurrent.futures.Executor] = None,
        **options: Any,
    ) -> "AsyncClient":
        """Builds the :class:`~openclaw_client.Client` on a worker thread (arguments as
        ``Client``) and wraps it."""
        loop = asyncio.get_running_loop()
        client = await loop.run_in_executor(
            executor, functools.partial(Client, url, token, **options)
        )
        return cls(client, executor=executor)

    @property
    def sync(self) -> Client:
        """The blocking client underneath."""
        return self._client

    async def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Runs ``fn(*args, cancel=token, **kwargs)`` on a worker thread; task cancellation
        fires the token and waits for the call to return."""
        loop = asyncio.get_running_loop()
        token = CancelToken()
        fut = loop.run_in_executor(
            self._executor, functools.partial(fn, *args, cancel=token, **kwargs)
        )
        try:
            return await asyncio.shield(fut)
        except asyncio.CancelledError:
            token.cancel()
            try:
                await asyncio.shield(fut)
            except BaseException:
                pass
            raise
        finally:
            if fut.done():
                token.close()
            else:  # only when the loop itself is going away: free the token with the call
                fut.add_done_callback(lambda _f: token.close())

    async def _plain(self, fn: Callable[..., T], *args: Any) -> T:
        """Runs a call that has no cancel token (probes, discovery) on a worker thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args))

    async def chat(self, messages: Messages, **kwargs: Any) -> ChatResult:
        """Runs one agent turn without streaming (see :meth:`Client.chat`)."""
        return await self._call(self._client.chat, messages, **kwargs)

    async def chat_stream(self, messages: Messages, **kwargs: Any) -> AsyncChatStream:
        """Opens a streamed turn (see :meth:`Client.chat_stream`) and returns an
        :class:`AsyncChatStream`. Errors before the stream starts are raised here."""
        loop = asyncio.get_running_loop()
        token = CancelToken()
        opened: "concurrent.futures.Future[ChatStream]" = concurrent.futures.Future()
        astream = AsyncChatStream(loop, token)

        def reader() -> None:
            try:
                stream = self._client.chat_stream(messages, cancel=token, **kwargs)
            except BaseException as e:
                token.close()
                opened.set_exception(e)
                return
            opened.set_result(stream)
            astream._feed(stream)

        threading.Thread(target=reader, name="openclaw-stream", daemon=True).start()
        wrapped = asyncio.wrap_future(opened)
        try:
            await asyncio.shield(wrapped)
        except asyncio.CancelledError:
            token.cancel()
            if not opened.done():
                try:
                    await asyncio.shield(wrapped)
                except BaseException:
                    pass
            if opened.done() and opened.exception() is None:
                await astream.aclose()
            raise
        return astream

    async def responses(self, input: Messages, **kwargs: Any) -> Response:
        """Runs one turn through ``/v1/responses`` (see :meth:`Client.responses`)."""
        return await self._call(self._client.responses, input, **kwargs)

    async def invoke_tool(
        self, tool: str, args: Optional[Mapping[str, Any]] = None, **kwargs: Any
    ) -> Any:
        """Invokes a gateway tool (see :meth:`Client.invoke_tool`)."""
        return await self._call(self._client.invoke_tool, tool, args, **kwargs)

    async def models(self) -> List[str]:
        """The agent targets (see :meth:`Client.models`)."""
        return await self._plain(self._client.models)

    async def health(self) -> bool:
        """``GET /health`` (see :meth:`Client.health`)."""
        return await self._plain(self._client.health)

    async def ready(self) -> Readiness:
        """``GET /readyz`` (see :meth:`Client.ready`)."""
        return await self._plain(self._client.ready)

    async def startup(self) -> Startup:
        """``GET /startupz`` (see :meth:`Client.startup`)."""
        return await self._plain(self._client.startup)

    async def check_connection(self) -> Diagnosis:
        """The connection diagnosis (see :meth:`Client.check_connection`)."""
        return await self._plain(self._client.check_connection)

    async def capabilities(self) -> Capabilities:
        """What the gateway supports (see :meth:`Client.capabilities`)."""
        return await self._plain(self._client.capabilities)

    async def update_secret(self, secret: Optional[str]) -> None:
        """Replaces the secret for later calls (see :meth:`Client.update_secret`)."""
        await self._plain(self._client.update_secret, secret)

    async def ws_connect(
        self,
        *,
        scopes: Optional[Sequence[str]] = None,
        reconnect: bool = False,
        request_timeout: Optional[float] = None,
        event_queue_capacity: Optional[int] = None,
        device_key: Optional[PathLike] = None,
        device_token_file: Optional[PathLike] = None,
        use_shared_secret: bool = True,
    ) -> AsyncWsConnection:
        """Opens a WebSocket connection on a worker thread (arguments as
        :meth:`Client.ws_connect`) and returns an :class:`AsyncWsConnection`.

        Cancelled during the handshake, the call returns at once and the connection is closed
        as soon as the handshake ends.
        """
        loop = asyncio.get_running_loop()
        fut = loop.run_in_executor(
            self._executor,
            functools.partial(
                self._client.ws_connect,
                scopes=scopes,
                reconnect=reconnect,
                request_timeout=request_timeout,
                event_queue_capacity=event_queue_capacity,
                device_key=device_key,
                device_token_file=device_token_file,
                use_shared_secret=use_shared_secret,
            ),
        )
        try:
            conn = await asyncio.shield(fut)
        except asyncio.CancelledError:
            fut.add_done_callback(_close_when_open)
            raise
        return AsyncWsConnection(conn, executor=self._executor)

    async def aclose(self) -> None:
        """Closes the client (freed once the calls still running have returned)."""
        self._client.close()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

