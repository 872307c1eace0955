"""Search: the Pagefind bundle built with the site (the browser tests search it for real), and
a site that loads nothing from elsewhere."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from crawler.digest import build_site
from crawler.digest.search import DELTA_MIN, lookup_file, word_keys, words_of
from tests.test_digest import NOW, make_item

ITEMS = [
    make_item("en1", topics=["child-protection"]),
    make_item("ru1", language="ru", text="Образование для всех детей."),
    make_item("zh1", language="zh", text="联合国儿童基金会今天发布报告。"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("search") / "site"
    report = build_site(ITEMS, out, now=NOW)
    assert report.search == "indexed"
    assert report.search_seconds is not None and report.search_seconds > 0
    return out


def bundle_manifest(site: Path) -> dict[str, Any]:
    return dict(json.loads((site / "pagefind" / "search.json").read_text("utf-8")))


def fragment_urls(folder: Path) -> list[str]:
    return sorted(
        json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))["url"]
        for path in folder.glob("fragment/*.pf_fragment")
    )


def test_pagefind_indexes_each_language_in_a_bundle_of_its_own_stemmed_as_that_language(
    site: Path,
) -> None:
    bundles = {bundle["path"]: bundle for bundle in bundle_manifest(site)["bundles"]}

    assert sorted(bundles) == ["en/", "ru/", "zh/"]
    assert bundles["ru/"] == {"path": "ru/", "script": "Cyrl", "languages": ["ru"], "pages": 1,
                              "delta": False}  # fmt: skip
    assert bundles["zh/"]["script"] == "Hani"
    for tag, wasm in [("en", "en"), ("ru", "ru"), ("zh", None)]:  # Pagefind stems en and ru
        entry = json.loads((site / "pagefind" / tag / "pagefind-entry.json").read_text("utf-8"))
        assert entry["languages"] == {tag: {**entry["languages"][tag], "wasm": wasm,
                                            "page_count": 1}}  # fmt: skip


def test_the_primary_bundle_is_a_stub_whose_webassembly_stems_nothing(site: Path) -> None:
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text("utf-8"))

    assert entry["languages"] == {"unknown": {**entry["languages"]["unknown"], "wasm": None,
                                              "page_count": 1}}  # fmt: skip
    for name in ["pagefind.js", "pagefind-worker.js", "wasm.unknown.pagefind"]:
        assert (site / "pagefind" / name).is_file()
    assert not list((site / "pagefind").glob("**/wasm.ru.pagefind"))  # never loaded: not shipped


def test_a_site_given_by_a_relative_path_is_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # as `gced-news build` does with the default data/site

    report = build_site(ITEMS, Path("data/site"), now=NOW)

    assert report.search == "indexed"
    assert fragment_urls(tmp_path / "data/site/pagefind/ru") == ["/ru/items/ru1.html"]


def lookup(folder: Path, key: str) -> list[int]:
    path = folder / lookup_file(key)
    return json.loads(path.read_text("utf-8")).get(key, []) if path.is_file() else []


def test_a_lookup_names_the_bundles_holding_a_words_first_letters(site: Path) -> None:
    numbers = {b["path"]: n for n, b in enumerate(bundle_manifest(site)["bundles"])}
    words = site / "pagefind" / "words"

    assert lookup(words, "обр") == [numbers["ru/"]]  # "Образование", as Pagefind indexed it
    assert lookup(words, "о") == [numbers["ru/"]]
    assert lookup(words, "par") == [numbers["en/"]]  # the English story's "paragraph"
    assert lookup(words, "xyz") == []
    assert not list(words.glob(lookup_file("联合")))  # Chinese goes by script, not lookup


def test_words_are_split_and_keyed_as_the_search_page_splits_a_query() -> None:
    words = words_of("E-learning: the CHILDREN’s café, الطِّفل 儿童 2025")

    assert words >= {"e", "learning", "elearning", "children", "s", "childrens", "café", "2025"}
    assert not any("儿" in word for word in words)
    assert word_keys({"детей", "ok"}) == {"д", "де", "дет", "o", "ok"}


def test_index_sends_each_result_to_the_story_page_in_its_own_tree(site: Path) -> None:
    pages = [url for tag in ["en", "ru", "zh"] for url in fragment_urls(site / "pagefind" / tag)]

    assert sorted(pages) == ["/en/items/en1.html", "/ru/items/ru1.html", "/zh/items/zh1.html"]


def test_copies_of_a_story_in_one_language_are_indexed_once_as_its_listing_shows_it(
    tmp_path: Path,
) -> None:
    copies = [  # the global release first, a country office's copy and a translation after
        make_item("the-release", language="ru", story_id="s", published="2025-03-10T09:00:00Z"),
        make_item("an-office-copy", language="ru", story_id="s", published="2025-03-11T09:00:00Z"),
        make_item("english", story_id="s", published="2025-03-12T09:00:00Z"),
    ]

    build_site(copies, tmp_path, now=NOW)

    assert fragment_urls(tmp_path / "pagefind" / "ru") == ["/ru/items/the-release.html"]
    assert fragment_urls(tmp_path / "pagefind" / "en") == ["/en/items/english.html"]
    listing = lxml.html.parse(str(tmp_path / "ru" / "language" / "ru" / "index.html"))
    cards = [a.get("href") for a in listing.getroot().cssselect(".card h2 a")]
    assert cards == ["../../../ru/items/the-release.html"]  # the result and the card agree


def test_an_edited_story_reaches_the_search_in_a_delta_that_hides_its_old_page(
    tmp_path: Path,
) -> None:
    build_site(ITEMS, tmp_path, now=NOW)
    (old_id,) = [path.stem for path in (tmp_path / "pagefind" / "ru").glob("fragment/*")]

    edited = make_item("ru1", language="ru", text="Новый текст.")
    report = build_site([ITEMS[0], edited, ITEMS[2]], tmp_path, now=NOW)

    assert (report.search, report.search_kind, report.search_pages) == ("indexed", "delta", 1)
    manifest = bundle_manifest(tmp_path)
    assert manifest["hidden"] == [old_id]
    assert [b["path"] for b in manifest["bundles"] if b["delta"]] == ["delta-ru/"]
    assert fragment_urls(tmp_path / "pagefind" / "delta-ru") == ["/ru/items/ru1.html"]
    assert (tmp_path / "pagefind" / "ru" / "fragment" / f"{old_id}.pf_fragment").is_file()
    delta = [n for n, b in enumerate(manifest["bundles"]) if b["delta"]]
    assert lookup(tmp_path / "pagefind" / "delta-words", "нов") == delta  # "Новый": the edit's
    ru = [n for n, b in enumerate(manifest["bundles"]) if b["path"] == "ru/"]
    assert lookup(tmp_path / "pagefind" / "words", "обр") == ru  # the base's lookup stays


def test_many_changed_stories_index_everything_again_and_drop_the_delta(tmp_path: Path) -> None:
    build_site(ITEMS, tmp_path, now=NOW)
    build_site([ITEMS[0], make_item("ru1", language="ru", text="Новый."), ITEMS[2]], tmp_path,
               now=NOW)  # fmt: skip
    many = [make_item(f"new{n}", text=f"Story {n}.") for n in range(DELTA_MIN + 1)]

    report = build_site([*ITEMS, *many], tmp_path, now=NOW)

    assert report.search_kind == "full"
    manifest = bundle_manifest(tmp_path)
    assert manifest["hidden"] == []
    assert not [bundle for bundle in manifest["bundles"] if bundle["delta"]]
    assert not (tmp_path / "pagefind" / "delta-ru").exists()


def test_item_pages_mark_their_article_and_filters_for_the_index(site: Path) -> None:
    page = lxml.html.document_fromstring((site / "ru" / "items" / "ru1.html").read_bytes())

    (body,) = page.xpath("//*[@data-pagefind-body]")
    assert body.tag == "article"
    assert not page.xpath("//header[@class='site-header']//*[@data-pagefind-body]")
    filters = {el.get("data-pagefind-filter"): el.get("value")
               for el in body.xpath(".//data[@data-pagefind-filter]")}  # fmt: skip
    assert filters == {"language[value]": "ru", "source[value]": "un-news",
                       "topic[value]": "global-citizenship", "year[value]": "2025",
                       "month[value]": "2025-03"}  # fmt: skip
    assert body.cssselect("footer")[0].get("data-pagefind-ignore") == "all"


def test_item_pages_give_search_results_their_date_source_language_and_sort_key(
    site: Path,
) -> None:
    page = lxml.html.document_fromstring((site / "ru" / "items" / "ru1.html").read_bytes())

    (body,) = page.xpath("//*[@data-pagefind-body]")
    meta = {el.get("data-pagefind-meta"): el.get("value")
            for el in body.xpath(".//data[@data-pagefind-meta]")}  # fmt: skip
    assert meta == {"date[value]": "2025-03-11", "source[value]": "Новости ООН",
                    "language[value]": "Русский", "story[value]": "ru1"}  # fmt: skip
    (sort,) = body.xpath(".//*[@data-pagefind-sort]")
    assert sort.get("data-pagefind-sort") == "date[value]"
    assert sort.get("value") == "2025-03-11T04:01:55+00:00"  # UTC ISO: sorts as text


def test_undated_story_sorts_last_rather_than_dropping_out_of_sorted_results(
    tmp_path: Path,
) -> None:
    out = tmp_path / "site"
    build_site([make_item("undated", published=None)], out, now=NOW, search=False)
    page = lxml.html.document_fromstring((out / "en" / "items" / "undated.html").read_bytes())

    (sort,) = page.xpath("//*[@data-pagefind-sort]")
    assert sort.get("value") == "0001-01-01T00:00:00+00:00"
    assert not page.xpath("//*[@data-pagefind-meta='date[value]']")
    assert not page.xpath("//*[@data-pagefind-filter='month[value]']")


def test_search_page_offers_filters_labelled_in_its_language(site: Path) -> None:
    page = lxml.html.document_fromstring((site / "ru" / "search.html").read_bytes())

    options = {o.get("value"): o.text for o in page.cssselect("#filter-language option")}
    assert options == {"": "Все", "en": "Английский", "ru": "Русский", "zh": "Китайский"}
    form = page.cssselect("form.search")[0]
    assert form.get("data-bundle") == "../pagefind/"
    assert form.get("data-root") == "../"  # results link from the site root to a story's tree
    assert page.xpath("//script/@src") == ["../static/search.js"]


def test_rebuild_with_no_item_page_changed_skips_indexing(site: Path) -> None:
    report = build_site(ITEMS, site, now=NOW)

    assert (report.search, report.search_seconds, report.written) == ("unchanged", None, 0)


def test_changed_story_is_indexed_again(tmp_path: Path) -> None:
    build_site(ITEMS, tmp_path, now=NOW)

    changed = make_item("zh1", language="zh", text="新的")
    report = build_site([*ITEMS[:2], changed], tmp_path, now=NOW)

    assert report.search == "indexed"


def test_no_page_loads_anything_from_another_site(site: Path) -> None:
    for page in site.rglob("*.html"):
        tree = lxml.html.document_fromstring(page.read_bytes())
        loaded = [*tree.xpath("//script/@src"), *tree.xpath("//link[@rel!='alternate']/@href"),
                  *tree.xpath("//img/@src"), *tree.xpath("//iframe/@src")]  # fmt: skip
        assert not [url for url in loaded if re.match(r"(https?:)?//", url)], page
    for asset in [*(site / "static").iterdir(), site / "pagefind" / "pagefind.js",
                  site / "pagefind" / "search.json"]:  # fmt: skip
        assert not re.search(r"(src|href)=[\"']?(https?:)?//", asset.read_text("utf-8")), asset


def test_a_site_with_nothing_shown_builds_and_its_search_page_says_so(tmp_path: Path) -> None:
    out = tmp_path / "site"

    report = build_site([], out, now=NOW)

    assert report.search == "empty"
    assert not (out / "pagefind").exists()
    page = lxml.html.document_fromstring((out / "en" / "search.html").read_bytes())
    assert page.get_element_by_id("search-empty").text_content().startswith("Nothing has been")
    assert not page.cssselect("form.search")


def test_a_bundle_goes_when_every_story_is_hidden_again(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(ITEMS, out, now=NOW)
    rejected = [{**item, "status": "rejected"} for item in ITEMS]

    report = build_site(rejected, out, now=NOW)

    assert report.search == "empty"
    assert not list((out / "pagefind").rglob("*.pf_fragment"))
    assert (out / "ru" / "search.html").read_text("utf-8").count('id="search-empty"') == 1
