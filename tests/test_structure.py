"""The shape newcomers rely on: imports follow the data, from spiders to pipelines to the store."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crawler import exchange, store
from crawler.digest import context
from pipelines import process_page
from pipelines.record import FIELDS
from tests.conftest import ROOT

PIPELINES = sorted((ROOT / "pipelines").glob("*.py"))
SPIDERS = sorted((ROOT / "spiders").glob("*.py"))
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


@pytest.mark.parametrize("path", SPIDERS, ids=lambda p: p.name)
def test_spiders_import_nothing_of_the_crawler(path: Path) -> None:
    """Spiders hand plain items on; the source they read is a plain value (spiders.sources)."""
    assert "crawler" not in imported(path)


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


# --- one record ----------------------------------------------------------------------------


def test_process_page_returns_exactly_the_declared_record() -> None:
    html = (
        "<html lang='en'><head><title>Schools reopen | UN News</title></head><body><article>"
        "<h1>Schools reopen in Bishkek</h1><p>Teachers welcomed pupils back on Monday, the"
        " ministry said, after a month of repairs to heating in forty schools.</p></article>"
        "</body></html>"
    )

    record = process_page(html, "https://news.un.org/en/story/2025/03/1160001", source="un-news")

    assert sorted(record) == sorted(FIELDS)


def test_the_readmes_field_list_is_the_record() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = readme[readme.index("The record each page becomes") :].split("\n\n")[0]
    fields = paragraph.split("has the fields", 1)[1].split("(declared once", 1)[0]

    assert sorted(re.findall(r"`([a-z_]+)`", fields)) == sorted(FIELDS)


def test_the_store_export_and_site_read_the_records_fields(tmp_path: Path) -> None:
    db = store.open_db(tmp_path / "news.db")
    columns = set(db.table("items").columns_dict)

    assert set(FIELDS) <= columns
    assert set(FIELDS) <= set(exchange.CSV_COLUMNS)
    assert set(context.ITEM_FIELDS) <= columns
