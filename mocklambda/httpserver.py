"""A small threaded HTTP/1.1 server for a WSGI app, with keep-alive.

Why not Werkzeug's server: it always answers `Connection: close`, so every boto3 call would pay a new TCP
connection and a new thread (about 2x the cost of the call itself). This handler keeps connections open,
always consumes the whole request body before the next request line, writes small responses in one send
with TCP_NODELAY (Nagle + delayed ACK would add ~40 ms per call otherwise), and streams large ones.
It knows nothing of AWS; the WSGI app (gateway/) does all the work.
"""
from __future__ import annotations

import contextlib
import email.utils
import io
import logging
import re
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import unquote

logger = logging.getLogger(__name__)

# A header field name as email.feedparser's header-line pattern accepts it (printable ASCII but ":").
_FIELD_NAME = re.compile(r"[\041-\071\073-\176]*\Z")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# A keep-alive connection idle this long is closed by the server (clients reconnect transparently).
IDLE_CONNECTION_TIMEOUT = 120.0
# Responses up to this size go out in one send together with their headers.
_SINGLE_SEND_LIMIT = 64 * 1024
# http.client.parse_headers()'s limits, which BaseHTTPRequestHandler.parse_request() applies.
_MAX_LINE = 65536
_MAX_HEADERS = 100
_END_OF_HEADERS = (b"\r\n", b"\n", b"")


class _RequestHeaders:
    """The request's header fields, as the email.message.Message that parse_request() builds would give them
    (`get()`: the first field of that name, any case; `items()`: all, in order), without the email package's
    parser, the costliest part of handling a small request: there are three per warm Lambda invoke (the API
    call, the runtime's /next and its /response)."""

    __slots__ = ("_fields", "_first")

    def __init__(self, fields: list[tuple[str, str]]) -> None:
        self._fields = fields
        self._first: dict[str, str] = {}
        for name, value in fields:
            self._first.setdefault(name.lower(), value)

    def get(self, name: str, default: Any = None) -> Any:
        return self._first.get(name.lower(), default)

    def items(self) -> list[tuple[str, str]]:
        return list(self._fields)


_date_cache: tuple[int, str] = (0, "")


def _date_header() -> str:
    """The Date header's value, formatted once per second (email.utils.formatdate costs microseconds on
    every response otherwise; two responses per warm Lambda invoke wait on it)."""
    global _date_cache
    now = int(time.time())
    second, text = _date_cache
    if second != now:
        text = email.utils.formatdate(now, usegmt=True)
        _date_cache = (now, text)
    return text


class _HeaderError(Exception):
    pass


def _read_headers(rfile: Any) -> _RequestHeaders:
    """Header lines up to the empty line, parsed as the email package's compat32 policy does: a folded line
    continues the field before it (CRLF kept), the value loses its leading blanks and trailing CR/LF, and a
    line that is not a field ends the fields (the rest up to the empty line is read and ignored)."""
    lines: list[str] = []
    while True:
        line = rfile.readline(_MAX_LINE + 1)
        if len(line) > _MAX_LINE:
            raise _HeaderError("Line too long", f"got more than {_MAX_LINE} bytes when reading header line")
        if line in _END_OF_HEADERS:
            break
        lines.append(line.decode("iso-8859-1"))
        if len(lines) > _MAX_HEADERS:
            raise _HeaderError("Too many headers", f"got more than {_MAX_HEADERS} headers")
    fields: list[tuple[str, str]] = []
    for text in lines:
        if text[0] in " \t":
            if fields:
                name, value = fields[-1]
                fields[-1] = (name, value + text)
            continue  # a continuation with nothing to continue is skipped
        if text.startswith("From "):  # an mbox envelope line: skipped
            continue
        name, colon, value = text.partition(":")
        if not colon or not _FIELD_NAME.match(name):
            break
        if name:  # a line starting with ":" is skipped
            fields.append((name, value.lstrip(" \t")))
    return _RequestHeaders([(name, value.rstrip("\r\n")) for name, value in fields])


class _ChunkedReader(io.RawIOBase):
    """Reads a `Transfer-Encoding: chunked` request body as plain bytes."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._left = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._done:
            return 0
        if self._left == 0:
            size_line = self._stream.readline(65537)
            self._left = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
            if self._left == 0:
                while self._stream.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                self._done = True
                return 0
        data = self._stream.read(min(len(buffer), self._left))
        if not data:
            self._done = True
            return 0
        buffer[: len(data)] = data
        self._left -= len(data)
        if self._left == 0:
            self._stream.readline(3)  # the CRLF after each chunk
        return len(data)


class _LimitedReader(io.RawIOBase):
    """Reads at most Content-Length bytes, so the next request line is never consumed."""

    def __init__(self, stream: Any, length: int) -> None:
        self._stream = stream
        self.left = length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.left <= 0:
            return 0
        data = self._stream.read(min(len(buffer), self.left))
        buffer[: len(data)] = data
        self.left -= len(data)
        return len(data)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = IDLE_CONNECTION_TIMEOUT
    server: HttpServer

    def handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if len(self.raw_requestline) > 65536:
                self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
            self._run_wsgi()
        except (TimeoutError, ConnectionError, OSError):
            self.close_connection = True

    def parse_request(self) -> bool:
        """BaseHTTPRequestHandler.parse_request() for HTTP/1.x (HTTP/0.9 and 2+ are refused as it refuses
        them), with the headers read by _read_headers() instead of the email package."""
        self.command = None  # type: ignore[assignment]  # as the base class: set in case of error
        self.request_version = version = self.default_request_version
        self.close_connection = True
        requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        self.requestline = requestline
        words = requestline.split()
        if not words:
            return False
        if len(words) >= 3:
            version = words[-1]
            try:
                if not version.startswith("HTTP/"):
                    raise ValueError
                base_version_number = version.split("/", 1)[1]
                numbers = base_version_number.split(".")
                if len(numbers) != 2 or any(not n.isdigit() or len(n) > 10 for n in numbers):
                    raise ValueError
                version_number = int(numbers[0]), int(numbers[1])
            except (ValueError, IndexError):
                self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request version ({version!r})")
                return False
            if version_number >= (1, 1):
                self.close_connection = False
            if version_number >= (2, 0):
                self.send_error(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED,
                                f"Invalid HTTP version ({base_version_number})")
                return False
            self.request_version = version
        if not 2 <= len(words) <= 3:
            self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request syntax ({requestline!r})")
            return False
        command, path = words[:2]
        if len(words) == 2:
            self.close_connection = True
            if command != "GET":
                self.send_error(HTTPStatus.BAD_REQUEST, f"Bad HTTP/0.9 request type ({command!r})")
                return False
        self.command, self.path = command, path
        if self.path.startswith("//"):  # gh-87389, as the base class
            self.path = "/" + self.path.lstrip("/")
        try:
            self.headers = _read_headers(self.rfile)  # type: ignore[assignment]
        except _HeaderError as err:
            self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, *err.args)
            return False
        connection = self.headers.get("Connection", "").lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive":
            self.close_connection = False
        expect = self.headers.get("Expect", "")
        if expect.lower() == "100-continue" and self.request_version >= "HTTP/1.1":
            return self.handle_expect_100()
        return True

    def _body_reader(self) -> io.BufferedReader:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return io.BufferedReader(_ChunkedReader(self.rfile))
        length = int(self.headers.get("Content-Length") or 0)
        return io.BufferedReader(_LimitedReader(self.rfile, length))

    def _environ(self, body: io.BufferedReader) -> dict[str, Any]:
        path, _, query = self.path.partition("?")
        host, port = self.server.server_address[:2]
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(path, "latin-1"),
            "QUERY_STRING": query,
            "REQUEST_URI": self.path,
            "RAW_URI": self.path,
            "SERVER_NAME": str(host),
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0],
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": body,
            "wsgi.input_terminated": True,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in self.headers.items():
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value
            else:
                key = "HTTP_" + key
                environ[key] = f"{environ[key]},{value}" if key in environ else value
        return environ

    def _run_wsgi(self) -> None:
        body = self._body_reader()
        response: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
            response["status"], response["headers"] = status, headers
            return lambda data: None  # the legacy write() callable is not used by our app

        result = self.server.app(self._environ(body), start_response)
        try:
            self._write_response(response["status"], response["headers"], result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
            while body.read(65536):  # drain what the app did not read, so the next request parses
                pass

    def _write_response(self, status: str, headers: list[tuple[str, str]], result: Iterable[bytes]) -> None:
        names = {name.lower() for name, _ in headers}
        chunks = iter(result)
        first = next(chunks, b"")
        streamed = "content-length" not in names and self.command != "HEAD"
        lines = [f"HTTP/1.1 {status}"] + [f"{name}: {value}" for name, value in headers]
        lines.append(f"Date: {_date_header()}")
        if streamed:
            lines.append("Transfer-Encoding: chunked")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if not streamed and len(first) <= _SINGLE_SEND_LIMIT:
            self.wfile.write(head + first)
        else:
            self.wfile.write(head)
            self._write_chunk(first, streamed)
        for chunk in chunks:
            self._write_chunk(chunk, streamed)
        if streamed:
            self.wfile.write(b"0\r\n\r\n")

    def _write_chunk(self, data: bytes, streamed: bool) -> None:
        if not data:
            return
        if streamed:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        else:
            self.wfile.write(data)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        logger.debug("%s - " + format, self.address_string(), *args)


class HttpServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """Serves `app` on (host, port); port 0 picks a free one. `stop()` also ends idle keep-alive
    connections, so no handler thread outlives the server."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, host: str, port: int, app: WsgiApp) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), _Handler)  # binds: raises OSError when the port is taken
        self.app = app
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def stop(self) -> None:
        """Stop accepting, end open connections, release the port. Returns promptly."""
        stopper = threading.Thread(target=self.shutdown, daemon=True)
        stopper.start()
        self._wake_accept_loop()
        stopper.join(timeout=5)
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self.server_close()

    def _wake_accept_loop(self) -> None:
        # serve_forever() notices shutdown only when its select() returns: a connection makes it return now.
        host, port = self.server_address[:2]
        with contextlib.suppress(OSError):
            socket.create_connection((str(host), int(port)), timeout=1).close()
