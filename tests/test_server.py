"""MockServer and the internal endpoints: health, reset, wait-idle."""
from __future__ import annotations

import json
import threading
import time
import urllib.request

import pytest

from mocklambda import MockServer


def post(url: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_server_start_picks_free_port_and_stops():
    server = MockServer().start()
    try:
        assert server.port > 0
        endpoint = server.endpoint_url
        assert endpoint == f"http://127.0.0.1:{server.port}"
    finally:
        server.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{endpoint}/_mocklambda/health", timeout=2)


def test_server_start_on_port_in_use_raises_oserror(server):
    with pytest.raises(OSError):
        MockServer(port=server.port).start()


def test_endpoint_url_before_start_says_what_to_do():
    with pytest.raises(RuntimeError, match="call start"):
        _ = MockServer().endpoint_url


def test_invalid_account_id_is_refused():
    with pytest.raises(ValueError, match="12 digits"):
        MockServer(account_id="42")


def test_health(server):
    with urllib.request.urlopen(f"{server.endpoint_url}/_mocklambda/health") as response:
        body = json.load(response)
    assert body["status"] == "ok"
    assert "lambda" in body["services"]


def test_reset_endpoint_empties_state(server):
    server.emulator.providers["sns"].stores.get("123456789012", "us-east-1").topics["arn:x"] = {}
    status, body = post(f"{server.endpoint_url}/_mocklambda/reset")
    assert (status, body["status"]) == (200, "reset")
    assert list(server.emulator.providers["sns"].stores) == []


def test_wait_idle_endpoint_when_idle(server):
    assert post(f"{server.endpoint_url}/_mocklambda/wait-idle?timeout=1")[0] == 200


def test_wait_idle_endpoint_times_out_with_408_while_work_is_pending(server):
    release = threading.Event()
    server.emulator.events.submit(lambda: release.wait(5))
    try:
        status, body = post(f"{server.endpoint_url}/_mocklambda/wait-idle?timeout=0.1")
        assert status == 408 and body["pending"] == 1
    finally:
        release.set()
    assert post(f"{server.endpoint_url}/_mocklambda/wait-idle?timeout=5")[0] == 200


def test_wait_idle_endpoint_rejects_bad_timeout(server):
    assert post(f"{server.endpoint_url}/_mocklambda/wait-idle?timeout=soon")[0] == 400


def test_unknown_internal_endpoint_is_404(server):
    try:
        urllib.request.urlopen(f"{server.endpoint_url}/_mocklambda/nothing")
    except urllib.error.HTTPError as error:
        assert error.code == 404
    else:
        raise AssertionError("expected 404")


def test_internal_endpoint_wrong_method_is_405(server):
    try:
        urllib.request.urlopen(f"{server.endpoint_url}/_mocklambda/reset")
    except urllib.error.HTTPError as error:
        assert error.code == 405
    else:
        raise AssertionError("expected 405")


def test_wait_idle_includes_delayed_work(server):
    done = threading.Event()
    server.emulator.events.submit_later(0.05, done.set)
    started = time.monotonic()
    assert server.wait_idle(timeout=5)
    assert done.is_set() and time.monotonic() - started >= 0.04


def test_stop_closes_keep_alive_connections():
    import http.client

    server = MockServer().start()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    connection.request("GET", "/_mocklambda/health")
    assert connection.getresponse().read()
    server.stop()
    with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
        connection.request("GET", "/_mocklambda/health")
        connection.getresponse().read()
