"""Shared by the benchmarks that deploy functions: a one-file function package (invoke, S3 notifications,
SNS), and for the event-delivery ones the handler start time a bench function logs, and the warm delivery loop
with its result row.

Each sample is a callable returning (seconds from the call returning, seconds from its start) to the handler
starting; warm-up samples are taken with negative indexes, measured ones with 0, 1, 2, ...
"""
from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable

from bench.report import Row, ms, verdict
from bench.stats import Deadline, summarise, truncation_note
from mocklambda import MockServer


def package(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.py", source)
    return buffer.getvalue()


class HandlerStarts:
    """The start times a function's handler logs as `marker name started`, read in order from its logs."""

    def __init__(self, server: MockServer, function: str, marker: str) -> None:
        self.server = server
        self.function = function
        self.marker = marker
        self._read = 0  # log lines already looked at

    def start(self, name: str) -> float:
        events = self.server.emulator.function_logs.events(f"/aws/lambda/{self.function}")
        for event in events[self._read:]:
            parts = event.message.split()
            if len(parts) == 3 and parts[0] == self.marker and parts[1] == name:
                self._read = len(events)
                return float(parts[2])
        raise RuntimeError(f"the handler logged no start for {name}")


def handler_start_row(sample: Callable[[int], tuple[float, float]], deadline: Deadline, *, warmup: int,
                      measured: int, time_cap_s: float, target_ms: float, key: str, label: str) -> Row:
    """Warm-up samples, then up to `measured` within the time cap; the row of their median and spread."""
    for index in range(warmup):
        sample(-1 - index)
    limit = time.perf_counter() + deadline.limit(time_cap_s)
    durations: list[float] = []
    from_call: list[float] = []
    while len(durations) < measured and time.perf_counter() < limit:
        after_return, after_call = sample(len(durations))
        durations.append(after_return)
        from_call.append(after_call)
    truncated = len(durations) < measured
    summary, call_summary = summarise(durations, truncated), summarise(from_call, truncated)
    note = truncation_note(summary, "deliveries")
    text = (
        f"median {ms(summary.median_ms)}  p90 {ms(summary.p90_ms)}  min {ms(summary.min_ms)}"
        f"  max {ms(summary.max_ms)}  from the call's start {ms(call_summary.median_ms)}"
        f"  n={summary.n} (target <= {target_ms:.0f} ms){note}"
    )
    data = {**summary.as_dict(), "target_ms": target_ms, "from_call_start": call_summary.as_dict()}
    return Row(key, label, text, verdict(summary.median_ms, target_ms), data)
