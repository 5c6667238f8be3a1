"""Concurrency limits: the account's and a function's reserved concurrency, with AWS's throttling reasons."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from mocklambda.runtime import FunctionSpec, InvocationResult, Runtime, Throttled
from tests.runtime.conftest import invocation, make_spec

SLOW = b'{"action": "sleep", "seconds": 0.3}'


@contextmanager
def busy(runtime: Runtime, spec: FunctionSpec, reserved: int | None = None) -> Iterator[Future[InvocationResult]]:
    """One invocation of `spec` in flight for the duration of the block."""
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(runtime.invoke, spec, invocation(spec, SLOW), reserved)
        deadline = time.monotonic() + 5
        while not any(env.state == "BUSY" for env in runtime.environments(spec.function_arn)):
            assert time.monotonic() < deadline
            time.sleep(0.005)
        yield running
        assert running.result().function_error is None


def test_invoke_over_reserved_concurrency_is_throttled(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    with busy(runtime, fake_spec, reserved=1), pytest.raises(Throttled) as throttled:
        runtime.invoke(fake_spec, invocation(fake_spec), 1)

    assert throttled.value.reason == "ReservedFunctionConcurrentInvocationLimitExceeded"


def test_reserved_concurrency_counts_every_version(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    with busy(runtime, fake_spec, reserved=1), pytest.raises(Throttled):
        version = replace(fake_spec, version="1")
        runtime.invoke(version, invocation(version), 1)


def test_reserved_concurrency_zero_throttles_everything(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    with pytest.raises(Throttled) as throttled:
        runtime.invoke(fake_spec, invocation(fake_spec), 0)

    assert throttled.value.reason == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert runtime.environments() == []


def test_invoke_over_account_concurrency_is_throttled(make_runtime: Callable[..., Runtime], fake_code: Path) -> None:
    runtime = make_runtime(account_concurrency=1)
    first, other = make_spec(fake_code), make_spec(fake_code)

    with busy(runtime, first), pytest.raises(Throttled) as throttled:
        runtime.invoke(other, invocation(other))

    assert throttled.value.reason == "ConcurrentInvocationLimitExceeded"


def test_concurrency_is_released_when_invocations_end(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    with busy(runtime, fake_spec, reserved=1):
        pass

    assert runtime.invoke(fake_spec, invocation(fake_spec), 1).function_error is None
