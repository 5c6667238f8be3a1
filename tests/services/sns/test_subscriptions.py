"""SNS subscription operations through boto3, against AWS's recorded answers (sns__test_sns.snapshot.json)."""
from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.reference import load
from tests.services.sns.test_topics import SNAPSHOT, P, error_of, recorded_error

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:f"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"


def test_subscribe_lambda_confirmed_at_once(sns: Any, topic: str) -> None:
    arn = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=FUNCTION)["SubscriptionArn"]
    assert arn.startswith(topic + ":")
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert attributes == {
        "ConfirmationWasAuthenticated": "true", "Endpoint": FUNCTION, "Owner": "123456789012",
        "PendingConfirmation": "false", "Protocol": "lambda", "RawMessageDelivery": "false",
        "SubscriptionArn": arn, "SubscriptionPrincipal": "arn:aws:iam::123456789012:user/mocklambda",
        "TopicArn": topic,
    }


def test_subscribe_same_endpoint_returns_same_arn(sns: Any, topic: str) -> None:
    first = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=QUEUE,
                          Attributes={"RawMessageDelivery": "true"})["SubscriptionArn"]
    assert sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=QUEUE)["SubscriptionArn"] == first


def test_subscribe_same_endpoint_different_attributes_refused(sns: Any, topic: str) -> None:
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=QUEUE, Attributes={"RawMessageDelivery": "true"})
    with pytest.raises(ClientError) as exc:
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=QUEUE, Attributes={"RawMessageDelivery": "false"})
    assert error_of(exc) == recorded_error("TestSNSSubscriptionCrud::test_subscribe_idempotency",
                                           "subscribe-diff-attributes")


def test_subscribe_invalid_protocol_refused(sns: Any, topic: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.subscribe(TopicArn=topic, Protocol="test-protocol", Endpoint="x")
    assert error_of(exc) == recorded_error("TestSNSSubscriptionCrud::test_subscribe_with_invalid_protocol", "exception")


def test_subscribe_unknown_topic_not_found(sns: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sns.subscribe(TopicArn="arn:aws:sns:us-east-1:123456789012:nope", Protocol="lambda", Endpoint=FUNCTION)
    assert error_of(exc) == recorded_error("TestSNSSubscriptionCrudV2::test_subscribe_unknown_topic",
                                           "subscribe-unknown-topic")


def test_subscribe_sqs_queue_url_refused(sns: Any, topic: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint="http://localhost/123456789012/q")
    assert error_of(exc) == recorded_error("TestSNSSubscriptionCrudV2::test_subscribe_sqs_queue_url",
                                           "subscribe-sqs-via-url-error")


def test_subscribe_bad_sms_refused(sns: Any, topic: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint="+15--551234567")
    assert error_of(exc) == recorded_error("TestSNSSubscriptionCrudV2::test_subscribe_invalid_sms",
                                           "subscribe-bad-sms-+15--551234567")


def test_subscribe_wrong_raw_message_delivery_refused(sns: Any, topic: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=QUEUE, Attributes={"RawMessageDelivery": "wrongvalue"})
    assert error_of(exc) == recorded_error("TestSNSSubscriptionCrud::test_create_subscriptions_with_attributes",
                                           "subscribe-wrong-attr")


def test_subscribe_invalid_filter_policy_refused(sns: Any, topic: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=FUNCTION, Attributes={"FilterPolicy": "invalid"})
    code, message = error_of(exc)
    assert code == "InvalidParameter"
    assert message.startswith("Invalid parameter: Attributes Reason: FilterPolicy: ")


def test_subscribe_http_pending_until_confirmed(sns: Any, topic: str) -> None:
    response = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint="http://127.0.0.1:9/x")
    assert response["SubscriptionArn"] == "pending confirmation"
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed[0]["SubscriptionArn"] == "pending confirmation"
    counts = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert (counts["SubscriptionsPending"], counts["SubscriptionsConfirmed"]) == ("1", "0")


def test_subscribe_http_return_subscription_arn(sns: Any, topic: str) -> None:
    arn = sns.subscribe(TopicArn=topic, Protocol="https", Endpoint="https://127.0.0.1:9/x",
                        ReturnSubscriptionArn=True)["SubscriptionArn"]
    assert arn.startswith(topic + ":")
    assert sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["PendingConfirmation"] == "true"


def test_confirm_subscription_with_token(mocklambda: Any, sns: Any, topic: str) -> None:
    arn = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint="http://127.0.0.1:9/x",
                        ReturnSubscriptionArn=True)["SubscriptionArn"]
    provider = mocklambda.emulator.providers["sns"]  # the token only reaches the endpoint; read it here
    token = provider.stores.get("123456789012", "us-east-1").subscriptions[arn].token
    assert sns.confirm_subscription(TopicArn=topic, Token=token)["SubscriptionArn"] == arn
    assert sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["PendingConfirmation"] == "false"


def test_confirm_subscription_unknown_token_refused(sns: Any, topic: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.confirm_subscription(TopicArn=topic, Token="51b2ff3edb4487553c7dd2f29566c2aecada20b9")
    assert error_of(exc) == recorded_error("TestSNSSubscriptionCrud::test_sns_confirm_subscription_wrong_token",
                                           "token-not-exists")


def test_unsubscribe_removes_subscription(sns: Any, topic: str) -> None:
    arn = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=FUNCTION)["SubscriptionArn"]
    sns.unsubscribe(SubscriptionArn=arn)
    sns.unsubscribe(SubscriptionArn=arn)  # idempotent, as recorded
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []
    with pytest.raises(ClientError) as exc:
        sns.get_subscription_attributes(SubscriptionArn=arn)
    assert error_of(exc) == recorded_error("TestSNSSubscriptionCrudV2::test_get_subscription_attributes_error_not_exists",
                                           "get-sub-attrs-nonexistent")


@pytest.mark.parametrize(("arn", "key"), [("randomstring", "invalid-unsubscribe-arn-1"),
                                          ("arn:aws:sns:us-east-1:123456789012", "invalid-unsubscribe-arn-2")])
def test_unsubscribe_malformed_arn_refused(sns: Any, arn: str, key: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.unsubscribe(SubscriptionArn=arn)
    assert error_of(exc) == recorded_error("TestSNSSubscriptionCrud::test_unsubscribe_wrong_arn_format", key)


def test_set_subscription_attributes_raw_message_delivery(sns: Any, topic: str) -> None:
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=QUEUE)["SubscriptionArn"]
    sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="RawMessageDelivery", AttributeValue="true")
    assert sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["RawMessageDelivery"] == "true"


@pytest.mark.parametrize(("name", "value", "key"), [
    ("FakeAttribute", "x", "fake-attribute"),
    ("RawMessageDelivery", "test-ValUe", "raw-message-wrong-value"),
    ("RawMessageDelivery", "", "raw-message-empty-value"),
    ("RedrivePolicy", '{"deadLetterTargetArn": "fake-arn"}', "fake-arn-redrive-policy"),
])
def test_set_subscription_attributes_invalid_refused(sns: Any, topic: str, name: str, value: str, key: str) -> None:
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=QUEUE)["SubscriptionArn"]
    with pytest.raises(ClientError) as exc:
        sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName=name, AttributeValue=value)
    assert error_of(exc) == recorded_error("TestSNSSubscriptionCrud::test_validate_set_sub_attributes", key)


def test_set_subscription_attributes_unknown_subscription_not_found(sns: Any, topic: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.set_subscription_attributes(SubscriptionArn=f"{topic}:4c1a4a2f-0000-0000-0000-000000000000",
                                        AttributeName="RawMessageDelivery", AttributeValue="true")
    assert error_of(exc) == recorded_error("TestSNSSubscriptionCrud::test_not_found_error_on_set_subscription_attributes",
                                           "sub-not-found")


def test_list_subscriptions_paginates(sns: Any, topic: str) -> None:
    for i in range(101):
        sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint=f"+1555{i:07d}")
    first = sns.list_subscriptions()
    assert len(first["Subscriptions"]) == 100 and "NextToken" in first
    assert sum(len(p["Subscriptions"]) for p in sns.get_paginator("list_subscriptions").paginate()) == 101
    by_topic = sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic)
    assert sum(len(p["Subscriptions"]) for p in by_topic) == 101


def test_list_subscriptions_by_topic_unknown_topic_not_found(sns: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sns.list_subscriptions_by_topic(TopicArn="arn:aws:sns:us-east-1:123456789012:nope")
    assert error_of(exc) == ("NotFound", "Topic does not exist")


def test_delete_topic_removes_its_subscriptions(sns: Any, topic: str) -> None:
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=FUNCTION)
    sns.delete_topic(TopicArn=topic)
    assert sns.list_subscriptions()["Subscriptions"] == []


def test_subscribe_invalid_filter_policy_message_as_recorded(sns: Any, topic: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=QUEUE, Attributes={"FilterPolicy": "invalid"})
    assert error_of(exc) == recorded_error("TestSNSSubscriptionCrudV2::test_subscribe_invalid_filter_policy",
                                           "subscribe-invalid-filter-policy")


@pytest.mark.parametrize(("name", "key"), [("FilterPolicy", "invalid-json-filter-policy"),
                                           ("RedrivePolicy", "invalid-json-redrive-policy")])
def test_set_subscription_attributes_invalid_json_refused(sns: Any, topic: str, name: str, key: str) -> None:
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=QUEUE)["SubscriptionArn"]
    with pytest.raises(ClientError) as exc:
        sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName=name, AttributeValue="{invalid json}")
    assert error_of(exc) == recorded_error("TestSNSSubscriptionCrud::test_validate_set_sub_attributes", key)


def test_set_subscription_attributes_filter_policy_shown_with_scope(sns: Any, topic: str) -> None:
    arn = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=FUNCTION)["SubscriptionArn"]
    sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="FilterPolicy", AttributeValue='{"a": ["b"]}')
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert (attributes["FilterPolicy"], attributes["FilterPolicyScope"]) == ('{"a": ["b"]}', "MessageAttributes")


def test_subscribe_fifo_queue_to_standard_topic_refused(sns: Any, topic: str) -> None:
    with pytest.raises(ClientError) as exc:
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=QUEUE + ".fifo")
    assert error_of(exc) == recorded_error("TestSNSSubscriptionSQSFifo::test_validations_for_fifo", "not-fifo-topic")


def test_subscribe_standard_dead_letter_queue_for_fifo_topic_refused(sns: Any) -> None:
    fifo = sns.create_topic(Name="t.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    with pytest.raises(ClientError) as exc:
        sns.subscribe(TopicArn=fifo, Protocol="sqs", Endpoint=QUEUE + ".fifo",
                      Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": QUEUE})})
    code, message = error_of(exc)
    expected = recorded_error("TestSNSSubscriptionSQSFifo::test_validations_for_fifo", "regular-queue-for-dlq-of-fifo-topic")
    assert (code, message) == (expected[0], expected[1].replace("Invalid parameter: ", "Invalid parameter: Attributes Reason: "))


def test_confirm_subscription_malformed_topic_refused(sns: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sns.confirm_subscription(TopicArn="not-an-arn", Token="00")
    assert error_of(exc) == ("InvalidParameter", "Invalid parameter: Topic")


def test_get_subscription_attributes_http_delivery_policy_as_recorded(sns: Any, topic: str) -> None:
    arn = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint="http://127.0.0.1:9/sns-endpoint",
                        ReturnSubscriptionArn=True, Attributes={
                            "RawMessageDelivery": "true",
                            "DeliveryPolicy": json.dumps({"requestPolicy": {"headerContentType": "text/csv"}})}
                        )["SubscriptionArn"]
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    expected = load(SNAPSHOT)[P + "TestSNSSubscriptionHttp::test_subscribe_external_http_endpoint_content_type[True]"][
        "recorded-content"]["sub-attrs"]["Attributes"]
    assert set(attributes) == set(expected)
    for name in ("DeliveryPolicy", "EffectiveDeliveryPolicy"):
        assert json.loads(attributes[name]) == expected[name]
    assert (attributes["PendingConfirmation"], attributes["ConfirmationWasAuthenticated"]) == ("true", "false")
