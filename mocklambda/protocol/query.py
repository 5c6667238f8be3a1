"""The AWS `query` protocol (form parameters in, XML out): SNS, STS.

What it does: reads the request's form parameters (the urlencoded POST body and the query string) into params
by walking the operation's input shape: `Action` names the operation, lists travel as `Name.member.N`
(`Name.N` when flattened; 1-based; list and member `locationName`s honoured; an empty list as `Name=`),
maps as `Name.entry.N.key` / `.value` (key and value `locationName`s honoured), nested structures as
`A.B`, booleans as `true`/`false`, timestamps ISO 8601, blobs base64. It writes results as
`<OpResponse><OpResult>...</OpResult><ResponseMetadata><RequestId>` and errors as AWS's `<ErrorResponse>`.
Parameters the input shape does not name are ignored, as AWS ignores them.

What it must not do: check constraints (required members, enums, lengths, ranges: that is validation's job),
know any service by name, write XML of shapes itself (`xmlcodec.py` does), or touch WSGI.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import math
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from botocore.model import OperationModel, ServiceModel, Shape
from werkzeug.datastructures import Headers

from mocklambda.protocol import xmlcodec
from mocklambda.protocol.base import error_shape, error_status, error_wire_code
from mocklambda.protocol.errors import AwsError, UnknownOperation
from mocklambda.protocol.http import AwsRequest, AwsResponse

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
XML_CONTENT_TYPE = "text/xml"

# A parameter tree: one node per dotted name segment; a node's own text (if the name ends there) under _TEXT,
# a key no segment can be.
_TEXT = None
Node = dict[str | None, Any]

_NON_FINITE = {"nan": math.nan, "infinity": math.inf, "-infinity": -math.inf}


# ---------------------------------------------------------------- request


class QueryParser:
    """Request parser for protocol 'query' (implements base.RequestParser)."""

    def __init__(self, service_model: ServiceModel) -> None:
        self._model = service_model
        self._operation_names = frozenset(service_model.operation_names)

    def parse(self, request: AwsRequest) -> tuple[OperationModel, dict[str, Any]]:
        items = form_items(request)
        operation = self._operation(items)
        shape = operation.input_shape
        params = _read_structure(shape, parameter_tree(items), "") if shape is not None else {}
        return operation, params

    def _operation(self, items: list[tuple[str, str]]) -> OperationModel:
        values = dict(items)
        action = values.get("Action", "")
        if not action:
            raise AwsError("MissingAction", "Missing Action", 400)
        if action not in self._operation_names:
            version = values.get("Version", "")
            raise UnknownOperation(
                "InvalidAction", f"Could not find operation {action} for version {version}", 400
            )
        return self._model.operation_model(action)


def form_items(request: AwsRequest) -> list[tuple[str, str]]:
    """The request's parameters in order: the query string's, then a form-encoded body's."""
    items = _decode_form(request.query)
    content_type = request.headers.get("Content-Type", "")
    if request.body and (not content_type or content_type.lower().startswith(FORM_CONTENT_TYPE)):
        try:
            body = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise _malformed("the body is not UTF-8 text") from None
        items += _decode_form(body)
    return items


def _decode_form(text: str) -> list[tuple[str, str]]:
    """parse_qsl(text, keep_blank_values=True, errors="strict"), inlined: the same pairs, without its generic
    per-field overhead (most names and values need no decoding at all)."""
    items: list[tuple[str, str]] = []
    if not text:
        return items
    try:
        for field_text in text.split("&"):
            if not field_text:
                continue
            name, _, value = field_text.partition("=")
            items.append((_unquote_plus(name), _unquote_plus(value)))
    except (UnicodeDecodeError, ValueError):
        raise _malformed("a parameter is not percent-encoded UTF-8") from None
    return items


def _unquote_plus(text: str) -> str:
    if "+" in text:
        text = text.replace("+", " ")
    return unquote(text, encoding="utf-8", errors="strict") if "%" in text else text


def _malformed(detail: str) -> AwsError:
    return AwsError("MalformedQueryString", f"The query string is malformed: {detail}", 400)


def parameter_tree(items: list[tuple[str, str]]) -> Node:
    """`A.member.1.B=x` becomes {"A": {"member": {"1": {"B": {_TEXT: "x"}}}}}; a later repeat wins."""
    root: Node = {}
    for name, text in items:
        node = root
        for segment in name.split("."):
            node = node.setdefault(segment, {})
        node[_TEXT] = text
    return root


def _read(shape: Shape, node: Node, path: str) -> Any:
    return _READERS.get(shape.type_name, _read_scalar)(shape, node, path)


def _read_structure(shape: Shape, node: Node, path: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for name, key, member in _members(shape):
        child = node.get(key)
        if isinstance(child, dict):
            value = _read(member, child, f"{path}.{key}" if path else key)
            if value is not _ABSENT:
                params[name] = value
    return params


_MEMBERS: dict[Shape, tuple[tuple[str, str, Shape], ...]] = {}  # botocore keeps one Shape object per member


def _members(shape: Shape) -> tuple[tuple[str, str, Shape], ...]:
    """(member name, parameter name, member shape) of a structure, worked out once per shape, not per request."""
    members = _MEMBERS.get(shape)
    if members is None:
        members = tuple(
            (name, xmlcodec.member_xml_name(member, name), member) for name, member in shape.members.items()
        )
        _MEMBERS[shape] = members
    return members


def _read_list(shape: Shape, node: Node, path: str) -> list[Any]:
    if shape.serialization.get("flattened"):
        items = node
    else:
        item_name = shape.member.serialization.get("name", "member")
        items = node.get(item_name, {})
        path = f"{path}.{item_name}"
    values = (_read(shape.member, child, f"{path}.{index}") for index, child in _indexed(items))
    return [value for value in values if value is not _ABSENT]


def _read_map(shape: Shape, node: Node, path: str) -> dict[Any, Any]:
    if shape.serialization.get("flattened"):
        entries = node
    else:
        entries, path = node.get("entry", {}), f"{path}.entry"
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")
    parsed: dict[Any, Any] = {}
    for index, entry in _indexed(entries):
        key_node, value_node = entry.get(key_name), entry.get(value_name)
        if key_node is None or value_node is None:
            continue
        key = _read(shape.key, key_node, f"{path}.{index}.{key_name}")
        value = _read(shape.value, value_node, f"{path}.{index}.{value_name}")
        if key is not _ABSENT and value is not _ABSENT:
            parsed[key] = value
    return parsed


def _indexed(node: Node) -> list[tuple[int, Node]]:
    """Children named by 1-based positions, in order; other names are not items and are ignored."""
    positions = [
        (int(name), child)
        for name, child in node.items()
        if name is not _TEXT and name.isascii() and name.isdigit()
    ]
    return sorted(positions, key=lambda pair: pair[0])


class _Absent:
    """A name that carries no text of its own (`A.B=x` read where A is a scalar): not a parameter."""


_ABSENT: Any = _Absent()


def _read_scalar(shape: Shape, node: Node, path: str) -> Any:
    text = node.get(_TEXT)
    if text is None:
        return _ABSENT
    try:
        return _SCALARS.get(shape.type_name, str)(text)
    except (ValueError, OverflowError, binascii.Error):
        kind = _KIND_WORDS.get(shape.type_name, shape.type_name)
        raise AwsError(
            "InvalidParameterValue", f"Value ({text}) for parameter {path} is invalid. Expected {kind}.", 400
        ) from None


def _integer(text: str) -> int:
    return int(text.strip())


def _float(text: str) -> float:
    word = text.strip().lower()
    return _NON_FINITE[word] if word in _NON_FINITE else float(word)


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered not in ("true", "false"):
        raise ValueError(text)
    return lowered == "true"


def _blob(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _timestamp(text: str) -> _dt.datetime:
    return xmlcodec.parse_timestamp(text)


_SCALARS: dict[str, Callable[[str], Any]] = {
    "integer": _integer,
    "long": _integer,
    "float": _float,
    "double": _float,
    "boolean": _boolean,
    "blob": _blob,
    "timestamp": _timestamp,
}

_KIND_WORDS = {
    "integer": "an integer",
    "long": "an integer",
    "float": "a number",
    "double": "a number",
    "boolean": "true or false",
    "blob": "base64-encoded data",
    "timestamp": "an ISO 8601 timestamp",
}

_READERS: dict[str, Callable[[Shape, Node, str], Any]] = {
    "structure": _read_structure,
    "list": _read_list,
    "map": _read_map,
}


# ---------------------------------------------------------------- response


class QuerySerializer:
    """Response serializer for protocol 'query' (implements base.ResponseSerializer)."""

    def __init__(self, service_model: ServiceModel) -> None:
        self._model = service_model
        self._namespace = str(service_model.metadata.get("xmlNamespace") or "")

    def serialize_response(
        self, operation: OperationModel, result: dict[str, Any], request_id: str
    ) -> AwsResponse:
        root = self._root(f"{operation.name}Response")
        shape = operation.output_shape
        if shape is not None:
            wrapper = shape.serialization.get("resultWrapper")
            container = ET.SubElement(root, wrapper) if wrapper else root
            xmlcodec.members_to_xml(container, shape, result or {})
        metadata = ET.SubElement(root, "ResponseMetadata")
        ET.SubElement(metadata, "RequestId").text = request_id
        return self._response(200, root, request_id)

    def serialize_error(
        self, error: AwsError, operation: OperationModel | None, request_id: str
    ) -> AwsResponse:
        shape = error_shape(self._model, error.code)
        status = error_status(self._model, error)
        root = self._root("ErrorResponse")
        element = ET.SubElement(root, "Error")
        ET.SubElement(element, "Type").text = (
            "Sender" if _is_sender_fault(error, shape, status) else "Receiver"
        )
        ET.SubElement(element, "Code").text = error_wire_code(self._model, error)
        ET.SubElement(element, "Message").text = error.message
        self._error_fields(element, shape, error.fields)
        ET.SubElement(root, "RequestId").text = request_id
        response = self._response(status, root, request_id)
        for name, value in error.headers.items():
            response.headers[name] = value
        return response

    def _error_fields(self, element: ET.Element, shape: Shape | None, fields: dict[str, Any]) -> None:
        extra = {name: value for name, value in fields.items() if name.lower() != "message"}
        if shape is not None:
            xmlcodec.members_to_xml(element, shape, extra)
            return
        for name, value in extra.items():  # an unmodelled error has no shape: plain text elements
            ET.SubElement(element, name).text = str(value)

    def _root(self, name: str) -> ET.Element:
        root = ET.Element(name)
        if self._namespace:
            root.set("xmlns", self._namespace)
        return root

    def _response(self, status: int, root: ET.Element, request_id: str) -> AwsResponse:
        # The list Headers() plus two assignments would hold, without werkzeug's per-item set() and checks.
        headers = Headers()
        headers._list = [("Content-Type", XML_CONTENT_TYPE), ("x-amzn-RequestId", request_id)]
        return AwsResponse(
            status=status, headers=headers, body=xmlcodec.to_xml_bytes(root, declaration=False)
        )


def _is_sender_fault(error: AwsError, shape: Shape | None, status: int) -> bool:
    declared = shape.metadata.get("error", {}).get("senderFault") if shape is not None else None
    if declared is not None:
        return bool(declared)
    return error.sender_fault and status < 500
