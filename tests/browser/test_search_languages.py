"""One search box over every language's bundle: word forms found through each language's
stemming, Chinese words, dates and newest first across bundles, one entry per story."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import CHINESE_WORD, RUSSIAN_FORM_INDEXED, RUSSIAN_FORM_QUERIED
from tests.browser.test_site_browser import RESULTS, result_facts, result_links, search


def test_one_box_finds_a_russian_word_form_and_a_chinese_word_dated(
    page: Any, base_url: str
) -> None:
    assert not RUSSIAN_FORM_INDEXED.startswith(RUSSIAN_FORM_QUERIED)  # no prefix match

    assert search(page, base_url, "en", RUSSIAN_FORM_QUERIED) == ["../ru/items/ru-schools.html"]
    assert search(page, base_url, "en", CHINESE_WORD) == ["../zh/items/zh-bullying.html"]
    (fact,) = result_facts(page)
    assert fact["date"] == "2025-07-16"


def test_newest_first_orders_results_across_language_bundles(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/en/search.html?q=UNICEF&sort=newest")
    page.wait_for_selector(RESULTS)

    facts = result_facts(page)
    dates = [fact["date"] for fact in facts]
    assert dates == sorted(dates, reverse=True)
    assert len({link.split("/")[1] for link in result_links(page)}) >= 4  # trees of 4+ bundles


@pytest.mark.parametrize(("tree", "version"), [("ru", "ru-rights"), ("ar", "ar-rights")])
def test_a_story_in_two_languages_is_one_result_in_the_readers_language(
    page: Any, base_url: str, tree: str, version: str
) -> None:
    links = search(page, base_url, tree, "UNICEF")

    versions = [link for link in links if link.endswith("-rights.html")]
    assert versions == [f"../{tree}/items/{version}.html"]
    assert len(links) == len(set(links))
    status = page.locator("#search-status").inner_text()
    assert str(len(links)) in status  # every result looked at: stories counted exactly


def test_a_query_loads_only_the_bundles_that_hold_its_words(page: Any, base_url: str) -> None:
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))

    links = search(page, base_url, "ru", "teachers")  # in one English story only

    bundles = {url.split("/pagefind/")[1].split("/")[0] for url in fetched if "/pagefind/" in url}
    assert links == ["../en/items/en-gced.html"]
    assert {"en", "words"} <= bundles
    assert not bundles & {"ru", "fr", "ar", "kk"}  # no word of theirs starts with "tea"
