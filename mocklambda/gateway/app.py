"""The WSGI application: the only code that sees WSGI, and the only place that catches bare exceptions.

Turns each WSGI request into an AwsRequest, sends it to the internal endpoints or to a service, and turns the
AwsResponse back into WSGI. A bug anywhere below answers 500 InternalFailure in the caller's protocol, is
logged with its traceback, and is kept on the Emulator so mock_aws() and the fixtures re-raise it.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

from werkzeug.datastructures import Headers

from mocklambda.emulator import Emulator
from mocklambda.gateway import internal
from mocklambda.gateway.dispatch import dispatch
from mocklambda.gateway.routing import Route, build_index, identify
from mocklambda.protocol import AwsError, AwsRequest, AwsResponse, load_service_model
from mocklambda.protocol.codecs import serializer_for, supports
from mocklambda.protocol.http import IndexedHeaders
from mocklambda.protocol.ids import new_uuid4
from mocklambda.protocol.models import available_services

logger = logging.getLogger(__name__)

StartResponse = Callable[..., Any]


class Gateway:
    def __init__(self, emulator: Emulator, endpoint_url: str = "") -> None:
        self.emulator = emulator
        self.endpoint_url = endpoint_url
        self._index = build_index(tuple(emulator.providers))

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = _aws_request(environ)
        request_id = new_uuid4()
        route: Route | None = None
        try:
            if request.path.startswith(internal.PREFIX):
                response = internal.handle(self.emulator, request)
            else:
                route = identify(request, self._index)
                response = self._to_service(route, request, request_id)
        except Exception as exc:  # noqa: BLE001 - the error boundary: a bug must not become an HTML 500
            logger.exception("internal error handling %s %s", request.method, request.path)
            self.emulator.record_error(exc)
            response = _internal_failure(route, request_id, exc)
        return _respond(request, response, start_response)

    def _to_service(self, route: Route, request: AwsRequest, request_id: str) -> AwsResponse:
        if route.service is None:
            return _unknown_service(route, request_id)
        return dispatch(self.emulator, route, request, request_id, self._endpoint_for(request))

    def _endpoint_for(self, request: AwsRequest) -> str:
        """The endpoint the caller used, for URLs we hand out (queue URLs, code locations); the server's own
        when the caller addressed an AWS host name that mock_aws() redirected here."""
        host = request.host
        if host and "amazonaws.com" not in host:
            return f"http://{host}"
        return self.endpoint_url


def _aws_request(environ: dict[str, Any]) -> AwsRequest:
    raw_uri = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if raw_uri:
        path, _, query = raw_uri.partition("?")
        if "://" in path:  # absolute-form request target
            path = "/" + path.split("://", 1)[1].partition("/")[2]
    else:
        path = quote(environ.get("PATH_INFO", "/"))
        query = environ.get("QUERY_STRING", "")
    headers = _headers(environ)
    stream = environ["wsgi.input"]
    length = environ.get("CONTENT_LENGTH")
    if length:
        body = stream.read(int(length))
    elif environ.get("wsgi.input_terminated"):
        body = stream.read()
    else:
        body = b""
    return AwsRequest(environ["REQUEST_METHOD"], path or "/", query, headers, body)


def _headers(environ: dict[str, Any]) -> IndexedHeaders:
    """IndexedHeaders(list(EnvironHeaders(environ).items())), built without werkzeug's per-header generator
    and per-value checks in Headers.extend when every value is plain text: a hot path."""
    fields: list[tuple[str, str]] = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            if key not in _HTTP_CONTENT:
                name = _HEADER_NAMES.get(key)
                if name is None:
                    name = key[5:].replace("_", "-").title()
                    if len(_HEADER_NAMES) < _MAX_HEADER_NAMES:
                        _HEADER_NAMES[key] = name
                fields.append((name, value))
        elif key in _CONTENT and value:
            fields.append((_CONTENT[key], value))
    if any(type(value) is not str or "\n" in value or "\r" in value for _, value in fields):
        return IndexedHeaders(fields)  # werkzeug converts or refuses these values: let it, as before
    headers = IndexedHeaders()
    headers._list = fields
    return headers


_HTTP_CONTENT = frozenset({"HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"})
_CONTENT = {"CONTENT_TYPE": "Content-Type", "CONTENT_LENGTH": "Content-Length"}
# environ key -> header name; bounded in practice (clients send a few dozen distinct header names), but capped
# so a client sending endless distinct names cannot grow it without limit.
_HEADER_NAMES: dict[str, str] = {}
_MAX_HEADER_NAMES = 1024


def _respond(request: AwsRequest, response: AwsResponse, start_response: StartResponse) -> Iterable[bytes]:
    headers = response.headers
    body = response.body
    items = list(headers.items())
    # A scan of the list instead of `"Content-Length" in headers`, which for a missing name makes werkzeug
    # build and catch a BadRequestKeyError; add() appends exactly as the assignment would for a missing name.
    if isinstance(body, bytes) and not any(name.lower() == "content-length" for name, _ in items):
        length = str(len(body))
        headers.add("Content-Length", length)
        items.append(("Content-Length", length))
    status = f"{response.status} {_reason(response.status)}"
    start_response(status, items)
    if request.method == "HEAD":
        return [b""]
    return [body] if isinstance(body, bytes) else body


_REASONS = {status.value: status.phrase for status in HTTPStatus}  # a dict lookup, not an enum call per response


def _reason(status: int) -> str:
    return _REASONS.get(status, "Unknown")


def _unknown_service(route: Route, request_id: str) -> AwsResponse:
    name = route.signing_name or "?"
    error = AwsError(
        "UnknownServiceException",
        f"mocklambda does not serve the service '{name}'; it serves lambda, s3, dynamodb, dynamodbstreams, "
        "sns and sqs",
        400,
    )
    if name in available_services():
        protocol = load_service_model(name).protocol
        if supports(name):
            return serializer_for(name).serialize_error(error, None, request_id)
        if protocol == "ec2":
            return _ec2_error(error, request_id)
    return _plain_error(error, request_id)


def _internal_failure(route: Route | None, request_id: str, exc: Exception) -> AwsResponse:
    error = AwsError(
        "InternalFailure",
        f"mocklambda hit a bug ({type(exc).__name__}: {exc}); the traceback is in the server log",
        500,
        sender_fault=False,
    )
    if route is not None and route.service is not None:
        try:
            load_service_model(route.service)
            return serializer_for(route.service).serialize_error(error, None, request_id)
        except Exception:  # noqa: BLE001 - fall back to a plain error rather than fail twice
            logger.exception("could not serialize the internal failure")
    return _plain_error(error, request_id)


def _ec2_error(error: AwsError, request_id: str) -> AwsResponse:
    """The EC2 protocol's error document, so EC2 clients can read why they were refused."""
    body = (
        f"<Response><Errors><Error><Code>{escape(error.code)}</Code><Message>{escape(error.message)}</Message>"
        f"</Error></Errors><RequestID>{request_id}</RequestID></Response>"
    ).encode()
    return AwsResponse(error.status or 400, Headers({"Content-Type": "text/xml"}), body)


def _plain_error(error: AwsError, request_id: str) -> AwsResponse:
    body = {"__type": error.code, "message": error.message, "RequestId": request_id}
    headers = Headers({"Content-Type": "application/json", "x-amzn-RequestId": request_id,
                       "x-amzn-ErrorType": error.code})
    return AwsResponse(error.status or 400, headers, json.dumps(body).encode())
