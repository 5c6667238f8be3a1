"""SQS's state per (account, region). Filled in by the SQS issue."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SqsStore:
    account_id: str
    region: str
    # Queue name -> queue attributes.
    queues: dict[str, dict[str, Any]] = field(default_factory=dict)
