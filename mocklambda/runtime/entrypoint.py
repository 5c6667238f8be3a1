"""What to execute for a runtime: the command line of an environment's process, per runtime family.

python3.x -> `<python> bootstraps/python/bootstrap.py` (the interpreter from MOCKLAMBDA_RUNTIME_PYTHON3_X, else
the one running the mock); nodejs* -> `<node> bootstraps/node/bootstrap.js` (MOCKLAMBDA_RUNTIME_NODEJS20_X or
MOCKLAMBDA_RUNTIME_NODEJS, else `node` from PATH); provided* -> the executable `bootstrap` of the code root,
else of the layers (AWS merges layers into /opt in order, so the last layer that has one wins).
Anything that cannot be started is an InvalidEntrypoint whose message reads like AWS's. Must not start processes.
"""
from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mocklambda.runtime.envvars import runtime_family
from mocklambda.runtime.spec import FunctionSpec

BOOTSTRAPS = Path(__file__).resolve().parent / "bootstraps"
PYTHON_BOOTSTRAP = BOOTSTRAPS / "python" / "bootstrap.py"
NODE_BOOTSTRAP = BOOTSTRAPS / "node" / "bootstrap.js"


class InvalidEntrypoint(Exception):
    """The process cannot be started; `str()` is the detail AWS puts after "Error: "."""


@dataclass(frozen=True)
class Entrypoint:
    argv: tuple[str, ...]
    runtime_dir: Path  # LAMBDA_RUNTIME_DIR
    interpreter: str | None = None  # python or node, when the runtime has one
    default_interpreter: bool = False  # the interpreter running the mock (a zygote may fork it instead)


def resolve(spec: FunctionSpec, overrides: Mapping[str, str]) -> Entrypoint:
    family = runtime_family(spec.runtime)
    if family == "python":
        override = overrides.get(spec.runtime)
        interpreter = _executable(override or sys.executable)
        return Entrypoint(
            (interpreter, str(_bootstrap(PYTHON_BOOTSTRAP))), PYTHON_BOOTSTRAP.parent, interpreter,
            # Not resolving links: a virtualenv's python links to its base interpreter, with other packages.
            default_interpreter=not override or os.path.abspath(interpreter) == os.path.abspath(sys.executable),
        )
    if family == "nodejs":
        node = overrides.get(spec.runtime) or overrides.get("nodejs") or shutil.which("node") or "node"
        interpreter = _executable(node)
        return Entrypoint((interpreter, str(_bootstrap(NODE_BOOTSTRAP))), NODE_BOOTSTRAP.parent, interpreter)
    if family == "provided":
        candidates = [spec.code_root / "bootstrap", *(layer / "bootstrap" for layer in reversed(spec.layer_roots))]
        for candidate in candidates:
            if candidate.is_file():
                if not os.access(candidate, os.X_OK):
                    raise InvalidEntrypoint(f"fork/exec {candidate}: permission denied")
                return Entrypoint((str(candidate),), BOOTSTRAPS)
        listed = " ".join(str(candidate) for candidate in candidates)
        raise InvalidEntrypoint(f"Couldn't find valid bootstrap(s): [{listed}]")
    raise InvalidEntrypoint(f"runtime {spec.runtime} is not supported by mocklambda (python3.x, nodejs*, provided*)")


def launch_error(argv: tuple[str, ...], exc: OSError) -> InvalidEntrypoint:
    """An OSError from starting the process, worded as AWS's (Go's) fork/exec error."""
    reason = (exc.strerror or str(exc)).lower()
    return InvalidEntrypoint(f"fork/exec {argv[0] if argv else '?'}: {reason}")


def _executable(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        reason = "permission denied" if os.path.exists(name) else "no such file or directory"
        raise InvalidEntrypoint(f"fork/exec {name}: {reason}")
    return found


def _bootstrap(path: Path) -> Path:
    if not path.is_file():
        raise InvalidEntrypoint(f"Couldn't find valid bootstrap(s): [{path}]")
    return path
