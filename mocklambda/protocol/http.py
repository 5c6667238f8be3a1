"""The request and response as the protocol layer sees them: plain data, independent of WSGI."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote

from werkzeug.datastructures import Headers


@dataclass
class AwsRequest:
    """One HTTP request. `path` is the raw (still percent-encoded) path, `query` the raw query string."""

    method: str
    path: str
    query: str = ""
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""

    @property
    def host(self) -> str:
        return self.headers.get("Host", "")

    @property
    def decoded_path(self) -> str:
        return unquote(self.path)

    def query_items(self) -> list[tuple[str, str]]:
        """Query parameters in order, decoded; a key without `=` has the value ''."""
        return parse_qsl(self.query, keep_blank_values=True)


@dataclass
class AwsResponse:
    """One HTTP response. `body` is bytes, or an iterable of bytes for streamed payloads."""

    status: int = 200
    headers: Headers = field(default_factory=Headers)
    body: bytes | Iterable[bytes] = b""
