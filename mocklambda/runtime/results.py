"""How each way an invocation can end becomes what the invoker receives (reference A11) and what REPORT says.

The error payloads are byte-for-byte the shapes real AWS returns (key order included, compact JSON as Lambda's
Go platform writes it). Must not know about processes, pipes or pools.
"""
from __future__ import annotations

import enum
import json
import signal
from dataclasses import dataclass

# RIE's limit for a function's response: 6 MB + 100 bytes.
MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100


class Ending(enum.Enum):
    RESPONSE = "response"  # the runtime posted /response
    FUNCTION_ERROR = "function_error"  # the runtime posted /error
    INIT_ERROR = "init_error"  # the runtime posted /init/error
    TIMEOUT = "timeout"  # the function's timeout passed after the event was handed over
    INIT_TIMEOUT = "init_timeout"  # the runtime never asked for the event within the init limit
    EXIT = "exit"  # the process ended before answering
    OUT_OF_MEMORY = "out_of_memory"
    RESPONSE_TOO_LARGE = "response_too_large"
    INVALID_ENTRYPOINT = "invalid_entrypoint"  # the process could not be started
    LOST = "lost"  # a warm environment ended before it took the event: run it elsewhere


# Endings after which the environment cannot serve again (AWS resets the sandbox).
FATAL = frozenset({
    Ending.INIT_ERROR, Ending.TIMEOUT, Ending.INIT_TIMEOUT, Ending.EXIT, Ending.OUT_OF_MEMORY,
    Ending.INVALID_ENTRYPOINT, Ending.LOST,
})


@dataclass
class Outcome:
    ending: Ending
    body: bytes = b""  # the posted response or error document
    error_type: str | None = None  # from Lambda-Runtime-Function-Error-Type, or the entrypoint's detail
    returncode: int | None = None  # EXIT: the process's return code (negative: killed by that signal)
    detail: str = ""  # INVALID_ENTRYPOINT: what failed


# Go's names for signals, as AWS words "Runtime exited with error: signal: killed".
_SIGNAL_NAMES = {
    signal.SIGKILL: "killed", signal.SIGSEGV: "segmentation fault", signal.SIGABRT: "aborted",
    signal.SIGTERM: "terminated", signal.SIGINT: "interrupt", signal.SIGBUS: "bus error",
    signal.SIGFPE: "floating point exception", signal.SIGHUP: "hangup", signal.SIGPIPE: "broken pipe",
    signal.SIGILL: "illegal instruction", signal.SIGQUIT: "quit", signal.SIGTRAP: "trace/breakpoint trap",
    signal.SIGALRM: "alarm clock", signal.SIGUSR1: "user defined signal 1", signal.SIGUSR2: "user defined signal 2",
    signal.SIGXCPU: "CPU time limit exceeded",
}


def exit_reason(returncode: int) -> str:
    if returncode == 0:
        return "Runtime exited without providing a reason"
    if returncode > 0:
        return f"Runtime exited with error: exit status {returncode}"
    try:
        name = _SIGNAL_NAMES.get(signal.Signals(-returncode), f"signal {-returncode}")
    except ValueError:
        name = f"signal {-returncode}"
    return f"Runtime exited with error: signal: {name}"


def _compact(document: dict[str, str]) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def posted_error_type(body: bytes, header: str | None) -> str | None:
    """The error type of a posted error: the document's errorType, else the header (reference A4)."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        document = None
    if isinstance(document, dict) and isinstance(document.get("errorType"), str):
        return str(document["errorType"])
    return header or None


def error_payload(outcome: Outcome, request_id: str, timeout_s: float) -> tuple[bytes, str | None]:
    """(payload, error type) the invoker receives for a failed invocation."""
    ending = outcome.ending
    prefix = f"RequestId: {request_id} Error: "
    if ending in (Ending.FUNCTION_ERROR, Ending.INIT_ERROR):
        error_type = posted_error_type(outcome.body, outcome.error_type)
        if outcome.body.strip():
            return outcome.body, error_type
        # No readable document: Lambda builds the error from the header (the Runtime API spec says so).
        built = error_type or "Runtime.Unknown"
        return _compact({"errorType": built, "errorMessage": ""}), built
    if ending in (Ending.TIMEOUT, Ending.INIT_TIMEOUT):
        message = f"{prefix}Task timed out after {timeout_s:.2f} seconds"
        return _compact({"errorType": "Sandbox.Timedout", "errorMessage": message}), "Sandbox.Timedout"
    if ending is Ending.OUT_OF_MEMORY:
        message = f"{prefix}Runtime exited with error: signal: killed"
        return _compact({"errorType": "Runtime.OutOfMemory", "errorMessage": message}), "Runtime.OutOfMemory"
    if ending is Ending.RESPONSE_TOO_LARGE:
        message = f"Response payload size exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes)."
        return (_compact({"errorMessage": message, "errorType": "Function.ResponseSizeTooLarge"}),
                "Function.ResponseSizeTooLarge")
    if ending is Ending.INVALID_ENTRYPOINT:
        message = f"{prefix}{outcome.detail}"
        return _compact({"errorType": "Runtime.InvalidEntrypoint", "errorMessage": message}), "Runtime.InvalidEntrypoint"
    message = prefix + exit_reason(outcome.returncode if outcome.returncode is not None else -signal.SIGKILL)
    return _compact({"errorType": "Runtime.ExitError", "errorMessage": message}), "Runtime.ExitError"


def report_status(ending: Ending, error_type: str | None) -> tuple[str | None, str | None]:
    """(Status, Error Type) of the REPORT line: none for a response or an error the function reported."""
    if ending in (Ending.RESPONSE, Ending.FUNCTION_ERROR):
        return None, None
    if ending in (Ending.TIMEOUT, Ending.INIT_TIMEOUT):
        return "timeout", None
    return "error", error_type
