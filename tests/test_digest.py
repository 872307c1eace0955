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
from crawler.digest.context import body_after_lead, prepare_items
from crawler.digest.i18n import UI_LANGUAGES
from crawler.digest.pages import story_versions
from crawler.digest.render import TEMPLATES_DIR
from crawler.digest.writer import SiteWriter

NOW = datetime(2025, 3, 12, 8, 0, tzinfo=UTC)
CARD_LINKS = ".card h2 a, .card h3 a"


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
    return build_site(items, out_dir, now=NOW, search=False)


def parse(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(path.read_text(encoding="utf-8"))


def home(out_dir: Path, lang: str = "en") -> Path:
    return out_dir / lang / "index.html"


def item_page(out_dir: Path, item_id: str, lang: str = "en") -> Path:
    return out_dir / lang / "items" / f"{item_id}.html"


def index_links(out_dir: Path) -> list[str]:
    return [str(a.get("href")) for a in parse(home(out_dir)).cssselect(CARD_LINKS)]


def card_of(page: lxml.html.HtmlElement, item_id: str) -> lxml.html.HtmlElement:
    """The one card on a home or listing page that links to the story `item_id`."""
    link = f"contains(@href, '/items/{item_id}.html')"
    (card,) = page.xpath(f"//article[contains(@class, 'card')][.//h2/a[{link}] or .//h3/a[{link}]]")
    return card


def html_pages(out_dir: Path) -> list[Path]:
    return sorted(out_dir.rglob("*.html"))


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

    assert index_links(out_dir) == [
        "../en/items/newest.html",
        "../en/items/middle.html",
        "../en/items/older.html",
    ]


def test_items_sort_by_the_moment_not_by_the_string(out_dir: Path) -> None:
    items = [
        make_item("almaty-morning", published="2025-03-11T01:00:00+05:00"),  # 20:00 UTC on 10th
        make_item("utc-evening", published="2025-03-10T22:00:00+00:00"),
    ]

    build(items, out_dir)

    assert index_links(out_dir) == [
        "../en/items/utc-evening.html",
        "../en/items/almaty-morning.html",
    ]


def test_undated_items_come_last_ordered_by_crawl_time(out_dir: Path) -> None:
    items = [
        make_item("undated-early", published=None, crawled_at="2025-03-01T00:00:00+00:00"),
        make_item("dated", published="2020-01-01T00:00:00+00:00"),
        make_item("undated-late", published=None, crawled_at="2025-03-11T00:00:00+00:00"),
    ]

    build(items, out_dir)

    assert index_links(out_dir) == [
        "../en/items/dated.html",
        "../en/items/undated-late.html",
        "../en/items/undated-early.html",
    ]


def test_index_links_resolve_to_existing_item_pages(out_dir: Path) -> None:
    build([make_item("a3f9c01b2d"), make_item("b7e2d4"), make_item("c0ffee")], out_dir)

    links = index_links(out_dir)

    assert len(links) == 3
    assert all((out_dir / "en" / link).is_file() for link in links)


def test_every_local_link_and_stylesheet_resolves_from_its_page(out_dir: Path) -> None:
    items = [
        make_item("a1", translations={"fr": "https://news.un.org/fr/story/a1"}, story_id="s"),
        make_item("b2", language="kk", countries=["KZ", "central-asia"], story_id="s"),
    ]
    build(items, out_dir)

    pages = html_pages(out_dir)
    assert len(pages) > 2 * len(UI_LANGUAGES)
    for page in pages:
        tree = parse(page)
        links = [*tree.xpath("//@href"), *tree.xpath("//@src")]
        local = [str(link) for link in links if not str(link).startswith(("https://", "#"))]
        assert local, page
        for link in local:
            assert not link.startswith("/"), link
            assert (page.parent / link).resolve().is_file(), (page, link)


def test_rejected_item_is_absent_from_index_and_gets_no_page(out_dir: Path) -> None:
    build([make_item("kept"), make_item("spam", status="rejected", title="Casino bonus")], out_dir)

    assert index_links(out_dir) == ["../en/items/kept.html"]
    assert not list(out_dir.rglob("spam.*"))
    for path, data in site_files(out_dir).items():
        assert b"Casino bonus" not in data, path


def test_item_rejected_later_loses_its_page(out_dir: Path) -> None:
    build([make_item("kept"), make_item("later-rejected")], out_dir)

    report = build([make_item("kept"), make_item("later-rejected", status="rejected")], out_dir)

    assert not list(out_dir.rglob("later-rejected.*"))
    # its page (in its own tree only), its JSON and its citation files (.ris, .bib, .csl.json)
    assert report.removed == 5
    for path, data in site_files(out_dir).items():
        assert b"later-rejected" not in data, path


def test_editor_title_and_summary_replace_the_scraped_ones(out_dir: Path) -> None:
    item = make_item(
        "edited",
        title="scraped headline | UN News",
        summary="Scraped teaser.",
        edited_title="Children in Kazakhstan learn about their rights",
        edited_summary="An editor's summary.",
    )

    build([item], out_dir)

    for page in [home(out_dir), item_page(out_dir, "edited"), home(out_dir, "ar")]:
        html = page.read_text(encoding="utf-8")
        assert "Children in Kazakhstan learn about their rights" in html
        assert "An editor&#39;s summary." in html
        assert "scraped headline" not in html
        assert "Scraped teaser." not in html


def test_blank_editor_summary_hides_the_scraped_summary(out_dir: Path) -> None:
    build([make_item("hidden", summary="Clickbait teaser.", edited_summary="")], out_dir)

    assert "Clickbait teaser." not in item_page(out_dir, "hidden").read_text("utf-8")


def story_parts(out_dir: Path, item_id: str) -> tuple[list[str], list[str]]:
    """A story page's lead paragraphs and body paragraphs, as text."""
    page = parse(item_page(out_dir, item_id))
    lead = [p.text_content() for p in page.cssselect("article .summary")]
    return lead, [p.text_content() for p in page.cssselect("article .body p")]


def test_story_page_does_not_print_a_lead_its_text_repeats(out_dir: Path) -> None:
    item = make_item(
        "twice",
        summary="Pupils in Almaty  discuss human rights",
        text="Pupils in Almaty discuss human rights.\nThe lessons began in May.",
    )

    build([item], out_dir)

    assert story_parts(out_dir, "twice") == (
        ["Pupils in Almaty  discuss human rights"],
        ["The lessons began in May."],
    )


def test_story_page_keeps_a_lead_its_text_does_not_repeat(out_dir: Path) -> None:
    build([make_item("differs")], out_dir)

    assert story_parts(out_dir, "differs") == (
        ["Summary of differs."],
        ["First paragraph of differs.", "Second paragraph of differs."],
    )


@pytest.mark.parametrize(
    ("summary", "paragraphs", "expected"),
    [
        ("Same words.", ("same  words", "Next."), ("Same words.", ("Next.",))),
        ("First. Second.", ("First.", "Second.", "Third."), ("First. Second.", ("Third.",))),
        ("It began.", ("It began. It goes on.", "Next."), ("It began.", ("It goes on.", "Next."))),
        ("«Начало»", ("Начало! Дальше.",), ("«Начало»", ("Дальше.",))),
        ("It began in", ("It began in May.", "Next."), (None, ("It began in May.", "Next."))),
        ("Another lead.", ("A text.", "Next."), ("Another lead.", ("A text.", "Next."))),
        ("A lead.", (), ("A lead.", ())),
        (None, ("A text.",), (None, ("A text.",))),
    ],
)
def test_body_after_lead_says_the_lead_once(
    summary: str | None,
    paragraphs: tuple[str, ...],
    expected: tuple[str | None, tuple[str, ...]],
) -> None:
    assert body_after_lead(summary, paragraphs) == expected


@pytest.mark.parametrize("field", ["title", "summary", "text", "edited_title"])
def test_script_in_scraped_text_comes_out_escaped(out_dir: Path, field: str) -> None:
    build([make_item("xss", **{field: 'Hi <script>alert("x")</script> there'})], out_dir)

    listings = out_dir.glob("*/*/*/index.html")
    for page in [home(out_dir), *out_dir.glob("*/items/xss.html"), *listings]:
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html
        assert not parse(page).xpath("//script")
    for feed in out_dir.glob("feeds/**/*.xml"):
        assert "<script" not in feed.read_text(encoding="utf-8")
    item_html = item_page(out_dir, "xss").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in item_html


@pytest.mark.parametrize("field", ["url", "canonical_url"])
def test_javascript_urls_never_become_links(out_dir: Path, field: str) -> None:
    item = make_item("js", translations={"fr": "javascript:alert(1)", "es": "data:text/html,hi"})
    item[field] = "javascript:alert(1)"

    build([item], out_dir)

    for page in [home(out_dir), item_page(out_dir, "js")]:
        hrefs = [str(href) for href in parse(page).xpath("//@href")]
        assert not [href for href in hrefs if href.startswith(("javascript:", "data:"))]
    assert "javascript:" not in (out_dir / "items" / "js.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("language", "page"),
    [("ru", "ru/items/x.html"), ("zh-Hant", "zh/items/x.html"), ("ar", "ar/items/x.html"),
     ("en", "en/items/x.html"), ("kk", "en/items/x.html"), ("ky", "en/items/x.html"),
     ("uz-Latn", "en/items/x.html"), ("tg", "en/items/x.html"), ("tk", "en/items/x.html"),
     ("pt", "en/items/x.html"), ("", "en/items/x.html"), (None, "en/items/x.html")],
)  # fmt: skip
def test_story_page_is_in_its_languages_tree_else_in_the_english_one(
    language: str | None, page: str
) -> None:
    (view,) = prepare_items([make_item("x", language=language)])

    assert (view.tree, view.page) == (page.split("/")[0], page)


def test_a_story_version_in_the_trees_own_language_is_preferred_to_a_newer_one() -> None:
    members = prepare_items([
        make_item("kk-newest", language="kk", story_id="s", published="2025-03-03T00:00:00Z"),
        make_item("en-older", language="en", story_id="s", published="2025-03-02T00:00:00Z"),
        make_item("fr-only", language="fr", story_id="s", published="2025-03-01T00:00:00Z"),
    ])  # fmt: skip

    versions = story_versions(members)

    assert {tree: view.id for tree, view in versions.items()} == {"en": "en-older", "fr": "fr-only"}
    assert story_versions(members[:1])["en"].id == "kk-newest"  # no English one: the Kazakh


@pytest.mark.parametrize("language", ["ar", "fa", "he", "ur", "uz-Arab"])
def test_right_to_left_item_reads_right_inside_the_english_home_page(
    out_dir: Path, language: str
) -> None:
    build([make_item("rtl", language=language, title="عنوان", text="فقرة")], out_dir)

    index = parse(home(out_dir))
    assert index.get("lang") == "en"
    for element in [*index.cssselect(".card h3"), *index.cssselect(".card .summary")]:
        assert (element.get("lang"), element.get("dir")) == (language, "rtl")


@pytest.mark.parametrize("language", ["fa", "he", "ur", "uz-Arab"])
def test_right_to_left_item_with_no_tree_of_its_own_reads_right_inside_its_english_page(
    out_dir: Path, language: str
) -> None:
    build([make_item("rtl", language=language, title="عنوان", text="فقرة")], out_dir)

    page = parse(item_page(out_dir, "rtl"))
    assert (page.get("lang"), page.get("dir")) == ("en", "ltr")
    for element in [*page.cssselect("h1"), *page.cssselect(".body")]:
        assert (element.get("lang"), element.get("dir")) == (language, "rtl")


def test_arabic_item_reads_right_to_left_in_the_arabic_tree(out_dir: Path) -> None:
    build([make_item("rtl", language="ar", title="عنوان", text="فقرة")], out_dir)

    page = parse(item_page(out_dir, "rtl", "ar"))
    assert (page.get("lang"), page.get("dir")) == ("ar", "rtl")
    for element in [*page.cssselect("h1"), *page.cssselect(".body")]:
        assert (element.get("lang"), element.get("dir")) == ("ar", None)  # the page's own


@pytest.mark.parametrize(
    ("language", "tree"),
    [("en", "en"), ("ru", "ru"), ("kk", "en"), ("uz-Latn", "en"), ("zh", "zh"), ("fr", "fr"),
     ("es", "es")],
)  # fmt: skip
def test_left_to_right_item_keeps_its_lang_without_rtl(
    out_dir: Path, language: str, tree: str
) -> None:
    build([make_item("ltr", language=language)], out_dir)

    page = parse(item_page(out_dir, "ltr", tree))
    assert (page.get("lang"), page.get("dir")) == (tree, "ltr")
    for element in [*page.cssselect("h1"), *page.cssselect(".body")]:
        assert element.get("lang") == language
        assert element.get("dir") is None


@pytest.mark.parametrize("language", ["en", "ru", "kk", "zh"])
def test_left_to_right_item_says_so_inside_the_arabic_pages(out_dir: Path, language: str) -> None:
    # Its card on the Arabic home page, and an Arabic story's page under a title in `language`.
    ltr_title = make_item("ltr-title", language="ar", title_language=language, title="Title")
    build([make_item("ltr", language=language), ltr_title], out_dir)

    index = parse(home(out_dir, "ar"))
    page = parse(item_page(out_dir, "ltr-title", "ar"))
    for html in [index, page]:
        assert (html.get("lang"), html.get("dir")) == ("ar", "rtl")
    card = card_of(index, "ltr")
    for element in [*card.cssselect("h3"), *card.cssselect(".summary"), *page.cssselect("h1")]:
        assert (element.get("lang"), element.get("dir")) == (language, "ltr")


def test_kazakh_title_on_russian_item_keeps_both_languages(out_dir: Path) -> None:
    item = make_item("kk-ru", language="ru", title_language="kk", title="Балалар құқықтары")

    build([item], out_dir)

    page = parse(item_page(out_dir, "kk-ru", "ru"))
    assert page.cssselect("h1")[0].get("lang") == "kk"
    assert page.cssselect(".body")[0].get("lang") == "ru"


def test_every_page_has_one_h1_and_semantic_landmarks(out_dir: Path) -> None:
    build([make_item("a1"), make_item("b2")], out_dir)

    for page in html_pages(out_dir):
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

    page = parse(item_page(out_dir, "full"))
    assert [p.text for p in page.cssselect(".body p")] == ["One.", "Two.", "Three."]
    facts = page.cssselect(".facts time")
    assert [t.get("datetime") for t in facts] == [
        "2025-03-11T04:01:55+00:00",
        "2025-03-12T10:00:00+00:00",
    ]
    assert [t.text for t in facts] == ["11 March 2025", "12 March 2025"]
    text = page.text_content()
    for expected in [
        "UN News",
        "Jane Doe",
        "Global citizenship education",
        "Child protection",
        "Kazakhstan",
        "Uzbekistan",
        "English",
    ]:
        assert expected in text
    hrefs = [str(href) for href in page.xpath("//@href")]
    assert "https://news.un.org/en/story/2025/03/full" in hrefs
    translations = page.cssselect(".versions a[rel~=external]")
    assert [(a.get("hreflang"), a.get("href")) for a in translations] == [
        ("ar", "https://news.un.org/ar/x"),
        ("ru", "https://news.un.org/ru/story/full"),
    ]


def test_second_build_with_same_items_writes_no_files(out_dir: Path) -> None:
    items = [make_item("a1"), make_item("b2")]
    first = build(items, out_dir)

    second = build(items, out_dir)

    manifests = [path for path in site_files(out_dir) if path.startswith(".digest/")]
    assert first.written == len(site_files(out_dir)) - len(manifests)
    assert (second.written, second.unchanged, second.removed) == (0, first.written, 0)
    assert second.index_path == out_dir / "index.html"


def test_changed_item_rewrites_only_the_pages_that_show_it(out_dir: Path) -> None:
    others = [make_item("c3", language="fr", topics=["peace-education"], source="unesco")]
    build([make_item("a1"), make_item("b2"), *others], out_dir)
    inodes = {path: (out_dir / path).stat().st_ino for path in site_files(out_dir)}

    report = build([make_item("a1"), make_item("b2", title="A new title"), *others], out_dir)

    replaced = {path for path, inode in inodes.items() if (out_dir / path).stat().st_ino != inode}
    listings = ["language/en", "source/un-news", "topic/global-citizenship", "month/2025-03"]
    expected = {
        *(f"{lang}/{page}" for lang in UI_LANGUAGES for page in [
            "index.html", *(f"{listing}/index.html" for listing in listings)
        ]),
        "en/items/b2.html",  # the story's one page, in its own tree
        "items/b2.json", "items/b2.ris", "items/b2.bib", "items/b2.csl.json",
        "feeds/all.xml", "feeds/language/en.xml",
        "feeds/topic/global-citizenship.xml",
        "index.html",  # the root page lists the latest titles too
    }  # fmt: skip
    manifests = {path for path in replaced if path.startswith(".digest/")}
    assert replaced - manifests == expected
    assert report.written == len(expected)


def test_same_items_give_byte_identical_sites_whatever_the_clock(tmp_path: Path) -> None:
    items = [make_item("a1", language="ar"), make_item("b2", status="featured")]

    build_site(items, tmp_path / "one", now=NOW, search=False)
    later = datetime(2030, 1, 1, tzinfo=UTC)
    build_site(list(reversed(items)), tmp_path / "two", now=later, search=False)

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

    assert not [path for path in site_files(out_dir) if ".tmp" in path]
    assert not [path for path in site_files(out_dir) if path.rsplit("/", 1)[-1].startswith(".")]


def test_writer_refuses_a_second_write_to_one_path(out_dir: Path) -> None:
    writer = SiteWriter(out_dir)
    writer.write("items/a.html", b"first")

    with pytest.raises(OutputCollisionError):
        writer.write("items/A.html", b"second")
    assert (out_dir / "items" / "a.html").read_bytes() == b"first"


def test_naive_clock_is_refused(out_dir: Path) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        build_site([make_item("a1")], out_dir, now=datetime(2025, 3, 12), search=False)


def test_empty_site_still_has_an_index(out_dir: Path) -> None:
    report = build([], out_dir)

    assert report.index_path.is_file()
    assert "No stories yet." in home(out_dir).read_text(encoding="utf-8")
    assert "Aucun article pour l’instant." in home(out_dir, "fr").read_text(encoding="utf-8")


def test_item_without_summary_shows_its_first_paragraph_on_the_index(out_dir: Path) -> None:
    build([make_item("plain", summary=None, text="Opening line.\nMore.")], out_dir)

    summary = parse(home(out_dir)).cssselect(".card .summary")[0]
    assert summary.text == "Opening line."


def test_unparseable_date_shows_no_date() -> None:
    (view,) = prepare_items([make_item("odd", published="last Tuesday")])

    assert view.published is None


def test_templates_dir_argument_replaces_the_default_theme(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(TEMPLATES_DIR, theme)
    base = theme / "base.html"
    footer = '<footer class="site-footer">\n'
    base.write_text(base.read_text("utf-8").replace(footer, footer + "<p>Our own footer</p>\n"))

    build_site([make_item("a1")], tmp_path / "site", now=NOW, templates_dir=theme, search=False)

    assert "Our own footer" in home(tmp_path / "site").read_text("utf-8")


def test_missing_templates_dir_is_reported(tmp_path: Path) -> None:
    with pytest.raises(TemplatesNotFoundError, match="nowhere"):
        build_site([], tmp_path / "site", now=NOW, templates_dir=tmp_path / "nowhere", search=False)
