"""AddPermission, RemovePermission and GetPolicy through boto3: statements and documents exactly as AWS
formats them (compared with recorded responses), qualifiers, revision ids and AWS's error messages."""
from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from mocklambda.services.lambda_.policy import render_statement
from tests.services.lambda_.conftest import ACCOUNT, REGION, error_of, snapshot
from tests.services.lambda_.conftest import function_arn as arn

BUCKET = "test-bucket"
BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"
S3 = {"Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com"}


def recorded(test: str, key: str, placeholders: dict[str, str]) -> Any:
    """A recorded response with its placeholders replaced: `placeholders` maps the recording's names for this
    test's function, bucket, ... to the values used here."""
    text = json.dumps(snapshot(f"TestLambdaPermissions::{test}")[key])
    common = {"<partition>": "aws", "<region>": REGION, "111111111111": ACCOUNT}
    for placeholder, value in {**placeholders, **common}.items():
        text = text.replace(placeholder, value)
    return json.loads(text)


def fields_placeholders(name: str) -> dict[str, str]:
    """The placeholders of test_add_lambda_permission_fields."""
    return {"<resource:1>": name, "<resource:2>": "root", "<resource:3>": BUCKET}


def versioning_placeholders(name: str) -> dict[str, str]:
    """The placeholders of test_lambda_permission_fn_versioning."""
    return {"<function-name:1>": name, "<resource:1>": BUCKET}


def multi_placeholders(name: str) -> dict[str, str]:
    """The placeholders of test_remove_multi_permissions."""
    return {"<resource:1>": name, "<resource:2>": BUCKET}


def statement_of(response: dict[str, Any]) -> Any:
    return json.loads(response["Statement"])


# --- AddPermission: statements ---


def test_add_permission_service_principal_with_source_arn(awslambda, create_function):
    name = create_function()["FunctionName"]

    response = awslambda.add_permission(FunctionName=name, StatementId="s3", SourceArn=BUCKET_ARN, **S3)

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    placeholders = {"<function-name:1>": name, "<resource:3>": BUCKET}
    expected = recorded("test_add_lambda_permission_aws", "add_permission", placeholders)
    assert statement_of(response) == expected["Statement"]


def test_add_permission_statement_is_compact_json_in_aws_member_order(awslambda, create_function):
    name = create_function()["FunctionName"]

    response = awslambda.add_permission(FunctionName=name, StatementId="s3", **S3)

    assert response["Statement"] == (
        '{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},'
        f'"Action":"lambda:InvokeFunction","Resource":"{arn(name)}"}}'
    )


def test_add_permission_wildcard_principal_with_source_account(awslambda, create_function):
    name = create_function()["FunctionName"]

    response = awslambda.add_permission(
        FunctionName=name, StatementId="wilcard", Action="lambda:InvokeFunction", Principal="*", SourceAccount=ACCOUNT
    )

    expected = recorded("test_add_lambda_permission_fields", "add_permission_principal_wildcard", fields_placeholders(name))
    assert statement_of(response) == expected["Statement"]


def test_add_permission_account_principal(awslambda, create_function):
    name = create_function()["FunctionName"]

    response = awslambda.add_permission(
        FunctionName=name, StatementId="account-id", Action="lambda:InvokeFunction", Principal=ACCOUNT
    )

    expected = recorded("test_add_lambda_permission_fields", "add_permission_principal_account", fields_placeholders(name))
    assert statement_of(response) == expected["Statement"]


def test_add_permission_iam_arn_principal(awslambda, create_function):
    name = create_function()["FunctionName"]
    user = f"arn:aws:iam::{ACCOUNT}:user/someone"

    response = awslambda.add_permission(
        FunctionName=name, StatementId="user-arn", Action="lambda:InvokeFunction", Principal=user, SourceAccount=ACCOUNT
    )

    expected = recorded("test_add_lambda_permission_fields", "add_permission_principal_arn", fields_placeholders(name))
    expected["Statement"]["Principal"]["AWS"] = user
    assert statement_of(response) == expected["Statement"]


def test_add_permission_optional_fields(awslambda, create_function):
    name = create_function()["FunctionName"]

    response = awslambda.add_permission(
        FunctionName=name,
        StatementId="urlPermission",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        SourceArn=BUCKET_ARN,
        SourceAccount=ACCOUNT,
        PrincipalOrgID="o-1234567890",
        FunctionUrlAuthType="NONE",
    )

    expected = recorded("test_add_lambda_permission_fields", "add_permission_optional_fields", fields_placeholders(name))
    assert statement_of(response) == expected["Statement"]
    assert list(statement_of(response)["Condition"]["StringEquals"]) == list(
        expected["Statement"]["Condition"]["StringEquals"]
    )


def test_add_permission_event_source_token(awslambda, create_function):
    name = create_function()["FunctionName"]

    response = awslambda.add_permission(
        FunctionName=name,
        StatementId="alexaSkill",
        Action="lambda:InvokeFunction",
        Principal="*",
        EventSourceToken="amzn1.ask.skill.xxxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
    )

    expected = recorded("test_add_lambda_permission_fields", "add_permission_alexa_skill", fields_placeholders(name))
    assert statement_of(response) == expected["Statement"]


def test_add_permission_invoked_via_function_url(awslambda, create_function):
    # Not recorded; the condition AWS documents for function URLs (October 2025): Bool, as a string.
    name = create_function()["FunctionName"]

    response = awslambda.add_permission(
        FunctionName=name, StatementId="url", Action="lambda:InvokeFunction", Principal="*", InvokedViaFunctionUrl=True
    )

    assert statement_of(response)["Condition"] == {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}


def test_add_permission_to_version_names_version_arn(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.publish_version(FunctionName=name)

    response = awslambda.add_permission(FunctionName=name, Qualifier="1", StatementId="s3", **S3)

    assert statement_of(response)["Resource"] == arn(name, "1")


def test_add_permission_to_alias_by_qualified_name(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.publish_version(FunctionName=name)
    awslambda.create_alias(FunctionName=name, Name="live", FunctionVersion="1")

    response = awslambda.add_permission(FunctionName=f"{name}:live", Qualifier="live", StatementId="s3", **S3)

    assert statement_of(response)["Resource"] == arn(name, "live")


def test_add_permission_same_statement_id_per_qualifier(awslambda, create_function):
    # "the same sid can exist within $LATEST, version, and alias": each qualifier has its own policy.
    name = create_function()["FunctionName"]
    awslambda.publish_version(FunctionName=name)
    awslambda.add_permission(FunctionName=name, StatementId="s3", **S3)

    response = awslambda.add_permission(FunctionName=name, Qualifier="1", StatementId="s3", **S3)

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201


# --- AddPermission: errors ---


def test_add_permission_duplicate_statement_id(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.add_permission(FunctionName=name, StatementId="s3", **S3)

    with pytest.raises(ClientError) as excinfo:
        awslambda.add_permission(FunctionName=name, StatementId="s3", **S3)

    expected = recorded("test_permission_exceptions", "add_permission_conflicting_statement_id", {})["Error"]
    assert error_of(excinfo) == ("ResourceConflictException", 409, expected["Message"])


def test_add_permission_invalid_principal(awslambda, create_function):
    name = create_function()["FunctionName"]

    with pytest.raises(ClientError) as excinfo:
        awslambda.add_permission(
            FunctionName=name, StatementId="lambda", Action="lambda:InvokeFunction", Principal="invalid.nonaws.com"
        )

    message = "The provided principal was invalid. Please check the principal and try again."
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, message)


def test_add_permission_latest_qualifier(awslambda, create_function):
    name = create_function()["FunctionName"]

    with pytest.raises(ClientError) as excinfo:
        awslambda.add_permission(FunctionName=f"{name}:$LATEST", Qualifier="$LATEST", StatementId="s3", **S3)

    message = "We currently do not support adding policies for $LATEST."
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, message)


def test_add_permission_qualifier_mismatch(awslambda, create_function):
    name = create_function()["FunctionName"]

    with pytest.raises(ClientError) as excinfo:
        awslambda.add_permission(FunctionName=f"{name}:alias-not-42", Qualifier="42", StatementId="s3", **S3)

    message = "The derived qualifier from the function name does not match the specified qualifier."
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, message)


def test_add_permission_unknown_function(awslambda):
    with pytest.raises(ClientError) as excinfo:
        awslambda.add_permission(FunctionName="doesnotexist", StatementId="s3", **S3)

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {arn('doesnotexist')}")


def test_add_permission_unknown_alias(awslambda, create_function):
    name = create_function()["FunctionName"]

    with pytest.raises(ClientError) as excinfo:
        awslambda.add_permission(FunctionName=f"{name}:alias-doesnotexist", StatementId="s3", **S3)

    message = f"Cannot find alias arn: {arn(name, 'alias-doesnotexist')}"
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, message)


@pytest.mark.parametrize("qualifier", ["42", "valid-with-$-but-doesnotexist"])
def test_add_permission_unknown_version(awslambda, create_function, qualifier):
    name = create_function()["FunctionName"]

    with pytest.raises(ClientError) as excinfo:
        awslambda.add_permission(FunctionName=name, Qualifier=qualifier, StatementId="s3", **S3)

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {arn(name, qualifier)}")


def test_add_permission_invalid_statement_id(awslambda, create_function):
    name = create_function()["FunctionName"]

    with pytest.raises(ClientError) as excinfo:
        awslambda.add_permission(FunctionName=name, StatementId="example.com", **S3)

    expected = recorded("test_permission_exceptions", "add_permission_invalid_statement_id", {})["Error"]
    assert error_of(excinfo) == ("ValidationException", 400, expected["Message"])


def test_add_permission_policy_too_large(awslambda, create_function):
    name = create_function()["FunctionName"]
    for number in range(80):
        try:
            awslambda.add_permission(
                FunctionName=name, StatementId=f"statement-{number:03d}", SourceArn=f"{BUCKET_ARN}-{number:03d}", **S3
            )
        except ClientError as error:
            assert error.response["Error"]["Code"] == "PolicyLengthExceededException"
            assert error.response["Error"]["Message"].endswith("is bigger than the limit (20480).")
            return
    pytest.fail("the policy never reached AWS's 20 KB limit")


# --- Revision ids ---


def test_add_permission_wrong_revision_id(awslambda, create_function):
    name = create_function()["FunctionName"]

    with pytest.raises(ClientError) as excinfo:
        awslambda.add_permission(FunctionName=name, StatementId="s3", RevisionId="wrong", **S3)

    expected = snapshot("test_function_revisions_permissions")["add_permission_revision_exception"]["Error"]
    assert error_of(excinfo) == ("PreconditionFailedException", 412, expected["Message"])


def test_add_permission_function_revision_id_without_policy(awslambda, create_function):
    name = create_function()["FunctionName"]
    revision_id = awslambda.get_function(FunctionName=name)["Configuration"]["RevisionId"]

    response = awslambda.add_permission(FunctionName=name, StatementId="s3", RevisionId=revision_id, **S3)

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201


def test_add_permission_function_takes_policy_revision_id(awslambda, create_function):
    name = create_function()["FunctionName"]
    before = awslambda.get_function(FunctionName=name)["Configuration"]["RevisionId"]

    awslambda.add_permission(FunctionName=name, StatementId="s3", **S3)

    policy_revision = awslambda.get_policy(FunctionName=name)["RevisionId"]
    function_revision = awslambda.get_function(FunctionName=name)["Configuration"]["RevisionId"]
    assert policy_revision == function_revision != before


def test_add_permission_policy_revision_id_after_publish(awslambda, create_function):
    # Recorded: publishing renews $LATEST's RevisionId but not the policy's, which stays valid for AddPermission.
    name = create_function()["FunctionName"]
    awslambda.add_permission(FunctionName=name, StatementId="s3", **S3)
    awslambda.publish_version(FunctionName=name)
    policy_revision = awslambda.get_policy(FunctionName=name)["RevisionId"]

    awslambda.add_permission(FunctionName=name, StatementId="s3_2", RevisionId=policy_revision, **S3)

    assert len(json.loads(awslambda.get_policy(FunctionName=name)["Policy"])["Statement"]) == 2


def test_add_permission_to_alias_wrong_revision_id(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.publish_version(FunctionName=name)
    awslambda.create_alias(FunctionName=name, Name="live", FunctionVersion="1")

    with pytest.raises(ClientError) as excinfo:
        awslambda.add_permission(FunctionName=name, Qualifier="live", StatementId="s3", RevisionId="wrong", **S3)

    expected = snapshot("test_lambda_permission_fn_versioning")["add_permission_alias_revision_exception"]["Error"]
    assert error_of(excinfo) == ("PreconditionFailedException", 412, expected["Message"])


def test_add_permission_to_alias_with_alias_revision_id(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.publish_version(FunctionName=name)
    alias = awslambda.create_alias(FunctionName=name, Name="live", FunctionVersion="1")

    awslambda.add_permission(FunctionName=name, Qualifier="live", StatementId="s3", RevisionId=alias["RevisionId"], **S3)

    assert awslambda.get_alias(FunctionName=name, Name="live")["RevisionId"] != alias["RevisionId"]


def test_add_permission_to_version_renews_version_revision_id(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.publish_version(FunctionName=name)

    awslambda.add_permission(FunctionName=name, Qualifier="1", StatementId="s3", **S3)

    policy_revision = awslambda.get_policy(FunctionName=name, Qualifier="1")["RevisionId"]
    version_revision = awslambda.get_function_configuration(FunctionName=name, Qualifier="1")["RevisionId"]
    assert policy_revision == version_revision


# --- GetPolicy ---


def test_get_policy_document_as_aws_formats_it(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.add_permission(FunctionName=name, StatementId="s3", **S3)
    awslambda.add_permission(
        FunctionName=name, StatementId="sqs", Action="lambda:InvokeFunction", Principal="sqs.amazonaws.com",
        SourceArn=BUCKET_ARN,
    )

    response = awslambda.get_policy(FunctionName=name)

    expected = recorded("test_remove_multi_permissions", "policy_after_2_add", multi_placeholders(name))
    assert json.loads(response["Policy"]) == expected["Policy"]
    assert response["Policy"].startswith('{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"s3",')


def test_get_policy_version_has_its_own_policy(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.publish_version(FunctionName=name)
    awslambda.add_permission(FunctionName=name, StatementId="s3", SourceArn=BUCKET_ARN, **S3)
    awslambda.add_permission(FunctionName=name, Qualifier="1", StatementId="s3", SourceArn=BUCKET_ARN, **S3)

    response = awslambda.get_policy(FunctionName=name, Qualifier="1")

    expected = recorded("test_lambda_permission_fn_versioning", "get_policy_version", versioning_placeholders(name))
    assert json.loads(response["Policy"]) == expected["Policy"]


def test_get_policy_alias_has_its_own_policy(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.publish_version(FunctionName=name)
    awslambda.create_alias(FunctionName=name, Name="permission-alias", FunctionVersion="1")
    awslambda.add_permission(FunctionName=name, Qualifier="permission-alias", StatementId="s3", SourceArn=BUCKET_ARN, **S3)

    response = awslambda.get_policy(FunctionName=name, Qualifier="permission-alias")

    expected = recorded("test_lambda_permission_fn_versioning", "get_policy_alias", versioning_placeholders(name))
    assert json.loads(response["Policy"]) == expected["Policy"]


def test_get_policy_published_version_does_not_inherit_policy(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.add_permission(FunctionName=name, StatementId="s3", **S3)
    awslambda.publish_version(FunctionName=name)

    with pytest.raises(ClientError) as excinfo:
        awslambda.get_policy(FunctionName=name, Qualifier="1")

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, "The resource you requested does not exist.")


def test_get_policy_latest_qualifier_reads_function_policy(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.add_permission(FunctionName=name, StatementId="s3", **S3)

    response = awslambda.get_policy(FunctionName=name, Qualifier="$LATEST")

    assert json.loads(response["Policy"])["Statement"][0]["Resource"] == arn(name)


@pytest.mark.parametrize("target", ["no-policy", "unknown-function", "unknown-version"])
def test_get_policy_does_not_exist(awslambda, create_function, target):
    name = create_function()["FunctionName"]
    kwargs = {
        "no-policy": {"FunctionName": name},
        "unknown-function": {"FunctionName": "doesnotexist"},
        "unknown-version": {"FunctionName": name, "Qualifier": "77"},
    }[target]

    with pytest.raises(ClientError) as excinfo:
        awslambda.get_policy(**kwargs)

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, "The resource you requested does not exist.")


# --- RemovePermission ---


def test_remove_permission_removes_statement(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.add_permission(FunctionName=name, StatementId="s3", **S3)
    awslambda.add_permission(
        FunctionName=name, StatementId="sqs", Action="lambda:InvokeFunction", Principal="sqs.amazonaws.com",
        SourceArn=BUCKET_ARN,
    )

    response = awslambda.remove_permission(FunctionName=name, StatementId="sqs")

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    expected = recorded("test_remove_multi_permissions", "policy_after_removal", multi_placeholders(name))
    assert json.loads(awslambda.get_policy(FunctionName=name)["Policy"]) == expected["Policy"]


def test_remove_permission_last_statement_removes_policy(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.add_permission(FunctionName=name, StatementId="s3", **S3)
    revision_id = awslambda.get_policy(FunctionName=name)["RevisionId"]

    awslambda.remove_permission(FunctionName=name, StatementId="s3", RevisionId=revision_id)

    with pytest.raises(ClientError) as excinfo:
        awslambda.get_policy(FunctionName=name)
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, "The resource you requested does not exist.")


def test_remove_permission_renews_function_revision_id(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.add_permission(FunctionName=name, StatementId="s3", **S3)
    before = awslambda.get_function(FunctionName=name)["Configuration"]["RevisionId"]

    awslambda.remove_permission(FunctionName=name, StatementId="s3")

    assert awslambda.get_function(FunctionName=name)["Configuration"]["RevisionId"] != before


def test_remove_permission_from_version(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.publish_version(FunctionName=name)
    awslambda.add_permission(FunctionName=name, StatementId="s3", **S3)
    awslambda.add_permission(FunctionName=name, Qualifier="1", StatementId="s3", **S3)

    awslambda.remove_permission(FunctionName=name, Qualifier="1", StatementId="s3")

    assert json.loads(awslambda.get_policy(FunctionName=name)["Policy"])["Statement"][0]["Sid"] == "s3"


def test_remove_permission_wrong_revision_id(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.add_permission(FunctionName=name, StatementId="s3", **S3)

    with pytest.raises(ClientError) as excinfo:
        awslambda.remove_permission(FunctionName=name, StatementId="s3", RevisionId="wrong")

    # AWS's current wording for policy revisions (recorded for AddPermission in 2025).
    expected = snapshot("test_function_revisions_permissions")["add_permission_revision_exception"]["Error"]
    assert error_of(excinfo) == ("PreconditionFailedException", 412, expected["Message"])


def test_remove_permission_unknown_statement(awslambda, create_function):
    name = create_function()["FunctionName"]
    awslambda.add_permission(FunctionName=name, StatementId="s3", **S3)

    with pytest.raises(ClientError) as excinfo:
        awslambda.remove_permission(FunctionName=name, StatementId="non-existent")

    message = "Statement non-existent is not found in resource policy."
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, message)


def test_remove_permission_no_policy(awslambda, create_function):
    name = create_function()["FunctionName"]

    with pytest.raises(ClientError) as excinfo:
        awslambda.remove_permission(FunctionName=name, StatementId="s3")

    message = "No policy is associated with the given resource."
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, message)


def test_remove_permission_unknown_function(awslambda):
    with pytest.raises(ClientError) as excinfo:
        awslambda.remove_permission(FunctionName="doesnotexist", StatementId="s3")

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"No policy found for: {arn('doesnotexist')}")


def test_remove_permission_unknown_alias(awslambda, create_function):
    name = create_function()["FunctionName"]

    with pytest.raises(ClientError) as excinfo:
        awslambda.remove_permission(FunctionName=name, StatementId="s3", Qualifier="alias-doesnotexist")

    message = f"Cannot find alias arn: {arn(name, 'alias-doesnotexist')}"
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, message)


# --- rendering, for the invoke-time checks ---


def test_render_statement_reads_back_as_stored():
    statement = render_statement(
        sid="sns", action="lambda:InvokeFunction", principal="sns.amazonaws.com", resource=arn("fn"),
        source_arn=f"arn:aws:sns:{REGION}:{ACCOUNT}:topic",
    )

    assert statement == {
        "Sid": "sns",
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Resource": arn("fn"),
        "Condition": {"ArnLike": {"AWS:SourceArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:topic"}},
    }
