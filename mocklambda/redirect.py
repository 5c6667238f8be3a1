"""Sending AWS traffic to the active mock from clients that were not pointed at it.

boto3/botocore clients created before `mock_aws()` was entered (but after `import mocklambda`) have their
endpoint resolved to AWS already: a `before-send` hook, installed in botocore's built-in handlers at import,
rewrites such requests to the active mock, keeping the AWS host name in the Host header (S3 virtual-hosted
buckets live there). `requests` calls to AWS host names are answered through the `responses` library.
Only AWS host names are redirected; every other host passes through untouched.
"""
from __future__ import annotations

import http.client
import re
import threading
from typing import Any
from urllib.parse import urlsplit

_AWS_HOST = re.compile(r"(^|\.)(amazonaws\.com(\.cn)?|api\.aws)$")

_lock = threading.Lock()
_active: list[str] = []  # endpoint URLs of the active mocks, innermost last


def is_aws_host(host: str) -> bool:
    return bool(_AWS_HOST.search(host.split(":")[0].lower()))


def push(endpoint_url: str) -> None:
    with _lock:
        _active.append(endpoint_url)


def pop(endpoint_url: str) -> None:
    with _lock:
        for index in range(len(_active) - 1, -1, -1):
            if _active[index] == endpoint_url:
                del _active[index]
                break


def current() -> str | None:
    with _lock:
        return _active[-1] if _active else None


def redirect_botocore_request(request: Any, **kwargs: Any) -> None:
    """botocore `before-send` handler: point an AWS-bound request at the active mock."""
    endpoint = current()
    if endpoint is None:
        return None
    url = urlsplit(request.url)
    if not is_aws_host(url.netloc):
        return None
    request.headers["Host"] = url.netloc
    path = url.path or "/"
    request.url = f"{endpoint}{path}" + (f"?{url.query}" if url.query else "")
    return None


def install_botocore_hook() -> None:
    """Add the hook to botocore's built-in handlers (sessions made from now on) and to boto3's default
    session if one exists already."""
    import botocore.handlers

    entry = ("before-send", redirect_botocore_request)
    if entry not in botocore.handlers.BUILTIN_HANDLERS:
        botocore.handlers.BUILTIN_HANDLERS.append(entry)
    import boto3

    if boto3.DEFAULT_SESSION is not None:
        boto3.DEFAULT_SESSION._session.register("before-send", redirect_botocore_request)


def forward(endpoint_url: str, method: str, url: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send one HTTP request to the mock with the original Host header; used for `requests` traffic."""
    target = urlsplit(endpoint_url)
    original = urlsplit(url)
    connection = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=60)
    try:
        path = (original.path or "/") + (f"?{original.query}" if original.query else "")
        send_headers = {k: v for k, v in headers.items() if k.lower() != "host"}
        send_headers["Host"] = original.netloc
        connection.request(method, path, body=body, headers=send_headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()
