"""SNS -> Lambda end to end: a topic, a lambda subscription and Publish through boto3, and the function's
asynchronous invocation with the event AWS sends (reference C4; recorded in sns__test_sns.snapshot.json).
Every delivered event is checked against fixtures/schemas/sns_event.schema.json.

Deliveries are waited for with `mocklambda.wait_idle()`, never by sleeping.
"""
from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests import reference
from tests.e2e.helpers import ACCOUNT, REGION, recorded_events, recorder_source

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "fixtures/schemas/sns_event.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
MARKER = "SNSEVENT "
# Prints every event it receives on one line, for the test to read from the function's logs.
RECORDER = recorder_source(MARKER)

_names = itertools.count(1)


@pytest.fixture
def topic(sns: Any) -> str:
    arn: str = sns.create_topic(Name=f"sns-to-lambda-{os.getpid()}-{next(_names)}")["TopicArn"]
    return arn


@pytest.fixture
def subscribe(sns: Any, deploy: Callable[..., str], awslambda: Any) -> Callable[..., tuple[str, str]]:
    """subscribe(topic_arn, **subscription attributes) -> (function name, subscription ARN): a recorder
    function that SNS may invoke (AddPermission for sns.amazonaws.com, as AWS requires), subscribed."""

    def create(topic_arn: str, **attributes: str) -> tuple[str, str]:
        name = deploy(RECORDER, Timeout=10)
        arn = awslambda.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
        awslambda.add_permission(FunctionName=name, StatementId="sns-invoke", Action="lambda:InvokeFunction",
                                 Principal="sns.amazonaws.com", SourceArn=topic_arn)
        subscription = sns.subscribe(TopicArn=topic_arn, Protocol="lambda", Endpoint=arn,
                                     Attributes=attributes, ReturnSubscriptionArn=True)["SubscriptionArn"]
        return name, subscription

    return create


def received(mocklambda: Any, function: str) -> list[dict[str, Any]]:
    """Every event the recorder function received, in arrival order, once all deliveries have drained; each
    schema-checked."""
    return recorded_events(mocklambda, function, MARKER, VALIDATOR)


def notifications(mocklambda: Any, function: str) -> list[dict[str, Any]]:
    events = received(mocklambda, function)
    assert all(len(event["Records"]) == 1 for event in events)
    return [event["Records"][0]["Sns"] for event in events]


def recorded_lambda_event() -> dict[str, Any]:
    """The SNS event a function received on AWS (the DLQ test kept it, Message parsed as JSON)."""
    snapshot = reference.load("sns__test_sns.snapshot.json")
    content = next(entry for name, entry in snapshot.items()
                   if name.endswith("::test_sns_topic_as_lambda_dead_letter_queue"))["recorded-content"]
    found: dict[str, Any] = content["messages"]["Messages"][0]["Body"]["Message"]
    return found


def masked(event: dict[str, Any], endpoint_url: str) -> dict[str, Any]:
    """Our event with the run-specific values replaced by the recording's placeholders."""
    copy = json.loads(json.dumps(event))
    (record,) = copy["Records"]
    sns = record["Sns"]
    topic_name = sns["TopicArn"].rsplit(":", 1)[1]
    subscription_id = record["EventSubscriptionArn"].rsplit(":", 1)[1]

    def placeholders(text: str) -> str:
        text = text.replace(f"arn:aws:sns:{REGION}:{ACCOUNT}:", "arn:<partition>:sns:<region>:111111111111:")
        return text.replace(f":{topic_name}:{subscription_id}", ":<resource:3>:<resource:2>").replace(
            f":{topic_name}", ":<resource:3>")

    record["EventSubscriptionArn"] = placeholders(record["EventSubscriptionArn"])
    sns["TopicArn"] = placeholders(sns["TopicArn"])
    sns["UnsubscribeUrl"] = placeholders(sns["UnsubscribeUrl"]).replace(endpoint_url.rstrip("/"),
                                                                       "<unsubscribe-domain>")
    sns["SigningCertUrl"] = re.sub(r"^.*/SimpleNotificationService-[0-9a-f]+\.pem$",
                                   "<cert-domain>/SimpleNotificationService-<signing-cert-file:1>",
                                   sns["SigningCertUrl"])
    sns["MessageId"] = "<uuid:1>"
    sns["Signature"] = "<signature>"
    sns["Timestamp"] = "date"
    sns["Message"] = json.loads(sns["Message"])
    return copy


# -- the event ----------------------------------------------------------------------------------------------
def test_publish_invokes_function_with_recorded_event(mocklambda: Any, sns: Any, topic: str,
                                                      subscribe: Callable[..., tuple[str, str]]) -> None:
    function, subscription = subscribe(topic)
    message_id = sns.publish(TopicArn=topic, Message=json.dumps({"raise_error": 1}))["MessageId"]
    (event,) = received(mocklambda, function)

    assert masked(event, mocklambda.endpoint_url) == recorded_lambda_event()
    (record,) = event["Records"]
    assert record["EventSubscriptionArn"] == subscription
    assert record["Sns"]["MessageId"] == message_id
    assert record["Sns"]["TopicArn"] == topic
    assert record["Sns"]["UnsubscribeUrl"] == (
        f"{mocklambda.endpoint_url.rstrip('/')}/?Action=Unsubscribe&SubscriptionArn={subscription}")


def test_publish_event_field_order_as_aws(mocklambda: Any, sns: Any, topic: str,
                                          subscribe: Callable[..., tuple[str, str]]) -> None:
    function, _ = subscribe(topic)
    sns.publish(TopicArn=topic, Message="hello", Subject="greeting")
    (event,) = received(mocklambda, function)
    (record,) = event["Records"]
    assert list(record) == ["EventSource", "EventVersion", "EventSubscriptionArn", "Sns"]
    assert list(record["Sns"]) == ["Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp",
                                   "SignatureVersion", "Signature", "SigningCertUrl", "UnsubscribeUrl",
                                   "MessageAttributes"]
    assert record["Sns"]["Subject"] == "greeting"
    assert record["Sns"]["Message"] == "hello"


def test_publish_message_attributes_delivered_as_type_and_value(
    mocklambda: Any, sns: Any, topic: str, subscribe: Callable[..., tuple[str, str]]
) -> None:
    function, _ = subscribe(topic)
    sns.publish(TopicArn=topic, Message="m", MessageAttributes={
        "Test": {"DataType": "String", "StringValue": "TestString"},
        "TestBinary": {"DataType": "Binary", "BinaryValue": b"TestBinary"},
        "Count": {"DataType": "Number", "StringValue": "3"},
        "Tags": {"DataType": "String.Array", "StringValue": '["a", "b"]'},
    })
    (notification,) = notifications(mocklambda, function)
    assert notification["MessageAttributes"] == {
        "Test": {"Type": "String", "Value": "TestString"},
        "TestBinary": {"Type": "Binary", "Value": "VGVzdEJpbmFyeQ=="},  # base64, as reference C4
        "Count": {"Type": "Number", "Value": "3"},
        "Tags": {"Type": "String.Array", "Value": '["a", "b"]'},
    }


def test_publish_message_structure_json_delivers_lambda_key(
    mocklambda: Any, sns: Any, topic: str, subscribe: Callable[..., tuple[str, str]]
) -> None:
    function, _ = subscribe(topic)
    sns.publish(TopicArn=topic, MessageStructure="json",
                Message=json.dumps({"default": "for everyone", "lambda": "for functions"}))
    (notification,) = notifications(mocklambda, function)
    assert notification["Message"] == "for functions"


def test_publish_message_structure_json_without_lambda_key_delivers_default(
    mocklambda: Any, sns: Any, topic: str, subscribe: Callable[..., tuple[str, str]]
) -> None:
    function, _ = subscribe(topic)
    sns.publish(TopicArn=topic, MessageStructure="json", Message=json.dumps({"default": "for everyone"}))
    (notification,) = notifications(mocklambda, function)
    assert notification["Message"] == "for everyone"


# -- filter policies ----------------------------------------------------------------------------------------
def test_publish_attribute_filter_policy_not_matching_not_delivered(
    mocklambda: Any, sns: Any, topic: str, subscribe: Callable[..., tuple[str, str]]
) -> None:
    function, _ = subscribe(topic, FilterPolicy=json.dumps({"color": ["red"]}))
    sns.publish(TopicArn=topic, Message="blue one",
                MessageAttributes={"color": {"DataType": "String", "StringValue": "blue"}})
    sns.publish(TopicArn=topic, Message="no attributes")
    assert notifications(mocklambda, function) == []


def test_publish_attribute_filter_policy_matching_delivered(
    mocklambda: Any, sns: Any, topic: str, subscribe: Callable[..., tuple[str, str]]
) -> None:
    function, _ = subscribe(topic, FilterPolicy=json.dumps({"color": ["red"]}))
    sns.publish(TopicArn=topic, Message="blue one",
                MessageAttributes={"color": {"DataType": "String", "StringValue": "blue"}})
    sns.publish(TopicArn=topic, Message="red one",
                MessageAttributes={"color": {"DataType": "String", "StringValue": "red"}})
    assert [n["Message"] for n in notifications(mocklambda, function)] == ["red one"]


def test_publish_body_filter_policy_matches_nested_key(
    mocklambda: Any, sns: Any, topic: str, subscribe: Callable[..., tuple[str, str]]
) -> None:
    function, _ = subscribe(topic, FilterPolicyScope="MessageBody",
                            FilterPolicy=json.dumps({"order": {"status": ["paid"]}}))
    sns.publish(TopicArn=topic, Message=json.dumps({"order": {"status": "open", "id": 1}}))
    sns.publish(TopicArn=topic, Message=json.dumps({"order": {"status": "paid", "id": 2}}))
    sns.publish(TopicArn=topic, Message="not json")
    delivered = [json.loads(n["Message"])["order"]["id"] for n in notifications(mocklambda, function)]
    assert delivered == [2]


# -- fan-out and ordering -----------------------------------------------------------------------------------
def test_publish_fans_out_to_every_subscribed_function(
    mocklambda: Any, sns: Any, topic: str, subscribe: Callable[..., tuple[str, str]]
) -> None:
    subscribed = [subscribe(topic) for _ in range(3)]
    message_id = sns.publish(TopicArn=topic, Message="to all")["MessageId"]
    for function, subscription in subscribed:
        (event,) = received(mocklambda, function)
        assert event["Records"][0]["EventSubscriptionArn"] == subscription
        assert event["Records"][0]["Sns"]["MessageId"] == message_id


def test_publish_fifo_topic_delivers_message_group_in_order(
    mocklambda: Any, sns: Any, subscribe: Callable[..., tuple[str, str]]
) -> None:
    topic = sns.create_topic(Name=f"ordered-{os.getpid()}-{next(_names)}.fifo",
                             Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
    function, _ = subscribe(topic)
    for number in range(20):
        sns.publish(TopicArn=topic, Message=f"message {number}", MessageGroupId="group-1")
    arrived = [n["Message"] for n in notifications(mocklambda, function)]
    assert arrived == [f"message {number}" for number in range(20)]


def test_publish_to_deleted_function_dropped(mocklambda: Any, sns: Any, topic: str, awslambda: Any,
                                             subscribe: Callable[..., tuple[str, str]]) -> None:
    function, _ = subscribe(topic)
    awslambda.delete_function(FunctionName=function)
    sns.publish(TopicArn=topic, Message="nobody home")
    assert mocklambda.wait_idle(10)
    assert mocklambda.take_errors() == []
