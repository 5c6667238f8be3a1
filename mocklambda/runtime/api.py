"""The Lambda Runtime API (2018-06-01) of one execution environment, as a WSGI app (reference A2-A4).

Served on the environment's private loopback port; AWS_LAMBDA_RUNTIME_API points the process at it, so any
Runtime API client works unmodified (our bootstraps, awslambdaric, the Node.js client, curl in a shell).
This module speaks HTTP only: routes, status codes, headers and error bodies exactly as AWS/RIE answer. What a
request means for the invocation is the backend's (the ExecutionEnvironment's) decision.
Must not import services, protocol or gateway.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from mocklambda.runtime.results import MAX_RESPONSE_BYTES

logger = logging.getLogger(__name__)

_PREFIX = "/2018-06-01/runtime/"
_READ_PIECE = 65536
_INVOCATION = _PREFIX + "invocation/"
_STATUS_TEXT = {
    200: "200 OK", 202: "202 Accepted", 400: "400 Bad Request", 403: "403 Forbidden", 404: "404 Not Found",
    405: "405 Method Not Allowed", 413: "413 Request Entity Too Large", 500: "500 Internal Server Error",
}


@dataclass(frozen=True)
class Answer:
    """A Runtime API answer: status and JSON document."""

    status: int
    document: dict[str, str]


ACCEPTED = Answer(202, {"status": "OK"})
_ACCEPTED_BODY = json.dumps(ACCEPTED.document).encode()  # the answer to every /response: encoded once
INVALID_REQUEST_ID = Answer(400, {"errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"})
TOO_LARGE = Answer(413, {
    "errorMessage": f"Exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes).",
    "errorType": "RequestEntityTooLarge",
})


def invalid_state(source: str, target: str) -> Answer:
    # RIE's wording for a call that the runtime's current state does not allow.
    return Answer(403, {
        "errorType": "InvalidStateTransition",
        "errorMessage": f"State transition from {source} to {target} failed for runtime. "
                        "Error: State transition is not allowed",
    })


@dataclass(frozen=True)
class Event:
    """What /next hands over: the event bytes and the Lambda-Runtime-* headers."""

    payload: bytes
    headers: list[tuple[str, str]]


class Backend(Protocol):
    """The environment behind the API. Each call returns at once, except next_invocation (a long poll)."""

    def next_invocation(self) -> Event | Answer: ...

    def post_response(self, request_id: str, body: bytes, too_large: bool) -> Answer: ...

    def post_error(self, request_id: str, body: bytes, error_type: str | None) -> Answer: ...

    def post_init_error(self, body: bytes, error_type: str | None) -> Answer: ...


class RuntimeApi:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        try:
            answer = self._route(method, path, environ)
        except Exception:  # a bug here must not hang the runtime; it sees a 500, as from a broken sandbox
            logger.exception("Runtime API %s %s failed", method, path)
            answer = Answer(500, {"errorMessage": "Internal error", "errorType": "ServiceException"})
        if isinstance(answer, Event):
            headers = [*answer.headers, ("Content-Length", str(len(answer.payload)))]
            start_response(_STATUS_TEXT[200], headers)
            return [answer.payload]
        if answer is None:
            body = b"404 page not found\n"
            start_response(_STATUS_TEXT[404], [("Content-Type", "text/plain; charset=utf-8"),
                                                ("Content-Length", str(len(body)))])
            return [body]
        body = _ACCEPTED_BODY if answer is ACCEPTED else json.dumps(answer.document).encode()
        start_response(_STATUS_TEXT.get(answer.status, f"{answer.status} Error"), [
            ("Content-Type", "application/json"), ("Content-Length", str(len(body))),
        ])
        return [body]

    def _route(self, method: str, path: str, environ: dict[str, Any]) -> Event | Answer | None:
        if path == _INVOCATION + "next":
            if method != "GET":
                return Answer(405, {"errorMessage": "Method Not Allowed", "errorType": "MethodNotAllowed"})
            return self.backend.next_invocation()
        if path == _PREFIX + "init/error" and method == "POST":
            return self.backend.post_init_error(_read(environ), _error_type(environ))
        if path.startswith(_INVOCATION) and method == "POST":
            request_id, _, action = path[len(_INVOCATION):].partition("/")
            if action == "response":
                body = _read(environ, MAX_RESPONSE_BYTES + 1)
                return self.backend.post_response(request_id, body, len(body) > MAX_RESPONSE_BYTES)
            if action == "error":
                return self.backend.post_error(request_id, _read(environ), _error_type(environ))
        return None


def _read(environ: dict[str, Any], limit: int = MAX_RESPONSE_BYTES + 1) -> bytes:
    # The HTTP server drains whatever is left beyond the limit, so the connection stays usable.
    # Never read(limit) in one call: a buffered reader allocates the whole limit (6 MB) first, which cost more
    # than the rest of handling a small /response. Read the Content-Length, or pieces of a chunked body.
    stream = environ["wsgi.input"]
    length = environ.get("CONTENT_LENGTH")
    if length and length.isdigit() and "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        data: bytes = stream.read(min(int(length), limit))
        return data
    pieces: list[bytes] = []
    size = 0
    while size < limit:
        piece = stream.read(min(_READ_PIECE, limit - size))
        if not piece:
            break
        pieces.append(piece)
        size += len(piece)
    return b"".join(pieces)


def _error_type(environ: dict[str, Any]) -> str | None:
    value = environ.get("HTTP_LAMBDA_RUNTIME_FUNCTION_ERROR_TYPE")
    return str(value) if value else None
