"""Thumbnails in real Chromium: a card's and a story page's picture decodes, comes from the
site's own origin, and says what it shows (or is marked decorative with alt="")."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from crawler.digest import build_site
from tests.browser.conftest import _QuietHandler, guarded_tab
from tests.test_digest import NOW, make_item
from tests.test_thumbnails import thumbnail_store


@pytest.fixture(scope="module")
def thumbnail_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site of two stories, one with a thumbnail, served on 127.0.0.1."""
    work = tmp_path_factory.mktemp("thumbs")
    folder, fields = thumbnail_store(work)
    items = [
        make_item("with-picture", title="Schools plant trees", **fields),
        make_item("without-picture", title="Teachers meet", published="2025-03-10T04:00:00+00:00"),
    ]
    out = work / "site"
    build_site(items, out, now=NOW, search=False, thumbnails=folder)
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def decoded_thumbnails(tab: Any) -> list[dict[str, Any]]:
    """Every thumbnail on the page, once each has loaded (lazy ones scrolled into view)."""
    images = tab.locator("img.thumb")
    for n in range(images.count()):
        images.nth(n).scroll_into_view_if_needed()
    tab.wait_for_function(
        "[...document.querySelectorAll('img.thumb')].every(i => i.complete && i.naturalWidth > 0)"
    )
    found: list[dict[str, Any]] = tab.eval_on_selector_all(
        "img.thumb",
        "imgs => imgs.map(i => ({src: i.currentSrc, alt: i.getAttribute('alt'),"
        " width: i.naturalWidth, height: i.naturalHeight,"
        " card: i.closest('article')?.querySelector('a')?.textContent}))",
    )
    return found


@pytest.mark.parametrize(
    "path", ["en/index.html", "en/topic/global-citizenship/index.html", "fr/index.html"]
)
def test_a_cards_thumbnail_decodes_from_the_sites_own_origin_with_alt_text(
    browser: Any, thumbnail_site: str, path: str
) -> None:
    with guarded_tab(browser, thumbnail_site, viewport=(1024, 768)) as tab:
        tab.goto(f"{thumbnail_site}/{path}")
        (shown,) = decoded_thumbnails(tab)

    assert shown["card"] == "Schools plant trees", "the story without one shows none"
    assert shown["src"].startswith(f"{thumbnail_site}/thumbs/")
    assert (shown["width"], shown["height"]) == (400, 225)
    assert shown["alt"] == "Pupils in a classroom"


def test_the_story_page_shows_its_thumbnail(browser: Any, thumbnail_site: str) -> None:
    with guarded_tab(browser, thumbnail_site) as tab:
        tab.goto(f"{thumbnail_site}/en/items/with-picture.html")
        (shown,) = decoded_thumbnails(tab)
        fits = tab.eval_on_selector(
            "img.thumb", "i => i.getBoundingClientRect().width <= window.innerWidth"
        )

    assert shown["src"].startswith(f"{thumbnail_site}/thumbs/") and shown["width"] == 400
    assert shown["alt"] == "Pupils in a classroom"
    assert fits, "on a phone's screen the picture is no wider than the page"
