"""One card per story, in headless Chromium: a story told by a global site and a country office,
and in several languages, is one card on the home page and on every listing, showing the
version in the reader's language (else the original), with its other versions as links."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from crawler.digest import build_site
from tests.browser.conftest import guarded_tab, served
from tests.test_digest import NOW, make_item


def story_items() -> list[dict[str, Any]]:
    """Two stories of several versions each, and two told once."""

    def version(identifier: str, story: str | None, language: str, source: str, title: str,
                day: int) -> dict[str, Any]:  # fmt: skip
        return make_item(
            identifier, story_id=story, language=language, source=source, title=title,
            published=f"2025-05-{day:02d}T09:00:00+00:00", topics=["child-protection"],
            summary=f"{title}.", text=f"{title}. More about it.", status="approved",
        )  # fmt: skip

    return [
        version("unicef-en", "rights", "en", "unicef", "Every child has rights", 10),
        version("unicef-kz-en", "rights", "en", "unicef-kazakhstan", "Every child has rights", 11),
        version("unicef-kz-ru", "rights", "ru", "unicef-kazakhstan", "У каждого ребенка есть права",
                11),  # fmt: skip
        version("unicef-kz-kk", "rights", "kk", "unicef-kazakhstan", "Әр баланың құқығы бар", 12),
        version("undp-en", "youth", "en", "undp", "Young people shape the future", 20),
        version("undp-ru", "youth", "ru", "undp", "Молодёжь строит будущее", 20),
        version("undp-kg-ky", "youth", "ky", "undp-kyrgyzstan", "Жаштар келечекти курат", 21),
        version("alone-fr", None, "fr", "unesco", "Éducation à la paix", 15),
        version("alone-ru", None, "ru", "un-news", "Права подростков", 16),
    ]


STORIES = 4


@pytest.fixture(scope="module")
def stories_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("stories") / "site"
    build_site(story_items(), out, now=NOW, search=False)
    with served(out) as url:
        yield url


def cards(tab: Any, heading: str) -> list[dict[str, Any]]:
    """Each card on the page: its title link and its version links (href, text)."""
    return list(tab.locator("article.card").evaluate_all(
        """(cards, heading) => cards.map(card => ({
            href: card.querySelector(heading + ' a').getAttribute('href'),
            title: card.querySelector(heading).textContent,
            versions: [...card.querySelectorAll('.versions a')].map(
                a => [a.getAttribute('href'), a.textContent]),
        }))""",
        heading,
    ))  # fmt: skip


def test_home_page_shows_each_story_once_with_its_other_versions_as_links(
    browser: Any, stories_url: str
) -> None:
    with guarded_tab(browser, stories_url) as tab:
        tab.goto(f"{stories_url}/en/index.html")
        shown = cards(tab, "h3")

    assert [card["href"] for card in shown] == [
        "../en/items/undp-en.html", "../ru/items/alone-ru.html", "../fr/items/alone-fr.html",
        "../en/items/unicef-en.html",
    ]  # fmt: skip
    rights = shown[-1]  # the global site's release, the original, leads its story
    assert rights["versions"] == [
        ["../en/items/unicef-kz-kk.html", "Kazakh · UNICEF Kazakhstan"],
        ["../ru/items/unicef-kz-ru.html", "Russian · UNICEF Kazakhstan"],
        ["../en/items/unicef-kz-en.html", "English · UNICEF Kazakhstan"],
    ]


def test_a_readers_language_version_leads_the_card_in_that_interface(
    browser: Any, stories_url: str
) -> None:
    with guarded_tab(browser, stories_url) as tab:
        tab.goto(f"{stories_url}/ru/index.html")
        shown = cards(tab, "h3")
        tab.click("text=Молодёжь строит будущее")
        tab.wait_for_url(f"{stories_url}/ru/items/undp-ru.html")
        versions = tab.locator("nav.versions li").all_inner_texts()

    assert len(shown) == STORIES
    assert {card["title"] for card in shown} >= {
        "У каждого ребенка есть права", "Молодёжь строит будущее"
    }  # fmt: skip
    assert len(versions) == 2  # the English and Kyrgyz versions, each once
    assert any("Жаштар келечекти курат" in line for line in versions)


def test_listings_count_and_show_stories_not_versions(browser: Any, stories_url: str) -> None:
    with guarded_tab(browser, stories_url) as tab:
        tab.goto(f"{stories_url}/en/topic/child-protection/index.html")
        topic = cards(tab, "h2")
        tab.goto(f"{stories_url}/en/language/kk/index.html")
        kazakh = cards(tab, "h2")
        tab.goto(f"{stories_url}/en/browse.html")
        languages = tab.locator("section[aria-labelledby='browse-language'] li").all_inner_texts()
        tab.goto(f"{stories_url}/en/stats.html")
        total = tab.locator("main").inner_text()

    assert len(topic) == len({card["href"] for card in topic}) == STORIES
    assert [card["href"] for card in kazakh] == ["../../../en/items/unicef-kz-kk.html"]
    assert "English (2)" in languages and "Russian (3)" in languages
    assert "4" in total
