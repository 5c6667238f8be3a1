"""Lambda's state per (account, region). Filled in by the Lambda control plane issue."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class LambdaStore:
    account_id: str
    region: str
    # Function name -> its configuration as the API returns it.
    functions: dict[str, dict[str, Any]] = field(default_factory=dict)
