"""THE FLOOR: a bare loopback HTTP/1.1 keep-alive server that answers every request with one fixed response.

It reads the request headers and the Content-Length body and writes canned bytes: no parsing beyond
that, no routing, no validation. The time boto3 spends calling it is what any server costs at best, so
mocklambda's latency is reported as a ratio to it. It runs on asyncio streams in a background thread (in
the same process as the client, like MockServer under a pytest fixture). It must never do real work.
With `close_each_response`, it closes every connection after answering, as a server without keep-alive does.
"""
from __future__ import annotations

import asyncio
import threading
from types import TracebackType

from bench.operations import Operation

HEADER_END = b"\r\n\r\n"
MAX_HEADER_BYTES = 64 * 1024


def canned_response(operation: Operation, keep_alive: bool = True) -> bytes:
    """The complete HTTP response (status line, headers, body) for `operation`."""
    connection = "keep-alive" if keep_alive else "close"
    extra = "".join(f"{name}: {value}\r\n" for name, value in operation.headers)
    head = (
        "HTTP/1.1 200 OK\r\n"
        f"Content-Type: {operation.content_type}\r\n"
        f"Content-Length: {len(operation.body)}\r\n"
        "x-amzn-RequestId: 00000000-0000-0000-0000-000000000000\r\n"
        f"{extra}"
        f"Connection: {connection}\r\n"
        "\r\n"
    )
    return head.encode("ascii") + operation.body


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


class FloorServer:
    """Serves `operation`'s canned response to every request on 127.0.0.1:<free port> until stopped."""

    def __init__(self, operation: Operation, close_each_response: bool = False) -> None:
        self._response = canned_response(operation, keep_alive=not close_each_response)
        self._close_each_response = close_each_response
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="bench-floor", daemon=True)
        self._server: asyncio.Server | None = None
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}
        self.port = 0

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FloorServer:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._listen(), self._loop)
        self.port = future.result(timeout=5)
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(timeout=5)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
        self._loop.close()

    async def _listen(self) -> int:
        self._server = await asyncio.start_server(
            self._serve_connection, "127.0.0.1", 0, limit=MAX_HEADER_BYTES
        )
        return int(self._server.sockets[0].getsockname()[1])

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
        # Closing each transport ends its connection's read loop (EOF); cancelling the tasks instead trips
        # an asyncio bug on Python 3.11 (a traceback about CancelledError from streams.py).
        for writer in list(self._connections.values()):
            writer.close()
        await asyncio.wait_for(asyncio.gather(*self._connections, return_exceptions=True), timeout=5)

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections[task] = writer
        try:
            while True:
                head = await reader.readuntil(HEADER_END)
                length = _content_length(head)
                if length:
                    await reader.readexactly(length)
                writer.write(self._response)
                await writer.drain()
                if self._close_each_response:
                    break
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            self._connections.pop(task, None)
            writer.close()

    def __enter__(self) -> FloorServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
