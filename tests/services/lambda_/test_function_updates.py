"""UpdateFunctionCode and UpdateFunctionConfiguration through boto3, against AWS's recorded shapes and messages:
what changes, RevisionId preconditions, Publish and DryRun, and the checks CreateFunction shares."""
from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.lambda_.conftest import (
    ACCOUNT,
    REGION,
    code_sha256,
    error_of,
    make_zip,
    members,
    snapshot,
)
from tests.services.lambda_.conftest import function_arn as arn


# -- UpdateFunctionCode -----------------------------------------------------------------------------------------
def test_update_function_code_changes_code_and_revision(awslambda: Any, create_function: Any) -> None:
    created = create_function()
    package = make_zip({"app.py": "def handler(event, context):\n    return 2\n"})
    response = awslambda.update_function_code(FunctionName=created["FunctionName"], ZipFile=package)
    assert (response["CodeSha256"], response["CodeSize"]) == (code_sha256(package), len(package))
    assert response["RevisionId"] != created["RevisionId"]
    assert (response["LastUpdateStatus"], response["LastUpdateStatusReasonCode"]) == ("InProgress", "Creating")


def test_update_function_code_is_successful_on_the_next_read(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    updated = awslambda.update_function_code(FunctionName=name, ZipFile=make_zip({"app.py": "x = 2\n"}))
    configuration = awslambda.get_function_configuration(FunctionName=name)
    assert configuration["LastUpdateStatus"] == "Successful"
    assert "LastUpdateStatusReason" not in configuration
    assert configuration["RevisionId"] == updated["RevisionId"]


def test_update_function_code_stale_revision_id_as_aws(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    with pytest.raises(ClientError) as excinfo:
        awslambda.update_function_code(FunctionName=name, ZipFile=make_zip(), RevisionId="wrong")
    recorded = snapshot("test_function_revisions_basic")["update_function_revision_exception"]
    assert error_of(excinfo) == ("PreconditionFailedException", 412, recorded["Error"]["Message"])


def test_update_function_code_current_revision_id_is_accepted(awslambda: Any, create_function: Any) -> None:
    created = create_function()
    response = awslambda.update_function_code(FunctionName=created["FunctionName"], ZipFile=make_zip({"b.py": "1"}),
                                              RevisionId=created["RevisionId"])
    assert response["RevisionId"] != created["RevisionId"]


def test_update_function_code_with_publish_publishes_a_version(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    package = make_zip({"app.py": "v = 2\n"})
    response = awslambda.update_function_code(FunctionName=name, ZipFile=package, Publish=True)
    assert response["Version"] == "1"
    version = awslambda.get_function_configuration(FunctionName=name, Qualifier="1")
    assert version["CodeSha256"] == code_sha256(package)


def test_update_function_code_with_publish_and_unchanged_code_returns_the_existing_version(
    awslambda: Any, create_function: Any
) -> None:
    package = make_zip()
    name = create_function(Code={"ZipFile": package}, Publish=True)["FunctionName"]
    response = awslambda.update_function_code(FunctionName=name, ZipFile=package, Publish=True)
    assert response["Version"] == "1"
    assert [v["Version"] for v in awslambda.list_versions_by_function(FunctionName=name)["Versions"]] == [
        "$LATEST", "1"]


def test_update_function_code_with_publish_gives_latest_a_revision_id_of_its_own(
    awslambda: Any, create_function: Any
) -> None:
    # Recorded (TestLambdaVersions::test_publish_with_update): version 1 and $LATEST end with different ids.
    name = create_function()["FunctionName"]
    awslambda.update_function_code(FunctionName=name, ZipFile=make_zip({"app.py": "v = 2\n"}), Publish=True)
    version = awslambda.get_function_configuration(FunctionName=name, Qualifier="1")
    latest = awslambda.get_function_configuration(FunctionName=name)
    assert version["RevisionId"] != latest["RevisionId"]
    assert version["CodeSha256"] == latest["CodeSha256"]


def test_update_function_code_dry_run_changes_nothing(awslambda: Any, create_function: Any) -> None:
    created = create_function()
    awslambda.update_function_code(FunctionName=created["FunctionName"], ZipFile=make_zip({"b.py": "1"}), DryRun=True)
    configuration = awslambda.get_function_configuration(FunctionName=created["FunctionName"])
    assert (configuration["CodeSha256"], configuration["RevisionId"]) == (created["CodeSha256"], created["RevisionId"])


def test_update_function_code_dry_run_still_checks_the_zip(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    with pytest.raises(ClientError) as excinfo:
        awslambda.update_function_code(FunctionName=name, ZipFile=b"not a zip", DryRun=True)
    assert error_of(excinfo)[0] == "InvalidParameterValueException"


def test_update_function_code_architectures(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    response = awslambda.update_function_code(FunctionName=name, ZipFile=make_zip(), Architectures=["arm64"])
    assert response["Architectures"] == ["arm64"]


def test_update_function_code_image_uri_as_aws(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    with pytest.raises(ClientError) as excinfo:
        awslambda.update_function_code(FunctionName=name, ImageUri=f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/fn:1")
    recorded = snapshot("test_lambda_zip_file_to_image")["zipfile-to-image-error"]
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, recorded["Error"]["Message"])


def test_update_function_code_not_a_zip_as_aws(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    with pytest.raises(ClientError) as excinfo:
        awslambda.update_function_code(FunctionName=name, ZipFile=b"not a zip")
    assert error_of(excinfo) == ("InvalidParameterValueException", 400,
                                 "Could not unzip uploaded file. Please check your file, then try to upload again.")


def test_update_function_code_unknown_function_as_aws(awslambda: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.update_function_code(FunctionName="missing", ZipFile=make_zip())
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {arn('missing')}")


def test_update_function_code_of_a_version_is_refused(awslambda: Any, create_function: Any) -> None:
    name = create_function(Publish=True)["FunctionName"]
    with pytest.raises(ClientError) as excinfo:
        awslambda.update_function_code(FunctionName=f"{name}:1", ZipFile=make_zip())
    assert error_of(excinfo)[:2] == ("InvalidParameterValueException", 400)


# -- UpdateFunctionConfiguration --------------------------------------------------------------------------------
def test_update_function_configuration_timeout_and_memory_over_limits(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    with pytest.raises(ClientError) as excinfo:
        awslambda.update_function_configuration(FunctionName=name, Timeout=901, MemorySize=20000)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith("2 validation errors detected: Value '901' at 'timeout'")


def test_update_function_configuration_changes_every_given_field(awslambda: Any, create_function: Any) -> None:
    created = create_function()
    role = f"arn:aws:iam::{ACCOUNT}:role/other"
    response = awslambda.update_function_configuration(
        FunctionName=created["FunctionName"], Role=role, Handler="other.main", Description="changed", Timeout=10,
        MemorySize=512, Runtime="python3.11", Environment={"Variables": {"ENV_A": "a"}},
        TracingConfig={"Mode": "Active"}, EphemeralStorage={"Size": 2048}, SnapStart={"ApplyOn": "PublishedVersions"},
    )
    assert (response["Role"], response["Handler"], response["Description"]) == (role, "other.main", "changed")
    assert (response["Timeout"], response["MemorySize"], response["Runtime"]) == (10, 512, "python3.11")
    assert response["Environment"] == {"Variables": {"ENV_A": "a"}}
    assert response["TracingConfig"] == {"Mode": "Active"}
    assert response["EphemeralStorage"] == {"Size": 2048}
    assert response["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "Off"}
    assert response["RuntimeVersionConfig"] != created["RuntimeVersionConfig"]
    assert response["CodeSha256"] == created["CodeSha256"]


def test_update_function_configuration_response_as_aws(awslambda: Any, create_function: Any) -> None:
    recorded = snapshot("TestLambdaFunction::test_redundant_updates")["first_update_result"]
    name = create_function(Environment={"Variables": {}})["FunctionName"]
    response = awslambda.update_function_configuration(FunctionName=name, Description="1st update description")
    assert members(response) == members(recorded)
    assert (response["State"], response["LastUpdateStatus"], response["LastUpdateStatusReason"]) == (
        "Active", "InProgress", "The function is being created.")


def test_update_function_configuration_renews_revision_id_even_when_redundant(awslambda: Any,
                                                                              create_function: Any) -> None:
    name = create_function()["FunctionName"]
    first = awslambda.update_function_configuration(FunctionName=name, Description="same")
    second = awslambda.update_function_configuration(FunctionName=name, Description="same")
    assert first["RevisionId"] != second["RevisionId"]


def test_update_function_configuration_stale_revision_id_as_aws(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    with pytest.raises(ClientError) as excinfo:
        awslambda.update_function_configuration(FunctionName=name, Timeout=5, RevisionId="stale")
    recorded = snapshot("test_function_revisions_basic")["update_function_configuration_revision_exception"]
    assert error_of(excinfo) == ("PreconditionFailedException", 412, recorded["Error"]["Message"])


def test_update_function_configuration_unknown_runtime_as_aws(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    with pytest.raises(ClientError) as excinfo:
        awslambda.update_function_configuration(FunctionName=name, Runtime="non-existent-runtime")
    expected = snapshot("test_update_lambda_exceptions")["invalid_runtime_exc"]["Error"]["Message"]
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, expected)


def test_update_function_configuration_deprecated_runtime_as_aws(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    with pytest.raises(ClientError) as excinfo:
        awslambda.update_function_configuration(FunctionName=name, Runtime="python3.7")
    assert error_of(excinfo)[2].startswith("The runtime parameter of python3.7 is no longer supported")


def test_update_function_configuration_reserved_environment_key(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    with pytest.raises(ClientError) as excinfo:
        awslambda.update_function_configuration(FunctionName=name, Environment={"Variables": {"LAMBDA_TASK_ROOT": "/"}})
    assert error_of(excinfo)[2].endswith("Reserved keys used in this request: LAMBDA_TASK_ROOT")


def test_update_function_configuration_logging_format_switches_as_aws(awslambda: Any, create_function: Any) -> None:
    recorded = snapshot("test_advanced_logging_configuration_format_switch")
    name = create_function(FunctionName="switch")["FunctionName"]
    group = {"LogGroup": "/aws/lambda/switch"}
    to_json = awslambda.update_function_configuration(FunctionName=name, LoggingConfig={"LogFormat": "JSON"})
    assert to_json["LoggingConfig"] == {**recorded["updated_config"]["LoggingConfig"], **group}
    to_text = awslambda.update_function_configuration(FunctionName=name, LoggingConfig={"LogFormat": "Text"})
    assert to_text["LoggingConfig"] == {**recorded["updated_config_v2"]["LoggingConfig"], **group}


def test_update_function_configuration_empty_vpc_config_as_aws(awslambda: Any, create_function: Any) -> None:
    name = create_function(VpcConfig={"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]})["FunctionName"]
    response = awslambda.update_function_configuration(FunctionName=name,
                                                       VpcConfig={"SubnetIds": [], "SecurityGroupIds": []})
    assert response["VpcConfig"] == snapshot("TestLambdaFunction::test_vpc_config")[
        "delete_vpcconfig_update_response"]["VpcConfig"]


def test_update_function_configuration_layers_can_be_removed(awslambda: Any, create_function: Any) -> None:
    layer = awslambda.publish_layer_version(LayerName="removable", Content={"ZipFile": make_zip()})
    name = create_function(Layers=[layer["LayerVersionArn"]])["FunctionName"]
    response = awslambda.update_function_configuration(FunctionName=name, Layers=[])
    assert "Layers" not in response


def test_update_function_configuration_unknown_function_as_aws(awslambda: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.update_function_configuration(FunctionName="missing", Timeout=5)
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {arn('missing')}")
