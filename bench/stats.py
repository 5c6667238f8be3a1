"""Timing helpers: run a callable a bounded number of times (and for a bounded time) and summarise it.

Pure measurement: this module starts no servers and knows nothing about AWS.
"""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Summary:
    """Summary of a set of durations, all in milliseconds."""

    n: int
    median_ms: float
    p90_ms: float
    min_ms: float
    max_ms: float
    mean_ms: float
    truncated: bool = False  # True when the time limit stopped the loop before the requested count

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def truncation_note(summary: Summary, what: str = "calls") -> str:
    """The table's note for a loop the time limit stopped early; empty otherwise."""
    return f"  (only {summary.n} {what}: time limit)" if summary.truncated else ""


def summarise(durations_s: list[float], truncated: bool = False) -> Summary:
    """Summarise durations given in seconds."""
    if not durations_s:
        raise ValueError("no samples to summarise")
    ms = sorted(d * 1000.0 for d in durations_s)
    p90 = statistics.quantiles(ms, n=10, method="inclusive")[8] if len(ms) > 1 else ms[0]
    return Summary(
        n=len(ms),
        median_ms=statistics.median(ms),
        p90_ms=p90,
        min_ms=ms[0],
        max_ms=ms[-1],
        mean_ms=statistics.fmean(ms),
        truncated=truncated,
    )


def time_calls(call: Callable[[], object], count: int, warmup: int, time_limit_s: float) -> Summary:
    """Call `call` `warmup` times unmeasured, then up to `count` times measured, stopping early (and marking
    the summary truncated) once `time_limit_s` has passed since the start."""
    deadline = time.perf_counter() + time_limit_s
    for _ in range(warmup):
        call()
        if time.perf_counter() > deadline:
            break
    durations: list[float] = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        end = time.perf_counter()
        durations.append(end - start)
        if end > deadline:
            break
    return summarise(durations, truncated=len(durations) < count)


def time_interleaved(
    calls: dict[str, Callable[[], object]], count: int, warmup: int, rounds: int, time_limit_s: float
) -> dict[str, Summary]:
    """Like `time_calls` for several callables at once, alternating between them in `rounds` blocks of
    count/rounds calls, so a burst of background load hits all of them alike and their ratio stays fair."""
    deadline = time.perf_counter() + time_limit_s
    for call in calls.values():
        for _ in range(warmup):
            call()
    per_round = max(1, count // rounds)
    durations: dict[str, list[float]] = {name: [] for name in calls}
    while any(len(d) < count for d in durations.values()) and time.perf_counter() < deadline:
        for name, call in calls.items():
            for _ in range(min(per_round, count - len(durations[name]))):
                start = time.perf_counter()
                call()
                durations[name].append(time.perf_counter() - start)
    return {name: summarise(d, truncated=len(d) < count) for name, d in durations.items()}


def time_samples(sample: Callable[[], float], count: int, time_limit_s: float) -> Summary:
    """Collect up to `count` durations, each returned in seconds by `sample()` (which times itself),
    stopping early once `time_limit_s` has passed."""
    deadline = time.perf_counter() + time_limit_s
    durations: list[float] = []
    for _ in range(count):
        durations.append(sample())
        if time.perf_counter() > deadline:
            break
    return summarise(durations, truncated=len(durations) < count)


class Deadline:
    """The whole run's time budget; each loop gets at most what is left of it."""

    def __init__(self, budget_s: float) -> None:
        self._end = time.perf_counter() + budget_s

    def remaining(self) -> float:
        return max(0.0, self._end - time.perf_counter())

    def limit(self, cap_s: float) -> float:
        """The time a loop may take: its own cap, or what is left of the budget if that is less."""
        return min(cap_s, self.remaining())
