"""What every SNS operations mixin shares: the base class with look-ups that raise SNS's errors, ARN checks
with AWS's wording, and pagination of list operations.

Each family (topics.py, subscriptions.py, publish.py) subclasses `SnsOperationsBase`; provider.py composes
them. What it must not do: implement an operation, or know another service.
"""
from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import TypeVar

from mocklambda import arns
from mocklambda.protocol import AwsError
from mocklambda.services.base import RequestContext, ServiceProvider
from mocklambda.services.sns.models import SnsStore, Subscription, Topic

PAGE_SIZE = 100  # ListTopics / ListSubscriptions / ListSubscriptionsByTopic return at most 100 per page
T = TypeVar("T")


def invalid_parameter(message: str) -> AwsError:
    """InvalidParameter (400) with AWS's full message, which always starts "Invalid parameter: " or not at all."""
    return AwsError("InvalidParameterException", message)


def invalid_parameter_value(message: str) -> AwsError:
    """ParameterValueInvalid (400): SNS's code for message attribute errors."""
    return AwsError("InvalidParameterValueException", message)


def not_found(message: str) -> AwsError:
    return AwsError("NotFoundException", message)


def check_arn(name: str, value: str) -> arns.Arn:
    """Parse an ARN parameter as SNS does: "An ARN must have at least 6 elements, not N"."""
    elements = value.split(":")
    if len(elements) < 6 or elements[0] != "arn":
        raise invalid_parameter(
            f"Invalid parameter: {name} Reason: An ARN must have at least 6 elements, not {len(elements)}"
        )
    return arns.parse(value)


def check_topic_arn(context: RequestContext, name: str, value: str) -> arns.Arn:
    """A topic ARN parameter: well formed, and in the request's region (AWS answers "Invalid parameter:
    TopicArn" for a topic of another region, to every topic operation: recorded test_cross_region_access)."""
    parsed = check_arn(name, value)
    if parsed.region != context.region:
        raise invalid_parameter(f"Invalid parameter: {name}")
    return parsed


def paginate(items: Sequence[T], token: str | None) -> tuple[list[T], str | None]:
    """One page of `items` from an opaque NextToken; the next token, or None on the last page."""
    start = 0
    if token:
        try:
            start = int(base64.urlsafe_b64decode(token.encode()).decode())
        except ValueError:
            raise invalid_parameter("Invalid parameter: NextToken") from None
    page = list(items[start:start + PAGE_SIZE])
    end = start + PAGE_SIZE
    next_token = base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(items) else None
    return page, next_token


class SnsOperationsBase(ServiceProvider[SnsStore]):
    def topic_for(self, context: RequestContext, topic_arn: str, name: str = "TopicArn") -> Topic:
        """The caller's topic (hold the store's lock); NotFound "Topic does not exist" when there is none."""
        check_topic_arn(context, name, topic_arn)
        topic = self.stores[context].topics.get(topic_arn)
        if topic is None:
            raise not_found("Topic does not exist")
        return topic

    def subscription_for(self, context: RequestContext, subscription_arn: str) -> Subscription:
        check_arn("SubscriptionArn", subscription_arn)
        subscription = self.stores[context].subscriptions.get(subscription_arn)
        if subscription is None:
            raise not_found("Subscription does not exist")
        return subscription
