"""Section 5: Lambda execution. boto3 `lambda.invoke` through MockServer to real function processes (the
Lambda Runtime API; Python functions forked from the zygote), with MockServer in a background thread of this
process as under the pytest fixtures. Functions are python3.12, created with create_function from an
in-memory zip.

1. warm invoke of a trivial handler (`def handler(e, c): return e`), 50 warm-up then up to 500 measured calls,
   interleaved with THE FLOOR answering Invoke's canned response (operations.INVOKE): median, p90, ratio;
2. throughput: warm invokes per second from THREADS client threads (each its own boto3 client) for a bounded
   time after a concurrent warm-up, and how many execution environments the function scaled to; the floor's
   rate measured the same way, for context;
3. cold starts, each forced by a configuration change (a new environment variable) just before the invoke:
   the invoke's wall time minus the same function's median warm invoke, and the Init Duration of its REPORT
   line (LogType=Tail); for a handler that imports nothing and one that imports boto3 and creates a client at
   import, against a fresh interpreter running the same code (`python -c ...`, a subprocess);
4. memory of a warm environment (its pid from runtime.environments()): USS = Private_Clean + Private_Dirty
   from /proc/PID/smaps_rollup, with PSS and RSS for context;
5. where a warm invoke's time goes, by stage: boto3 + HTTP, gateway + Lambda provider, runtime hand-off,
   the function process (Runtime.invoke is wrapped on the instance to time it; internals, so never fatal);
6. for context, warm invoke, cold starts and memory with the zygote disabled (MOCKLAMBDA_ZYGOTE=0).
Every function process ends with its MockServer (stopped in a finally block); every loop is bounded in count
and in time, and every call goes to 127.0.0.1.
"""
from __future__ import annotations

import base64
import functools
import io
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.breakdown import capture_environ
from bench.delivery import package
from bench.floor import FloorServer
from bench.operations import INVOKE, INVOKE_FUNCTION_NAME, make_client
from bench.report import INFO, SKIP, Row, guarded, ms, verdict, verdict_at_least
from bench.stats import Deadline, Summary, summarise, time_calls, time_interleaved, truncation_note
from mocklambda import MockServer

RUNTIME = "python3.12"
ROLE = "arn:aws:iam::123456789012:role/bench"
ZYGOTE_VARIABLE = "MOCKLAMBDA_ZYGOTE"

WARMUP_CALLS = 50
MEASURED_CALLS = 500
ROUNDS = 5
LOOP_TIME_CAP_S = 10.0
WARM_RATIO_TARGET = 2.0

THREADS = 4
THROUGHPUT_WARMUP_CALLS = 50  # per thread, all threads at once: the scale-out's cold starts happen here
THROUGHPUT_S = 2.0
THROUGHPUT_MAX_CALLS = 20_000  # per thread: a bound on the count as well as the time
THROUGHPUT_TARGET = 500.0  # invokes per second
JOIN_GRACE_S = 15.0  # a call is bounded by the client's read timeout (10 s)

COLD_STARTS = 15
COLD_TIME_CAP_S = 20.0  # per handler; without the zygote a boto3 cold start takes ~0.4 s
COLD_WARM_CALLS = 50  # warm invokes of the same function, whose median is subtracted from each cold start
COLD_WARM_WARMUP = 5
FRESH_RUNS = 5
FRESH_TIMEOUT_S = 30.0

MEMORY_TARGET_MIB = 15.0

STAGE_CALLS = 300
STAGE_WARMUP = 20

INIT_DURATION = re.compile(r"Init Duration: ([\d.]+) ms")


@dataclass(frozen=True)
class Handler:
    key: str
    label: str
    source: str  # index.py
    cold_target_ms: float
    fresh_command: str  # what a fresh interpreter runs for comparison (`python -c ...`)


TRIVIAL_SOURCE = "def handler(e, c):\n    return e\n"
EMPTY = Handler("empty", "handler importing nothing", TRIVIAL_SOURCE, 15.0, "pass")
BOTO3 = Handler(
    "boto3", "handler importing boto3 + s3 client",
    'import boto3\n\ns3 = boto3.client("s3")\n\n\ndef handler(e, c):\n    return e\n',
    60.0, "import boto3; boto3.client('s3', region_name='us-east-1')",
)
HANDLERS = (EMPTY, BOTO3)


@contextmanager
def _mock_server(zygote: bool) -> Iterator[MockServer]:
    """A started MockServer with the zygote on or off (MOCKLAMBDA_ZYGOTE is read when it is constructed, and
    restored right after); stopped on exit, which ends every function process and the zygote."""
    saved = os.environ.get(ZYGOTE_VARIABLE)
    os.environ[ZYGOTE_VARIABLE] = "1" if zygote else "0"
    try:
        server = MockServer(host="127.0.0.1", port=0)
    finally:
        if saved is None:
            del os.environ[ZYGOTE_VARIABLE]
        else:
            os.environ[ZYGOTE_VARIABLE] = saved
    try:
        server.start()
        yield server
    finally:
        server.stop()


class _Functions:
    """Creates and invokes the bench's functions on one MockServer through one boto3 client."""

    def __init__(self, server: MockServer) -> None:
        self.server = server
        self.client = make_client("lambda", server.endpoint_url)
        self.arns: dict[str, str] = {}

    def create(self, name: str, source: str) -> str:
        response = self.client.create_function(
            FunctionName=name, Runtime=RUNTIME, Role=ROLE, Handler="index.handler",
            Code={"ZipFile": package(source)},
        )
        self.arns[name] = response["FunctionArn"]
        return self.arns[name]

    def invoke(self, name: str, tail: bool = False) -> dict[str, Any]:
        """A checked invoke: 200, no function error, the event echoed back."""
        extra = {"LogType": "Tail"} if tail else {}
        response = self.client.invoke(FunctionName=name, Payload=b"{}", **extra)
        payload = response["Payload"].read()
        if response["StatusCode"] != 200 or response.get("FunctionError") or payload != b"{}":
            raise RuntimeError(f"invoke of {name} failed: {response.get('FunctionError')} {payload[:500]!r}")
        return response

    def force_cold(self, name: str, index: int) -> None:
        """A new environment variable: a new spec, so the next invoke starts a new environment."""
        self.client.update_function_configuration(
            FunctionName=name, Environment={"Variables": {"BENCH_COLD_START": str(index)}}
        )

    def live_environments(self, name: str) -> list[Any]:
        return [e for e in self.server.emulator.runtime.environments(self.arns[name]) if e.state != "DEAD"]


# -- 1. warm invoke vs THE FLOOR -----------------------------------------------------------------------------
def _warm_vs_floor(server: MockServer, deadline: Deadline) -> tuple[Summary, Summary]:
    with FloorServer(INVOKE) as floor_server:
        mock_client = make_client("lambda", server.endpoint_url)
        floor_client = make_client("lambda", floor_server.endpoint_url)
        summaries = time_interleaved(
            {"mocklambda": functools.partial(INVOKE.call, mock_client),
             "floor": functools.partial(INVOKE.call, floor_client)},
            MEASURED_CALLS, WARMUP_CALLS, ROUNDS, deadline.limit(2 * LOOP_TIME_CAP_S),
        )
    return summaries["mocklambda"], summaries["floor"]


def _warm_text(mock: Summary, floor: Summary, target: float | None) -> str:
    ratio = mock.median_ms / floor.median_ms
    goal = f" (target <= {target}x)" if target is not None else ""
    return (
        f"median {ms(mock.median_ms)}  p90 {ms(mock.p90_ms)}  floor {ms(floor.median_ms)}"
        f" (p90 {ms(floor.p90_ms)})  ratio {ratio:.2f}x{goal}  n={mock.n}"
        f"{truncation_note(mock)}{truncation_note(floor)}"
    )


# -- 2. throughput -------------------------------------------------------------------------------------------
def _run_threads(clients: list[Any], max_calls: int, duration_s: float) -> tuple[int, float]:
    """Every client invokes from its own thread until `duration_s` has passed or it made `max_calls` calls;
    returns (calls completed, seconds from the start to the last thread's end)."""
    go = threading.Event()
    end = [0.0]
    counts = [0] * len(clients)
    finished = [0.0] * len(clients)
    errors: list[BaseException] = []

    def worker(index: int, client: Any) -> None:
        go.wait()
        try:
            while counts[index] < max_calls and time.perf_counter() < end[0]:
                INVOKE.call(client)
                counts[index] += 1
        except Exception as exc:  # noqa: BLE001 - re-raised in the main thread
            errors.append(exc)
        finally:
            finished[index] = time.perf_counter()

    threads = [threading.Thread(target=worker, args=(i, c), name=f"bench-invoke-{i}", daemon=True)
               for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    start = time.perf_counter()
    end[0] = start + duration_s
    go.set()
    for thread in threads:
        thread.join(timeout=max(0.0, end[0] + JOIN_GRACE_S - time.perf_counter()))
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError("an invoke thread did not finish in time")
    if errors:
        raise errors[0]
    return sum(counts), max(finished) - start


def _throughput(endpoint_url: str, deadline: Deadline) -> tuple[int, float]:
    clients = [make_client("lambda", endpoint_url) for _ in range(THREADS)]
    _run_threads(clients, THROUGHPUT_WARMUP_CALLS, deadline.limit(LOOP_TIME_CAP_S))
    return _run_threads(clients, THROUGHPUT_MAX_CALLS, min(THROUGHPUT_S, deadline.remaining()))


def _throughput_rows(functions: _Functions, deadline: Deadline) -> list[Row]:
    calls, seconds = _throughput(functions.server.endpoint_url, deadline)
    environments = functions.live_environments(INVOKE_FUNCTION_NAME)
    with FloorServer(INVOKE) as floor_server:
        floor_calls, floor_seconds = _throughput(floor_server.endpoint_url, deadline)
    rate, floor_rate = calls / seconds, floor_calls / floor_seconds
    per_environment = sorted((e.invocations for e in environments), reverse=True)
    text = (
        f"{rate:.0f} invokes/s ({calls} in {seconds:.2f} s, {THREADS} client threads)"
        f"  scaled to {len(environments)} environments  floor {floor_rate:.0f}/s"
        f" (target >= {THROUGHPUT_TARGET:.0f}/s)"
    )
    data = {
        "invokes_per_s": rate, "target_per_s": THROUGHPUT_TARGET, "calls": calls, "seconds": seconds,
        "threads": THREADS, "environments": len(environments), "invocations_per_environment": per_environment,
        "floor_per_s": floor_rate, "floor_calls": floor_calls, "floor_seconds": floor_seconds,
    }
    return [Row("invoke.throughput", f"invoke throughput, {THREADS} threads, zygote", text,
                verdict_at_least(rate, THROUGHPUT_TARGET), data)]


# -- 3. cold starts ------------------------------------------------------------------------------------------
@dataclass
class ColdStarts:
    walls: Summary  # the invokes' wall times
    init: Summary  # Init Duration from their REPORT lines (those that have one)
    warm: Summary  # warm invokes of the same function afterwards
    cold_ms: float  # median wall - median warm
    missing_init: int  # cold starts (a new environment) whose REPORT line had no Init Duration

    def as_dict(self) -> dict[str, Any]:
        return {"cold_ms": self.cold_ms, "walls": self.walls.as_dict(), "init_duration": self.init.as_dict(),
                "warm": self.warm.as_dict(), "report_lines_without_init_duration": self.missing_init}


def _init_duration_s(response: dict[str, Any]) -> float | None:
    tail = base64.b64decode(response.get("LogResult", "")).decode(errors="replace")
    match = INIT_DURATION.search(tail)
    return None if match is None else float(match.group(1)) / 1000.0


def _new_environment(functions: _Functions, name: str, seen: set[str]) -> None:
    """Check that the invoke just made ran in a new environment (a cold start) whatever its REPORT says."""
    new = [e for e in functions.live_environments(name) if e.id not in seen]
    if len(new) != 1 or new[0].invocations != 1:
        raise RuntimeError(f"not a cold start: new environments {[(e.id, e.invocations) for e in new]}")
    seen.add(new[0].id)


def _cold_starts(functions: _Functions, handler: Handler, name: str, deadline: Deadline) -> ColdStarts:
    functions.create(name, handler.source)
    functions.invoke(name)  # the function's first environment: not measured
    seen = {e.id for e in functions.live_environments(name)}
    limit = time.perf_counter() + deadline.limit(COLD_TIME_CAP_S)
    walls: list[float] = []
    inits: list[float] = []
    for index in range(COLD_STARTS):
        functions.force_cold(name, index)
        start = time.perf_counter()
        response = functions.invoke(name, tail=True)
        walls.append(time.perf_counter() - start)
        _new_environment(functions, name, seen)
        init = _init_duration_s(response)
        if init is not None:
            inits.append(init)
        if time.perf_counter() > limit:
            break
    if not inits:
        raise RuntimeError(f"no REPORT line of {len(walls)} cold starts had an Init Duration")
    truncated = len(walls) < COLD_STARTS
    warm = time_calls(lambda: functions.invoke(name), COLD_WARM_CALLS, COLD_WARM_WARMUP,
                      deadline.limit(LOOP_TIME_CAP_S))
    wall_summary = summarise(walls, truncated)
    cold_ms = wall_summary.median_ms - warm.median_ms
    return ColdStarts(wall_summary, summarise(inits, truncated), warm, cold_ms, len(walls) - len(inits))


def _fresh_interpreter(command: str, deadline: Deadline) -> Summary:
    """Wall time of `python -c command` in a subprocess, with the environment a function would have (no AWS
    config files, no instance metadata)."""
    env = {**os.environ, "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
           "AWS_EC2_METADATA_DISABLED": "true"}
    durations: list[float] = []
    for _ in range(FRESH_RUNS):
        if durations and deadline.remaining() < FRESH_TIMEOUT_S:
            break
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", command], env=env, cwd="/", stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=FRESH_TIMEOUT_S, check=True)
        durations.append(time.perf_counter() - start)
    return summarise(durations, truncated=len(durations) < FRESH_RUNS)


def _cold_rows(prefix: str, mode: str, handler: Handler, cold: ColdStarts, fresh: Summary | None,
               with_target: bool) -> list[Row]:
    target = handler.cold_target_ms
    goal = f" (target <= {target:.0f} ms)" if with_target else ""
    note = truncation_note(cold.walls, "cold starts")
    fresh_text = "" if fresh is None else f"  fresh interpreter {ms(fresh.median_ms)} (median of {fresh.n})"
    cold_text = (
        f"median {ms(cold.cold_ms)} = invoke {ms(cold.walls.median_ms)} - warm {ms(cold.warm.median_ms)}"
        f"  p90 invoke {ms(cold.walls.p90_ms)}  n={cold.walls.n}{fresh_text}{goal}{note}"
    )
    # A REPORT line without Init Duration on a confirmed cold start: the environment saw the process ask for
    # its first event before the invoke reached it, and took the invoke for a warm one (a mocklambda bug).
    missing = (f"  ({cold.missing_init} of {cold.walls.n} cold starts' REPORT lines had no Init Duration)"
               if cold.missing_init else "")
    init_text = (
        f"median {ms(cold.init.median_ms)}  p90 {ms(cold.init.p90_ms)}  max {ms(cold.init.max_ms)}"
        f"  n={cold.init.n}{goal}{note}{missing}"
    )
    data: dict[str, Any] = {**cold.as_dict(), "target_ms": target if with_target else None}
    if fresh is not None:
        data["fresh_interpreter"] = {"command": f"python -c {handler.fresh_command!r}", **fresh.as_dict()}
    context = "" if with_target else "context "
    cold_verdict = verdict(cold.cold_ms, target) if with_target else INFO
    init_verdict = verdict(cold.init.median_ms, target) if with_target else INFO
    return [
        Row(f"{prefix}.{handler.key}", f"{context}cold start {mode}, {handler.label} (invoke - warm)",
            cold_text, cold_verdict, data),
        Row(f"{prefix}.{handler.key}.init_duration",
            f"{context}cold start {mode}, {handler.label}: Init Duration", init_text, init_verdict,
            {"init_duration": cold.init.as_dict(), "target_ms": data["target_ms"],
             "report_lines_without_init_duration": cold.missing_init}),
    ]


# -- 4. memory -----------------------------------------------------------------------------------------------
def _smaps_rollup_kib(pid: int) -> dict[str, int]:
    figures: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == "kB":
            figures[parts[0].rstrip(":")] = int(parts[1])
    return figures


def _parent_pid(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("PPid:"):
            return int(line.split()[1])
    raise RuntimeError(f"no PPid in /proc/{pid}/status")


def _memory_row(prefix: str, mode: str, functions: _Functions, name: str, handler: Handler,
                with_target: bool) -> Row:
    idle = [e for e in functions.live_environments(name) if e.state == "IDLE" and e.pid]
    if not idle:
        raise RuntimeError(f"no idle environment of {name}")
    environment = max(idle, key=lambda e: e.invocations)
    rollup = _smaps_rollup_kib(environment.pid)
    uss_kib = rollup["Private_Clean"] + rollup["Private_Dirty"]
    # A forked child's parent is the zygote; a plain subprocess's is this process.
    origin = "a plain subprocess" if _parent_pid(environment.pid) == os.getpid() else "forked from the zygote"
    goal = f" (target USS <= {MEMORY_TARGET_MIB:.0f} MiB)" if with_target else ""
    text = (
        f"USS {uss_kib / 1024:.1f} MiB (private clean {rollup['Private_Clean'] / 1024:.1f}"
        f" + dirty {rollup['Private_Dirty'] / 1024:.1f})  PSS {rollup['Pss'] / 1024:.1f} MiB"
        f"  RSS {rollup['Rss'] / 1024:.1f} MiB  after {environment.invocations} invokes, {origin}{goal}"
    )
    data = {"uss_kib": uss_kib, "target_uss_mib": MEMORY_TARGET_MIB if with_target else None,
            "invocations": environment.invocations, "origin": origin,
            **{f"{k.lower()}_kib": rollup[k] for k in ("Rss", "Pss", "Private_Clean", "Private_Dirty",
                                                         "Shared_Clean", "Shared_Dirty") if k in rollup}}
    row_verdict = verdict(uss_kib / 1024, MEMORY_TARGET_MIB) if with_target else INFO
    context = "" if with_target else "context "
    return Row(f"{prefix}.{handler.key}", f"{context}memory warm environment {mode}, {handler.label}", text,
               row_verdict, data)


# -- 5. stages of a warm invoke ------------------------------------------------------------------------------
def _stages_row(server: MockServer, floor: Summary, deadline: Deadline) -> Row:
    """Per warm invoke: time in Runtime.invoke (pool, hand-off to the process over the Runtime API, waiting
    for its response, the result) and, inside it, the REPORT Duration (event handed to the process ->
    response posted); over HTTP with boto3, then with the gateway called directly (no HTTP, no boto3)."""
    from mocklambda.gateway import Gateway

    label = "invoke warm stages, zygote"
    runtime = server.emulator.runtime
    original = runtime.invoke
    samples: list[tuple[float, float]] = []  # (seconds in Runtime.invoke, REPORT Duration in seconds)

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        result = original(*args, **kwargs)
        samples.append((time.perf_counter() - start, result.duration_ms / 1000.0))
        return result

    def measure(call: Callable[[], object]) -> list[tuple[float, float, float]]:
        for _ in range(STAGE_WARMUP):
            call()
        samples.clear()
        limit = time.perf_counter() + deadline.limit(LOOP_TIME_CAP_S)
        totals: list[float] = []
        while len(totals) < STAGE_CALLS and time.perf_counter() < limit:
            start = time.perf_counter()
            call()
            totals.append(time.perf_counter() - start)
        if len(samples) != len(totals):
            raise RuntimeError(f"{len(samples)} runtime samples for {len(totals)} calls")
        return [(total, inner, duration) for total, (inner, duration) in zip(totals, samples, strict=True)]

    environ = capture_environ(INVOKE)
    body = environ["wsgi.input"].read()
    gateway = Gateway(server.emulator, endpoint_url=server.endpoint_url)
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        statuses.append(status)

    def app_call() -> None:
        for _chunk in gateway(dict(environ, **{"wsgi.input": io.BytesIO(body)}), start_response):
            pass

    client = make_client("lambda", server.endpoint_url)
    runtime.invoke = timed  # type: ignore[method-assign]
    try:
        over_http = measure(functools.partial(INVOKE.call, client))
        app_alone = measure(app_call)
    except Exception as exc:  # noqa: BLE001 - uses internals; context only
        return Row("invoke.stages", label, repr(exc), SKIP)
    finally:
        del runtime.invoke  # the class's method again
    if any(not status.startswith("200") for status in statuses):
        return Row("invoke.stages", label, f"the gateway answered {statuses[-1]}", SKIP)

    def median_ms(values: list[float]) -> float:
        return statistics.median(values) * 1000.0

    total = median_ms([t for t, _, _ in over_http])
    function = median_ms([d for _, _, d in over_http])
    handoff = median_ms([i - d for _, i, d in over_http])
    gateway_ms = median_ms([t - i for t, i, _ in app_alone])
    outside = median_ms([t - i for t, i, _ in over_http])  # boto3 + HTTP + gateway + provider
    client_http = outside - gateway_ms
    stages = {
        "total_ms": total, "boto3_and_http_ms": client_http, "gateway_and_provider_ms": gateway_ms,
        "runtime_handoff_ms": handoff, "function_process_ms": function, "floor_ms": floor.median_ms,
        "app_alone_total_ms": median_ms([t for t, _, _ in app_alone]), "calls": len(over_http),
    }
    text = (
        f"median {ms(total)} = boto3 + HTTP server {ms(client_http)} (floor {ms(floor.median_ms)})"
        f" + gateway + Lambda provider {ms(gateway_ms)} + runtime hand-off {ms(handoff)}"
        f" + function process {ms(function)} (REPORT Duration)  n={len(over_http)}"
    )
    return Row("invoke.stages", label, text, INFO, stages)


# -- the sections --------------------------------------------------------------------------------------------
def measure_with_zygote(deadline: Deadline) -> list[Row]:
    """Sections 1-5 on one MockServer with the zygote (the default)."""
    rows: list[Row] = []
    with _mock_server(zygote=True) as server:
        functions = _Functions(server)
        functions.create(INVOKE_FUNCTION_NAME, TRIVIAL_SOURCE)
        start = time.perf_counter()
        functions.invoke(INVOKE_FUNCTION_NAME)
        first = (time.perf_counter() - start) * 1000.0
        rows.append(Row("invoke.first_cold_start", "invoke first cold start on a new MockServer",
                        f"{ms(first)} (boots the zygote, then forks the first environment)", INFO,
                        {"ms": first}))
        floors: list[Summary] = []

        def warm() -> list[Row]:
            mock, floor = _warm_vs_floor(server, deadline)
            floors.append(floor)
            ratio = mock.median_ms / floor.median_ms
            data = {"ratio": ratio, "target_ratio": WARM_RATIO_TARGET, "mocklambda": mock.as_dict(),
                    "floor": floor.as_dict()}
            return [Row("invoke.warm", "invoke warm, trivial handler, zygote", _warm_text(mock, floor,
                        WARM_RATIO_TARGET), verdict(ratio, WARM_RATIO_TARGET), data)]

        rows += guarded("invoke warm", warm)
        if floors:
            rows += guarded("invoke stages", lambda: [_stages_row(server, floors[0], deadline)])
        rows += guarded("invoke throughput", lambda: _throughput_rows(functions, deadline))
        for handler in HANDLERS:

            def cold(handler: Handler = handler) -> list[Row]:
                fresh = _fresh_interpreter(handler.fresh_command, deadline)
                name = f"bench-cold-{handler.key}"
                starts = _cold_starts(functions, handler, name, deadline)
                return [*_cold_rows("coldstart.zygote", "zygote", handler, starts, fresh, with_target=True),
                        _memory_row("memory.environment.zygote", "zygote", functions, name, handler, True)]

            rows += guarded(f"cold start {handler.key}", cold)
    return rows


def measure_without_zygote(deadline: Deadline) -> list[Row]:
    """Section 6, context only: warm invoke, cold starts and memory with MOCKLAMBDA_ZYGOTE=0."""
    rows: list[Row] = []
    with _mock_server(zygote=False) as server:
        functions = _Functions(server)
        functions.create(INVOKE_FUNCTION_NAME, TRIVIAL_SOURCE)
        functions.invoke(INVOKE_FUNCTION_NAME)

        def warm() -> list[Row]:
            mock, floor = _warm_vs_floor(server, deadline)
            data = {"ratio": mock.median_ms / floor.median_ms, "mocklambda": mock.as_dict(),
                    "floor": floor.as_dict()}
            return [Row("context.no_zygote.invoke.warm", "context invoke warm, trivial handler, no zygote",
                        _warm_text(mock, floor, None), INFO, data)]

        rows += guarded("invoke warm without zygote", warm)
        for handler in HANDLERS:

            def cold(handler: Handler = handler) -> list[Row]:
                name = f"bench-cold-{handler.key}"
                starts = _cold_starts(functions, handler, name, deadline)
                return [
                    *_cold_rows("context.no_zygote.coldstart", "no zygote", handler, starts, None, False),
                    _memory_row("context.no_zygote.memory", "no zygote", functions, name, handler, False),
                ]

            rows += guarded(f"cold start {handler.key} without zygote", cold)
    return rows
