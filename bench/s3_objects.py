"""S3 object latency: PutObject (a 1 KB body) and GetObject (the same object, read to its end) through boto3,
mocklambda against moto's in-process mock (`moto.mock_aws`) in the same run (the issue's target: mocklambda
<= moto, ratio <= 1.0x).

mocklambda runs as `MockServer` in a background thread of this process (as under the pytest fixtures), over
HTTP keep-alive; moto answers inside the client's own process with no HTTP at all. Both use the same client
configuration (bench/operations.py make_client), a fixed key overwritten by every PutObject, 50 warm-up calls,
then up to 300 measured calls per operation, the two targets alternating in rounds of 60 calls so that
background load (this is a shared 2-CPU machine) hits both alike. The mocklambda client is created BEFORE
moto is imported: importing moto adds its interceptor to every botocore client created afterwards, and
mock_aws's other patch (the `responses` library) does not touch botocore's urllib3 transport, so mocklambda's
calls still go over HTTP while mock_aws is active. For the same reason this section runs after every other
mocklambda measurement. Every loop is bounded in count and in time.
"""
from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

from bench.operations import make_client
from bench.report import SKIP, Row, ms, verdict
from bench.stats import Deadline, Summary, time_interleaved, truncation_note
from mocklambda import MockServer

BUCKET = "bench-objects"
KEY = "bench/object-1kb"
BODY = b"x" * 1024
WARMUP_CALLS = 50
MEASURED_CALLS = 300
ROUNDS = 5
LOOP_TIME_CAP_S = 10.0
RATIO_TARGET = 1.0
OPERATIONS = ("PutObject", "GetObject")


def _calls(s3: Any) -> dict[str, Callable[[], object]]:
    def put_object() -> object:
        return s3.put_object(Bucket=BUCKET, Key=KEY, Body=BODY)

    def get_object() -> object:
        body = s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read()  # read: also frees the connection
        if len(body) != len(BODY):
            raise RuntimeError(f"GetObject returned {len(body)} bytes, expected {len(BODY)}")
        return body

    return {"PutObject": put_object, "GetObject": get_object}


def _measure(deadline: Deadline) -> tuple[dict[str, Summary], dict[str, Summary]]:
    """(mocklambda, moto) summaries by operation, each operation's calls interleaved between the two."""
    with MockServer(host="127.0.0.1", port=0) as server:
        mock_s3 = make_client("s3", server.endpoint_url)  # before moto is imported: see the module docstring
        from moto import mock_aws

        with mock_aws():
            moto_s3 = make_client("s3", None)
            for s3 in (mock_s3, moto_s3):
                s3.create_bucket(Bucket=BUCKET)
            mock_calls, moto_calls = _calls(mock_s3), _calls(moto_s3)
            mock: dict[str, Summary] = {}
            moto: dict[str, Summary] = {}
            for operation in OPERATIONS:  # PutObject first, so that GetObject finds the object
                summaries = time_interleaved(
                    {"mocklambda": mock_calls[operation], "moto": moto_calls[operation]},
                    MEASURED_CALLS, WARMUP_CALLS, ROUNDS, deadline.limit(2 * LOOP_TIME_CAP_S),
                )
                mock[operation], moto[operation] = summaries["mocklambda"], summaries["moto"]
    return mock, moto


def _row(operation: str, mock: Summary, moto: Summary) -> Row:
    ratio = mock.median_ms / moto.median_ms
    text = (
        f"median {ms(mock.median_ms)}  p90 {ms(mock.p90_ms)}  moto mock_aws {ms(moto.median_ms)}"
        f" (p90 {ms(moto.p90_ms)})  ratio {ratio:.2f}x  n={mock.n}/{moto.n} (target <= {RATIO_TARGET}x)"
        f"{truncation_note(mock)}{truncation_note(moto)}"
    )
    data = {"ratio": ratio, "target_ratio": RATIO_TARGET, "mocklambda": mock.as_dict(), "moto": moto.as_dict()}
    return Row(f"s3.{operation}_vs_moto", f"S3 {operation} 1 KB vs moto mock_aws", text,
               verdict(ratio, RATIO_TARGET), data)


def measure(deadline: Deadline) -> list[Row]:
    """One ratio row per operation; SKIP rows if moto is not installed (mocklambda is then not measured)."""
    # find_spec, not import: importing moto would hook the mocklambda client too.
    if importlib.util.find_spec("moto") is None:
        note = "moto not installed; `pip install -c constraints.txt -e '.[bench]'` adds it"
        return [Row(f"s3.{operation}_vs_moto", f"S3 {operation} 1 KB vs moto mock_aws", note, SKIP)
                for operation in OPERATIONS]
    mock, moto_summaries = _measure(deadline)
    return [_row(operation, mock[operation], moto_summaries[operation]) for operation in OPERATIONS]
