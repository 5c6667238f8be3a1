"""Every setting of mocklambda, with its MOCKLAMBDA_* environment variable, in one place."""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4566

DEFAULT_ACCOUNT_CONCURRENCY = 1000
DEFAULT_IDLE_TIMEOUT = 300.0

ACCOUNT_ID_PATTERN = re.compile(r"^\d{12}$")
RUNTIME_OVERRIDE_PREFIX = "MOCKLAMBDA_RUNTIME_"


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default) or default


def runtime_overrides(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """MOCKLAMBDA_RUNTIME_<RUNTIME>=/path/to/interpreter, keyed by runtime identifier: MOCKLAMBDA_RUNTIME_PYTHON3_12
    -> "python3.12", MOCKLAMBDA_RUNTIME_NODEJS20_X -> "nodejs20.x", MOCKLAMBDA_RUNTIME_NODEJS -> "nodejs" (every
    Node.js runtime). The runtime uses the interpreter that runs the mock (python) or `node` from PATH otherwise."""
    source = os.environ if environ is None else environ
    overrides: dict[str, str] = {}
    for name, value in source.items():
        if name.startswith(RUNTIME_OVERRIDE_PREFIX) and value:
            overrides[name[len(RUNTIME_OVERRIDE_PREFIX):].lower().replace("_", ".")] = value
    return overrides


@dataclass(frozen=True)
class Config:
    """Settings of one Emulator. Built from arguments, falling back to the environment, then defaults."""

    # MOCKLAMBDA_ACCOUNT_ID: the account requests act in unless their access key id is itself 12 digits.
    account_id: str = field(default_factory=lambda: _env("MOCKLAMBDA_ACCOUNT_ID", DEFAULT_ACCOUNT_ID))
    # MOCKLAMBDA_REGION: the region of requests that carry no signature (presigned-less plain HTTP).
    region: str = field(default_factory=lambda: _env("MOCKLAMBDA_REGION", DEFAULT_REGION))
    # MOCKLAMBDA_ACCOUNT_CONCURRENCY: invocations in flight at once across all functions (AWS's account limit).
    account_concurrency: int = field(
        default_factory=lambda: int(_env("MOCKLAMBDA_ACCOUNT_CONCURRENCY", str(DEFAULT_ACCOUNT_CONCURRENCY)))
    )
    # MOCKLAMBDA_IDLE_TIMEOUT: seconds an idle execution environment is kept warm before its process ends.
    idle_timeout: float = field(
        default_factory=lambda: float(_env("MOCKLAMBDA_IDLE_TIMEOUT", str(DEFAULT_IDLE_TIMEOUT)))
    )
    # MOCKLAMBDA_ZYGOTE=0: start Python functions as plain subprocesses instead of forking a pre-initialised
    # interpreter (slower cold starts; for debugging the runtime itself).
    zygote: bool = field(default_factory=lambda: _env("MOCKLAMBDA_ZYGOTE", "1") not in ("0", "false", "no"))
    # MOCKLAMBDA_STRICT_PERMISSIONS=1: check resource policies where AWS does, e.g. S3 refuses a notification
    # configuration whose function's policy does not let s3.amazonaws.com invoke it. Off by default, so tests
    # need not add permissions that only matter in AWS.
    strict_permissions: bool = field(
        default_factory=lambda: _env("MOCKLAMBDA_STRICT_PERMISSIONS", "0").lower() in ("1", "true", "yes", "on")
    )
    # MOCKLAMBDA_RUNTIME_<RUNTIME>: interpreter per runtime (see runtime_overrides()).
    runtime_overrides: Mapping[str, str] = field(default_factory=runtime_overrides)

    def __post_init__(self) -> None:
        if not ACCOUNT_ID_PATTERN.match(self.account_id):
            raise ValueError(f"account id must be 12 digits, got {self.account_id!r}")
        if self.account_concurrency < 1:
            raise ValueError(f"account concurrency must be at least 1, got {self.account_concurrency}")
        if self.idle_timeout <= 0:
            raise ValueError(f"idle timeout must be positive seconds, got {self.idle_timeout}")
