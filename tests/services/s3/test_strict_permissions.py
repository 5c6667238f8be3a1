"""Strict-permissions mode (Config.strict_permissions / MOCKLAMBDA_STRICT_PERMISSIONS, off by default): S3
refuses a notification destination whose resource policy does not let s3.amazonaws.com invoke it for the
bucket, as AWS does on save; without the mode an existing function is enough. Also the option's plumbing
(environment, MockServer, CLI) and the policy matching behind the emulator's function_allows capability."""
from __future__ import annotations

import dataclasses
import io
import itertools
import os
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from mocklambda import MockServer
from mocklambda.cli import build_parser
from mocklambda.config import Config
from mocklambda.services.lambda_.policy import arn_like, statement_allows_service

REGION = "us-east-1"
ACCOUNT = "123456789012"
CREATED = ["s3:ObjectCreated:*"]
UNVALIDATED = "Unable to validate the following destination configurations"

_names = itertools.count(1)


@pytest.fixture
def strict(mocklambda: MockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Strict mode on the shared server for this test only (monkeypatch puts the old config back)."""
    emulator = mocklambda.emulator
    monkeypatch.setattr(emulator, "config", dataclasses.replace(emulator.config, strict_permissions=True))


@pytest.fixture
def s3(client: Callable[..., Any]) -> Any:
    return client("s3", REGION)


@pytest.fixture
def awslambda(client: Callable[..., Any]) -> Any:
    return client("lambda", REGION)


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"strict-perms-{os.getpid()}-{next(_names)}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def function_arn(awslambda: Any) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return event\n")
    response = awslambda.create_function(
        FunctionName=f"strict-target-{os.getpid()}-{next(_names)}", Runtime="python3.12",
        Role=f"arn:aws:iam::{ACCOUNT}:role/lambda-role", Handler="app.handler", Code={"ZipFile": buffer.getvalue()},
    )
    return str(response["FunctionArn"])


def allow(awslambda: Any, function_arn: str, **condition: str) -> None:
    awslambda.add_permission(FunctionName=function_arn, StatementId=f"s3-{next(_names)}",
                             Action="lambda:InvokeFunction", Principal="s3.amazonaws.com", **condition)


def put(s3: Any, bucket: str, function_arn: str) -> None:
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"Id": "to-function", "LambdaFunctionArn": function_arn, "Events": CREATED}],
    })


def assert_not_authorized(raised: pytest.ExceptionInfo[ClientError], function_arn: str) -> None:
    response: Any = raised.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    error = response["Error"]
    assert (error["Code"], error["Message"]) == ("InvalidArgument", UNVALIDATED)
    assert error["ArgumentName1"] == f"{function_arn}, null"
    assert error["ArgumentValue1"] == f"Not authorized to invoke function [{function_arn}]"


def stored(s3: Any, bucket: str) -> list[dict[str, Any]]:
    configurations: list[dict[str, Any]] = s3.get_bucket_notification_configuration(Bucket=bucket).get(
        "LambdaFunctionConfigurations", [])
    return configurations


# -- through boto3 ------------------------------------------------------------------------------------------
def test_put_bucket_notification_configuration_strict_off_accepts_function_without_permission(
        s3: Any, bucket: str, function_arn: str) -> None:
    put(s3, bucket, function_arn)

    assert [c["LambdaFunctionArn"] for c in stored(s3, bucket)] == [function_arn]


def test_put_bucket_notification_configuration_strict_refuses_function_without_permission(
        strict: None, s3: Any, bucket: str, function_arn: str) -> None:
    with pytest.raises(ClientError) as raised:
        put(s3, bucket, function_arn)

    assert_not_authorized(raised, function_arn)
    assert stored(s3, bucket) == []


def test_put_bucket_notification_configuration_strict_accepts_after_add_permission_with_source_arn(
        strict: None, s3: Any, awslambda: Any, bucket: str, function_arn: str) -> None:
    allow(awslambda, function_arn, SourceArn=f"arn:aws:s3:::{bucket}", SourceAccount=ACCOUNT)

    put(s3, bucket, function_arn)

    assert [c["LambdaFunctionArn"] for c in stored(s3, bucket)] == [function_arn]


def test_put_bucket_notification_configuration_strict_accepts_wildcard_source_arn(
        strict: None, s3: Any, awslambda: Any, bucket: str, function_arn: str) -> None:
    allow(awslambda, function_arn, SourceArn="arn:aws:s3:::strict-perms-*")

    put(s3, bucket, function_arn)

    assert len(stored(s3, bucket)) == 1


def test_put_bucket_notification_configuration_strict_refuses_permission_for_another_bucket(
        strict: None, s3: Any, awslambda: Any, bucket: str, function_arn: str) -> None:
    allow(awslambda, function_arn, SourceArn="arn:aws:s3:::some-other-bucket")

    with pytest.raises(ClientError) as raised:
        put(s3, bucket, function_arn)

    assert_not_authorized(raised, function_arn)


def test_put_bucket_notification_configuration_strict_refuses_permission_for_another_source_account(
        strict: None, s3: Any, awslambda: Any, bucket: str, function_arn: str) -> None:
    allow(awslambda, function_arn, SourceArn=f"arn:aws:s3:::{bucket}", SourceAccount="111122223333")

    with pytest.raises(ClientError) as raised:
        put(s3, bucket, function_arn)

    assert_not_authorized(raised, function_arn)


def test_put_bucket_notification_configuration_strict_refuses_permission_for_another_service(
        strict: None, s3: Any, awslambda: Any, bucket: str, function_arn: str) -> None:
    awslambda.add_permission(FunctionName=function_arn, StatementId="sns", Action="lambda:InvokeFunction",
                             Principal="sns.amazonaws.com")

    with pytest.raises(ClientError) as raised:
        put(s3, bucket, function_arn)

    assert_not_authorized(raised, function_arn)


def test_put_bucket_notification_configuration_strict_skip_destination_validation_accepts(
        strict: None, s3: Any, bucket: str, function_arn: str) -> None:
    s3.put_bucket_notification_configuration(Bucket=bucket, SkipDestinationValidation=True, NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": function_arn, "Events": CREATED}],
    })

    assert len(stored(s3, bucket)) == 1


# -- the option ---------------------------------------------------------------------------------------------
def test_config_strict_permissions_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOCKLAMBDA_STRICT_PERMISSIONS", raising=False)

    assert Config().strict_permissions is False


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("true", True), ("0", False), ("", False)])
def test_config_strict_permissions_from_environment(monkeypatch: pytest.MonkeyPatch, value: str,
                                                    expected: bool) -> None:
    monkeypatch.setenv("MOCKLAMBDA_STRICT_PERMISSIONS", value)

    assert Config().strict_permissions is expected


def test_mock_server_strict_permissions_option() -> None:
    # Not started: the option only has to reach the emulator's config.
    server = MockServer(strict_permissions=True)
    try:
        assert server.emulator.config.strict_permissions is True
    finally:
        server.emulator.stop()


def test_cli_serve_strict_permissions_flag() -> None:
    assert build_parser().parse_args(["serve", "--strict-permissions"]).strict_permissions is True


# -- the policy matching behind function_allows -------------------------------------------------------------
@pytest.mark.parametrize(("pattern", "expected"), [
    ("arn:aws:s3:::my-bucket", True),
    ("arn:aws:s3:::my-*", True),
    ("arn:aws:s3:::my-bucke?", True),
    ("arn:aws:s3:::*", True),
    ("arn:aws:s3:::other", False),
    ("arn:aws:s3:::My-Bucket", False),
    ("arn:aws:sns:*:*:*", False),
])
def test_arn_like_matches_as_iam(pattern: str, expected: bool) -> None:
    assert arn_like("arn:aws:s3:::my-bucket", pattern) is expected


def test_statement_allows_service_principal_star_and_lambda_wildcard_action() -> None:
    statement = {"Effect": "Allow", "Principal": "*", "Action": "lambda:*", "Resource": "arn"}

    assert statement_allows_service(statement, "s3.amazonaws.com", "arn:aws:s3:::b", ACCOUNT)


def test_statement_allows_service_refuses_other_action() -> None:
    statement = {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "lambda:GetFunction"}

    assert not statement_allows_service(statement, "s3.amazonaws.com", "arn:aws:s3:::b", ACCOUNT)


def test_statement_allows_service_refuses_condition_s3_cannot_satisfy() -> None:
    statement = {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "lambda:InvokeFunction",
                 "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-123"}}}

    assert not statement_allows_service(statement, "s3.amazonaws.com", "arn:aws:s3:::b", ACCOUNT)
