"""The WSGI application: the only code that sees WSGI, and the only place that catches bare exceptions.

Turns each WSGI request into an AwsRequest, sends it to the internal endpoints or to a service, and turns the
AwsResponse back into WSGI. A bug anywhere below answers 500 InternalFailure in the caller's protocol, is
logged with its traceback, and is kept on the Emulator so mock_aws() and the fixtures re-raise it.
"""
from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

from werkzeug.datastructures import EnvironHeaders, Headers

from mocklambda.emulator import Emulator
from mocklambda.gateway import internal
from mocklambda.gateway.dispatch import dispatch
from mocklambda.gateway.routing import Route, build_index, identify
from mocklambda.protocol import AwsError, AwsRequest, AwsResponse, load_service_model
from mocklambda.protocol.codecs import serializer_for, supports
from mocklambda.protocol.http import IndexedHeaders
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
        request_id = str(uuid.uuid4())
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
    headers = IndexedHeaders(list(EnvironHeaders(environ).items()))
    stream = environ["wsgi.input"]
    length = environ.get("CONTENT_LENGTH")
    if length:
        body = stream.read(int(length))
    elif environ.get("wsgi.input_terminated"):
        body = stream.read()
    else:
        body = b""
    return AwsRequest(environ["REQUEST_METHOD"], path or "/", query, headers, body)


def _respond(request: AwsRequest, response: AwsResponse, start_response: StartResponse) -> Iterable[bytes]:
    headers = response.headers
    body = response.body
    if isinstance(body, bytes) and "Content-Length" not in headers:
        headers["Content-Length"] = str(len(body))
    status = f"{response.status} {_reason(response.status)}"
    start_response(status, list(headers.items()))
    if request.method == "HEAD":
        return [b""]
    return [body] if isinstance(body, bytes) else body


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


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
