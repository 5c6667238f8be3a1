"""Per-message-group ordering for FIFO topics on the event bus.

The bus runs up to 4 workers, so deliveries submitted one by one may run in any order. A FIFO topic must
deliver each message group in publish order: `GroupQueues.submit(key, task)` appends the task to the group's
queue and, when no drain is running for it, submits one drain task that runs the queue's tasks one after
another until it is empty. Different groups still run in parallel.
What it must not do: decide what is delivered, or sleep.
"""
from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Hashable

from mocklambda.events import EventBus

Task = Callable[[], None]


class GroupQueues:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[Hashable, deque[Task]] = {}

    def submit(self, bus: EventBus, key: Hashable, task: Task) -> None:
        with self._lock:
            queue = self._queues.get(key)
            if queue is not None:  # a drain is running or queued: it will pick this task up
                queue.append(task)
                return
            self._queues[key] = deque([task])
        bus.submit(lambda: self._drain(bus, key))

    def _drain(self, bus: EventBus, key: Hashable) -> None:
        while True:
            with self._lock:
                queue = self._queues.get(key)
                if queue is None:  # reset() dropped the group's work
                    return
                if not queue:
                    del self._queues[key]
                    return
                task = queue.popleft()
            try:
                task()
            except BaseException:
                # The bus reports the failure; the rest of the group still goes out, in order.
                bus.submit(lambda: self._drain(bus, key))
                raise

    def reset(self) -> None:
        with self._lock:
            self._queues.clear()
