"""SNS -> http end to end: a subscription to a test HTTP server on 127.0.0.1, AWS's confirmation flow
(SubscriptionConfirmation, then a GET of its SubscribeURL), and notifications with AWS's headers and JSON
(recorded in sns__test_sns.snapshot.json, TestSNSSubscriptionHttp), plain and raw.

Deliveries are waited for with `mocklambda.wait_idle()`, never by sleeping.
"""
from __future__ import annotations

import itertools
import json
import os
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests import reference

_names = itertools.count(1)


@dataclass(frozen=True)
class Received:
    """One POST the subscriber got; header names lower-cased (HTTP's are case-insensitive)."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.body)
        return document


class Subscriber:
    """A tiny HTTP endpoint on loopback that keeps every POST it receives and answers 200."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        lock = threading.Lock()
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with lock:
                    received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sns"
        # A short poll so that shutdown() at teardown returns at once (the default waits up to 0.5 s).
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    def of_type(self, message_type: str) -> list[Received]:
        return [r for r in self.received if r.headers.get("x-amz-sns-message-type") == message_type]


@pytest.fixture
def subscriber() -> Iterator[Subscriber]:
    endpoint = Subscriber()
    endpoint.thread.start()
    yield endpoint
    endpoint.server.shutdown()
    endpoint.server.server_close()


@pytest.fixture
def topic(sns: Any) -> str:
    arn: str = sns.create_topic(Name=f"sns-http-{os.getpid()}-{next(_names)}")["TopicArn"]
    return arn


def recorded(test: str, key: str) -> dict[str, Any]:
    snapshot = reference.load("sns__test_sns.snapshot.json")
    content = next(entry for name, entry in snapshot.items() if name.endswith(f"::{test}"))["recorded-content"]
    found: dict[str, Any] = content[key]
    return found


def confirmed(mocklambda: Any, sns: Any, topic: str, subscriber: Subscriber, **attributes: str) -> str:
    """Subscribe the test server, confirm through the SubscribeURL it was sent; the subscription ARN."""
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=subscriber.url, Attributes=attributes)
    assert mocklambda.wait_idle(10)
    (confirmation,) = subscriber.of_type("SubscriptionConfirmation")
    with urllib.request.urlopen(confirmation.json()["SubscribeURL"], timeout=5) as response:
        assert response.status == 200
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    (subscription,) = [s["SubscriptionArn"] for s in subscriptions if s["Endpoint"] == subscriber.url]
    return str(subscription)


def test_subscribe_http_sends_recorded_subscription_confirmation(mocklambda: Any, sns: Any, topic: str,
                                                                 subscriber: Subscriber) -> None:
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=subscriber.url)
    assert mocklambda.wait_idle(10)
    (confirmation,) = subscriber.received
    body = confirmation.json()
    expected = recorded("test_subscribe_external_http_endpoint[False]", "subscription-confirmation")
    assert sorted(body) == sorted(expected)
    assert list(body) == ["Type", "MessageId", "Token", "TopicArn", "Message", "SubscribeURL", "Timestamp",
                          "SignatureVersion", "Signature", "SigningCertURL"]
    assert body["Type"] == "SubscriptionConfirmation"
    assert body["TopicArn"] == topic
    assert body["Message"] == expected["Message"].replace(
        "arn:<partition>:sns:<region>:111111111111:<resource:1>", topic)
    assert body["SubscribeURL"].startswith(f"{mocklambda.endpoint_url.rstrip('/')}/?Action=ConfirmSubscription&")
    assert f"Token={body['Token']}" in body["SubscribeURL"]
    assert body["SignatureVersion"] == "1"


def test_subscribe_http_confirmation_headers_as_recorded(mocklambda: Any, sns: Any, topic: str,
                                                        subscriber: Subscriber) -> None:
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=subscriber.url)
    assert mocklambda.wait_idle(10)
    (confirmation,) = subscriber.received
    headers = confirmation.headers
    assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    assert headers["x-amz-sns-message-id"] == confirmation.json()["MessageId"]
    assert headers["x-amz-sns-topic-arn"] == topic
    assert "x-amz-sns-subscription-arn" not in headers  # not sent before confirmation (recorded)
    assert headers["content-type"] == "text/plain; charset=UTF-8"
    assert headers["user-agent"] == "Amazon Simple Notification Service Agent"


def test_confirm_subscription_through_subscribe_url_confirms(mocklambda: Any, sns: Any, topic: str,
                                                            subscriber: Subscriber) -> None:
    subscription = confirmed(mocklambda, sns, topic, subscriber)
    attributes = sns.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"]
    assert attributes["PendingConfirmation"] == "false"


def test_publish_http_notification_with_recorded_headers_and_body(mocklambda: Any, sns: Any, topic: str,
                                                                  subscriber: Subscriber) -> None:
    subscription = confirmed(mocklambda, sns, topic, subscriber)
    message_id = sns.publish(TopicArn=topic, Message="test_external_http_endpoint")["MessageId"]
    assert mocklambda.wait_idle(10)
    (notification,) = subscriber.of_type("Notification")
    headers = notification.headers
    assert headers["x-amz-sns-message-id"] == message_id
    assert headers["x-amz-sns-topic-arn"] == topic
    assert headers["x-amz-sns-subscription-arn"] == subscription
    assert headers["content-type"] == "text/plain; charset=UTF-8"
    assert headers["user-agent"] == "Amazon Simple Notification Service Agent"
    assert "x-amz-sns-rawdelivery" not in headers
    recorded_headers = recorded("test_subscribe_external_http_endpoint[False]", "http-message-headers")
    assert {h.lower() for h in recorded_headers} - {"connection"} <= set(headers)

    body = notification.json()
    expected = recorded("test_subscribe_external_http_endpoint[False]", "http-message")
    assert list(body) == ["Type", "MessageId", "TopicArn", "Message", "Timestamp", "SignatureVersion",
                          "Signature", "SigningCertURL", "UnsubscribeURL"]
    assert sorted(body) == sorted(expected)
    assert body["Message"] == expected["Message"]
    assert body["MessageId"] == message_id
    assert body["UnsubscribeURL"] == (
        f"{mocklambda.endpoint_url.rstrip('/')}/?Action=Unsubscribe&SubscriptionArn={subscription}")


def test_publish_http_subject_and_attributes_in_body(mocklambda: Any, sns: Any, topic: str,
                                                     subscriber: Subscriber) -> None:
    confirmed(mocklambda, sns, topic, subscriber)
    sns.publish(TopicArn=topic, Message="m", Subject="s",
                MessageAttributes={"color": {"DataType": "String", "StringValue": "red"}})
    assert mocklambda.wait_idle(10)
    (notification,) = subscriber.of_type("Notification")
    body = notification.json()
    assert list(body) == ["Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion",
                          "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes"]
    assert body["Subject"] == "s"
    assert body["MessageAttributes"] == {"color": {"Type": "String", "Value": "red"}}


def test_publish_http_raw_message_delivery_posts_message_alone(mocklambda: Any, sns: Any, topic: str,
                                                              subscriber: Subscriber) -> None:
    confirmed(mocklambda, sns, topic, subscriber, RawMessageDelivery="true")
    sns.publish(TopicArn=topic, Message="just the text")
    assert mocklambda.wait_idle(10)
    (notification,) = subscriber.of_type("Notification")
    assert notification.body == b"just the text"
    headers = notification.headers
    assert headers["x-amz-sns-rawdelivery"] == "true"


def test_publish_http_unconfirmed_subscription_not_delivered(mocklambda: Any, sns: Any, topic: str,
                                                            subscriber: Subscriber) -> None:
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=subscriber.url)
    sns.publish(TopicArn=topic, Message="too early")
    assert mocklambda.wait_idle(10)
    assert subscriber.of_type("Notification") == []


def test_publish_http_unreachable_endpoint_dropped(mocklambda: Any, sns: Any, topic: str) -> None:
    # A port nothing listens on: the delivery fails, is logged and dropped; no bug reaches the test.
    closed = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    url = f"http://127.0.0.1:{closed.server_address[1]}/"
    closed.server_close()
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=url)
    assert mocklambda.wait_idle(10)
    assert mocklambda.take_errors() == []
