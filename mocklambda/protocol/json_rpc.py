"""The AWS `json` protocol (RPC over POST /): DynamoDB, DynamoDB Streams, SQS, CloudWatch Logs.

What it does: finds the operation from `X-Amz-Target: <targetPrefix>.<Operation>`, reads the JSON body into
params by walking the operation's input shape (blobs base64, timestamps epoch seconds unless the shape's
`timestampFormat` says otherwise, nulls treated as absent), and writes results and AWS errors back as JSON
with the headers clients check: `x-amzn-RequestId`, `x-amz-crc32` (DynamoDB clients verify it) and, for
services the model marks `awsQueryCompatible`, `x-amzn-query-error: <query code>;Sender|Receiver`.
A body AWS could not deserialize (not JSON, or a value of the wrong JSON type for its shape) is refused with
`SerializationException`, worded as AWS's JSON framework words it.

What it must not do: check constraints (required members, enums, lengths, ranges: that is validation's job),
know any service by name (deviations are named rules in `quirks.py`), or touch WSGI.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import email.utils
import json
import math
import zlib
from collections.abc import Callable
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape
from werkzeug.datastructures import Headers

from mocklambda.protocol import quirks
from mocklambda.protocol.base import error_shape, error_status, error_wire_code, to_datetime
from mocklambda.protocol.errors import AwsError, UnknownOperation
from mocklambda.protocol.http import AwsRequest, AwsResponse

SERIALIZATION_EXCEPTION = "SerializationException"
UNKNOWN_OPERATION = "UnknownOperationException"

# Errors no service models come from AWS's request framework, under its own namespaces.
_FRAMEWORK_NAMESPACE = "com.amazon.coral.service"
_FRAMEWORK_NAMESPACES = {"ValidationException": "com.amazon.coral.validate"}

_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


# ---------------------------------------------------------------- request


class JsonParser:
    """Request parser for protocol 'json' (implements base.RequestParser)."""

    def __init__(self, service_model: ServiceModel) -> None:
        self._model = service_model
        self._target_prefix = str(service_model.metadata.get("targetPrefix", ""))
        self._operation_names = frozenset(service_model.operation_names)

    def parse(self, request: AwsRequest) -> tuple[OperationModel, dict[str, Any]]:
        operation = self._operation(request.headers.get("X-Amz-Target", ""))
        document = load_json_object(request.body)
        shape = operation.input_shape
        params = read_value(shape, document) if shape is not None else {}
        return operation, params

    def _operation(self, target: str) -> OperationModel:
        prefix, dot, name = target.strip().rpartition(".")
        if not dot or prefix != self._target_prefix or name not in self._operation_names:
            # AWS answers an unknown target with the bare code and no message.
            raise UnknownOperation(UNKNOWN_OPERATION, "", 400)
        return self._model.operation_model(name)


def load_json_object(body: bytes) -> dict[str, Any]:
    """The request body as a JSON object; an empty body is {}."""
    if not body.strip():
        return {}
    try:
        document = json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise AwsError(SERIALIZATION_EXCEPTION, f"Request body is not valid JSON: {exc}", 400) from None
    if isinstance(document, list):
        raise AwsError(SERIALIZATION_EXCEPTION, "Start of list found where not expected", 400)
    if not isinstance(document, dict):
        raise AwsError(SERIALIZATION_EXCEPTION, "Request body must be a JSON object", 400)
    return document


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def read_value(shape: Shape, value: Any) -> Any:
    """A JSON value (never None) as the Python value of `shape`; SerializationException if it cannot be."""
    return _READERS.get(shape.type_name, _read_string)(shape, value)


def _read_structure(shape: Shape, value: Any) -> Any:
    if getattr(shape, "is_document_type", False):
        return value
    if not isinstance(value, dict):
        raise _mismatch(shape, value)
    params: dict[str, Any] = {}
    for name, member in shape.members.items():
        raw = value.get(member.serialization.get("name", name))
        if raw is not None:
            params[name] = read_value(member, raw)
    return params


def _read_list(shape: Shape, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _mismatch(shape, value)
    return [read_value(shape.member, item) for item in value if item is not None]


def _read_map(shape: Shape, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _mismatch(shape, value)
    return {key: read_value(shape.value, item) for key, item in value.items() if item is not None}


def _read_string(shape: Shape, value: Any) -> str:
    if not isinstance(value, str):
        raise _mismatch(shape, value)
    return value


def _read_integer(shape: Shape, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _mismatch(shape, value)
    if isinstance(value, float) and not math.isfinite(value):
        raise _mismatch(shape, value)
    return int(value)  # AWS truncates a fractional number sent for an integer member


def _read_float(shape: Shape, value: Any) -> float:
    if isinstance(value, str) and value in _NON_FINITE:
        return _NON_FINITE[value]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _mismatch(shape, value)
    return float(value)


def _read_boolean(shape: Shape, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _mismatch(shape, value)
    return value


def _read_blob(shape: Shape, value: Any) -> bytes:
    if not isinstance(value, str):
        raise _mismatch(shape, value)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise AwsError(SERIALIZATION_EXCEPTION, "Base64 encoded binary data expected", 400) from None


def _read_timestamp(shape: Shape, value: Any) -> _dt.datetime:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _mismatch(shape, value)
    try:
        if isinstance(value, str):
            return _timestamp_from_text(value)
        return _dt.datetime.fromtimestamp(value, tz=_dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise AwsError(SERIALIZATION_EXCEPTION, f"Invalid timestamp: {value!r}", 400) from None


def _timestamp_from_text(text: str) -> _dt.datetime:
    try:
        return _dt.datetime.fromtimestamp(float(text), tz=_dt.UTC)
    except ValueError:
        pass
    try:
        return to_datetime(text)
    except ValueError:
        return to_datetime(email.utils.parsedate_to_datetime(text))


_READERS: dict[str, Callable[[Shape, Any], Any]] = {
    "structure": _read_structure,
    "list": _read_list,
    "map": _read_map,
    "string": _read_string,
    "integer": _read_integer,
    "long": _read_integer,
    "float": _read_float,
    "double": _read_float,
    "boolean": _read_boolean,
    "blob": _read_blob,
    "timestamp": _read_timestamp,
}

# The Java type names AWS's JSON framework uses in its conversion messages.
_TYPE_NAMES = {
    "string": "a String",
    "integer": "an Integer",
    "long": "a Long",
    "float": "a Float",
    "double": "a Double",
    "boolean": "a Boolean",
    "blob": "a ByteBuffer",
    "timestamp": "a Date",
}


def _mismatch(shape: Shape, value: Any) -> AwsError:
    """SerializationException for a JSON value of the wrong type, in AWS's JSON framework's words."""
    if isinstance(value, dict):
        message = "Start of structure or map found where not expected"
    elif isinstance(value, list):
        message = "Start of list found where not expected"
    elif shape.type_name == "list":
        message = "Expected list or null"
    elif shape.type_name in ("structure", "map"):
        message = "Expected null"
    else:
        message = (
            f"{_json_kind(value)} can not be converted to {_TYPE_NAMES.get(shape.type_name, 'a String')}"
        )
    return AwsError(SERIALIZATION_EXCEPTION, message, 400)


def _json_kind(value: Any) -> str:
    if value is True:
        return "TRUE_VALUE"
    if value is False:
        return "FALSE_VALUE"
    if isinstance(value, int | float):
        return "NUMBER_VALUE"
    return "STRING_VALUE"


# ---------------------------------------------------------------- response


class JsonSerializer:
    """Response serializer for protocol 'json' (implements base.ResponseSerializer)."""

    def __init__(self, service_model: ServiceModel) -> None:
        self._model = service_model
        self._content_type = f"application/x-amz-json-{service_model.metadata.get('jsonVersion', '1.0')}"
        self._namespace = quirks.JSON_ERROR_NAMESPACE.get(service_model.service_name) or _default_namespace(
            service_model
        )
        self._query_compatible = "awsQueryCompatible" in service_model.metadata

    def serialize_response(
        self, operation: OperationModel, result: dict[str, Any], request_id: str
    ) -> AwsResponse:
        shape = operation.output_shape
        document = write_value(shape, result or {}) if shape is not None else {}
        return self._response(200, document, request_id)

    def serialize_error(
        self, error: AwsError, operation: OperationModel | None, request_id: str
    ) -> AwsResponse:
        shape = error_shape(self._model, error.code)
        status = error_status(self._model, error)
        response = self._response(status, self._error_document(error, shape), request_id)
        if self._query_compatible:
            fault = "Sender" if _is_sender_fault(error, shape, status) else "Receiver"
            response.headers["x-amzn-query-error"] = f"{error_wire_code(self._model, error)};{fault}"
        for name, value in error.headers.items():
            response.headers[name] = value
        return response

    def _error_document(self, error: AwsError, shape: Shape | None) -> dict[str, Any]:
        if shape is None:
            namespace = _FRAMEWORK_NAMESPACES.get(error.code, _FRAMEWORK_NAMESPACE)
            document: dict[str, Any] = {"__type": f"{namespace}#{error.code}"}
            if error.message:
                document["message"] = error.message
            document.update(error.fields)
            return document
        message_member = _message_member(shape)
        document = {"__type": f"{self._namespace}#{shape.name}"}
        if error.message:
            document[_wire_name(shape, message_member) if message_member else "message"] = error.message
        fields = {name: value for name, value in error.fields.items() if name != message_member}
        document.update(write_value(shape, fields))
        return document

    def _response(self, status: int, document: Any, request_id: str) -> AwsResponse:
        body = json.dumps(document, separators=(",", ":"), default=_json_default).encode("utf-8")
        headers = Headers()
        headers["Content-Type"] = self._content_type
        headers["x-amzn-RequestId"] = request_id
        headers["x-amz-crc32"] = str(zlib.crc32(body))
        return AwsResponse(status=status, headers=headers, body=body)


def _default_namespace(service_model: ServiceModel) -> str:
    prefix = service_model.metadata.get("endpointPrefix", service_model.service_name)
    version = str(service_model.api_version).replace("-", "")
    return f"com.amazonaws.{prefix}.v{version}"


def _message_member(shape: Shape) -> str | None:
    return next((name for name in shape.members if name.lower() == "message"), None)


def _wire_name(shape: Shape, member: str) -> str:
    return str(shape.members[member].serialization.get("name", member))


def _is_sender_fault(error: AwsError, shape: Shape | None, status: int) -> bool:
    declared = shape.metadata.get("error", {}).get("senderFault") if shape is not None else None
    if declared is not None:
        return bool(declared)
    return error.sender_fault and status < 500


def _json_default(value: Any) -> Any:
    # Only reached for unmodelled error fields, which have no shape to guide them.
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, _dt.datetime):
        return to_datetime(value).timestamp()
    raise TypeError(f"cannot write {type(value).__name__} into a JSON error")


def write_value(shape: Shape, value: Any) -> Any:
    """A provider's Python value (base.py's VALUE CONVENTIONS) as the JSON value of `shape`."""
    return _WRITERS.get(shape.type_name, _write_string)(shape, value)


def _write_structure(shape: Shape, value: Any) -> Any:
    if getattr(shape, "is_document_type", False):
        return value
    if not isinstance(value, dict):
        raise _wrong_output(shape, value)
    document: dict[str, Any] = {}
    for name, member in shape.members.items():
        item = value.get(name)
        if item is not None:
            document[member.serialization.get("name", name)] = write_value(member, item)
    return document


def _write_list(shape: Shape, value: Any) -> list[Any]:
    if isinstance(value, str | bytes | dict) or not hasattr(value, "__iter__"):
        raise _wrong_output(shape, value)
    return [write_value(shape.member, item) for item in value if item is not None]


def _write_map(shape: Shape, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _wrong_output(shape, value)
    return {str(key): write_value(shape.value, item) for key, item in value.items() if item is not None}


def _write_string(shape: Shape, value: Any) -> str:
    if not isinstance(value, str):
        raise _wrong_output(shape, value)
    return value


def _write_integer(shape: Shape, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _wrong_output(shape, value)
    return int(value)


def _write_float(shape: Shape, value: Any) -> float | str:
    if isinstance(value, bool):
        raise _wrong_output(shape, value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _wrong_output(shape, value) from None
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    return number


def _write_boolean(shape: Shape, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _wrong_output(shape, value)
    return value


def _write_blob(shape: Shape, value: Any) -> str:
    if isinstance(value, str):
        value = value.encode("utf-8")
    if not isinstance(value, bytes | bytearray | memoryview):
        raise _wrong_output(shape, value)
    return base64.b64encode(bytes(value)).decode("ascii")


def _write_timestamp(shape: Shape, value: Any) -> float | str:
    moment = to_datetime(value).astimezone(_dt.UTC)
    fmt = str(shape.serialization.get("timestampFormat") or "unixTimestamp").lower()
    if fmt == "iso8601":
        return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{moment.microsecond // 1000:03d}Z"
    if fmt == "rfc822":
        return email.utils.format_datetime(moment.replace(microsecond=0), usegmt=True)
    return round(moment.timestamp(), 3)


def _wrong_output(shape: Shape, value: Any) -> TypeError:
    # A provider bug, not a client error: the gateway answers 500 and the test sees it.
    return TypeError(f"{shape.name} ({shape.type_name}) cannot hold {type(value).__name__}: {value!r:.80}")


_WRITERS: dict[str, Callable[[Shape, Any], Any]] = {
    "structure": _write_structure,
    "list": _write_list,
    "map": _write_map,
    "string": _write_string,
    "integer": _write_integer,
    "long": _write_integer,
    "float": _write_float,
    "double": _write_float,
    "boolean": _write_boolean,
    "blob": _write_blob,
    "timestamp": _write_timestamp,
}
