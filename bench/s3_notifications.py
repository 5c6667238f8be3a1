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

import io
import time
import zipfile

from bench.operations import make_client
from bench.report import Row, ms, verdict
from bench.stats import Deadline, summarise
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


def _package(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.py", source)
    return buffer.getvalue()


class _Notified:
    """A bucket whose object-created events invoke the bench function, and the handler start times it logs."""

    def __init__(self, server: MockServer) -> None:
        self.server = server
        self.s3 = make_client("s3", server.endpoint_url)
        awslambda = make_client("lambda", server.endpoint_url)
        arn = awslambda.create_function(
            FunctionName=FUNCTION, Runtime=RUNTIME, Role=ROLE, Handler="index.handler",
            Code={"ZipFile": _package(HANDLER_SOURCE)},
        )["FunctionArn"]
        self.s3.create_bucket(Bucket=BUCKET)
        self.s3.put_bucket_notification_configuration(Bucket=BUCKET, NotificationConfiguration={
            "LambdaFunctionConfigurations": [{"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}],
        })
        self._read = 0  # log lines already looked at

    def _handler_start(self, key: str) -> float:
        events = self.server.emulator.function_logs.events(f"/aws/lambda/{FUNCTION}")
        for event in events[self._read:]:
            parts = event.message.split()
            if len(parts) == 3 and parts[0] == MARKER and parts[1] == key:
                self._read = len(events)
                return float(parts[2])
        raise RuntimeError(f"the handler logged no start for {key}")

    def sample(self, index: int) -> tuple[float, float]:
        """Seconds from put_object returning, and from its call, to the handler starting, for one object."""
        key = f"object-{index}"
        called = time.monotonic()
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=b"x")
        returned = time.monotonic()
        if not self.server.wait_idle(IDLE_TIMEOUT_S):
            raise RuntimeError(f"delivery of {key} did not drain in {IDLE_TIMEOUT_S} s")
        started = self._handler_start(key)
        return started - returned, started - called


def measure(deadline: Deadline) -> list[Row]:
    with MockServer(host="127.0.0.1", port=0) as server:
        notified = _Notified(server)
        for index in range(WARMUP_DELIVERIES):
            notified.sample(-1 - index)
        limit = time.perf_counter() + deadline.limit(LOOP_TIME_CAP_S)
        durations: list[float] = []
        from_call: list[float] = []
        while len(durations) < MEASURED_DELIVERIES and time.perf_counter() < limit:
            after_return, after_call = notified.sample(len(durations))
            durations.append(after_return)
            from_call.append(after_call)
    truncated = len(durations) < MEASURED_DELIVERIES
    summary, call_summary = summarise(durations, truncated), summarise(from_call, truncated)
    note = f"  (only {summary.n} deliveries: time limit)" if truncated else ""
    text = (
        f"median {ms(summary.median_ms)}  p90 {ms(summary.p90_ms)}  min {ms(summary.min_ms)}"
        f"  max {ms(summary.max_ms)}  from the call's start {ms(call_summary.median_ms)}"
        f"  n={summary.n} (target <= {TARGET_MS:.0f} ms){note}"
    )
    data = {**summary.as_dict(), "target_ms": TARGET_MS, "from_call_start": call_summary.as_dict()}
    return [Row("s3.notification_to_handler", "S3 PutObject returned -> warm handler started", text,
                verdict(summary.median_ms, TARGET_MS), data)]
