"""The rest-xml protocol (S3 and similar): request parser and response serializer.

What it does: routes a request with `rest.Router`, reads URI/query/header members with `rest.py`, and the body
as XML (structure payloads, or the body members) or as raw bytes (blob/string payloads such as PutObject's
Body); writes results as status, headers and an XML document (or a raw payload), and errors either as S3's
bare `<Error>` document (services in quirks.BARE_XML_ERROR_ROOT) or as `<ErrorResponse><Error>...`.
XML values go through `xmlcodec.py`. A HEAD response and a 304, error or not, have no body; an operation
in quirks.PARTIAL_CONTENT_MEMBER answers 206 when that member is set (a ranged GetObject).
What it must not do: know a service by name (S3's deviations are rules in quirks.py), expand XML entities
or accept DOCTYPEs, or raise anything but AwsError for bad input.
"""
from __future__ import annotations

import base64
import binascii
import functools
import xml.etree.ElementTree as ET
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape
from werkzeug.datastructures import Headers

from mocklambda.protocol import quirks, rest, xmlcodec
from mocklambda.protocol.base import error_shape, error_status, error_wire_code
from mocklambda.protocol.errors import AwsError
from mocklambda.protocol.http import AwsRequest, AwsResponse

XML_CONTENT_TYPE = "application/xml"
RAW_CONTENT_TYPE = "application/octet-stream"
MALFORMED_XML_MESSAGE = (
    "The XML you provided was not well-formed or did not validate against our published schema"
)


def malformed_xml() -> AwsError:
    return AwsError("MalformedXML", MALFORMED_XML_MESSAGE, 400)


def method_not_allowed() -> AwsError:
    return AwsError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405)


@functools.cache
def service_namespace(service_model: ServiceModel) -> str | None:
    """The XML namespace the service declares on its request documents (rest-xml models carry no
    service-wide namespace); used on output roots that do not declare their own."""
    for name in service_model.operation_names:
        shape = service_model.operation_model(name).input_shape
        payload = rest.payload_member(shape)
        if shape is None or payload is None:
            continue
        namespace = shape.members[payload].serialization.get("xmlNamespace")
        uri = namespace if isinstance(namespace, str) else (namespace or {}).get("uri")
        if uri and not (isinstance(namespace, dict) and namespace.get("prefix")):
            return str(uri)
    return None


# ---------------------------------------------------------------- parser


class RestXmlParser:
    """base.RequestParser for rest-xml."""

    def __init__(self, service_model: ServiceModel) -> None:
        self._service_model = service_model
        self._router = rest.router_for(service_model)

    def parse(self, request: AwsRequest) -> tuple[OperationModel, dict[str, Any]]:
        request = rest.decode_aws_chunked(request)
        match = self._router.match(request)
        if match is None:
            if self._router.methods_for_path(request.path):
                raise method_not_allowed()
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
            member = shape.members[payload]
            if rest.is_raw_payload(member):
                value = rest.raw_payload_param(member, body)
                return {} if value is None else {payload: value}
            if not body.strip():
                return {}
            return {payload: _decode(lambda root: xmlcodec.xml_to_value(member, root), body)}
        if not body.strip() or not rest.body_member_names(shape):
            return {}
        parsed: dict[str, Any] = _decode(lambda root: xmlcodec.members_from_xml(shape, root), body)
        return parsed


def _decode(read: Any, body: bytes) -> Any:
    try:
        return read(xmlcodec.parse_xml(body))
    except (xmlcodec.XmlSyntaxError, ValueError, binascii.Error) as exc:
        raise malformed_xml() from exc


# ---------------------------------------------------------------- serializer


class RestXmlSerializer:
    """base.ResponseSerializer for rest-xml."""

    def __init__(self, service_model: ServiceModel) -> None:
        self._service_model = service_model
        self._service_name = service_model.service_name
        self._bare_error_root = self._service_name in quirks.BARE_XML_ERROR_ROOT

    def _base_headers(self, request_id: str) -> Headers:
        headers = Headers()
        headers["x-amz-request-id"] = request_id
        headers["x-amz-id-2"] = base64.b64encode(f"mocklambda/{request_id}".encode()).decode("ascii")
        return headers

    def serialize_response(
        self, operation: OperationModel, result: dict[str, Any], request_id: str
    ) -> AwsResponse:
        shape = operation.output_shape
        headers = self._base_headers(request_id)
        status = rest.serialize_location_members(shape, result, headers)
        partial = quirks.PARTIAL_CONTENT_MEMBER.get(self._service_name, {}).get(operation.name)
        if status is None and partial is not None and result.get(partial) is not None:
            status = 206
        body: Any = b""
        if _method(operation) != "HEAD" and shape is not None:
            body = self._body(operation, shape, result, headers)
        return AwsResponse(status=status or rest.response_status(operation), headers=headers, body=body)

    def _body(self, operation: OperationModel, shape: Shape, result: dict[str, Any], headers: Headers) -> Any:
        payload = rest.payload_member(shape)
        if payload is not None:
            return self._payload_body(shape.members[payload], result.get(payload), headers)
        member_as_root = quirks.XML_MEMBER_AS_ROOT.get(self._service_name, {}).get(operation.name)
        if member_as_root is not None:
            return self._member_as_root(shape.members[member_as_root], member_as_root, result, headers)
        if not rest.body_member_names(shape):
            return b""
        root_name = quirks.XML_OUTPUT_ROOT.get(self._service_name, {}).get(operation.name, shape.name)
        root = ET.Element(root_name)
        self._set_namespace(root, shape)
        xmlcodec.members_to_xml(root, shape, result)
        headers.setdefault("Content-Type", XML_CONTENT_TYPE)
        return xmlcodec.to_xml_bytes(root)

    def _payload_body(self, member: Shape, value: Any, headers: Headers) -> Any:
        if rest.is_event_stream(member):
            return rest.event_stream_body(value, headers)
        if rest.is_raw_payload(member):
            headers.setdefault("Content-Type", RAW_CONTENT_TYPE)
            return rest.raw_payload(value)
        if value is None:
            return b""
        root = xmlcodec.shape_to_xml(None, member, value, member.serialization.get("name") or member.name)
        self._set_namespace(root, member)
        headers.setdefault("Content-Type", XML_CONTENT_TYPE)
        return xmlcodec.to_xml_bytes(root)

    def _member_as_root(self, member: Shape, name: str, result: dict[str, Any], headers: Headers) -> bytes:
        root = ET.Element(member.serialization.get("name") or name)
        self._set_namespace(root, member)
        value = result.get(name)
        if value is not None:
            root.text = xmlcodec.scalar_to_text(member, value)
        headers.setdefault("Content-Type", XML_CONTENT_TYPE)
        return xmlcodec.to_xml_bytes(root)

    def _set_namespace(self, root: ET.Element, shape: Shape) -> None:
        xmlcodec.add_xml_namespace(root, shape)
        namespace = service_namespace(self._service_model)
        if "xmlns" not in root.attrib and namespace:
            root.set("xmlns", namespace)

    # ------------------------------------------------------------ errors

    def serialize_error(
        self, error: AwsError, operation: OperationModel | None, request_id: str
    ) -> AwsResponse:
        headers = self._base_headers(request_id)
        status = error_status(self._service_model, error)
        shape = error_shape(self._service_model, error.code)
        if shape is not None:
            rest.serialize_location_members(shape, error.fields, headers)
        for key, value in error.headers.items():
            headers[key] = value
        # HEAD responses and 304 Not Modified never carry a body (HTTP), error or not.
        if status == 304 or (operation is not None and _method(operation) == "HEAD"):
            return AwsResponse(status=status, headers=headers, body=b"")
        headers.setdefault("Content-Type", XML_CONTENT_TYPE)
        root = self._bare_error(error, shape, request_id) if self._bare_error_root else self._wrapped_error(
            error, shape, request_id
        )
        return AwsResponse(status=status, headers=headers, body=xmlcodec.to_xml_bytes(root))

    def _bare_error(self, error: AwsError, shape: Shape | None, request_id: str) -> ET.Element:
        root = ET.Element("Error")
        self._error_details(root, error, shape)
        ET.SubElement(root, "RequestId").text = request_id
        return root

    def _wrapped_error(self, error: AwsError, shape: Shape | None, request_id: str) -> ET.Element:
        root = ET.Element("ErrorResponse")
        namespace = service_namespace(self._service_model)
        if namespace:
            root.set("xmlns", namespace)
        element = ET.SubElement(root, "Error")
        ET.SubElement(element, "Type").text = "Sender" if error.sender_fault else "Receiver"
        self._error_details(element, error, shape)
        ET.SubElement(root, "RequestId").text = request_id
        return root

    def _error_details(self, element: ET.Element, error: AwsError, shape: Shape | None) -> None:
        ET.SubElement(element, "Code").text = error_wire_code(self._service_model, error)
        ET.SubElement(element, "Message").text = error.message
        modelled = {}
        if shape is not None:
            modelled = {key: value for key, value in error.fields.items() if key in shape.members}
            xmlcodec.members_to_xml(element, shape, modelled)
        for key, value in error.fields.items():
            if key not in modelled and value is not None:
                ET.SubElement(element, key).text = str(value)


def _method(operation: OperationModel) -> str:
    return str(operation.http.get("method", "POST")).upper()
