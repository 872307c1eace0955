"""Incremental builds: a page whose inputs did not change is neither rendered nor written,
and the fast page assembly gives exactly the bytes of a whole-template render."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from markupsafe import Markup

from crawler.digest import build as digest_build
from crawler.digest import build_site
from crawler.digest.build import ITEM_PARTS
from crawler.digest.context import ItemView, TextStore, Visibility, collect
from crawler.digest.i18n import UI_LANGUAGES
from crawler.digest.pages import (
    Alternate,
    CardSkeletons,
    PageRenderer,
    Settings,
    Tree,
    pagination,
)
from crawler.digest.render import TEMPLATES_DIR, Theme, load_theme
from crawler.digest.writer import MANIFEST_FOLDER
from tests.test_digest import NOW, make_item, site_files

ITEMS = [
    make_item("a1", topics=["child-protection"], countries=["KZ"], story_id="s"),
    make_item("b2", language="ar", title="حقوق الطفل", story_id="s", status="featured"),
    make_item("c3", language="zh", title=None, status="candidate", relevance=0.9),
]


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every template render during the test, by template name."""
    calls: list[str] = []
    render, render_block = Theme.render, Theme.render_block

    def counted_render(self: Theme, template: str, **context: Any) -> str:
        calls.append(template)
        return render(self, template, **context)

    def counted_block(self: Theme, template: str, block: str, context: Any) -> str:
        calls.append(f"{template}#{block}")
        return render_block(self, template, block, context)

    monkeypatch.setattr(Theme, "render", counted_render)
    monkeypatch.setattr(Theme, "render_block", counted_block)
    yield calls


def build(out: Path, items: list[dict[str, Any]] = ITEMS, **options: Any) -> Any:
    return build_site(items, out, now=NOW, search=False, **options)


def test_rebuild_with_nothing_changed_renders_and_writes_nothing(
    tmp_path: Path, renders: list[str]
) -> None:
    build(tmp_path)
    renders.clear()

    report = build(tmp_path)

    assert renders == []
    assert (report.written, report.removed) == (0, 0)


def test_rebuild_without_a_manifest_compares_bytes_and_writes_nothing(tmp_path: Path) -> None:
    first = build(tmp_path)
    shutil.rmtree(tmp_path / MANIFEST_FOLDER)

    report = build(tmp_path)

    assert (report.written, report.unchanged, report.removed) == (0, first.written, 0)


def test_file_deleted_by_hand_comes_back_when_its_page_is_rendered_again(tmp_path: Path) -> None:
    build(tmp_path)
    (tmp_path / "en" / "items" / "a1.html").unlink()
    (tmp_path / "fr" / "index.html").unlink()

    build(tmp_path, [make_item("a1", title="New", topics=["child-protection"], countries=["KZ"],
                               story_id="s"), *ITEMS[1:]])  # fmt: skip

    assert "New" in (tmp_path / "en" / "items" / "a1.html").read_text(encoding="utf-8")
    assert "New" in (tmp_path / "fr" / "index.html").read_text(encoding="utf-8")


def test_changed_template_rerenders_every_page_but_writes_only_changed_bytes(
    tmp_path: Path,
) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(TEMPLATES_DIR, theme)
    build(tmp_path / "site", templates_dir=theme)
    stats = theme / "stats.html"
    stats.write_text(stats.read_text("utf-8").replace("<h1>", '<h1 class="changed">'), "utf-8")

    report = build(tmp_path / "site", templates_dir=theme)

    assert report.written == len(UI_LANGUAGES)  # the seven statistics pages
    assert 'class="changed"' in (tmp_path / "site" / "ko" / "stats.html").read_text("utf-8")


def test_settings_are_part_of_what_pages_depend_on(tmp_path: Path) -> None:
    build(tmp_path)
    assert (tmp_path / "zh" / "items" / "c3.html").is_file()

    report = build(tmp_path, show_candidates=False)

    assert not (tmp_path / "zh" / "items" / "c3.html").exists()
    # c3 was the only Chinese story: its page (in the Chinese tree) and the Chinese listing in
    # every tree go, with its JSON, its three citation files and the Chinese feed.
    assert not (tmp_path / "en" / "language" / "zh").exists()
    assert report.removed == 1 + len(UI_LANGUAGES) + 1 + 3 + 1


def test_topic_no_story_has_any_more_loses_its_listing_and_feed(tmp_path: Path) -> None:
    build(tmp_path)

    build(tmp_path, [make_item("a1", countries=["KZ"], story_id="s"), *ITEMS[1:]])

    assert not (tmp_path / "en" / "topic" / "child-protection").exists()
    assert not (tmp_path / "feeds" / "topic" / "child-protection.xml").exists()


def test_story_whose_language_changes_moves_to_its_new_tree(tmp_path: Path) -> None:
    build(tmp_path)
    english = tmp_path / "en" / "items" / "a1.html"
    switcher = ".language-switcher a[hreflang=ar]"
    assert lxml.html.parse(english).getroot().cssselect(switcher)[0].get("href") == (
        "../../ar/items/b2.html"
    )

    moved = make_item("b2", language="fr", title="Droits", story_id="s", status="featured")
    build(tmp_path, [ITEMS[0], moved, ITEMS[2]])

    pages = sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.glob("*/items/*"))
    assert pages == ["en/items/a1.html", "fr/items/b2.html", "zh/items/c3.html"]
    # Its translation's switcher follows it (the page depends on the story's members).
    page = lxml.html.parse(english).getroot()
    assert page.cssselect(switcher)[0].get("href") == "../../ar/language/en/index.html"
    assert page.cssselect(".language-switcher a[hreflang=fr]")[0].get("href") == (
        "../../fr/items/b2.html"
    )


def test_parallel_build_writes_the_same_site_as_a_serial_one(tmp_path: Path) -> None:
    items = [make_item(f"i{n}", language=["en", "ru", "ar"][n % 3]) for n in range(30)]

    build(tmp_path / "serial", items, workers=1)
    build(tmp_path / "parallel", items, workers=2)

    assert site_files(tmp_path / "serial") == site_files(tmp_path / "parallel")


def test_cards_filled_in_from_one_skeleton_equal_cards_rendered_in_each_tree() -> None:
    theme = load_theme()
    items = [
        *ITEMS,
        make_item("u5", title=None, language="ar", topics=["bullying", "child-labour"],
                  status=None, relevance=0.9, published=None),
        make_item("k6", language="kk", title="Балалар <құқығы> & «білім»", countries=["KZ"],
                  translations={"ru": "https://example.org/ru/6"}, status="featured",
                  story_id="k"),
        make_item("k7", language="ru", title="Права {детей}", source="unicef-kazakhstan",
                  story_id="k"),
        make_item("k8", language="kk", title="Балалар", source="unicef-kazakhstan", story_id="k"),
        make_item("b7", title="Budget {2025} } {0}", summary="{braces} stay {{ as written",
                  source="", language="", title_language="fa", topics=["no-such-topic"]),
        make_item("h8", language="he", title_language="en", published="2025-12-31T23:30:00-05:00",
                  countries=["central-asia", "TJ"]),
    ]  # fmt: skip
    collection = collect(items, Visibility(), TextStore())
    skeletons = CardSkeletons(theme)
    for code in UI_LANGUAGES:
        renderer = PageRenderer(theme, Settings("Digest", Visibility()), code)
        tree = Tree(collection, renderer, skeletons)
        for index, view in enumerate(collection.views):
            whole = theme.render(
                "_card.html", **tree.card_context(index), base="../../",
                root="../../../", level=2, **renderer.L.template_functions,
            )  # fmt: skip
            assert tree.card(index).decode() == whole, (code, view.id)


def test_manifest_records_each_part_with_its_build_fingerprint(tmp_path: Path) -> None:
    build(tmp_path)

    parts = sorted(path.stem for path in (tmp_path / MANIFEST_FOLDER).glob("*.json"))
    parts.remove("state")
    assert parts == sorted(["root", *UI_LANGUAGES, *ITEM_PARTS])
    english = json.loads((tmp_path / MANIFEST_FOLDER / "en.json").read_text("utf-8"))
    assert "en/index.html" in english["pages"]
    assert english["build"]


def test_site_built_with_another_shard_count_rebuilds_whole_and_drops_old_manifests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [*ITEMS, *(make_item(f"m{n}", language=("ru", "kk", "zh")[n % 3]) for n in range(40))]
    build(tmp_path / "fresh", items)
    with monkeypatch.context() as patch:
        patch.setattr(digest_build, "ITEM_SHARDS", 3)
        patch.setattr(digest_build, "ITEM_PARTS", ("items-0", "items-1", "items-2"))
        build(tmp_path / "site", items)

    build(tmp_path / "site", items)

    assert site_files(tmp_path / "site") == site_files(tmp_path / "fresh")
    manifests = {path.stem for path in (tmp_path / "site" / MANIFEST_FOLDER).glob("*.json")}
    assert manifests.isdisjoint({"items-0", "items-1", "items-2"})


@pytest.mark.parametrize("code", ["en", "ar"])
def test_pages_assembled_from_the_frame_equal_whole_template_renders(code: str) -> None:
    theme = load_theme()
    settings = Settings("Digest & co", Visibility())
    renderer = PageRenderer(theme, settings, code)
    # A story of this tree with a translation in another (a1 and b2), and one told once (d4).
    items = [*ITEMS, make_item("d4", language=code, title="Story <d4>")]
    collection = collect(items, Visibility(), TextStore())
    views = {view.id: view for view in collection.views}
    view, translation = (views["a1"], views["b2"]) if code == "en" else (views["b2"], views["a1"])
    alone = views["d4"]
    tree = Tree(collection, renderer)
    labels = renderer.labels
    others = [(other, labels(other)) for other in collection.views if other is not view]

    def item_page(item: ItemView, duplicates: list[tuple[ItemView, Any]]) -> dict[str, Any]:
        lead, paragraphs = collection.lead_and_body(item)
        return {"item": item, "labels": labels(item), "lead": lead, "paragraphs": paragraphs,
                "untitled": "", "duplicates": duplicates}  # fmt: skip

    title = f"Story <{view.id}>"
    own = renderer.item_alternates(view, {translation.tree: translation})
    own_alone = renderer.item_alternates(alone, {})
    pages: list[tuple[str, str, str, str, dict[str, Any], tuple[Alternate, ...]]] = [
        ("item.html", f"items/{view.id}.html", title, "item", item_page(view, others), ()),
        ("item.html", f"items/{view.id}.html", title, "item", item_page(view, others), own),
        ("item.html", "items/d4.html", "Story <d4>", "item", item_page(alone, []), own_alone),
        ("item.html", "items/d4.html", "Story <d4>", "item", item_page(alone, []),
         tuple(dataclasses.replace(a, current=False) for a in own_alone)),
        ("index.html", "index.html", settings.site_title, "home",
         {"featured": [tree.card_context(1)], "latest": [tree.card_context(0)]}, ()),
        ("listing.html", "topic/x/page-2.html", "Topic", "browse",
         {"heading": "Topic", "cards": Markup(b"\n".join([tree.card(0), tree.card(1)]).decode()),
          "pagination": pagination(2, 3, renderer.L),
          "feed": "../../../feeds/topic/x.xml"}, ()),
        ("browse.html", "browse.html", "Browse", "browse",
         {"sections": [(kind, tree.entries(kind, "")) for kind in ("language", "month")]}, ()),
        ("search.html", "search.html", "Search", "search",
         {"filters": [("language", "Language", tree.entries("language", ""))],
          "empty": False}, ()),
        ("about.html", "about.html", "About", "about",
         {"show_candidates": True, "threshold": "0.2", "language_feeds": [], "topic_feeds": []},
         ()),
        ("stats.html", "stats.html", "Stats", "stats", {"total": 3, "charts": []}, ()),
    ]  # fmt: skip
    fast_pages = {}
    for template, path, title, section, context, alternates in pages:
        chrome = renderer.chrome(path, title, section, alternates)
        fast = renderer.render_page(template, chrome, **context)
        whole = theme.render(
            template,
            **renderer.context(renderer.full_chrome(path, title, section, alternates)),
            **context,
        )
        assert fast == whole, (template, path, alternates)
        fast_pages[path, bool(alternates)] = fast

    # Each item page announces its own translations: none leaks through the cached frame.
    def announced(html: str) -> dict[str, str]:
        head = lxml.html.document_fromstring(html).xpath("//head/link[@hreflang]")
        return {str(link.get("hreflang")): str(link.get("href")) for link in head}

    assert announced(fast_pages[f"items/{view.id}.html", True]) == {
        view.tree: f"../../{view.page}",
        translation.tree: f"../../{translation.page}",
    }
    assert announced(fast_pages["items/d4.html", True]) == {code: f"../../{code}/items/d4.html"}


def test_same_items_version_returns_without_reading_the_items(tmp_path: Path) -> None:
    first = build(tmp_path, items_version="v1")

    def unreadable() -> Iterator[dict[str, Any]]:
        raise AssertionError("the items were read")
        yield {}

    report = build(tmp_path, unreadable(), items_version="v1")

    assert (report.written, report.unchanged, report.items) == (0, first.written, len(ITEMS))


def test_new_items_version_or_other_settings_build_again(tmp_path: Path) -> None:
    build(tmp_path, items_version="v1")

    changed = build(tmp_path, [*ITEMS, make_item("d4")], items_version="v2")
    other_settings = build(tmp_path, [*ITEMS, make_item("d4")], items_version="v2",
                           candidate_threshold=0.95)  # fmt: skip

    assert (tmp_path / "en" / "items" / "d4.html").is_file()
    assert changed.written > 0
    assert not (tmp_path / "zh" / "items" / "c3.html").exists()
    assert other_settings.removed > 0
