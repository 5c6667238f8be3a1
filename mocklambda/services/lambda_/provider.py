"""AWS Lambda's API (rest-json, 2015-03-31): the provider, composed of one mixin per operation family.

Owns LambdaStore; executes nothing itself (execution is the runtime's). Each family lives in its own module:
functions.py (functions and code), invocations.py (Invoke), versions.py (versions and aliases), policy.py (resource policies),
layers.py, settings.py (tags, account settings, reserved and provisioned concurrency), invoke_configs.py
(asynchronous invocation settings), urls.py (function URLs), event_source_mappings.py.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from mocklambda.protocol import AwsError, AwsRequest
from mocklambda.services.base import RequestContext, ServiceProvider
from mocklambda.services.lambda_ import names
from mocklambda.services.lambda_.event_source_mappings import EventSourceMappingOperations
from mocklambda.services.lambda_.functions import FunctionOperations
from mocklambda.services.lambda_.invocations import InvokeOperations
from mocklambda.services.lambda_.invoke_configs import EventInvokeConfigOperations
from mocklambda.services.lambda_.layers import LayerOperations
from mocklambda.services.lambda_.models import LambdaStore
from mocklambda.services.lambda_.policy import PolicyOperations, allows_service, find_policy
from mocklambda.services.lambda_.settings import SettingsOperations
from mocklambda.services.lambda_.urls import FunctionUrlOperations
from mocklambda.services.lambda_.versions import VersionOperations

if TYPE_CHECKING:
    from mocklambda.emulator import Emulator


class LambdaProvider(
    FunctionOperations,
    InvokeOperations,
    VersionOperations,
    PolicyOperations,
    LayerOperations,
    SettingsOperations,
    EventInvokeConfigOperations,
    FunctionUrlOperations,
    EventSourceMappingOperations,
    ServiceProvider[LambdaStore],
):
    service_name = "lambda"
    store_type = LambdaStore

    def __init__(self, emulator: Emulator) -> None:
        super().__init__(emulator)
        # Other services (S3 notifications, SNS) invoke functions through the emulator, never through us.
        emulator.register_function_invoker(self.invoke_for_service)
        emulator.register_function_runner(self.run_for_service)
        emulator.register_function_lookup(self.function_exists)
        emulator.register_function_policy_check(self.function_allows)

    def function_exists(self, account_id: str, region: str, function_arn: str) -> bool:
        """The emulator's FunctionLookup capability (S3 validating a notification destination): whether the
        function, version or alias `function_arn` names exists in that account and region."""
        context = RequestContext(account_id=account_id, region=region, request_id="", service="lambda",
                                 operation="GetFunction", endpoint_url="", request=AwsRequest("GET", "/"))
        store = self.stores.get(account_id, region)
        try:
            with store.lock:
                names.resolve(store, context, names.parse_function_name(function_arn))
        except AwsError:
            return False
        return True

    def function_allows(
        self, account_id: str, region: str, function_arn: str, principal: str, source_arn: str, source_account: str
    ) -> bool:
        """The emulator's FunctionPolicyCheck capability (S3 in strict-permissions mode): whether the resource
        policy of the function, version or alias `function_arn` names lets `principal` invoke it for
        `source_arn` in `source_account`. False when the function or qualifier does not exist."""
        context = RequestContext(account_id=account_id, region=region, request_id="", service="lambda",
                                 operation="GetPolicy", endpoint_url="", request=AwsRequest("GET", "/"))
        store = self.stores.get(account_id, region)
        ref = names.parse_function_name(function_arn)
        try:
            with store.lock:
                function, _, _ = names.resolve(store, context, ref)
                return allows_service(find_policy(function, ref.qualifier), principal, source_arn, source_account)
        except AwsError:
            return False
