"""SNS: Publish latency through boto3 against moto's in-process mock (same run; the issue's target: ratio
<= 1.0x), from Publish returning to a subscribed warm function's handler starting (target: median <= 20 ms),
and a burst of 1,000 messages (100 PublishBatch calls of 10) to 3 subscribed functions, which must receive
3,000 deliveries, none lost and none duplicated, within a bounded time.

Publish vs moto: a topic with no subscriptions on both sides (moto delivers nothing in-process either), the
same client configuration (bench/operations.py make_client), 50 warm-up calls, then up to 300 measured calls
alternating in rounds of 60; the mocklambda client is created before moto is imported (see bench/s3_objects.py,
whose reasons apply unchanged), so this section runs after every other mocklambda measurement.

Publish -> handler: a python3.12 function subscribed to a topic; its handler's first statement takes
time.monotonic() (the same clock in every process on the machine) and prints it with the message. For each
sample: publish, time.monotonic() as soon as boto3 returns, wait_idle(), the handler's line read from the
function's logs. Warm-up deliveries first (the cold start is not measured); one sample at a time.

Burst: each of the 3 functions prints the MessageId of every message it receives; the ids read from
emulator.function_logs are compared with the ids PublishBatch returned. Every loop is bounded in count and
in time; function processes end with their MockServer.
"""
from __future__ import annotations

import collections
import importlib.util
import time
from typing import Any

from bench.delivery import HandlerStarts, handler_start_row, package
from bench.operations import make_client
from bench.report import SKIP, Row, ms, verdict
from bench.stats import Deadline, Summary, time_interleaved
from mocklambda import MockServer

RUNTIME = "python3.12"
ROLE = "arn:aws:iam::123456789012:role/bench"
START_MARKER = "BENCH-SNS-START"
BURST_MARKER = "BENCH-SNS-BURST"
START_SOURCE = (
    "import time\n\n\n"
    "def handler(event, context):\n"
    "    started = time.monotonic()\n"
    f"    print({START_MARKER!r}, event['Records'][0]['Sns']['Message'], repr(started))\n"
)
BURST_SOURCE = (
    "def handler(event, context):\n"
    f"    print({BURST_MARKER!r}, event['Records'][0]['Sns']['MessageId'])\n"
)

WARMUP_CALLS = 50
MEASURED_CALLS = 300
ROUNDS = 5
LOOP_TIME_CAP_S = 10.0
RATIO_TARGET = 1.0
WARMUP_DELIVERIES = 10
MEASURED_DELIVERIES = 100
DELIVERY_TIME_CAP_S = 15.0
IDLE_TIMEOUT_S = 10.0
HANDLER_TARGET_MS = 20.0
BURST_FUNCTIONS = 3
BURST_BATCHES = 100
BATCH_SIZE = 10
BURST_TIME_CAP_S = 60.0


def _subscribed_function(awslambda: Any, sns: Any, topic_arn: str, name: str, source: str) -> None:
    arn = awslambda.create_function(FunctionName=name, Runtime=RUNTIME, Role=ROLE, Handler="index.handler",
                                    Code={"ZipFile": package(source)}, Timeout=10)["FunctionArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="lambda", Endpoint=arn)


class _Subscribed:
    """A topic whose messages invoke the bench function, and the handler start times it logs."""

    FUNCTION = "bench-sns-notified"

    def __init__(self, server: MockServer) -> None:
        self.server = server
        self.sns = make_client("sns", server.endpoint_url)
        self.topic = self.sns.create_topic(Name="bench-sns-latency")["TopicArn"]
        _subscribed_function(make_client("lambda", server.endpoint_url), self.sns, self.topic, self.FUNCTION,
                             START_SOURCE)
        self._starts = HandlerStarts(server, self.FUNCTION, START_MARKER)

    def sample(self, index: int) -> tuple[float, float]:
        """Seconds from Publish returning, and from its call, to the handler starting, for one message. The
        first may be negative: the delivery is queued while the response is still being written and parsed."""
        text = f"message-{index}"
        called = time.monotonic()
        self.sns.publish(TopicArn=self.topic, Message=text)
        returned = time.monotonic()
        if not self.server.wait_idle(IDLE_TIMEOUT_S):
            raise RuntimeError(f"delivery of {text} did not drain in {IDLE_TIMEOUT_S} s")
        started = self._starts.start(text)
        return started - returned, started - called


def _handler_start_row(server: MockServer, deadline: Deadline) -> Row:
    return handler_start_row(
        _Subscribed(server).sample, deadline, warmup=WARMUP_DELIVERIES, measured=MEASURED_DELIVERIES,
        time_cap_s=DELIVERY_TIME_CAP_S, target_ms=HANDLER_TARGET_MS, key="sns.publish_to_handler",
        label="SNS Publish returned -> warm handler started",
    )


def _burst_row(server: MockServer, deadline: Deadline) -> Row:
    sns = make_client("sns", server.endpoint_url)
    awslambda = make_client("lambda", server.endpoint_url)
    topic = sns.create_topic(Name="bench-sns-burst")["TopicArn"]
    functions = [f"bench-sns-burst-{n}" for n in range(BURST_FUNCTIONS)]
    for name in functions:
        _subscribed_function(awslambda, sns, topic, name, BURST_SOURCE)
    published: list[str] = []
    started = time.perf_counter()
    for batch in range(BURST_BATCHES):
        entries = [{"Id": f"m{n}", "Message": f"burst {batch}-{n}"} for n in range(BATCH_SIZE)]
        response = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
        if response.get("Failed"):
            raise RuntimeError(f"PublishBatch refused entries: {response['Failed'][:2]}")
        published += [entry["MessageId"] for entry in response["Successful"]]
    publish_s = time.perf_counter() - started
    drained = server.wait_idle(deadline.limit(BURST_TIME_CAP_S))
    elapsed = time.perf_counter() - started
    expected = collections.Counter(published)
    delivered = lost = duplicated = 0
    for name in functions:
        ids = collections.Counter(
            parts[1] for event in server.emulator.function_logs.events(f"/aws/lambda/{name}")
            if len(parts := event.message.split()) == 2 and parts[0] == BURST_MARKER)
        delivered += sum(ids.values())
        lost += sum((expected - ids).values())
        duplicated += sum((ids - expected).values())
    target = len(published) * BURST_FUNCTIONS
    ok = drained and delivered == target and lost == 0 and duplicated == 0
    text = (f"{delivered}/{target} deliveries, {lost} lost, {duplicated} duplicated, in {elapsed:.1f} s"
            f" (publishing {publish_s:.1f} s; bound {BURST_TIME_CAP_S:.0f} s){'' if drained else '  NOT DRAINED'}")
    data = {"delivered": delivered, "expected": target, "lost": lost, "duplicated": duplicated,
            "elapsed_s": elapsed, "publish_s": publish_s, "drained": drained}
    return Row("sns.burst_1000_to_3", "SNS 1,000-message PublishBatch burst -> 3 functions", text,
               verdict(0 if ok else 1, 0), data)


def measure(deadline: Deadline) -> list[Row]:
    """Publish -> warm handler start, the burst (each on its own MockServer), then Publish vs moto (which
    imports moto: this section runs after the other mocklambda measurements)."""
    with MockServer(host="127.0.0.1", port=0) as server:
        rows = [_handler_start_row(server, deadline)]
    with MockServer(host="127.0.0.1", port=0) as server:
        rows.append(_burst_row(server, deadline))
    return rows + _vs_moto_rows(deadline)


def _publish_vs_moto(deadline: Deadline) -> tuple[Summary, Summary]:
    with MockServer(host="127.0.0.1", port=0) as server:
        mock_sns = make_client("sns", server.endpoint_url)  # before moto is imported: see the module docstring
        from moto import mock_aws

        with mock_aws():
            moto_sns = make_client("sns", None)
            mock_topic = mock_sns.create_topic(Name="bench-sns-publish")["TopicArn"]
            moto_topic = moto_sns.create_topic(Name="bench-sns-publish")["TopicArn"]

            def mock_publish() -> object:
                return mock_sns.publish(TopicArn=mock_topic, Message="bench message")

            def moto_publish() -> object:
                return moto_sns.publish(TopicArn=moto_topic, Message="bench message")

            summaries = time_interleaved({"mocklambda": mock_publish, "moto": moto_publish},
                                         MEASURED_CALLS, WARMUP_CALLS, ROUNDS, deadline.limit(2 * LOOP_TIME_CAP_S))
    return summaries["mocklambda"], summaries["moto"]


def _vs_moto_rows(deadline: Deadline) -> list[Row]:
    """Publish through boto3, mocklambda against moto; SKIP if moto is not installed."""
    label = "SNS Publish vs moto mock_aws"
    if importlib.util.find_spec("moto") is None:
        return [Row("sns.Publish_vs_moto", label, "moto not installed", SKIP)]
    mock, moto = _publish_vs_moto(deadline)
    ratio = mock.median_ms / moto.median_ms
    notes = "".join(f"  (only {s.n} calls: time limit)" for s in (mock, moto) if s.truncated)
    text = (f"median {ms(mock.median_ms)}  p90 {ms(mock.p90_ms)}  moto mock_aws {ms(moto.median_ms)}"
            f" (p90 {ms(moto.p90_ms)})  ratio {ratio:.2f}x  n={mock.n}/{moto.n} (target <= {RATIO_TARGET}x){notes}")
    data = {"ratio": ratio, "target_ratio": RATIO_TARGET, "mocklambda": mock.as_dict(), "moto": moto.as_dict()}
    return [Row("sns.Publish_vs_moto", label, text, verdict(ratio, RATIO_TARGET), data)]
