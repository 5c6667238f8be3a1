"""Lambda's modelled errors as the operation families raise them: one helper per error code they share.

AWS marks these errors `"Type": "User"`; the rest-json serializer also writes the message under the error
shape's own `Message` member, which is where AWS's top-level `Message` comes from. Messages are the callers'
(AWS's own wording, recorded where known); this module builds errors and makes the one check every family
shares (a RevisionId precondition), nothing else.
"""
from __future__ import annotations

from mocklambda.protocol import AwsError

# AWS's message for a missing policy, function URL config, event source mapping or layer version.
NO_SUCH_RESOURCE = "The resource you requested does not exist."
# AWS's message when an operation on the function itself (updates, reserved concurrency) is given a qualifier.
NOT_A_FUNCTION = (
    "This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. "
    "Please specify either a function name or an unqualified function ARN."
)


def user_error(code: str, message: str) -> AwsError:
    """A modelled Lambda error caused by the request (any code; the helpers below name the common ones)."""
    return AwsError(code, message, fields={"Type": "User"})


def invalid(message: str) -> AwsError:
    return user_error("InvalidParameterValueException", message)


def not_found(message: str) -> AwsError:
    return user_error("ResourceNotFoundException", message)


def conflict(message: str) -> AwsError:
    return user_error("ResourceConflictException", message)


def revision_mismatch(read_with: str = "GetFunction/GetAlias") -> AwsError:
    """A RevisionId that is not the current one; `read_with` is the API AWS's message names for reading it
    (GetFunction/GetAlias for functions, versions and aliases; GetPolicy; GetLayerPolicy)."""
    return user_error(
        "PreconditionFailedException",
        "The Revision Id provided does not match the latest Revision Id. "
        f"Call the {read_with} API to retrieve the latest Revision Id",
    )


def check_revision_id(given: str | None, current: str | None, read_with: str = "GetFunction/GetAlias") -> None:
    """An optional RevisionId parameter must be the current one."""
    if given is not None and given != current:
        raise revision_mismatch(read_with)


def statement_exists(sid: str) -> AwsError:
    """AddPermission / AddLayerVersionPermission with a StatementId the policy already has."""
    return conflict(
        f"The statement id ({sid}) provided already exists. Please provide a new statement id, or remove the "
        "existing statement."
    )


def statement_not_found(sid: str) -> AwsError:
    """RemovePermission / RemoveLayerVersionPermission with a StatementId the policy does not have."""
    return not_found(f"Statement {sid} is not found in resource policy.")
