"""Shared fixtures for mocklambda's own tests."""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from mocklambda import MockServer


def descendants(pid: int) -> list[int]:
    """Every live process whose ancestry reaches `pid` (zombies excluded)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = [], {pid}
    while frontier:
        children = {child for child, parent in parents.items() if parent in frontier}
        found.extend(children)
        frontier = children
    return found


@pytest.fixture(scope="session", autouse=True)
def no_process_left_behind() -> Iterator[None]:
    """After the whole session (servers stopped), no function process, zygote or server may remain."""
    yield
    left = [pid for pid in descendants(os.getpid())]
    assert left == [], f"processes left behind by the test session: {left}"


@pytest.fixture
def server() -> MockServer:
    """A fresh, private server for tests that look at server-level behaviour."""
    with MockServer() as running:
        yield running


@pytest.fixture
def client(mocklambda: MockServer) -> Callable[..., Any]:
    """boto3 client factory bound to the per-test mock: client('lambda')."""

    def make(service: str, region: str = "us-east-1", **kwargs: Any) -> Any:
        return boto3.client(service, region_name=region, **kwargs)

    return make
