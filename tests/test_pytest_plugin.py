"""The pytest fixtures, run in fresh pytest sessions through pytester (as a user's suite would)."""
from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

SUITE = '''
import boto3

def test_first(mocklambda):
    assert boto3.client("lambda").list_functions()["Functions"] == []
    mocklambda.emulator.providers["sns"].stores.get("123456789012", "us-east-1").topics["arn:x"] = {}

def test_state_is_reset_between_tests(mocklambda):
    assert boto3.client("sns").list_topics()["Topics"] == []

def test_server_is_shared(mocklambda, mocklambda_server):
    assert mocklambda is mocklambda_server
'''


def test_fixtures_serve_and_reset(pytester):
    pytester.makepyfile(test_suite=SUITE)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


def test_fixtures_under_xdist(pytester):
    pytester.makepyfile(test_suite=SUITE, test_more=SUITE.replace("test_first", "test_other"))
    result = pytester.runpytest_subprocess("-q", "-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)


def test_fixture_reraises_bug_in_mock_at_teardown(pytester):
    pytester.makepyfile(test_bug='''
import boto3, pytest
from botocore.config import Config

def test_hits_bug(mocklambda):
    def broken(context, params):
        raise LookupError("bug in the mock")
    mocklambda.emulator.providers["lambda"].list_functions = broken
    with pytest.raises(Exception):
        boto3.client("lambda", config=Config(retries={"total_max_attempts": 1})).list_functions()
''')
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*LookupError: bug in the mock*"])


@pytest.mark.parametrize("fixture", ["mocklambda", "mocklambda_server"])
def test_fixture_is_registered(pytester, fixture):
    result = pytester.runpytest_subprocess("--fixtures", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines([f"{fixture}*"])
