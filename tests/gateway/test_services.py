"""One real operation per protocol, through boto3 over HTTP: the path every service plugs into."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def test_list_functions_empty(client):
    assert client("lambda").list_functions()["Functions"] == []


def test_list_buckets_empty(client):
    response = client("s3").list_buckets()
    assert response["Buckets"] == []
    assert len(response["Owner"]["ID"]) == 64


def test_list_tables_empty(client):
    assert client("dynamodb").list_tables()["TableNames"] == []


def test_list_streams_empty(client):
    # DynamoDB Streams signs as "dynamodb": the X-Amz-Target prefix tells it apart.
    assert client("dynamodbstreams").list_streams()["Streams"] == []


def test_list_topics_empty(client):
    assert client("sns").list_topics()["Topics"] == []


def test_list_queues_empty(client):
    response = client("sqs").list_queues()
    assert "QueueUrls" not in response  # AWS omits the member when there are no queues


def test_list_functions_paginator(client):
    pages = list(client("lambda").get_paginator("list_functions").paginate())
    assert [page["Functions"] for page in pages] == [[]]


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "ap-southeast-2"])
def test_any_region_is_served(client, region):
    assert client("dynamodb", region=region).list_tables()["TableNames"] == []


def test_request_id_header(client):
    response = client("lambda").list_functions()
    assert response["ResponseMetadata"]["RequestId"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_operation_not_implemented_answers_501_naming_it(client):
    with pytest.raises(ClientError) as caught:
        client("lambda").list_code_signing_configs()
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error["Error"]["Code"] == "NotImplemented"
    assert "lambda.ListCodeSigningConfigs" in error["Error"]["Message"]


def test_twelve_digit_access_key_acts_in_that_account(client):
    default_owner = client("s3").list_buckets()["Owner"]["ID"]
    other = client("s3", aws_access_key_id="111111111111", aws_secret_access_key="x")
    assert other.list_buckets()["Owner"]["ID"] != default_owner
