"""SNS delivery: turning one published message into what each subscription's endpoint receives.

The SNS provider decides which subscriptions match (filter policies) and calls `deliver` once per matching
subscription on the event bus, after Publish has returned. This module builds AWS's payload for the
subscription's protocol and hands it over: Lambda through the emulator's asynchronous invocation capability
(for a FIFO message group, its run-and-wait capability, so that the group arrives in order),
http/https as a POST with AWS's headers and JSON. Other protocols (sqs, email, sms, application) are dropped.

It must not import the gateway or any provider, and it decides nothing about matching or subscription state.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from mocklambda import arns

logger = logging.getLogger(__name__)

EVENT_SOURCE = "aws:sns"
EVENT_VERSION = "1.0"
SIGNATURE_VERSION = "1"
USER_AGENT = "Amazon Simple Notification Service Agent"
CONTENT_TYPE = "text/plain; charset=UTF-8"
# An http endpoint that does not answer within this is counted as failed; AWS's own limit is 15 s, but a test
# server on loopback answers in milliseconds and a stuck one must not hold a bus worker for long.
HTTP_TIMEOUT_S = 5.0
# The certificate file name AWS's SigningCertURL carries; we do not sign, so any stable name will do.
_CERT_FILE = "SimpleNotificationService-" + hashlib.md5(b"mocklambda", usedforsecurity=False).hexdigest() + ".pem"
# Protocols SNS has no delivery for here yet (sqs arrives with SQS); their messages are dropped.
_NOT_DELIVERED = ("sqs", "email", "email-json", "sms", "application", "firehose")
# No proxies: subscribers are reached directly, as SNS does (a test's HTTP_PROXY must not capture loopback).
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class SnsMessage:
    """One message as SNS publishes it; built by the SNS provider after Publish has validated it.

    `message` is the text as published; with `message_structure == "json"` it is the JSON object of
    per-protocol messages, and `deliver` picks the subscription protocol's key (else "default").

    Subscription confirmation (http/https): when Subscribe creates an http/https subscription, the provider
    calls `deliver` with `type="SubscriptionConfirmation"`, `message` = AWS's text ("You have chosen to
    subscribe to the topic <arn>.\\nTo confirm the subscription, visit the SubscribeURL included in this
    message."), `token` = the confirmation token and `subscribe_url` = the mock's
    `<endpoint_url>/?Action=ConfirmSubscription&TopicArn=<arn>&Token=<token>` (see `subscribe_url_for`).
    The body then carries Token and SubscribeURL as AWS's does; `subject` is ignored for that type.
    """

    message_id: str
    topic_arn: str
    message: str
    subject: str | None
    message_attributes: dict[str, dict[str, str]]  # {"Name": {"Type": "String", "Value": "..."}}
    timestamp: dt.datetime
    message_structure: str | None = None
    message_group_id: str | None = None
    message_deduplication_id: str | None = None
    sequence_number: str | None = None
    type: str = "Notification"  # "Notification" | "SubscriptionConfirmation" | "UnsubscribeConfirmation"
    token: str | None = None  # confirmation token (SubscriptionConfirmation / UnsubscribeConfirmation only)
    subscribe_url: str | None = None  # where the endpoint confirms (SubscriptionConfirmation only)


@dataclass(frozen=True)
class SubscriptionTarget:
    """One subscription as delivery needs it: where, how, and which mock endpoint builds its URLs."""

    subscription_arn: str
    protocol: str  # "lambda" | "http" | "https" | "sqs" | "email" | ...
    endpoint: str  # function ARN, URL, queue ARN, address
    raw_message_delivery: bool
    account_id: str  # the topic's account
    region: str  # the topic's region
    endpoint_url: str  # this mock's base URL (UnsubscribeURL, SubscribeURL, SigningCertURL point at it)


def timestamp_text(moment: dt.datetime) -> str:
    """ISO-8601 in UTC with milliseconds and Z, as SNS's Timestamp."""
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def subscribe_url_for(endpoint_url: str, topic_arn: str, token: str) -> str:
    """Where an http/https endpoint confirms its subscription: this mock's ConfirmSubscription, as a GET."""
    return f"{endpoint_url.rstrip('/')}/?" + urlencode(
        {"Action": "ConfirmSubscription", "TopicArn": topic_arn, "Token": token}, safe=":")


def unsubscribe_url_for(endpoint_url: str, subscription_arn: str) -> str:
    # AWS leaves the ARN's colons unescaped in this URL (recorded); the mock's query parser accepts both.
    return f"{endpoint_url.rstrip('/')}/?Action=Unsubscribe&SubscriptionArn={quote(subscription_arn, safe=':')}"


def signing_cert_url(endpoint_url: str) -> str:
    return f"{endpoint_url.rstrip('/')}/{_CERT_FILE}"


def signature(message: SnsMessage) -> str:
    """A base64 string the size of AWS's RSA signature (256 bytes). Nothing is signed: it only has the shape,
    stable for a given message so repeated deliveries of one message carry the same value."""
    seed = f"{message.message_id}{message.topic_arn}".encode()
    raw = b"".join(hashlib.sha256(seed + bytes([i])).digest() for i in range(8))
    return base64.b64encode(raw).decode()


def message_for(message: SnsMessage, protocol: str) -> str:
    """The text this protocol receives: with MessageStructure=json, the protocol's own key, else "default"
    (Publish has already checked that "default" is there)."""
    if message.message_structure != "json":
        return message.message
    try:
        per_protocol = json.loads(message.message)
    except ValueError:
        return message.message
    if not isinstance(per_protocol, dict):
        return message.message
    text = per_protocol.get(protocol, per_protocol.get("default", ""))
    return text if isinstance(text, str) else json.dumps(text)


def lambda_event(message: SnsMessage, target: SubscriptionTarget) -> dict[str, Any]:
    """The event a subscribed function receives (reference C4), fields in AWS's order."""
    return {
        "Records": [{
            "EventSource": EVENT_SOURCE,
            "EventVersion": EVENT_VERSION,
            "EventSubscriptionArn": target.subscription_arn,
            "Sns": {
                "Type": message.type,
                "MessageId": message.message_id,
                "TopicArn": message.topic_arn,
                "Subject": message.subject,
                "Message": message_for(message, "lambda"),
                "Timestamp": timestamp_text(message.timestamp),
                "SignatureVersion": SIGNATURE_VERSION,
                "Signature": signature(message),
                "SigningCertUrl": signing_cert_url(target.endpoint_url),
                "UnsubscribeUrl": unsubscribe_url_for(target.endpoint_url, target.subscription_arn),
                "MessageAttributes": {name: {"Type": value["Type"], "Value": value["Value"]}
                                      for name, value in message.message_attributes.items()},
            },
        }],
    }


def http_body(message: SnsMessage, target: SubscriptionTarget) -> dict[str, Any]:
    """The JSON document an http/https endpoint receives, fields in AWS's order (recorded): confirmations
    carry Token and SubscribeURL and no UnsubscribeURL; Subject and MessageAttributes only when present."""
    if message.type != "Notification":
        return {
            "Type": message.type,
            "MessageId": message.message_id,
            "Token": message.token,
            "TopicArn": message.topic_arn,
            "Message": message.message,
            "SubscribeURL": message.subscribe_url,
            "Timestamp": timestamp_text(message.timestamp),
            "SignatureVersion": SIGNATURE_VERSION,
            "Signature": signature(message),
            "SigningCertURL": signing_cert_url(target.endpoint_url),
        }
    body: dict[str, Any] = {"Type": message.type, "MessageId": message.message_id, "TopicArn": message.topic_arn}
    if message.subject is not None:
        body["Subject"] = message.subject
    body.update({
        "Message": message_for(message, target.protocol),
        "Timestamp": timestamp_text(message.timestamp),
        "SignatureVersion": SIGNATURE_VERSION,
        "Signature": signature(message),
        "SigningCertURL": signing_cert_url(target.endpoint_url),
        "UnsubscribeURL": unsubscribe_url_for(target.endpoint_url, target.subscription_arn),
    })
    if message.message_attributes:
        body["MessageAttributes"] = {name: {"Type": value["Type"], "Value": value["Value"]}
                                     for name, value in message.message_attributes.items()}
    return body


def http_request(message: SnsMessage, target: SubscriptionTarget) -> urllib.request.Request:
    """The POST AWS makes: its headers (confirmations carry no subscription ARN), and the JSON body, or with
    raw delivery the message text alone."""
    headers = {
        "x-amz-sns-message-type": message.type,
        "x-amz-sns-message-id": message.message_id,
        "x-amz-sns-topic-arn": message.topic_arn,
        "Content-Type": CONTENT_TYPE,
        "User-Agent": USER_AGENT,
        "Accept-Encoding": "gzip,deflate",
    }
    if message.type == "Notification":
        headers["x-amz-sns-subscription-arn"] = target.subscription_arn
    if message.type == "Notification" and target.raw_message_delivery:
        headers["x-amz-sns-rawdelivery"] = "true"
        data = message_for(message, target.protocol).encode()
    else:
        data = json.dumps(http_body(message, target)).encode()
    return urllib.request.Request(target.endpoint, data=data, headers=headers, method="POST")


def deliver(emulator: Any, message: SnsMessage, target: SubscriptionTarget) -> None:
    """Deliver `message` to one subscription; runs on the event bus. Never raises for an unreachable or
    missing endpoint (logged and dropped: retries and dead-letter queues are not modelled yet)."""
    protocol = target.protocol.lower()
    if protocol == "lambda":
        _deliver_to_function(emulator, message, target)
    elif protocol in ("http", "https"):
        _deliver_to_http(message, target)
    elif protocol in _NOT_DELIVERED:
        logger.debug("SNS message %s to %s subscription %s not delivered (protocol not delivered here)",
                     message.message_id, protocol, target.subscription_arn)
    else:
        logger.warning("SNS message %s to subscription %s dropped: unknown protocol %r",
                       message.message_id, target.subscription_arn, protocol)


def _deliver_to_function(emulator: Any, message: SnsMessage, target: SubscriptionTarget) -> None:
    payload = json.dumps(lambda_event(message, target)).encode()
    # The function lives in its own ARN's account and region (cross-account subscriptions are allowed).
    try:
        parsed = arns.parse(target.endpoint)
        account, region = parsed.account, parsed.region
    except ValueError:
        account, region = target.account_id, target.region
    try:
        if message.message_group_id is not None:
            # A FIFO group's messages must reach the function in order: the caller (the topic's group queue)
            # runs them one after another, so each waits here until the function has handled it. The
            # asynchronous queue would let up to 4 run at once, in any order.
            emulator.run_function(account, region, target.endpoint, payload)
        else:
            emulator.invoke_function_async(account, region, target.endpoint, payload)
    except LookupError as missing:
        logger.warning("SNS message %s to %s dropped: %s", message.message_id, target.endpoint, missing)


def _deliver_to_http(message: SnsMessage, target: SubscriptionTarget) -> None:
    request = http_request(message, target)
    try:
        with _OPENER.open(request, timeout=HTTP_TIMEOUT_S) as response:
            response.read()
    except (urllib.error.URLError, OSError, ValueError) as failed:
        # HTTPError (a non-2xx answer) is a URLError: AWS would retry by its delivery policy; we drop.
        logger.warning("SNS message %s to %s failed: %s", message.message_id, target.endpoint, failed)
