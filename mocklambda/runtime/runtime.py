"""The Runtime: what the Lambda provider calls to run a function version's code. One per Emulator.

Owns the environment pool, the log pump and the memory monitor threads, and the launchers (a subprocess by
default; a zygote may be registered for a runtime prefix). `invoke()` blocks until the invocation ends and
returns its InvocationResult (a failed function is a result) or raises Throttled. `reset()` and `stop()` end
every process and remove every TMPDIR. Must not import services, protocol or gateway, nor parse AWS requests.

A process outlives a mock that was killed with SIGKILL only until it next talks to its Runtime API: our
bootstraps exit when the connection fails. A custom runtime's own `bootstrap` may not, and is then left
waiting; every other way of ending the mock (stop(), reset(), SIGTERM/SIGINT to the server) ends it.
"""
from __future__ import annotations

import logging
import resource
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mocklambda import config as settings
from mocklambda.runtime.capture import LogPump
from mocklambda.runtime.entrypoint import InvalidEntrypoint, resolve
from mocklambda.runtime.environment import ExecutionEnvironment, Launch, remove_tree
from mocklambda.runtime.envvars import runtime_family
from mocklambda.runtime.launch import Launcher, SubprocessLauncher
from mocklambda.runtime.logs import EnvironmentLog, PlatformLines, log_stream_name
from mocklambda.runtime.memory import MemoryMonitor
from mocklambda.runtime.pool import EnvironmentPool
from mocklambda.runtime.spec import FunctionSpec, Invocation, InvocationResult, LogSink

logger = logging.getLogger(__name__)


@dataclass
class RuntimeConfig:
    data_dir: Path  # per-environment TMPDIRs go under data_dir/"environments"
    endpoint_url: str = ""  # AWS_ENDPOINT_URL for processes; set by the server after it starts
    account_concurrency: int = settings.DEFAULT_ACCOUNT_CONCURRENCY  # MOCKLAMBDA_ACCOUNT_CONCURRENCY
    idle_timeout_s: float = settings.DEFAULT_IDLE_TIMEOUT  # MOCKLAMBDA_IDLE_TIMEOUT
    init_timeout_s: float = 10.0  # AWS's limit for the init phase
    # Interpreter per runtime ("python3.12", "nodejs20.x", or "nodejs" for all): MOCKLAMBDA_RUNTIME_*.
    interpreters: Mapping[str, str] = field(default_factory=settings.runtime_overrides)

    @classmethod
    def from_config(cls, config: settings.Config, data_dir: Path, endpoint_url: str = "") -> RuntimeConfig:
        return cls(data_dir=data_dir, endpoint_url=endpoint_url, account_concurrency=config.account_concurrency,
                   idle_timeout_s=config.idle_timeout, interpreters=dict(config.runtime_overrides))


@dataclass(frozen=True)
class EnvironmentInfo:
    """A snapshot of one execution environment, for tests that assert scale-out, reuse and cold starts."""

    id: str
    function_name: str
    function_arn: str
    version: str
    state: str  # STARTING, IDLE, BUSY, DEAD
    pid: int | None
    invocations: int  # served so far (0: still in its cold start)
    init_duration_ms: float | None
    log_group: str
    log_stream: str
    tmpdir: Path


class Runtime:
    def __init__(self, config: RuntimeConfig, log_sink: LogSink) -> None:
        self.config = config
        self._log_sink = log_sink
        self._default_launcher: Launcher = SubprocessLauncher()
        self._launchers: dict[str, Launcher] = {}
        self._lock = threading.Lock()
        _raise_open_files_limit()
        self._pump = LogPump()
        self._monitor = MemoryMonitor()
        self._pool = EnvironmentPool(self._new_environment, config.account_concurrency, config.idle_timeout_s)

    @property
    def tmp_root(self) -> Path:
        return self.config.data_dir / "environments"

    def invoke(self, spec: FunctionSpec, invocation: Invocation,
               reserved_concurrency: int | None = None) -> InvocationResult:
        """Run one invocation and wait for its result (at the latest at its timeout); Throttled when no
        environment may take it. Thread-safe: concurrent invocations run in separate environments."""
        return self._pool.invoke(spec, invocation, reserved_concurrency)

    def environments(self, function_arn: str | None = None) -> list[EnvironmentInfo]:
        return [
            EnvironmentInfo(
                id=env.id, function_name=env.spec.function_name, function_arn=env.spec.function_arn,
                version=env.spec.version, state=env.phase, pid=env.pid, invocations=env.invocations,
                init_duration_ms=env.init_duration_ms, log_group=env.log.group, log_stream=env.log.stream,
                tmpdir=env.tmpdir,
            )
            for env in self._pool.environments()
            if function_arn is None or env.spec.function_arn == function_arn
        ]

    def register_launcher(self, runtime_prefix: str, launcher: Launcher) -> None:
        """Start processes of runtimes whose identifier starts with `runtime_prefix` (e.g. "python3") with
        `launcher`. The longest matching prefix wins; a Python runtime with an interpreter override always uses
        the subprocess launcher (a zygote can only fork the interpreter that runs the mock)."""
        with self._lock:
            self._launchers[runtime_prefix] = launcher

    def retire(self, function_arn: str, version: str | None = None) -> None:
        """End the idle environments of a function (or one version), e.g. when it is deleted."""
        self._pool.retire(function_arn, version)

    def reset(self) -> None:
        """End every environment (processes killed, servers closed, TMPDIRs removed); ready for new work."""
        self._pool.reset()
        remove_tree(self.tmp_root)

    def stop(self) -> None:
        """Like reset(), for good: the runtime's own threads and the launchers end too."""
        self._pool.stop()
        self._monitor.stop()
        self._pump.stop()
        with self._lock:
            launchers = list(self._launchers.values())
        for launcher in launchers:
            try:
                launcher.stop()
            except Exception:
                logger.exception("stopping launcher %r failed", launcher)
        remove_tree(self.tmp_root)

    def _new_environment(self, spec: FunctionSpec) -> ExecutionEnvironment:
        env_id = secrets.token_hex(16)
        group = spec.log_group or f"/aws/lambda/{spec.function_name}"
        platform = PlatformLines(spec.log_format, spec.runtime, spec.region, spec.function_name, spec.version)
        log = EnvironmentLog(self._log_sink, group, log_stream_name(spec.version, env_id), platform)
        launch = Launch(self._default_launcher, None, endpoint_url=self.config.endpoint_url,
                        init_timeout_s=self.config.init_timeout_s, tmp_root=self.tmp_root)
        try:
            launch.entrypoint = resolve(spec, self.config.interpreters)
        except InvalidEntrypoint as exc:
            launch.error = exc
        else:
            if launch.entrypoint.default_interpreter or runtime_family(spec.runtime) != "python":
                launch.launcher = self._launcher_for(spec.runtime)
                if launch.launcher is not self._default_launcher:
                    launch.fallback = self._default_launcher
        return ExecutionEnvironment(env_id, spec, log, launch, self._pump, self._monitor,
                                    self._pool_environment_ended)

    def _launcher_for(self, runtime: str) -> Launcher:
        with self._lock:
            matches = [prefix for prefix in self._launchers if runtime.startswith(prefix)]
            return self._launchers[max(matches, key=len)] if matches else self._default_launcher

    def _pool_environment_ended(self, environment: ExecutionEnvironment) -> None:
        self._pool.environment_ended(environment)


def _raise_open_files_limit() -> None:
    """Each environment holds about four descriptors (its server's socket, the runtime's connection, its pipe,
    its process): the common soft limit of 1024 would stop scale-out at a few hundred environments."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
        if soft != resource.RLIM_INFINITY and soft < wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            logger.debug("open files limit raised from %d to %d", soft, wanted)
    except (ValueError, OSError):
        pass
