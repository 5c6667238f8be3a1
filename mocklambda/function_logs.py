"""Function log lines, kept per log group and stream as the runtime hands them over.

The runtime writes here through its LogSink; the CloudWatch Logs API (a later issue) and test helpers read
from here. Thread-safe; `reset()` forgets everything. Knows nothing of processes or of any AWS API.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass(frozen=True)
class LogEvent:
    timestamp: int  # epoch milliseconds
    message: str


@dataclass
class LogStream:
    name: str
    events: list[LogEvent] = field(default_factory=list)


class FunctionLogs:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._groups: dict[str, dict[str, LogStream]] = {}

    def append(self, group: str, stream: str, lines: list[tuple[int, str]]) -> None:
        """The LogSink the runtime calls: (group, stream, [(epoch ms, line)])."""
        with self._lock:
            streams = self._groups.setdefault(group, {})
            target = streams.get(stream)
            if target is None:
                target = streams[stream] = LogStream(stream)
            target.events.extend(LogEvent(timestamp, message) for timestamp, message in lines)

    def groups(self) -> list[str]:
        with self._lock:
            return sorted(self._groups)

    def streams(self, group: str) -> list[str]:
        with self._lock:
            return list(self._groups.get(group, {}))

    def events(self, group: str, stream: str | None = None) -> list[LogEvent]:
        """A stream's events, or every stream's of the group in time order."""
        with self._lock:
            streams = self._groups.get(group, {})
            if stream is None:
                chosen = list(streams.values())
            else:
                chosen = [streams[stream]] if stream in streams else []
            merged = [event for s in chosen for event in s.events]
        return sorted(merged, key=lambda event: event.timestamp)

    def reset(self) -> None:
        with self._lock:
            self._groups.clear()
