"""Every setting of mocklambda, with its MOCKLAMBDA_* environment variable, in one place."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4566

ACCOUNT_ID_PATTERN = re.compile(r"^\d{12}$")


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default) or default


@dataclass(frozen=True)
class Config:
    """Settings of one Emulator. Built from arguments, falling back to the environment, then defaults."""

    # MOCKLAMBDA_ACCOUNT_ID: the account requests act in unless their access key id is itself 12 digits.
    account_id: str = field(default_factory=lambda: _env("MOCKLAMBDA_ACCOUNT_ID", DEFAULT_ACCOUNT_ID))
    # MOCKLAMBDA_REGION: the region of requests that carry no signature (presigned-less plain HTTP).
    region: str = field(default_factory=lambda: _env("MOCKLAMBDA_REGION", DEFAULT_REGION))

    def __post_init__(self) -> None:
        if not ACCOUNT_ID_PATTERN.match(self.account_id):
            raise ValueError(f"account id must be 12 digits, got {self.account_id!r}")
