"""Which service a request is for: signature scope, X-Amz-Target, Host and path."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import Headers

from mocklambda.emulator import PROVIDERS
from mocklambda.gateway.routing import build_index, identify, virtual_host_label
from mocklambda.protocol import AwsRequest

INDEX = build_index(tuple(p.service_name for p in PROVIDERS))


def request(method="POST", path="/", query="", body=b"", **headers: str) -> AwsRequest:
    return AwsRequest(method, path, query, Headers({k.replace("_", "-"): v for k, v in headers.items()}), body)


def signed(service: str, region: str = "eu-west-1", key: str = "AKIDEXAMPLE") -> str:
    return f"AWS4-HMAC-SHA256 Credential={key}/20240101/{region}/{service}/aws4_request, SignedHeaders=host, Signature=0"


def test_identify_by_signing_name_and_region():
    route = identify(request(Authorization=signed("lambda")), INDEX)
    assert (route.service, route.region, route.access_key_id) == ("lambda", "eu-west-1", "AKIDEXAMPLE")


def test_identify_dynamodb_streams_by_target_prefix():
    route = identify(request(Authorization=signed("dynamodb"), X_Amz_Target="DynamoDBStreams_20120810.ListStreams"),
                     INDEX)
    assert route.service == "dynamodbstreams"


def test_identify_dynamodb_by_target_prefix():
    route = identify(request(Authorization=signed("dynamodb"), X_Amz_Target="DynamoDB_20120810.ListTables"), INDEX)
    assert route.service == "dynamodb"


def test_identify_presigned_url():
    query = "X-Amz-Credential=AKID%2F20240101%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Signature=0"
    route = identify(request("GET", "/bucket/key", query), INDEX)
    assert (route.service, route.region) == ("s3", "us-west-2")


def test_identify_unknown_signing_name():
    route = identify(request(Authorization=signed("ec2")), INDEX)
    assert route.service is None and route.signing_name == "ec2"


def test_identify_unsigned_by_aws_host():
    route = identify(request(Host="sns.ap-south-1.amazonaws.com", body=b"Action=ListTopics"), INDEX)
    assert (route.service, route.region) == ("sns", "ap-south-1")


def test_identify_unsigned_by_path_prefix():
    assert identify(request("GET", "/2015-03-31/functions/"), INDEX).service == "lambda"


def test_identify_unsigned_query_action():
    route = identify(request(body=b"Action=ListTopics&Version=2010-03-31",
                             Content_Type="application/x-www-form-urlencoded"), INDEX)
    assert route.service == "sns"


def test_identify_unsigned_falls_back_to_s3():
    assert identify(request("GET", "/some-bucket/some/key"), INDEX).service == "s3"


def test_identify_sigv2_access_key():
    route = identify(request("GET", "/b/k", Authorization="AWS 111111111111:signature"), INDEX)
    assert route.access_key_id == "111111111111"


@pytest.mark.parametrize(("host", "bucket"), [
    ("my-bucket.s3.amazonaws.com", "my-bucket"),
    ("my.dotted.bucket.s3.us-west-2.amazonaws.com", "my.dotted.bucket"),
    ("my-bucket.s3-eu-west-1.amazonaws.com", "my-bucket"),
    ("my-bucket.s3.dualstack.us-east-1.amazonaws.com", "my-bucket"),
    ("my-bucket.localhost:4566", "my-bucket"),
    ("s3.amazonaws.com", None),
    ("127.0.0.1:4566", None),
])
def test_virtual_host_label(host, bucket):
    assert virtual_host_label("s3", host) == bucket


def test_virtual_host_label_only_for_services_that_allow_it():
    assert virtual_host_label("sns", "my-bucket.s3.amazonaws.com") is None
