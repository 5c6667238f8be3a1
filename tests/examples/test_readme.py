"""The README's examples, run as written so they cannot rot."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_examples():
    assert len(BLOCKS) >= 3
    assert README.read_text().splitlines()[3:5] == [
        "make serve   # the standalone server on http://127.0.0.1:4566",
        "make test    # the whole test suite",
    ]


@pytest.mark.parametrize("index", [i for i, block in enumerate(BLOCKS) if not block.startswith("# test_")])
def test_readme_script_example_runs(index, tmp_path):
    script = tmp_path / "example.py"
    script.write_text(BLOCKS[index])
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("index", [i for i, block in enumerate(BLOCKS) if block.startswith("# test_")])
def test_readme_pytest_example_passes(index, pytester):
    name = BLOCKS[index].splitlines()[0].removeprefix("# ").removesuffix(".py")
    pytester.makepyfile(**{name: BLOCKS[index]})
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
