"""The Emulator: one object that owns every service's state, the event bus and (later) the runtime.

No module-level state: a session server with per-test reset, nested mocks and xdist workers each get their
own Emulator. MockServer, mock_aws(), the CLI and the pytest plugin are thin shells over it.
"""
from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any, Protocol

from mocklambda.config import Config
from mocklambda.events import EventBus
from mocklambda.function_logs import FunctionLogs
from mocklambda.runtime import Runtime, RuntimeConfig
from mocklambda.runtime.zygote import ZygoteLauncher
from mocklambda.services.base import ServiceProvider
from mocklambda.services.dynamodb.provider import DynamoDBProvider
from mocklambda.services.dynamodbstreams.provider import DynamoDBStreamsProvider
from mocklambda.services.lambda_.provider import LambdaProvider
from mocklambda.services.s3.provider import S3Provider
from mocklambda.services.sns.provider import SnsProvider
from mocklambda.services.sqs.provider import SqsProvider

logger = logging.getLogger(__name__)

PROVIDERS: tuple[type[ServiceProvider[Any]], ...] = (
    LambdaProvider,
    S3Provider,
    DynamoDBProvider,
    DynamoDBStreamsProvider,
    SnsProvider,
    SqsProvider,
)


class Component(Protocol):
    """Anything with processes or threads of its own (function pools, pollers): reset and stopped with us."""

    def reset(self) -> None: ...

    def stop(self) -> None: ...


class ObjectReader(Protocol):
    """Reads an object from the object store (S3) for services that take code or data from it.
    Raises LookupError(code, message) with S3's error code and message when the object cannot be had."""

    def __call__(self, account_id: str, region: str, bucket: str, key: str, version_id: str | None) -> bytes: ...


class FunctionInvoker(Protocol):
    """Invokes a Lambda function asynchronously (InvocationType Event), as S3 notifications and SNS do.
    `function_arn` may be qualified. Raises LookupError(message) when the function does not exist."""

    def __call__(self, account_id: str, region: str, function_arn: str, payload: bytes) -> str: ...


class FunctionRunner(Protocol):
    """Invokes a Lambda function on behalf of another service and returns once it has finished (a function
    error is logged, not raised): how SNS delivers a FIFO message group in order. Raises LookupError(message)
    when the function does not exist."""

    def __call__(self, account_id: str, region: str, function_arn: str, payload: bytes) -> str: ...


class FunctionLookup(Protocol):
    """Whether a Lambda function (or the version/alias a qualified ARN names) exists, in the account and
    region of its ARN: how S3 validates a notification's destination without knowing Lambda."""

    def __call__(self, account_id: str, region: str, function_arn: str) -> bool: ...


class FunctionPolicyCheck(Protocol):
    """Whether a function's resource policy (of the version/alias a qualified ARN names) lets `principal`
    (a service principal such as "s3.amazonaws.com") invoke it for `source_arn` in `source_account`: how S3
    checks a notification destination in strict-permissions mode without knowing Lambda."""

    def __call__(
        self, account_id: str, region: str, function_arn: str, principal: str, source_arn: str, source_account: str
    ) -> bool: ...


class TopicLookup(Protocol):
    """Whether an SNS topic exists, in the account and region of its ARN: how S3 validates a notification's
    topic destination without knowing SNS."""

    def __call__(self, account_id: str, region: str, topic_arn: str) -> bool: ...


class TopicPublisher(Protocol):
    """Publishes a message to an SNS topic as its owner would (S3 notifications to topics): returns the
    message id. Raises LookupError when the topic does not exist."""

    def __call__(
        self, account_id: str, region: str, topic_arn: str, message: str, subject: str | None = None
    ) -> str: ...


class Emulator:
    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()
        self._errors: list[BaseException] = []
        self._errors_lock = threading.Lock()
        self.events = EventBus(on_error=self.record_error)
        self._components: list[Component] = []
        self._data_dir: Path | None = None
        self._object_reader: ObjectReader | None = None
        self._function_invoker: FunctionInvoker | None = None
        self._function_runner: FunctionRunner | None = None
        self._function_lookup: FunctionLookup | None = None
        self._function_policy_check: FunctionPolicyCheck | None = None
        self._topic_lookup: TopicLookup | None = None
        self._topic_publisher: TopicPublisher | None = None
        # Function processes end before anything else is reset or removed: registered first.
        self.function_logs = FunctionLogs()
        self.runtime = Runtime(RuntimeConfig.from_config(self.config, self.data_dir / "runtime"),
                               log_sink=self.function_logs.append)
        if self.config.zygote:
            # Python functions fork from a pre-initialised interpreter, started on the first cold start.
            self.runtime.register_launcher("python3", ZygoteLauncher())
        self.register(self.runtime)
        self.providers: dict[str, ServiceProvider[Any]] = {cls.service_name: cls(self) for cls in PROVIDERS}

    @property
    def data_dir(self) -> Path:
        """A private directory for this emulator's files (code packages, temp dirs); removed by stop()."""
        with self._errors_lock:
            if self._data_dir is None:
                self._data_dir = Path(tempfile.mkdtemp(prefix="mocklambda-"))
            return self._data_dir

    def set_endpoint_url(self, endpoint_url: str) -> None:
        """Where function processes reach this mock (AWS_ENDPOINT_URL); known once the server listens."""
        self.runtime.config.endpoint_url = endpoint_url

    # -- capabilities one service offers others (never a provider-to-provider import) ---------------------
    def register_object_reader(self, reader: ObjectReader) -> None:
        self._object_reader = reader

    def read_object(self, account_id: str, region: str, bucket: str, key: str, version_id: str | None) -> bytes:
        """An S3 object's bytes; LookupError(code, message) as S3 would answer when it cannot be read."""
        if self._object_reader is None:
            raise LookupError("NoSuchBucket", "The specified bucket does not exist")
        return self._object_reader(account_id, region, bucket, key, version_id)

    def register_function_invoker(self, invoker: FunctionInvoker) -> None:
        self._function_invoker = invoker

    def invoke_function_async(self, account_id: str, region: str, function_arn: str, payload: bytes) -> str:
        """Queue an asynchronous invocation; returns its request id. LookupError if there is no such function."""
        if self._function_invoker is None:
            raise LookupError(f"Function not found: {function_arn}")
        return self._function_invoker(account_id, region, function_arn, payload)

    def register_function_runner(self, runner: FunctionRunner) -> None:
        self._function_runner = runner

    def run_function(self, account_id: str, region: str, function_arn: str, payload: bytes) -> str:
        """Invoke and wait until the function has finished (ordered deliveries); returns the request id.
        LookupError if there is no such function."""
        if self._function_runner is None:
            raise LookupError(f"Function not found: {function_arn}")
        return self._function_runner(account_id, region, function_arn, payload)

    def register_function_lookup(self, lookup: FunctionLookup) -> None:
        self._function_lookup = lookup

    def function_exists(self, account_id: str, region: str, function_arn: str) -> bool:
        """True if the function `function_arn` names exists (False when no Lambda is registered)."""
        return self._function_lookup is not None and self._function_lookup(account_id, region, function_arn)

    def register_function_policy_check(self, check: FunctionPolicyCheck) -> None:
        self._function_policy_check = check

    def function_allows(
        self, account_id: str, region: str, function_arn: str, principal: str, source_arn: str, source_account: str
    ) -> bool:
        """True if the function's resource policy allows `principal` to invoke it from `source_arn` owned by
        `source_account` (False when the function or its policy is missing, or no Lambda is registered)."""
        check = self._function_policy_check
        return check is not None and check(account_id, region, function_arn, principal, source_arn, source_account)

    def register_topic_lookup(self, lookup: TopicLookup) -> None:
        self._topic_lookup = lookup

    def register_topic_publisher(self, publisher: TopicPublisher) -> None:
        self._topic_publisher = publisher

    def publish_to_topic(
        self, account_id: str, region: str, topic_arn: str, message: str, subject: str | None = None
    ) -> str:
        """Publish to an SNS topic; returns the message id. LookupError if there is no such topic."""
        if self._topic_publisher is None:
            raise LookupError(f"Topic does not exist: {topic_arn}")
        return self._topic_publisher(account_id, region, topic_arn, message, subject)

    def topic_exists(self, account_id: str, region: str, topic_arn: str) -> bool:
        """True if the SNS topic `topic_arn` exists (False when no SNS is registered)."""
        return self._topic_lookup is not None and self._topic_lookup(account_id, region, topic_arn)

    # -- components -------------------------------------------------------------------------------------
    def register(self, component: Component) -> None:
        self._components.append(component)

    def reset(self) -> None:
        """All state gone: queued work dropped, every component reset (its processes ended), stores emptied."""
        self.events.reset()
        for component in self._components:
            component.reset()
        for provider in self.providers.values():
            provider.reset()
        self.function_logs.reset()
        logger.debug("emulator reset")

    def stop(self) -> None:
        self.events.stop()
        for component in self._components:
            component.stop()
        if self._data_dir is not None:
            shutil.rmtree(self._data_dir, ignore_errors=True)
            self._data_dir = None

    def wait_idle(self, timeout: float = 10.0) -> bool:
        return self.events.wait_idle(timeout)

    # -- bugs in the mock ---------------------------------------------------------------------------------
    def record_error(self, exc: BaseException) -> None:
        """Keep an internal exception so the test that triggered it fails at teardown."""
        with self._errors_lock:
            self._errors.append(exc)

    def take_errors(self) -> list[BaseException]:
        with self._errors_lock:
            errors, self._errors = self._errors, []
        return errors
