"""Which stories show where: listings with stable pages, the home page, candidates, stories
told more than once, and the browse page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.digest import build_site
from crawler.digest.i18n import UI_LANGUAGES
from crawler.digest.pages import PAGE_SIZE
from tests.test_digest import CARD_LINKS, NOW, card_of, make_item, parse


def links(path: Path) -> list[str]:
    return [str(a.get("href")) for a in parse(path).cssselect(CARD_LINKS)]


def dated(n: int, **fields: Any) -> dict[str, Any]:
    moment = datetime(2025, 3, 1, tzinfo=UTC) - timedelta(hours=n)
    return make_item(f"i{n:03d}", published=moment.isoformat(), **fields)


def build(items: list[dict[str, Any]], out: Path, **options: Any) -> None:
    build_site(items, out, now=NOW, search=False, **options)


def test_listing_pages_hold_a_page_each_newest_first_under_stable_names(tmp_path: Path) -> None:
    count = 2 * PAGE_SIZE + 20
    build([dated(n, language="ru") for n in range(count)], tmp_path)
    folder = tmp_path / "en" / "language" / "ru"

    pages = [folder / "index.html", folder / "page-2.html", folder / "page-3.html"]
    shown = [links(page) for page in pages]

    assert sorted(path.name for path in folder.iterdir()) == ["index.html", "page-2.html",
                                                               "page-3.html"]  # fmt: skip
    assert [len(cards) for cards in shown] == [PAGE_SIZE, PAGE_SIZE, 20]
    assert sum(shown, []) == [f"../../../ru/items/i{n:03d}.html" for n in range(count)]
    second = parse(pages[1])
    assert second.cssselect("a[rel=prev]")[0].get("href") == "index.html"
    assert second.cssselect("a[rel=next]")[0].get("href") == "page-3.html"
    assert second.cssselect(".pagination [aria-current=page]")[0].text == "2"


def test_every_kind_of_listing_has_pages_in_every_tree(tmp_path: Path) -> None:
    item = make_item("a1", source="unicef", topics=["child-labour"], countries=["TJ"])
    build([item], tmp_path)

    for code in UI_LANGUAGES:
        for listing in ["language/en", "source/unicef", "topic/child-labour", "country/tj",
                        "month/2025-03"]:  # fmt: skip
            assert links(tmp_path / code / listing / "index.html") == ["../../../en/items/a1.html"]


def test_the_editors_topics_and_countries_replace_the_taggers(tmp_path: Path) -> None:
    corrected = make_item("a1", topics=["child-labour"], countries=["TJ"],
                          edited_topics=["peace-education"], edited_countries=["KG"])  # fmt: skip
    build([corrected], tmp_path)

    assert links(tmp_path / "en/topic/peace-education/index.html") == ["../../../en/items/a1.html"]
    assert links(tmp_path / "en/country/kg/index.html") == ["../../../en/items/a1.html"]
    assert not (tmp_path / "en/topic/child-labour").exists()
    assert not (tmp_path / "en/country/tj").exists()


def test_featured_stories_come_first_on_the_home_page(tmp_path: Path) -> None:
    items = [dated(0), dated(1), dated(2, status="featured"), dated(3)]
    build(items, tmp_path)

    home = parse(tmp_path / "en" / "index.html")
    featured = home.xpath("//section[@aria-labelledby='featured-heading']//h3/a/@href")
    latest = home.xpath("//section[@aria-labelledby='latest-heading']//h3/a/@href")
    assert featured == ["../en/items/i002.html"]
    assert latest == ["../en/items/i000.html", "../en/items/i001.html", "../en/items/i003.html"]
    assert "Featured" in home.cssselect(".card.featured .badge")[0].text


@pytest.mark.parametrize(
    ("options", "shown"),
    [
        ({}, ["approved", "candidate-high"]),
        ({"candidate_threshold": 0.05}, ["approved", "candidate-high", "candidate-low"]),
        ({"show_candidates": False}, ["approved"]),
    ],
)
def test_candidates_show_above_the_threshold_marked_unreviewed(
    tmp_path: Path, options: dict[str, Any], shown: list[str]
) -> None:
    items = [
        make_item("approved", published="2025-03-11T03:00:00+00:00"),
        make_item("candidate-high", status="candidate", relevance=0.5,
                  published="2025-03-11T02:00:00+00:00"),
        make_item("candidate-low", status="candidate", relevance=0.1,
                  published="2025-03-11T01:00:00+00:00"),
        make_item("rejected", status="rejected", relevance=1.0),
    ]  # fmt: skip
    build(items, tmp_path, **options)

    assert links(tmp_path / "en" / "index.html") == [f"../en/items/{name}.html" for name in shown]
    french = parse(tmp_path / "fr" / "index.html")
    for name in shown:
        unreviewed = name.startswith("candidate")
        page = parse(tmp_path / "en" / "items" / f"{name}.html")
        marks = [badge.text for badge in page.cssselect(".badge.unreviewed")]
        assert marks == (["Unreviewed"] if unreviewed else [])
        card = card_of(french, name)
        marks = [badge.text for badge in card.cssselect(".badge.unreviewed")]
        assert marks == (["Non vérifié"] if unreviewed else [])
    assert not list(tmp_path.glob("*/items/rejected.html"))


def test_cards_link_to_each_story_page_in_its_own_tree(tmp_path: Path) -> None:
    languages = {"en1": "en", "ru1": "ru", "ar1": "ar", "kk1": "kk", "uz1": "uz-Latn"}
    pages = ["en/items/en1.html", "ru/items/ru1.html", "ar/items/ar1.html",
             "en/items/kk1.html", "en/items/uz1.html"]  # fmt: skip
    build([make_item(item, language=language) for item, language in languages.items()], tmp_path)

    for listing, root in [("fr/index.html", "../"), ("en/index.html", "../"),
                          ("fr/topic/global-citizenship/index.html", "../../../"),
                          ("ko/month/2025-03/index.html", "../../../")]:  # fmt: skip
        shown = links(tmp_path / listing)
        assert sorted(shown) == sorted(f"{root}{page}" for page in pages), listing
        for link in shown:
            assert (tmp_path / listing).parent.joinpath(link).resolve().is_file(), (listing, link)
    russian = links(tmp_path / "fr" / "language" / "ru" / "index.html")
    assert russian == ["../../../ru/items/ru1.html"]


def test_about_page_says_how_candidates_are_chosen(tmp_path: Path) -> None:
    build([make_item("a1")], tmp_path, candidate_threshold=0.35)

    assert "at least 0.35" in parse(tmp_path / "en" / "about.html").text_content()
    assert "au moins 0,35" in parse(tmp_path / "fr" / "about.html").text_content()


def test_versions_of_one_story_link_to_each_others_pages(tmp_path: Path) -> None:
    items = [
        make_item("en-version", story_id="s1", title="Children's rights"),
        make_item("ru-version", story_id="s1", language="ru", title="Права детей"),
        make_item("spam-version", story_id="s1", status="rejected"),
        make_item("alone", story_id="s2"),
    ]
    build(items, tmp_path)

    english = tmp_path / "en" / "items" / "en-version.html"
    russian = tmp_path / "ru" / "items" / "ru-version.html"
    for page, href, lang, title in [
        (english, "../../ru/items/ru-version.html", "ru", "Права детей"),
        (russian, "../../en/items/en-version.html", "en", "Children's rights"),
    ]:
        others = parse(page).cssselect(".versions a:not([rel])")
        assert [(a.get("href"), a.get("lang"), a.text) for a in others] == [(href, lang, title)]
        assert (page.parent / href).resolve().is_file()
    assert not parse(tmp_path / "en" / "items" / "alone.html").cssselect(".versions")


def test_browse_page_lists_every_listing_with_its_count(tmp_path: Path) -> None:
    items = [dated(n, language="ru" if n % 3 else "en", source="undp") for n in range(9)]
    build(items, tmp_path)

    browse = parse(tmp_path / "es" / "browse.html")
    languages = browse.xpath("//section[@aria-labelledby='browse-language']//li")
    assert [li.text_content() for li in languages] == ["Ruso (6)", "Inglés (3)"]
    assert browse.xpath("//a[@href='source/undp/index.html']")[0].text == "PNUD"


def test_undated_stories_have_pages_but_no_month(tmp_path: Path) -> None:
    build([make_item("undated", published=None)], tmp_path)

    assert (tmp_path / "en" / "items" / "undated.html").is_file()
    assert not (tmp_path / "en" / "month").exists()


def story_of_three(**lead: Any) -> list[dict[str, Any]]:
    """One story: the global English release first, then Russian and Kazakh versions."""
    return [
        make_item("en-first", story_id="s", published="2025-03-01T09:00:00+00:00"),
        make_item("ru-later", story_id="s", language="ru", title="Права",
                  published="2025-03-02T09:00:00+00:00"),
        make_item("kk-last", story_id="s", language="kk", title="Құқықтар",
                  published="2025-03-03T09:00:00+00:00", **lead),
    ]  # fmt: skip


def test_a_story_without_a_version_in_the_readers_language_shows_its_original(
    tmp_path: Path,
) -> None:
    build(story_of_three(), tmp_path / "first")
    build(story_of_three(story_lead=1), tmp_path / "lead")

    def home_cards(site: Path, tree: str) -> list[str]:
        return [str(a.get("href")) for a in parse(site / tree / "index.html").cssselect(CARD_LINKS)]

    assert home_cards(tmp_path / "first", "fr") == ["../en/items/en-first.html"]  # first published
    assert home_cards(tmp_path / "first", "ru") == ["../ru/items/ru-later.html"]  # the reader's
    assert home_cards(tmp_path / "lead", "fr") == ["../en/items/kk-last.html"]  # the editor's lead
    assert home_cards(tmp_path / "lead", "en") == ["../en/items/en-first.html"]


def test_statistics_and_month_listings_count_a_story_once(tmp_path: Path) -> None:
    build(story_of_three(), tmp_path)

    stats = parse(tmp_path / "en" / "stats.html").text_content()
    browse = parse(tmp_path / "en" / "browse.html")
    months = browse.xpath("//section[@aria-labelledby='browse-month']//li")

    assert "1 story" in stats and "3 stories" not in stats
    assert [li.text_content() for li in months] == ["March 2025 (1)"]
