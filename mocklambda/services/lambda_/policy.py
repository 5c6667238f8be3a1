"""Lambda operations: resource-based policies (AddPermission, RemovePermission, GetPolicy).

A function has one policy per qualifier: the unqualified function (which `$LATEST` shares), each published
version and each alias, kept in `Function.policies` under None, "1", "prod", ... Statements are stored exactly as
AWS formats them (Sid, Effect, Principal, Action, Resource, Condition), and `render_statement` is the one place
that builds one, so that the invoke-time permission checks (S3, SNS -> Lambda) read back what AWS would show.
Changing a policy renews its RevisionId, and the same id becomes the RevisionId of the function, version or
alias it belongs to (recorded: TestLambdaRevisions::test_function_revisions_permissions).

This module stores policies. The one evaluation it does is `allows_service`, for the strict-permissions
checks other services make through the emulator (S3 validating a notification destination): the Allow
statements AddPermission writes, for one service principal; it is no general IAM policy evaluator.
"""
from __future__ import annotations

import json
import re
from typing import Any

from mocklambda import arns
from mocklambda.protocol import AwsError
from mocklambda.services.base import RequestContext, ServiceProvider
from mocklambda.services.lambda_ import errors, names
from mocklambda.services.lambda_.function_config import new_revision_id
from mocklambda.services.lambda_.models import LATEST, Function, LambdaStore, Policy
from mocklambda.services.lambda_.names import FunctionRef
from mocklambda.services.lambda_.versions import is_alias_name

POLICY_VERSION = "2012-10-17"
POLICY_ID = "default"
MAX_POLICY_SIZE = 20480  # bytes of the policy document (Lambda quotas: "Function resource-based policy 20 KB")

_ACCOUNT_ID = re.compile(r"\d{12}")
_IAM_PRINCIPAL_ARN = re.compile(r"arn:aws[a-zA-Z-]*:(iam|sts)::\d{12}:\S+")
# Service principals are domain names of AWS services: s3.amazonaws.com, alexa-appkit.amazon.com, ...
_SERVICE_PRINCIPAL = re.compile(r"[a-z0-9][a-z0-9.-]*\.(amazonaws\.com|amazonaws\.com\.cn|amazon\.com)")


def invalid_principal() -> AwsError:
    return errors.invalid("The provided principal was invalid. Please check the principal and try again.")


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


# The actions that grant an invocation; AddPermission accepts any lambda:* action name.
INVOKE_ACTIONS = frozenset({"lambda:InvokeFunction", "lambda:*", "*"})
# The condition keys a service's invocation request carries; any other condition cannot hold for it.
_SERVICE_CONDITIONS = {("ArnLike", "AWS:SourceArn"), ("StringEquals", "AWS:SourceAccount")}


def arn_like(arn: str, pattern: str) -> bool:
    """IAM's ArnLike: each of the six colon-separated parts matched on its own, `*` any run of characters
    and `?` one character within that part, case-sensitively."""
    arn_parts, pattern_parts = arn.split(":", 5), pattern.split(":", 5)
    if len(arn_parts) != 6 or len(pattern_parts) != 6:
        return False
    for part, wanted in zip(arn_parts, pattern_parts, strict=True):
        regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in wanted)
        if re.fullmatch(regex, part, flags=re.DOTALL) is None:
            return False
    return True


def _values(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def statement_allows_service(
    statement: dict[str, Any], principal: str, source_arn: str, source_account: str
) -> bool:
    """Whether one statement lets service `principal` invoke for a request from `source_arn`/`source_account`:
    Allow, Principal "*" or {"Service": principal}, an invoke action, and every condition satisfied."""
    if statement.get("Effect") != "Allow":
        return False
    granted = statement.get("Principal")
    if granted != "*" and not (isinstance(granted, dict) and principal in _values(granted.get("Service", []))):
        return False
    if not INVOKE_ACTIONS.intersection(_values(statement.get("Action", []))):
        return False
    for operator, keys in (statement.get("Condition") or {}).items():
        for key, expected in keys.items():
            if (operator, key) not in _SERVICE_CONDITIONS:
                return False
            if operator == "ArnLike" and not any(arn_like(source_arn, value) for value in _values(expected)):
                return False
            if operator == "StringEquals" and source_account not in _values(expected):
                return False
    return True


def allows_service(policy: Policy | None, principal: str, source_arn: str, source_account: str) -> bool:
    """Whether any statement of the policy lets the service invoke (a missing policy allows nothing)."""
    return policy is not None and any(
        statement_allows_service(statement, principal, source_arn, source_account)
        for statement in policy.statements
    )


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
            raise errors.not_found(f"Cannot find alias arn: {names.function_arn(context, function.name, key)}")
        return alias.config
    version = function.versions.get(key)
    if version is None:
        raise names.function_not_found(context, FunctionRef(function.name, key))
    return version.config


def check_revision(policy: Policy | None, target: dict[str, Any], revision_id: str | None) -> None:
    """RevisionId is the policy's, or the function's (version's, alias's) while there is no policy yet."""
    expected = policy.revision_id if policy is not None else target.get("RevisionId")
    errors.check_revision_id(revision_id, expected, read_with="GetPolicy")


def renew_revision(function: Function, key: str | None, target: dict[str, Any]) -> None:
    revision_id = new_revision_id()
    target["RevisionId"] = revision_id
    policy = function.policies.get(key)
    if policy is not None:
        policy.revision_id = revision_id


def check_size(statements: list[dict[str, Any]]) -> None:
    size = len(to_json(policy_document(statements)).encode())
    if size > MAX_POLICY_SIZE:
        raise errors.user_error(
            "PolicyLengthExceededException", f"The final policy size ({size}) is bigger than the limit ({MAX_POLICY_SIZE})."
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


def parse(context: RequestContext, params: dict[str, Any]) -> FunctionRef:
    ref = names.function_ref(context, params["FunctionName"], params.get("Qualifier"))
    names.check_name_length(ref)
    return ref


class PolicyOperations(ServiceProvider[LambdaStore]):
    def add_permission(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        ref = parse(context, params)
        if ref.qualifier == LATEST:
            raise errors.invalid("We currently do not support adding policies for $LATEST.")
        with store.lock:
            function = names.find_function(store, context, ref)
            target = target_config(context, function, ref.qualifier)
            statement = statement_from(context, ref, params)
            key = policy_key(ref.qualifier)
            policy = function.policies.get(key)
            check_revision(policy, target, params.get("RevisionId"))
            existing = policy.statements if policy is not None else []
            if any(s["Sid"] == statement["Sid"] for s in existing):
                raise errors.statement_exists(statement["Sid"])
            check_size([*existing, statement])
            if policy is None:
                policy = function.policies[key] = Policy()
            policy.statements.append(statement)
            renew_revision(function, key, target)
        return {"Statement": to_json(statement)}

    def remove_permission(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        ref = parse(context, params)
        sid = params["StatementId"]
        with store.lock:
            function = store.functions.get(ref.name)
            if function is None:
                raise errors.not_found(f"No policy found for: {names.function_arn(context, ref.name)}")
            target = target_config(context, function, ref.qualifier)
            key = policy_key(ref.qualifier)
            policy = find_policy(function, ref.qualifier)
            if policy is None:
                raise errors.not_found("No policy is associated with the given resource.")
            remaining = [s for s in policy.statements if s["Sid"] != sid]
            if len(remaining) == len(policy.statements):
                raise errors.statement_not_found(sid)
            check_revision(policy, target, params.get("RevisionId"))
            policy.statements = remaining
            renew_revision(function, key, target)
            if not remaining:
                # The last statement takes the policy with it: GetPolicy answers "does not exist" (recorded).
                del function.policies[key]
        return {}

    def get_policy(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        ref = parse(context, params)
        with store.lock:
            function = store.functions.get(ref.name)
            # An unknown function, version or alias, or one without policy: all the same answer (recorded).
            policy = find_policy(function, ref.qualifier) if function is not None else None
            if policy is None:
                raise errors.not_found(errors.NO_SUCH_RESOURCE)
            return {"Policy": to_json(policy_document(policy.statements)), "RevisionId": policy.revision_id}
