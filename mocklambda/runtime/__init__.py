"""Function execution: real processes speaking the Lambda Runtime API, pooled per function version.

The public interface is what is exported here; everything else in the package is internal. Only this package
starts, signals or kills processes, and it imports no service, protocol or gateway.
"""
from __future__ import annotations

from mocklambda.runtime.launch import LaunchedProcess, Launcher, LaunchRequest, SubprocessLauncher
from mocklambda.runtime.runtime import EnvironmentInfo, Runtime, RuntimeConfig
from mocklambda.runtime.spec import LATEST, FunctionSpec, Invocation, InvocationResult, LogSink, Throttled

__all__ = [
    "LATEST",
    "EnvironmentInfo",
    "FunctionSpec",
    "Invocation",
    "InvocationResult",
    "LaunchRequest",
    "LaunchedProcess",
    "Launcher",
    "LogSink",
    "Runtime",
    "RuntimeConfig",
    "SubprocessLauncher",
    "Throttled",
]
