"""S3 notifications: from PutObject returning to the notified function's handler starting, with a warm
function (the issue's target: median <= 20 ms).

A python3.12 function is configured on a bucket for s3:ObjectCreated:*; its handler's first statement takes
time.monotonic() (CLOCK_MONOTONIC, the same clock in every process on the machine) and prints it with the
object key. For each sample, boto3 put_object through MockServer, time.monotonic() as soon as it returns, then
wait_idle() (the delivery and the invocation drained) and the handler's line read from the function's logs.
Warm-up deliveries first (the cold start is not measured); one sample at a time, so nothing queues behind
another. A negative figure would mean the handler started before boto3 had parsed the response (the event is
queued while the request is answered). Every loop is bounded in count and in time; the function process ends
with its MockServer.
"""
from __future__ import annotations

import time

from bench.delivery import HandlerStarts, handler_start_row, package
from bench.operations import make_client
from bench.report import Row
from bench.stats import Deadline
from mocklambda import MockServer

RUNTIME = "python3.12"
ROLE = "arn:aws:iam::123456789012:role/bench"
BUCKET = "bench-notifications"
FUNCTION = "bench-s3-notified"
MARKER = "BENCH-S3-START"
HANDLER_SOURCE = (
    "import time\n\n\n"
    "def handler(event, context):\n"
    "    started = time.monotonic()\n"
    f"    print({MARKER!r}, event['Records'][0]['s3']['object']['key'], repr(started))\n"
)

WARMUP_DELIVERIES = 10
MEASURED_DELIVERIES = 100
LOOP_TIME_CAP_S = 15.0
IDLE_TIMEOUT_S = 10.0
TARGET_MS = 20.0


class _Notified:
    """A bucket whose object-created events invoke the bench function, and the handler start times it logs."""

    def __init__(self, server: MockServer) -> None:
        self.server = server
        self.s3 = make_client("s3", server.endpoint_url)
        awslambda = make_client("lambda", server.endpoint_url)
        arn = awslambda.create_function(
            FunctionName=FUNCTION, Runtime=RUNTIME, Role=ROLE, Handler="index.handler",
            Code={"ZipFile": package(HANDLER_SOURCE)},
        )["FunctionArn"]
        self.s3.create_bucket(Bucket=BUCKET)
        self.s3.put_bucket_notification_configuration(Bucket=BUCKET, NotificationConfiguration={
            "LambdaFunctionConfigurations": [{"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}],
        })
        self._starts = HandlerStarts(server, FUNCTION, MARKER)

    def sample(self, index: int) -> tuple[float, float]:
        """Seconds from put_object returning, and from its call, to the handler starting, for one object."""
        key = f"object-{index}"
        called = time.monotonic()
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=b"x")
        returned = time.monotonic()
        if not self.server.wait_idle(IDLE_TIMEOUT_S):
            raise RuntimeError(f"delivery of {key} did not drain in {IDLE_TIMEOUT_S} s")
        started = self._starts.start(key)
        return started - returned, started - called


def measure(deadline: Deadline) -> list[Row]:
    with MockServer(host="127.0.0.1", port=0) as server:
        return [handler_start_row(
            _Notified(server).sample, deadline, warmup=WARMUP_DELIVERIES, measured=MEASURED_DELIVERIES,
            time_cap_s=LOOP_TIME_CAP_S, target_ms=TARGET_MS, key="s3.notification_to_handler",
            label="S3 PutObject returned -> warm handler started",
        )]
