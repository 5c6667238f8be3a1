"""Result rows: each figure with its target and verdict, printed as a table and written as JSON.

Formatting and file output only; nothing here measures anything.
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

PASS, MISS, INFO, SKIP, ERROR = "PASS", "MISS", "INFO", "SKIP", "ERROR"
VERSIONED = ("mocklambda", "boto3", "botocore", "werkzeug", "moto")


@dataclass(frozen=True)
class Row:
    """One printed line: `label` and `text` form the figure; `verdict` is PASS/MISS against a target, INFO
    for context without a target, SKIP or ERROR when it could not be measured. `data` goes to the JSON."""

    key: str
    label: str
    text: str
    verdict: str
    data: dict[str, Any] = field(default_factory=dict)


def verdict(value: float, target: float) -> str:
    """PASS when `value` is at most `target` (an upper bound: a time, a ratio, a size)."""
    return PASS if value <= target else MISS


def verdict_at_least(value: float, target: float) -> str:
    """PASS when `value` is at least `target` (a lower bound: a rate)."""
    return PASS if value >= target else MISS


def ms(value: float) -> str:
    return f"{value:.2f} ms" if value < 10 else f"{value:.0f} ms"


def format_table(rows: list[Row]) -> str:
    width = max((len(row.label) for row in rows), default=0)
    lines = []
    for row in rows:
        suffix = "" if row.verdict == INFO else f"  {row.verdict}"
        lines.append(f"{row.label.ljust(width)}  {row.text}{suffix}")
    return "\n".join(lines)


def guarded(name: str, section: Callable[[], list[Row]]) -> list[Row]:
    """The rows of `section()`, or one ERROR row (and its traceback on stderr) if it raised: one broken
    section must not hide the other figures."""
    try:
        return section()
    except Exception as exc:  # noqa: BLE001
        traceback.print_exc()
        return [Row(f"error.{name}", f"error in {name}", repr(exc), ERROR)]


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _git_commit(root: Path) -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def environment(root: Path) -> dict[str, Any]:
    """What the figures depend on: machine, interpreter, and library versions."""
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "git_commit": _git_commit(root),
        "versions": {name: _version(name) for name in VERSIONED},
    }


def write_json(path: Path, rows: list[Row], env: dict[str, Any], elapsed_s: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "elapsed_s": round(elapsed_s, 2),
        "environment": env,
        "summary": {v: sum(row.verdict == v for row in rows) for v in (PASS, MISS, INFO, SKIP, ERROR)},
        "results": [
            {"key": row.key, "verdict": row.verdict, "line": f"{row.label}  {row.text}", **row.data}
            for row in rows
        ],
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
