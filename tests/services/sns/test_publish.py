"""Publish and PublishBatch through boto3: validation against AWS's recorded answers, FIFO deduplication,
and fan-out to matching subscriptions (observed through the emulator's function invoker)."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.sns.test_topics import error_of, recorded_error

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:f"
CRUD = "TestSNSPublishCrud::"


@pytest.fixture
def fifo(sns: Any) -> str:
    arn: str = sns.create_topic(Name="t.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    return arn


@pytest.fixture
def invocations(mocklambda: Any) -> Iterator[list[dict[str, Any]]]:
    """Payloads of the invocations SNS makes (asynchronous, or run in order for FIFO), in the order made:
    stand-ins for Lambda's capabilities, restored afterwards (the session server outlives the test)."""
    emulator = mocklambda.emulator
    seen: list[dict[str, Any]] = []

    def invoke(account_id: str, region: str, function_arn: str, payload: bytes) -> str:
        seen.append(json.loads(payload))
        return "request-id"

    saved = emulator._function_invoker, emulator._function_runner
    emulator.register_function_invoker(invoke)
    emulator.register_function_runner(invoke)
    yield seen
    emulator.register_function_invoker(saved[0])
    emulator.register_function_runner(saved[1])


def test_publish_returns_message_id(sns: Any, topic: str) -> None:
    assert len(sns.publish(TopicArn=topic, Message="hello")["MessageId"]) == 36


def test_publish_target_arn_works_like_topic_arn(sns: Any, topic: str) -> None:
    assert sns.publish(TargetArn=topic, Message="hello")["MessageId"]


def test_publish_unknown_topic_not_found(sns: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sns.publish(TopicArn="arn:aws:sns:us-east-1:123456789012:nope", Message="x")
    assert error_of(exc) == recorded_error(CRUD + "test_unknown_topic_publish", "error")


def test_publish_malformed_arn_refused(sns: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sns.publish(TopicArn="randomstring", Message="x")
    assert error_of(exc) == recorded_error(CRUD + "test_publish_wrong_arn_format", "invalid-topic-arn")


def test_publish_other_region_refused(sns: Any, client: Callable[..., Any]) -> None:
    arn = client("sns", region="us-west-2").create_topic(Name="w")["TopicArn"]
    with pytest.raises(ClientError) as exc:
        sns.publish(TopicArn=arn, Message="x")
    assert error_of(exc) == recorded_error(CRUD + "test_topic_publish_another_region", "error")


def test_publish_empty_message_refused(sns: Any, topic: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.publish(TopicArn=topic, Message="")
    assert error_of(exc) == recorded_error(CRUD + "test_empty_sns_message", "empty-msg-error")


def test_publish_too_long_message_refused(sns: Any, topic: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.publish(TopicArn=topic, Message="x" * (256 * 1024 + 1))
    assert error_of(exc) == recorded_error(CRUD + "test_publish_too_long_message", "error")


def test_publish_empty_subject_refused(sns: Any, topic: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.publish(TopicArn=topic, Message="x", Subject="")
    assert error_of(exc) == recorded_error(CRUD + "test_publish_with_empty_subject", "response-with-empty-subject")


@pytest.mark.parametrize(("message", "key"), [('{"other": "x"}', "missing-default-key"),
                                              ("not json", "invalid-json"),
                                              ('{"default": 1}', "key-is-not-string")])
def test_publish_message_structure_json_invalid_refused(sns: Any, topic: str, message: str, key: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.publish(TopicArn=topic, Message=message, MessageStructure="json")
    assert error_of(exc) == recorded_error(CRUD + "test_message_structure_json_exc", key)


@pytest.mark.parametrize(("attributes", "key"), [
    ({"attr1": {"DataType": "String", "StringValue": ""}}, "missing_string_attr"),
    ({"attr1": {"DataType": "String", "BinaryValue": b"x"}}, "str_attr_binary_value"),
    ({"attr1": {"DataType": "Number", "BinaryValue": b"x"}}, "int_attr_binary_value"),
    ({"attr1": {"DataType": "Binary", "StringValue": "x"}}, "binary_attr_string_value"),
    ({"attr1": {"DataType": "Other", "StringValue": "x"}}, "invalid_attr_string_value"),
    ({"a" * 256: {"DataType": "String", "StringValue": "x"}}, "too_long_name"),
    ({"attr^": {"DataType": "String", "StringValue": "x"}}, "invalid_name"),
    ({".attr": {"DataType": "String", "StringValue": "x"}}, "invalid_name_2"),
    ({"attr.": {"DataType": "String", "StringValue": "x"}}, "invalid_name_3"),
    ({"at..tr": {"DataType": "String", "StringValue": "x"}}, "invalid_name_4"),
])
def test_publish_invalid_message_attributes_refused(sns: Any, topic: str, attributes: dict[str, Any], key: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.publish(TopicArn=topic, Message="x", MessageAttributes=attributes)
    assert error_of(exc) == recorded_error("TestSNSSubscriptionSQS::test_empty_or_wrong_message_attributes", key)


def test_publish_fifo_without_group_refused(sns: Any, fifo: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.publish(TopicArn=fifo, Message="x", MessageDeduplicationId="d")
    assert error_of(exc) == recorded_error("TestSNSSubscriptionSQSFifo::test_validations_for_fifo", "no-msg-group-id")


def test_publish_fifo_without_deduplication_refused(sns: Any, fifo: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.publish(TopicArn=fifo, Message="x", MessageGroupId="g")
    assert error_of(exc) == recorded_error("TestSNSSubscriptionSQSFifo::test_validations_for_fifo", "no-dedup-policy")


def test_publish_standard_with_deduplication_id_refused(sns: Any, topic: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.publish(TopicArn=topic, Message="x", MessageDeduplicationId="d")
    assert error_of(exc) == recorded_error("TestSNSSubscriptionSQSFifo::test_validations_for_fifo",
                                           "no-msg-dedup-regular-topic")


def test_publish_fifo_duplicate_returns_same_message_id(sns: Any, fifo: str) -> None:
    first = sns.publish(TopicArn=fifo, Message="x", MessageGroupId="g", MessageDeduplicationId="d")
    again = sns.publish(TopicArn=fifo, Message="y", MessageGroupId="g", MessageDeduplicationId="d")
    assert (again["MessageId"], again["SequenceNumber"]) == (first["MessageId"], first["SequenceNumber"])
    later = sns.publish(TopicArn=fifo, Message="z", MessageGroupId="g", MessageDeduplicationId="e")
    assert int(later["SequenceNumber"]) > int(first["SequenceNumber"])


def test_publish_batch_successful_entries(sns: Any, topic: str) -> None:
    response = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "1", "Message": "a"}, {"Id": "2", "Message": "b"}])
    assert [e["Id"] for e in response["Successful"]] == ["1", "2"] and response["Failed"] == []


def test_publish_batch_too_many_entries_refused(sns: Any, topic: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[{"Id": str(i), "Message": "a"} for i in range(11)])
    assert error_of(exc) == recorded_error("TestSNSSubscriptionSQS::test_publish_batch_exceptions", "too-many-msg")


def test_publish_batch_same_ids_refused(sns: Any, topic: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[{"Id": "1", "Message": "a"}] * 2)
    assert error_of(exc) == recorded_error("TestSNSSubscriptionSQS::test_publish_batch_exceptions", "same-msg-id")


def test_publish_batch_invalid_id_refused(sns: Any, topic: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[{"Id": "message.id", "Message": "a"}])
    assert error_of(exc) == recorded_error(CRUD + "test_publish_batch_invalid_entry_id", "invalid-char-dot")


def test_publish_batch_too_long_refused(sns: Any, topic: str) -> None:
    entries = [{"Id": str(i), "Message": "x" * 30_000} for i in range(10)]
    with pytest.raises(ClientError) as exc:
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
    assert error_of(exc) == recorded_error(CRUD + "test_publish_batch_too_long_message", "error-no-attrs")


def test_publish_delivers_to_matching_subscriptions_only(
    mocklambda: Any, sns: Any, topic: str, invocations: list[dict[str, Any]]
) -> None:
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=FUNCTION,
                  Attributes={"FilterPolicy": json.dumps({"kind": ["a"]})})
    sns.publish(TopicArn=topic, Message="skip", MessageAttributes={"kind": {"DataType": "String", "StringValue": "b"}})
    sns.publish(TopicArn=topic, Message="take", MessageAttributes={"kind": {"DataType": "String", "StringValue": "a"}})
    assert mocklambda.wait_idle()
    assert [event["Records"][0]["Sns"]["Message"] for event in invocations] == ["take"]


def test_publish_fifo_group_delivered_in_order(
    mocklambda: Any, sns: Any, fifo: str, invocations: list[dict[str, Any]]
) -> None:
    sns.subscribe(TopicArn=fifo, Protocol="lambda", Endpoint=FUNCTION)
    for i in range(20):
        sns.publish(TopicArn=fifo, Message=str(i), MessageGroupId="g", MessageDeduplicationId=str(i))
    assert mocklambda.wait_idle()
    assert [event["Records"][0]["Sns"]["Message"] for event in invocations] == [str(i) for i in range(20)]


def test_publish_to_topic_capability_unknown_topic_raises(mocklambda: Any) -> None:
    with pytest.raises(LookupError):
        mocklambda.emulator.publish_to_topic("123456789012", "us-east-1", "arn:aws:sns:us-east-1:123456789012:no", "m")


def test_publish_to_topic_capability_returns_message_id(mocklambda: Any, topic: str) -> None:
    assert len(mocklambda.emulator.publish_to_topic("123456789012", "us-east-1", topic, "m", "s")) == 36


def test_publish_without_topic_refused(sns: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sns.publish(Message="x")
    assert error_of(exc) == ("InvalidParameter",
                             "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter")


def test_publish_unknown_endpoint_target_refused(sns: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sns.publish(TargetArn="arn:aws:sns:us-east-1:123456789012:endpoint/APNS/app/0000", Message="x")
    assert error_of(exc) == recorded_error(CRUD + "test_publish_non_existent_target", "non-existent-endpoint")


def test_publish_batch_unknown_topic_not_found(sns: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sns.publish_batch(TopicArn="arn:aws:sns:us-east-1:123456789012:nope",
                          PublishBatchRequestEntries=[{"Id": "1", "Message": "a"}])
    assert error_of(exc) == recorded_error("TestSNSSubscriptionSQS::test_publish_batch_messages_without_topic",
                                           "publish-batch-no-topic")


def test_publish_batch_fifo_without_group_refused(sns: Any, fifo: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.publish_batch(TopicArn=fifo, PublishBatchRequestEntries=[{"Id": "1", "Message": "a"}])
    assert error_of(exc) == recorded_error("TestSNSSubscriptionSQS::test_publish_batch_exceptions", "no-group-id")


def test_publish_batch_fifo_content_deduplication_returns_same_ids(sns: Any) -> None:
    arn = sns.create_topic(Name="c.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})[
        "TopicArn"]
    entries = [{"Id": str(i), "Message": f"m{i}", "MessageGroupId": "g"} for i in range(3)]
    first = sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=entries)["Successful"]
    again = sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=entries)["Successful"]
    assert first == again and all("SequenceNumber" in entry for entry in first)


def test_publish_message_structure_json_delivers_protocol_text(
    mocklambda: Any, sns: Any, topic: str, invocations: list[dict[str, Any]]
) -> None:
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=FUNCTION)
    sns.publish(TopicArn=topic, MessageStructure="json", Message=json.dumps({"default": "d", "lambda": "l"}))
    assert mocklambda.wait_idle()
    assert invocations[0]["Records"][0]["Sns"]["Message"] == "l"


def test_publish_fans_out_to_every_subscription(
    mocklambda: Any, sns: Any, topic: str, invocations: list[dict[str, Any]]
) -> None:
    for name in ("f1", "f2", "f3"):
        sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=FUNCTION.replace(":f", ":" + name))
    sns.publish(TopicArn=topic, Message="x")
    assert mocklambda.wait_idle()
    assert len({event["Records"][0]["EventSubscriptionArn"] for event in invocations}) == 3


def test_publish_body_scope_filter_policy(
    mocklambda: Any, sns: Any, topic: str, invocations: list[dict[str, Any]]
) -> None:
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=FUNCTION, Attributes={
        "FilterPolicy": json.dumps({"order": {"status": ["paid"]}}), "FilterPolicyScope": "MessageBody"})
    sns.publish(TopicArn=topic, Message=json.dumps({"order": {"status": "open"}}))
    sns.publish(TopicArn=topic, Message=json.dumps({"order": {"status": "paid"}}))
    assert mocklambda.wait_idle()
    assert [json.loads(e["Records"][0]["Sns"]["Message"])["order"]["status"] for e in invocations] == ["paid"]
