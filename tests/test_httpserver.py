"""The HTTP/1.1 server under the gateway: keep-alive, request bodies in every framing, streamed responses."""
from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator

import pytest

from mocklambda.httpserver import HttpServer


def echo_app(environ, start_response):
    body = environ["wsgi.input"].read()
    if environ["PATH_INFO"] == "/stream":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return iter([b"part1-", b"part2"])
    if environ["PATH_INFO"] == "/ignore-body":
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]
    reply = environ["REQUEST_METHOD"].encode() + b" " + environ["REQUEST_URI"].encode() + b" " + body
    start_response("200 OK", [("Content-Length", str(len(reply)))])
    return [reply]


@pytest.fixture
def port() -> Iterator[int]:
    server = HttpServer("127.0.0.1", 0, echo_app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.stop()
    thread.join(timeout=5)


def test_keep_alive_serves_many_requests_on_one_connection(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    for index in range(3):
        connection.request("POST", f"/path?x={index}", body=b"abc")
        response = connection.getresponse()
        assert response.read() == f"POST /path?x={index} abc".encode()
        assert response.getheader("Connection") is None
    assert connection.sock is not None  # never reconnected


def test_unread_body_is_drained_before_next_request(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("PUT", "/ignore-body", body=b"x" * 100_000)
    assert connection.getresponse().read() == b"ok"
    connection.request("GET", "/after")
    assert connection.getresponse().read() == b"GET /after "


def test_chunked_request_body(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("PUT", "/c", body=iter([b"hello ", b"world"]), encode_chunked=True,
                       headers={"Transfer-Encoding": "chunked"})
    assert connection.getresponse().read() == b"PUT /c hello world"


def test_expect_100_continue(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"PUT /e HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 100")
        sock.sendall(b"body")
        assert b"PUT /e body" in sock.recv(1000)


def test_streamed_response_is_chunked(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/stream")
    response = connection.getresponse()
    assert response.getheader("Transfer-Encoding") == "chunked"
    assert response.read() == b"part1-part2"


def test_client_connection_close_is_honoured(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/x", headers={"Connection": "close"})
    response = connection.getresponse()
    assert response.getheader("Connection") == "close"
    response.read()


def test_port_in_use_raises_oserror(port):
    with pytest.raises(OSError):
        HttpServer("127.0.0.1", port, echo_app)
