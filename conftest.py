"""Root conftest: the mocklambda plugin itself comes from the installed `pytest11` entry point."""
from __future__ import annotations

pytest_plugins = ["pytester"]
