"""rest-xml codec (S3) checked against botocore's own client serializer and response parser.

Round trips cover every operation of the `s3` model. Normalisations, each for a reason the wire gives:
- Twin operations that send identical requests cannot be told apart, the non-deprecated one wins:
  GetBucketLifecycle / GetBucketNotification / PutBucketLifecycle / PutBucketNotification (deprecated) are
  parsed as their `...Configuration` successors (TWINS); their body is then read with the successor's
  shape, so for them only the operation name and the URI members are compared.
- GetBucketNotification's output (deprecated shape): the scalar `Event` is dropped from the generated value
  and from botocore's parse, since it and the flattened list `Events` are both written as <Event> elements.
- ListBuckets / ListDirectoryBuckets share `GET /`; generated params carry each operation's own query keys,
  so both route correctly (no normalisation, but an empty ListDirectoryBuckets request is a ListBuckets one).
- WriteGetObjectResponse's RequestRoute travels in the Host prefix (`{RequestRoute}.`); roundtrip.py sends a
  fixed Host, so the test sets the Host the client would have used.
- Header map keys (`x-amz-meta-*`) come back lower-cased (HTTP header names are case-insensitive); the
  generated keys are already lower-case.
- Outputs: event-stream payload members (SelectObjectContent's Payload) are dropped from both sides: this
  codec passes already-encoded frames through and does not encode events.
- Outputs: GetBucketLocation's document is `<LocationConstraint>x</LocationConstraint>` (quirks.XML_MEMBER_AS_ROOT),
  which botocore's parser alone cannot read; a real client reads it with botocore's
  `parse_get_bucket_location` handler, so the test runs that handler.
- Outputs of HEAD operations have no body; their members all live in headers, so nothing is lost.
"""
from __future__ import annotations

import io
from typing import Any

import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.handlers import parse_get_bucket_location
from botocore.httpchecksum import AwsChunkedWrapper, Crc32Checksum
from botocore.model import OperationModel
from botocore.parsers import create_parser
from werkzeug.datastructures import Headers

from mocklambda.protocol.errors import AwsError
from mocklambda.protocol.http import AwsRequest, AwsResponse
from mocklambda.protocol.models import load_service_model
from mocklambda.protocol.rest_xml import MALFORMED_XML_MESSAGE, RestXmlParser, RestXmlSerializer
from mocklambda.protocol.xmlcodec import parse_xml
from tests.protocol.roundtrip import (
    ENDPOINT,
    botocore_parse,
    botocore_request,
    generated_input,
    generated_output,
    without_event_streams,
)

MODEL = load_service_model("s3")
PARSER = RestXmlParser(MODEL)
SERIALIZER = RestXmlSerializer(MODEL)
REQUEST_ID = "4442587FB7D0A2F9"
TWINS = {
    "GetBucketLifecycle": "GetBucketLifecycleConfiguration",
    "GetBucketNotification": "GetBucketNotificationConfiguration",
    "PutBucketLifecycle": "PutBucketLifecycleConfiguration",
    "PutBucketNotification": "PutBucketNotificationConfiguration",
}


def _operation(name: str) -> OperationModel:
    return MODEL.operation_model(name)


def _client_request(operation: OperationModel, params: dict[str, Any]) -> AwsRequest:
    request = botocore_request(operation, params)
    prefix = (operation.endpoint or {}).get("hostPrefix")
    if prefix:
        request.headers["Host"] = prefix.format(**params) + request.headers["Host"]
    return request


@pytest.mark.parametrize("name", MODEL.operation_names)
def test_request_round_trip(name: str) -> None:
    operation = _operation(name)
    params = generated_input(operation)

    parsed_operation, parsed = PARSER.parse(_client_request(operation, params))

    if name in TWINS:  # the body is read with the successor's shape, so only the URI/header part compares
        assert (parsed_operation.name, parsed["Bucket"]) == (TWINS[name], params["Bucket"])
        return
    assert (parsed_operation.name, parsed) == (name, params)


def _parse_output(operation: OperationModel, response: AwsResponse) -> dict[str, Any]:
    parsed = botocore_parse(operation, response)
    if operation.name == "GetBucketLocation":
        body = response.body if isinstance(response.body, bytes) else b"".join(response.body)
        http_response = AWSResponse(ENDPOINT, response.status, {}, _RawBody(body))
        parse_get_bucket_location(parsed, http_response)
    return parsed


def _drop_deprecated_single_event(result: dict[str, Any]) -> None:
    # The deprecated configurations have a scalar `Event` and a flattened list `Events` both written as
    # <Event> elements: one document cannot carry both, botocore reads every <Event> into both.
    for configuration in result.values():
        configuration.pop("Event", None)


@pytest.mark.parametrize("name", MODEL.operation_names)
def test_response_round_trip(name: str) -> None:
    operation = _operation(name)
    result = generated_output(operation)
    if name == "GetBucketNotification":
        _drop_deprecated_single_event(result)

    response = SERIALIZER.serialize_response(operation, result, REQUEST_ID)

    parsed = _parse_output(operation, response)
    if name == "GetBucketNotification":
        _drop_deprecated_single_event(parsed)
    assert without_event_streams(operation, parsed) == without_event_streams(operation, result)
    assert response.headers["x-amz-request-id"] == REQUEST_ID


# ---------------------------------------------------------------- routing and wire details


def _parse(
    method: str, path: str, query: str = "", body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[str, dict[str, Any]]:
    operation, params = PARSER.parse(AwsRequest(method, path, query, Headers(headers or {}), body))
    return operation.name, params


def test_literal_query_key_selects_the_sub_resource_operation() -> None:
    assert _parse("GET", "/bucket", "notification")[0] == "GetBucketNotificationConfiguration"
    assert _parse("GET", "/bucket", "list-type=2&prefix=a")[0] == "ListObjectsV2"
    assert _parse("GET", "/bucket", "prefix=a")[0] == "ListObjects"
    assert _parse("POST", "/bucket/key", "uploads")[0] == "CreateMultipartUpload"


def test_required_query_and_headers_pick_among_same_path_operations() -> None:
    assert _parse("PUT", "/b/k")[0] == "PutObject"
    assert _parse("PUT", "/b/k", headers={"x-amz-copy-source": "/a/b"})[0] == "CopyObject"
    assert _parse("PUT", "/b/k", "partNumber=1&uploadId=u")[0] == "UploadPart"
    assert _parse("PUT", "/b/k", "partNumber=1&uploadId=u", headers={"x-amz-copy-source": "/a/b"})[0] == "UploadPartCopy"
    assert _parse("GET", "/b/k", "uploadId=u")[0] == "ListParts"
    assert _parse("DELETE", "/b/k", "uploadId=u")[0] == "AbortMultipartUpload"


def test_greedy_key_label_keeps_slashes_and_is_percent_decoded() -> None:
    name, params = _parse("GET", "/bucket/dir/sub%20dir/file%3F.txt")

    assert (name, params) == ("GetObject", {"Bucket": "bucket", "Key": "dir/sub dir/file?.txt"})


def test_put_object_body_is_raw_bytes() -> None:
    name, params = _parse("PUT", "/bucket/key", body=b"<not xml>")

    assert (name, params["Body"]) == ("PutObject", b"<not xml>")


def test_aws_chunked_body_is_decoded_and_its_trailer_becomes_a_header() -> None:
    data = b"hello, chunked world" * 100
    wrapper = AwsChunkedWrapper(io.BytesIO(data), Crc32Checksum, "x-amz-checksum-crc32", chunk_size=512)
    headers = {
        "Content-Encoding": "aws-chunked",
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "x-amz-trailer": "x-amz-checksum-crc32",
        "x-amz-decoded-content-length": str(len(data)),
    }

    name, params = _parse("PUT", "/b/k", body=wrapper.read(), headers=headers)

    assert (name, params["Body"], params["ChecksumCRC32"]) == ("PutObject", data, _crc32_base64(data))
    assert "ContentEncoding" not in params


def _crc32_base64(data: bytes) -> str:
    checksum = Crc32Checksum()
    checksum.update(data)
    return checksum.b64digest()


def test_truncated_aws_chunked_body_is_incomplete_body() -> None:
    headers = {"Content-Encoding": "aws-chunked"}

    with pytest.raises(AwsError) as caught:
        _parse("PUT", "/b/k", body=b"400\r\nshort", headers=headers)

    assert (caught.value.code, caught.value.status) == ("IncompleteBody", 400)


def test_user_metadata_headers_become_the_metadata_map() -> None:
    _, params = _parse("PUT", "/b/k", headers={"x-amz-meta-Colour": "blue", "x-amz-meta-size": "2"})

    assert params["Metadata"] == {"colour": "blue", "size": "2"}


def test_notification_configuration_body_is_parsed() -> None:
    body = (
        b'<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        b"<CloudFunctionConfiguration><Id>n1</Id><CloudFunction>arn:aws:lambda:us-east-1:1:function:f"
        b"</CloudFunction><Event>s3:ObjectCreated:*</Event><Event>s3:ObjectRemoved:*</Event>"
        b"<Filter><S3Key><FilterRule><Name>prefix</Name><Value>in/</Value></FilterRule></S3Key></Filter>"
        b"</CloudFunctionConfiguration></NotificationConfiguration>"
    )

    _, params = _parse("PUT", "/bucket", "notification", body)

    assert params["NotificationConfiguration"] == {
        "LambdaFunctionConfigurations": [{
            "Id": "n1",
            "LambdaFunctionArn": "arn:aws:lambda:us-east-1:1:function:f",
            "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"}]}},
        }]
    }


def test_output_root_is_named_and_namespaced() -> None:
    operation = _operation("ListObjectsV2")

    response = SERIALIZER.serialize_response(operation, {"Name": "b", "KeyCount": 0}, REQUEST_ID)

    root = parse_xml(response.body)  # type: ignore[arg-type]
    assert root.tag == "{http://s3.amazonaws.com/doc/2006-03-01/}ListBucketResult"


def test_head_object_response_has_headers_and_no_body() -> None:
    operation = _operation("HeadObject")

    response = SERIALIZER.serialize_response(operation, {"ETag": '"abc"', "ContentLength": 3}, REQUEST_ID)

    assert (response.body, response.headers["ETag"], response.headers["Content-Length"]) == (b"", '"abc"', "3")


# ---------------------------------------------------------------- errors


def _parse_error(response: AwsResponse, operation_name: str) -> dict[str, Any]:
    http = {
        "status_code": response.status,
        "headers": {k.lower(): v for k, v in response.headers.items()},
        "body": response.body,
    }
    return create_parser("rest-xml").parse(http, _operation(operation_name).output_shape)


def test_error_no_such_bucket_is_bare_s3_error_document() -> None:
    error = AwsError("NoSuchBucket", "The specified bucket does not exist", fields={"BucketName": "b"})

    response = SERIALIZER.serialize_error(error, _operation("ListObjectsV2"), REQUEST_ID)
    parsed = _parse_error(response, "ListObjectsV2")

    assert response.status == 404
    assert parsed["Error"] == {
        "Code": "NoSuchBucket", "Message": "The specified bucket does not exist", "BucketName": "b",
    }
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
    assert response.body.startswith(b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>')  # type: ignore[union-attr]


def test_error_no_such_key_is_404() -> None:
    error = AwsError("NoSuchKey", "The specified key does not exist.", fields={"Key": "k"})

    response = SERIALIZER.serialize_error(error, _operation("GetObject"), REQUEST_ID)

    assert (response.status, _parse_error(response, "GetObject")["Error"]["Code"]) == (404, "NoSuchKey")


def test_head_error_has_no_body_and_botocore_reports_the_status() -> None:
    error = AwsError("NoSuchKey", "The specified key does not exist.")

    response = SERIALIZER.serialize_error(error, _operation("HeadObject"), REQUEST_ID)

    assert response.body == b""
    assert _parse_error(response, "HeadObject")["Error"]["Code"] == "404"


def test_error_raises_the_clients_modelled_exception_class() -> None:
    error = AwsError("NoSuchBucket", "The specified bucket does not exist", fields={"BucketName": "b"})
    response = SERIALIZER.serialize_error(error, _operation("ListObjectsV2"), REQUEST_ID)
    client = botocore.session.Session().create_client(
        "s3", region_name="us-east-1", endpoint_url=ENDPOINT,
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
    )

    def reply(request: Any, **_kwargs: Any) -> AWSResponse:
        return AWSResponse(request.url, response.status, dict(response.headers.items()), _RawBody(response.body))

    client.meta.events.register("before-send", reply)
    with pytest.raises(client.exceptions.NoSuchBucket) as caught:
        client.list_objects_v2(Bucket="b")
    client.close()

    assert caught.value.response["Error"]["BucketName"] == "b"


def test_unmodelled_error_with_explicit_status() -> None:
    error = AwsError("InvalidArgument", "Invalid argument", 400, fields={"ArgumentName": "x"})

    response = SERIALIZER.serialize_error(error, None, REQUEST_ID)

    assert response.status == 400
    assert _parse_error(response, "GetObject")["Error"]["ArgumentName"] == "x"


class _RawBody:
    def __init__(self, data: Any) -> None:
        self._data = data if isinstance(data, bytes) else b"".join(data)

    def stream(self, **_kwargs: Any) -> Any:
        yield self._data

    def read(self, *_args: Any) -> bytes:
        return io.BytesIO(self._data).read()


# ---------------------------------------------------------------- bad requests


def test_wrong_method_is_method_not_allowed() -> None:
    with pytest.raises(AwsError) as caught:
        _parse("PATCH", "/bucket/key")

    assert (caught.value.code, caught.value.status) == ("MethodNotAllowed", 405)


def test_malformed_xml_body_is_malformed_xml() -> None:
    with pytest.raises(AwsError) as caught:
        _parse("POST", "/bucket", "delete", b"<Delete><Object><Key>k</Object></Delete>")

    assert (caught.value.code, caught.value.status, caught.value.message) == (
        "MalformedXML", 400, MALFORMED_XML_MESSAGE,
    )


def test_doctype_in_xml_body_is_refused_as_malformed_xml() -> None:
    body = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><Delete><Quiet>&a;</Quiet></Delete>'

    with pytest.raises(AwsError) as caught:
        _parse("POST", "/bucket", "delete", body)

    assert caught.value.code == "MalformedXML"
