"""Section 1: per-call latency of trivial boto3 operations over HTTP, mocklambda against THE FLOOR.

One client per target, reused (keep-alive), 50 warm-up calls, then up to 500 measured calls; mocklambda and
its floor alternate in rounds of 100 calls, so background load affects both alike. mocklambda runs as
`MockServer` in a background thread of this process, as under the pytest fixtures; the floor runs the same
way. moto is measured for context only (not interleaved), last, because importing it adds a botocore event
handler to every client created afterwards.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from bench.floor import FloorServer
from bench.operations import OPERATIONS, Operation, make_client
from bench.report import INFO, SKIP, Row, ms, verdict
from bench.stats import Deadline, Summary, time_calls, time_interleaved, truncation_note
from mocklambda import MockServer

WARMUP_CALLS = 50
MEASURED_CALLS = 500
ROUNDS = 5
LOOP_TIME_CAP_S = 10.0
RATIO_TARGET = 1.5
CONTEXT_OPERATION = OPERATIONS[0]  # dynamodb.ListTables, for moto


def _time_operation(operation: Operation, endpoint_url: str | None, deadline: Deadline) -> Summary:
    client = make_client(operation.service, endpoint_url)
    return time_calls(
        lambda: operation.call(client), MEASURED_CALLS, WARMUP_CALLS, deadline.limit(LOOP_TIME_CAP_S)
    )


def _time_against_floor(
    operation: Operation, mock_url: str, floor_url: str, deadline: Deadline
) -> tuple[Summary, Summary]:
    """(mocklambda, floor) summaries, their calls interleaved."""
    mock_client = make_client(operation.service, mock_url)
    floor_client = make_client(operation.service, floor_url)
    summaries = time_interleaved(
        {"mocklambda": lambda: operation.call(mock_client), "floor": lambda: operation.call(floor_client)},
        MEASURED_CALLS, WARMUP_CALLS, ROUNDS, deadline.limit(2 * LOOP_TIME_CAP_S),
    )
    return summaries["mocklambda"], summaries["floor"]


def _ratio_row(operation: Operation, mock: Summary, floor: Summary) -> Row:
    ratio = mock.median_ms / floor.median_ms
    text = (
        f"median {ms(mock.median_ms)}  p90 {ms(mock.p90_ms)}  floor {ms(floor.median_ms)}"
        f" (p90 {ms(floor.p90_ms)})  ratio {ratio:.2f}x (target <= {RATIO_TARGET}x)"
        f"{truncation_note(mock)}{truncation_note(floor)}"
    )
    data = {
        "ratio": ratio, "target_ratio": RATIO_TARGET, "mocklambda": mock.as_dict(), "floor": floor.as_dict()
    }
    label = operation.label
    return Row(f"latency.{label}", f"latency {label}", text, verdict(ratio, RATIO_TARGET), data)


def _context_row(key: str, label: str, summary: Summary, floor: Summary, mock: Summary) -> Row:
    text = (
        f"median {ms(summary.median_ms)}  p90 {ms(summary.p90_ms)}"
        f"  = {summary.median_ms / floor.median_ms:.2f}x floor,"
        f" {summary.median_ms / mock.median_ms:.2f}x mocklambda"
        f"{truncation_note(summary)}"
    )
    return Row(key, label, text, INFO, {"summary": summary.as_dict()})


def measure_mocklambda_and_floor(deadline: Deadline) -> tuple[list[Row], dict[str, tuple[Summary, Summary]]]:
    """A ratio row per operation; also returns (mocklambda, floor) summaries by operation label."""
    rows: list[Row] = []
    summaries: dict[str, tuple[Summary, Summary]] = {}
    server = MockServer(host="127.0.0.1", port=0).start()
    try:
        for operation in OPERATIONS:
            with FloorServer(operation) as floor_server:
                mock, floor = _time_against_floor(
                    operation, server.endpoint_url, floor_server.endpoint_url, deadline
                )
            summaries[operation.label] = (mock, floor)
            rows.append(_ratio_row(operation, mock, floor))
    finally:
        server.stop()
    return rows, summaries


@contextmanager
def _moto_threaded_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    # werkzeug logs every request to stderr unless its logger is configured; that is not moto's cost.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def _moto_mock_aws(deadline: Deadline) -> Summary:
    from moto import mock_aws

    with mock_aws():
        return _time_operation(CONTEXT_OPERATION, None, deadline)


def _moto_server(deadline: Deadline) -> Summary:
    with _moto_threaded_server() as endpoint_url:
        return _time_operation(CONTEXT_OPERATION, endpoint_url, deadline)


def measure_moto(deadline: Deadline, baseline: tuple[Summary, Summary]) -> list[Row]:
    """moto's in-process mock and threaded server on dynamodb.ListTables, for context; a SKIP row if moto
    does not import. `baseline` is (mocklambda, floor) for the same operation."""
    mock, floor = baseline
    label = CONTEXT_OPERATION.label
    try:
        import moto  # noqa: F401
    except ImportError as exc:
        note = f"moto not importable ({exc}); `pip install -c constraints.txt -e '.[bench]'` adds it"
        return [Row("context.moto", "context moto", note, SKIP)]
    variants: list[tuple[str, str, Callable[[Deadline], Summary]]] = [
        ("mock_aws", f"context moto mock_aws {label}", _moto_mock_aws),
        ("server", f"context moto ThreadedMotoServer {label}", _moto_server),
    ]
    rows = []
    for key, row_label, measure in variants:
        try:
            summary = measure(deadline)
        except Exception as exc:  # noqa: BLE001 - context only: report and go on
            rows.append(Row(f"context.moto.{key}", row_label, f"failed: {exc!r}", SKIP))
            continue
        rows.append(_context_row(f"context.moto.{key}.{label}", row_label, summary, floor, mock))
    return rows
