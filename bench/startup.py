"""Section 2: `MockServer().start()` to the first answered request, in this process (as the pytest fixtures
see it), median of fresh servers each stopped after; plus the one-off cost of the very first start in a
fresh interpreter, imports included (bench/first_start.py, in a subprocess).
"""
from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.operations import make_client
from bench.report import INFO, Row, ms, verdict
from bench.stats import Deadline, Summary, summarise, time_samples
from mocklambda import MockServer

SERVERS = 20
LOOP_TIME_CAP_S = 20.0
START_TARGET_MS = 100.0
FIRST_START_RUNS = 3
FIRST_START_TIMEOUT_S = 30.0
HEALTH_PATH = "/_mocklambda/health"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _health_get(port: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", HEALTH_PATH)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{HEALTH_PATH} answered {response.status}")
    finally:
        connection.close()


class _StartSampler:
    """Times start() to first answer on fresh servers; collects each server's stop() time on the side."""

    def __init__(self) -> None:
        self.stop_durations: list[float] = []

    def boto3_first_call(self) -> float:
        """A dynamodb client is created (on a port picked beforehand) before the clock starts."""
        port = _free_port()
        client = make_client("dynamodb", f"http://127.0.0.1:{port}")
        server = MockServer(host="127.0.0.1", port=port)
        start = time.perf_counter()
        try:
            server.start()
            client.list_tables()
            return time.perf_counter() - start
        finally:
            self._stop(server)

    def health_get(self) -> float:
        server = MockServer(host="127.0.0.1", port=0)
        start = time.perf_counter()
        try:
            server.start()
            _health_get(server.port)
            return time.perf_counter() - start
        finally:
            self._stop(server)

    def _stop(self, server: MockServer) -> None:
        start = time.perf_counter()
        server.stop()
        self.stop_durations.append(time.perf_counter() - start)


def _start_row(key: str, label: str, summary: Summary) -> Row:
    note = f"  (only {summary.n} servers: time limit)" if summary.truncated else ""
    text = (
        f"median {ms(summary.median_ms)}  p90 {ms(summary.p90_ms)}  max {ms(summary.max_ms)}"
        f"  n={summary.n} (target <= {START_TARGET_MS:.0f} ms){note}"
    )
    data = {"target_ms": START_TARGET_MS, "summary": summary.as_dict()}
    return Row(key, label, text, verdict(summary.median_ms, START_TARGET_MS), data)


def measure_in_process(deadline: Deadline) -> list[Row]:
    sampler = _StartSampler()
    boto = time_samples(sampler.boto3_first_call, SERVERS, deadline.limit(LOOP_TIME_CAP_S))
    health = time_samples(sampler.health_get, SERVERS, deadline.limit(LOOP_TIME_CAP_S))
    stop = summarise(sampler.stop_durations)
    return [
        _start_row("startup.in_process.boto3", "startup MockServer.start() -> first boto3 call", boto),
        _start_row("startup.in_process.health", "startup MockServer.start() -> first GET health", health),
        Row(
            "startup.in_process.stop",
            "startup MockServer.stop()",
            f"median {ms(stop.median_ms)}  p90 {ms(stop.p90_ms)}  max {ms(stop.max_ms)}  n={stop.n}",
            INFO,
            {"summary": stop.as_dict()},
        ),
    ]


def _first_start_once(root: Path, timeout_s: float) -> dict[str, float]:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "bench.first_start"],
        cwd=root, capture_output=True, text=True, timeout=timeout_s, check=False,
    )
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"bench.first_start failed ({result.returncode}): {result.stderr.strip()[-500:]}")
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    figures["process_wall_s"] = wall
    return figures


def measure_first_start(root: Path, deadline: Deadline) -> list[Row]:
    """Median over a few fresh interpreters of each phase of the very first start."""
    runs: list[dict[str, float]] = []
    for _ in range(FIRST_START_RUNS):
        if runs and deadline.remaining() < FIRST_START_TIMEOUT_S:
            break
        runs.append(_first_start_once(root, min(FIRST_START_TIMEOUT_S, max(deadline.remaining(), 5.0))))
    phases = {name: summarise([run[name] for run in runs]).median_ms for name in runs[0]}
    text = (
        f"import mocklambda {ms(phases['import_s'])} + start -> first GET health"
        f" {ms(phases['start_to_health_s'])} = {ms(phases['import_s'] + phases['start_to_health_s'])};"
        f" then boto3 client {ms(phases['client_create_s'])}, first call {ms(phases['first_call_s'])};"
        f" whole interpreter {ms(phases['process_wall_s'])}  (median of {len(runs)})"
    )
    data = {"median_ms": phases, "runs": runs}
    return [Row("startup.first_start", "startup first start, fresh interpreter", text, INFO, data)]
