"""What the rest-json and rest-xml protocols share: routing and the non-body parts of a message.

What it does:
- `Router` / `router_for(service_model)`: matches (method, path, query string, headers) to an operation from the
  model's `http.requestUri` templates: labels `{Name}`, greedy labels `{Key+}`, literal query parts such as
  `?uploads` or `?list-type=2` (they must be present to match). Among matches the most specific wins: more
  literal query keys, then more literal path segments, then no greedy label, then more of the operation's
  required querystring/header members present, fewer of them missing, more of its query keys present,
  not deprecated, and finally model order. Built once per service model and cached.
- `parse_location_members(...)`: URI labels (percent-decoded; greedy labels keep `/`), host labels, query
  string (scalars, lists, maps of strings or of lists), headers (scalars, comma-separated lists, `headers`
  prefix maps such as `x-amz-meta-`, jsonvalue headers as base64 JSON, timestamps RFC 822 by default).
- `serialize_location_members(...)`: output members that live in headers and the status code.
- `decode_aws_chunked(request)`: undoes the `aws-chunked` content encoding (SigV4 streaming uploads, with or
  without trailers); trailer headers such as `x-amz-checksum-crc32` become ordinary headers.
- `payload_member`, `body_member_names`, `raw_payload`: helpers about the body, for the protocol modules.

What it must not do: read or write a body format (JSON and XML belong to rest_json.py / xmlcodec.py), know a
service by name, or raise anything but AwsError for bad input.
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

from botocore.model import OperationModel, ServiceModel, Shape
from werkzeug.datastructures import Headers

from mocklambda.protocol.errors import AwsError
from mocklambda.protocol.http import AwsRequest, IndexedHeaders
from mocklambda.protocol.xmlcodec import format_timestamp, parse_timestamp

HEADER_TIMESTAMP_FORMAT = "rfc822"
EVENT_STREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream"
_LABEL_RE = re.compile(r"\{([^}]+)\}")


# ---------------------------------------------------------------- routing


@dataclass(frozen=True)
class Route:
    """One operation's request template, compiled."""

    operation: OperationModel
    method: str
    path_regex: re.Pattern[str]
    labels: tuple[tuple[str, bool], ...]  # (label name, greedy) in group order
    literal_query: tuple[tuple[str, str], ...]  # (key, value); value '' means any value
    literal_segments: int
    greedy: bool
    required_query: frozenset[str]
    required_headers: frozenset[str]
    known_query: frozenset[str]
    order: int

    def query_matches(self, query: Mapping[str, list[str]]) -> bool:
        for key, value in self.literal_query:
            if key not in query or (value and value not in query[key]):
                return False
        return True

    def rank(self, query: Mapping[str, list[str]], headers: Headers) -> tuple[int, ...]:
        present = sum(key in query for key in self.required_query)
        present += sum(name in headers for name in self.required_headers)
        missing = len(self.required_query) + len(self.required_headers) - present
        known = sum(key in self.known_query for key in query)
        return (
            len(self.literal_query),
            self.literal_segments,
            0 if self.greedy else 1,
            present,
            -missing,
            known,
            0 if self.operation.deprecated else 1,
            -self.order,
        )


@dataclass(frozen=True)
class RouteMatch:
    route: Route
    labels: dict[str, str] = field(default_factory=dict)  # label name -> decoded value

    @property
    def operation(self) -> OperationModel:
        return self.route.operation


class Router:
    """All operations of one service model, indexed by HTTP method."""

    def __init__(self, service_model: ServiceModel) -> None:
        self._routes: dict[str, list[Route]] = {}
        for order, name in enumerate(service_model.operation_names):
            route = compile_route(service_model.operation_model(name), order)
            self._routes.setdefault(route.method, []).append(route)

    def match(self, request: AwsRequest) -> RouteMatch | None:
        query = query_dict(request.query)
        best: tuple[tuple[int, ...], Route, re.Match[str]] | None = None
        for route in self._routes.get(request.method.upper(), []):
            # The literal query test first: it is a few dict lookups and rules out most routes (S3's ?acl,
            # ?tagging, ...) before their path regex is tried. Both must hold, so the answer is the same.
            if not route.query_matches(query):
                continue
            found = route.path_regex.fullmatch(request.path or "/")
            if found is None:
                continue
            rank = route.rank(query, request.headers)
            if best is None or rank > best[0]:
                best = (rank, route, found)
        if best is None:
            return None
        _, route, found = best
        labels = {name: unquote(found.group(index + 1)) for index, (name, _greedy) in enumerate(route.labels)}
        return RouteMatch(route, labels)

    def methods_for_path(self, path: str) -> set[str]:
        """The methods some operation accepts on `path` (to tell 'wrong method' from 'no such resource')."""
        return {
            method
            for method, routes in self._routes.items()
            if any(route.path_regex.fullmatch(path or "/") for route in routes)
        }


@functools.cache
def router_for(service_model: ServiceModel) -> Router:
    return Router(service_model)


def compile_route(operation: OperationModel, order: int) -> Route:
    template = operation.http.get("requestUri", "/")
    path_template, _, query_template = template.partition("?")
    regex, labels, literal_segments = _compile_path(path_template)
    shape = operation.input_shape
    required = set(shape.required_members) if shape is not None else set()
    required_query: set[str] = set()
    required_headers: set[str] = set()
    known_query: set[str] = set()
    for name, member in (shape.members.items() if shape is not None else ()):
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if location == "querystring" and member.type_name != "map":
            known_query.add(wire_name)
            if name in required:
                required_query.add(wire_name)
        elif location == "header" and name in required:
            required_headers.add(wire_name)
    return Route(
        operation=operation,
        method=operation.http.get("method", "POST").upper(),
        path_regex=regex,
        labels=labels,
        literal_query=tuple(parse_qsl(query_template, keep_blank_values=True)),
        literal_segments=literal_segments,
        greedy=any(greedy for _name, greedy in labels),
        required_query=frozenset(required_query),
        required_headers=frozenset(required_headers),
        known_query=frozenset(known_query),
        order=order,
    )


def _compile_path(path_template: str) -> tuple[re.Pattern[str], tuple[tuple[str, bool], ...], int]:
    pattern = ""
    labels: list[tuple[str, bool]] = []
    position = 0
    for found in _LABEL_RE.finditer(path_template):
        pattern += re.escape(path_template[position : found.start()])
        name = found.group(1)
        greedy = name.endswith("+")
        labels.append((name.rstrip("+"), greedy))
        pattern += "(.+)" if greedy else "([^/]+)"
        position = found.end()
    pattern += re.escape(path_template[position:])
    if not pattern.endswith("/"):
        pattern += "/?"  # tolerate a trailing slash (`/bucket/` for `/{Bucket}`)
    literal_segments = sum(1 for part in path_template.split("/") if part and "{" not in part)
    return re.compile(pattern), tuple(labels), literal_segments


def query_dict(query: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        values.setdefault(key, []).append(value)
    return values


def unknown_operation(request: AwsRequest, status: int = 404) -> AwsError:
    return AwsError(
        "UnknownOperationException", f"Unknown operation: {request.method.upper()} {request.path}", status
    )


# ---------------------------------------------------------------- request: non-body members


def parse_location_members(request: AwsRequest, match: RouteMatch) -> dict[str, Any]:
    """Params for the input members that live in the URI, host, query string and headers."""
    operation = match.operation
    shape = operation.input_shape
    params: dict[str, Any] = {}
    if shape is None:
        return params
    query = query_dict(request.query)
    claimed = {key for key, _value in match.route.literal_query}
    host_labels = _host_labels(operation, request.host)
    headers = request.headers
    # The lower-cased name -> first value table IndexedHeaders answers `in` and get() from, taken once rather
    # than per header member (S3's PutObject has over 40); plain Headers are asked as before.
    first = headers._first_values() if isinstance(headers, IndexedHeaders) else None
    for name, member, location, wire_name, host_label in _location_members(shape):
        if host_label and name in host_labels:
            params[name] = host_labels[name]
        elif location is None:
            continue
        elif location == "uri" and wire_name in match.labels:
            params[name] = text_to_value(member, match.labels[wire_name])
        elif location == "querystring" and member.type_name != "map" and wire_name in query:
            claimed.add(wire_name)
            params[name] = _query_value(member, query[wire_name])
        elif location == "header":
            if first is not None:
                text = first.get(wire_name.lower())
                if text is not None:
                    params[name] = header_to_value(member, text)
            elif wire_name in headers:
                params[name] = header_to_value(member, headers[wire_name])
        elif location == "headers":
            prefixed = _prefixed_headers(request.headers, wire_name)
            if prefixed:
                params[name] = {key: text_to_value(member.value, value) for key, value in prefixed.items()}
    _add_query_maps(shape, query, claimed, params)
    return params


_LocationMember = tuple[str, Shape, str | None, str, bool]
_LOCATION_MEMBERS: dict[Shape, tuple[_LocationMember, ...]] = {}  # botocore keeps one Shape object per member


def _location_members(shape: Shape) -> tuple[_LocationMember, ...]:
    """(name, member, location, wire name, host label?) of each input member, read from the model once per
    shape rather than through several serialization lookups per member on every request."""
    members = _LOCATION_MEMBERS.get(shape)
    if members is None:
        members = tuple(
            (name, member, member.serialization.get("location"), member.serialization.get("name", name),
             bool(member.serialization.get("hostLabel")))
            for name, member in shape.members.items()
        )
        _LOCATION_MEMBERS[shape] = members
    return members


def _query_value(member: Shape, values: list[str]) -> Any:
    if member.type_name == "list":
        return [text_to_value(member.member, value) for value in values]
    return text_to_value(member, values[0])


def _add_query_maps(shape: Shape, query: dict[str, list[str]], claimed: set[str], params: dict[str, Any]) -> None:
    # A querystring map takes every query parameter no other member claims.
    for name, member in shape.members.items():
        if member.serialization.get("location") != "querystring" or member.type_name != "map":
            continue
        rest = {key: values for key, values in query.items() if key not in claimed}
        if not rest:
            continue
        if member.value.type_name == "list":
            params[name] = {key: [text_to_value(member.value.member, v) for v in vals] for key, vals in rest.items()}
        else:
            params[name] = {key: text_to_value(member.value, vals[0]) for key, vals in rest.items()}


def _prefixed_headers(headers: Headers, prefix: str) -> dict[str, str]:
    # Header names are case-insensitive: map keys are the lower-cased remainder after the prefix.
    lowered = prefix.lower()
    return {
        name.lower()[len(lowered) :]: value
        for name, value in headers.items()
        if name.lower().startswith(lowered) and len(name) > len(lowered)
    }


def _host_labels(operation: OperationModel, host: str) -> dict[str, str]:
    endpoint = operation.endpoint or {}
    prefix_template = endpoint.get("hostPrefix")
    if not prefix_template or "{" not in prefix_template:
        return {}
    names = _LABEL_RE.findall(prefix_template)
    pattern = ""
    position = 0
    for found in _LABEL_RE.finditer(prefix_template):
        pattern += re.escape(prefix_template[position : found.start()]) + r"([A-Za-z0-9.\-]+?)"
        position = found.end()
    pattern += re.escape(prefix_template[position:])
    found_host = re.match(pattern, host)
    return dict(zip(names, found_host.groups(), strict=True)) if found_host else {}


def header_to_value(shape: Shape, text: str) -> Any:
    kind = shape.type_name
    if kind == "list":
        return [text_to_value(shape.member, item) for item in split_header_list(text)]
    if kind == "string" and shape.serialization.get("jsonvalue"):
        return _decode_json_header(text)
    return text_to_value(shape, text)


def _decode_json_header(text: str) -> Any:
    try:
        return json.loads(base64.b64decode(text, validate=True).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise AwsError("SerializationException", "Header value is not base64-encoded JSON", 400) from exc


def split_header_list(text: str) -> list[str]:
    """Split a comma-separated header list; double-quoted items may contain commas and \\" escapes."""
    items: list[str] = []
    current = ""
    quoted = False
    index = 0
    while index < len(text):
        char = text[index]
        if quoted and char == "\\" and index + 1 < len(text):
            current += text[index + 1]
            index += 1
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            items.append(current.strip())
            current = ""
        else:
            current += char
        index += 1
    items.append(current.strip())
    return items


def text_to_value(shape: Shape, text: str) -> Any:
    """A scalar from URI/query/header text. Text that does not convert is passed through unchanged, so
    validation reports it in AWS's words."""
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
        if kind == "timestamp":
            return parse_timestamp(text)
        if kind == "blob":
            return base64.b64decode(text)
    except (ValueError, binascii.Error):
        return text
    if kind == "boolean":
        lowered = text.strip().lower()
        return {"true": True, "false": False}.get(lowered, text)
    return text


# ---------------------------------------------------------------- request: aws-chunked bodies


def decode_aws_chunked(request: AwsRequest) -> AwsRequest:
    """The request with an `aws-chunked` body decoded (chunk signatures are not checked); unchanged otherwise."""
    encodings = [part.strip() for part in request.headers.get("Content-Encoding", "").split(",") if part.strip()]
    streaming = request.headers.get("x-amz-content-sha256", "").startswith("STREAMING-")
    if "aws-chunked" not in encodings and not streaming:
        return request
    body, trailers = _dechunk(request.body)
    headers = Headers(request.headers)
    remaining = [part for part in encodings if part != "aws-chunked"]
    if remaining:
        headers["Content-Encoding"] = ", ".join(remaining)
    else:
        headers.pop("Content-Encoding", None)
    for name, value in trailers:
        headers[name] = value
    return dataclasses.replace(request, headers=headers, body=body)


def _dechunk(data: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    chunks: list[bytes] = []
    position = 0
    while True:
        line_end = data.find(b"\r\n", position)
        if line_end < 0:
            raise _incomplete_body()
        size_text = data[position:line_end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError as exc:
            raise _incomplete_body() from exc
        position = line_end + 2
        if size == 0:
            return b"".join(chunks), _trailers(data[position:])
        if position + size > len(data):
            raise _incomplete_body()
        chunks.append(data[position : position + size])
        position += size
        if data[position : position + 2] == b"\r\n":
            position += 2


def _trailers(data: bytes) -> list[tuple[str, str]]:
    trailers = []
    for line in data.decode("latin-1").split("\r\n"):
        name, colon, value = line.partition(":")
        if colon and name.strip().lower() != "x-amz-trailer-signature":
            trailers.append((name.strip(), value.strip()))
    return trailers


def _incomplete_body() -> AwsError:
    return AwsError("IncompleteBody", "The request body terminated unexpectedly", 400)


# ---------------------------------------------------------------- response: non-body members


def serialize_location_members(shape: Shape | None, result: Mapping[str, Any], headers: Headers) -> int | None:
    """Write header members of `result` into `headers`; return the statusCode member's value, if any."""
    status: int | None = None
    if shape is None:
        return status
    for name, member, location, wire_name, _host_label in _location_members(shape):
        if location is None:  # a body member
            continue
        value = result.get(name)
        if value is None:
            continue
        if location == "statusCode":
            status = int(value)
        elif location == "header":
            if member.type_name == "list" and not value:
                continue
            headers[wire_name] = value_to_header(member, value)
        elif location == "headers":
            for key, item in value.items():
                if item is not None:
                    headers[wire_name + key] = value_to_header(member.value, item)
    return status


def value_to_header(shape: Shape, value: Any) -> str:
    kind = shape.type_name
    if kind == "timestamp":
        return format_timestamp(value, shape.serialization.get("timestampFormat") or HEADER_TIMESTAMP_FORMAT)
    if kind == "list":
        return ",".join(_header_list_item(shape.member, item) for item in value if item is not None)
    if kind == "string" and shape.serialization.get("jsonvalue"):
        return base64.b64encode(json.dumps(value, separators=(",", ":")).encode("utf-8")).decode("ascii")
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "blob":
        raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        return base64.b64encode(raw).decode("ascii")
    if kind in ("float", "double"):
        return repr(float(value))
    return str(value)


def _header_list_item(shape: Shape, value: Any) -> str:
    text = value_to_header(shape, value)
    if shape.type_name == "string" and ('"' in text or "," in text):
        return '"' + text.replace('"', '\\"') + '"'
    return text


def response_status(operation: OperationModel) -> int:
    return int(operation.http.get("responseCode", 200))


# ---------------------------------------------------------------- body helpers


def payload_member(shape: Shape | None) -> str | None:
    if shape is None:
        return None
    name = shape.serialization.get("payload")
    return str(name) if name else None


def is_raw_payload(shape: Shape) -> bool:
    """A blob or string payload travels as the raw body, not encoded as JSON or XML."""
    return shape.type_name in ("blob", "string")


def is_event_stream(shape: Shape) -> bool:
    return bool(shape.serialization.get("eventstream"))


def event_stream_body(value: Any, headers: Headers) -> bytes | Iterable[bytes]:
    """An event-stream payload passes through only as already-encoded frames (bytes or an iterable of bytes);
    encoding events is not done here."""
    headers.setdefault("Content-Type", EVENT_STREAM_CONTENT_TYPE)
    if value is None or isinstance(value, Mapping):
        return b""
    return raw_payload(value)


def body_member_names(shape: Shape | None) -> list[str]:
    if shape is None:
        return []
    return [name for name, member in shape.members.items() if not member.serialization.get("location")]


def raw_payload(value: Any) -> bytes | Iterable[bytes]:
    """A provider's raw payload (bytes, str, iterable of bytes or binary file) as a response body."""
    if value is None:
        return b""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if hasattr(value, "read"):
        return _read_chunks(value)
    return value


def _read_chunks(stream: Any, size: int = 64 * 1024) -> Iterable[bytes]:
    try:
        while chunk := stream.read(size):
            yield chunk
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()


def raw_payload_param(shape: Shape, body: bytes) -> Any:
    """The param for a blob/string payload member from the request body (None when the body is empty)."""
    if not body:
        return None
    if shape.type_name == "string":
        return body.decode("utf-8", errors="replace")
    return body
