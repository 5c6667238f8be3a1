"""mocklambda: AWS Lambda and the services that trigger it, running locally for test suites.

Public names only. Importing mocklambda installs a botocore hook that sends requests from clients created
before `mock_aws()` was entered to the active mock (and does nothing when no mock is active).
"""
from __future__ import annotations

from mocklambda import redirect
from mocklambda.mock import mock_aws
from mocklambda.server import MockServer

__all__ = ["MockServer", "mock_aws"]
__version__ = "0.1.0"

redirect.install_botocore_hook()
