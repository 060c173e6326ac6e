"""The README's Python API example runs as written (with the extractive backend, so no model)."""

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT


def python_api_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.mark.integration
def test_readme_python_api_example_runs_as_written(seeds_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(seeds_index, index)  # not the session's: its bot holds that one open
    env = {**os.environ, "ASSISTANT_GENERATOR": "extractive", "ASSISTANT_INDEX": str(index),
           "ASSISTANT_CORPUS": str(ROOT / "seeds")}
    code = python_api_example()
    assert "Assistant.load()" in code and "bot.ask(" in code
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "[1]" in done.stdout  # an answer with a citation was printed
