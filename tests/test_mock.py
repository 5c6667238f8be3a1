"""mock_aws(): context manager, decorators, environment restoration, redirects of older clients."""
from __future__ import annotations

import asyncio
import os
import unittest

import boto3
import pytest
import requests

from mocklambda import mock_aws


def test_mock_aws_context_manager_serves_boto3():
    with mock_aws() as aws:
        assert boto3.client("lambda").list_functions()["Functions"] == []
        assert os.environ["AWS_ENDPOINT_URL"] == aws.endpoint_url


def test_mock_aws_restores_environment(monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "https://example.invalid")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    before = dict(os.environ)
    with mock_aws():
        assert "AWS_PROFILE" not in os.environ
        assert "AWS_ENDPOINT_URL_S3" not in os.environ
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
    assert dict(os.environ) == before


def test_mock_aws_restores_environment_after_exception(monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    before = dict(os.environ)
    with pytest.raises(RuntimeError), mock_aws():
        raise RuntimeError("test failed")
    assert dict(os.environ) == before


def test_mock_aws_sets_default_region_when_none(monkeypatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    with mock_aws():
        assert boto3.client("sqs").meta.region_name == "us-east-1"


def test_mock_aws_keeps_callers_region(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    with mock_aws():
        client = boto3.client("dynamodb")
        assert client.meta.region_name == "eu-central-1"
        assert client.list_tables()["TableNames"] == []


@mock_aws
def test_mock_aws_bare_decorator():
    assert boto3.client("sns").list_topics()["Topics"] == []


@mock_aws()
def test_mock_aws_called_decorator():
    assert boto3.client("dynamodb").list_tables()["TableNames"] == []


def test_mock_aws_decorates_coroutine_function():
    @mock_aws
    async def scenario() -> list:
        return boto3.client("sns").list_topics()["Topics"]

    assert asyncio.run(scenario()) == []


@mock_aws
class TestDecoratedClass:
    def test_first(self):
        assert boto3.client("lambda").list_functions()["Functions"] == []

    def test_second(self):
        assert "AWS_ENDPOINT_URL" in os.environ


@mock_aws
class DecoratedTestCase(unittest.TestCase):
    def setUp(self):
        self.endpoint = os.environ["AWS_ENDPOINT_URL"]

    def test_setup_and_test_share_one_mock(self):
        assert os.environ["AWS_ENDPOINT_URL"] == self.endpoint
        assert boto3.client("sqs").list_queues().get("QueueUrls") is None


def test_each_activation_gets_fresh_state():
    with mock_aws() as first:
        pass
    with mock_aws() as second:
        assert second.emulator is not first.emulator


def test_nested_mock_aws_restores_outer():
    with mock_aws() as outer:
        with mock_aws() as inner:
            assert os.environ["AWS_ENDPOINT_URL"] == inner.endpoint_url
        assert os.environ["AWS_ENDPOINT_URL"] == outer.endpoint_url
        assert boto3.client("lambda").list_functions()["Functions"] == []


def test_client_created_before_mock_is_redirected(monkeypatch):
    # As on a developer machine: credentials exist, the client is made before the mock is entered.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    early = boto3.client("sns", region_name="us-west-2")
    assert early.meta.endpoint_url.startswith("https://sns.us-west-2.amazonaws.com")
    with mock_aws():
        assert early.list_topics()["Topics"] == []


def test_client_created_before_mock_s3_virtual_host_is_redirected(monkeypatch):
    # Real S3 clients put the bucket in the Host name; the redirect keeps it there for the gateway.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    early = boto3.client("s3", region_name="us-east-1")
    with mock_aws(), pytest.raises(early.exceptions.ClientError) as caught:
        early.get_bucket_tagging(Bucket="my-bucket")
    assert "s3.GetBucketTagging" in caught.value.response["Error"]["Message"]


def test_requests_to_aws_hosts_reach_the_mock():
    with mock_aws():
        response = requests.get(
            "https://sns.us-east-1.amazonaws.com/", params={"Action": "ListTopics", "Version": "2010-03-31"},
            timeout=5,
        )
    assert response.status_code == 200
    assert "<ListTopicsResponse" in response.text


def test_requests_to_other_hosts_pass_through():
    with mock_aws() as aws:
        response = requests.get(f"{aws.endpoint_url}/_mocklambda/health", timeout=5)
    assert response.json()["status"] == "ok"


def test_mock_aws_handle_reset_and_wait_idle():
    with mock_aws() as aws:
        assert aws.wait_idle(timeout=1.0) is True
        aws.reset()
        assert boto3.client("lambda").list_functions()["Functions"] == []
