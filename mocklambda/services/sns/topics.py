"""Topic operations: CreateTopic, DeleteTopic, ListTopics, Get/SetTopicAttributes, and tagging
(TagResource, UntagResource, ListTagsForResource), with AWS's names, defaults and messages as recorded
(sns__test_sns.snapshot.json, TestSNSTopicCrud / TestSNSTopicCrudV2).

What it must not do: deliver anything or know another service.
"""
from __future__ import annotations

import copy
import json
import re
from typing import Any

from mocklambda import arns
from mocklambda.protocol import AwsError
from mocklambda.services.base import RequestContext
from mocklambda.services.sns.common import (
    SnsOperationsBase,
    check_arn,
    check_topic_arn,
    invalid_parameter,
    paginate,
)
from mocklambda.services.sns.models import Topic

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_FIFO_NAME = re.compile(r"^[A-Za-z0-9_-]{1,251}\.fifo$")
# Attributes SetTopicAttributes accepts (FifoTopic is fixed at creation: "Invalid parameter: AttributeName").
SETTABLE = frozenset({
    "DisplayName", "Policy", "DeliveryPolicy", "KmsMasterKeyId", "SignatureVersion", "TracingConfig",
    "ContentBasedDeduplication", "ArchivePolicy", "FifoThroughputScope", "DataProtectionPolicy",
    *(f"{p}{s}" for p in ("Application", "Firehose", "HTTP", "Lambda", "SQS")
      for s in ("SuccessFeedbackRoleArn", "SuccessFeedbackSampleRate", "FailureFeedbackRoleArn")),
})
CREATABLE = SETTABLE | {"FifoTopic"}
# Delivery policy every topic starts from (EffectiveDeliveryPolicy as recorded).
DEFAULT_DELIVERY_POLICY: dict[str, Any] = {
    "http": {
        "defaultHealthyRetryPolicy": {
            "minDelayTarget": 20, "maxDelayTarget": 20, "numRetries": 3, "numMaxDelayRetries": 0,
            "numNoDelayRetries": 0, "numMinDelayRetries": 0, "backoffFunction": "linear",
        },
        "disableSubscriptionOverrides": False,
        "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"},
    }
}


def default_policy(topic_arn: str, account_id: str) -> str:
    """The access policy AWS gives every new topic (as recorded)."""
    return json.dumps({
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": [
                "SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
                "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish",
            ],
            "Resource": topic_arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": account_id}},
        }],
    }, separators=(",", ":"))


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        elif value is not None:
            merged[key] = value
    return merged


def _without_nulls(value: Any) -> Any:
    # AWS stores a delivery policy without its null members (recorded: set-topic-attrs-none).
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    return value


def effective_delivery_policy(topic: Topic) -> str:
    stored = topic.attributes.get("DeliveryPolicy")
    policy = _merge(DEFAULT_DELIVERY_POLICY, json.loads(stored)) if stored else DEFAULT_DELIVERY_POLICY
    return json.dumps(policy, separators=(",", ":"))


def _check_name(name: str, attributes: dict[str, str]) -> None:
    fifo = attributes.get("FifoTopic", "false").lower() == "true"
    if not (_FIFO_NAME if fifo else _NAME).match(name):
        raise invalid_parameter("Invalid parameter: Topic Name")


def _normalise(name: str, value: str) -> str:
    """An attribute's value as stored and returned."""
    if name == "DeliveryPolicy" and value:
        try:
            parsed = json.loads(value)
        except ValueError:
            raise invalid_parameter("Invalid parameter: DeliveryPolicy: failed to parse JSON") from None
        return json.dumps(_without_nulls(parsed), separators=(",", ":"))
    if name in ("FifoTopic", "ContentBasedDeduplication"):
        if value.lower() not in ("true", "false"):
            raise invalid_parameter(f"Invalid parameter: {name}")
        return value.lower()
    return value


class TopicOperations(SnsOperationsBase):
    def create_topic(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = params["Name"]
        attributes: dict[str, str] = dict(params.get("Attributes") or {})
        tags = {tag["Key"]: tag["Value"] for tag in params.get("Tags") or []}
        _check_name(name, attributes)
        for key in attributes:
            if key not in CREATABLE:
                raise invalid_parameter("Invalid parameter: Attributes Reason: Unknown attribute")
        if attributes.get("FifoTopic", "").lower() == "false":
            del attributes["FifoTopic"]  # a standard topic shows no FifoTopic (recorded)
        attributes = {key: _normalise(key, value) for key, value in attributes.items()}
        if attributes.get("FifoTopic") == "true":
            attributes.setdefault("ContentBasedDeduplication", "false")
        topic_arn = arns.build("sns", context.region, context.account_id, name)
        store = self.stores[context]
        with store.lock:
            existing = store.topics.get(topic_arn)
            if existing is not None:
                if any(existing.attributes.get(k) != v for k, v in attributes.items()):
                    raise invalid_parameter(
                        "Invalid parameter: Attributes Reason: Topic already exists with different attributes"
                    )
                if any(existing.tags.get(k) != v for k, v in tags.items()):
                    raise invalid_parameter(
                        "Invalid parameter: Tags Reason: Topic already exists with different tags"
                    )
                return {"TopicArn": topic_arn}
            store.topics[topic_arn] = Topic(
                arn=topic_arn, name=name, account_id=context.account_id, region=context.region,
                attributes=attributes, tags=tags,
            )
        return {"TopicArn": topic_arn}

    def delete_topic(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        topic_arn = params["TopicArn"]
        check_topic_arn(context, "TopicArn", topic_arn)
        store = self.stores[context]
        with store.lock:
            topic = store.topics.pop(topic_arn, None)  # deleting a missing topic succeeds (recorded)
            if topic is not None:
                # AWS removes the topic's subscriptions with it (asynchronously; here at once).
                for token in [t for t, s in store.unsubscribed.items() if s.topic_arn == topic_arn]:
                    del store.unsubscribed[token]
                for subscription_arn in topic.subscription_arns:
                    subscription = store.subscriptions.pop(subscription_arn, None)
                    if subscription is not None and subscription.token:
                        store.tokens.pop(subscription.token, None)
        return {}

    def list_topics(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            topic_arns = sorted(store.topics)
        page, next_token = paginate(topic_arns, params.get("NextToken"))
        result: dict[str, Any] = {"Topics": [{"TopicArn": arn} for arn in page]}
        if next_token:
            result["NextToken"] = next_token
        return result

    def get_topic_attributes(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            topic = self.topic_for(context, params["TopicArn"])
            subscriptions = [store.subscriptions[arn] for arn in topic.subscription_arns]
            attributes = {
                "DisplayName": "",
                "Owner": topic.account_id,
                "Policy": default_policy(topic.arn, topic.account_id),
                **topic.attributes,
                "TopicArn": topic.arn,
                "EffectiveDeliveryPolicy": effective_delivery_policy(topic),
                "SubscriptionsConfirmed": str(sum(not s.pending for s in subscriptions)),
                "SubscriptionsPending": str(sum(s.pending for s in subscriptions)),
                "SubscriptionsDeleted": str(topic.subscriptions_deleted),
            }
        return {"Attributes": attributes}

    def set_topic_attributes(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = params["AttributeName"]
        value = params.get("AttributeValue") or ""
        store = self.stores[context]
        with store.lock:
            topic = self.topic_for(context, params["TopicArn"])
            if name not in SETTABLE or (name == "ContentBasedDeduplication" and not topic.fifo):
                raise invalid_parameter("Invalid parameter: AttributeName")
            if value == "" and name not in ("DisplayName",):
                topic.attributes.pop(name, None)  # an empty value removes the attribute (recorded)
            else:
                topic.attributes[name] = _normalise(name, value)
        return {}

    # -- tags ---------------------------------------------------------------------------------------------
    def _tagged_topic(self, context: RequestContext, resource_arn: str) -> Topic:
        check_arn("ResourceArn", resource_arn)
        topic = self.stores[context].topics.get(resource_arn)
        if topic is None:
            raise AwsError("ResourceNotFoundException", "Resource does not exist")
        return topic

    def tag_resource(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        keys = [tag["Key"] for tag in params["Tags"]]
        if len(keys) != len(set(keys)):
            raise invalid_parameter("Invalid parameter: Duplicated keys are not allowed.")
        store = self.stores[context]
        with store.lock:
            topic = self._tagged_topic(context, params["ResourceArn"])
            updated = {**topic.tags, **{tag["Key"]: tag["Value"] for tag in params["Tags"]}}
            if len(updated) > 50:
                raise AwsError("TagLimitExceededException", "Could not complete request: tag quota of per resource exceeded")
            topic.tags = updated
        return {}

    def untag_resource(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            topic = self._tagged_topic(context, params["ResourceArn"])
            for key in params["TagKeys"]:
                topic.tags.pop(key, None)
        return {}

    def list_tags_for_resource(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            topic = self._tagged_topic(context, params["ResourceArn"])
            return {"Tags": [{"Key": k, "Value": v} for k, v in topic.tags.items()]}
