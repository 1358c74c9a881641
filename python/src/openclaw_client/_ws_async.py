"""The asyncio WebSocket client: :class:`AsyncWsConnection` and :class:`AsyncWsChatRun`.

No coroutine blocks the event loop. Requests run on worker threads (the loop's executor). Events
are pulled on a thread of the connection's own and handed to the loop with
``call_soon_threadsafe`` into an :class:`asyncio.Queue`, one per call of :meth:`next_event`, so
an event a cancelled call asked for is kept for the next call, never lost. A chat run is read on
a thread of its own the same way. Cancelling the task that iterates a run aborts the run on
the gateway (``openclaw_ws_run_abort``) before the task sees :class:`asyncio.CancelledError`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import threading
from typing import (
    Any,
    AsyncIterator,
    Callable,
    Dict,
    List,
    Mapping,
    Optional,
    TypeVar,
    Union,
)

from ._errors import OpenClawError, ResultCode
from ._ws import _SLICE_S, _TIMED_OUT, RunState, RunView, WsChatRun, WsConnection
from ._ws_types import (
    ApprovalDecision,
    WsEvent,
    WsHello,
    WsRunEvent,
)

T = TypeVar("T")

_END = object()


class AsyncWsChatRun(RunView):
    """An async iterator over the events of one chat run (see :class:`WsChatRun`).

    ``async for event in run`` yields :class:`WsRunEvent` objects and ends after
    :class:`WsRunFinal` or :class:`WsRunAborted`; a failed run raises
    :class:`~openclaw_client.StreamError`, a lost connection
    :class:`~openclaw_client.WsDisconnectedError`.

    Cancelling the task that iterates the run (``task.cancel()``, ``asyncio.timeout``…) aborts
    the run on the gateway and waits (shielded) until the abort was answered; then the task
    sees :class:`asyncio.CancelledError`. :meth:`abort` aborts it explicitly. Leaving an
    ``async with`` block or :meth:`aclose` stops following the run without aborting it, as
    :meth:`WsChatRun.close` does.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        run: WsChatRun,
        executor: Optional[concurrent.futures.Executor],
    ) -> None:
        self._loop = loop
        self._run = run
        self._executor = executor
        self._queue: "asyncio.Queue[Any]" = asyncio.Queue()
        self._done = asyncio.Event()
        self._stop = threading.Event()
        self._state = RunState()
        self._finished = False
        threading.Thread(target=self._feed, name="openclaw-ws-run", daemon=True).start()

    # Runs on the reader thread.
    def _feed(self) -> None:
        item: Any = _END
        try:
            while True:
                ev = self._run._next(None, self._should_stop)
                if ev is None or ev is _TIMED_OUT:  # ended, or asked to stop
                    break
                self._loop.call_soon_threadsafe(self._queue.put_nowait, ev)
        except BaseException as e:  # handed to the consumer, re-raised there
            item = e
        try:
            self._loop.call_soon_threadsafe(self._put_last, item)
        except RuntimeError:  # the loop is closed: nobody is listening any more
            pass

    def _should_stop(self) -> bool:
        return self._stop.is_set() or self._loop.is_closed()

    def _put_last(self, item: Any) -> None:
        self._queue.put_nowait(item)
        self._done.set()

    @property
    def run_id(self) -> str:
        """The gateway's run id."""
        return self._run.run_id

    @property
    def session_key(self) -> str:
        """The session key the message was sent on (as given)."""
        return self._run.session_key

    def __aiter__(self) -> "AsyncWsChatRun":
        return self

    async def __anext__(self) -> WsRunEvent:
        if self._finished:
            raise StopAsyncIteration
        try:
            item = await self._queue.get()
        except asyncio.CancelledError:
            await self._abort_on_cancel()
            raise
        return self._take(item)

    def _take(self, item: Any) -> WsRunEvent:
        if item is _END:
            self._finished = True
            raise StopAsyncIteration
        if isinstance(item, BaseException):
            self._finished = True
            self._state.fail(item)
            raise item
        event: WsRunEvent = item
        self._state.update(event)
        return event

    def _drain(self) -> None:
        """Takes the events left in the queue into account (after the reader ended)."""
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if item is _END:
                break
            if isinstance(item, BaseException):
                self._state.fail(item)
            else:
                self._state.update(item)

    async def _abort_on_cancel(self) -> None:
        self._finished = True
        fut = self._loop.run_in_executor(self._executor, self._abort_quietly)
        try:
            await asyncio.shield(fut)
        except asyncio.CancelledError:
            pass
        # Whatever the abort answered, the reader thread stops within one library wait.
        self._stop.set()
        try:
            await asyncio.shield(self._done.wait())
        except asyncio.CancelledError:
            return
        self._drain()

    def _abort_quietly(self) -> None:
        try:
            self._run.abort()
        except (OpenClawError, ValueError):  # already ended, connection gone: nothing to stop
            pass

    async def collect(self) -> str:
        """Reads the run to its end and returns :attr:`text` (check :attr:`ended`)."""
        async for _ in self:
            pass
        return self._state.text

    async def abort(self) -> bool:
        """Aborts the run on the gateway (see :meth:`WsChatRun.abort`); returns whether the
        gateway aborted a run. The iteration then ends with :class:`WsRunAborted`."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._run.abort)

    async def aclose(self) -> None:
        """Stops following the run (it goes on on the gateway unless aborted), waits for the
        reader thread and frees the run handle. Idempotent."""
        self._finished = True
        self._stop.set()
        try:
            await asyncio.shield(self._done.wait())
        finally:
            self._run.close()

    async def __aenter__(self) -> "AsyncWsChatRun":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __del__(self) -> None:
        # Dropped without aclose(): let the reader thread end (it frees nothing itself).
        self._stop.set()


class AsyncWsConnection:
    """An asyncio WebSocket connection: the API of :class:`WsConnection`, awaitable.

    Open it with :meth:`AsyncClient.ws_connect <openclaw_client.AsyncClient.ws_connect>` and use
    it as ``async with``. Requests run on worker threads; cancelling the awaiting task returns
    at once while the request itself ends on its worker thread within the request timeout (the
    WebSocket API has no cancel for one request; a request that was sent may have run).

    ``async for event in conn`` yields :class:`WsEvent` objects until :meth:`aclose`; a lost
    connection raises :class:`~openclaw_client.WsDisconnectedError`. Use one event loop per
    connection.
    """

    def __init__(
        self, conn: WsConnection, *, executor: Optional[concurrent.futures.Executor] = None
    ) -> None:
        self._conn = conn
        self._executor = executor
        self._events: "Optional[asyncio.Queue[Any]]" = None
        self._asked = 0
        self._demand = threading.Semaphore(0)
        self._pump_stop = threading.Event()
        self._pump: Optional[threading.Thread] = None
        self._ended: Optional[BaseException] = None

    @property
    def sync(self) -> WsConnection:
        """The blocking connection underneath."""
        return self._conn

    @property
    def hello(self) -> WsHello:
        """The gateway's ``hello-ok`` (see :attr:`WsConnection.hello`; no I/O)."""
        return self._conn.hello

    @property
    def closed(self) -> bool:
        """Whether :meth:`aclose` was called."""
        return self._conn.closed

    async def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, functools.partial(fn, *args, **kwargs)
        )

    async def call(
        self, method: str, params: Optional[Any] = None, timeout: Optional[float] = None
    ) -> Any:
        """Calls any gateway method (see :meth:`WsConnection.call`)."""
        return await self._call(self._conn.call, method, params, timeout)

    async def chat_send(self, session_key: str, message: str) -> str:
        """``chat.send``; returns the run id (see :meth:`WsConnection.chat_send`)."""
        return await self._call(self._conn.chat_send, session_key, message)

    async def chat_abort(self, session_key: str, run_id: Optional[str] = None) -> bool:
        """``chat.abort`` (see :meth:`WsConnection.chat_abort`)."""
        return await self._call(self._conn.chat_abort, session_key, run_id)

    async def chat_history(self, session_key: str, limit: Optional[int] = None) -> Dict[str, Any]:
        """``chat.history`` (see :meth:`WsConnection.chat_history`)."""
        return await self._call(self._conn.chat_history, session_key, limit)

    async def sessions_list(
        self, params: Optional[Mapping[str, Any]] = None, **more: Any
    ) -> Dict[str, Any]:
        """``sessions.list`` (see :meth:`WsConnection.sessions_list`)."""
        return await self._call(self._conn.sessions_list, params, **more)

    async def sessions_subscribe(self) -> None:
        """``sessions.subscribe`` (see :meth:`WsConnection.sessions_subscribe`)."""
        await self._call(self._conn.sessions_subscribe)

    async def sessions_messages_subscribe(self, session_key: str) -> None:
        """``sessions.messages.subscribe`` (see
        :meth:`WsConnection.sessions_messages_subscribe`)."""
        await self._call(self._conn.sessions_messages_subscribe, session_key)

    async def approval_list(self) -> List[Dict[str, Any]]:
        """``exec.approval.list`` (see :meth:`WsConnection.approval_list`)."""
        return await self._call(self._conn.approval_list)

    async def approval_resolve(
        self, approval_id: str, decision: Union[ApprovalDecision, str]
    ) -> None:
        """``exec.approval.resolve`` (see :meth:`WsConnection.approval_resolve`)."""
        await self._call(self._conn.approval_resolve, approval_id, decision)

    async def agents_list(self) -> Any:
        """``agents.list`` (see :meth:`WsConnection.agents_list`)."""
        return await self._call(self._conn.agents_list)

    async def models_list(self) -> Any:
        """``models.list`` (see :meth:`WsConnection.models_list`)."""
        return await self._call(self._conn.models_list)

    async def health(self) -> Any:
        """``health`` (see :meth:`WsConnection.health`)."""
        return await self._call(self._conn.health)

    async def chat_run(self, session_key: str, message: str) -> AsyncWsChatRun:
        """Sends ``message`` and returns an :class:`AsyncWsChatRun` following the run (see
        :meth:`WsConnection.chat_run`). Cancelled while the run is being opened, the run is
        aborted as soon as it is open."""
        loop = asyncio.get_running_loop()
        fut = loop.run_in_executor(self._executor, self._conn.chat_run, session_key, message)
        try:
            run = await asyncio.shield(fut)
        except asyncio.CancelledError:
            fut.add_done_callback(_abort_when_open)
            raise
        return AsyncWsChatRun(loop, run, self._executor)

    # -- events ---------------------------------------------------------------------------

    def _start_pump(self) -> "asyncio.Queue[Any]":
        if self._events is None:
            self._events = asyncio.Queue()
            if self._conn.closed:
                return self._events
            loop = asyncio.get_running_loop()
            self._pump = threading.Thread(
                target=self._pump_main, args=(loop,), name="openclaw-ws-events", daemon=True
            )
            self._pump.start()
        return self._events

    # Runs on the pump thread: pulls one event per unit of demand.
    def _pump_main(self, loop: asyncio.AbstractEventLoop) -> None:
        def stopped() -> bool:
            return self._pump_stop.is_set() or loop.is_closed()

        while not stopped():
            if not self._demand.acquire(timeout=_SLICE_S):
                continue
            while True:
                if stopped():
                    return
                item: Any
                try:
                    item = self._conn.next_event(_SLICE_S)
                except BaseException as e:  # closed or lost: handed to the consumer
                    item = e
                if item is None:
                    continue
                try:
                    loop.call_soon_threadsafe(self._deliver, item)
                except RuntimeError:  # the loop is closed
                    return
                if isinstance(item, BaseException):
                    return
                break

    def _deliver(self, item: Any) -> None:
        self._asked = max(0, self._asked - 1)
        if isinstance(item, BaseException):
            self._ended = item
        assert self._events is not None
        self._events.put_nowait(item)

    async def next_event(self, timeout: Optional[float] = None) -> Optional[WsEvent]:
        """Waits for the next event; ``None`` when none came within ``timeout`` seconds
        (``None``: wait until one comes). Raises
        :class:`~openclaw_client.WsDisconnectedError` once the connection is closed or lost
        and every queued event was taken."""
        if timeout is not None and timeout < 0:
            raise ValueError("timeouts cannot be negative")
        queue = self._start_pump()
        if queue.empty():
            if self._ended is not None:
                raise self._ended
            if self._pump is None or self._pump_stop.is_set():
                # Closed: no pump any more. What the library still holds comes at once, then
                # the closed connection raises (neither call waits).
                return self._conn.next_event(0)
            if self._asked == 0:
                self._asked += 1
                self._demand.release()
        try:
            if timeout is None:
                item = await queue.get()
            else:
                item = await asyncio.wait_for(queue.get(), timeout)
        except asyncio.TimeoutError:
            return None
        if isinstance(item, BaseException):
            raise item
        event: WsEvent = item
        return event

    async def _iter_events(self) -> AsyncIterator[WsEvent]:
        while True:
            try:
                ev = await self.next_event()
            except (OpenClawError, ValueError) as e:
                if self._conn.closed and (
                    isinstance(e, ValueError) or e.code == ResultCode.WS_DISCONNECTED
                ):
                    return
                raise
            if ev is not None:
                yield ev

    def __aiter__(self) -> AsyncIterator[WsEvent]:
        return self._iter_events()

    async def aclose(self) -> None:
        """Closes the connection (on a worker thread: it waits for the library's connection
        thread). Idempotent."""
        try:
            await self._call(self._conn.close)
        finally:
            # A pump waiting in the library was woken by the close and handed the error on;
            # an idle one ends now.
            self._pump_stop.set()

    async def __aenter__(self) -> "AsyncWsConnection":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def _abort_when_open(fut: "asyncio.Future[WsChatRun]") -> None:
    """Done callback: a run opened for a cancelled task is aborted and freed (off the loop)."""
    if fut.cancelled() or fut.exception() is not None:
        return
    run = fut.result()

    def abort() -> None:
        try:
            run.abort()
        except (OpenClawError, ValueError):
            pass
        finally:
            run.close()

    threading.Thread(target=abort, name="openclaw-ws-abort", daemon=True).start()


def _close_when_open(fut: "asyncio.Future[WsConnection]") -> None:
    """Done callback: a connection opened for a cancelled task is closed (off the loop)."""
    if fut.cancelled() or fut.exception() is not None:
        return
    conn = fut.result()
    threading.Thread(target=conn.close, name="openclaw-ws-close", daemon=True).start()


__all__ = ["AsyncWsChatRun", "AsyncWsConnection"]
