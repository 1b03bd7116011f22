"""How ResponseHandler takes bytes in: flow control, its parser.

- A body larger than a read arrives whole, however the reads split it.
- A body buffer past its high-water mark stops the transport from reading,
  once the callbacks already due have run: a reader that empties the buffer
  in time leaves the transport reading.
- A kept-alive connection parses each response with the same parser as long
  as the responses are read the same way.
"""

from __future__ import annotations

import asyncio

from client_harness import raw_server, read_request, response

from aiohttp.client_proto import ResponseHandler

REQUEST = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"


class RecordingTransport(asyncio.Transport):
    """A transport that keeps what the protocol asks of it."""

    def __init__(self) -> None:
        super().__init__()
        self.paused = 0
        self.resumed = 0
        self.reading = True

    def pause_reading(self) -> None:
        self.paused += 1
        self.reading = False

    def resume_reading(self) -> None:
        self.resumed += 1
        self.reading = True

    def is_closing(self) -> bool:
        return False

    def is_reading(self) -> bool:
        return self.reading

    def write(self, data: bytes | bytearray | memoryview) -> None:
        pass

    def close(self) -> None:
        pass

    def get_extra_info(self, name: str, default: object = None) -> object:
        return default


def big_response(size: int) -> bytes:
    return f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n".encode()


async def test_a_full_buffer_stops_the_transport_after_the_callbacks_due() -> None:
    loop = asyncio.get_running_loop()
    proto = ResponseHandler(loop)
    transport = RecordingTransport()
    proto.connection_made(transport)
    proto.set_response_params(read_bufsize=1024)
    proto.data_received(big_response(4096) + b"x" * 3000)
    _, payload = await proto.read()
    assert transport.is_reading()  # the callbacks already due run first
    await asyncio.sleep(0)
    # Nobody read the 3000 bytes (more than twice 1024): reading stopped.
    assert not transport.is_reading()
    assert transport.paused == 1
    assert await payload.read(3000) == b"x" * 3000
    assert transport.is_reading()  # below the low-water mark again
    proto.data_received(b"y" * 1096)
    assert await payload.read() == b"y" * 1096
    proto.close()


async def test_a_reader_that_keeps_up_never_stops_the_transport() -> None:
    loop = asyncio.get_running_loop()
    proto = ResponseHandler(loop)
    transport = RecordingTransport()
    proto.connection_made(transport)
    proto.set_response_params(read_bufsize=1024)
    proto.data_received(big_response(6000) + b"x" * 3000)
    _, payload = await proto.read()
    # The pause was asked for, but the buffer is emptied before it is due.
    assert await payload.read(3000) == b"x" * 3000
    proto.data_received(b"y" * 3000)
    assert await payload.read(3000) == b"y" * 3000
    await asyncio.sleep(0)
    assert transport.paused == 0
    assert transport.is_reading()
    assert await payload.read() == b""
    proto.close()


async def test_a_body_larger_than_a_read_arrives_whole() -> None:
    body = bytes(range(256)) * 1200  # larger than one read (256 KiB)

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_request(reader)
        writer.write(response(body))
        await writer.drain()
        await reader.read()

    async with raw_server(handler) as server:
        loop = asyncio.get_running_loop()
        transport, proto = await loop.create_connection(
            lambda: ResponseHandler(loop), "127.0.0.1", server.url.port or 0
        )
        try:
            proto.set_response_params()
            transport.write(REQUEST)
            _, payload = await asyncio.wait_for(proto.read(), 5)
            assert await asyncio.wait_for(payload.read(), 5) == body
            assert not proto.should_close
        finally:
            proto.close()


async def test_one_parser_reads_the_responses_read_the_same_way() -> None:
    loop = asyncio.get_running_loop()
    proto = ResponseHandler(loop)
    proto.connection_made(RecordingTransport())
    proto.set_response_params(read_until_eof=True)
    parser = proto._parser
    proto.data_received(response(b"one"))
    _, payload = await proto.read()
    assert await payload.read() == b"one"

    proto.set_response_params(read_until_eof=True)
    assert proto._parser is parser
    proto.data_received(response(b"two"))
    _, payload = await proto.read()
    assert await payload.read() == b"two"

    # Read another way (a HEAD: no body whatever the length says).
    proto.set_response_params(skip_payload=True)
    assert proto._parser is not parser
    proto.data_received(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")
    message, payload = await proto.read()
    assert message.headers["Content-Length"] == "5"
    assert await payload.read() == b""
    assert not proto.should_close
    proto.close()


async def test_a_parser_left_in_a_body_is_not_reused() -> None:
    loop = asyncio.get_running_loop()
    proto = ResponseHandler(loop)
    proto.connection_made(RecordingTransport())
    proto.set_response_params()
    parser = proto._parser
    proto.data_received(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf")
    await proto.read()
    proto.set_response_params()
    assert proto._parser is not parser
    proto.close()
