"""The event bus: work runs on workers, wait_idle sees queued, delayed and running work, errors surface."""
from __future__ import annotations

import threading

import pytest

from mocklambda.events import EventBus


@pytest.fixture
def errors() -> list[BaseException]:
    return []


@pytest.fixture
def bus(errors):
    running = EventBus(on_error=errors.append)
    yield running
    running.stop()


def test_submit_runs_task(bus):
    done = threading.Event()
    bus.submit(done.set)
    assert bus.wait_idle(5) and done.is_set()


def test_wait_idle_false_while_task_runs(bus):
    release = threading.Event()
    bus.submit(lambda: release.wait(5))
    assert bus.wait_idle(0.05) is False
    release.set()
    assert bus.wait_idle(5) is True


def test_task_submitted_by_task_is_waited_for(bus):
    order: list[str] = []
    bus.submit(lambda: (order.append("first"), bus.submit(lambda: order.append("second"))))
    assert bus.wait_idle(5)
    assert order == ["first", "second"]


def test_delayed_task_counts_as_pending(bus):
    done = threading.Event()
    bus.submit_later(0.05, done.set)
    assert bus.pending() == 1
    assert bus.wait_idle(5) and done.is_set()


def test_failing_task_is_reported_and_bus_keeps_working(bus, errors):
    def broken() -> None:
        raise ValueError("bug")

    bus.submit(broken)
    done = threading.Event()
    bus.submit(done.set)
    assert bus.wait_idle(5) and done.is_set()
    assert [type(e) for e in errors] == [ValueError]


def test_reset_drops_queued_and_delayed_work(bus):
    ran = threading.Event()
    bus.submit_later(60, ran.set)
    bus.reset()
    assert bus.pending() == 0
    assert bus.wait_idle(0.1) and not ran.is_set()


def test_submit_after_stop_is_ignored(bus):
    bus.stop()
    bus.submit(lambda: None)
    assert bus.pending() == 0
