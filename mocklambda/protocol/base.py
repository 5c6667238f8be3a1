"""The interface every protocol implements, and the value conventions they share.

Python values on both sides of the protocol layer are exactly what boto3 users see:
structure -> dict, list -> list, map -> dict, string -> str, integer/long -> int, float/double -> float,
boolean -> bool, blob -> bytes, timestamp -> timezone-aware datetime (UTC).
Serializers also accept, for convenience of providers: str for blob (UTF-8 encoded), bytes or an iterable of
bytes or a binary file object for a streaming payload, and int/float epoch seconds or datetime for timestamps.
Members a provider returns that the output shape does not declare are dropped; None values are omitted.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any, Protocol

from botocore.model import OperationModel, ServiceModel, Shape

from mocklambda.protocol import quirks
from mocklambda.protocol.errors import AwsError
from mocklambda.protocol.http import AwsRequest, AwsResponse


class RequestParser(Protocol):
    def __init__(self, service_model: ServiceModel) -> None: ...

    def parse(self, request: AwsRequest) -> tuple[OperationModel, dict[str, Any]]:
        """Find the operation and build its input params. Raises AwsError for requests AWS would refuse
        (unknown operation, malformed body); never a bare exception for bad input."""
        ...


class ResponseSerializer(Protocol):
    def __init__(self, service_model: ServiceModel) -> None: ...

    def serialize_response(
        self, operation: OperationModel, result: dict[str, Any], request_id: str
    ) -> AwsResponse: ...

    def serialize_error(
        self, error: AwsError, operation: OperationModel | None, request_id: str
    ) -> AwsResponse: ...


def error_shape(service_model: ServiceModel, code: str) -> Shape | None:
    """The modelled error shape for `code`: by shape name, or by the wire code the model declares
    (query services rename errors, e.g. SNS's NotFoundException travels as 'NotFound')."""
    for shape in service_model.error_shapes:
        if shape.name == code or shape.metadata.get("error", {}).get("code") == code:
            return shape
    return None


def error_status(service_model: ServiceModel, error: AwsError) -> int:
    """HTTP status for an error: explicit on the error, else the model's httpStatusCode, else 400/500."""
    if error.status is not None:
        return error.status
    shape = error_shape(service_model, error.code)
    if shape is not None:
        restored = _query_compatible(service_model, shape)
        status = restored[1] if restored else shape.metadata.get("error", {}).get("httpStatusCode")
        if status:
            return int(status)
    return 400 if error.sender_fault else 500


def error_wire_code(service_model: ServiceModel, error: AwsError) -> str:
    """The code that travels on the wire: the model's `error.code` where it declares one, or the query code a
    query-compatible service still sends (`quirks.QUERY_COMPATIBLE_ERRORS`)."""
    shape = error_shape(service_model, error.code)
    if shape is not None:
        restored = _query_compatible(service_model, shape)
        return restored[0] if restored else str(shape.metadata.get("error", {}).get("code") or shape.name)
    return error.code


def _query_compatible(service_model: ServiceModel, shape: Shape) -> tuple[str, int] | None:
    """The (query code, status) a query-compatible service sends for `shape`, where botocore's model lost it."""
    return quirks.QUERY_COMPATIBLE_ERRORS.get(service_model.service_name, {}).get(shape.name)


def to_datetime(value: Any) -> _dt.datetime:
    """A provider's timestamp (datetime, epoch seconds, or ISO 8601 text) as an aware UTC datetime."""
    if isinstance(value, _dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=_dt.UTC)
    if isinstance(value, int | float):
        return _dt.datetime.fromtimestamp(value, tz=_dt.UTC)
    if isinstance(value, str):
        parsed = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=_dt.UTC)
    raise TypeError(f"not a timestamp: {value!r}")
