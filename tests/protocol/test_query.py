"""query protocol codec (SNS, STS) checked against botocore's own serializer, parser and clients.

Round trips cover every operation of sns and sts. Normalisations, each for a reason the wire gives:
- none are needed for the generated values: the generated timestamps have whole seconds (ISO 8601 keeps
  them), blobs travel base64, and every list and map the generator builds is non-empty;
- what the wire does lose is pinned by dedicated tests below: an empty map is not sent at all (botocore
  writes nothing), so it reads as an absent member; an empty list travels as `Name=` and reads back as [].
A small synthetic query model covers the XML traits SNS and STS do not use (flattened lists and maps,
locationNames on lists and list members).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import parse_qsl, urlencode

import botocore.session
import pytest
from botocore.model import OperationModel, ServiceModel
from botocore.parsers import create_parser
from werkzeug.datastructures import Headers

from mocklambda.protocol.errors import AwsError, UnknownOperation
from mocklambda.protocol.http import AwsRequest, AwsResponse
from mocklambda.protocol.models import load_service_model
from mocklambda.protocol.query import QueryParser, QuerySerializer
from tests.protocol.roundtrip import (
    Answer,
    LoopbackClient,
    botocore_parse,
    botocore_request,
    generated_input,
    generated_output,
)

SERVICES = ("sns", "sts")
MODELS = {name: load_service_model(name) for name in SERVICES}
PARSERS = {name: QueryParser(model) for name, model in MODELS.items()}
SERIALIZERS = {name: QuerySerializer(model) for name, model in MODELS.items()}
REQUEST_ID = "7d1f0a2b-aaaa-bbbb-cccc-0123456789ab"
OPERATIONS = [(service, name) for service in SERVICES for name in MODELS[service].operation_names]
SNS_NS = "{http://sns.amazonaws.com/doc/2010-03-31/}"
FORM = "application/x-www-form-urlencoded; charset=utf-8"


def _operation(service: str, name: str) -> OperationModel:
    return MODELS[service].operation_model(name)


def _form(body: bytes | str | dict[str, str], method: str = "POST", query: str = "") -> AwsRequest:
    raw = urlencode(body) if isinstance(body, dict) else body
    data = raw.encode() if isinstance(raw, str) else raw
    return AwsRequest(
        method=method, path="/", query=query, headers=Headers({"Content-Type": FORM}), body=data
    )


def _parse_sns(body: bytes | str | dict[str, str]) -> tuple[str, dict[str, Any]]:
    operation, params = PARSERS["sns"].parse(_form(body))
    return operation.name, params


def _bytes(response: AwsResponse) -> bytes:
    assert isinstance(response.body, bytes)
    return response.body


def _botocore_error(response: AwsResponse) -> dict[str, Any]:
    headers = {name.lower(): value for name, value in response.headers.items()}
    return create_parser("query").parse(
        {"status_code": response.status, "headers": headers, "body": response.body}, None
    )


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


def test_response_document_wraps_the_result_and_the_request_id() -> None:
    response = SERIALIZERS["sns"].serialize_response(
        _operation("sns", "CreateTopic"), {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t"}, REQUEST_ID
    )
    root = ET.fromstring(_bytes(response))

    assert response.headers["Content-Type"] == "text/xml"
    assert response.headers["x-amzn-RequestId"] == REQUEST_ID
    assert root.tag == f"{SNS_NS}CreateTopicResponse"
    assert (
        root.findtext(f"{SNS_NS}CreateTopicResult/{SNS_NS}TopicArn") == "arn:aws:sns:us-east-1:123456789012:t"
    )
    assert root.findtext(f"{SNS_NS}ResponseMetadata/{SNS_NS}RequestId") == REQUEST_ID


def test_operation_without_output_has_no_result_element() -> None:
    response = SERIALIZERS["sns"].serialize_response(_operation("sns", "DeleteTopic"), {}, REQUEST_ID)
    root = ET.fromstring(_bytes(response))

    assert [child.tag for child in root] == [f"{SNS_NS}ResponseMetadata"]


# ---------------------------------------------------------------- the wire format, spelled out


def test_map_uses_the_key_and_value_location_names() -> None:
    name, params = _parse_sns(
        {
            "Action": "Publish",
            "Version": "2010-03-31",
            "TopicArn": "arn:aws:sns:us-east-1:123456789012:t",
            "Message": "hi",
            "MessageAttributes.entry.1.Name": "colour",
            "MessageAttributes.entry.1.Value.DataType": "String",
            "MessageAttributes.entry.1.Value.StringValue": "blue",
            "MessageAttributes.entry.2.Name": "size",
            "MessageAttributes.entry.2.Value.DataType": "Binary",
            "MessageAttributes.entry.2.Value.BinaryValue": "AAH+",
        }
    )

    assert (name, params["MessageAttributes"]) == (
        "Publish",
        {
            "colour": {"DataType": "String", "StringValue": "blue"},
            "size": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xfe"},
        },
    )


def test_list_members_are_read_in_index_order() -> None:
    _, params = _parse_sns(
        "Action=UntagResource&ResourceArn=arn&TagKeys.member.2=b&TagKeys.member.10=c&TagKeys.member.1=a"
    )

    assert params == {"ResourceArn": "arn", "TagKeys": ["a", "b", "c"]}


def test_empty_list_travels_as_a_bare_name() -> None:
    operation = _operation("sns", "AddPermission")
    params = {"TopicArn": "arn", "Label": "l", "AWSAccountId": [], "ActionName": ["Publish"]}
    request = botocore_request(operation, params)

    assert b"AWSAccountId=&" in request.body
    assert PARSERS["sns"].parse(request)[1] == params


def test_empty_map_is_not_sent_so_it_reads_as_absent() -> None:
    operation = _operation("sns", "CreateTopic")

    _, params = PARSERS["sns"].parse(botocore_request(operation, {"Name": "t", "Attributes": {}}))

    assert params == {"Name": "t"}


def test_booleans_and_integers_are_converted() -> None:
    _, subscribe = _parse_sns("Action=Subscribe&TopicArn=t&Protocol=sqs&ReturnSubscriptionArn=true")
    _, listing = _parse_sns("Action=ListOriginationNumbers&MaxResults=15")

    assert subscribe["ReturnSubscriptionArn"] is True
    assert listing == {"MaxResults": 15}


def test_get_request_reads_the_query_string() -> None:
    request = AwsRequest(method="GET", path="/", query="Action=ListTopics&NextToken=abc&Version=2010-03-31")

    operation, params = PARSERS["sns"].parse(request)

    assert (operation.name, params) == ("ListTopics", {"NextToken": "abc"})


def test_unknown_parameters_are_ignored() -> None:
    assert _parse_sns("Action=ListTopics&Bogus=1&NextToken.member.1=x&Other.a.b=2") == ("ListTopics", {})


# ---------------------------------------------------------------- refused requests


def test_unknown_action_is_invalid_action() -> None:
    with pytest.raises(UnknownOperation) as caught:
        _parse_sns("Action=DescribeTable&Version=2010-03-31")

    assert (caught.value.code, caught.value.status) == ("InvalidAction", 400)
    assert caught.value.message == "Could not find operation DescribeTable for version 2010-03-31"


@pytest.mark.parametrize("body", [b"", b"Version=2010-03-31", b"&&==&", b"Action="])
def test_missing_action_is_missing_action(body: bytes) -> None:
    with pytest.raises(AwsError) as caught:
        _parse_sns(body)

    assert (caught.value.code, caught.value.status) == ("MissingAction", 400)


@pytest.mark.parametrize(
    "body", [b"\x00\xff\xfe\xfd garbage", b"Action=ListTopics&%ff%fe=1", b"Action=%c3%28"]
)
def test_body_that_is_not_utf8_form_data_is_malformed_query_string(body: bytes) -> None:
    with pytest.raises(AwsError) as caught:
        _parse_sns(body)

    assert (caught.value.code, caught.value.status) == ("MalformedQueryString", 400)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "Action=ListOriginationNumbers&MaxResults=many",
            "Value (many) for parameter MaxResults is invalid. Expected an integer.",
        ),
        (
            "Action=Subscribe&TopicArn=t&Protocol=sqs&ReturnSubscriptionArn=yes",
            "Value (yes) for parameter ReturnSubscriptionArn is invalid. Expected true or false.",
        ),
        (
            "Action=Publish&Message=m&MessageAttributes.entry.1.Name=a"
            "&MessageAttributes.entry.1.Value.DataType=Binary&MessageAttributes.entry.1.Value.BinaryValue=!!",
            "Value (!!) for parameter MessageAttributes.entry.1.Value.BinaryValue is invalid. "
            "Expected base64-encoded data.",
        ),
    ],
)
def test_value_that_cannot_be_converted_is_invalid_parameter_value(body: str, message: str) -> None:
    with pytest.raises(AwsError) as caught:
        _parse_sns(body)

    assert (caught.value.code, caught.value.message, caught.value.status) == (
        "InvalidParameterValue",
        message,
        400,
    )


# ---------------------------------------------------------------- error forms, as botocore parses them


@pytest.mark.parametrize(
    ("code", "wire_code", "status"),
    [("NotFoundException", "NotFound", 404), ("InvalidParameterException", "InvalidParameter", 400)],
)
def test_sns_error_form(code: str, wire_code: str, status: int) -> None:
    response = SERIALIZERS["sns"].serialize_error(AwsError(code, "Topic does not exist"), None, REQUEST_ID)
    parsed = _botocore_error(response)
    root = ET.fromstring(_bytes(response))

    assert response.status == status
    assert root.tag == f"{SNS_NS}ErrorResponse"
    assert parsed["Error"] == {"Type": "Sender", "Code": wire_code, "Message": "Topic does not exist"}
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID


def test_server_fault_error_says_receiver() -> None:
    response = SERIALIZERS["sns"].serialize_error(
        AwsError("InternalErrorException", "boom"), None, REQUEST_ID
    )

    assert response.status == 500
    assert _botocore_error(response)["Error"] == {
        "Type": "Receiver",
        "Code": "InternalError",
        "Message": "boom",
    }


def test_unmodelled_error_keeps_its_code_and_status() -> None:
    response = SERIALIZERS["sns"].serialize_error(AwsError("ValidationError", "bad", 400), None, REQUEST_ID)

    assert (response.status, _botocore_error(response)["Error"]["Code"]) == (400, "ValidationError")


# ---------------------------------------------------------------- real clients, answered in-process


def _raise(error: AwsError) -> Answer:
    def answer(_name: str, _params: dict[str, Any]) -> dict[str, Any]:
        raise error

    return answer


@pytest.fixture(scope="module")
def sns() -> LoopbackClient:
    return LoopbackClient(botocore.session.Session(), "sns")


def test_sns_client_publishes_and_reads_the_message_id(sns: LoopbackClient) -> None:
    sns.answer = lambda _name, _params: {"MessageId": "m-1"}

    result = sns.client.publish(
        TopicArn="arn:aws:sns:us-east-1:123456789012:t",
        Message="hello",
        MessageAttributes={"n": {"DataType": "Number", "StringValue": "3"}},
    )

    assert result["MessageId"] == "m-1"
    assert result["ResponseMetadata"]["RequestId"] == "r"
    assert sns.seen[-1] == (
        "Publish",
        {
            "TopicArn": "arn:aws:sns:us-east-1:123456789012:t",
            "Message": "hello",
            "MessageAttributes": {"n": {"DataType": "Number", "StringValue": "3"}},
        },
    )


def test_sns_client_raises_not_found(sns: LoopbackClient) -> None:
    sns.answer = _raise(AwsError("NotFoundException", "Topic does not exist"))

    with pytest.raises(sns.client.exceptions.NotFoundException) as caught:
        sns.client.get_topic_attributes(TopicArn="arn:aws:sns:us-east-1:123456789012:missing")

    assert caught.value.response["Error"]["Code"] == "NotFound"
    assert caught.value.response["Error"]["Message"] == "Topic does not exist"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_sns_client_raises_invalid_parameter(sns: LoopbackClient) -> None:
    sns.answer = _raise(AwsError("InvalidParameterException", "Invalid parameter: TopicArn"))

    with pytest.raises(sns.client.exceptions.InvalidParameterException) as caught:
        sns.client.publish(TopicArn="nope", Message="m")

    assert caught.value.response["Error"]["Code"] == "InvalidParameter"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_sns_client_reads_modelled_error_fields(sns: LoopbackClient) -> None:
    sns.answer = _raise(AwsError("VerificationException", "wrong code", fields={"Status": "Failed"}))

    with pytest.raises(sns.client.exceptions.VerificationException) as caught:
        sns.client.verify_sms_sandbox_phone_number(PhoneNumber="+15555550100", OneTimePassword="123456")

    assert caught.value.response["Status"] == "Failed"


# ---------------------------------------------------------------- XML traits SNS and STS do not use

SYNTHETIC = ServiceModel(
    {
        "metadata": {
            "protocol": "query",
            "apiVersion": "2020-01-01",
            "xmlNamespace": "http://example.com/doc/2020-01-01/",
            "endpointPrefix": "example",
            "serviceId": "Example",
            "signatureVersion": "v4",
        },
        "operations": {
            "Put": {
                "name": "Put",
                "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "Things"},
                "output": {"shape": "Things", "resultWrapper": "PutResult"},
            }
        },
        "shapes": {
            "Things": {
                "type": "structure",
                "members": {
                    "Flat": {"shape": "FlatList"},
                    "Named": {"shape": "NamedFlatList"},
                    "Wrapped": {"shape": "WrappedList", "locationName": "Renamed"},
                    "FlatMap": {"shape": "FlatMap"},
                    "Nested": {"shape": "Nested"},
                    "When": {"shape": "Time"},
                    "Ratio": {"shape": "Ratio"},
                },
            },
            "FlatList": {"type": "list", "member": {"shape": "Text"}, "flattened": True},
            "NamedFlatList": {
                "type": "list",
                "member": {"shape": "Text", "locationName": "Item"},
                "flattened": True,
            },
            "WrappedList": {"type": "list", "member": {"shape": "Text", "locationName": "Entry"}},
            "FlatMap": {
                "type": "map",
                "key": {"shape": "Text", "locationName": "K"},
                "value": {"shape": "Text", "locationName": "V"},
                "flattened": True,
            },
            "Nested": {"type": "structure", "members": {"Inner": {"shape": "Text"}}},
            "Text": {"type": "string"},
            "Time": {"type": "timestamp"},
            "Ratio": {"type": "double"},
        },
    },
    service_name="example",
)
THINGS = {
    "Flat": ["a", "b"],
    "Named": ["c"],
    "Wrapped": ["d", "e"],
    "FlatMap": {"k": "v"},
    "Nested": {"Inner": "i"},
    "When": dt.datetime(2024, 5, 17, 12, 30, 45, tzinfo=dt.UTC),
    "Ratio": 0.25,
}


def test_flattened_lists_maps_and_location_names_on_the_wire() -> None:
    operation = SYNTHETIC.operation_model("Put")
    request = botocore_request(operation, THINGS)
    form = dict(parse_qsl(request.body.decode(), keep_blank_values=True))

    assert {
        "Flat.1",
        "Flat.2",
        "Item.1",
        "Renamed.Entry.1",
        "FlatMap.1.K",
        "FlatMap.1.V",
        "Nested.Inner",
    } <= set(form)
    parsed_operation, params = QueryParser(SYNTHETIC).parse(request)

    assert (parsed_operation.name, params) == ("Put", THINGS)


def test_flattened_lists_maps_and_location_names_in_the_response() -> None:
    operation = SYNTHETIC.operation_model("Put")

    response = QuerySerializer(SYNTHETIC).serialize_response(operation, THINGS, REQUEST_ID)

    assert botocore_parse(operation, response) == THINGS
