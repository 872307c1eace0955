"""Machine-readable output: Atom feeds (whole digest, per language, per topic), the sitemap and
one JSON file per story; and the root page's list of the latest stories. Each links to a
story's one page, in the tree of its language."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import feedparser
import lxml.etree
import lxml.html
import pytest

from crawler.digest import build_site
from crawler.digest.context import TextStore, Visibility, collect
from crawler.digest.i18n import UI_LANGUAGES
from crawler.digest.pages import tree_page_count, tree_paths
from tests.test_digest import NOW, make_item

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def items() -> list[dict[str, Any]]:
    return [
        make_item("en1", topics=["child-protection", "bullying"], authors=["Jane Doe"]),
        make_item("ru1", language="ru", title="Права детей", story_id="s", notes="private"),
        make_item("ar1", language="ar", title="حقوق الطفل", story_id="s", summary=None,
                  text="نص\x0b عربي", published="2025-03-11T09:00:00+00:00",
                  updated="2025-03-12T00:00:00+00:00"),  # the Russian version's translation
        make_item("zh1", language="zh", title="儿童权利 & <教育>", published=None),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("feeds") / "site"
    build_site(items(), out, now=NOW, search=False)
    return out


def feeds(site: Path) -> list[Path]:
    return sorted((site / "feeds").rglob("*.xml"))


def test_there_is_a_feed_for_all_stories_and_each_language_and_topic(site: Path) -> None:
    names = [path.relative_to(site / "feeds").as_posix() for path in feeds(site)]

    assert names == [
        "all.xml", "language/ar.xml", "language/en.xml", "language/ru.xml", "language/zh.xml",
        "topic/bullying.xml", "topic/child-protection.xml", "topic/global-citizenship.xml",
    ]  # fmt: skip


def test_every_feed_parses_without_errors(site: Path) -> None:
    for path in feeds(site):
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert parsed.version == "atom10"
        assert parsed.entries, path


def test_feed_entries_carry_title_language_dates_and_links(site: Path) -> None:
    parsed = feedparser.parse((site / "feeds" / "all.xml").read_bytes())
    by_title = {entry.title: entry for entry in parsed.entries}

    # One entry per story: the Russian and Arabic versions of one story are one entry, the
    # original (the first published), as the feed's interface language has no version.
    assert sorted(by_title) == ["Story en1", "Права детей", "儿童权利 & <教育>"]
    russian = by_title["Права детей"]
    assert russian.link == "../ru/items/ru1.html"  # the story's page, in its own tree
    assert (site / "feeds" / russian.link).resolve() == (site / "ru/items/ru1.html").resolve()
    assert (site / "ru/items/ru1.html").is_file()
    assert [link.href for link in russian.links if link.rel == "related"] == [
        "https://news.un.org/en/story/ru1"
    ]
    assert russian.published == "2025-03-11T04:01:55+00:00"
    assert by_title["Story en1"].author == "Jane Doe"
    assert [tag.term for tag in by_title["Story en1"].tags] == ["child-protection", "bullying"]
    arabic = feedparser.parse((site / "feeds" / "language" / "ar.xml").read_bytes()).entries
    assert [entry.title for entry in arabic] == ["حقوق الطفل"]  # its language's feed: its version
    assert arabic[0].summary == "نص عربي"  # the control character is gone


def test_base_url_makes_feed_and_sitemap_links_absolute(tmp_path: Path) -> None:
    build_site(items(), tmp_path, now=NOW, search=False, base_url="https://gced.example.org/")

    parsed = feedparser.parse((tmp_path / "feeds" / "topic" / "bullying.xml").read_bytes())
    assert parsed.bozo == 0
    assert parsed.entries[0].link == "https://gced.example.org/en/items/en1.html"
    locs = [loc.text for loc in lxml.etree.parse(tmp_path / "sitemap.xml").iter(f"{SITEMAP}loc")]
    assert "https://gced.example.org/zh/items/zh1.html" in locs
    assert "https://gced.example.org/ru/items/zh1.html" not in locs
    assert all(loc.startswith("https://gced.example.org/") for loc in locs)


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_build_without_base_url_warns_once_how_to_set_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        build_site(items(), tmp_path, now=NOW, search=False)

    [warning] = warnings_of(caplog)
    assert "relative links" in warning
    assert "base_url" in warning
    assert "[site]" in warning


def test_build_with_base_url_does_not_warn(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        build_site(items(), tmp_path, now=NOW, search=False, base_url="https://gced.example.org/")

    assert warnings_of(caplog) == []


def test_sitemap_lists_every_page_of_every_tree(site: Path) -> None:
    tree = lxml.etree.parse(site / "sitemap.xml")
    locs = sorted(loc.text for loc in tree.iter(f"{SITEMAP}loc"))

    pages = sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))
    assert locs == pages
    assert len(pages) > 10 * len(UI_LANGUAGES)


def test_sitemap_lists_each_story_page_once_in_its_own_tree(site: Path) -> None:
    locs = [str(loc.text) for loc in lxml.etree.parse(site / "sitemap.xml").iter(f"{SITEMAP}loc")]

    stories = sorted(loc for loc in locs if "/items/" in loc)
    assert stories == ["ar/items/ar1.html", "en/items/en1.html", "ru/items/ru1.html",
                       "zh/items/zh1.html"]  # fmt: skip
    assert len(locs) == len(set(locs))


def test_root_page_lists_the_latest_stories_at_their_own_pages(site: Path) -> None:
    root = lxml.html.document_fromstring((site / "index.html").read_bytes())

    hrefs = sorted(str(a.get("href")) for a in root.cssselect(".root-latest a"))
    assert hrefs == ["en/items/en1.html", "ru/items/ru1.html", "zh/items/zh1.html"]  # one a story
    assert all((site / href).is_file() for href in hrefs)


def test_each_story_has_a_json_file_of_its_public_fields(site: Path) -> None:
    document = json.loads((site / "items" / "ru1.json").read_text(encoding="utf-8"))

    assert document["id"] == "ru1"
    assert document["title"] == "Права детей"
    assert document["language"] == "ru"
    assert document["page"] == "../ru/items/ru1.html"
    assert (site / "items" / document["page"]).resolve().is_file()
    assert document["duplicates"] == ["ar1"]
    assert document["text"].startswith("First paragraph of ru1.")
    assert "notes" not in document
    assert "private" not in json.dumps(document)
    names = sorted(path.name for path in (site / "items").iterdir() if path.suffix == ".json")
    assert names == ["ar1.csl.json", "ar1.json", "en1.csl.json", "en1.json",
                     "ru1.csl.json", "ru1.json", "zh1.csl.json", "zh1.json"]  # fmt: skip


def test_the_sitemap_counts_the_pages_it_lists_without_listing_them() -> None:
    languages = ["en", "ru", "kk", "zh", "ar", ""]
    items = [
        make_item(f"p{n}", language=languages[n % 6], topics=["bullying"] if n % 2 else [])
        for n in range(23)
    ]
    collection = collect(items, Visibility(), TextStore())

    listed = sum(1 for code in UI_LANGUAGES for _ in tree_paths(collection, 5, code))

    assert tree_page_count(collection, 5) == listed
