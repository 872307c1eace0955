"""The static site build: items in, a browsable folder of HTML out."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from crawler.digest import (
    BuildReport,
    InvalidItemError,
    OutputCollisionError,
    TemplatesNotFoundError,
    build_site,
)
from crawler.digest.context import prepare_items
from crawler.digest.render import TEMPLATES_DIR
from crawler.digest.writer import SiteWriter

NOW = datetime(2025, 3, 12, 8, 0, tzinfo=UTC)


def make_item(item_id: str, **fields: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": item_id,
        "url": f"https://news.un.org/en/story/{item_id}",
        "canonical_url": None,
        "source": "un-news",
        "title": f"Story {item_id}",
        "text": f"First paragraph of {item_id}.\nSecond paragraph of {item_id}.",
        "summary": f"Summary of {item_id}.",
        "published": "2025-03-11T04:01:55+00:00",
        "updated": None,
        "authors": [],
        "image": None,
        "language": "en",
        "title_language": None,
        "topics": ["global-citizenship"],
        "countries": [],
        "relevance": 0.8,
        "status": "approved",
        "edited_title": None,
        "edited_summary": None,
        "translations": {},
        "story_id": None,
        "crawled_at": "2025-03-11T06:00:00+00:00",
    }
    item.update(fields)
    return item


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "site"


def build(items: list[dict[str, Any]], out_dir: Path) -> BuildReport:
    return build_site(items, out_dir, now=NOW)


def parse(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(path.read_text(encoding="utf-8"))


def index_links(out_dir: Path) -> list[str]:
    return [str(a.get("href")) for a in parse(out_dir / "index.html").cssselect("article h2 a")]


def site_files(out_dir: Path) -> dict[str, bytes]:
    return {
        path.relative_to(out_dir).as_posix(): path.read_bytes()
        for path in sorted(out_dir.rglob("*"))
        if path.is_file()
    }


def test_index_lists_items_newest_first(out_dir: Path) -> None:
    items = [
        make_item("older", published="2025-03-01T09:00:00+00:00"),
        make_item("newest", published="2025-03-11T09:00:00+00:00"),
        make_item("middle", published="2025-03-05T09:00:00+00:00"),
    ]

    build(items, out_dir)

    assert index_links(out_dir) == ["items/newest.html", "items/middle.html", "items/older.html"]


def test_items_sort_by_the_moment_not_by_the_string(out_dir: Path) -> None:
    items = [
        make_item("almaty-morning", published="2025-03-11T01:00:00+05:00"),  # 20:00 UTC on 10th
        make_item("utc-evening", published="2025-03-10T22:00:00+00:00"),
    ]

    build(items, out_dir)

    assert index_links(out_dir) == ["items/utc-evening.html", "items/almaty-morning.html"]


def test_undated_items_come_last_ordered_by_crawl_time(out_dir: Path) -> None:
    items = [
        make_item("undated-early", published=None, crawled_at="2025-03-01T00:00:00+00:00"),
        make_item("dated", published="2020-01-01T00:00:00+00:00"),
        make_item("undated-late", published=None, crawled_at="2025-03-11T00:00:00+00:00"),
    ]

    build(items, out_dir)

    assert index_links(out_dir) == [
        "items/dated.html",
        "items/undated-late.html",
        "items/undated-early.html",
    ]


def test_index_links_resolve_to_existing_item_pages(out_dir: Path) -> None:
    build([make_item("a3f9c01b2d"), make_item("b7e2d4"), make_item("c0ffee")], out_dir)

    links = index_links(out_dir)

    assert len(links) == 3
    assert all((out_dir / link).is_file() for link in links)


def test_every_local_link_and_stylesheet_resolves_from_its_page(out_dir: Path) -> None:
    build([make_item("a1", translations={"fr": "https://news.un.org/fr/story/a1"})], out_dir)

    for page in [out_dir / "index.html", out_dir / "items" / "a1.html"]:
        hrefs = [str(href) for href in parse(page).xpath("//@href")]
        local = [href for href in hrefs if not href.startswith("https://")]
        assert local, page
        for href in local:
            assert not href.startswith("/"), href
            assert (page.parent / href).resolve().is_file(), (page, href)


def test_rejected_item_is_absent_from_index_and_gets_no_page(out_dir: Path) -> None:
    build([make_item("kept"), make_item("spam", status="rejected", title="Casino bonus")], out_dir)

    assert index_links(out_dir) == ["items/kept.html"]
    assert not (out_dir / "items" / "spam.html").exists()
    assert "Casino bonus" not in (out_dir / "index.html").read_text(encoding="utf-8")


def test_item_rejected_later_loses_its_page(out_dir: Path) -> None:
    build([make_item("kept"), make_item("later-rejected")], out_dir)

    report = build([make_item("kept"), make_item("later-rejected", status="rejected")], out_dir)

    assert not (out_dir / "items" / "later-rejected.html").exists()
    assert report.removed == 1
    assert report.written == 1  # the index


def test_editor_title_and_summary_replace_the_scraped_ones(out_dir: Path) -> None:
    item = make_item(
        "edited",
        title="scraped headline | UN News",
        summary="Scraped teaser.",
        edited_title="Children in Kazakhstan learn about their rights",
        edited_summary="An editor's summary.",
    )

    build([item], out_dir)

    for page in [out_dir / "index.html", out_dir / "items" / "edited.html"]:
        html = page.read_text(encoding="utf-8")
        assert "Children in Kazakhstan learn about their rights" in html
        assert "An editor&#39;s summary." in html
        assert "scraped headline" not in html
        assert "Scraped teaser." not in html


def test_blank_editor_summary_hides_the_scraped_summary(out_dir: Path) -> None:
    build([make_item("hidden", summary="Clickbait teaser.", edited_summary="")], out_dir)

    assert "Clickbait teaser." not in (out_dir / "items" / "hidden.html").read_text("utf-8")


@pytest.mark.parametrize("field", ["title", "summary", "text", "edited_title"])
def test_script_in_scraped_text_comes_out_escaped(out_dir: Path, field: str) -> None:
    build([make_item("xss", **{field: 'Hi <script>alert("x")</script> there'})], out_dir)

    for page in [out_dir / "index.html", out_dir / "items" / "xss.html"]:
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html
        assert not parse(page).xpath("//script")
    item_html = (out_dir / "items" / "xss.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in item_html


@pytest.mark.parametrize("field", ["url", "canonical_url"])
def test_javascript_urls_never_become_links(out_dir: Path, field: str) -> None:
    item = make_item("js", translations={"fr": "javascript:alert(1)", "es": "data:text/html,hi"})
    item[field] = "javascript:alert(1)"

    build([item], out_dir)

    for page in [out_dir / "index.html", out_dir / "items" / "js.html"]:
        hrefs = [str(href) for href in parse(page).xpath("//@href")]
        assert not [href for href in hrefs if href.startswith(("javascript:", "data:"))]


@pytest.mark.parametrize("language", ["ar", "fa", "he", "ur", "uz-Arab"])
def test_right_to_left_item_reads_right_inside_the_english_page(
    out_dir: Path, language: str
) -> None:
    build([make_item("rtl", language=language, title="عنوان", text="فقرة")], out_dir)

    index = parse(out_dir / "index.html")
    page = parse(out_dir / "items" / "rtl.html")
    assert index.get("lang") == page.get("lang") == "en"
    for element in [
        *index.cssselect("article h2"),
        *index.cssselect("article .summary"),
        *page.cssselect("h1"),
        *page.cssselect(".body"),
    ]:
        assert (element.get("lang"), element.get("dir")) == (language, "rtl")


@pytest.mark.parametrize("language", ["en", "ru", "kk", "uz-Latn", "zh", "fr", "es"])
def test_left_to_right_item_keeps_its_lang_without_rtl(out_dir: Path, language: str) -> None:
    build([make_item("ltr", language=language)], out_dir)

    page = parse(out_dir / "items" / "ltr.html")
    for element in [*page.cssselect("h1"), *page.cssselect(".body")]:
        assert element.get("lang") == language
        assert element.get("dir") is None


def test_kazakh_title_on_russian_item_keeps_both_languages(out_dir: Path) -> None:
    item = make_item("kk-ru", language="ru", title_language="kk", title="Балалар құқықтары")

    build([item], out_dir)

    page = parse(out_dir / "items" / "kk-ru.html")
    assert page.cssselect("h1")[0].get("lang") == "kk"
    assert page.cssselect(".body")[0].get("lang") == "ru"


def test_every_page_has_one_h1_and_semantic_landmarks(out_dir: Path) -> None:
    build([make_item("a1"), make_item("b2")], out_dir)

    for page in [out_dir / "index.html", *sorted((out_dir / "items").glob("*.html"))]:
        tree = parse(page)
        assert len(tree.xpath("//h1")) == 1, page
        assert len(tree.xpath("//main")) == 1, page
        assert tree.xpath("//header") and tree.xpath("//footer"), page
        assert tree.xpath("//meta[@charset='utf-8']"), page
        assert tree.xpath("//meta[@name='viewport']"), page


def test_item_page_shows_the_whole_story_and_its_facts(out_dir: Path) -> None:
    item = make_item(
        "full",
        text="One.\n\nTwo.\nThree.",
        published="2025-03-11T04:01:55+00:00",
        updated="2025-03-12T10:00:00+00:00",
        authors=["Jane Doe"],
        topics=["global-citizenship", "child-protection"],
        countries=["KZ", "uz"],
        canonical_url="https://news.un.org/en/story/2025/03/full",
        translations={"ru": "https://news.un.org/ru/story/full", "ar": "https://news.un.org/ar/x"},
    )

    build([item], out_dir)

    page = parse(out_dir / "items" / "full.html")
    assert [p.text for p in page.cssselect(".body p")] == ["One.", "Two.", "Three."]
    assert [t.get("datetime") for t in page.xpath("//time")] == [
        "2025-03-11T04:01:55+00:00",
        "2025-03-12T10:00:00+00:00",
    ]
    assert page.xpath("//time")[0].text == "11 March 2025"
    text = page.text_content()
    for expected in ["UN News", "Jane Doe", "Global citizenship", "Child protection", "KZ, UZ"]:
        assert expected in text
    hrefs = [str(href) for href in page.xpath("//@href")]
    assert "https://news.un.org/en/story/2025/03/full" in hrefs
    translations = page.cssselect(".translations a")
    assert [(a.get("hreflang"), a.get("href")) for a in translations] == [
        ("ar", "https://news.un.org/ar/x"),
        ("ru", "https://news.un.org/ru/story/full"),
    ]


def test_second_build_with_same_items_writes_no_files(out_dir: Path) -> None:
    items = [make_item("a1"), make_item("b2")]
    first = build(items, out_dir)

    second = build(items, out_dir)

    assert first.written == 4  # two items, the index, the stylesheet
    assert (second.written, second.unchanged) == (0, 4)
    assert second.index_path == out_dir / "index.html"


def test_changed_item_rewrites_only_its_page_and_the_index(out_dir: Path) -> None:
    build([make_item("a1"), make_item("b2"), make_item("c3")], out_dir)
    inodes = {path: (out_dir / path).stat().st_ino for path in site_files(out_dir)}

    report = build(
        [make_item("a1"), make_item("b2", title="A new title"), make_item("c3")], out_dir
    )

    replaced = {path for path, inode in inodes.items() if (out_dir / path).stat().st_ino != inode}
    assert replaced == {"items/b2.html", "index.html"}
    assert (report.written, report.unchanged) == (2, 3)  # a1, c3, the stylesheet


def test_same_items_give_byte_identical_sites_whatever_the_clock(tmp_path: Path) -> None:
    items = [make_item("a1", language="ar"), make_item("b2", status="featured")]

    build_site(items, tmp_path / "one", now=NOW)
    build_site(list(reversed(items)), tmp_path / "two", now=datetime(2030, 1, 1, tzinfo=UTC))

    assert site_files(tmp_path / "one") == site_files(tmp_path / "two")


def test_two_items_with_one_id_are_refused_before_anything_is_written(out_dir: Path) -> None:
    items = [make_item("same", title="First"), make_item("same", title="Second")]

    with pytest.raises(OutputCollisionError, match="items/same.html"):
        build(items, out_dir)
    assert not out_dir.exists()


def test_ids_differing_only_in_case_are_refused(out_dir: Path) -> None:
    # FAT-formatted USB sticks and macOS would store both pages in one file.
    with pytest.raises(OutputCollisionError):
        build([make_item("abc"), make_item("ABC")], out_dir)


@pytest.mark.parametrize("bad_id", ["../escape", "a/b", "", None, ".hidden", "a b"])
def test_item_id_that_is_not_url_safe_is_refused(out_dir: Path, bad_id: Any) -> None:
    with pytest.raises(InvalidItemError):
        build([make_item("fine"), make_item("x", id=bad_id)], out_dir)
    assert not out_dir.exists()


def test_writer_leaves_no_temporary_files(out_dir: Path) -> None:
    build([make_item("a1")], out_dir)
    build([make_item("a1", title="Changed")], out_dir)

    assert sorted(site_files(out_dir)) == ["index.html", "items/a1.html", "static/style.css"]


def test_writer_refuses_a_second_write_to_one_path(out_dir: Path) -> None:
    writer = SiteWriter(out_dir)
    writer.write("items/a.html", b"first")

    with pytest.raises(OutputCollisionError):
        writer.write("items/A.html", b"second")
    assert (out_dir / "items" / "a.html").read_bytes() == b"first"


def test_naive_clock_is_refused(out_dir: Path) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        build_site([make_item("a1")], out_dir, now=datetime(2025, 3, 12))


def test_empty_site_still_has_an_index(out_dir: Path) -> None:
    report = build([], out_dir)

    assert report.index_path.is_file()
    assert "No stories yet." in report.index_path.read_text(encoding="utf-8")


def test_item_without_summary_shows_its_first_paragraph_on_the_index(out_dir: Path) -> None:
    build([make_item("plain", summary=None, text="Opening line.\nMore.")], out_dir)

    summary = parse(out_dir / "index.html").cssselect("article .summary")[0]
    assert summary.text == "Opening line."


def test_unparseable_date_shows_no_date() -> None:
    (view,) = prepare_items([make_item("odd", published="last Tuesday")])

    assert view.published is None


def test_templates_dir_argument_replaces_the_default_theme(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(TEMPLATES_DIR, theme)
    base = theme / "base.html"
    base.write_text(base.read_text("utf-8").replace("original publisher", "source"), "utf-8")

    report = build_site([make_item("a1")], tmp_path / "site", now=NOW, templates_dir=theme)

    assert "Every story links to its source" in report.index_path.read_text("utf-8")


def test_missing_templates_dir_is_reported(tmp_path: Path) -> None:
    with pytest.raises(TemplatesNotFoundError, match="nowhere"):
        build_site([], tmp_path / "site", now=NOW, templates_dir=tmp_path / "nowhere")
