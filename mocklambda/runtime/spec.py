"""What the runtime is asked to run, and what it answers: plain data, no AWS API types.

The Lambda provider turns a function version into a FunctionSpec and an Invoke call into an Invocation; the
runtime answers an InvocationResult (a function error is a result, not an exception) or raises Throttled.
Must not import services, protocol or gateway.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

LATEST = "$LATEST"

# A log sink receives, per environment, the lines it wrote: (log group, log stream, [(epoch ms, message)]).
LogSink = Callable[[str, str, list[tuple[int, str]]], None]


@dataclass(frozen=True)
class FunctionSpec:
    """One (function, version) as its execution environments see it. Environments are reused only for an
    identical spec: any change of code or configuration gives new environments."""

    function_name: str
    function_arn: str  # unqualified
    version: str  # "$LATEST" or "1", "2", ...
    runtime: str  # "python3.12", "nodejs20.x", "provided.al2023", ...
    handler: str
    code_root: Path  # the unpacked deployment package (read-only)
    account_id: str
    region: str
    memory_mb: int = 128
    timeout_s: int = 3
    environment: Mapping[str, str] = field(default_factory=dict)  # the function's own variables
    layer_roots: tuple[Path, ...] = ()  # unpacked layers, in the function's order
    log_group: str = ""
    log_format: str = "Text"  # LoggingConfig.LogFormat
    application_log_level: str | None = None
    system_log_level: str | None = None
    ephemeral_storage_mb: int = 512
    architecture: str = "x86_64"
    initialization_type: str = "on-demand"

    @property
    def key(self) -> tuple[object, ...]:
        """Identity for environment reuse (environment maps are not hashable: use sorted items)."""
        return (
            self.function_arn, self.version, self.runtime, self.handler, str(self.code_root),
            self.memory_mb, self.timeout_s, tuple(sorted(self.environment.items())),
            tuple(str(p) for p in self.layer_roots), self.log_group, self.log_format,
            self.application_log_level, self.system_log_level, self.ephemeral_storage_mb,
            self.architecture, self.initialization_type,
        )


@dataclass(frozen=True)
class Invocation:
    request_id: str
    payload: bytes
    invoked_function_arn: str  # with the qualifier the caller used
    client_context: str | None = None  # JSON text (base64-decoded X-Amz-Client-Context)
    cognito_identity: str | None = None  # JSON text
    trace_id: str | None = None
    tail_logs: bool = False


@dataclass
class InvocationResult:
    payload: bytes
    executed_version: str
    function_error: str | None = None  # "Unhandled" when the function failed (any way)
    error_type: str | None = None  # e.g. "KeyError", "Sandbox.Timedout", "Runtime.ExitError"
    log_tail: str = ""  # the invocation's log, START..REPORT, when tail_logs was asked
    duration_ms: float = 0.0
    billed_duration_ms: int = 0
    init_duration_ms: float | None = None  # set on cold starts
    max_memory_used_mb: int = 0


class Throttled(Exception):
    """No environment may take the invocation now. `reason` is AWS's TooManyRequestsException Reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
