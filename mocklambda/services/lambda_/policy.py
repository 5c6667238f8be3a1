"""Lambda operations: resource-based policies (AddPermission, RemovePermission, GetPolicy).

A function has one policy per qualifier: the unqualified function (which `$LATEST` shares), each published
version and each alias, kept in `Function.policies` under None, "1", "prod", ... Statements are stored exactly as
AWS formats them (Sid, Effect, Principal, Action, Resource, Condition), and `render_statement` is the one place
that builds one, so that the invoke-time permission checks (S3, SNS -> Lambda) read back what AWS would show.
Changing a policy renews its RevisionId, and the same id becomes the RevisionId of the function, version or
alias it belongs to (recorded: TestLambdaRevisions::test_function_revisions_permissions).

This module only stores policies; it never evaluates them.
"""
from __future__ import annotations

import json
import re
from typing import Any

from mocklambda import arns
from mocklambda.protocol import AwsError
from mocklambda.services.base import RequestContext, ServiceProvider
from mocklambda.services.lambda_ import names
from mocklambda.services.lambda_.function_config import new_revision_id
from mocklambda.services.lambda_.models import LATEST, Function, LambdaStore, Policy
from mocklambda.services.lambda_.names import FunctionRef
from mocklambda.services.lambda_.versions import is_alias_name

POLICY_VERSION = "2012-10-17"
POLICY_ID = "default"
MAX_POLICY_SIZE = 20480  # bytes of the policy document (Lambda quotas: "Function resource-based policy 20 KB")

REVISION_MISMATCH = (
    "The Revision Id provided does not match the latest Revision Id. "
    "Call the GetPolicy API to retrieve the latest Revision Id"
)

_ACCOUNT_ID = re.compile(r"\d{12}")
_IAM_PRINCIPAL_ARN = re.compile(r"arn:aws[a-zA-Z-]*:(iam|sts)::\d{12}:\S+")
# Service principals are domain names of AWS services: s3.amazonaws.com, alexa-appkit.amazon.com, ...
_SERVICE_PRINCIPAL = re.compile(r"[a-z0-9][a-z0-9.-]*\.(amazonaws\.com|amazonaws\.com\.cn|amazon\.com)")


def invalid_principal() -> AwsError:
    return AwsError(
        "InvalidParameterValueException",
        "The provided principal was invalid. Please check the principal and try again.",
        fields={"Type": "User"},
    )


def principal_element(principal: str, partition: str) -> str | dict[str, str]:
    """The policy's Principal for AddPermission's Principal parameter, as AWS writes it."""
    if principal == "*":
        return "*"
    if _ACCOUNT_ID.fullmatch(principal):
        return {"AWS": f"arn:{partition}:iam::{principal}:root"}
    if _IAM_PRINCIPAL_ARN.fullmatch(principal):
        return {"AWS": principal}
    if _SERVICE_PRINCIPAL.fullmatch(principal):
        return {"Service": principal}
    raise invalid_principal()


def render_statement(
    *,
    sid: str,
    action: str,
    principal: str,
    resource: str,
    partition: str = "aws",
    source_arn: str | None = None,
    source_account: str | None = None,
    principal_org_id: str | None = None,
    event_source_token: str | None = None,
    function_url_auth_type: str | None = None,
    invoked_via_function_url: bool | None = None,
) -> dict[str, Any]:
    """One policy statement, with AWS's member order and condition operators (recorded AddPermission
    responses): StringEquals for the account, token, URL auth type and organization; ArnLike for the source
    ARN; Bool for invocations through a function URL."""
    string_equals = {
        key: value
        for key, value in (
            ("AWS:SourceAccount", source_account),
            ("lambda:EventSourceToken", event_source_token),
            ("lambda:FunctionUrlAuthType", function_url_auth_type),
            ("aws:PrincipalOrgID", principal_org_id),
        )
        if value is not None
    }
    condition: dict[str, dict[str, str]] = {}
    if string_equals:
        condition["StringEquals"] = string_equals
    if source_arn is not None:
        condition["ArnLike"] = {"AWS:SourceArn": source_arn}
    if invoked_via_function_url:
        condition["Bool"] = {"lambda:InvokedViaFunctionUrl": "true"}
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": principal_element(principal, partition),
        "Action": action,
        "Resource": resource,
    }
    if condition:
        statement["Condition"] = condition
    return statement


def policy_document(statements: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Version": POLICY_VERSION, "Id": POLICY_ID, "Statement": statements}


def to_json(document: dict[str, Any]) -> str:
    """Compact JSON, as AWS returns policies and statements."""
    return json.dumps(document, separators=(",", ":"))


def policy_key(qualifier: str | None) -> str | None:
    """Where a qualifier's policy is kept: `$LATEST` shares the unqualified function's policy."""
    return None if qualifier in (None, LATEST) else qualifier


def find_policy(function: Function, qualifier: str | None) -> Policy | None:
    """The policy that applies to a function ARN with this qualifier, if any: for invoke-time checks too."""
    policy = function.policies.get(policy_key(qualifier))
    return policy if policy is not None and policy.statements else None


def target_config(context: RequestContext, function: Function, qualifier: str | None) -> dict[str, Any]:
    """The configuration whose RevisionId goes with the qualifier's policy; AWS's not-found errors for a
    qualifier that names no alias or version."""
    key = policy_key(qualifier)
    if key is None:
        return function.latest.config
    if is_alias_name(key):
        alias = function.aliases.get(key)
        if alias is None:
            raise AwsError(
                "ResourceNotFoundException",
                f"Cannot find alias arn: {names.function_arn(context, function.name, key)}",
                fields={"Type": "User"},
            )
        return alias.config
    version = function.versions.get(key)
    if version is None:
        raise names.function_not_found(context, FunctionRef(function.name, key))
    return version.config


def check_revision(policy: Policy | None, target: dict[str, Any], revision_id: str | None) -> None:
    """RevisionId is the policy's, or the function's (version's, alias's) while there is no policy yet."""
    if revision_id is None:
        return
    expected = policy.revision_id if policy is not None else target.get("RevisionId")
    if revision_id != expected:
        raise AwsError("PreconditionFailedException", REVISION_MISMATCH, fields={"Type": "User"})


def renew_revision(function: Function, key: str | None, target: dict[str, Any]) -> None:
    revision_id = new_revision_id()
    target["RevisionId"] = revision_id
    policy = function.policies.get(key)
    if policy is not None:
        policy.revision_id = revision_id


def check_size(statements: list[dict[str, Any]]) -> None:
    size = len(to_json(policy_document(statements)).encode())
    if size > MAX_POLICY_SIZE:
        raise AwsError(
            "PolicyLengthExceededException",
            f"The final policy size ({size}) is bigger than the limit ({MAX_POLICY_SIZE}).",
            fields={"Type": "User"},
        )


def statement_from(context: RequestContext, ref: FunctionRef, params: dict[str, Any]) -> dict[str, Any]:
    return render_statement(
        sid=params["StatementId"],
        action=params["Action"],
        principal=params["Principal"],
        resource=names.function_arn(context, ref.name, policy_key(ref.qualifier)),
        partition=arns.partition_for(context.region),
        source_arn=params.get("SourceArn"),
        source_account=params.get("SourceAccount"),
        principal_org_id=params.get("PrincipalOrgID"),
        event_source_token=params.get("EventSourceToken"),
        function_url_auth_type=params.get("FunctionUrlAuthType"),
        invoked_via_function_url=params.get("InvokedViaFunctionUrl"),
    )


def parse(params: dict[str, Any]) -> FunctionRef:
    ref = names.parse_function_name(params["FunctionName"], params.get("Qualifier"))
    names.check_name_length(ref)
    return ref


class PolicyOperations(ServiceProvider[LambdaStore]):
    def add_permission(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        ref = parse(params)
        if ref.qualifier == LATEST:
            raise AwsError(
                "InvalidParameterValueException",
                "We currently do not support adding policies for $LATEST.",
                fields={"Type": "User"},
            )
        with store.lock:
            function = names.find_function(store, context, ref)
            target = target_config(context, function, ref.qualifier)
            statement = statement_from(context, ref, params)
            key = policy_key(ref.qualifier)
            policy = function.policies.get(key)
            check_revision(policy, target, params.get("RevisionId"))
            existing = policy.statements if policy is not None else []
            if any(s["Sid"] == statement["Sid"] for s in existing):
                raise AwsError(
                    "ResourceConflictException",
                    f"The statement id ({statement['Sid']}) provided already exists. Please provide a new "
                    "statement id, or remove the existing statement.",
                    fields={"Type": "User"},
                )
            check_size([*existing, statement])
            if policy is None:
                policy = function.policies[key] = Policy()
            policy.statements.append(statement)
            renew_revision(function, key, target)
        return {"Statement": to_json(statement)}

    def remove_permission(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        ref = parse(params)
        sid = params["StatementId"]
        with store.lock:
            function = store.functions.get(ref.name)
            if function is None:
                raise AwsError(
                    "ResourceNotFoundException",
                    f"No policy found for: {names.function_arn(context, ref.name)}",
                    fields={"Type": "User"},
                )
            target = target_config(context, function, ref.qualifier)
            key = policy_key(ref.qualifier)
            policy = find_policy(function, ref.qualifier)
            if policy is None:
                raise AwsError(
                    "ResourceNotFoundException",
                    "No policy is associated with the given resource.",
                    fields={"Type": "User"},
                )
            remaining = [s for s in policy.statements if s["Sid"] != sid]
            if len(remaining) == len(policy.statements):
                raise AwsError(
                    "ResourceNotFoundException",
                    f"Statement {sid} is not found in resource policy.",
                    fields={"Type": "User"},
                )
            check_revision(policy, target, params.get("RevisionId"))
            policy.statements = remaining
            renew_revision(function, key, target)
            if not remaining:
                # The last statement takes the policy with it: GetPolicy answers "does not exist" (recorded).
                del function.policies[key]
        return {}

    def get_policy(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        ref = parse(params)
        with store.lock:
            function = store.functions.get(ref.name)
            # An unknown function, version or alias, or one without policy: all the same answer (recorded).
            policy = find_policy(function, ref.qualifier) if function is not None else None
            if policy is None:
                raise AwsError(
                    "ResourceNotFoundException",
                    "The resource you requested does not exist.",
                    fields={"Type": "User"},
                )
            return {"Policy": to_json(policy_document(policy.statements)), "RevisionId": policy.revision_id}
