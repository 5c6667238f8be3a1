"""rest-json codec (Lambda) checked against botocore's own client serializer and response parser.

Round trips cover every operation of the `lambda` model. Normalisations, each for a reason the wire gives:
- none are needed for requests: botocore's serializer alone (no client handlers) sends every generated
  param as-is, timestamps in the generated values have whole seconds, and no Lambda input member is an
  idempotency token or a computed checksum;
- outputs: event-stream payload members (InvokeWithResponseStream's EventStream) are dropped from both
  sides: encoding event-stream frames is not this codec's job, it passes already-encoded frames through.
"""
from __future__ import annotations

import json
from typing import Any

import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.model import OperationModel
from werkzeug.datastructures import Headers

from mocklambda.protocol.errors import AwsError
from mocklambda.protocol.http import AwsRequest, AwsResponse
from mocklambda.protocol.models import load_service_model
from mocklambda.protocol.rest_json import RestJsonParser, RestJsonSerializer
from tests.protocol.roundtrip import (
    ENDPOINT,
    botocore_parse,
    botocore_request,
    generated_input,
    generated_output,
    without_event_streams,
)

MODEL = load_service_model("lambda")
PARSER = RestJsonParser(MODEL)
SERIALIZER = RestJsonSerializer(MODEL)
REQUEST_ID = "0f6c3f2e-1111-2222-3333-444455556666"


def _operation(name: str) -> OperationModel:
    return MODEL.operation_model(name)


@pytest.mark.parametrize("name", MODEL.operation_names)
def test_request_round_trip(name: str) -> None:
    operation = _operation(name)
    params = generated_input(operation)

    parsed_operation, parsed = PARSER.parse(botocore_request(operation, params))

    assert (parsed_operation.name, parsed) == (name, params)


@pytest.mark.parametrize("name", MODEL.operation_names)
def test_response_round_trip(name: str) -> None:
    operation = _operation(name)
    result = generated_output(operation)

    response = SERIALIZER.serialize_response(operation, result, REQUEST_ID)

    parsed = botocore_parse(operation, response)
    assert without_event_streams(operation, parsed) == without_event_streams(operation, result)
    assert response.headers["x-amzn-RequestId"] == REQUEST_ID


def test_response_status_is_the_operations_response_code() -> None:
    response = SERIALIZER.serialize_response(_operation("CreateFunction"), {"FunctionName": "f"}, REQUEST_ID)

    assert response.status == 201


def test_invoke_status_code_member_sets_the_status() -> None:
    response = SERIALIZER.serialize_response(_operation("Invoke"), {"StatusCode": 202}, REQUEST_ID)

    assert response.status == 202


def test_invoke_payload_is_never_json_parsed() -> None:
    operation = _operation("Invoke")
    request = botocore_request(operation, {"FunctionName": "f", "Payload": b"{not json"})

    _, params = PARSER.parse(request)

    assert params == {"FunctionName": "f", "Payload": b"{not json"}


def test_function_name_arn_label_is_percent_decoded() -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:f:prod"
    request = botocore_request(_operation("GetFunction"), {"FunctionName": arn})

    operation, params = PARSER.parse(request)

    assert (operation.name, params) == ("GetFunction", {"FunctionName": arn})


def test_literal_query_in_template_selects_the_more_specific_operation() -> None:
    request = AwsRequest("GET", "/2018-10-31/layers", "find=LayerVersion&Arn=arn%3Ax", Headers())

    operation, params = PARSER.parse(request)

    assert (operation.name, params) == ("GetLayerVersionByArn", {"Arn": "arn:x"})


def test_without_the_literal_query_the_general_operation_matches() -> None:
    operation, _ = PARSER.parse(AwsRequest("GET", "/2018-10-31/layers", "", Headers()))

    assert operation.name == "ListLayers"


def test_list_provisioned_concurrency_needs_list_all() -> None:
    path = "/2019-09-30/functions/f/provisioned-concurrency"

    listed, _ = PARSER.parse(AwsRequest("GET", path, "List=ALL", Headers()))
    got, _ = PARSER.parse(AwsRequest("GET", path, "Qualifier=1", Headers()))

    assert (listed.name, got.name) == ("ListProvisionedConcurrencyConfigs", "GetProvisionedConcurrencyConfig")


# ---------------------------------------------------------------- errors


def _client_error(response: AwsResponse, operation_name: str) -> Exception:
    """Feed our response to a real botocore client and return the exception it raises."""
    session = botocore.session.Session()
    client = session.create_client(
        "lambda", region_name="us-east-1", endpoint_url=ENDPOINT,
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
    )

    def reply(request: Any, **_kwargs: Any) -> AWSResponse:
        raw = _RawBody(response.body if isinstance(response.body, bytes) else b"".join(response.body))
        return AWSResponse(request.url, response.status, dict(response.headers.items()), raw)

    client.meta.events.register("before-send", reply)
    method = getattr(client, botocore.xform_name(operation_name))
    with pytest.raises(Exception) as caught:
        method(FunctionName="f")
    client.close()
    return caught.value


class _RawBody:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_kwargs: Any) -> Any:
        yield self._data


def _parse_error(response: AwsResponse, operation_name: str) -> dict[str, Any]:
    from botocore.parsers import create_parser

    operation = _operation(operation_name)
    http = {
        "status_code": response.status,
        "headers": {k.lower(): v for k, v in response.headers.items()},
        "body": response.body,
    }
    return create_parser("rest-json").parse(http, operation.output_shape)


def test_error_resource_not_found_is_404_with_code_and_message() -> None:
    error = AwsError("ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:1:function:f")

    response = SERIALIZER.serialize_error(error, _operation("GetFunction"), REQUEST_ID)
    parsed = _parse_error(response, "GetFunction")

    assert response.status == 404
    assert parsed["Error"] == {"Code": "ResourceNotFoundException", "Message": error.message}
    assert response.headers["x-amzn-RequestId"] == REQUEST_ID
    # Lambda's error shapes declare `Message`: AWS sends it under that name, so it is also a member.
    assert json.loads(response.body) == {"Type": "User", "Message": error.message}  # type: ignore[arg-type]


def test_error_too_many_requests_is_429_with_type_and_reason_fields() -> None:
    error = AwsError(
        "TooManyRequestsException", "Rate exceeded",
        fields={"Type": "User", "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded",
                "retryAfterSeconds": "1"},
    )

    response = SERIALIZER.serialize_error(error, _operation("Invoke"), REQUEST_ID)
    parsed = _parse_error(response, "Invoke")

    assert response.status == 429
    assert parsed["Error"]["Code"] == "TooManyRequestsException"
    assert parsed["Error"]["Message"] == "Rate exceeded"
    assert response.headers["Retry-After"] == "1"
    body = json.loads(response.body)  # type: ignore[arg-type]
    assert (body["Type"], body["Reason"]) == ("User", "ReservedFunctionConcurrentInvocationLimitExceeded")


def test_error_raises_the_clients_modelled_exception_class() -> None:
    error = AwsError("ResourceNotFoundException", "Function not found: f")
    response = SERIALIZER.serialize_error(error, _operation("GetFunction"), REQUEST_ID)

    raised = _client_error(response, "GetFunction")

    assert type(raised).__name__ == "ResourceNotFoundException"
    assert raised.response["Error"]["Code"] == "ResourceNotFoundException"  # type: ignore[attr-defined]
    assert raised.response["ResponseMetadata"]["HTTPStatusCode"] == 404  # type: ignore[attr-defined]


def test_server_fault_error_says_type_server() -> None:
    error = AwsError("ServiceException", "boom", sender_fault=False)

    response = SERIALIZER.serialize_error(error, None, REQUEST_ID)

    assert response.status == 500
    assert json.loads(response.body)["Type"] == "Server"  # type: ignore[arg-type]


# ---------------------------------------------------------------- bad requests


def test_unknown_route_is_unknown_operation_404() -> None:
    with pytest.raises(AwsError) as caught:
        PARSER.parse(AwsRequest("GET", "/2099-01-01/nothing-here", "", Headers()))

    assert (caught.value.code, caught.value.status) == ("UnknownOperationException", 404)


def test_wrong_method_is_unknown_operation_404() -> None:
    with pytest.raises(AwsError) as caught:
        PARSER.parse(AwsRequest("PATCH", "/2015-03-31/functions/f", "", Headers()))

    assert (caught.value.code, caught.value.status) == ("UnknownOperationException", 404)


def test_malformed_json_body_is_serialization_exception() -> None:
    request = AwsRequest("POST", "/2015-03-31/functions", "", Headers(), b'{"FunctionName": ')

    with pytest.raises(AwsError) as caught:
        PARSER.parse(request)

    assert (caught.value.code, caught.value.status) == ("SerializationException", 400)


def test_json_body_that_is_not_an_object_is_serialization_exception() -> None:
    request = AwsRequest("POST", "/2015-03-31/functions", "", Headers(), b"[1, 2]")

    with pytest.raises(AwsError) as caught:
        PARSER.parse(request)

    assert caught.value.code == "SerializationException"
