"""Where the recorded AWS responses live: `shared/reference/aws-snapshots` beside the checkout (as in CI),
or the directory named by MOCKLAMBDA_REFERENCE_DIR. Tests that quote them fail loudly when they are missing."""
from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

_DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


def snapshots_dir() -> Path:
    base = Path(os.environ.get("MOCKLAMBDA_REFERENCE_DIR") or _DEFAULT)
    directory = base / "aws-snapshots"
    if not directory.is_dir():
        raise FileNotFoundError(
            f"AWS reference snapshots not found at {directory}: check out the project beside its shared/ folder, "
            "or set MOCKLAMBDA_REFERENCE_DIR to the shared/reference directory"
        )
    return directory


@functools.cache
def load(file_name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((snapshots_dir() / file_name).read_text())
    return data
