"""The command line: `mocklambda serve [--host] [--port] [--region] [--account-id] [--strict-permissions]`.

Prints exactly one line, `mocklambda ready on http://HOST:PORT`, once it accepts requests, and stops
cleanly (every function process with it) on SIGINT or SIGTERM.
"""
from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from types import FrameType

from mocklambda.config import DEFAULT_HOST, DEFAULT_PORT, Config
from mocklambda.server import MockServer


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mocklambda", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the standalone server")
    defaults = Config()
    serve.add_argument("--host", default=DEFAULT_HOST, help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default 4566; 0 picks one)")
    serve.add_argument("--region", default=defaults.region, help="region of unsigned requests")
    serve.add_argument("--account-id", default=defaults.account_id, help="default account id (12 digits)")
    serve.add_argument(
        "--strict-permissions", action="store_true", default=defaults.strict_permissions,
        help="check resource policies where AWS does (e.g. S3 notification destinations); off by default",
    )
    serve.add_argument("--log-level", default="WARNING", help="Python logging level (default WARNING)")
    return parser


def serve(args: argparse.Namespace) -> int:
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        server = MockServer(host=args.host, port=args.port, region=args.region, account_id=args.account_id,
                            strict_permissions=args.strict_permissions)
    except ValueError as exc:
        print(f"mocklambda: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        server.start()
    except OSError as exc:
        print(f"mocklambda: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"mocklambda ready on {server.endpoint_url}", flush=True)
    try:
        stop.wait()
    finally:
        server.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
