"""MockServer: the Emulator behind a threaded HTTP/1.1 keep-alive server on loopback, in a background thread."""
from __future__ import annotations

import logging
import threading
from types import TracebackType
from typing import Any

from mocklambda.config import DEFAULT_HOST, DEFAULT_REGION, Config
from mocklambda.emulator import Emulator
from mocklambda.gateway import Gateway
from mocklambda.httpserver import HttpServer

logger = logging.getLogger(__name__)

class MockServer:
    """The whole mock on `http://host:port` (port 0 picks a free one). Start it, point clients at
    `.endpoint_url`, `.reset()` between tests, `.wait_idle()` for asynchronous deliveries, `.stop()`."""

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = 0,
        region: str = DEFAULT_REGION,
        account_id: str | None = None,
        strict_permissions: bool | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.region = region
        # Unset options fall back to the environment (MOCKLAMBDA_*), then the defaults (see Config).
        options: dict[str, Any] = {"region": region}
        if account_id is not None:
            options["account_id"] = account_id
        if strict_permissions is not None:
            options["strict_permissions"] = strict_permissions
        config = Config(**options)
        self.emulator = Emulator(config)
        self._server: HttpServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise RuntimeError("MockServer is not started: call start() or use it as a context manager")
        host = self.host if self.host not in ("0.0.0.0", "") else "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def account_id(self) -> str:
        return self.emulator.config.account_id

    def start(self) -> MockServer:
        if self._server is not None:
            return self
        gateway = Gateway(self.emulator)
        self._server = HttpServer(self.host, self.port, gateway)
        self.port = self._server.server_address[1]
        gateway.endpoint_url = self.endpoint_url
        self.emulator.set_endpoint_url(self.endpoint_url)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.5}, name="mocklambda-server",
            daemon=True,
        )
        self._thread.start()
        logger.info("mocklambda serving on %s", self.endpoint_url)
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.stop()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.emulator.stop()
        logger.info("mocklambda stopped")

    def reset(self) -> None:
        """All state gone and every function process ended."""
        self.emulator.reset()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every queued delivery has drained; False if `timeout` seconds pass first."""
        return self.emulator.wait_idle(timeout)

    def take_errors(self) -> list[BaseException]:
        """Internal errors (bugs in the mock) seen since the last call."""
        return self.emulator.take_errors()

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
