"""Invoke through boto3, end to end: Python functions importing code from their layers (AWS's /opt/python...)."""
from __future__ import annotations

import itertools
import os

import pytest

from tests.e2e.conftest import zip_files

_layers = itertools.count(1)

IMPORTER = "import {module}\ndef handler(event, context):\n    return {module}.VALUE\n"


@pytest.fixture
def publish_layer(awslambda):
    """publish_layer({path: content}) -> LayerVersionArn of a new layer holding those files."""

    def publish(files: dict[str, str | bytes]) -> str:
        name = f"layer-{os.getpid()}-{next(_layers)}"
        return awslambda.publish_layer_version(
            LayerName=name, Content={"ZipFile": zip_files(files)}, CompatibleRuntimes=["python3.12"],
        )["LayerVersionArn"]

    return publish


def test_invoke_layer_python_directory_module_is_importable(deploy, invoke, publish_layer):
    layer = publish_layer({"python/helper.py": "VALUE = 'from the layer'\n"})
    name = deploy(IMPORTER.format(module="helper"), Layers=[layer])
    response, payload = invoke(name, {})
    assert "FunctionError" not in response
    assert payload == "from the layer"


def test_invoke_layer_site_packages_package_is_importable(deploy, invoke, publish_layer):
    layer = publish_layer({"python/lib/python3.12/site-packages/pkg/__init__.py": "VALUE = 'site-packages'\n"})
    name = deploy(IMPORTER.format(module="pkg"), Layers=[layer])
    response, payload = invoke(name, {})
    assert "FunctionError" not in response
    assert payload == "site-packages"


def test_invoke_later_layer_wins_for_same_module(deploy, invoke, publish_layer):
    # AWS extracts layers into /opt in the function's order: a later layer overwrites an earlier one's file.
    first = publish_layer({"python/shared.py": "VALUE = 'first'\n"})
    second = publish_layer({"python/shared.py": "VALUE = 'second'\n"})
    name = deploy(IMPORTER.format(module="shared"), Layers=[first, second])
    assert invoke(name, {})[1] == "second"


def test_invoke_code_root_module_wins_over_layer_module(deploy, invoke, publish_layer):
    # AWS puts the task root (/var/task) first on sys.path, before /opt/python.
    layer = publish_layer({"python/shared.py": "VALUE = 'layer'\n"})
    name = deploy({"app.py": IMPORTER.format(module="shared"), "shared.py": "VALUE = 'code root'\n"}, Layers=[layer])
    assert invoke(name, {})[1] == "code root"


def test_invoke_code_root_module_wins_over_layer_site_packages(deploy, invoke, publish_layer):
    layer = publish_layer({"python/lib/python3.12/site-packages/shared.py": "VALUE = 'site-packages'\n"})
    name = deploy({"app.py": IMPORTER.format(module="shared"), "shared.py": "VALUE = 'code root'\n"}, Layers=[layer])
    assert invoke(name, {})[1] == "code root"


def test_invoke_layer_site_packages_wins_over_layer_python_directory(deploy, invoke, publish_layer):
    # AWS's order: /opt/python/lib/python3.X/site-packages, then /opt/python.
    layer = publish_layer({"python/shared.py": "VALUE = 'python'\n",
                           "python/lib/python3.12/site-packages/shared.py": "VALUE = 'site-packages'\n"})
    name = deploy(IMPORTER.format(module="shared"), Layers=[layer])
    assert invoke(name, {})[1] == "site-packages"


def test_invoke_layer_site_packages_pth_file_is_processed(deploy, invoke, publish_layer):
    # AWS adds the layer directories as site directories, so their .pth files extend sys.path.
    site_packages = "python/lib/python3.12/site-packages"
    layer = publish_layer({f"{site_packages}/vendored.pth": "vendored\n",
                           f"{site_packages}/vendored/deep.py": "VALUE = 'through a .pth file'\n"})
    name = deploy(IMPORTER.format(module="deep"), Layers=[layer])
    assert invoke(name, {})[1] == "through a .pth file"


def test_invoke_layers_merge_same_package_directory(deploy, invoke, publish_layer):
    # AWS extracts every layer into the same /opt: a package directory two layers both ship is one directory
    # holding the files of both (the later layer's copy of a file they share wins).
    first = publish_layer({"python/company/__init__.py": "", "python/company/models.py": "VALUE = 'models'\n"})
    second = publish_layer({"python/company/__init__.py": "", "python/company/utils.py": "VALUE = 'utils'\n"})
    name = deploy("from company import models, utils\n"
                  "def handler(event, context):\n    return [models.VALUE, utils.VALUE]\n", Layers=[first, second])
    response, payload = invoke(name, {})
    assert "FunctionError" not in response
    assert payload == ["models", "utils"]
