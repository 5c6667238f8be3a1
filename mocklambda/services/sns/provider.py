"""Amazon SNS's API (query, 2010-03-31): the provider, composed of one mixin per operation family.

topics.py (CreateTopic, DeleteTopic, ListTopics, Get/SetTopicAttributes, tags), subscriptions.py (Subscribe,
Unsubscribe, listings, subscription attributes, ConfirmSubscription), publish.py (Publish, PublishBatch and
fan-out through events/sns_delivery). Shared look-ups live in common.py, state in models.py. Offers the
emulator's topic-publisher capability (S3 notifications to topics use it).
Must not import another service: SNS reaches functions only through events/ and the emulator.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from mocklambda.services.sns.common import SnsOperationsBase
from mocklambda.services.sns.models import SnsStore
from mocklambda.services.sns.publish import PublishOperations
from mocklambda.services.sns.subscriptions import SubscriptionOperations
from mocklambda.services.sns.topics import TopicOperations

if TYPE_CHECKING:
    from mocklambda.emulator import Emulator


class SnsProvider(TopicOperations, SubscriptionOperations, PublishOperations, SnsOperationsBase):
    service_name = "sns"
    store_type = SnsStore

    def __init__(self, emulator: Emulator) -> None:
        super().__init__(emulator)
        emulator.register_topic_publisher(self.publish_for_service)
        emulator.register_topic_lookup(self.topic_exists)

    def topic_exists(self, account_id: str, region: str, topic_arn: str) -> bool:
        """The emulator's TopicLookup: whether `topic_arn` exists in that account and region."""
        store = self.stores.get(account_id, region)
        with store.lock:
            return topic_arn in store.topics
