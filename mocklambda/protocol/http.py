"""The request and response as the protocol layer sees them: plain data, independent of WSGI."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

from werkzeug.datastructures import Headers


class IndexedHeaders(Headers):
    """werkzeug's Headers whose `get()` and `in` look names up in a table instead of scanning the list with
    lower() per entry, and answer a missing name without raising and catching a KeyError (werkzeug builds an
    HTTP exception, BadRequestKeyError, each time): routing and the protocols ask for a dozen headers per
    request, most of them absent, and serializers check a few before setting them. Same answers as Headers
    otherwise."""

    _snapshot: list[tuple[str, str]] | None = None
    _first: dict[str, str]

    def _first_values(self) -> dict[str, str]:
        # Lower-cased name -> its first value. Every change goes through self._list, so the table is rebuilt
        # whenever the list differs from the copy it was built from (a C-speed comparison).
        if self._snapshot != self._list:
            first: dict[str, str] = {}
            for name, value in self._list:
                first.setdefault(name.lower(), value)
            self._first = first
            self._snapshot = list(self._list)
        return self._first

    def __contains__(self, key: str) -> bool:
        return key.lower() in self._first_values()

    # werkzeug declares get() with overloads; this one implementation answers them all alike.
    def get(self, key: str, default: Any = None, type: Callable[[str], Any] | None = None) -> Any:  # type: ignore[override]  # noqa: A002
        if type is not None or not isinstance(key, str):
            return super().get(key, default, type)
        return self._first_values().get(key.lower(), default)


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
