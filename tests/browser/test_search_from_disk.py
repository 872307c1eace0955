"""The search page opened from disk (file://), where the browser will not load Pagefind: it
says, in the page's language, how to serve the site, instead of a search box that does
nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.digest.render import load_theme
from tests.browser.conftest import guarded_tab


@pytest.fixture
def disk_page(browser: Any) -> Iterator[Any]:
    """A fresh tab that may load only files: anything over the network fails the test."""
    with guarded_tab(browser, "file://") as tab:
        yield tab


@pytest.mark.parametrize("tree", ["en", "ru"])
def test_search_from_disk_says_how_to_serve_the_site(
    disk_page: Any, site: Path, tree: str, artifacts: Path
) -> None:
    catalogue = load_theme().catalogues[tree]
    expected = catalogue.gettext(
        "Search needs the site served over HTTP: run %(command)s in the project folder and"
        " open %(url)s. Browsing the stories works from disk too.",
        command="gced-news serve",
        url="http://127.0.0.1:8000/",
    )

    disk_page.goto((site / tree / "search.html").as_uri())
    status = disk_page.locator("#search-status")

    assert status.inner_text() == expected
    assert "gced-news serve" in expected and "http://127.0.0.1:8000/" in expected
    assert (tree == "en") == expected.startswith("Search needs the site served over HTTP")
    disk_page.fill("#search-query", "UNICEF")
    disk_page.press("#search-query", "Enter")
    assert status.inner_text() == expected  # a search says it again, and finds nothing
    assert disk_page.locator("#search-results li").count() == 0
    disk_page.screenshot(path=str(artifacts / f"search-from-disk-{tree}.png"))
