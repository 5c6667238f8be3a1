"""json protocol codec (DynamoDB, DynamoDB Streams, SQS) checked against botocore's own serializer, parser
and clients.

Round trips cover every operation of dynamodb, dynamodbstreams and sqs. Normalisations, each for a reason
the wire gives:
- none are needed for requests: the generated timestamps have whole seconds (botocore sends epoch seconds),
  blobs travel base64 and come back as the same bytes, and generated values hold no None and no NaN;
- none are needed for responses either: every output member goes out and comes back under its own name.
What the wire does lose is pinned by dedicated tests below: JSON nulls read as absent members, a fractional
number sent for an integer member is truncated (as AWS does).
"""

from __future__ import annotations

import json
import zlib
from typing import Any

import botocore.session
import pytest
from botocore.model import OperationModel
from botocore.parsers import create_parser
from werkzeug.datastructures import Headers

from mocklambda.protocol.errors import AwsError, UnknownOperation
from mocklambda.protocol.http import AwsRequest, AwsResponse
from mocklambda.protocol.json_rpc import JsonParser, JsonSerializer
from mocklambda.protocol.models import load_service_model
from tests.protocol.roundtrip import (
    Answer,
    LoopbackClient,
    botocore_parse,
    botocore_request,
    generated_input,
    generated_output,
)

SERVICES = ("dynamodb", "dynamodbstreams", "sqs")
MODELS = {name: load_service_model(name) for name in SERVICES}
PARSERS = {name: JsonParser(model) for name, model in MODELS.items()}
SERIALIZERS = {name: JsonSerializer(model) for name, model in MODELS.items()}
REQUEST_ID = "5b9f3c1e-aaaa-bbbb-cccc-0123456789ab"
OPERATIONS = [(service, name) for service in SERVICES for name in MODELS[service].operation_names]


def _operation(service: str, name: str) -> OperationModel:
    return MODELS[service].operation_model(name)


def _request(target: str | None, body: bytes) -> AwsRequest:
    headers = Headers({"Content-Type": "application/x-amz-json-1.0"})
    if target is not None:
        headers["X-Amz-Target"] = target
    return AwsRequest(method="POST", path="/", headers=headers, body=body)


def _parse_ddb(body: Any, operation: str = "Scan") -> dict[str, Any]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return PARSERS["dynamodb"].parse(_request(f"DynamoDB_20120810.{operation}", raw))[1]


def _bytes(response: AwsResponse) -> bytes:
    assert isinstance(response.body, bytes)
    return response.body


def _json(response: AwsResponse) -> Any:
    return json.loads(_bytes(response))


def _botocore_error(service: str, response: AwsResponse) -> dict[str, Any]:
    headers = {name.lower(): value for name, value in response.headers.items()}
    http = {"status_code": response.status, "headers": headers, "body": response.body}
    return create_parser("json").parse(http, None)


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize(("service", "name"), OPERATIONS)
def test_request_round_trip(service: str, name: str) -> None:
    operation = _operation(service, name)
    params = generated_input(operation)

    parsed_operation, parsed = PARSERS[service].parse(botocore_request(operation, params))

    assert (parsed_operation.name, parsed) == (name, params)


@pytest.mark.parametrize(("service", "name"), OPERATIONS)
def test_response_round_trip(service: str, name: str) -> None:
    operation = _operation(service, name)
    result = generated_output(operation)

    response = SERIALIZERS[service].serialize_response(operation, result, REQUEST_ID)

    assert botocore_parse(operation, response) == result


def test_response_headers_carry_request_id_content_type_and_crc32() -> None:
    response = SERIALIZERS["dynamodb"].serialize_response(
        _operation("dynamodb", "ListTables"), {"TableNames": ["a"]}, REQUEST_ID
    )

    assert response.status == 200
    assert response.headers["x-amzn-RequestId"] == REQUEST_ID
    assert response.headers["Content-Type"] == "application/x-amz-json-1.0"
    assert response.headers["x-amz-crc32"] == str(zlib.crc32(_bytes(response)))


def test_content_type_follows_the_models_json_version() -> None:
    model = load_service_model("logs")
    response = JsonSerializer(model).serialize_response(model.operation_model("DescribeLogGroups"), {}, "r")

    assert response.headers["Content-Type"] == "application/x-amz-json-1.1"


def test_operation_without_output_answers_an_empty_object() -> None:
    response = SERIALIZERS["sqs"].serialize_response(_operation("sqs", "DeleteMessage"), {}, REQUEST_ID)

    assert response.body == b"{}"


def test_output_members_not_in_the_shape_and_none_values_are_dropped() -> None:
    operation = _operation("dynamodb", "ListTables")

    response = SERIALIZERS["dynamodb"].serialize_response(
        operation, {"TableNames": ["a"], "LastEvaluatedTableName": None, "Internal": 1}, REQUEST_ID
    )

    assert _json(response) == {"TableNames": ["a"]}


def test_output_timestamps_are_epoch_seconds() -> None:
    operation = _operation("dynamodb", "DescribeTable")

    response = SERIALIZERS["dynamodb"].serialize_response(
        operation, {"Table": {"CreationDateTime": 1715949045.5}}, REQUEST_ID
    )

    assert _json(response) == {"Table": {"CreationDateTime": 1715949045.5}}


def test_output_of_the_wrong_python_type_is_a_provider_bug() -> None:
    with pytest.raises(TypeError, match="TableNameList"):
        SERIALIZERS["dynamodb"].serialize_response(
            _operation("dynamodb", "ListTables"), {"TableNames": "a"}, REQUEST_ID
        )


def test_empty_body_is_an_empty_input() -> None:
    assert _parse_ddb(b"", "ListTables") == {}


def test_null_members_and_list_items_read_as_absent() -> None:
    params = _parse_ddb({"TableName": "t", "Limit": None, "AttributesToGet": ["a", None]})

    assert params == {"TableName": "t", "AttributesToGet": ["a"]}


def test_fractional_number_for_an_integer_member_is_truncated() -> None:
    assert _parse_ddb({"TableName": "t", "Limit": 2.9}) == {"TableName": "t", "Limit": 2}


def test_blob_members_are_base64_decoded() -> None:
    params = _parse_ddb({"TableName": "t", "Item": {"k": {"B": "AAH+"}}}, "PutItem")

    assert params["Item"] == {"k": {"B": b"\x00\x01\xfe"}}


def test_unknown_members_are_ignored() -> None:
    assert _parse_ddb({"TableName": "t", "Bogus": {"x": 1}}) == {"TableName": "t"}


# ---------------------------------------------------------------- refused requests


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "DescribeTable",
        "DynamoDB_20120810.NoSuchOperation",
        "DynamoDBStreams_20120810.DescribeStream",
    ],
)
def test_unknown_target_is_unknown_operation_exception(target: str | None) -> None:
    with pytest.raises(UnknownOperation) as caught:
        PARSERS["dynamodb"].parse(_request(target, b"{}"))

    assert (caught.value.code, caught.value.message, caught.value.status) == (
        "UnknownOperationException",
        "",
        400,
    )


@pytest.mark.parametrize("body", [b"{", b"{'TableName': 't'}", b'{"Limit": NaN}', b"\xff\xfe\x00garbage"])
def test_unparsable_json_is_serialization_exception(body: bytes) -> None:
    with pytest.raises(AwsError) as caught:
        _parse_ddb(body)

    assert (caught.value.code, caught.value.status) == ("SerializationException", 400)
    assert caught.value.message.startswith("Request body is not valid JSON")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[]", "Start of list found where not expected"),
        (b'"text"', "Request body must be a JSON object"),
        ({"TableName": 5}, "NUMBER_VALUE can not be converted to a String"),
        ({"TableName": True}, "TRUE_VALUE can not be converted to a String"),
        ({"TableName": {"S": "t"}}, "Start of structure or map found where not expected"),
        ({"TableName": ["t"]}, "Start of list found where not expected"),
        ({"TableName": "t", "Limit": "5"}, "STRING_VALUE can not be converted to an Integer"),
        ({"TableName": "t", "ConsistentRead": "true"}, "STRING_VALUE can not be converted to a Boolean"),
        ({"TableName": "t", "AttributesToGet": "a"}, "Expected list or null"),
        ({"TableName": "t", "AttributesToGet": [1]}, "NUMBER_VALUE can not be converted to a String"),
        ({"TableName": "t", "ExclusiveStartKey": "k"}, "Expected null"),
        (
            {"TableName": "t", "ExclusiveStartKey": {"k": {"S": 1}}},
            "NUMBER_VALUE can not be converted to a String",
        ),
    ],
)
def test_value_of_the_wrong_json_type_is_serialization_exception(body: Any, message: str) -> None:
    with pytest.raises(AwsError) as caught:
        _parse_ddb(body)

    assert (caught.value.code, caught.value.message, caught.value.status) == (
        "SerializationException",
        message,
        400,
    )


def test_invalid_base64_blob_is_serialization_exception() -> None:
    with pytest.raises(AwsError) as caught:
        _parse_ddb({"TableName": "t", "Item": {"k": {"B": "not base64!"}}}, "PutItem")

    assert caught.value.code == "SerializationException"


def test_unmodelled_errors_use_the_framework_namespace() -> None:
    response = SERIALIZERS["dynamodb"].serialize_error(
        AwsError("SerializationException", "Start of list found where not expected", 400), None, REQUEST_ID
    )

    assert _json(response) == {
        "__type": "com.amazon.coral.service#SerializationException",
        "message": "Start of list found where not expected",
    }


def test_unknown_operation_error_has_no_message() -> None:
    response = SERIALIZERS["dynamodb"].serialize_error(
        UnknownOperation("UnknownOperationException", "", 400), None, "r"
    )

    assert _json(response) == {"__type": "com.amazon.coral.service#UnknownOperationException"}
    assert response.status == 400


# ---------------------------------------------------------------- error forms, as botocore parses them


def test_dynamodb_resource_not_found_error_form() -> None:
    error = AwsError("ResourceNotFoundException", "Requested resource not found")

    response = SERIALIZERS["dynamodb"].serialize_error(
        error, _operation("dynamodb", "DescribeTable"), REQUEST_ID
    )
    parsed = _botocore_error("dynamodb", response)

    assert response.status == 400
    assert _json(response)["__type"] == ("com.amazonaws.dynamodb.v20120810#ResourceNotFoundException")
    assert parsed["Error"] == {"Code": "ResourceNotFoundException", "Message": "Requested resource not found"}
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
    assert response.headers["x-amz-crc32"] == str(zlib.crc32(_bytes(response)))
    assert "x-amzn-query-error" not in response.headers


def test_dynamodb_streams_errors_use_dynamodbs_namespace() -> None:
    error = AwsError("ExpiredIteratorException", "Iterator expired")

    response = SERIALIZERS["dynamodbstreams"].serialize_error(error, None, REQUEST_ID)

    assert _json(response)["__type"] == ("com.amazonaws.dynamodb.v20120810#ExpiredIteratorException")


def test_sqs_error_carries_the_query_compatible_code_header() -> None:
    error = AwsError("QueueDoesNotExist", "The specified queue does not exist.")

    response = SERIALIZERS["sqs"].serialize_error(error, _operation("sqs", "GetQueueUrl"), REQUEST_ID)
    parsed = _botocore_error("sqs", response)

    assert response.status == 400
    assert response.headers["x-amzn-query-error"] == "AWS.SimpleQueueService.NonExistentQueue;Sender"
    assert _json(response)["__type"] == "com.amazonaws.sqs#QueueDoesNotExist"
    assert parsed["Error"] == {
        "Code": "AWS.SimpleQueueService.NonExistentQueue",
        "Message": "The specified queue does not exist.",
        "QueryErrorCode": "QueueDoesNotExist",
        "Type": "Sender",
    }


def test_sqs_restored_status_and_receiver_fault() -> None:
    over_limit = SERIALIZERS["sqs"].serialize_error(AwsError("OverLimit", "too many"), None, REQUEST_ID)
    internal = SERIALIZERS["sqs"].serialize_error(
        AwsError("InternalError", "boom", 500, sender_fault=False), None, REQUEST_ID
    )

    assert over_limit.status == 403
    assert internal.headers["x-amzn-query-error"] == "InternalError;Receiver"


# ---------------------------------------------------------------- real clients, answered in-process


def _raise(error: AwsError) -> Answer:
    def answer(_name: str, _params: dict[str, Any]) -> dict[str, Any]:
        raise error

    return answer


@pytest.fixture(scope="module")
def clients() -> dict[str, LoopbackClient]:
    session = botocore.session.Session()
    return {service: LoopbackClient(session, service) for service in SERVICES}


def test_dynamodb_client_reads_a_result_and_checks_its_crc32(clients: dict[str, LoopbackClient]) -> None:
    loop = clients["dynamodb"]
    loop.answer = lambda _name, _params: {"Item": {"pk": {"S": "a"}, "data": {"B": b"\x00\xff"}}}

    result = loop.client.get_item(TableName="t", Key={"pk": {"S": "a"}})

    assert loop.seen[-1] == ("GetItem", {"TableName": "t", "Key": {"pk": {"S": "a"}}})
    assert result["Item"] == {"pk": {"S": "a"}, "data": {"B": b"\x00\xff"}}


def test_dynamodb_client_raises_resource_not_found(clients: dict[str, LoopbackClient]) -> None:
    loop = clients["dynamodb"]
    loop.answer = _raise(AwsError("ResourceNotFoundException", "Requested resource not found"))

    with pytest.raises(loop.client.exceptions.ResourceNotFoundException) as caught:
        loop.client.describe_table(TableName="missing")

    assert caught.value.response["Error"]["Message"] == "Requested resource not found"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_dynamodb_client_raises_conditional_check_failed_with_the_item(
    clients: dict[str, LoopbackClient],
) -> None:
    loop = clients["dynamodb"]
    item = {"pk": {"S": "a"}, "blob": {"B": b"\x01"}}
    loop.answer = _raise(
        AwsError("ConditionalCheckFailedException", "The conditional request failed", fields={"Item": item})
    )

    with pytest.raises(loop.client.exceptions.ConditionalCheckFailedException) as caught:
        loop.client.put_item(
            TableName="t", Item={"pk": {"S": "a"}}, ConditionExpression="attribute_not_exists(pk)"
        )

    assert caught.value.response["Error"] == {
        "Code": "ConditionalCheckFailedException",
        "Message": "The conditional request failed",
    }
    assert caught.value.response["Item"] == item


def test_sqs_client_raises_queue_does_not_exist(clients: dict[str, LoopbackClient]) -> None:
    loop = clients["sqs"]
    loop.answer = _raise(AwsError("QueueDoesNotExist", "The specified queue does not exist."))

    with pytest.raises(loop.client.exceptions.QueueDoesNotExist) as caught:
        loop.client.get_queue_url(QueueName="missing")

    assert caught.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert caught.value.response["Error"]["Message"] == "The specified queue does not exist."


def test_dynamodb_streams_client_raises_expired_iterator(clients: dict[str, LoopbackClient]) -> None:
    loop = clients["dynamodbstreams"]
    loop.answer = _raise(AwsError("ExpiredIteratorException", "Iterator expired"))

    with pytest.raises(loop.client.exceptions.ExpiredIteratorException):
        loop.client.get_records(ShardIterator="x" * 10)
