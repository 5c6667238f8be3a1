"""The sample functions of fixtures/handlers as deployment packages: their files with their modes on disk."""
from __future__ import annotations

import stat
from pathlib import Path

from tests.e2e.conftest import zip_files

HANDLERS = Path(__file__).resolve().parents[2] / "fixtures" / "handlers"


def fixture_files(name: str, prefix: str = "", *, exclude: tuple[str, ...] = ()) -> tuple[
        dict[str, str | bytes], dict[str, int]]:
    """(files, modes) of fixtures/handlers/<name>, as `deploy(files, modes=modes)` takes them; every path is
    relative to that directory, under `prefix` (e.g. "python/" for a layer). A file named `bootstrap` is
    executable (0755) even where the checkout lost its mode. Paths in `exclude` are left out."""
    root = HANDLERS / name
    files: dict[str, str | bytes] = {}
    modes: dict[str, int] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if not path.is_file() or "__pycache__" in path.parts or relative in exclude:
            continue
        files[prefix + relative] = path.read_bytes()
        mode = stat.S_IMODE(path.stat().st_mode)
        modes[prefix + relative] = mode | 0o755 if path.name == "bootstrap" else mode
    return files, modes


def zip_fixture(name: str, prefix: str = "", *, exclude: tuple[str, ...] = ()) -> bytes:
    """fixtures/handlers/<name> zipped (its contents, not the directory), file modes kept."""
    return zip_files(*fixture_files(name, prefix, exclude=exclude))
