"""Round-trip helpers: valid values generated from botocore's shapes, and botocore's own client-side
serializer and response parser, so our protocol layer is checked against the real thing.

`generate(shape)` builds a deterministic valid value for any input or output shape;
`botocore_request(...)` turns params into the AwsRequest a boto3 client would send;
`botocore_parse(...)` parses our AwsResponse the way a boto3 client would.
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import botocore.session
from botocore.awsrequest import AWSResponse, HeadersDict, create_request_object, prepare_request_dict
from botocore.config import Config
from botocore.model import OperationModel, Shape
from botocore.parsers import create_parser
from botocore.response import StreamingBody
from botocore.serialize import create_serializer
from werkzeug.datastructures import Headers

from mocklambda.protocol.codecs import parser_for, serializer_for
from mocklambda.protocol.errors import AwsError
from mocklambda.protocol.http import AwsRequest, AwsResponse

ENDPOINT = "http://127.0.0.1:4566"
TIMESTAMP = dt.datetime(2024, 5, 17, 12, 30, 45, tzinfo=dt.UTC)


def generate(shape: Shape, depth: int = 0, name: str = "v") -> Any:
    """A valid value for `shape`: every member set (to depth 3, so recursive shapes end), enums respected,
    lengths and ranges within their bounds. Values are plain enough to survive every wire format."""
    kind = shape.type_name
    if kind == "structure":
        members = shape.members
        if shape.metadata.get("union"):
            first = next(iter(members))
            return {first: generate(members[first], depth + 1, first)}
        if depth > 3:
            required = shape.required_members
            return {m: generate(members[m], depth + 1, m) for m in required}
        return {m: generate(s, depth + 1, m) for m, s in members.items() if not _skipped(s)}
    if kind == "list":
        count = max(1, min(2, shape.metadata.get("max", 2)))
        if depth > 4:
            count = max(0, shape.metadata.get("min", 0))
        return [generate(shape.member, depth + 1, f"{name}{i}") for i in range(count)]
    if kind == "map":
        key = generate(shape.key, depth + 1, "key")
        return {key: generate(shape.value, depth + 1, "value")} if depth <= 4 else {}
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        if shape.metadata.get("jsonvalue"):
            return {"k": "v"}
        lo = shape.metadata.get("min", 1)
        hi = shape.metadata.get("max", 64)
        text = f"{name}-x"
        while len(text) < lo:
            text += "x"
        return text[: max(hi, lo)] if hi else text
    if kind in ("integer", "long"):
        lo = int(shape.metadata.get("min", 0))
        hi = int(shape.metadata.get("max", lo + 7))
        return min(max(lo, 7), hi)
    if kind in ("float", "double"):
        return 1.5
    if kind == "boolean":
        return True
    if kind == "blob":
        size = max(3, shape.metadata.get("min", 0))
        return (b"\x00\x01\xfe" * size)[:size] if shape.metadata.get("max", 3) >= size else b"\x00"
    if kind == "timestamp":
        return TIMESTAMP
    raise AssertionError(f"no generator for shape type {kind}")


def _skipped(shape: Shape) -> bool:
    # Event streams are not request/response bodies we serve.
    return bool(shape.metadata.get("eventstream"))


def generated_input(operation: OperationModel) -> Any:
    """Valid params for `operation` (`generate` of its input shape; {} when it takes none)."""
    return generate(operation.input_shape) if operation.input_shape is not None else {}


def generated_output(operation: OperationModel) -> Any:
    """A valid result of `operation` (`generate` of its output shape; {} when it returns none)."""
    return generate(operation.output_shape) if operation.output_shape is not None else {}


def without_event_streams(operation: OperationModel, values: dict[str, Any]) -> dict[str, Any]:
    """`values` (output members) without the event-stream members, which are not response bodies we serve."""
    shape = operation.output_shape
    if shape is None:
        return values
    return {
        key: value for key, value in values.items()
        if key not in shape.members or not shape.members[key].serialization.get("eventstream")
    }


def botocore_request(operation: OperationModel, params: dict[str, Any]) -> AwsRequest:
    """Serialize `params` exactly as a boto3 client does, and return what would arrive at the server."""
    protocol = operation.service_model.protocol
    serializer = create_serializer(protocol, include_validation=False)
    request_dict = serializer.serialize_to_request(params, operation)
    prepare_request_dict(request_dict, endpoint_url=ENDPOINT)
    prepared = create_request_object(request_dict).prepare()
    url = prepared.url
    after_host = url.split("://", 1)[1]
    path_and_query = after_host[after_host.index("/") :] if "/" in after_host else "/"
    path, _, query = path_and_query.partition("?")
    body = prepared.body
    if body is None:
        body = b""
    elif isinstance(body, str):
        body = body.encode("utf-8")
    elif hasattr(body, "read"):
        body = body.read()
    headers = Headers()
    for key, value in prepared.headers.items():
        headers.add(key, value.decode() if isinstance(value, bytes) else value)
    headers.setdefault("Host", "127.0.0.1:4566")
    return AwsRequest(method=prepared.method, path=path, query=query, headers=headers, body=bytes(body))


def botocore_parse(operation: OperationModel, response: AwsResponse) -> dict[str, Any]:
    """Parse our response as a boto3 client would; drops ResponseMetadata and reads streaming bodies."""
    protocol = operation.service_model.protocol
    parser = create_parser(protocol)
    body = response.body if isinstance(response.body, bytes) else b"".join(response.body)
    output_shape = operation.output_shape
    http_response: dict[str, Any] = {
        "status_code": response.status,
        # Case-insensitive, as the HeadersDict a real client hands to its parser.
        "headers": HeadersDict({k.lower(): v for k, v in response.headers.items()}),
        "body": body,
        "context": {"operation_name": operation.name},  # as a real client passes it (event streams need it)
    }
    if output_shape is not None and output_shape.serialization.get("payload"):
        payload = output_shape.members[output_shape.serialization["payload"]]
        if payload.type_name in ("blob", "string") and payload.serialization.get("streaming", False) or (
            payload.type_name == "blob"
        ):
            http_response["body"] = StreamingBody(io.BytesIO(body), len(body))
    parsed = parser.parse(http_response, output_shape)
    parsed.pop("ResponseMetadata", None)
    for key, value in list(parsed.items()):
        if isinstance(value, StreamingBody):
            parsed[key] = value.read()
    return parsed


# -- real clients answered in-process ---------------------------------------------------------------------


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_kwargs: Any) -> Any:
        yield self._data


def _aws_request(prepared: Any) -> AwsRequest:
    url = urlsplit(prepared.url)
    body = prepared.body or b""
    body = body.encode() if isinstance(body, str) else body.read() if hasattr(body, "read") else body
    headers = Headers([(k, v.decode() if isinstance(v, bytes) else v) for k, v in prepared.headers.items()])
    return AwsRequest(prepared.method, url.path or "/", url.query, headers, bytes(body))


Answer = Callable[[str, dict[str, Any]], dict[str, Any]]


class LoopbackClient:
    """A real botocore client whose requests our parser reads and whose answers our serializer writes, so a
    test sees exactly what a boto3 user would (modelled exception classes, CRC checks, error fields)."""

    def __init__(self, session: botocore.session.Session, service: str) -> None:
        self.answer: Answer = lambda _name, _params: {}
        self.seen: list[tuple[str, dict[str, Any]]] = []
        self._parser, self._serializer = parser_for(service), serializer_for(service)
        self.client = session.create_client(
            service,
            region_name="us-east-1",
            endpoint_url="http://127.0.0.1:1",
            aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
            aws_secret_access_key="fake-secret",
            config=Config(retries={"total_max_attempts": 1}),
        )
        self.client.meta.events.register("before-send", self._send)

    def _send(self, request: Any, **_kwargs: Any) -> AWSResponse:
        operation, params = self._parser.parse(_aws_request(request))
        self.seen.append((operation.name, params))
        try:
            response = self._serializer.serialize_response(operation, self.answer(operation.name, params), "r")
        except AwsError as error:
            response = self._serializer.serialize_error(error, operation, "r")
        body = response.body if isinstance(response.body, bytes) else b"".join(response.body)
        return AWSResponse(request.url, response.status, dict(response.headers.items()), _Raw(body))
