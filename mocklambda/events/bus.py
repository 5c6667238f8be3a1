"""The event bus: asynchronous work between services (notifications, pollers, async invokes, retries).

Work is a callable submitted now or for later; worker threads run it. `wait_idle()` returns once nothing is
queued, delayed or running, which is how tests wait deterministically instead of sleeping. A task that raises
is logged and handed to `on_error`, so the test that caused it sees the bug. Must not import the gateway.
"""
from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable

logger = logging.getLogger(__name__)

Task = Callable[[], None]


class EventBus:
    def __init__(self, on_error: Callable[[BaseException], None], workers: int = 4) -> None:
        self._on_error = on_error
        self._max_workers = workers
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._ready: deque[Task] = deque()
        self._delayed: list[tuple[float, int, Task]] = []
        self._sequence = itertools.count()
        self._running = 0
        self._workers: list[threading.Thread] = []
        self._idle_workers = 0
        self._timer: threading.Thread | None = None
        self._stopped = False

    # -- submitting -------------------------------------------------------------------------------------
    def submit(self, task: Task) -> None:
        """Run `task` soon on a worker thread."""
        with self._lock:
            if self._stopped:
                return
            self._ready.append(task)
            self._ensure_worker()
            self._changed.notify_all()

    def submit_later(self, delay: float, task: Task) -> None:
        """Run `task` after `delay` seconds; it counts as pending work until then."""
        with self._lock:
            if self._stopped:
                return
            heapq.heappush(self._delayed, (time.monotonic() + delay, next(self._sequence), task))
            if self._timer is None:
                self._timer = threading.Thread(target=self._timer_loop, name="mocklambda-timer", daemon=True)
                self._timer.start()
            self._changed.notify_all()

    # -- waiting ----------------------------------------------------------------------------------------
    def pending(self) -> int:
        with self._lock:
            return len(self._ready) + len(self._delayed) + self._running

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once no work is queued, delayed or running; False if `timeout` passes first."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._ready or self._delayed or self._running:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
            return True

    # -- lifecycle --------------------------------------------------------------------------------------
    def reset(self) -> None:
        """Drop all queued and delayed work; tasks already running finish."""
        with self._lock:
            self._ready.clear()
            self._delayed.clear()
            self._changed.notify_all()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            self._ready.clear()
            self._delayed.clear()
            self._changed.notify_all()
            threads = [*self._workers, *([self._timer] if self._timer else [])]
        for thread in threads:
            thread.join(timeout=5)

    # -- internals --------------------------------------------------------------------------------------
    def _ensure_worker(self) -> None:
        # Called with the lock held: start a worker only when none is free to take the new task.
        if self._idle_workers == 0 and len(self._workers) < self._max_workers:
            worker = threading.Thread(target=self._work_loop, name="mocklambda-events", daemon=True)
            self._workers.append(worker)
            worker.start()

    def _work_loop(self) -> None:
        while True:
            with self._lock:
                self._idle_workers += 1
                while not self._ready and not self._stopped:
                    self._changed.wait()
                self._idle_workers -= 1
                if self._stopped:
                    return
                task = self._ready.popleft()
                self._running += 1
            try:
                task()
            except BaseException as exc:  # noqa: BLE001 - a task's bug must reach the test, not kill the bus
                logger.exception("event task failed")
                self._on_error(exc)
            finally:
                with self._lock:
                    self._running -= 1
                    self._changed.notify_all()

    def _timer_loop(self) -> None:
        with self._lock:
            while not self._stopped:
                if not self._delayed:
                    self._changed.wait()
                    continue
                due, _, task = self._delayed[0]
                wait = due - time.monotonic()
                if wait > 0:
                    self._changed.wait(wait)
                    continue
                heapq.heappop(self._delayed)
                self._ready.append(task)
                self._ensure_worker()
                self._changed.notify_all()
