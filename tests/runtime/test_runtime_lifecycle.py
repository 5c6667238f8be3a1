"""Execution environments' life: cold start, warm reuse, scale-out, new configuration, idle expiry, reset."""
from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from mocklambda.runtime import FunctionSpec, Invocation, Runtime
from mocklambda.runtime.environment import remove_tree
from tests.runtime.conftest import alive, invocation, make_spec, wait_for


def call(runtime: Runtime, spec: FunctionSpec, event: dict[str, object]) -> dict[str, object]:
    result = runtime.invoke(spec, invocation(spec, json.dumps(event).encode()))
    assert result.function_error is None, result.payload
    document: dict[str, object] = json.loads(result.payload)
    return document


def test_invoke_cold_start_reports_init_duration(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    result = runtime.invoke(fake_spec, invocation(fake_spec, b'{"hello": "world"}'))

    assert json.loads(result.payload) == {"hello": "world"}
    assert result.function_error is None
    assert result.executed_version == "$LATEST"
    assert result.init_duration_ms is not None and result.init_duration_ms > 0
    [environment] = runtime.environments(fake_spec.function_arn)
    assert environment.state == "IDLE"
    assert environment.invocations == 1
    assert environment.init_duration_ms is not None


def test_invoke_warm_reuses_the_environment_and_its_state(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    first = runtime.invoke(fake_spec, invocation(fake_spec, b'{"action": "count"}'))
    second = runtime.invoke(fake_spec, invocation(fake_spec, b'{"action": "count"}'))

    assert json.loads(second.payload)["count"] == 2
    assert json.loads(second.payload)["pid"] == json.loads(first.payload)["pid"]
    assert second.init_duration_ms is None
    assert [env.invocations for env in runtime.environments()] == [2]


def test_invoke_concurrently_scales_out_to_separate_processes(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: call(runtime, fake_spec, {"action": "sleep", "seconds": 0.3}), range(4)))

    assert len({result["pid"] for result in results}) == 4
    assert len(runtime.environments(fake_spec.function_arn)) == 4


def test_invoke_new_configuration_starts_a_new_environment_and_ends_the_old(
        runtime: Runtime, fake_spec: FunctionSpec) -> None:
    old_pid = call(runtime, fake_spec, {"action": "pid"})["pid"]
    changed = replace(fake_spec, environment={"CHANGED": "1"})

    new = call(runtime, changed, {"action": "env"})

    assert new["CHANGED"] == "1"
    assert wait_for(lambda: not alive(int(str(old_pid))))
    assert [env.pid for env in runtime.environments()] != [old_pid]
    assert len(runtime.environments()) == 1


def test_invoke_new_configuration_retires_a_busy_environment_when_it_finishes(
        runtime: Runtime, fake_spec: FunctionSpec) -> None:
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(call, runtime, fake_spec, {"action": "sleep", "seconds": 0.3})
        assert wait_for(lambda: [env.state for env in runtime.environments()] == ["BUSY"])
        call(runtime, replace(fake_spec, memory_mb=256), {"action": "pid"})
        old_pid = slow.result()["pid"]

    assert wait_for(lambda: not alive(int(str(old_pid))))
    assert wait_for(lambda: len(runtime.environments()) == 1)


def test_invoke_versions_of_one_function_keep_their_own_environments(
        runtime: Runtime, fake_spec: FunctionSpec) -> None:
    version_1 = replace(fake_spec, version="1")

    latest_pid = call(runtime, fake_spec, {"action": "pid"})["pid"]
    version_pid = call(runtime, version_1, {"action": "pid"})["pid"]

    assert latest_pid != version_pid
    assert call(runtime, fake_spec, {"action": "pid"})["pid"] == latest_pid
    assert sorted(env.version for env in runtime.environments()) == ["$LATEST", "1"]


def test_idle_environment_ends_after_the_idle_timeout(make_runtime: Callable[..., Runtime],
                                                      fake_spec: FunctionSpec) -> None:
    runtime = make_runtime(idle_timeout_s=0.2)
    pid = call(runtime, fake_spec, {"action": "pid"})["pid"]
    [environment] = runtime.environments()

    assert wait_for(lambda: not runtime.environments(), timeout=3)
    assert wait_for(lambda: not alive(int(str(pid))))
    assert wait_for(lambda: not environment.tmpdir.exists())


def test_idle_timeout_spares_an_environment_in_use(make_runtime: Callable[..., Runtime],
                                                   fake_spec: FunctionSpec) -> None:
    runtime = make_runtime(idle_timeout_s=0.15)

    pid = call(runtime, fake_spec, {"action": "sleep", "seconds": 0.3})["pid"]

    assert call(runtime, fake_spec, {"action": "pid"})["pid"] == pid


def test_warm_environment_that_exited_while_idle_is_replaced(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    first = call(runtime, fake_spec, {"action": "respond_then_exit"})

    second = runtime.invoke(fake_spec, invocation(fake_spec, b'{"action": "pid"}'))

    assert second.function_error is None
    assert json.loads(second.payload)["pid"] != first["pid"]
    assert second.init_duration_ms is not None


def test_reset_ends_every_process_and_tmpdir(runtime: Runtime, fake_code: Path) -> None:
    specs = [make_spec(fake_code) for _ in range(2)]
    pids = [call(runtime, spec, {"action": "pid"})["pid"] for spec in specs]
    tmpdirs = [env.tmpdir for env in runtime.environments()]

    runtime.reset()

    assert runtime.environments() == []
    assert not any(alive(int(str(pid))) for pid in pids)
    assert not any(path.exists() for path in tmpdirs)
    assert call(runtime, specs[0], {"action": "pid"})["pid"] not in pids  # ready for new work


def test_reset_ends_an_invocation_in_flight(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(runtime.invoke, fake_spec, invocation(fake_spec, b'{"action": "sleep", "seconds": 5}'))
        assert wait_for(lambda: [env.state for env in runtime.environments()] == ["BUSY"])
        started = time.monotonic()
        runtime.reset()
        result = running.result(timeout=2)

    assert time.monotonic() - started < 1
    assert result.error_type == "Runtime.ExitError"
    assert b"signal: killed" in result.payload


def test_retire_ends_the_functions_idle_environments(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    pid = call(runtime, fake_spec, {"action": "pid"})["pid"]

    runtime.retire(fake_spec.function_arn)

    assert wait_for(lambda: not alive(int(str(pid))))
    assert wait_for(lambda: runtime.environments() == [])


def test_environment_tmpdir_is_private_and_kept_while_warm(runtime: Runtime, fake_code: Path) -> None:
    spec_a, spec_b = make_spec(fake_code), make_spec(fake_code)

    first = call(runtime, spec_a, {"action": "tmp"})
    again = call(runtime, spec_a, {"action": "tmp"})
    other = call(runtime, spec_b, {"action": "tmp"})

    assert (first["existed"], again["existed"], other["existed"]) == (False, True, False)
    assert first["tmpdir"] != other["tmpdir"]
    assert str(first["tmpdir"]).startswith(str(runtime.tmp_root))
    assert os.path.isdir(str(first["tmpdir"]))


def test_remove_tree_removes_what_a_function_made_read_only(tmp_path: Path) -> None:
    locked = tmp_path / "tmp" / "locked"
    locked.mkdir(parents=True)
    (locked / "file").write_text("x")
    (locked / "file").chmod(0o400)
    locked.chmod(0o500)

    remove_tree(tmp_path / "tmp")

    assert not (tmp_path / "tmp").exists()


def test_invoke_first_invocation_is_cold_even_when_init_finished_first(
        runtime: Runtime, fake_spec: FunctionSpec) -> None:
    # A forked environment can call /next before the pool hands it its first invocation: still a cold start.
    for index in range(5):
        result = runtime.invoke(replace(fake_spec, memory_mb=128 + index), Invocation(f"req-{index}", b"{}", "arn"))
        assert result.init_duration_ms is not None
