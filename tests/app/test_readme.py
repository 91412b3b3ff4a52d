"""The README's Python section runs as written (in a scratch folder, so it writes nothing here)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

from conftest import ROOT


def _python_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "the README's Python section has one code block"
    return blocks[0]


def test_the_readme_python_block_runs_unchanged(tmp_path):
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus", ignore=shutil.ignore_patterns("fetched"))
    env = {**os.environ, "DISCOURSE_KIT_CACHE": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", _python_section()], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "results" / "evidence.csv").exists() and (tmp_path / "figures" / "category_rates.png").exists()


def test_every_name_the_readme_imports_comes_from_where_it_says():
    imports = re.findall(r"^from (analysis[\w.]*) import (.+)$", _python_section(), flags=re.M)
    assert imports
    for module, names in imports:
        namespace = {}
        exec(f"from {module} import {names}", namespace)
        assert all(n.strip() in namespace for n in names.split(","))


def _groups_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Comparing groups, time and words\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "the README's groups section has one Python block"
    return blocks[0]


def test_the_readme_groups_block_runs_unchanged(tmp_path):
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus", ignore=shutil.ignore_patterns("fetched"))
    env = {**os.environ, "DISCOURSE_KIT_CACHE": str(tmp_path / "cache")}
    check = ("\nassert len(contrasts) and set(contrasts['a']) == {'False', 'True'}"
             "\nassert concordance['match'].tolist() == ['ultimatums'] and 'speaker' in concordance"
             "\nassert len(near) and set(key_groups['target']) == {'constructed=False'}")
    done = subprocess.run([sys.executable, "-c", _groups_section() + check], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
