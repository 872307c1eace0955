"""The shape newcomers rely on: imports follow the data, from spiders to pipelines to the store."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PIPELINES = sorted((ROOT / "pipelines").glob("*.py"))
SCRAPY_ADAPTER = ROOT / "pipelines" / "scrapy.py"
HEAVY = ("trafilatura", "py3langid", "pycld2", "scrapy")


def imported(path: Path) -> set[str]:
    """The top-level packages a module imports (at any depth in its code)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", PIPELINES, ids=lambda p: p.name)
def test_pipelines_import_nothing_of_the_crawler_and_scrapy_only_in_its_adapter(
    path: Path,
) -> None:
    names = imported(path)

    assert "crawler" not in names
    if path != SCRAPY_ADAPTER:
        assert "scrapy" not in names


@pytest.mark.parametrize("module", ["crawler.store", "crawler.config", "crawler.digest"])
def test_the_store_config_and_site_load_without_the_extraction_chain(module: str) -> None:
    """``status``, ``review``, ``export`` and ``build`` start without loading trafilatura,
    the language models or Scrapy."""
    code = f"import sys, {module}; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == []
