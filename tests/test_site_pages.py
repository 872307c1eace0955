"""The declared pages (crawler/digest/site.py) are the site: every file a build writes is one
of them, and the one render loop renders a page only when its source changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crawler.digest import build_site
from crawler.digest.context import TextStore, Visibility, collect
from crawler.digest.i18n import UI_LANGUAGES
from crawler.digest.machine import Root
from crawler.digest.page import STATIC, Page, render_pages, verbatim
from crawler.digest.pages import PageRenderer, Settings, Tree
from crawler.digest.render import load_theme
from crawler.digest.site import item_pages, root_pages, tree_pages
from crawler.digest.writer import MANIFEST_FOLDER, SiteWriter
from tests.test_digest import NOW, make_item

ITEMS = [
    make_item("a1", topics=["child-protection"], countries=["KZ"], story_id="s"),
    make_item("b2", language="ar", title="حقوق الطفل", story_id="s", status="featured"),
    make_item("c3", language="kk", title="Балалар", published="2024-11-02T10:00:00+05:00"),
]


def declared_paths(items: list[dict[str, Any]]) -> list[str]:
    """Every path site.py declares for these items, part after part."""
    theme = load_theme()
    settings = Settings("GCED News Digest", Visibility())
    collection = collect(items, settings.visibility, TextStore())
    trees = {code: Tree(collection, PageRenderer(theme, settings, code)) for code in UI_LANGUAGES}
    root = Root(collection, theme, settings)
    pages = [
        *(page for tree in trees.values() for page in tree_pages(tree)),
        *item_pages(root, trees, shard=0, shards=1),
        *root_pages(root),
    ]
    return [page.path for page in pages]


def test_every_file_the_build_writes_is_a_declared_page(tmp_path: Path) -> None:
    build_site(ITEMS, tmp_path, now=NOW, search=False)

    written = sorted(
        path.relative_to(tmp_path).as_posix()
        for path in tmp_path.rglob("*")
        if path.is_file() and MANIFEST_FOLDER not in path.relative_to(tmp_path).parts
    )
    declared = declared_paths(ITEMS)
    assert len(declared) == len(set(declared))
    assert written == sorted(declared)


def page(source: str, data: bytes, rendered: list[str]) -> Page:
    def context() -> dict[str, Any]:
        rendered.append(source)
        return {"data": data}

    return Page("notes/a.txt", STATIC, context, verbatim, source)


def render_once(out: Path, pages: list[Page]) -> SiteWriter:
    writer = SiteWriter(out, part="test", build="b")
    render_pages(pages, writer)
    writer.finish()
    return writer


def test_page_made_from_the_same_source_is_neither_rendered_nor_written(tmp_path: Path) -> None:
    rendered: list[str] = []
    render_once(tmp_path, [page("v1", b"first", rendered)])

    again = render_once(tmp_path, [page("v1", b"would be new", rendered)])

    assert rendered == ["v1"]
    assert (again.written, again.unchanged) == (0, 1)
    assert (tmp_path / "notes" / "a.txt").read_bytes() == b"first"


def test_page_of_a_new_source_is_rendered_and_written_only_when_its_bytes_changed(
    tmp_path: Path,
) -> None:
    rendered: list[str] = []
    render_once(tmp_path, [page("v1", b"first", rendered)])

    same_bytes = render_once(tmp_path, [page("v2", b"first", rendered)])
    new_bytes = render_once(tmp_path, [page("v3", b"second", rendered)])

    assert rendered == ["v1", "v2", "v3"]
    assert (same_bytes.written, same_bytes.unchanged) == (0, 1)
    assert (new_bytes.written, new_bytes.unchanged) == (1, 0)
    assert (tmp_path / "notes" / "a.txt").read_bytes() == b"second"


def test_page_without_a_source_is_rendered_every_build(tmp_path: Path) -> None:
    rendered: list[str] = []
    render_once(tmp_path, [page("", b"asset", rendered)])

    again = render_once(tmp_path, [page("", b"asset", rendered)])

    assert rendered == ["", ""]
    assert (again.written, again.unchanged) == (0, 1)
