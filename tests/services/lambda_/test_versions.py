"""PublishVersion and ListVersionsByFunction through boto3, against AWS's recorded responses and messages."""
from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.lambda_.conftest import ACCOUNT, error_of, make_zip, snapshot
from tests.services.lambda_.conftest import function_arn as arn

STATE_MEMBERS = {"State", "StateReason", "StateReasonCode", "LastUpdateStatus", "RuntimeVersionConfig"}


def recorded(key: str) -> dict[str, Any]:
    return snapshot("TestLambdaVersions::test_version_lifecycle")[key]


# --- PublishVersion ---


def test_publish_version_creates_version_1(awslambda, create_function):
    name = create_function()["FunctionName"]

    response = awslambda.publish_version(FunctionName=name)

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert response["Version"] == "1"
    assert response["FunctionArn"] == arn(name, "1")
    assert (response["State"], response["LastUpdateStatus"]) == ("Active", "Successful")


def test_publish_version_response_has_aws_members(awslambda, create_function):
    name = create_function()["FunctionName"]

    response = awslambda.publish_version(FunctionName=name)

    expected = set(recorded("first_publish_response")) - {"ResponseMetadata"}
    assert set(response) - {"ResponseMetadata"} == expected


def test_publish_version_keeps_latest_code_and_configuration(awslambda, create_function):
    created = create_function(Timeout=7, MemorySize=256, Environment={"Variables": {"MODE": "test"}})

    response = awslambda.publish_version(FunctionName=created["FunctionName"])

    for member in ("CodeSha256", "CodeSize", "Timeout", "MemorySize", "Environment", "Handler", "Runtime"):
        assert response[member] == created[member]


def test_publish_version_gets_its_own_revision_id(awslambda, create_function):
    name = create_function()["FunctionName"]
    latest = awslambda.get_function_configuration(FunctionName=name)

    response = awslambda.publish_version(FunctionName=name)

    assert response["RevisionId"] != latest["RevisionId"]


def test_publish_version_renews_latest_revision_id(awslambda, create_function):
    # AWS: "publish_version changes the revision id of $LATEST" (TestLambdaRevisions).
    name = create_function()["FunctionName"]
    before = awslambda.get_function_configuration(FunctionName=name)["RevisionId"]

    awslambda.publish_version(FunctionName=name)

    assert awslambda.get_function_configuration(FunctionName=name)["RevisionId"] != before


def test_publish_version_unchanged_returns_existing_version(awslambda, create_function):
    name = create_function()["FunctionName"]
    first = awslambda.publish_version(FunctionName=name)

    again = awslambda.publish_version(FunctionName=name)

    assert again["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert (again["Version"], again["RevisionId"]) == ("1", first["RevisionId"])
    assert [v["Version"] for v in awslambda.list_versions_by_function(FunctionName=name)["Versions"]] == [
        "$LATEST",
        "1",
    ]


def test_publish_version_unchanged_keeps_latest_revision_id(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.publish_version(FunctionName=name)
    before = awslambda.get_function_configuration(FunctionName=name)["RevisionId"]

    awslambda.publish_version(FunctionName=name)

    assert awslambda.get_function_configuration(FunctionName=name)["RevisionId"] == before


def test_publish_version_new_description_alone_returns_existing_version(awslambda, create_function):
    # Recorded: a third publish with only a new Description returned version 2 with its old description.
    name = create_function()["FunctionName"]
    awslambda.publish_version(FunctionName=name, Description="first")

    again = awslambda.publish_version(FunctionName=name, Description="other")

    assert (again["Version"], again["Description"]) == ("1", "first")


def test_publish_version_description(awslambda, create_function):
    name = create_function(Description="function")["FunctionName"]

    response = awslambda.publish_version(FunctionName=name, Description="version one")

    assert response["Description"] == "version one"
    assert awslambda.get_function_configuration(FunctionName=name)["Description"] == "function"


def test_publish_version_description_defaults_to_latest_description(awslambda, create_function):
    name = create_function(Description="from $LATEST")["FunctionName"]

    assert awslambda.publish_version(FunctionName=name)["Description"] == "from $LATEST"


def test_publish_version_after_configuration_change_publishes_next_version(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.publish_version(FunctionName=name)
    awslambda.update_function_configuration(FunctionName=name, Description="changed")
    awslambda.get_waiter("function_updated_v2").wait(FunctionName=name)

    response = awslambda.publish_version(FunctionName=name)

    assert (response["Version"], response["Description"]) == ("2", "changed")


def test_publish_version_after_code_change_publishes_next_version(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.publish_version(FunctionName=name)
    new_zip = make_zip({"app.py": "def handler(event, context):\n    return 2\n"})
    updated = awslambda.update_function_code(FunctionName=name, ZipFile=new_zip)
    awslambda.get_waiter("function_updated_v2").wait(FunctionName=name)

    response = awslambda.publish_version(FunctionName=name)

    assert (response["Version"], response["CodeSha256"]) == ("2", updated["CodeSha256"])


def test_publish_version_leaves_earlier_version_unchanged(awslambda, create_function):
    name = create_function(Timeout=3)["FunctionName"]
    awslambda.publish_version(FunctionName=name)
    awslambda.update_function_configuration(FunctionName=name, Timeout=30)
    awslambda.get_waiter("function_updated_v2").wait(FunctionName=name)
    awslambda.publish_version(FunctionName=name)

    assert awslambda.get_function_configuration(FunctionName=name, Qualifier="1")["Timeout"] == 3


def test_publish_version_after_create_with_publish_returns_version_1(awslambda, create_function):
    created = create_function(Publish=True)

    response = awslambda.publish_version(FunctionName=created["FunctionName"])

    assert response["Version"] == "1"


def test_publish_version_numbers_are_not_reused_after_delete(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.publish_version(FunctionName=name)
    awslambda.delete_function(FunctionName=name, Qualifier="1")

    response = awslambda.publish_version(FunctionName=name)

    assert response["Version"] == "2"


def test_publish_version_snap_start_on_for_published_version(awslambda, create_function):
    # OptimizationStatus says whether SnapStart is active for the version asked for: on for published versions
    # of a function that applies it on PublishedVersions, off for $LATEST.
    name = create_function(
        Runtime="java21", Handler="example.Handler::handleRequest", SnapStart={"ApplyOn": "PublishedVersions"}
    )["FunctionName"]

    response = awslambda.publish_version(FunctionName=name)

    assert response["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}
    assert awslambda.get_function_configuration(FunctionName=name)["SnapStart"]["OptimizationStatus"] == "Off"


def test_publish_version_matching_revision_id(awslambda, create_function):
    name = create_function()["FunctionName"]
    revision_id = awslambda.get_function_configuration(FunctionName=name)["RevisionId"]

    assert awslambda.publish_version(FunctionName=name, RevisionId=revision_id)["Version"] == "1"


def test_publish_version_wrong_revision_id(awslambda, create_function):
    name = create_function()["FunctionName"]

    with pytest.raises(ClientError) as excinfo:
        awslambda.publish_version(FunctionName=name, RevisionId="wrong")

    expected = snapshot("test_publish_with_wrong_revisionid")["publish_wrong_revisionid_exc"]["Error"]
    assert error_of(excinfo) == (expected["Code"], 412, expected["Message"])


def test_publish_version_matching_code_sha256(awslambda, create_function):
    created = create_function()

    response = awslambda.publish_version(FunctionName=created["FunctionName"], CodeSha256=created["CodeSha256"])

    assert response["Version"] == "1"


def test_publish_version_wrong_code_sha256(awslambda, create_function):
    created = create_function()

    with pytest.raises(ClientError) as excinfo:
        awslambda.publish_version(FunctionName=created["FunctionName"], CodeSha256="somenonexistentsha256")

    expected = snapshot("test_publish_with_wrong_sha256")["publish_wrong_sha256_exc"]["Error"]
    message = expected["Message"].replace("<code-sha256:1>", created["CodeSha256"])
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, message)


def test_publish_version_wrong_code_sha256_publishes_nothing(awslambda, create_function):
    name = create_function()["FunctionName"]

    with pytest.raises(ClientError):
        awslambda.publish_version(FunctionName=name, CodeSha256="other")

    assert len(awslambda.list_versions_by_function(FunctionName=name)["Versions"]) == 1


def test_publish_version_unknown_function(awslambda):
    with pytest.raises(ClientError) as excinfo:
        awslambda.publish_version(FunctionName="does-not-exist")

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {arn('does-not-exist')}")


@pytest.mark.parametrize("form", ["arn", "partial"])
def test_publish_version_function_name_forms(awslambda, create_function, form):
    name = create_function()["FunctionName"]
    function_name = arn(name) if form == "arn" else f"{ACCOUNT}:function:{name}"

    assert awslambda.publish_version(FunctionName=function_name)["FunctionArn"] == arn(name, "1")


def test_published_version_active_waiter(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.publish_version(FunctionName=name)

    waiter = awslambda.get_waiter("published_version_active")
    waiter.wait(FunctionName=name, Qualifier="1", WaiterConfig={"Delay": 1, "MaxAttempts": 1})


def test_publish_version_get_function_configuration_of_version(awslambda, create_function):
    name = create_function()["FunctionName"]
    published = awslambda.publish_version(FunctionName=name)

    configuration = awslambda.get_function_configuration(FunctionName=name, Qualifier="1")

    assert (configuration["FunctionArn"], configuration["RevisionId"]) == (
        arn(name, "1"),
        published["RevisionId"],
    )


# --- ListVersionsByFunction ---


def test_list_versions_by_function_latest_first(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.publish_version(FunctionName=name)
    awslambda.update_function_configuration(FunctionName=name, Description="2")
    awslambda.get_waiter("function_updated_v2").wait(FunctionName=name)
    awslambda.publish_version(FunctionName=name)

    versions = awslambda.list_versions_by_function(FunctionName=name)["Versions"]

    assert [(v["Version"], v["FunctionArn"]) for v in versions] == [
        ("$LATEST", arn(name, "$LATEST")),
        ("1", arn(name, "1")),
        ("2", arn(name, "2")),
    ]


def test_list_versions_by_function_items_leave_out_state(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.publish_version(FunctionName=name)

    versions = awslambda.list_versions_by_function(FunctionName=name)["Versions"]

    recorded_item = snapshot("test_publish_version_on_create")["list_versions_result"]["Versions"][1]
    assert all(not STATE_MEMBERS & set(version) for version in versions)
    assert set(versions[1]) == set(recorded_item)


def test_list_versions_by_function_only_latest(awslambda, create_function):
    name = create_function()["FunctionName"]

    response = awslambda.list_versions_by_function(FunctionName=name)

    assert [v["Version"] for v in response["Versions"]] == ["$LATEST"]
    assert "NextMarker" not in response


def test_list_versions_by_function_max_items(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.publish_version(FunctionName=name)

    first = awslambda.list_versions_by_function(FunctionName=name, MaxItems=1)
    second = awslambda.list_versions_by_function(FunctionName=name, MaxItems=1, Marker=first["NextMarker"])

    assert [v["Version"] for v in first["Versions"] + second["Versions"]] == ["$LATEST", "1"]
    assert "NextMarker" not in second


def test_list_versions_by_function_paginator(awslambda, create_function):
    name = create_function()["FunctionName"]
    for description in ("a", "b", "c"):
        awslambda.update_function_configuration(FunctionName=name, Description=description)
        awslambda.get_waiter("function_updated_v2").wait(FunctionName=name)
        awslambda.publish_version(FunctionName=name)

    pages = awslambda.get_paginator("list_versions_by_function").paginate(
        FunctionName=name, PaginationConfig={"PageSize": 2}
    )

    assert [[v["Version"] for v in page["Versions"]] for page in pages] == [["$LATEST", "1"], ["2", "3"]]


def test_list_versions_by_function_marker_after_deleted_version(awslambda, create_function):
    name = create_function()["FunctionName"]
    for description in ("a", "b"):
        awslambda.update_function_configuration(FunctionName=name, Description=description)
        awslambda.get_waiter("function_updated_v2").wait(FunctionName=name)
        awslambda.publish_version(FunctionName=name)
    first = awslambda.list_versions_by_function(FunctionName=name, MaxItems=1)
    awslambda.delete_function(FunctionName=name, Qualifier="1")

    second = awslambda.list_versions_by_function(FunctionName=name, Marker=first["NextMarker"])

    assert [v["Version"] for v in second["Versions"]] == ["2"]


def test_list_versions_by_function_unknown_function(awslambda):
    with pytest.raises(ClientError) as excinfo:
        awslambda.list_versions_by_function(FunctionName="does-not-exist")

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {arn('does-not-exist')}")


def test_list_versions_by_function_by_arn(awslambda, create_function):
    name = create_function()["FunctionName"]

    versions = awslambda.list_versions_by_function(FunctionName=arn(name))["Versions"]

    assert [v["FunctionName"] for v in versions] == [name]
