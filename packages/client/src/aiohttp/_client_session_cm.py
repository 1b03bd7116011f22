"""What ``session.get(...)`` and ``aiohttp.request(...)`` return.

Each wraps the coroutine that performs the request, so the result can be
awaited (``resp = await session.get(url)``), scheduled as a task, or used as
``async with session.get(url) as resp:``, which releases the response (or
closes the WebSocket, or the one-shot session) on the way out.
"""

from __future__ import annotations

from collections.abc import Coroutine, Generator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from .client import ClientSession
    from .client_reqrep import ClientResponse
    from .client_ws import ClientWebSocketResponse

__all__ = (
    "_BaseRequestContextManager",
    "_RequestContextManager",
    "_SessionRequestContextManager",
    "_WSRequestContextManager",
)

_RetType = TypeVar("_RetType", "ClientResponse", "ClientWebSocketResponse")


class _BaseRequestContextManager(Coroutine[Any, Any, _RetType], Generic[_RetType]):
    """A request's coroutine that is also an async context manager."""

    __slots__ = ("_coro", "_resp")

    def __init__(self, coro: Coroutine[Any, Any, _RetType]) -> None:
        self._coro: Coroutine[Any, Any, _RetType] = coro

    # The coroutine protocol passes values through untouched: Any in, Any out.
    def send(self, arg: Any) -> Any:  # noqa: ANN401
        """Drive the wrapped coroutine (coroutine protocol)."""
        return self._coro.send(arg)

    def throw(self, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        """Raise into the wrapped coroutine (coroutine protocol)."""
        return self._coro.throw(*args, **kwargs)

    def close(self) -> None:
        """Close the wrapped coroutine (coroutine protocol)."""
        self._coro.close()

    def __await__(self) -> Generator[Any, None, _RetType]:
        return self._coro.__await__()

    async def __aenter__(self) -> _RetType:
        self._resp: _RetType = await self._coro
        return self._resp


class _RequestContextManager(_BaseRequestContextManager["ClientResponse"]):
    """``session.get(...)``: a response that is released after ``async with``."""

    __slots__ = ()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # The exception may come from the caller's own code, so it says
        # nothing about the connection: release it (back to the pool when
        # the body was read, closed otherwise) and let errors of the
        # connection itself be handled where they occur.
        self._resp.release()
        await self._resp.wait_for_close()


class _WSRequestContextManager(_BaseRequestContextManager["ClientWebSocketResponse"]):
    """``session.ws_connect(...)``: a WebSocket closed after ``async with``."""

    __slots__ = ()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._resp.close()


class _SessionRequestContextManager:
    """``aiohttp.request(...)``: a response together with its own session.

    Leaving the block closes both; a failed request closes the session at
    once.
    """

    __slots__ = ("_coro", "_resp", "_session")

    def __init__(
        self, coro: Coroutine[Any, Any, ClientResponse], session: ClientSession
    ) -> None:
        self._coro = coro
        self._session = session

    async def __aenter__(self) -> ClientResponse:
        try:
            self._resp = await self._coro
        except BaseException:
            await self._session.close()
            raise
        return self._resp

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._resp.close()
        await self._session.close()
