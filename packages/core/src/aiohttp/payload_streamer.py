"""The ``streamer`` decorator (aiohttp.payload_streamer), deprecated.

``@streamer`` turns ``async def f(writer, *args, **kwargs)`` into a body
factory: ``f(*args, **kwargs)`` returns an object that can be sent as a
request or response body, and sending it awaits ``f(writer, *args,
**kwargs)`` with the message's ``AbstractStreamWriter``. An async generator
passed as the body does the same job without a decorator, which is why
decorating warns.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from .abc import AbstractStreamWriter
from .helpers import sentinel
from .payload import Payload, payload_type
from .typedefs import LooseHeaders

if TYPE_CHECKING:
    # The type of helpers.sentinel, for annotations only.
    from ._sentinel import _SENTINEL

__all__ = ("streamer",)

_WriterFunction = Callable[..., Awaitable[None]]


class _StreamWrapper:
    """A decorated function bound to its arguments, waiting for a writer."""

    __slots__ = ("_args", "_function", "_kwargs")

    def __init__(
        self,
        function: _WriterFunction,
        args: tuple[object, ...],
        kwargs: dict[str, object],
    ) -> None:
        self._function = function
        self._args = args
        self._kwargs = kwargs

    async def __call__(self, writer: AbstractStreamWriter) -> None:
        await self._function(writer, *self._args, **self._kwargs)


class streamer:  # noqa: N801 - aiohttp's name: it is used as a decorator
    """Decorate ``async def f(writer, ...)`` so ``f(...)`` can be sent as a body.

    Deprecated: decorating emits a ``DeprecationWarning``; pass an async
    generator of bytes as the body instead.
    """

    def __init__(self, function: _WriterFunction) -> None:
        warnings.warn(
            "streamer is deprecated, use async generators instead",
            DeprecationWarning,
            stacklevel=2,
        )
        self._function = function
        functools.update_wrapper(self, function)

    def __call__(self, *args: object, **kwargs: object) -> _StreamWrapper:
        """Bind the arguments; the writer comes when the body is sent."""
        return _StreamWrapper(self._function, args, kwargs)


@payload_type(_StreamWrapper)
class StreamWrapperPayload(Payload):
    """The body a ``streamer`` function writes; its size is unknown (chunked)."""

    _value: _StreamWrapper

    async def write(self, writer: AbstractStreamWriter) -> None:
        """Run the decorated function with ``writer``."""
        await self._value(writer)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """Raise ``TypeError``: the body exists only once it is written."""
        raise TypeError("Unable to decode: a streamer's body exists once written")


@payload_type(streamer)
class StreamPayload(StreamWrapperPayload):
    """A ``streamer``-decorated function passed uncalled: called with no args."""

    def __init__(
        self,
        value: streamer,
        headers: LooseHeaders | None = None,
        content_type: str | _SENTINEL | None = sentinel,
        filename: str | None = None,
        encoding: str | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(value(), headers, content_type, filename, encoding, **kwargs)
