"""Which execution environment serves an invocation: warm reuse, scale-out, concurrency limits, idle expiry.

Environments are pooled per FunctionSpec.key: an idle environment of the same key takes the next invocation
(most recently used first, so a steady stream keeps few environments warm and the rest expire); otherwise a
new one starts (cold). A new key for the same (function, version) retires the old key's environments: idle
ones end at once, busy ones when they finish. At most `account_concurrency` invocations are in flight, and at
most the reserved concurrency of a function (across its versions); beyond that, Throttled with AWS's Reason.
A reaper thread ends environments idle for `idle_timeout_s`, waking exactly at the next expiry.
Provisioned concurrency (later) fits as environments started ahead and parked idle with their own key.
Must not start or signal processes itself (environments do), nor import services, protocol or gateway.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from mocklambda.runtime.environment import ExecutionEnvironment
from mocklambda.runtime.spec import FunctionSpec, Invocation, InvocationResult, Throttled

logger = logging.getLogger(__name__)

RESERVED_LIMIT = "ReservedFunctionConcurrentInvocationLimitExceeded"
ACCOUNT_LIMIT = "ConcurrentInvocationLimitExceeded"


class EnvironmentPool:
    def __init__(self, make: Callable[[FunctionSpec], ExecutionEnvironment], account_concurrency: int,
                 idle_timeout_s: float) -> None:
        self._make = make
        self.account_concurrency = account_concurrency
        self.idle_timeout_s = idle_timeout_s
        self._cond = threading.Condition()
        self._environments: dict[str, ExecutionEnvironment] = {}
        self._idle: dict[tuple[object, ...], list[ExecutionEnvironment]] = {}
        self._current: dict[tuple[str, str], tuple[object, ...]] = {}
        self._in_flight = 0
        self._in_flight_by_function: dict[str, int] = {}
        self._stopped = False
        self._reaper_waits_forever = False
        self._reaper = threading.Thread(target=self._reap, name="mocklambda-reaper", daemon=True)
        self._reaper.start()

    # -- invoking -------------------------------------------------------------------------------------------
    def invoke(self, spec: FunctionSpec, invocation: Invocation, reserved: int | None) -> InvocationResult:
        self._admit(spec.function_arn, reserved)
        try:
            while True:
                environment, cold = self._take(spec)
                if cold:
                    environment.start()
                result = environment.invoke(invocation)
                self._give_back(environment)
                if result is not None:
                    return result
                # The warm environment ended before it took the event (the process exited while idle): the
                # invocation never ran, so it runs in another environment, as Lambda would route it.
        finally:
            self._leave(spec.function_arn)

    def _admit(self, function_arn: str, reserved: int | None) -> None:
        with self._cond:
            if self._stopped:
                raise RuntimeError("the runtime is stopped")
            running = self._in_flight_by_function.get(function_arn, 0)
            if reserved is not None and running >= reserved:
                raise Throttled(RESERVED_LIMIT)
            if self._in_flight >= self.account_concurrency:
                raise Throttled(ACCOUNT_LIMIT)
            self._in_flight += 1
            self._in_flight_by_function[function_arn] = running + 1

    def _leave(self, function_arn: str) -> None:
        with self._cond:
            self._in_flight -= 1
            left = self._in_flight_by_function[function_arn] - 1
            if left:
                self._in_flight_by_function[function_arn] = left
            else:
                del self._in_flight_by_function[function_arn]

    def _take(self, spec: FunctionSpec) -> tuple[ExecutionEnvironment, bool]:
        key = spec.key
        retired: list[ExecutionEnvironment] = []
        with self._cond:
            if self._stopped:
                raise RuntimeError("the runtime is stopped")
            version = (spec.function_arn, spec.version)
            previous = self._current.get(version)
            if previous != key:
                self._current[version] = key
                if previous is not None:
                    retired = self._idle.pop(previous, [])
            idle = self._idle.get(key)
            environment = None
            while idle and environment is None:
                candidate = idle.pop()
                if candidate.alive:
                    environment = candidate
            if environment is None:
                environment = self._make(spec)
                self._environments[environment.id] = environment
                cold = True
            else:
                cold = False
        for old in retired:
            old.close()
        return environment, cold

    def _give_back(self, environment: ExecutionEnvironment) -> None:
        with self._cond:
            spec = environment.spec
            keep = (environment.alive and not self._stopped
                    and self._current.get((spec.function_arn, spec.version)) == environment.key)
            if keep:
                environment.idle_since = time.monotonic()
                self._idle.setdefault(environment.key, []).append(environment)
                if self._reaper_waits_forever:
                    self._cond.notify_all()
        if not keep:
            environment.close()

    def environment_ended(self, environment: ExecutionEnvironment) -> None:
        """Called by an environment when its process has exited (for whatever reason)."""
        with self._cond:
            self._environments.pop(environment.id, None)
            idle = self._idle.get(environment.key)
            if idle and environment in idle:
                idle.remove(environment)
                if not idle:
                    del self._idle[environment.key]

    # -- inspection and ending ----------------------------------------------------------------------------
    def environments(self) -> list[ExecutionEnvironment]:
        with self._cond:
            return list(self._environments.values())

    def retire(self, function_arn: str, version: str | None = None) -> None:
        """End a function's idle environments (all versions, or one) and wait until their processes are gone,
        so a test that deletes a function sees no process of it afterwards; busy ones end when they finish."""
        ended: list[ExecutionEnvironment] = []
        with self._cond:
            for (arn, ver) in list(self._current):
                if arn == function_arn and (version is None or ver == version):
                    key = self._current.pop((arn, ver))
                    ended.extend(self._idle.pop(key, []))
        for environment in ended:
            environment.close()
        for environment in ended:
            environment.close(wait=True)

    def reset(self) -> None:
        """End every environment and wait until their processes are gone."""
        with self._cond:
            environments = list(self._environments.values())
            self._idle.clear()
            self._current.clear()
        for environment in environments:
            environment.close()
        for environment in environments:
            environment.close(wait=True)

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._reaper.join(timeout=5)
        self.reset()

    def _reap(self) -> None:
        with self._cond:
            while not self._stopped:
                now = time.monotonic()
                expired: list[ExecutionEnvironment] = []
                next_expiry: float | None = None
                for key, idle in list(self._idle.items()):
                    # Each list is ordered by idle_since: the oldest are at the front.
                    while idle and idle[0].idle_since + self.idle_timeout_s <= now:
                        expired.append(idle.pop(0))
                    if idle:
                        expiry = idle[0].idle_since + self.idle_timeout_s
                        next_expiry = expiry if next_expiry is None else min(next_expiry, expiry)
                    else:
                        del self._idle[key]
                if expired:
                    self._cond.release()
                    try:
                        for environment in expired:
                            logger.info("environment %s idle for %.0f s: ending it", environment.id,
                                        self.idle_timeout_s)
                            environment.close()
                    finally:
                        self._cond.acquire()
                    continue
                self._reaper_waits_forever = next_expiry is None
                self._cond.wait(None if next_expiry is None else next_expiry - now)
                self._reaper_waits_forever = False
