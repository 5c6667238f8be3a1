"""SNS's state per (account, region): topics, their subscriptions, confirmation tokens, FIFO deduplication.

What it does: plain dataclasses the operation mixins read and change under `SnsStore.lock`.
What it must not do: validate requests or deliver messages (topics.py, subscriptions.py, publish.py do).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mocklambda.events.patterns import FilterPolicy


@dataclass
class Subscription:
    arn: str
    topic_arn: str
    protocol: str
    endpoint: str
    owner: str  # the subscriber's account id
    principal: str  # SubscriptionPrincipal: the IAM identity that subscribed
    # Attributes the caller set (RawMessageDelivery, FilterPolicy, FilterPolicyScope, RedrivePolicy, ...).
    attributes: dict[str, str] = field(default_factory=dict)
    pending: bool = False
    token: str | None = None
    authenticated: bool = True  # ConfirmationWasAuthenticated / AuthenticateOnUnsubscribe
    filter_policy: FilterPolicy | None = None


@dataclass
class Topic:
    arn: str
    name: str
    account_id: str
    region: str
    # Attributes the caller set at creation or later (DisplayName, Policy, DeliveryPolicy, FifoTopic, ...).
    attributes: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    subscription_arns: list[str] = field(default_factory=list)  # in subscription order
    subscriptions_deleted: int = 0
    # FIFO: deduplication id -> (message id, sequence number, monotonic expiry).
    deduplication: dict[str, tuple[str, str, float]] = field(default_factory=dict)
    sequence: int = 0

    @property
    def fifo(self) -> bool:
        return self.attributes.get("FifoTopic", "false").lower() == "true"

    @property
    def content_based_deduplication(self) -> bool:
        return self.attributes.get("ContentBasedDeduplication", "false").lower() == "true"


@dataclass
class SnsStore:
    account_id: str
    region: str
    topics: dict[str, Topic] = field(default_factory=dict)  # by ARN
    subscriptions: dict[str, Subscription] = field(default_factory=dict)  # by ARN
    tokens: dict[str, str] = field(default_factory=dict)  # confirmation token -> subscription ARN
    # UnsubscribeConfirmation token -> the removed http/https subscription, which ConfirmSubscription restores.
    unsubscribed: dict[str, Subscription] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)
