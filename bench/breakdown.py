"""Context for the latency ratio: where one mocklambda call's time goes.

Figures that sit between THE FLOOR and mocklambda:
- the floor closing each connection after answering (the cost of losing keep-alive, on its own), and
- werkzeug's threaded development server (what MockServer is built on) with a trivial WSGI app that returns
  the canned response (the HTTP server's cost, on its own), both on dynamodb.ListTables;
- per operation, mocklambda's WSGI app called directly with a captured boto3 request, no HTTP (mocklambda's
  own code). This uses internals (Emulator, Gateway); if they change shape it is skipped, never fatal.
"""
from __future__ import annotations

import functools
import io
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.test import EnvironBuilder

from bench.floor import FloorServer
from bench.operations import OPERATIONS, Operation, make_client
from bench.report import INFO, SKIP, Row, ms
from bench.stats import Deadline, Summary, time_calls, time_interleaved

OPERATION = OPERATIONS[0]  # dynamodb.ListTables, for the transport figures
WARMUP_CALLS = 50
MEASURED_CALLS = 500
ROUNDS = 5
APP_WARMUP_CALLS = 200
APP_MEASURED_CALLS = 2000
LOOP_TIME_CAP_S = 10.0
UNUSED_ENDPOINT = "http://127.0.0.1:9"  # never connected to: the request is captured before it is sent

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def _trivial_app(operation: Operation) -> WsgiApp:
    headers = [("Content-Type", operation.content_type), ("Content-Length", str(len(operation.body)))]

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        start_response("200 OK", headers)
        return [operation.body]

    return app


@contextmanager
def _werkzeug_server(app: WsgiApp) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _time_boto3_interleaved(endpoints: dict[str, str], deadline: Deadline) -> dict[str, Summary]:
    clients = {name: make_client(OPERATION.service, url) for name, url in endpoints.items()}
    calls: dict[str, Callable[[], object]] = {
        name: functools.partial(OPERATION.call, client) for name, client in clients.items()
    }
    return time_interleaved(calls, MEASURED_CALLS, WARMUP_CALLS, ROUNDS, deadline.limit(3 * LOOP_TIME_CAP_S))


class _Captured(Exception):
    def __init__(self, environ: dict[str, Any]) -> None:
        super().__init__("request captured")
        self.environ = environ


def capture_environ(operation: Operation) -> dict[str, Any]:
    """The WSGI environ of the request boto3 would send for `operation` (signed, as over the wire)."""

    def before_send(request: Any, **_: Any) -> None:
        url = urlsplit(request.url)
        headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        body = request.body.encode() if isinstance(request.body, str) else (request.body or b"")
        builder = EnvironBuilder(
            method=request.method, path=url.path or "/", query_string=url.query, headers=headers, data=body,
            base_url=f"http://{url.netloc}",
        )
        raise _Captured(builder.get_environ())

    client = make_client(operation.service, UNUSED_ENDPOINT)
    client.meta.events.register(f"before-send.{operation.service}", before_send)
    try:
        operation.call(client)
    except _Captured as captured:
        return captured.environ
    raise RuntimeError("boto3 sent no request")


def _time_app_alone(operation: Operation, deadline: Deadline) -> Summary:
    from mocklambda.emulator import Emulator
    from mocklambda.gateway import Gateway

    environ = capture_environ(operation)
    body = environ["wsgi.input"].read()
    emulator = Emulator()
    gateway = Gateway(emulator, endpoint_url=UNUSED_ENDPOINT)
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        statuses.append(status)

    def call() -> None:
        request = dict(environ, **{"wsgi.input": io.BytesIO(body)})
        for _chunk in gateway(request, start_response):
            pass

    try:
        call()
        if not statuses[0].startswith("200"):
            raise RuntimeError(f"the app answered {statuses[0]}")
        return time_calls(call, APP_MEASURED_CALLS, APP_WARMUP_CALLS, deadline.limit(LOOP_TIME_CAP_S))
    finally:
        emulator.stop()


def _row(key: str, label: str, summary: Summary, floor: Summary, explanation: str) -> Row:
    ratio = summary.median_ms / floor.median_ms
    text = f"median {ms(summary.median_ms)}  = {ratio:.2f}x floor  ({explanation})"
    return Row(f"breakdown.{key}", label, text, INFO, {"summary": summary.as_dict()})


def measure_transport(deadline: Deadline) -> list[Row]:
    """The HTTP figures, each timed interleaved with a keep-alive floor of its own and compared to it."""
    label = f"breakdown {OPERATION.label}"
    with (
        FloorServer(OPERATION) as floor_server,
        FloorServer(OPERATION, close_each_response=True) as closing_floor,
        _werkzeug_server(_trivial_app(OPERATION)) as werkzeug_url,
    ):
        endpoints = {"floor": floor_server.endpoint_url, "closing": closing_floor.endpoint_url}
        summaries = _time_boto3_interleaved({**endpoints, "werkzeug": werkzeug_url}, deadline)
    floor, closing, werkzeug = summaries["floor"], summaries["closing"], summaries["werkzeug"]
    key = OPERATION.label
    return [
        _row(f"{key}.floor_no_keepalive", f"{label}: floor, new connection per call", closing, floor,
             "what losing keep-alive costs alone"),
        _row(f"{key}.werkzeug_trivial_app", f"{label}: werkzeug server, trivial app", werkzeug, floor,
             "the HTTP server alone, no mocklambda code"),
    ]


def measure_app(deadline: Deadline, floors: dict[str, Summary]) -> list[Row]:
    """mocklambda's own code per call, for every operation whose floor was measured."""
    rows = []
    for operation in OPERATIONS:
        if operation.label not in floors:
            continue
        key, label = f"{operation.label}.app", f"breakdown {operation.label}: mocklambda app alone, no HTTP"
        try:
            app = _time_app_alone(operation, deadline)
        except Exception as exc:  # noqa: BLE001 - uses internals; context only
            rows.append(Row(f"breakdown.{key}", label, repr(exc), SKIP))
            continue
        rows.append(_row(key, label, app, floors[operation.label], "mocklambda's own code per call"))
    return rows
