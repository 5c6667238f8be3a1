"""CreateFunction, GetFunction, GetFunctionConfiguration, ListFunctions and DeleteFunction through boto3,
against AWS's recorded shapes and messages (the updates are in test_function_updates.py)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.lambda_.conftest import (
    ACCOUNT,
    REGION,
    ROLE,
    code_sha256,
    error_of,
    make_zip,
    members,
    snapshot,
)
from tests.services.lambda_.conftest import function_arn as arn

SUPPORTED_RUNTIMES_MESSAGE = snapshot("test_create_lambda_exceptions")["invalid_runtime_exc"]["Error"]["Message"]
DEPRECATED = ["java8", "go1.x", "provided", "ruby2.7", "nodejs14.x", "python3.7", "dotnetcore3.1", "nodejs12.x"]
ONLY_IN_GETS = {"State", "LastUpdateStatus", "RuntimeVersionConfig"}


def aws(message: str) -> str:
    """A recorded AWS message with the recording's placeholders replaced by this test's account and region."""
    return message.replace("arn:<partition>:lambda:<region>:111111111111:", f"arn:aws:lambda:{REGION}:{ACCOUNT}:")


# -- CreateFunction ---------------------------------------------------------------------------------------------
def test_create_function_returns_201_with_aws_defaults(create_function: Any) -> None:
    package = make_zip()
    response = create_function(FunctionName="defaults", Code={"ZipFile": package})
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert response["FunctionArn"] == arn("defaults")
    assert (response["Timeout"], response["MemorySize"], response["Description"]) == (3, 128, "")
    assert response["Architectures"] == ["x86_64"]
    assert response["EphemeralStorage"] == {"Size": 512}
    assert response["PackageType"] == "Zip"
    assert response["TracingConfig"] == {"Mode": "PassThrough"}
    assert response["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/aws/lambda/defaults"}
    assert response["SnapStart"] == {"ApplyOn": "None", "OptimizationStatus": "Off"}
    assert response["Version"] == "$LATEST"
    assert (response["CodeSize"], response["CodeSha256"]) == (len(package), code_sha256(package))
    assert re.fullmatch(r"arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}",
                        response["RuntimeVersionConfig"]["RuntimeVersionArn"])


def test_create_function_last_modified_and_revision_id_formats(create_function: Any) -> None:
    response = create_function()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000", response["LastModified"])
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", response["RevisionId"])


def test_create_function_response_has_the_members_aws_returns(create_function: Any) -> None:
    recorded = snapshot("TestLambdaVersions::test_publish_version_on_create")["create_response"]
    assert members(create_function()) == members(recorded)


def test_create_function_reports_pending_as_aws_does(create_function: Any) -> None:
    response = create_function()
    assert (response["State"], response["StateReason"], response["StateReasonCode"]) == (
        "Pending", "The function is being created.", "Creating")
    assert "LastUpdateStatus" not in response


def test_create_function_is_active_on_the_first_read(awslambda: Any, create_function: Any) -> None:
    created = create_function()
    config = awslambda.get_function_configuration(FunctionName=created["FunctionName"])
    assert (config["State"], config["LastUpdateStatus"]) == ("Active", "Successful")
    assert config["RevisionId"] == created["RevisionId"]


def test_create_function_echoes_given_settings(create_function: Any) -> None:
    response = create_function(
        Description="orders", Timeout=30, MemorySize=512, Architectures=["arm64"], EphemeralStorage={"Size": 1024},
        TracingConfig={"Mode": "Active"}, Environment={"Variables": {"STAGE": "test"}},
        DeadLetterConfig={"TargetArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq"}, KMSKeyArn=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k",
    )
    assert (response["Description"], response["Timeout"], response["MemorySize"]) == ("orders", 30, 512)
    assert response["Architectures"] == ["arm64"]
    assert response["EphemeralStorage"] == {"Size": 1024}
    assert response["TracingConfig"] == {"Mode": "Active"}
    assert response["Environment"] == {"Variables": {"STAGE": "test"}}
    assert response["DeadLetterConfig"] == {"TargetArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq"}
    assert response["KMSKeyArn"] == f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k"


def test_create_function_json_logging_defaults_levels_to_info(create_function: Any) -> None:
    response = create_function(FunctionName="json-logs", LoggingConfig={"LogFormat": "JSON"})
    recorded = snapshot("TestLoggingConfig::test_function_advanced_logging_configuration")["create_response"]
    expected = recorded["CreateFunctionResponse"]["LoggingConfig"]
    assert response["LoggingConfig"] == {**expected, "LogGroup": "/aws/lambda/json-logs"}


def test_create_function_vpc_config_is_echoed(create_function: Any) -> None:
    response = create_function(VpcConfig={"SubnetIds": ["subnet-0123"], "SecurityGroupIds": ["sg-0123"]})
    vpc = response["VpcConfig"]
    assert (vpc["SubnetIds"], vpc["SecurityGroupIds"], vpc["Ipv6AllowedForDualStack"]) == (
        ["subnet-0123"], ["sg-0123"], False)
    assert vpc["VpcId"].startswith("vpc-")


def test_create_function_with_publish_creates_version_1(awslambda: Any, create_function: Any) -> None:
    created = create_function(Publish=True)
    assert created["Version"] == "1"
    version = awslambda.get_function_configuration(FunctionName=created["FunctionName"], Qualifier="1")
    assert version["FunctionArn"] == arn(created["FunctionName"], "1")
    assert version["CodeSha256"] == created["CodeSha256"]
    assert version["RevisionId"] != awslambda.get_function(FunctionName=created["FunctionName"])[
        "Configuration"]["RevisionId"]


def test_create_function_with_tags_stores_them(awslambda: Any, create_function: Any) -> None:
    name = create_function(Tags={"team": "orders"})["FunctionName"]
    assert awslambda.get_function(FunctionName=name)["Tags"] == {"team": "orders"}


def test_create_function_more_than_50_tags_as_aws(create_function: Any) -> None:
    recorded = snapshot("TestLambdaTags::test_tag_limits")["create_function_invalid_tags"]
    with pytest.raises(ClientError) as excinfo:
        create_function(Tags={f"{i}_key": f"{i}_value" for i in range(51)})
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, recorded["Error"]["Message"])


def test_create_function_with_50_tags_stores_them(awslambda: Any, create_function: Any) -> None:
    tags = {f"{i}_key": f"{i}_value" for i in range(50)}
    name = create_function(Tags=tags)["FunctionName"]
    assert awslambda.list_tags(Resource=arn(name))["Tags"] == tags


def test_create_function_by_partial_arn(awslambda: Any, create_function: Any) -> None:
    created = create_function(FunctionName=f"{ACCOUNT}:function:by-partial-arn")
    assert (created["FunctionName"], created["FunctionArn"]) == ("by-partial-arn", arn("by-partial-arn"))


def test_create_function_by_full_arn(create_function: Any) -> None:
    created = create_function(FunctionName=arn("by-full-arn"))
    assert created["FunctionName"] == "by-full-arn"


def test_create_function_arn_of_another_region_as_aws(create_function: Any) -> None:
    recorded = snapshot("TestLambdaFunction::test_function_arns")["function_arn_other_region_exc"]
    with pytest.raises(ClientError) as excinfo:
        create_function(FunctionName=f"arn:aws:lambda:ap-southeast-1:{ACCOUNT}:function:elsewhere")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, recorded["Error"]["Message"].replace("<region>", REGION))


def test_create_function_arn_of_another_account_is_denied(create_function: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create_function(FunctionName=f"arn:aws:lambda:{REGION}:210987654321:function:theirs")
    assert error_of(excinfo)[:2] == ("AccessDeniedException", 403)


def test_create_function_duplicate_is_a_conflict(create_function: Any) -> None:
    create_function(FunctionName="twice")
    with pytest.raises(ClientError) as excinfo:
        create_function(FunctionName="twice")
    assert error_of(excinfo) == ("ResourceConflictException", 409, "Function already exist: twice")


def test_create_function_unknown_runtime_as_aws(create_function: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create_function(Runtime="non-existent-runtime")
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, SUPPORTED_RUNTIMES_MESSAGE)


def test_create_function_uppercase_runtime_as_aws(create_function: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create_function(Runtime="PYTHON3.9")
    expected = snapshot("test_create_lambda_exceptions")["uppercase_runtime_exc"]["Error"]["Message"]
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, expected)


@pytest.mark.parametrize("runtime", DEPRECATED)
def test_create_function_deprecated_runtime_as_aws(create_function: Any, runtime: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        create_function(Runtime=runtime)
    recorded = snapshot(f"test_create_deprecated_function_runtime_with_validation_enabled[{runtime}]")
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, recorded["deprecation_error"]["Error"]["Message"])


def test_create_function_runtime_newer_than_the_recording_is_accepted(create_function: Any) -> None:
    assert create_function(Runtime="ruby4.0", Handler="app.handler")["Runtime"] == "ruby4.0"


def test_create_function_without_runtime_is_refused(awslambda: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.create_function(FunctionName="no-runtime", Role=ROLE, Handler="app.handler",
                                  Code={"ZipFile": make_zip()})
    assert error_of(excinfo) == ("InvalidParameterValueException", 400,
                                 "Runtime and Handler are mandatory parameters for functions created with deployment packages.")


def test_create_function_invalid_role_is_a_validation_error(create_function: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create_function(Role="r1")
    expected = snapshot("test_create_lambda_exceptions")["invalid_role_arn_exc"]["Error"]["Message"]
    assert error_of(excinfo) == ("ValidationException", 400, expected)


def test_create_function_timeout_over_900_as_aws(create_function: Any) -> None:
    # The model has no maximum; real AWS: "... Value '1200' at 'timeout' ... less than or equal to 900".
    with pytest.raises(ClientError) as excinfo:
        create_function(Timeout=1200)
    assert error_of(excinfo) == ("ValidationException", 400, "1 validation error detected: Value '1200' at 'timeout' "
                                 "failed to satisfy constraint: Member must have value less than or equal to 900")


def test_create_function_memory_over_10240_as_aws(create_function: Any) -> None:
    # The model's maximum (32768) is Lambda Managed Instances'; a function's is 10240.
    with pytest.raises(ClientError) as excinfo:
        create_function(MemorySize=10241)
    assert error_of(excinfo) == ("ValidationException", 400, "1 validation error detected: Value '10241' at "
                                 "'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240")


def test_create_function_name_longer_than_64_as_aws(create_function: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create_function(FunctionName="a" * 65)
    expected = snapshot("TestLambdaFunction::test_function_arns")["long_function_name_exc"]["Error"]["Message"]
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, expected)


def test_create_function_image_package_type_is_refused(awslambda: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.create_function(FunctionName="image", Role=ROLE, PackageType="Image",
                                  Code={"ImageUri": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/fn:latest"})
    code, status, message = error_of(excinfo)
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert "does not support container image functions" in message and "Docker" in message


def test_create_function_image_uri_in_zip_function_is_refused(create_function: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create_function(Code={"ImageUri": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/fn:latest"})
    assert "does not support container image functions" in error_of(excinfo)[2]


def test_create_function_reserved_environment_keys_as_aws(create_function: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create_function(Environment={"Variables": {"AWS_REGION": "x", "MINE": "y", "AWS_LAMBDA_FUNCTION_NAME": "z"}})
    assert error_of(excinfo) == (
        "InvalidParameterValueException", 400,
        "Lambda was unable to configure your environment variables because the environment variables you have "
        "provided contains reserved keys that are currently not supported for modification. Reserved keys used "
        "in this request: AWS_REGION, AWS_LAMBDA_FUNCTION_NAME",
    )


def test_create_function_environment_over_4kb_as_aws(create_function: Any) -> None:
    recorded = snapshot("test_large_environment_fails_multiple_keys")["failured_create_fn_result_multi_key"]
    variables = {"SMALL_VAR": "ok", "LARGE_VAR": "x" * (4097 - len('{"SMALL_VAR":"ok","LARGE_VAR":""}'))}
    with pytest.raises(ClientError) as excinfo:
        create_function(Environment={"Variables": variables})
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, recorded["Error"]["Message"])


def test_create_function_environment_of_exactly_4kb_succeeds(create_function: Any) -> None:
    variables = {"LARGE_VAR": "x" * (4096 - len('{"LARGE_VAR":""}'))}
    assert create_function(Environment={"Variables": variables})["Environment"] == {"Variables": variables}


def test_create_function_more_than_five_layers_as_aws(create_function: Any) -> None:
    layers = [f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:layer{index}:1" for index in range(6)]
    with pytest.raises(ClientError) as excinfo:
        create_function(Layers=layers)
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, "Cannot reference more than 5 layers.")


def test_create_function_unknown_layer_as_aws(create_function: Any) -> None:
    layer = f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:doesnotexist:1"
    with pytest.raises(ClientError) as excinfo:
        create_function(Layers=[layer])
    expected = aws(snapshot("test_layer_function_exceptions")["add_nonexistent_layer_exc"]["Error"]["Message"])
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, expected)


def test_create_function_layer_in_another_region_as_aws(create_function: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create_function(Layers=[f"arn:aws:lambda:eu-west-1:{ACCOUNT}:layer:elsewhere:1"])
    expected = snapshot("test_layer_function_exceptions")["create_function_with_layer_in_different_region"]
    assert error_of(excinfo) == ("InvalidParameterValueException", 400,
                                 expected["Error"]["Message"].replace("<region>", REGION))


def test_create_function_with_layers_lists_arn_and_size(awslambda: Any, create_function: Any) -> None:
    content = make_zip({"python/helpers.py": "X = 1\n"})
    layer = awslambda.publish_layer_version(LayerName="helpers", Content={"ZipFile": content})
    response = create_function(Layers=[layer["LayerVersionArn"]])
    assert response["Layers"] == [{"Arn": layer["LayerVersionArn"], "CodeSize": len(content)}]


def test_create_function_two_versions_of_one_layer_as_aws(awslambda: Any, create_function: Any) -> None:
    first = awslambda.publish_layer_version(LayerName="twice", Content={"ZipFile": make_zip()})["LayerVersionArn"]
    second = awslambda.publish_layer_version(LayerName="twice", Content={"ZipFile": make_zip({"a.py": "1"})})
    with pytest.raises(ClientError) as excinfo:
        create_function(Layers=[first, second["LayerVersionArn"]])
    assert error_of(excinfo)[2] == (
        "Two different versions of the same layer are not allowed to be referenced in the same function. "
        f"{first} and {second['LayerVersionArn']} are versions of the same layer."
    )


# -- GetFunction and GetFunctionConfiguration -------------------------------------------------------------------
def test_get_function_has_the_members_aws_returns(awslambda: Any, create_function: Any) -> None:
    recorded = snapshot("TestLambdaVersions::test_publish_version_on_create")["get_function_result"]
    response = awslambda.get_function(FunctionName=create_function()["FunctionName"])
    assert members(response) == {"Configuration", "Code"}
    assert set(response["Configuration"]) == set(recorded["Configuration"])
    assert response["Code"]["RepositoryType"] == "S3"


@pytest.mark.parametrize("form", ["name", "partial-arn", "full-arn"])
def test_get_function_accepts_every_function_name_form(awslambda: Any, create_function: Any, form: str) -> None:
    name = create_function(FunctionName="forms")["FunctionName"]
    value = {"name": name, "partial-arn": f"{ACCOUNT}:function:{name}", "full-arn": arn(name)}[form]
    assert awslambda.get_function(FunctionName=value)["Configuration"]["FunctionArn"] == arn(name)


@pytest.mark.parametrize("form", ["name:1", "partial-arn:1", "full-arn:1", "qualifier"])
def test_get_function_accepts_every_qualified_form(awslambda: Any, create_function: Any, form: str) -> None:
    name = create_function(FunctionName="qualified", Publish=True)["FunctionName"]
    params = {
        "name:1": {"FunctionName": f"{name}:1"},
        "partial-arn:1": {"FunctionName": f"{ACCOUNT}:function:{name}:1"},
        "full-arn:1": {"FunctionName": arn(name, "1")},
        "qualifier": {"FunctionName": name, "Qualifier": "1"},
    }[form]
    configuration = awslambda.get_function(**params)["Configuration"]
    assert (configuration["FunctionArn"], configuration["Version"]) == (arn(name, "1"), "1")


def test_get_function_derived_qualifier_mismatch_as_aws(awslambda: Any) -> None:
    recorded = snapshot("test_ops_with_arn_qualifier_mismatch[get_function]")["not_match_exception"]
    with pytest.raises(ClientError) as excinfo:
        awslambda.get_function(FunctionName=arn("some-function", "1"), Qualifier="$LATEST")
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, recorded["Error"]["Message"])


def test_get_function_matching_qualifiers_of_missing_function_as_aws(awslambda: Any) -> None:
    recorded = snapshot("test_ops_with_arn_qualifier_mismatch[get_function]")["match_exception"]
    with pytest.raises(ClientError) as excinfo:
        awslambda.get_function(FunctionName=arn("some-function", "$LATEST"), Qualifier="$LATEST")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, aws(recorded["Error"]["Message"]))


def test_get_function_unknown_function_as_aws(awslambda: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.get_function(FunctionName="i-dont-exist")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {arn('i-dont-exist')}")
    assert excinfo.value.response["Type"] == "User"


def test_get_function_unknown_version_as_aws(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    with pytest.raises(ClientError) as excinfo:
        awslambda.get_function(FunctionName=name, Qualifier="1221")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {arn(name, '1221')}")


def test_get_function_arn_of_another_region_as_aws(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    with pytest.raises(ClientError) as excinfo:
        awslambda.get_function(FunctionName=f"arn:aws:lambda:eu-central-1:{ACCOUNT}:function:{name}")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404,
                                 f"Functions from 'eu-central-1' are not reachable in this region ('{REGION}')")


def test_get_function_latest_qualifier_gives_a_qualified_arn(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    configuration = awslambda.get_function(FunctionName=name, Qualifier="$LATEST")["Configuration"]
    assert configuration["FunctionArn"] == arn(name, "$LATEST")


def test_get_function_by_alias_shows_its_version_under_the_alias_arn(awslambda: Any, create_function: Any) -> None:
    name = create_function(Publish=True)["FunctionName"]
    awslambda.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    configuration = awslambda.get_function(FunctionName=f"{name}:live")["Configuration"]
    assert (configuration["FunctionArn"], configuration["Version"]) == (arn(name, "live"), "1")


def test_get_function_without_tags_has_no_tags_member(awslambda: Any, create_function: Any) -> None:
    assert "Tags" not in awslambda.get_function(FunctionName=create_function()["FunctionName"])


def test_get_function_shows_reserved_concurrency(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    awslambda.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=5)
    assert awslambda.get_function(FunctionName=name)["Concurrency"] == {"ReservedConcurrentExecutions": 5}


def test_get_function_configuration_is_get_functions_configuration(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    configuration = awslambda.get_function_configuration(FunctionName=name)
    del configuration["ResponseMetadata"]
    assert configuration == awslambda.get_function(FunctionName=name)["Configuration"]


def test_get_function_configuration_unknown_version_as_aws(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    with pytest.raises(ClientError) as excinfo:
        awslambda.get_function_configuration(FunctionName=name, Qualifier="1221")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {arn(name, '1221')}")


# -- waiters ----------------------------------------------------------------------------------------------------
FIRST_POLL_ONLY = {"Delay": 1, "MaxAttempts": 1}


@pytest.mark.parametrize("waiter", ["function_exists", "function_active_v2", "function_active", "function_updated_v2"])
def test_waiter_passes_on_its_first_poll_after_create(awslambda: Any, create_function: Any, waiter: str) -> None:
    name = create_function()["FunctionName"]
    awslambda.get_waiter(waiter).wait(FunctionName=name, WaiterConfig=FIRST_POLL_ONLY)


def test_waiter_function_updated_v2_passes_on_its_first_poll_after_update(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    awslambda.update_function_configuration(FunctionName=name, Timeout=10)
    awslambda.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig=FIRST_POLL_ONLY)


def test_waiter_published_version_active_passes_on_its_first_poll(awslambda: Any, create_function: Any) -> None:
    name = create_function(Publish=True)["FunctionName"]
    awslambda.get_waiter("published_version_active").wait(FunctionName=name, Qualifier="1",
                                                          WaiterConfig=FIRST_POLL_ONLY)


# -- ListFunctions ----------------------------------------------------------------------------------------------
def test_list_functions_lists_latest_without_state_members(awslambda: Any, create_function: Any) -> None:
    recorded = snapshot("TestLambdaFunction::test_list_functions")["list_default"]["Functions"][0]
    create_function(FunctionName="listed", Environment={"Variables": {}})
    (listed,) = awslambda.list_functions()["Functions"]
    assert set(listed) == set(recorded)
    assert listed["FunctionArn"] == arn("listed")


def test_list_functions_all_versions_qualifies_latest(awslambda: Any, create_function: Any) -> None:
    create_function(FunctionName="a-versions", Publish=True)
    create_function(FunctionName="b-latest-only")
    listed = awslambda.list_functions(FunctionVersion="ALL")["Functions"]
    assert [entry["FunctionArn"] for entry in listed] == [
        arn("a-versions", "$LATEST"), arn("a-versions", "1"), arn("b-latest-only", "$LATEST")]


def test_list_functions_paginator_walks_every_page(awslambda: Any, create_function: Any) -> None:
    names = [create_function(FunctionName=f"page-{index}")["FunctionName"] for index in range(5)]
    pages = list(awslambda.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 2}))
    assert [len(page["Functions"]) for page in pages] == [2, 2, 1]
    assert [entry["FunctionName"] for page in pages for entry in page["Functions"]] == names


def test_list_functions_marker_survives_deleting_the_next_function(awslambda: Any, create_function: Any) -> None:
    for index in range(3):
        create_function(FunctionName=f"gone-{index}")
    first = awslambda.list_functions(MaxItems=1)
    awslambda.delete_function(FunctionName="gone-1")
    rest = awslambda.list_functions(Marker=first["NextMarker"])
    assert [entry["FunctionName"] for entry in rest["Functions"]] == ["gone-2"]
    assert "NextMarker" not in rest


def test_list_functions_invalid_function_version_as_aws(awslambda: Any) -> None:
    recorded = snapshot("TestLambdaFunction::test_list_functions")["list_functions_invalid_functionversion"]
    with pytest.raises(ClientError) as excinfo:
        awslambda.list_functions(FunctionVersion="invalid")
    assert error_of(excinfo) == ("ValidationException", 400, recorded["Error"]["Message"])


def test_list_functions_invalid_marker_is_refused(awslambda: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.list_functions(Marker="not-a-marker")
    assert error_of(excinfo)[:2] == ("InvalidParameterValueException", 400)


def test_list_functions_master_region_is_ignored(awslambda: Any, create_function: Any) -> None:
    create_function()
    assert len(awslambda.list_functions(MasterRegion="us-east-1", FunctionVersion="ALL")["Functions"]) == 1


# -- DeleteFunction ---------------------------------------------------------------------------------------------
def test_delete_function_returns_204_and_removes_it(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    response = awslambda.delete_function(FunctionName=name)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert awslambda.list_functions()["Functions"] == []


def test_delete_function_twice_as_aws(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    awslambda.delete_function(FunctionName=name)
    with pytest.raises(ClientError) as excinfo:
        awslambda.delete_function(FunctionName=name)
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {arn(name)}")


def test_delete_function_latest_qualifier_as_aws(awslambda: Any) -> None:
    recorded = snapshot("test_ops_with_arn_qualifier_mismatch[delete_function]")["match_exception"]
    with pytest.raises(ClientError) as excinfo:
        awslambda.delete_function(FunctionName=arn("some-function", "$LATEST"), Qualifier="$LATEST")
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, recorded["Error"]["Message"])


def test_delete_function_derived_qualifier_mismatch_as_aws(awslambda: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.delete_function(FunctionName=arn("some-function", "1"), Qualifier="$LATEST")
    assert error_of(excinfo) == ("InvalidParameterValueException", 400,
                                 "The derived qualifier from the function name does not match the specified qualifier.")


def test_delete_function_one_version_keeps_the_rest(awslambda: Any, create_function: Any) -> None:
    name = create_function(Publish=True)["FunctionName"]
    awslambda.update_function_code(FunctionName=name, ZipFile=make_zip({"v2.py": "2"}), Publish=True)
    awslambda.delete_function(FunctionName=name, Qualifier="1")
    versions = awslambda.list_functions(FunctionVersion="ALL")["Functions"]
    assert [entry["Version"] for entry in versions] == ["$LATEST", "2"]


def test_delete_function_missing_version_is_idempotent_as_aws(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    for _ in range(2):
        assert awslambda.delete_function(FunctionName=name, Qualifier="1233")["ResponseMetadata"][
            "HTTPStatusCode"] == 204


def test_delete_function_version_of_missing_function_names_the_function(awslambda: Any) -> None:
    recorded = snapshot("test_delete_on_nonexisting_version")["delete_function_response_non_existent_with_qualifier"]
    with pytest.raises(ClientError) as excinfo:
        awslambda.delete_function(FunctionName="i-exist-not", Qualifier="1233")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404,
                                 aws(recorded["Error"]["Message"]).replace("<fn-name>", "i-exist-not"))


def test_delete_function_alias_qualifier_as_aws(awslambda: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.delete_function(FunctionName="my-function", Qualifier="a" * 65)
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, "Deletion of aliases is not currently supported.")


def test_delete_function_version_an_alias_uses_is_a_conflict(awslambda: Any, create_function: Any) -> None:
    # AWS: "Unable to delete version because the following aliases reference it: [live]" (409).
    name = create_function(Publish=True)["FunctionName"]
    awslambda.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    with pytest.raises(ClientError) as excinfo:
        awslambda.delete_function(FunctionName=name, Qualifier="1")
    assert error_of(excinfo) == ("ResourceConflictException", 409,
                                 "Unable to delete version because the following aliases reference it: [live]")


# -- the AWS CLI ------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_aws_cli_creates_lists_gets_and_deletes_a_function(mocklambda: Any, tmp_path: Path) -> None:
    package = tmp_path / "function.zip"
    package.write_bytes(make_zip())
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": REGION}

    def aws_cli(*args: str) -> str:
        command = [sys.executable, "-m", "awscli", "--endpoint-url", mocklambda.endpoint_url, "--output", "json",
                   "lambda", *args]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    aws_cli("create-function", "--function-name", "cli-fn", "--runtime", "python3.12", "--role", ROLE,
            "--handler", "app.handler", "--zip-file", f"fileb://{package}")
    assert '"cli-fn"' in aws_cli("list-functions")
    assert code_sha256(package.read_bytes()) in aws_cli("get-function", "--function-name", "cli-fn")
    aws_cli("delete-function", "--function-name", "cli-fn")
    assert '"Functions": []' in aws_cli("list-functions")
