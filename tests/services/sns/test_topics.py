"""SNS topic operations through boto3, against AWS's recorded answers (sns__test_sns.snapshot.json)."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.reference import load

SNAPSHOT = "sns__test_sns.snapshot.json"
P = "tests/aws/services/sns/test_sns.py::"


def recorded(test: str, key: str) -> dict[str, Any]:
    content: dict[str, Any] = load(SNAPSHOT)[P + test]["recorded-content"][key]
    return content


def error_of(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


def recorded_error(test: str, key: str) -> tuple[str, str]:
    error = recorded(test, key)["Error"]
    return error["Code"], error["Message"]


def test_create_topic_returns_arn_of_request_account(sns: Any) -> None:
    assert sns.create_topic(Name="orders")["TopicArn"] == "arn:aws:sns:us-east-1:123456789012:orders"


def test_create_topic_same_name_is_idempotent(sns: Any) -> None:
    first = sns.create_topic(Name="t", Attributes={"DisplayName": "Value1"})["TopicArn"]
    assert sns.create_topic(Name="t")["TopicArn"] == first
    assert sns.create_topic(Name="t", Attributes={"DisplayName": "Value1"})["TopicArn"] == first


def test_create_topic_different_attributes_refused(sns: Any) -> None:
    sns.create_topic(Name="t", Attributes={"DisplayName": "Value1"})
    with pytest.raises(ClientError) as exc:
        sns.create_topic(Name="t", Attributes={"DisplayName": "Value2"})
    assert error_of(exc) == recorded_error("TestSNSTopicCrudV2::test_create_topic_different_attrs", "create-topic-diff-attrs")


def test_create_topic_different_tags_refused(sns: Any) -> None:
    sns.create_topic(Name="t", Tags=[{"Key": "a", "Value": "1"}])
    with pytest.raises(ClientError) as exc:
        sns.create_topic(Name="t", Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    assert error_of(exc) == recorded_error("TestSNSTopicCrud::test_create_duplicate_topic_with_more_tags",
                                           "exception-duplicate")


@pytest.mark.parametrize(("name", "attributes"), [
    ("", {}), ("x" * 257, {}), ("a.fifo", {}), ("a", {"FifoTopic": "true"}), ("a b", {}), ("a$", {}),
])
def test_create_topic_invalid_name_refused(sns: Any, name: str, attributes: dict[str, str]) -> None:
    with pytest.raises(ClientError) as exc:
        sns.create_topic(Name=name, Attributes=attributes)
    assert error_of(exc) == ("InvalidParameter", "Invalid parameter: Topic Name")


def test_create_topic_max_length_name_accepted(sns: Any) -> None:
    assert sns.create_topic(Name="x" * 256)["TopicArn"].endswith(":" + "x" * 256)


def test_get_topic_attributes_standard_topic_as_recorded(sns: Any) -> None:
    arn = sns.create_topic(Name="t")["TopicArn"]
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    expected = recorded("TestSNSTopicCrudV2::test_topic_get_attributes_with_fifo_false", "get-attrs-standard-topic")
    expected = expected["Attributes"]
    assert set(attributes) == set(expected)
    for name in ("Policy", "EffectiveDeliveryPolicy"):
        assert json.loads(attributes[name]) == json.loads(json.dumps(expected[name]).replace(
            "arn:<partition>:sns:<region>:111111111111:<resource:1>", arn).replace("111111111111", "123456789012"))
    assert attributes["SubscriptionsConfirmed"] == "0" and attributes["DisplayName"] == ""


def test_get_topic_attributes_fifo_topic(sns: Any) -> None:
    arn = sns.create_topic(Name="t.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert (attributes["FifoTopic"], attributes["ContentBasedDeduplication"]) == ("true", "false")


def test_get_topic_attributes_unknown_topic_not_found(sns: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sns.get_topic_attributes(TopicArn="arn:aws:sns:us-east-1:123456789012:nope")
    assert error_of(exc) == recorded_error("TestSNSTopicCrud::test_create_topic_with_attributes",
                                           "get-attrs-nonexistent-topic")


def test_get_topic_attributes_malformed_arn_refused(sns: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sns.get_topic_attributes(TopicArn="not-an-arn")
    assert error_of(exc) == recorded_error("TestSNSTopicCrud::test_create_topic_with_attributes",
                                           "get-attrs-malformed-topic")


def test_set_topic_attributes_delivery_policy_merges_into_effective(sns: Any) -> None:
    arn = sns.create_topic(Name="t")["TopicArn"]
    policy = {"http": {"defaultHealthyRetryPolicy": {"minDelayTarget": 5, "maxDelayTarget": 6, "numRetries": 1},
                       "disableSubscriptionOverrides": False}}
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DeliveryPolicy", AttributeValue=json.dumps(policy))
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    expected = recorded("TestSNSTopicCrud::test_topic_delivery_policy_crud", "get-topic-attrs-after-update")
    assert json.loads(attributes["DeliveryPolicy"]) == expected["Attributes"]["DeliveryPolicy"]
    assert json.loads(attributes["EffectiveDeliveryPolicy"]) == expected["Attributes"]["EffectiveDeliveryPolicy"]


def test_set_topic_attributes_fifo_topic_refused(sns: Any) -> None:
    arn = sns.create_topic(Name="t")["TopicArn"]
    with pytest.raises(ClientError) as exc:
        sns.set_topic_attributes(TopicArn=arn, AttributeName="FifoTopic", AttributeValue="false")
    assert error_of(exc) == recorded_error("TestSNSTopicCrudV2::test_topic_get_attributes_with_fifo_false",
                                           "set-fifo-false-after-creation")


def test_set_topic_attributes_display_name(sns: Any) -> None:
    arn = sns.create_topic(Name="t")["TopicArn"]
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="Shown")
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["DisplayName"] == "Shown"


def test_delete_topic_is_idempotent(sns: Any) -> None:
    arn = sns.create_topic(Name="t")["TopicArn"]
    sns.delete_topic(TopicArn=arn)
    sns.delete_topic(TopicArn=arn)
    assert sns.list_topics()["Topics"] == []


def test_list_topics_paginates_by_100(sns: Any) -> None:
    for i in range(105):
        sns.create_topic(Name=f"t{i:03d}")
    first = sns.list_topics()
    assert len(first["Topics"]) == 100 and "NextToken" in first
    pages = sns.get_paginator("list_topics").paginate()
    assert len([t for page in pages for t in page["Topics"]]) == 105


def test_list_topics_per_region(client: Callable[..., Any]) -> None:
    client("sns", region="us-east-1").create_topic(Name="east")
    assert client("sns", region="us-west-2").list_topics()["Topics"] == []


def test_tag_resource_and_untag(sns: Any) -> None:
    arn = sns.create_topic(Name="t", Tags=[{"Key": "k1", "Value": "v1"}])["TopicArn"]
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "k2", "Value": "v2"}])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == recorded("TestSNSTopicCrud::test_tags",
                                                                           "list-created-tags")["Tags"]
    sns.untag_resource(ResourceArn=arn, TagKeys=["k1"])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "k2", "Value": "v2"}]


def test_tag_resource_duplicate_keys_refused(sns: Any) -> None:
    arn = sns.create_topic(Name="t")["TopicArn"]
    with pytest.raises(ClientError) as exc:
        sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}])
    assert error_of(exc) == recorded_error("TestSNSTopicCrud::test_tags", "duplicate-key-error")


def test_list_tags_for_resource_empty_after_recreate(sns: Any) -> None:
    arn = sns.create_topic(Name="t", Tags=[{"Key": "k", "Value": "v"}])["TopicArn"]
    sns.delete_topic(TopicArn=arn)
    sns.create_topic(Name="t")
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == []


@pytest.mark.parametrize("operation", ["get_topic_attributes", "delete_topic", "list_subscriptions_by_topic"])
def test_topic_operation_other_region_refused(client: Callable[..., Any], operation: str) -> None:
    arn = client("sns", region="us-west-2").create_topic(Name="w")["TopicArn"]
    with pytest.raises(ClientError) as exc:
        getattr(client("sns"), operation)(TopicArn=arn)
    assert error_of(exc) == recorded_error("TestSNSMultiRegions::test_cross_region_access", "get-topic-attrs")
