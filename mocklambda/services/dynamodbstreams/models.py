"""DynamoDB Streams' state per (account, region). Filled in by the DynamoDB issue."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class StreamsStore:
    account_id: str
    region: str
    # Stream ARN -> stream description.
    streams: dict[str, dict[str, Any]] = field(default_factory=dict)
