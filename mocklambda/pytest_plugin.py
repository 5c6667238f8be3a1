"""pytest fixtures, registered through the `pytest11` entry point.

`mocklambda_server`: one running MockServer per session (per xdist worker, since each worker is its own
process with its own port). `mocklambda`: per test; resets state first, points boto3 at the server, yields
the server handle, and re-raises at teardown any bug in the mock that the test's requests hit.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from mocklambda.mock import activate
from mocklambda.server import MockServer


@pytest.fixture(scope="session")
def mocklambda_server() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


@pytest.fixture
def mocklambda(mocklambda_server: MockServer) -> Iterator[MockServer]:
    mocklambda_server.reset()
    mocklambda_server.take_errors()  # a previous test's bugs were reported to that test
    with activate(mocklambda_server):
        yield mocklambda_server
    errors = mocklambda_server.take_errors()
    if errors:
        raise errors[0]
