"""Subscription operations: Subscribe, Unsubscribe, ListSubscriptions, ListSubscriptionsByTopic,
Get/SetSubscriptionAttributes and ConfirmSubscription, with AWS's attribute sets and messages as recorded
(sns__test_sns.snapshot.json, TestSNSSubscriptionCrud / TestSNSSubscriptionCrudV2).

lambda, sqs, sms, email, email-json, application and firehose subscriptions are confirmed at once; http/https
ones stay pending until ConfirmSubscription with the token that the SubscriptionConfirmation carried (sent
through events/sns_delivery). sqs subscriptions are stored only: SQS does not exist in mocklambda yet.
What it must not do: import another service, or deliver anything itself.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import re
import secrets
import uuid
from typing import Any

from mocklambda import arns
from mocklambda.events import pattern_validation, patterns, sns_delivery
from mocklambda.services.base import RequestContext
from mocklambda.services.sns.common import (
    SnsOperationsBase,
    check_arn,
    invalid_parameter,
    not_found,
    paginate,
)
from mocklambda.services.sns.models import Subscription, Topic
from mocklambda.services.sns.topics import effective_delivery_policy

PROTOCOLS = frozenset({"http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"})
ATTRIBUTES = frozenset({
    "DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy",
    "SubscriptionRoleArn", "ReplayPolicy",
})
PENDING = "pending confirmation"
_SMS = re.compile(r"^\+?\d+(?:-\d+)*$")
CONFIRMATION_TEXT = ("You have chosen to subscribe to the topic {}.\n"
                     "To confirm the subscription, visit the SubscribeURL included in this message.")
UNSUBSCRIBE_TEXT = ("You have chosen to deactivate subscription {}.\n"
                    "To cancel this operation and restore the subscription, visit the SubscribeURL included in this message.")


def _parse_json(attribute: str, value: str) -> Any:
    """SNS parses every JSON attribute with Jackson: reuse the matcher's rendering of Jackson's messages."""
    try:
        return pattern_validation.parse_policy_json(value)
    except patterns.PolicyError as exc:
        raise ValueError(attribute + ": " + exc.reason.removeprefix("FilterPolicy: ")) from None


def validate_attribute(topic: Topic, name: str, value: str) -> str:
    """The value as stored, or ValueError with the reason AWS gives (the text after "Invalid parameter: ").
    FilterPolicy is checked when it is compiled (`_compile`), with the scope being set alongside it."""
    if name not in ATTRIBUTES:
        raise ValueError("AttributeName")
    if name == "RawMessageDelivery":
        if value.lower() not in ("true", "false"):
            raise ValueError(f"RawMessageDelivery: Invalid value [{value}]. Must be true or false.")
        return value.lower()
    if name == "FilterPolicyScope" and value not in (patterns.MESSAGE_ATTRIBUTES, patterns.MESSAGE_BODY):
        raise ValueError("FilterPolicyScope: Invalid filter policy scope, please use MessageAttributes or MessageBody")
    if name in ("RedrivePolicy", "DeliveryPolicy") and value:
        parsed_value = _parse_json(name, value)
        if name == "RedrivePolicy":
            target = parsed_value.get("deadLetterTargetArn", "") if isinstance(parsed_value, dict) else ""
            try:
                parsed = arns.parse(target)
            except ValueError:
                raise ValueError("RedrivePolicy: deadLetterTargetArn is an invalid arn") from None
            if topic.fifo and not parsed.resource.endswith(".fifo"):
                raise ValueError("RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.")
    return value


_DELIVERY_POLICY_KEYS = ("healthyRetryPolicy", "sicklyRetryPolicy", "throttlePolicy", "requestPolicy")


def http_delivery_policies(topic: Topic, stored: str | None) -> dict[str, str]:
    """DeliveryPolicy (as AWS shows it back: every member, null when unset) and EffectiveDeliveryPolicy
    (the topic's http defaults under the subscription's own) of an http/https subscription (recorded:
    test_subscribe_external_http_endpoint_content_type)."""
    own = json.loads(stored) if stored else {}
    defaults = json.loads(effective_delivery_policy(topic))["http"]
    shown = {key: own.get(key) for key in _DELIVERY_POLICY_KEYS} | {"guaranteed": own.get("guaranteed", False)}
    effective = dict(shown)
    effective["healthyRetryPolicy"] = {**defaults["defaultHealthyRetryPolicy"], **(own.get("healthyRetryPolicy") or {})}
    effective["requestPolicy"] = own.get("requestPolicy") or dict(defaults["defaultRequestPolicy"])
    result = {"EffectiveDeliveryPolicy": json.dumps(effective, separators=(",", ":"))}
    if stored:
        result["DeliveryPolicy"] = json.dumps(shown, separators=(",", ":"))
    return result


def _compile(attributes: dict[str, str]) -> patterns.FilterPolicy | None:
    """The subscription's compiled filter policy; PolicyError as the matcher words it."""
    policy = attributes.get("FilterPolicy")
    if not policy:
        return None
    return patterns.compile_filter_policy(policy, attributes.get("FilterPolicyScope", patterns.MESSAGE_ATTRIBUTES))


def _check_endpoint(topic: Topic, protocol: str, endpoint: str) -> None:
    if protocol == "sms" and not _SMS.match(endpoint):
        raise invalid_parameter(f"Invalid SMS endpoint: {endpoint}")
    if protocol in ("sqs", "lambda", "firehose", "application"):
        try:
            parsed = arns.parse(endpoint)
        except ValueError:
            label = {"sqs": "SQS", "lambda": "Lambda", "firehose": "Firehose", "application": "Application"}[protocol]
            raise invalid_parameter(f"Invalid parameter: {label} endpoint ARN") from None
        if protocol == "sqs" and parsed.resource.endswith(".fifo") and not topic.fifo:
            raise invalid_parameter("Invalid parameter: Invalid parameter: Endpoint Reason: "
                                    "FIFO SQS Queues can not be subscribed to standard SNS topics")
    if protocol in ("http", "https") and not endpoint.lower().startswith(f"{protocol}://"):
        raise invalid_parameter("Invalid parameter: Endpoint must match the specified protocol")


def _listing(subscription: Subscription) -> dict[str, str]:
    return {
        "SubscriptionArn": PENDING if subscription.pending else subscription.arn,
        "Owner": subscription.owner,
        "Protocol": subscription.protocol,
        "Endpoint": subscription.endpoint,
        "TopicArn": subscription.topic_arn,
    }


class SubscriptionOperations(SnsOperationsBase):
    def subscribe(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        protocol = params["Protocol"]
        endpoint = params.get("Endpoint") or ""
        requested: dict[str, str] = dict(params.get("Attributes") or {})
        store = self.stores[context]
        with store.lock:
            topic = self.topic_for(context, params["TopicArn"])
            if protocol not in PROTOCOLS:
                raise invalid_parameter(f"Invalid parameter: Amazon SNS does not support this protocol string: {protocol}")
            _check_endpoint(topic, protocol, endpoint)
            attributes: dict[str, str] = {}
            for name, value in requested.items():
                try:
                    attributes[name] = validate_attribute(topic, name, value)
                except ValueError as exc:
                    raise invalid_parameter(f"Invalid parameter: Attributes Reason: {exc}") from None
            try:
                filter_policy = _compile(attributes)
            except patterns.PolicyError as exc:
                raise invalid_parameter(exc.subscribe_message) from None
            for arn in topic.subscription_arns:
                existing = store.subscriptions[arn]
                if (existing.protocol, existing.endpoint) == (protocol, endpoint):
                    if any(existing.attributes.get(k) != v for k, v in attributes.items()):
                        raise invalid_parameter("Invalid parameter: Attributes Reason: "
                                                "Subscription already exists with different attributes")
                    return {"SubscriptionArn": self._returned_arn(existing, params)}
            pending = protocol in ("http", "https")
            subscription = Subscription(
                arn=f"{topic.arn}:{uuid.uuid4()}", topic_arn=topic.arn, protocol=protocol, endpoint=endpoint,
                owner=context.account_id,
                principal=f"arn:{arns.partition_for(context.region)}:iam::{context.account_id}:user/mocklambda",
                attributes=attributes, pending=pending, token=secrets.token_hex(64) if pending else None,
                authenticated=not pending, filter_policy=filter_policy,
            )
            store.subscriptions[subscription.arn] = subscription
            topic.subscription_arns.append(subscription.arn)
            if subscription.token:
                store.tokens[subscription.token] = subscription.arn
        if pending:
            self._send_confirmation(context, topic, subscription)
        return {"SubscriptionArn": self._returned_arn(subscription, params)}

    @staticmethod
    def _returned_arn(subscription: Subscription, params: dict[str, Any]) -> str:
        if subscription.pending and not params.get("ReturnSubscriptionArn"):
            return PENDING
        return subscription.arn

    def _send_confirmation(self, context: RequestContext, topic: Topic, subscription: Subscription,
                           kind: str = "SubscriptionConfirmation") -> None:
        """Queue the SubscriptionConfirmation (or UnsubscribeConfirmation) AWS POSTs to an http/https
        endpoint, carrying the subscription's token and the URL that confirms (or restores) it."""
        token = subscription.token or ""
        text = CONFIRMATION_TEXT.format(topic.arn) if kind == "SubscriptionConfirmation" else \
            UNSUBSCRIBE_TEXT.format(subscription.arn)
        message = sns_delivery.SnsMessage(
            message_id=str(uuid.uuid4()), topic_arn=topic.arn, message=text,
            subject=None, message_attributes={}, timestamp=dt.datetime.now(dt.UTC),
            type=kind, token=token,
            subscribe_url=sns_delivery.subscribe_url_for(context.endpoint_url, topic.arn, token),
        )
        target = sns_delivery.SubscriptionTarget(
            subscription_arn=subscription.arn, protocol=subscription.protocol, endpoint=subscription.endpoint,
            raw_message_delivery=False, account_id=topic.account_id, region=topic.region,
            endpoint_url=context.endpoint_url,
        )
        self.emulator.events.submit(functools.partial(sns_delivery.deliver, self.emulator, message, target))

    def confirm_subscription(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        topic_arn, token = params["TopicArn"], params["Token"]
        try:
            parsed = arns.parse(topic_arn)
        except ValueError:
            raise invalid_parameter("Invalid parameter: Topic") from None
        if parsed.service != "sns" or parsed.region != context.region:
            raise invalid_parameter("Invalid parameter: Topic")
        store = self.stores[context]
        with store.lock:
            restored = store.unsubscribed.get(token)
            topic = store.topics.get(topic_arn)
            if restored is not None and topic is not None and restored.topic_arn == topic_arn:
                # The UnsubscribeConfirmation's SubscribeURL restores the subscription (as AWS does).
                del store.unsubscribed[token]
                store.subscriptions[restored.arn] = restored
                topic.subscription_arns.append(restored.arn)
                return {"SubscriptionArn": restored.arn}
            subscription_arn = store.tokens.get(token)
            subscription = store.subscriptions.get(subscription_arn or "")
            if subscription is None:
                raise invalid_parameter("Invalid parameter: Token")
            if subscription.topic_arn != topic_arn:
                raise invalid_parameter("Invalid token")
            subscription.pending = False
            subscription.authenticated = str(params.get("AuthenticateOnUnsubscribe", "")).lower() == "true"
        return {"SubscriptionArn": subscription.arn}

    def unsubscribe(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        subscription_arn = params.get("SubscriptionArn") or ""
        if not subscription_arn:
            raise invalid_parameter("Invalid parameter: SubscriptionArn Reason: no value for required parameter")
        parsed = check_arn("SubscriptionArn", subscription_arn)
        if parsed.service != "sns" or ":" not in parsed.resource:
            raise invalid_parameter("Invalid parameter: SubscriptionId")
        store = self.stores[context]
        with store.lock:
            subscription = store.subscriptions.pop(subscription_arn, None)  # unknown: success (recorded)
            if subscription is None:
                return {}
            if subscription.token:
                store.tokens.pop(subscription.token, None)
            topic = store.topics.get(subscription.topic_arn)
            if topic is not None:
                topic.subscription_arns.remove(subscription_arn)
            notify = topic is not None and subscription.protocol in ("http", "https") and not subscription.pending
            if notify:
                subscription.token = secrets.token_hex(64)
                store.unsubscribed[subscription.token] = subscription
        if notify and topic is not None:
            self._send_confirmation(context, topic, subscription, "UnsubscribeConfirmation")
        return {}

    def list_subscriptions(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            listed = [_listing(s) for s in store.subscriptions.values()]
        page, next_token = paginate(listed, params.get("NextToken"))
        return {"Subscriptions": page, **({"NextToken": next_token} if next_token else {})}

    def list_subscriptions_by_topic(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            topic = self.topic_for(context, params["TopicArn"])
            listed = [_listing(store.subscriptions[arn]) for arn in topic.subscription_arns]
        page, next_token = paginate(listed, params.get("NextToken"))
        return {"Subscriptions": page, **({"NextToken": next_token} if next_token else {})}

    def get_subscription_attributes(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            s = self.subscription_for(context, params["SubscriptionArn"])
            attributes = {
                "ConfirmationWasAuthenticated": str(s.authenticated).lower(),
                "Endpoint": s.endpoint,
                "Owner": s.owner,
                "PendingConfirmation": str(s.pending).lower(),
                "Protocol": s.protocol,
                "RawMessageDelivery": "false",
                "SubscriptionArn": s.arn,
                "SubscriptionPrincipal": s.principal,
                "TopicArn": s.topic_arn,
                **s.attributes,
            }
            if "FilterPolicy" in s.attributes:
                attributes.setdefault("FilterPolicyScope", patterns.MESSAGE_ATTRIBUTES)
            topic = store.topics.get(s.topic_arn)
            if s.protocol in ("http", "https") and topic is not None:
                attributes.update(http_delivery_policies(topic, s.attributes.get("DeliveryPolicy")))
        return {"Attributes": attributes}

    def set_subscription_attributes(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name, value = params["AttributeName"], params.get("AttributeValue") or ""
        store = self.stores[context]
        with store.lock:
            subscription = self.subscription_for(context, params["SubscriptionArn"])
            topic = store.topics.get(subscription.topic_arn)
            if topic is None:
                raise not_found("Subscription does not exist")
            try:
                normalised = validate_attribute(topic, name, value)
            except ValueError as exc:
                raise invalid_parameter(f"Invalid parameter: {exc}") from None
            attributes = dict(subscription.attributes)
            if value == "" and name != "RawMessageDelivery":
                attributes.pop(name, None)
            else:
                attributes[name] = normalised
            try:
                subscription.filter_policy = _compile(attributes)
            except patterns.PolicyError as exc:
                raise invalid_parameter(str(exc)) from None
            subscription.attributes = attributes
        return {}
