"""mock_aws(): run the mock for a block of code, a function, a coroutine function or a test class.

Inside it, boto3/botocore clients reach the mock: new ones through AWS_ENDPOINT_URL and fake credentials in
os.environ, older ones through the redirect hook, and `requests` calls to AWS hosts through `responses`.
Everything it changed in os.environ (and boto3's default session) is restored on exit. A bug in the mock
that a request hit during the block is re-raised on exit, so the test sees it.
"""
from __future__ import annotations

import functools
import inspect
import os
import re
import unittest
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, overload

from mocklambda import redirect
from mocklambda.config import DEFAULT_REGION
from mocklambda.server import MockServer

if TYPE_CHECKING:
    import responses

F = TypeVar("F", bound=Callable[..., Any])

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
# Settings that would take precedence over our endpoint or credentials, or point at a real profile.
_OVERRIDING = re.compile(r"^AWS_(ENDPOINT_URL_.+|PROFILE|DEFAULT_PROFILE|IGNORE_CONFIGURED_ENDPOINT_URLS)$")
_AWS_URL = re.compile(r"^https?://([^/]+\.)?(amazonaws\.com(\.cn)?|api\.aws)(:\d+)?(/.*)?$")


@contextmanager
def activate(server: MockServer) -> Iterator[MockServer]:
    """Point boto3, botocore and requests at a running `server` for the duration of the block."""
    import boto3

    saved_environ = dict(os.environ)
    saved_session = boto3.DEFAULT_SESSION
    requests_mock = _requests_mock(server.endpoint_url)
    try:
        for name in [k for k in os.environ if _OVERRIDING.match(k)]:
            del os.environ[name]
        os.environ.update(FAKE_CREDENTIALS)
        os.environ["AWS_ENDPOINT_URL"] = server.endpoint_url
        if not (os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION")):
            os.environ["AWS_DEFAULT_REGION"] = server.region
        no_proxy = [p for p in os.environ.get("NO_PROXY", "").split(",") if p]
        os.environ["NO_PROXY"] = ",".join([*no_proxy, "127.0.0.1", "localhost"])
        # A fresh default session: the old one's cached credentials and endpoints predate the mock.
        boto3.DEFAULT_SESSION = _fresh_session()
        redirect.push(server.endpoint_url)
        requests_mock.start()
        yield server
    finally:
        requests_mock.stop(allow_assert=False)
        requests_mock.reset()
        redirect.pop(server.endpoint_url)
        boto3.DEFAULT_SESSION = saved_session
        os.environ.clear()
        os.environ.update(saved_environ)


@functools.cache
def _shared_loader() -> Any:
    """botocore's data loader (service models, endpoints), shared by the sessions made here. A new loader
    per session would decode the same JSON files again: ~70 ms per test."""
    import botocore.loaders

    return botocore.loaders.create_loader()


def _fresh_session() -> Any:
    import boto3
    import botocore.session

    core = botocore.session.Session()
    core.register_component("data_loader", _shared_loader())
    return boto3.Session(botocore_session=core)


def _requests_mock(endpoint_url: str) -> responses.RequestsMock:
    """`requests` calls to AWS host names are answered by the mock; all other hosts pass through."""
    import responses  # imported here: it pulls in requests, ~60 ms that users without mock_aws() never pay

    mock = responses.RequestsMock(assert_all_requests_are_fired=False)

    def callback(request: Any) -> tuple[int, dict[str, str], bytes]:
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif hasattr(body, "read"):
            body = body.read()
        return redirect.forward(endpoint_url, request.method, request.url, dict(request.headers), body)

    for method in ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
        mock.add_callback(method, _AWS_URL, callback=callback)
    mock.add_passthru(re.compile(r".*"))
    return mock


class MockAws:
    """What `mock_aws()` returns: a context manager, and a decorator for functions, coroutine functions and
    classes. Each activation starts its own server, so decorated tests start from empty state."""

    def __init__(self, region: str = DEFAULT_REGION, account_id: str | None = None) -> None:
        self._region = region
        self._account_id = account_id
        self._stack: list[tuple[MockServer, Any]] = []

    # -- context manager ------------------------------------------------------------------------------
    def __enter__(self) -> MockServer:
        server = MockServer(region=self._region, account_id=self._account_id).start()
        activation = activate(server)
        try:
            activation.__enter__()
        except BaseException:
            server.stop()
            raise
        self._stack.append((server, activation))
        return server

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        server, activation = self._stack.pop()
        try:
            activation.__exit__(exc_type, exc, tb)
        finally:
            server.stop()
        errors = server.take_errors()
        if errors and exc is None:
            raise errors[0]

    # -- decorator ------------------------------------------------------------------------------------
    def __call__(self, target: F) -> F:
        if inspect.isclass(target):
            return self._decorate_class(target)  # type: ignore[return-value]
        if inspect.iscoroutinefunction(target):

            @functools.wraps(target)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with MockAws(self._region, self._account_id):
                    return await target(*args, **kwargs)

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(target)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with MockAws(self._region, self._account_id):
                return target(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def _decorate_class(self, cls: type) -> type:
        if issubclass(cls, unittest.TestCase):
            # setUp's resources must live in the same mock as the test: start in setUp, stop at cleanup.
            original_setup = cls.setUp
            region, account_id = self._region, self._account_id

            def setUp(test: unittest.TestCase) -> None:  # noqa: N802 - unittest's name
                mock = MockAws(region, account_id)
                mock.__enter__()
                test.addCleanup(mock.__exit__, None, None, None)
                original_setup(test)

            cls.setUp = setUp  # type: ignore[method-assign,assignment]
            return cls
        for name, value in list(vars(cls).items()):
            if name.startswith("test") and callable(value):
                setattr(cls, name, self(value))
        return cls


@overload
def mock_aws(func: F) -> F: ...


@overload
def mock_aws(func: None = None, *, region: str = ..., account_id: str | None = ...) -> MockAws: ...


def mock_aws(
    func: Callable[..., Any] | None = None, *, region: str = DEFAULT_REGION, account_id: str | None = None
) -> Any:
    """`with mock_aws() as aws:`, `@mock_aws`, `@mock_aws()`; on functions, coroutine functions, classes."""
    mock = MockAws(region=region, account_id=account_id)
    if func is not None:
        return mock(func)
    return mock
