"""Lambda's state per (account, region): functions with their versions, aliases, policies and settings;
layers; event source mappings.

Configurations are kept as the dicts the API returns (AWS's own member names), so what a test reads back is
what was stored. Every write happens under the store's lock; readers copy what they return.
"""
from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LATEST = "$LATEST"


@dataclass(frozen=True)
class StoredCode:
    """A deployment package in the code store: the zip as uploaded and where it is unpacked (read-only)."""

    sha256: str  # CodeSha256: base64 of the SHA-256 digest of the zip bytes
    size: int  # CodeSize: bytes of the zip
    zip_path: Path
    root: Path  # unpacked, content-addressed; shared by every version with the same zip


@dataclass
class FunctionVersion:
    """`$LATEST` (mutable) or a published version (frozen): its FunctionConfiguration and its code."""

    config: dict[str, Any]
    code: StoredCode | None
    # For a version published by PublishVersion: $LATEST's configuration and code (state members left out)
    # as they were when it was published, so that publishing again with nothing changed returns this version
    # even when PublishVersion gave it a Description of its own.
    published_from: dict[str, Any] | None = None

    @property
    def version(self) -> str:
        return str(self.config["Version"])

    def snapshot(self) -> FunctionVersion:
        return FunctionVersion(copy.deepcopy(self.config), self.code)


@dataclass
class Alias:
    config: dict[str, Any]  # AliasConfiguration: AliasArn, Name, FunctionVersion, Description, RoutingConfig, ...


@dataclass
class Policy:
    """A resource-based policy: statements as AWS formats them, and its RevisionId."""

    statements: list[dict[str, Any]] = field(default_factory=list)
    revision_id: str = ""


@dataclass
class Function:
    name: str
    arn: str  # unqualified
    latest: FunctionVersion
    versions: dict[str, FunctionVersion] = field(default_factory=dict)  # "1", "2", ...
    next_version: int = 1
    aliases: dict[str, Alias] = field(default_factory=dict)
    # Resource policies per qualifier (None = the unqualified function).
    policies: dict[str | None, Policy] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    reserved_concurrency: int | None = None
    # Per qualifier (None = unqualified / $LATEST as AWS treats it): FunctionEventInvokeConfig,
    # ProvisionedConcurrencyConfig, FunctionUrlConfig, as the API returns them.
    event_invoke_configs: dict[str | None, dict[str, Any]] = field(default_factory=dict)
    provisioned_concurrency: dict[str, dict[str, Any]] = field(default_factory=dict)
    url_configs: dict[str | None, dict[str, Any]] = field(default_factory=dict)
    recursion: str = "Terminate"

    def version(self, qualifier: str) -> FunctionVersion | None:
        """`$LATEST` or a published version number (not an alias)."""
        return self.latest if qualifier == LATEST else self.versions.get(qualifier)


@dataclass
class LayerVersion:
    config: dict[str, Any]  # GetLayerVersion's response members (Content without Location, LayerArn, ...)
    code: StoredCode
    policy: Policy = field(default_factory=Policy)


@dataclass
class Layer:
    name: str
    arn: str  # without version
    versions: dict[int, LayerVersion] = field(default_factory=dict)
    next_version: int = 1


@dataclass
class EventSourceMapping:
    config: dict[str, Any]  # EventSourceMappingConfiguration as the API returns it
    tags: dict[str, str] = field(default_factory=dict)  # TagResource on its ARN, and Tags on create


@dataclass
class LambdaStore:
    account_id: str
    region: str
    functions: dict[str, Function] = field(default_factory=dict)
    layers: dict[str, Layer] = field(default_factory=dict)
    event_source_mappings: dict[str, EventSourceMapping] = field(default_factory=dict)  # by UUID
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
