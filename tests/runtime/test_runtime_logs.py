"""Logs: platform lines around the function's output, per-environment streams, the invocation's tail (A9)."""
from __future__ import annotations

import json
import re
from dataclasses import replace

from mocklambda.runtime import FunctionSpec, Runtime
from mocklambda.runtime.logs import PlatformLines, Report, log_stream_name
from tests.runtime.conftest import Sink, invocation

REPORT = re.compile(
    r"^REPORT RequestId: (?P<id>\S+)\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\t"
    r"Memory Size: 128 MB\tMax Memory Used: \d+ MB\t(Init Duration: \d+\.\d\d ms\t)?$"
)


def test_invocation_output_is_framed_by_start_end_report(runtime: Runtime, fake_spec: FunctionSpec,
                                                         sink: Sink) -> None:
    request = invocation(fake_spec, b'{"action": "print", "lines": ["hello", "world"]}', tail_logs=True)

    result = runtime.invoke(fake_spec, request)

    lines = result.log_tail.splitlines()
    assert lines[0] == f"START RequestId: {request.request_id} Version: $LATEST"
    assert lines[1:4] == ["hello", "world", "to stderr"]
    assert lines[4] == f"END RequestId: {request.request_id}"
    assert REPORT.match(lines[5]), lines[5]
    assert "\tInit Duration: " in lines[5]
    assert result.log_tail.endswith("\n")


def test_sink_gets_the_stream_of_each_environment(runtime: Runtime, fake_spec: FunctionSpec, sink: Sink) -> None:
    runtime.invoke(fake_spec, invocation(fake_spec, b'{"action": "print", "lines": ["x"]}'))
    runtime.invoke(fake_spec, invocation(fake_spec, b'{}'))

    [environment] = runtime.environments()
    [(group, stream)] = list(sink.streams)
    assert (group, stream) == (fake_spec.log_group, environment.log_stream)
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32}", stream)
    messages = [line for _, line in sink.streams[(group, stream)]]
    assert messages[0].startswith("INIT_START Runtime Version: provided:al2023.mocklambda\tRuntime Version ARN: ")
    assert [line.split(" ")[0] for line in messages[1:]] == [
        "START", "x", "to", "END", "REPORT", "START", "END", "REPORT"]
    stamps = [stamp for stamp, _ in sink.streams[(group, stream)]]
    assert stamps == sorted(stamps)


def test_log_tail_is_empty_unless_asked(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    assert runtime.invoke(fake_spec, invocation(fake_spec)).log_tail == ""


def test_init_output_goes_to_the_stream_before_start(runtime: Runtime, fake_spec: FunctionSpec, sink: Sink) -> None:
    spec = replace(fake_spec, environment={"INIT_MODE": "print"})

    result = runtime.invoke(spec, invocation(spec, tail_logs=True))

    assert "init line" not in result.log_tail
    messages = sink.lines(spec.log_group)
    assert messages.index("init line") < next(i for i, m in enumerate(messages) if m.startswith("START"))


def test_a_line_without_newline_is_ended_with_the_invocation(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    result = runtime.invoke(fake_spec, invocation(fake_spec, b'{"action": "partial"}', tail_logs=True))

    assert result.log_tail.splitlines()[1] == "no newline"


def test_json_log_format_writes_platform_records(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    spec = replace(fake_spec, log_format="JSON")
    request = invocation(spec, tail_logs=True)

    lines = runtime.invoke(spec, request).log_tail.splitlines()

    start, report = json.loads(lines[0]), json.loads(lines[-1])
    assert start["type"] == "platform.start"
    assert start["record"] == {"requestId": request.request_id, "version": "$LATEST"}
    assert report["type"] == "platform.report"
    assert report["record"]["status"] == "success"
    assert set(report["record"]["metrics"]) == {
        "durationMs", "billedDurationMs", "memorySizeMB", "maxMemoryUsedMB", "initDurationMs"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", start["time"])


def test_report_line_formats_numbers_as_aws() -> None:
    lines = PlatformLines("Text", "python3.12", "us-east-1", "fn", "$LATEST")

    line = lines.report(Report("id", 15.744, 16, 128, 56, init_duration_ms=130.491))
    failed = lines.report(Report("id", 3000.0, 3000, 128, 40, status="error", error_type="Runtime.OutOfMemory"))

    assert line == ("REPORT RequestId: id\tDuration: 15.74 ms\tBilled Duration: 16 ms\tMemory Size: 128 MB\t"
                    "Max Memory Used: 56 MB\tInit Duration: 130.49 ms\t")
    assert failed.endswith("\tMax Memory Used: 40 MB\tStatus: error\tError Type: Runtime.OutOfMemory")


def test_log_stream_name_is_dated_and_versioned() -> None:
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/\[7\][0-9a-f]{32}", log_stream_name("7"))
