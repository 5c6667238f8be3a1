"""events/sns_delivery without a server: the payload each protocol receives, built from an SnsMessage and a
SubscriptionTarget (field order and names as recorded in sns__test_sns.snapshot.json), and the protocols
that are dropped. The end-to-end flows are in tests/e2e/test_sns_*.py."""
from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from mocklambda.events import sns_delivery
from mocklambda.events.sns_delivery import SnsMessage, SubscriptionTarget

TOPIC = "arn:aws:sns:us-east-1:123456789012:orders"
SUBSCRIPTION = f"{TOPIC}:21be56ed-a058-49f5-8c98-aedd2564c486"
FUNCTION = "arn:aws:lambda:eu-west-1:210987654321:function:handler"
ENDPOINT_URL = "http://127.0.0.1:4566"
MOMENT = dt.datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=dt.UTC)


def message(**overrides: Any) -> SnsMessage:
    fields: dict[str, Any] = {"message_id": "95df01b4-ee98-5cb9-9903-4c221d41eb5e", "topic_arn": TOPIC,
                              "message": "hello", "subject": None, "message_attributes": {}, "timestamp": MOMENT}
    fields.update(overrides)
    return SnsMessage(**fields)


def target(protocol: str = "lambda", endpoint: str = FUNCTION, raw: bool = False) -> SubscriptionTarget:
    return SubscriptionTarget(subscription_arn=SUBSCRIPTION, protocol=protocol, endpoint=endpoint,
                              raw_message_delivery=raw, account_id="123456789012", region="us-east-1",
                              endpoint_url=ENDPOINT_URL)


class Recorder:
    """Stands in for the emulator's invoke capabilities (the only part of the emulator deliver uses)."""

    def __init__(self, missing: bool = False) -> None:
        self.calls: list[tuple[str, str, str, str, bytes]] = []
        self.missing = missing

    def _call(self, kind: str, account_id: str, region: str, arn: str, payload: bytes) -> str:
        if self.missing:
            raise LookupError(f"Function not found: {arn}")
        self.calls.append((kind, account_id, region, arn, payload))
        return "request-id"

    def invoke_function_async(self, account_id: str, region: str, arn: str, payload: bytes) -> str:
        return self._call("async", account_id, region, arn, payload)

    def run_function(self, account_id: str, region: str, arn: str, payload: bytes) -> str:
        return self._call("run", account_id, region, arn, payload)


def test_timestamp_text_has_milliseconds_and_z() -> None:
    assert sns_delivery.timestamp_text(MOMENT) == "2024-05-01T12:00:00.123Z"


def test_lambda_event_subject_null_when_absent() -> None:
    sns = sns_delivery.lambda_event(message(), target())["Records"][0]["Sns"]
    assert sns["Subject"] is None
    assert sns["MessageAttributes"] == {}


def test_lambda_event_urls_point_at_the_mock() -> None:
    sns = sns_delivery.lambda_event(message(), target())["Records"][0]["Sns"]
    assert sns["UnsubscribeUrl"] == f"{ENDPOINT_URL}/?Action=Unsubscribe&SubscriptionArn={SUBSCRIPTION}"
    assert sns["SigningCertUrl"].startswith(f"{ENDPOINT_URL}/SimpleNotificationService-")
    assert len(base64.b64decode(sns["Signature"])) == 256


def test_message_for_json_structure_picks_protocol_then_default() -> None:
    per_protocol = json.dumps({"default": "d", "lambda": "l", "http": "h"})
    structured = message(message=per_protocol, message_structure="json")
    assert sns_delivery.message_for(structured, "lambda") == "l"
    assert sns_delivery.message_for(structured, "https") == "d"
    assert sns_delivery.message_for(message(message=per_protocol), "lambda") == per_protocol


def test_deliver_lambda_invokes_in_the_functions_account_and_region() -> None:
    emulator = Recorder()
    sns_delivery.deliver(emulator, message(), target())
    ((kind, account_id, region, arn, payload),) = emulator.calls
    assert (kind, account_id, region, arn) == ("async", "210987654321", "eu-west-1", FUNCTION)
    assert json.loads(payload)["Records"][0]["EventSubscriptionArn"] == SUBSCRIPTION


def test_deliver_lambda_fifo_message_waits_for_the_function() -> None:
    emulator = Recorder()
    sns_delivery.deliver(emulator, message(message_group_id="g1", sequence_number="1"), target())
    assert [call[0] for call in emulator.calls] == ["run"]


def test_deliver_lambda_missing_function_dropped() -> None:
    sns_delivery.deliver(Recorder(missing=True), message(), target())  # no exception


def test_deliver_sqs_and_email_dropped() -> None:
    emulator = Recorder()
    sns_delivery.deliver(emulator, message(), target("sqs", "arn:aws:sqs:us-east-1:123456789012:q"))
    sns_delivery.deliver(emulator, message(), target("email", "someone@example.com"))
    assert emulator.calls == []


def test_http_body_confirmation_fields_in_recorded_order() -> None:
    confirmation = message(type="SubscriptionConfirmation", token="abc",
                           subscribe_url=sns_delivery.subscribe_url_for(ENDPOINT_URL, TOPIC, "abc"),
                           message="You have chosen to subscribe ...")
    body = sns_delivery.http_body(confirmation, target("http", "http://127.0.0.1:1/"))
    assert list(body) == ["Type", "MessageId", "Token", "TopicArn", "Message", "SubscribeURL", "Timestamp",
                          "SignatureVersion", "Signature", "SigningCertURL"]
    assert body["SubscribeURL"] == f"{ENDPOINT_URL}/?Action=ConfirmSubscription&TopicArn={TOPIC}&Token=abc"


def test_http_request_confirmation_has_no_subscription_header() -> None:
    request = sns_delivery.http_request(message(type="SubscriptionConfirmation", token="t", subscribe_url="u"),
                                        target("http", "http://127.0.0.1:1/"))
    headers = {name.lower(): value for name, value in request.header_items()}
    assert "x-amz-sns-subscription-arn" not in headers
    assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"


def test_http_request_raw_posts_protocol_message_alone() -> None:
    structured = message(message=json.dumps({"default": "d", "https": "for https"}), message_structure="json")
    request = sns_delivery.http_request(structured, target("https", "https://127.0.0.1:1/", raw=True))
    headers = {name.lower(): value for name, value in request.header_items()}
    assert request.data == b"for https"
    assert headers["x-amz-sns-rawdelivery"] == "true"
    assert headers["content-type"] == "text/plain; charset=UTF-8"
