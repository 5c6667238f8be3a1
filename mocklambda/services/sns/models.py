"""SNS's state per (account, region). Filled in by the SNS issue."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SnsStore:
    account_id: str
    region: str
    # Topic ARN -> attributes.
    topics: dict[str, dict[str, Any]] = field(default_factory=dict)
