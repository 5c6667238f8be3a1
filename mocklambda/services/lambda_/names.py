"""Function names as Lambda accepts them, and finding what they name.

Everywhere a FunctionName is taken, AWS accepts a name (`my-fn`), a name with a qualifier (`my-fn:prod`,
`my-fn:3`), a partial ARN (`123456789012:function:my-fn[:q]`) and a full ARN
(`arn:aws:lambda:us-east-1:123456789012:function:my-fn[:q]`). The model's pattern has already refused
malformed text (ValidationException); this module splits what is left and raises AWS's lookup errors.
Operations read a FunctionName through `function_ref`, never by splitting it themselves.
"""
from __future__ import annotations

from dataclasses import dataclass

from mocklambda import arns
from mocklambda.protocol import AwsError
from mocklambda.services.base import RequestContext
from mocklambda.services.lambda_.errors import invalid, not_found
from mocklambda.services.lambda_.models import LATEST, Alias, Function, FunctionVersion, LambdaStore

MAX_NAME_LENGTH = 64


@dataclass(frozen=True)
class FunctionRef:
    """What a FunctionName (+ Qualifier) names: the function's name and an optional version or alias."""

    name: str
    qualifier: str | None = None

    def arn(self, context: RequestContext) -> str:
        return function_arn(context, self.name, self.qualifier)


def function_arn(context: RequestContext, name: str, qualifier: str | None = None) -> str:
    resource = f"function:{name}" + (f":{qualifier}" if qualifier else "")
    return arns.build("lambda", context.region, context.account_id, resource)


def parse_function_name(value: str, qualifier: str | None = None) -> FunctionRef:
    """Split any accepted FunctionName form; `qualifier` is the separate Qualifier parameter, if any."""
    parts = value.split(":")
    if value.startswith("arn:"):
        # arn:partition:lambda:region:account:function:name[:qualifier]
        name, derived = parts[6] if len(parts) > 6 else "", parts[7] if len(parts) > 7 else None
    elif len(parts) >= 3 and parts[1] == "function":
        # account:function:name[:qualifier]
        name, derived = parts[2], parts[3] if len(parts) > 3 else None
    else:
        name, derived = parts[0], parts[1] if len(parts) > 1 else None
    if derived is not None and qualifier is not None and derived != qualifier:
        raise invalid("The derived qualifier from the function name does not match the specified qualifier.")
    return FunctionRef(name, derived if derived is not None else qualifier)


def function_ref(context: RequestContext, value: str, qualifier: str | None = None) -> FunctionRef:
    """A FunctionName (+ Qualifier) as every operation reads it: any accepted form (parse_function_name), and
    AWS's refusal of a full ARN from another region, before anything else is looked at (recorded for
    GetFunction, GetFunctionConfiguration, DeleteFunction, GetFunctionConcurrency, GetFunctionUrlConfig,
    GetFunctionEventInvokeConfig, Invoke and CreateFunction: test_get_function_wrong_region,
    test_function_arns)."""
    if value.startswith("arn:"):
        region = value.split(":")[3]  # the model's pattern has refused an empty region
        if region != context.region:
            raise not_found(f"Functions from '{region}' are not reachable in this region ('{context.region}')")
    return parse_function_name(value, qualifier)


def check_name_length(ref: FunctionRef) -> None:
    """A plain function name is at most 64 characters (AWS checks this after the model's 140 for ARNs)."""
    if len(ref.name) > MAX_NAME_LENGTH:
        raise invalid(
            f"1 validation error detected: Value '{ref.name}' at 'functionName' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_NAME_LENGTH}",
        )


def function_not_found(context: RequestContext, ref: FunctionRef) -> AwsError:
    return not_found(f"Function not found: {ref.arn(context)}")


def find_function(store: LambdaStore, context: RequestContext, ref: FunctionRef) -> Function:
    function = store.functions.get(ref.name)
    if function is None:
        raise function_not_found(context, ref)
    return function


def resolve(
    store: LambdaStore, context: RequestContext, ref: FunctionRef
) -> tuple[Function, FunctionVersion, Alias | None]:
    """The function, the version the qualifier names (through its alias, if it is one) and that alias.
    No qualifier means $LATEST."""
    function = find_function(store, context, ref)
    qualifier = ref.qualifier or LATEST
    version = function.version(qualifier)
    if version is not None:
        return function, version, None
    alias = function.aliases.get(qualifier)
    if alias is not None:
        target = function.version(str(alias.config["FunctionVersion"]))
        if target is not None:
            return function, target, alias
    raise function_not_found(context, ref)
