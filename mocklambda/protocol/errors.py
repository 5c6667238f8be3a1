"""AWS errors as the protocol layer serializes them.

A provider raises `AwsError(code, message)`; the serializer finds the error's shape in the service model for
its HTTP status and wire code, so providers name errors exactly as the model does.
"""
from __future__ import annotations

from typing import Any


class AwsError(Exception):
    """An error AWS itself would return.

    `code` is the error shape name as the service model spells it (e.g. ResourceNotFoundException).
    `status` overrides the model's httpStatusCode (needed for unmodelled codes such as ValidationException).
    `fields` are extra members of the error shape (Lambda's `Type`, S3's `BucketName`, ...).
    `headers` are extra response headers (e.g. Retry-After).
    """

    def __init__(
        self,
        code: str,
        message: str = "",
        status: int | None = None,
        *,
        sender_fault: bool = True,
        fields: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.sender_fault = sender_fault
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})


class NotImplementedOperation(AwsError):
    """The operation exists in the service model, but mocklambda has no provider method for it."""

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(
            "NotImplemented",
            f"mocklambda does not implement {service}.{operation} yet; "
            f"see the project's issues for what is planned",
            501,
            sender_fault=False,
        )


class UnknownOperation(AwsError):
    """The request names an operation the service model does not have."""


def validation_error(messages: list[str]) -> AwsError:
    """AWS's combined validation message: '1 validation error detected: ...; ...'."""
    count = len(messages)
    noun = "error" if count == 1 else "errors"
    return AwsError("ValidationException", f"{count} validation {noun} detected: " + "; ".join(messages), 400)
