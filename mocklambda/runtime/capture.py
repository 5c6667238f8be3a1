"""Reading what function processes write: one pipe per environment (stdout and stderr share it, so lines stay
in the order they were written), split into lines, handed to the environment's log.

One pump thread serves the pipes of all environments through a selector. An invoker can also drain a pipe
itself (`LogCapture.drain()`): whatever the process wrote before it posted its response is then certainly in
the log before END is written. Must not interpret the lines (logs.py does) or touch processes.
"""
from __future__ import annotations

import contextlib
import logging
import os
import queue
import selectors
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)

# CloudWatch Logs takes events up to 256 KB: longer lines are cut into pieces of this size.
MAX_LINE_BYTES = 256 * 1024
_READ_SIZE = 65536


class LogCapture:
    """The read end of one environment's output pipe. Thread-safe; `on_lines` is called under its lock, so
    lines are delivered in order even when the pump and a draining invoker race."""

    def __init__(self, fd: int, on_lines: Callable[[list[str]], None]) -> None:
        os.set_blocking(fd, False)
        self.fd = fd
        self._on_lines = on_lines
        self._lock = threading.Lock()
        self._partial = b""
        self.eof = False
        self.closed = False

    def drain(self, flush_partial: bool = False) -> bool:
        """Read everything the pipe holds now; True at end of file. `flush_partial` also hands over a last
        line that has no newline yet (at the end of an invocation)."""
        with self._lock:
            if self.closed:
                return True
            chunks = []
            while not self.eof:
                try:
                    data = os.read(self.fd, _READ_SIZE)
                except BlockingIOError:
                    break
                except OSError:
                    data = b""
                if not data:
                    self.eof = True
                    break
                chunks.append(data)
            if chunks or (flush_partial or self.eof) and self._partial:
                self._emit(b"".join(chunks), flush_partial or self.eof)
            return self.eof

    def close(self) -> None:
        """Final drain; the pump closes the descriptor once it has stopped watching it."""
        self.drain(flush_partial=True)
        with self._lock:
            self.closed = True

    def _emit(self, data: bytes, flush_partial: bool) -> None:
        buffer = self._partial + data
        pieces = buffer.split(b"\n")
        self._partial = pieces.pop()
        if (flush_partial and self._partial) or len(self._partial) > MAX_LINE_BYTES:
            pieces.append(self._partial)
            self._partial = b""
        lines: list[str] = []
        for piece in pieces:
            for start in range(0, max(len(piece), 1), MAX_LINE_BYTES):
                lines.append(piece[start:start + MAX_LINE_BYTES].decode("utf-8", "replace"))
        if lines:
            self._on_lines(lines)


class LogPump:
    """One thread watching every environment's pipe. Registration changes are queued to the thread (a selector
    must only be changed by the thread that selects on it) and it is woken through its own pipe."""

    def __init__(self) -> None:
        self._selector = selectors.DefaultSelector()
        self._ops: queue.SimpleQueue[tuple[str, LogCapture | None]] = queue.SimpleQueue()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self._selector.register(self._wake_r, selectors.EVENT_READ, None)
        self._stop_lock = threading.Lock()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="mocklambda-logs", daemon=True)
        self._thread.start()

    def watch(self, capture: LogCapture) -> None:
        self._send("watch", capture)

    def release(self, capture: LogCapture) -> None:
        """Stop watching and close the descriptor (after `capture.close()`)."""
        with self._stop_lock:
            if not self._stopped:
                self._send("release", capture)
                return
        with contextlib.suppress(OSError):
            os.close(capture.fd)

    def stop(self) -> None:
        with self._stop_lock:
            if self._stopped:
                return
            self._stopped = True
            self._send("stop", None)
        self._thread.join(timeout=5)

    def _send(self, op: str, capture: LogCapture | None) -> None:
        self._ops.put((op, capture))
        with contextlib.suppress(BlockingIOError, OSError):
            os.write(self._wake_w, b"x")

    def _run(self) -> None:
        watched: dict[int, LogCapture] = {}
        try:
            while True:
                for key, _ in self._selector.select():
                    capture = key.data
                    if capture is None:
                        if not self._apply_ops(watched):
                            return
                    elif capture.drain():
                        self._forget(watched, capture, close=False)
        except Exception:
            logger.exception("log pump failed")
        finally:
            for capture in list(watched.values()):
                self._forget(watched, capture, close=True)
            self._selector.close()
            os.close(self._wake_r)
            os.close(self._wake_w)

    def _apply_ops(self, watched: dict[int, LogCapture]) -> bool:
        with contextlib.suppress(BlockingIOError):
            while os.read(self._wake_r, 4096):
                pass
        while True:
            try:
                op, capture = self._ops.get_nowait()
            except queue.Empty:
                return True
            if op == "stop":
                return False
            assert capture is not None
            if op == "watch" and not capture.eof and not capture.closed:
                self._selector.register(capture.fd, selectors.EVENT_READ, capture)
                watched[capture.fd] = capture
            elif op == "release":
                self._forget(watched, capture, close=True)

    def _forget(self, watched: dict[int, LogCapture], capture: LogCapture, close: bool) -> None:
        if watched.get(capture.fd) is capture:
            del watched[capture.fd]
            self._selector.unregister(capture.fd)
        if close and capture.fd >= 0:
            with contextlib.suppress(OSError):
                os.close(capture.fd)
            capture.fd = -1
