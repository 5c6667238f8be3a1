"""mocklambda's own endpoints under /_mocklambda/ (health, reset, wait-idle, code downloads). Not AWS APIs."""
from __future__ import annotations

import json
from typing import Any

from werkzeug.datastructures import Headers

from mocklambda.emulator import Emulator
from mocklambda.protocol import AwsRequest, AwsResponse

PREFIX = "/_mocklambda/"
CODE_PREFIX = "code/"


def _json(status: int, body: dict[str, Any]) -> AwsResponse:
    return AwsResponse(status, Headers({"Content-Type": "application/json"}), json.dumps(body).encode())


def handle(emulator: Emulator, request: AwsRequest) -> AwsResponse:
    name = request.path[len(PREFIX) :].rstrip("/")
    if name.startswith(CODE_PREFIX):
        return _code(emulator, request, name[len(CODE_PREFIX) :])
    routes = {"health": ("GET", _health), "reset": ("POST", _reset), "wait-idle": ("POST", _wait_idle)}
    if name not in routes:
        return _json(404, {"error": f"no internal endpoint {request.path}", "endpoints": sorted(routes)})
    method, handler = routes[name]
    if request.method != method:
        return _json(405, {"error": f"{request.path} takes {method}"})
    return handler(emulator, request)


def _health(emulator: Emulator, request: AwsRequest) -> AwsResponse:
    return _json(200, {"status": "ok", "services": sorted(emulator.providers), "account_id": emulator.config.account_id})


def _reset(emulator: Emulator, request: AwsRequest) -> AwsResponse:
    emulator.reset()
    return _json(200, {"status": "reset"})


def _wait_idle(emulator: Emulator, request: AwsRequest) -> AwsResponse:
    raw = dict(request.query_items()).get("timeout", "10")
    try:
        timeout = float(raw)
    except ValueError:
        return _json(400, {"error": f"timeout must be a number of seconds, got {raw!r}"})
    if emulator.wait_idle(timeout):
        return _json(200, {"status": "idle"})
    return _json(408, {"status": "busy", "pending": emulator.events.pending()})


def _code(emulator: Emulator, request: AwsRequest, file_name: str) -> AwsResponse:
    """GET /_mocklambda/code/<sha256 hex>.zip: a deployment package as uploaded (GetFunction's Code.Location)."""
    if request.method not in ("GET", "HEAD"):
        return _json(405, {"error": f"{request.path} takes GET"})
    digest = file_name.removesuffix(".zip")
    # The provider checks the digest is 64 hex characters before it builds a path from it.
    find = getattr(emulator.providers.get("lambda"), "code_package", None)
    path = find(digest) if find is not None and file_name.endswith(".zip") else None
    try:
        body = path.read_bytes() if path is not None else None
    except OSError:  # removed by a reset meanwhile
        body = None
    if body is None:
        return _json(404, {"error": f"no deployment package {file_name}"})
    return AwsResponse(200, Headers({"Content-Type": "application/zip"}), body)
