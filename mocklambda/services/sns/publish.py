"""Publish and PublishBatch: validation with AWS's messages (recorded: TestSNSPublishCrud and the FIFO
tests), FIFO deduplication (5-minute window, same MessageId) and sequence numbers, and fan-out: one
events/sns_delivery task per confirmed subscription whose filter policy matches, submitted after the
message is validated. FIFO topics deliver each message group in publish order (ordering.GroupQueues).
Also the emulator's topic-publisher capability for other services (`publish_for_service`).

What it must not do: build the payload an endpoint receives (sns_delivery does) or import another service.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import time
from dataclasses import dataclass
from typing import Any

from mocklambda.events import sns_delivery
from mocklambda.protocol import AwsError
from mocklambda.protocol.ids import new_uuid4
from mocklambda.services.base import RequestContext
from mocklambda.services.sns import message_attributes
from mocklambda.services.sns.common import (
    SnsOperationsBase,
    check_arn,
    check_topic_arn,
    invalid_parameter,
    not_found,
)
from mocklambda.services.sns.models import SnsStore, Topic
from mocklambda.services.sns.ordering import GroupQueues

MAX_MESSAGE_BYTES = 262_144
DEDUPLICATION_WINDOW = 300.0  # seconds
MAX_BATCH_ENTRIES = 10
_BATCH_ID = re.compile(r"^[A-Za-z0-9_-]*$")
_FIRST_SEQUENCE = 10_000_000_000_000_000_000


@dataclass(frozen=True)
class Outcome:
    message_id: str
    sequence_number: str | None


def _check_subject(subject: str | None) -> None:
    if subject is None:
        return
    if not subject or len(subject) >= 100 or not subject.isascii() or any(c in subject for c in "\r\n"):
        raise invalid_parameter("Invalid parameter: Subject")


def _check_structure(message: str, structure: str | None) -> None:
    if structure != "json":
        return
    try:
        parsed = json.loads(message)
    except ValueError:
        raise invalid_parameter("Invalid parameter: Message Structure - JSON message body failed to parse") from None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("default"), str):
        raise invalid_parameter("Invalid parameter: Message Structure - No default entry in JSON message body")


def _body_for(message: str, structure: str | None, protocol: str) -> str:
    """The text a protocol receives, which filter policies with MessageBody scope look at."""
    if structure != "json":
        return message
    parsed = json.loads(message)
    value = parsed.get(protocol, parsed["default"])
    return value if isinstance(value, str) else parsed["default"]


@dataclass(frozen=True)
class _Checked:
    message: str
    subject: str | None
    structure: str | None
    attributes: dict[str, dict[str, str]]
    group_id: str | None
    deduplication_id: str | None


class PublishOperations(SnsOperationsBase):
    _groups: GroupQueues | None = None

    @property
    def groups(self) -> GroupQueues:
        if self._groups is None:
            self._groups = GroupQueues()
        return self._groups

    def reset(self) -> None:
        super().reset()
        self.groups.reset()

    # -- operations ---------------------------------------------------------------------------------------
    def publish(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("TopicArn") is None and params.get("TargetArn") is None:
            if params.get("PhoneNumber"):
                # An SMS straight to a number: accepted, not sent anywhere (SMS is stored-only here).
                if not params.get("Message"):
                    raise invalid_parameter("Invalid parameter: Empty message")
                return {"MessageId": new_uuid4()}
            raise invalid_parameter("Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter")
        name = "TopicArn" if params.get("TopicArn") is not None else "TargetArn"
        topic_arn = params.get(name) or ""
        store = self.stores[context]
        topic = self._topic(context, store, name, topic_arn)
        checked = self._check(topic, params)
        outcome = self._publish(store, topic, checked, context.endpoint_url)
        result = {"MessageId": outcome.message_id}
        if outcome.sequence_number is not None:
            result["SequenceNumber"] = outcome.sequence_number
        return result

    def publish_batch(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        topic = self._topic(context, store, "TopicArn", params["TopicArn"])
        entries: list[dict[str, Any]] = params.get("PublishBatchRequestEntries") or []
        if not entries:
            raise AwsError("EmptyBatchRequestException", "The batch request doesn't contain any entries.")
        if len(entries) > MAX_BATCH_ENTRIES:
            raise AwsError("TooManyEntriesInBatchRequestException",
                           "The batch request contains more entries than permissible.")
        ids = [entry["Id"] for entry in entries]
        for entry_id in ids:
            if len(entry_id) > 80:
                raise AwsError("InvalidBatchEntryIdException",
                               f"The Id of a batch entry in the batch request is too long: {entry_id}")
            if not _BATCH_ID.match(entry_id):
                raise AwsError("InvalidBatchEntryIdException",
                               f"The Id of a batch entry in the batch request contains an impermissible character: {entry_id}")
        if len(set(ids)) != len(ids):
            raise AwsError("BatchEntryIdsNotDistinctException", "Two or more batch entries in the request have the same Id.")
        checked = [self._check(topic, entry, batch=True) for entry in entries]
        total = sum(len(c.message.encode()) + message_attributes.size(c.attributes) for c in checked)
        if total > MAX_MESSAGE_BYTES:
            raise AwsError("BatchRequestTooLongException",
                           "The length of all the messages put together is more than the limit.")
        successful = []
        for entry_id, one in zip(ids, checked, strict=True):
            outcome = self._publish(store, topic, one, context.endpoint_url)
            item = {"Id": entry_id, "MessageId": outcome.message_id}
            if outcome.sequence_number is not None:
                item["SequenceNumber"] = outcome.sequence_number
            successful.append(item)
        return {"Successful": successful, "Failed": []}

    def publish_for_service(self, account_id: str, region: str, topic_arn: str, message: str,
                            subject: str | None = None) -> str:
        """The emulator's TopicPublisher: publish as the topic's owner would; LookupError when there is no
        such topic."""
        store = self.stores.get(account_id, region)
        with store.lock:
            topic = store.topics.get(topic_arn)
        if topic is None:
            raise LookupError(f"Topic does not exist: {topic_arn}")
        checked = self._check(topic, {"Message": message, "Subject": subject})
        endpoint_url = self.emulator.runtime.config.endpoint_url or ""
        return self._publish(store, topic, checked, endpoint_url).message_id

    # -- internals ----------------------------------------------------------------------------------------
    def _topic(self, context: RequestContext, store: SnsStore, name: str, topic_arn: str) -> Topic:
        parsed = check_arn(name, topic_arn)
        if name == "TargetArn" and parsed.service == "sns" and parsed.resource.startswith("endpoint/"):
            raise invalid_parameter(
                "Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified")
        check_topic_arn(context, name, topic_arn)
        with store.lock:
            topic = store.topics.get(topic_arn)
        if topic is None:
            raise not_found("Topic does not exist")
        return topic

    def _check(self, topic: Topic, params: dict[str, Any], batch: bool = False) -> _Checked:
        message = params.get("Message")
        if message is None or message == "":
            raise invalid_parameter("Invalid parameter: Empty message")
        subject = params.get("Subject")
        _check_subject(subject)
        structure = params.get("MessageStructure")
        _check_structure(message, structure)
        attributes = message_attributes.convert(params.get("MessageAttributes") or {})
        if not batch and len(message.encode()) + message_attributes.size(attributes) > MAX_MESSAGE_BYTES:
            raise invalid_parameter("Invalid parameter: Message too long")
        group_id = params.get("MessageGroupId")
        deduplication_id = params.get("MessageDeduplicationId")
        if topic.fifo:
            if not group_id:
                raise invalid_parameter("Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
            if not deduplication_id:
                if not topic.content_based_deduplication:
                    raise invalid_parameter("Invalid parameter: The topic should either have ContentBasedDeduplication "
                                            "enabled or MessageDeduplicationId provided explicitly")
                deduplication_id = hashlib.sha256(message.encode()).hexdigest()
        elif deduplication_id is not None:
            raise invalid_parameter("Invalid parameter: MessageDeduplicationId Reason: The request includes "
                                    "MessageDeduplicationId parameter that is not valid for this topic type")
        return _Checked(message, subject, structure, attributes, group_id, deduplication_id)

    def _publish(self, store: SnsStore, topic: Topic, checked: _Checked, endpoint_url: str) -> Outcome:
        sequence_number: str | None = None
        with store.lock:
            if topic.fifo and checked.deduplication_id is not None:
                now = time.monotonic()
                for key in [k for k, (_, _, expiry) in topic.deduplication.items() if expiry <= now]:
                    del topic.deduplication[key]
                seen = topic.deduplication.get(checked.deduplication_id)
                if seen is not None:  # a duplicate within the window: accepted, not delivered again
                    return Outcome(seen[0], seen[1])
                topic.sequence += 1
                sequence_number = str(_FIRST_SEQUENCE + topic.sequence)
            message_id = new_uuid4()
            if sequence_number is not None and checked.deduplication_id is not None:
                topic.deduplication[checked.deduplication_id] = (message_id, sequence_number,
                                                                 time.monotonic() + DEDUPLICATION_WINDOW)
            subscriptions = [store.subscriptions[arn] for arn in topic.subscription_arns]
            targets = [
                sns_delivery.SubscriptionTarget(
                    subscription_arn=s.arn, protocol=s.protocol, endpoint=s.endpoint,
                    raw_message_delivery=s.attributes.get("RawMessageDelivery") == "true",
                    account_id=topic.account_id, region=topic.region, endpoint_url=endpoint_url,
                )
                for s in subscriptions
                if not s.pending and (s.filter_policy is None or s.filter_policy.matches(
                    checked.attributes, _body_for(checked.message, checked.structure, s.protocol)))
            ]
            message = sns_delivery.SnsMessage(
                message_id=message_id, topic_arn=topic.arn, message=checked.message, subject=checked.subject,
                message_attributes=checked.attributes, timestamp=dt.datetime.now(dt.UTC),
                message_structure=checked.structure,
                # Only FIFO topics order by group (delivery runs grouped messages one at a time).
                message_group_id=checked.group_id if topic.fifo else None,
                message_deduplication_id=checked.deduplication_id if topic.fifo else None,
                sequence_number=sequence_number,
            )
            bus = self.emulator.events
            if topic.fifo and targets:
                # Queued under the store lock, so each group's queue is in sequence-number order.
                self.groups.submit(bus, (topic.arn, checked.group_id),
                                   functools.partial(_deliver_all, self.emulator, message, targets))
            else:
                for target in targets:
                    bus.submit(functools.partial(sns_delivery.deliver, self.emulator, message, target))
        return Outcome(message_id, sequence_number)


def _deliver_all(emulator: Any, message: sns_delivery.SnsMessage, targets: list[sns_delivery.SubscriptionTarget]) -> None:
    for target in targets:
        sns_delivery.deliver(emulator, message, target)
