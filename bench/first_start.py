"""Run in a fresh interpreter by bench/startup.py: times the very first MockServer start, imports included,
and prints one JSON line of durations in seconds. Imports nothing from mocklambda before the clock starts.
"""
from __future__ import annotations

import http.client
import json
import time


def main() -> None:
    start = time.perf_counter()
    from mocklambda import MockServer

    imported = time.perf_counter()
    server = MockServer(host="127.0.0.1", port=0).start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        connection.request("GET", "/_mocklambda/health")
        connection.getresponse().read()
        connection.close()
        healthy = time.perf_counter()
        from bench.operations import make_client

        client = make_client("dynamodb", server.endpoint_url)
        created = time.perf_counter()
        client.list_tables()
        called = time.perf_counter()
    finally:
        server.stop()
    print(
        json.dumps(
            {
                "import_s": imported - start,
                "start_to_health_s": healthy - imported,
                "client_create_s": created - healthy,
                "first_call_s": called - created,
            }
        )
    )


if __name__ == "__main__":
    main()
