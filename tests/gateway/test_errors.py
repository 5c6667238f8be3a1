"""Bad requests get AWS-form 4xx errors in the caller's protocol, and the server keeps serving."""
from __future__ import annotations

import json
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError

from mocklambda import MockServer, mock_aws

SIGV4 = "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0"


def raw(server: MockServer, method: str, path: str, body: bytes = b"", **headers: str):
    request = urllib.request.Request(server.endpoint_url + path, data=body or None, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def assert_still_serving(server: MockServer) -> None:
    status, _, body = raw(server, "GET", "/_mocklambda/health")
    assert status == 200 and json.loads(body)["status"] == "ok"


def test_json_unknown_target_is_unknown_operation(server):
    status, _, body = raw(server, "POST", "/", b"{}", **{
        "X-Amz-Target": "DynamoDB_20120810.NoSuchThing", "Authorization": SIGV4.format(service="dynamodb"),
        "Content-Type": "application/x-amz-json-1.0"})
    assert status == 400
    assert json.loads(body)["__type"].endswith("UnknownOperationException")
    assert_still_serving(server)


def test_json_malformed_body_is_serialization_exception(server):
    dynamodb = boto3.client("dynamodb", endpoint_url=server.endpoint_url, region_name="us-east-1",
                            aws_access_key_id="a", aws_secret_access_key="b")
    status, _, body = raw(server, "POST", "/", b"{not json", **{
        "X-Amz-Target": "DynamoDB_20120810.ListTables", "Authorization": SIGV4.format(service="dynamodb"),
        "Content-Type": "application/x-amz-json-1.0"})
    assert status == 400
    assert json.loads(body)["__type"].endswith("SerializationException")
    assert dynamodb.list_tables()["TableNames"] == []


def test_query_unknown_action_is_invalid_action(server):
    status, _, body = raw(server, "POST", "/", b"Action=NoSuchAction&Version=2010-03-31", **{
        "Authorization": SIGV4.format(service="sns"), "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400
    assert b"<Code>InvalidAction</Code>" in body
    assert_still_serving(server)


def test_rest_json_unknown_path_is_4xx(server):
    status, headers, _ = raw(server, "GET", "/2015-03-31/no-such-resource",
                             Authorization=SIGV4.format(service="lambda"))
    assert 400 <= status < 500
    assert headers.get("x-amzn-ErrorType", "").startswith("UnknownOperationException")
    assert_still_serving(server)


def test_rest_xml_malformed_xml_is_malformed_xml(server):
    status, _, body = raw(server, "PUT", "/bucket?notification", b"<NotificationConfiguration><unclosed>",
                          Authorization=SIGV4.format(service="s3"))
    assert status == 400
    assert b"<Code>MalformedXML</Code>" in body
    assert_still_serving(server)


def test_json_wrong_content_type_still_answers_in_aws_form(server):
    status, _, body = raw(server, "POST", "/", b"<xml/>", **{
        "X-Amz-Target": "DynamoDB_20120810.ListTables", "Authorization": SIGV4.format(service="dynamodb"),
        "Content-Type": "text/xml"})
    assert status == 400
    assert "__type" in json.loads(body)
    assert_still_serving(server)


def test_unknown_service_is_4xx_naming_it(server):
    ec2 = boto3.client("ec2", endpoint_url=server.endpoint_url, region_name="us-east-1",
                       aws_access_key_id="a", aws_secret_access_key="b")
    with pytest.raises(ClientError) as caught:
        ec2.describe_instances()
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "'ec2'" in caught.value.response["Error"]["Message"]
    assert_still_serving(server)


def test_unknown_signing_name_is_4xx(server):
    status, _, body = raw(server, "POST", "/", b"{}", Authorization=SIGV4.format(service="nosuchservice"))
    assert status == 400
    assert json.loads(body)["__type"] == "UnknownServiceException"


def test_list_tables_limit_zero_is_validation_exception(server):
    # Model validation on the server (the client's own validation is off, as in other SDKs).
    dynamodb = boto3.client("dynamodb", endpoint_url=server.endpoint_url, region_name="us-east-1",
                            aws_access_key_id="a", aws_secret_access_key="b",
                            config=boto3.session.Config(parameter_validation=False))
    with pytest.raises(ClientError) as caught:
        dynamodb.list_tables(Limit=0)
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert caught.value.response["Error"]["Message"] == (
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )


def test_bug_in_provider_is_500_internal_failure_and_kept(server, monkeypatch):
    def broken(context, params):
        raise KeyError("boom")

    monkeypatch.setattr(server.emulator.providers["sns"], "list_topics", broken)
    sns = boto3.client("sns", endpoint_url=server.endpoint_url, region_name="us-east-1",
                       aws_access_key_id="a", aws_secret_access_key="b",
                       config=boto3.session.Config(retries={"total_max_attempts": 1}))
    with pytest.raises(ClientError) as caught:
        sns.list_topics()
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert caught.value.response["Error"]["Code"] == "InternalFailure"
    errors = server.take_errors()
    assert len(errors) == 1 and isinstance(errors[0], KeyError)
    assert_still_serving(server)


def test_bug_in_provider_is_reraised_by_mock_aws_at_exit():
    with pytest.raises(KeyError, match="boom"), mock_aws() as aws:
        def broken(context, params):
            raise KeyError("boom")

        aws.emulator.providers["sns"].list_topics = broken
        sns = boto3.client("sns", config=boto3.session.Config(retries={"total_max_attempts": 1}))
        with pytest.raises(ClientError):
            sns.list_topics()
