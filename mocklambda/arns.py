"""Building and reading ARNs. Every ARN comes from the request's account and region, never a constant."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def partition_for(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def build(service: str, region: str, account: str, resource: str) -> str:
    return str(Arn(partition_for(region), service, region, account, resource))


def parse(text: str) -> Arn:
    """Split an ARN into its parts; ValueError when it is not one (the caller raises the AWS error)."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise ValueError(f"not an ARN: {text!r}")
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])
