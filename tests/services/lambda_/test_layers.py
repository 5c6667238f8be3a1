"""Layers through boto3: publishing, reading, listing, deleting, and layer version policies.

Expected messages are AWS's own, as recorded in lambda___test_lambda_api.snapshot.json (TestLambdaLayer).
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.lambda_.conftest import ACCOUNT, REGION, error_of, make_zip, snapshot

NO_SUCH_RESOURCE = "The resource you requested does not exist."


def layer_arn(name: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:lambda:{REGION}:{account}:layer:{name}"


@pytest.fixture
def publish(awslambda) -> Callable[..., dict[str, Any]]:
    """publish(name, **overrides) -> PublishLayerVersion's response, with a small zip by default."""

    def run(name: str = "my-layer", **overrides: Any) -> dict[str, Any]:
        params: dict[str, Any] = {"LayerName": name, "Content": {"ZipFile": make_zip({"python/lib.py": "X = 1\n"})}}
        params.update(overrides)
        return awslambda.publish_layer_version(**params)

    return run


# -- PublishLayerVersion ------------------------------------------------------------------------------------
def test_publish_layer_version_returns_version_1_with_arns(publish) -> None:
    response = publish("my-layer", CompatibleRuntimes=["python3.12"], CompatibleArchitectures=["x86_64"])

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert response["Version"] == 1
    assert response["LayerArn"] == layer_arn("my-layer")
    assert response["LayerVersionArn"] == layer_arn("my-layer") + ":1"
    assert response["Description"] == ""
    assert response["CompatibleRuntimes"] == ["python3.12"]
    assert response["CompatibleArchitectures"] == ["x86_64"]


def test_publish_layer_version_has_the_members_aws_returns(publish) -> None:
    recorded = snapshot("TestLambdaLayer::test_layer_lifecycle")["publish_result"]

    response = publish(
        CompatibleRuntimes=["python3.12"], CompatibleArchitectures=["x86_64"], Description="d", LicenseInfo="MIT"
    )

    assert set(response) == set(recorded)
    assert set(response["Content"]) == set(recorded["Content"])


def test_publish_layer_version_content_is_sha256_and_size_of_the_zip(publish) -> None:
    data = make_zip({"python/lib.py": "Y = 2\n"})

    content = publish(Content={"ZipFile": data})["Content"]

    assert content["CodeSha256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert content["CodeSize"] == len(data)


def test_publish_layer_version_location_downloads_the_zip(publish) -> None:
    data = make_zip({"python/lib.py": "Z = 3\n"})

    location = publish(Content={"ZipFile": data})["Content"]["Location"]

    with urllib.request.urlopen(location, timeout=5) as download:  # noqa: S310 - the mock's own URL
        assert download.read() == data


def test_publish_layer_version_created_date_has_aws_format(publish) -> None:
    created = publish()["CreatedDate"]

    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000", created)


def test_publish_layer_version_numbers_count_up_per_layer(publish) -> None:
    publish("first")
    publish("first")

    assert publish("first")["Version"] == 3
    assert publish("second")["Version"] == 1


def test_publish_layer_version_omits_compatibilities_not_given(publish) -> None:
    recorded = snapshot("TestLambdaLayer::test_layer_s3_content")["publish_layer_result"]

    response = publish()

    assert "CompatibleRuntimes" not in response and "CompatibleRuntimes" not in recorded
    assert "CompatibleArchitectures" not in response and "LicenseInfo" not in response


def test_publish_layer_version_keeps_empty_compatibility_lists(publish) -> None:
    recorded = snapshot("TestLambdaLayer::test_layer_exceptions")["publish_empty_result"]

    response = publish(CompatibleRuntimes=[], CompatibleArchitectures=[])

    assert response["CompatibleRuntimes"] == recorded["CompatibleRuntimes"] == []
    assert response["CompatibleArchitectures"] == recorded["CompatibleArchitectures"] == []


def test_publish_layer_version_accepts_a_layer_arn_as_name(publish) -> None:
    response = publish(layer_arn("by-arn"))

    assert response["LayerVersionArn"] == layer_arn("by-arn") + ":1"


def test_publish_layer_version_not_a_zip_is_refused(publish) -> None:
    with pytest.raises(ClientError) as excinfo:
        publish(Content={"ZipFile": b"not a zip"})

    assert error_of(excinfo) == (
        "InvalidParameterValueException", 400,
        "Could not unzip uploaded file. Please check your file, then try to upload again.",
    )


def test_publish_layer_version_missing_s3_bucket_is_refused(publish) -> None:
    with pytest.raises(ClientError) as excinfo:
        publish(Content={"S3Bucket": "no-such-bucket", "S3Key": "layer.zip"})

    assert error_of(excinfo) == (
        "InvalidParameterValueException", 400,
        "Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket "
        "does not exist",
    )


def test_publish_layer_version_unknown_runtime_is_validation_error(publish) -> None:
    with pytest.raises(ClientError) as excinfo:
        publish(CompatibleRuntimes=["invalidruntime"])

    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith(
        "1 validation error detected: Value '[invalidruntime]' at 'compatibleRuntimes' failed to satisfy constraint"
    )


# -- GetLayerVersion / GetLayerVersionByArn -----------------------------------------------------------------
def test_get_layer_version_returns_what_was_published(awslambda, publish) -> None:
    published = publish(CompatibleRuntimes=["python3.12"], Description="libs", LicenseInfo="MIT")

    response = awslambda.get_layer_version(LayerName="my-layer", VersionNumber=1)

    for member in ("LayerArn", "LayerVersionArn", "Version", "Description", "LicenseInfo", "CreatedDate",
                   "CompatibleRuntimes", "Content"):
        assert response[member] == published[member]


def test_get_layer_version_accepts_a_layer_arn(awslambda, publish) -> None:
    publish()

    response = awslambda.get_layer_version(LayerName=layer_arn("my-layer"), VersionNumber=1)

    assert response["Version"] == 1


def test_get_layer_version_unknown_layer_is_not_found(awslambda) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.get_layer_version(LayerName="doesnotexist", VersionNumber=1)

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, NO_SUCH_RESOURCE)
    assert excinfo.value.response["Type"] == "User"


def test_get_layer_version_unknown_version_is_not_found(awslambda, publish) -> None:
    publish()

    with pytest.raises(ClientError) as excinfo:
        awslambda.get_layer_version(LayerName="my-layer", VersionNumber=2)

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, NO_SUCH_RESOURCE)


@pytest.mark.parametrize("number", [0, -1])
def test_get_layer_version_below_1_is_invalid(awslambda, publish, number: int) -> None:
    publish()

    with pytest.raises(ClientError) as excinfo:
        awslambda.get_layer_version(LayerName="my-layer", VersionNumber=number)

    assert error_of(excinfo) == ("InvalidParameterValueException", 400, "Layer Version Cannot be less than 1")


def test_get_layer_version_by_arn_returns_the_version(awslambda, publish) -> None:
    publish()
    second = publish()

    response = awslambda.get_layer_version_by_arn(Arn=second["LayerVersionArn"])

    assert (response["Version"], response["Content"]["CodeSha256"]) == (2, second["Content"]["CodeSha256"])


def test_get_layer_version_by_arn_unknown_version_is_not_found(awslambda, publish) -> None:
    publish()

    with pytest.raises(ClientError) as excinfo:
        awslambda.get_layer_version_by_arn(Arn=layer_arn("my-layer") + ":9")

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, NO_SUCH_RESOURCE)


def test_get_layer_version_by_arn_without_version_is_validation_error(awslambda, publish) -> None:
    publish()

    with pytest.raises(ClientError) as excinfo:
        awslambda.get_layer_version_by_arn(Arn=layer_arn("my-layer"))

    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith(
        f"1 validation error detected: Value '{layer_arn('my-layer')}' at 'arn' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern:"
    )


def test_get_layer_version_by_arn_reads_another_accounts_layer(client, publish) -> None:
    other = client("lambda", aws_access_key_id="210987654321", aws_secret_access_key="secret")
    shared = other.publish_layer_version(LayerName="shared", Content={"ZipFile": make_zip()})

    response = client("lambda").get_layer_version_by_arn(Arn=shared["LayerVersionArn"])

    assert response["LayerArn"] == layer_arn("shared", account="210987654321")


# -- ListLayers ---------------------------------------------------------------------------------------------
def test_list_layers_shows_the_latest_version_of_each_layer(awslambda, publish) -> None:
    publish("alpha")
    publish("alpha", Description="second")
    publish("beta")

    layers = awslambda.list_layers()["Layers"]

    assert [(layer["LayerName"], layer["LatestMatchingVersion"]["Version"]) for layer in layers] == [
        ("alpha", 2), ("beta", 1)
    ]
    assert layers[0]["LayerArn"] == layer_arn("alpha")
    assert layers[0]["LatestMatchingVersion"]["Description"] == "second"
    assert layers[0]["LatestMatchingVersion"]["LayerVersionArn"] == layer_arn("alpha") + ":2"


def test_list_layers_filters_by_compatible_runtime(awslambda, publish) -> None:
    publish("alpha", CompatibleRuntimes=["python3.12"])
    publish("alpha", CompatibleRuntimes=["nodejs20.x"])
    publish("beta", CompatibleRuntimes=["nodejs20.x"])

    layers = awslambda.list_layers(CompatibleRuntime="python3.12")["Layers"]

    assert [(layer["LayerName"], layer["LatestMatchingVersion"]["Version"]) for layer in layers] == [("alpha", 1)]


def test_list_layers_filters_by_compatible_architecture(awslambda, publish) -> None:
    publish("alpha", CompatibleArchitectures=["arm64"])
    publish("beta", CompatibleArchitectures=["x86_64", "arm64"])
    publish("gamma")  # no architectures declared: matches no architecture filter

    layers = awslambda.list_layers(CompatibleArchitecture="x86_64")["Layers"]

    assert [layer["LayerName"] for layer in layers] == ["beta"]


def test_list_layers_unknown_runtime_is_validation_error(awslambda) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.list_layers(CompatibleRuntime="runtimedoesnotexist")

    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith(
        "1 validation error detected: Value 'runtimedoesnotexist' at 'compatibleRuntime' failed to satisfy "
        "constraint: Member must satisfy enum value set: ["
    )


def test_list_layers_unknown_architecture_is_validation_error(awslambda) -> None:
    recorded = snapshot("TestLambdaLayer::test_layer_exceptions")["list_layers_exc_compatiblearchitecture_invalid"]

    with pytest.raises(ClientError) as excinfo:
        awslambda.list_layers(CompatibleArchitecture="archdoesnotexist")

    assert error_of(excinfo) == ("ValidationException", 400, recorded["Error"]["Message"])


def test_list_layers_leaves_out_layers_whose_versions_are_all_deleted(awslambda, publish) -> None:
    publish("alpha")
    publish("beta")
    awslambda.delete_layer_version(LayerName="alpha", VersionNumber=1)

    assert [layer["LayerName"] for layer in awslambda.list_layers()["Layers"]] == ["beta"]


def test_list_layers_paginator_walks_every_layer(awslambda, publish) -> None:
    for name in ("a", "b", "c", "d", "e"):
        publish(name)

    pages = list(awslambda.get_paginator("list_layers").paginate(PaginationConfig={"PageSize": 2}))

    assert [[layer["LayerName"] for layer in page["Layers"]] for page in pages] == [["a", "b"], ["c", "d"], ["e"]]
    assert "NextMarker" not in pages[-1]


# -- ListLayerVersions --------------------------------------------------------------------------------------
def test_list_layer_versions_lists_newest_first(awslambda, publish) -> None:
    publish(Description="one", LicenseInfo="MIT")
    publish(Description="two", LicenseInfo="MIT")

    versions = awslambda.list_layer_versions(LayerName="my-layer")["LayerVersions"]

    assert [version["Version"] for version in versions] == [2, 1]
    assert versions[0]["LayerVersionArn"] == layer_arn("my-layer") + ":2"
    assert (versions[0]["Description"], versions[0]["LicenseInfo"]) == ("two", "MIT")
    assert "Content" not in versions[0] and "LayerArn" not in versions[0]


def test_list_layer_versions_unknown_layer_is_empty(awslambda) -> None:
    recorded = snapshot("TestLambdaLayer::test_layer_exceptions")["list_nonexistent_layer"]

    response = awslambda.list_layer_versions(LayerName="doesnotexist")

    assert response["LayerVersions"] == recorded["LayerVersions"] == []


def test_list_layer_versions_filters_by_compatible_runtime(awslambda, publish) -> None:
    publish(CompatibleRuntimes=["python3.12"])
    publish(CompatibleRuntimes=["nodejs20.x"])
    publish(CompatibleRuntimes=["python3.12", "python3.13"])

    versions = awslambda.list_layer_versions(LayerName="my-layer", CompatibleRuntime="python3.12")["LayerVersions"]

    assert [version["Version"] for version in versions] == [3, 1]


def test_list_layer_versions_paginator_walks_every_version(awslambda, publish) -> None:
    for _ in range(5):
        publish()

    paginator = awslambda.get_paginator("list_layer_versions")
    pages = list(paginator.paginate(LayerName="my-layer", PaginationConfig={"PageSize": 2}))

    assert [[version["Version"] for version in page["LayerVersions"]] for page in pages] == [[5, 4], [3, 2], [1]]


# -- DeleteLayerVersion -------------------------------------------------------------------------------------
def test_delete_layer_version_removes_only_that_version(awslambda, publish) -> None:
    publish()
    publish()

    response = awslambda.delete_layer_version(LayerName="my-layer", VersionNumber=1)

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    versions = awslambda.list_layer_versions(LayerName="my-layer")["LayerVersions"]
    assert [version["Version"] for version in versions] == [2]


def test_delete_layer_version_unknown_layer_succeeds(awslambda) -> None:
    response = awslambda.delete_layer_version(LayerName="doesnotexist", VersionNumber=1)

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_delete_layer_version_twice_succeeds(awslambda, publish) -> None:
    publish()
    awslambda.delete_layer_version(LayerName="my-layer", VersionNumber=1)

    response = awslambda.delete_layer_version(LayerName="my-layer", VersionNumber=1)

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_delete_layer_version_below_1_is_invalid(awslambda) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.delete_layer_version(LayerName="my-layer", VersionNumber=0)

    assert error_of(excinfo) == ("InvalidParameterValueException", 400, "Layer Version Cannot be less than 1")


def test_delete_layer_version_then_get_is_not_found(awslambda, publish) -> None:
    publish()
    awslambda.delete_layer_version(LayerName="my-layer", VersionNumber=1)

    with pytest.raises(ClientError) as excinfo:
        awslambda.get_layer_version(LayerName="my-layer", VersionNumber=1)

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, NO_SUCH_RESOURCE)


def test_publish_layer_version_after_deleting_all_never_reuses_a_number(awslambda, publish) -> None:
    publish()
    publish()
    awslambda.delete_layer_version(LayerName="my-layer", VersionNumber=1)
    awslambda.delete_layer_version(LayerName="my-layer", VersionNumber=2)

    assert publish()["Version"] == 3


# -- layer version policies ---------------------------------------------------------------------------------
def add_permission(awslambda, sid: str = "s1", **overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "LayerName": "my-layer", "VersionNumber": 1, "StatementId": sid,
        "Action": "lambda:GetLayerVersion", "Principal": "*",
    }
    params.update(overrides)
    return awslambda.add_layer_version_permission(**params)


def test_add_layer_version_permission_returns_the_statement(awslambda, publish) -> None:
    publish()

    response = add_permission(awslambda)

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert json.loads(response["Statement"]) == {
        "Sid": "s1", "Effect": "Allow", "Principal": "*", "Action": "lambda:GetLayerVersion",
        "Resource": layer_arn("my-layer") + ":1",
    }
    assert response["RevisionId"]


def test_add_layer_version_permission_account_principal_becomes_its_root(awslambda, publish) -> None:
    publish()

    response = add_permission(awslambda, Principal="210987654321")

    assert json.loads(response["Statement"])["Principal"] == {"AWS": "arn:aws:iam::210987654321:root"}


def test_add_layer_version_permission_organization_becomes_a_condition(awslambda, publish) -> None:
    publish()

    response = add_permission(awslambda, OrganizationId="o-abcdefghij")

    assert json.loads(response["Statement"])["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}


def test_get_layer_version_policy_lists_every_statement(awslambda, publish) -> None:
    publish()
    add_permission(awslambda, "s1")
    second = add_permission(awslambda, "s2")

    response = awslambda.get_layer_version_policy(LayerName="my-layer", VersionNumber=1)

    policy = json.loads(response["Policy"])
    assert (policy["Version"], policy["Id"]) == ("2012-10-17", "default")
    assert [statement["Sid"] for statement in policy["Statement"]] == ["s1", "s2"]
    assert response["RevisionId"] == second["RevisionId"]


def test_get_layer_version_policy_without_policy_is_not_found(awslambda, publish) -> None:
    publish()

    with pytest.raises(ClientError) as excinfo:
        awslambda.get_layer_version_policy(LayerName="my-layer", VersionNumber=1)

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, "No policy is associated with the given resource.")


def test_remove_layer_version_permission_removes_the_statement(awslambda, publish) -> None:
    publish()
    add_permission(awslambda, "s1")
    added = add_permission(awslambda, "s2")

    response = awslambda.remove_layer_version_permission(LayerName="my-layer", VersionNumber=1, StatementId="s2")

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    policy = awslambda.get_layer_version_policy(LayerName="my-layer", VersionNumber=1)
    assert [statement["Sid"] for statement in json.loads(policy["Policy"])["Statement"]] == ["s1"]
    assert policy["RevisionId"] != added["RevisionId"]


def test_remove_layer_version_permission_of_the_last_statement_leaves_no_policy(awslambda, publish) -> None:
    publish()
    add_permission(awslambda, "s1")
    awslambda.remove_layer_version_permission(LayerName="my-layer", VersionNumber=1, StatementId="s1")

    with pytest.raises(ClientError) as excinfo:
        awslambda.get_layer_version_policy(LayerName="my-layer", VersionNumber=1)

    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_add_layer_version_permission_duplicate_statement_is_a_conflict(awslambda, publish) -> None:
    publish()
    add_permission(awslambda, "s1")

    with pytest.raises(ClientError) as excinfo:
        add_permission(awslambda, "s1")

    assert error_of(excinfo) == (
        "ResourceConflictException", 409,
        "The statement id (s1) provided already exists. Please provide a new statement id, or remove the existing "
        "statement.",
    )


WRONG_REVISION = (
    "PreconditionFailedException", 412,
    "The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the "
    "latest Revision Id",
)


def test_add_layer_version_permission_wrong_revision_fails_precondition(awslambda, publish) -> None:
    publish()
    add_permission(awslambda, "s1")

    with pytest.raises(ClientError) as excinfo:
        add_permission(awslambda, "s2", RevisionId="wrong")

    assert error_of(excinfo) == WRONG_REVISION


def test_add_layer_version_permission_current_revision_is_accepted(awslambda, publish) -> None:
    publish()
    first = add_permission(awslambda, "s1")

    response = add_permission(awslambda, "s2", RevisionId=first["RevisionId"])

    assert response["RevisionId"] != first["RevisionId"]


def test_remove_layer_version_permission_wrong_revision_fails_precondition(awslambda, publish) -> None:
    publish()
    add_permission(awslambda, "s1")

    with pytest.raises(ClientError) as excinfo:
        awslambda.remove_layer_version_permission(
            LayerName="my-layer", VersionNumber=1, StatementId="s1", RevisionId="wrong"
        )

    assert error_of(excinfo) == WRONG_REVISION


def test_remove_layer_version_permission_unknown_statement_is_not_found(awslambda, publish) -> None:
    publish()
    add_permission(awslambda, "s1")

    with pytest.raises(ClientError) as excinfo:
        awslambda.remove_layer_version_permission(LayerName="my-layer", VersionNumber=1, StatementId="doesnotexist")

    assert error_of(excinfo) == (
        "ResourceNotFoundException", 404, "Statement doesnotexist is not found in resource policy."
    )


def test_add_layer_version_permission_other_action_is_validation_error(awslambda, publish) -> None:
    recorded = snapshot("TestLambdaLayer::test_layer_policy_exceptions")["layer_permission_action_invalid"]
    publish()

    with pytest.raises(ClientError) as excinfo:
        add_permission(awslambda, Action="*")

    assert error_of(excinfo) == ("ValidationException", 400, recorded["Error"]["Message"])


@pytest.mark.parametrize("operation", ["add", "get", "remove"])
@pytest.mark.parametrize(("layer", "number"), [("doesnotexist", 1), ("my-layer", 2)])
def test_layer_version_policy_of_unknown_version_is_not_found(
    awslambda, publish, operation: str, layer: str, number: int
) -> None:
    publish()
    calls = {
        "add": lambda: add_permission(awslambda, LayerName=layer, VersionNumber=number),
        "get": lambda: awslambda.get_layer_version_policy(LayerName=layer, VersionNumber=number),
        "remove": lambda: awslambda.remove_layer_version_permission(
            LayerName=layer, VersionNumber=number, StatementId="s1"
        ),
    }

    with pytest.raises(ClientError) as excinfo:
        calls[operation]()

    assert error_of(excinfo) == (
        "ResourceNotFoundException", 404, f"Layer version {layer_arn(layer)}:{number} does not exist."
    )
    assert excinfo.value.response["Message"] == excinfo.value.response["Error"]["Message"]
