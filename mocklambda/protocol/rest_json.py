"""The rest-json protocol (Lambda and API Gateway-style services): request parser and response serializer.

What it does: routes a request with `rest.Router`, reads URI/query/header members with `rest.py`, and the
body as JSON (or the raw bytes of a blob/string payload member); writes results as status, headers and a
JSON body (or a raw payload), and errors as `X-Amzn-ErrorType` plus `{"Type": ..., "message": ...}`.
JSON body rules: members under their `locationName` (else member name), timestamps as epoch seconds unless
`timestampFormat` says otherwise, blobs base64.
What it must not do: know a service by name, JSON-parse a blob payload (Lambda's Invoke payload is the
provider's business), or raise anything but AwsError for bad input.
"""
from __future__ import annotations

import base64
import binascii
import datetime as _dt
import json
import math
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape
from werkzeug.datastructures import Headers

from mocklambda.protocol import rest
from mocklambda.protocol.base import error_shape, error_status, error_wire_code, to_datetime
from mocklambda.protocol.errors import AwsError
from mocklambda.protocol.http import AwsRequest, AwsResponse, IndexedHeaders
from mocklambda.protocol.xmlcodec import format_timestamp, parse_timestamp

JSON_CONTENT_TYPE = "application/json"
RAW_CONTENT_TYPE = "application/octet-stream"
BODY_TIMESTAMP_FORMAT = "unixTimestamp"


def serialization_error(detail: str) -> AwsError:
    return AwsError("SerializationException", detail, 400)


# ---------------------------------------------------------------- JSON <-> values


def json_to_value(shape: Shape, value: Any) -> Any:
    """A JSON-decoded value as `shape`. Values of the wrong JSON type pass through for validation to report."""
    if value is None:
        return None
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        return _structure_from_json(shape, value)
    if kind == "list" and isinstance(value, list):
        return [json_to_value(shape.member, item) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: json_to_value(shape.value, item) for key, item in value.items()}
    if kind == "blob" and isinstance(value, str):
        return _decode_base64(value)
    if kind == "timestamp" and isinstance(value, int | float | str) and not isinstance(value, bool):
        return _timestamp_from_json(value)
    if kind in ("float", "double") and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _structure_from_json(shape: Shape, value: dict[str, Any]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for name, member in shape.members.items():
        key = member.serialization.get("name", name)
        if key in value and value[key] is not None:
            parsed[name] = json_to_value(member, value[key])
    return parsed


def _decode_base64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise serialization_error("Blob value is not valid base64") from exc


def _timestamp_from_json(value: int | float | str) -> _dt.datetime:
    try:
        if isinstance(value, str):
            return parse_timestamp(value)
        return _dt.datetime.fromtimestamp(value, tz=_dt.UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise serialization_error(f"Invalid timestamp: {value!r}") from exc


def value_to_json(shape: Shape, value: Any) -> Any:
    """A provider's value as JSON-ready data for `shape` (see base.py VALUE CONVENTIONS)."""
    kind = shape.type_name
    if kind == "structure":
        return structure_to_json(shape, value)
    if kind == "list":
        return [value_to_json(shape.member, item) for item in value if item is not None]
    if kind == "map":
        return {key: value_to_json(shape.value, item) for key, item in value.items() if item is not None}
    if kind == "blob":
        raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        return base64.b64encode(raw).decode("ascii")
    if kind == "timestamp":
        return _timestamp_to_json(value, shape.serialization.get("timestampFormat") or BODY_TIMESTAMP_FORMAT)
    if kind in ("float", "double"):
        return float(value)
    if kind in ("integer", "long"):
        return int(value)
    if kind == "boolean":
        return bool(value)
    return value


def structure_to_json(shape: Shape, value: dict[str, Any], names: list[str] | None = None) -> dict[str, Any]:
    """The body members (or only `names`) of structure `value` as a JSON object."""
    out: dict[str, Any] = {}
    for name in names if names is not None else rest.body_member_names(shape):
        member = shape.members[name]
        item = value.get(name)
        if item is not None:
            out[member.serialization.get("name", name)] = value_to_json(member, item)
    return out


def _timestamp_to_json(value: Any, fmt: str) -> Any:
    if fmt.lower() != "unixtimestamp":
        return format_timestamp(value, fmt)
    seconds = to_datetime(value).timestamp()
    return int(seconds) if math.isclose(seconds, round(seconds)) else round(seconds, 3)


def _load_json_body(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise serialization_error("Could not parse the request body as JSON") from exc


def _dump_json(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":"), default=str).encode("utf-8")


# ---------------------------------------------------------------- parser


class RestJsonParser:
    """base.RequestParser for rest-json."""

    def __init__(self, service_model: ServiceModel) -> None:
        self._service_model = service_model
        self._router = rest.router_for(service_model)

    def parse(self, request: AwsRequest) -> tuple[OperationModel, dict[str, Any]]:
        request = rest.decode_aws_chunked(request)
        match = self._router.match(request)
        if match is None:
            raise rest.unknown_operation(request, 404)
        operation = match.operation
        params = rest.parse_location_members(request, match)
        params.update(self._body_params(operation.input_shape, request.body))
        return operation, params

    def _body_params(self, shape: Shape | None, body: bytes) -> dict[str, Any]:
        if shape is None:
            return {}
        payload = rest.payload_member(shape)
        if payload is not None:
            return self._payload_params(shape.members[payload], payload, body)
        if not body.strip() or not rest.body_member_names(shape):
            return {}
        document = _load_json_body(body)
        if not isinstance(document, dict):
            raise serialization_error("The request body must be a JSON object")
        members = {name: shape.members[name] for name in rest.body_member_names(shape)}
        return {
            name: json_to_value(member, document[key])
            for name, member in members.items()
            if (key := member.serialization.get("name", name)) in document and document[key] is not None
        }

    def _payload_params(self, member: Shape, name: str, body: bytes) -> dict[str, Any]:
        if rest.is_raw_payload(member):
            value = rest.raw_payload_param(member, body)
            return {} if value is None else {name: value}
        if not body.strip():
            return {}
        document = _load_json_body(body)
        return {name: json_to_value(member, document)}


# ---------------------------------------------------------------- serializer


class RestJsonSerializer:
    """base.ResponseSerializer for rest-json."""

    def __init__(self, service_model: ServiceModel) -> None:
        self._service_model = service_model

    def serialize_response(
        self, operation: OperationModel, result: dict[str, Any], request_id: str
    ) -> AwsResponse:
        shape = operation.output_shape
        headers = IndexedHeaders()  # the gateway and _body() ask it for names it mostly lacks
        status = rest.serialize_location_members(shape, result, headers)
        headers["x-amzn-RequestId"] = request_id
        body = self._body(shape, result, headers)
        return AwsResponse(status=status or rest.response_status(operation), headers=headers, body=body)

    def _body(self, shape: Shape | None, result: dict[str, Any], headers: Headers) -> Any:
        if shape is None:
            headers.setdefault("Content-Type", JSON_CONTENT_TYPE)
            return b"{}"
        payload = rest.payload_member(shape)
        if payload is None:
            headers.setdefault("Content-Type", JSON_CONTENT_TYPE)
            return _dump_json(structure_to_json(shape, result))
        member = shape.members[payload]
        value = result.get(payload)
        if rest.is_event_stream(member):
            return rest.event_stream_body(value, headers)
        if rest.is_raw_payload(member):
            headers.setdefault("Content-Type", RAW_CONTENT_TYPE)
            return rest.raw_payload(value)
        headers.setdefault("Content-Type", JSON_CONTENT_TYPE)
        return b"" if value is None else _dump_json(value_to_json(member, value))

    def serialize_error(
        self, error: AwsError, operation: OperationModel | None, request_id: str
    ) -> AwsResponse:
        code = error_wire_code(self._service_model, error)
        headers = Headers()
        headers["X-Amzn-ErrorType"] = code
        headers["x-amzn-RequestId"] = request_id
        headers.setdefault("Content-Type", JSON_CONTENT_TYPE)
        document: dict[str, Any] = {"Type": "User" if error.sender_fault else "Server"}
        document[self._message_key(error)] = error.message
        document.update(self._error_fields(error, headers))
        for key, value in error.headers.items():
            headers[key] = value
        return AwsResponse(status=error_status(self._service_model, error), headers=headers, body=_dump_json(document))

    def _message_key(self, error: AwsError) -> str:
        """The message travels under the error shape's own member name (Lambda's shapes say `Message`), so
        clients see it as a member too; `message` when the shape declares none."""
        shape = error_shape(self._service_model, error.code)
        if shape is not None and "Message" in shape.members:
            return "Message"
        return "message"

    def _error_fields(self, error: AwsError, headers: Headers) -> dict[str, Any]:
        shape = error_shape(self._service_model, error.code)
        if shape is None:
            return {key: value for key, value in error.fields.items() if value is not None}
        rest.serialize_location_members(shape, error.fields, headers)
        known = {name for name in rest.body_member_names(shape) if name in error.fields}
        fields = structure_to_json(shape, error.fields, sorted(known))
        unknown = {key: value for key, value in error.fields.items() if key not in shape.members}
        fields.update({key: value for key, value in unknown.items() if value is not None})
        return fields
