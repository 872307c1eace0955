"""The editor's desk in headless Chromium: the queue filtered, searched, decided on in bulk
and from the keyboard; stories merged and split; an edit with a topic the taxonomy lacks
refused, a good one saved, and the built site showing it; Arabic fields right to left."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from crawler import curation, store
from crawler.desk import Desk, make_app, make_server
from tests.browser.conftest import guarded_tab
from tests.test_store import record

NOW = datetime.fromisoformat("2025-11-01T12:00:00+00:00")
STORIES = {  # key: (url tail, language, title, relevance, topics)
    "en": ("en/story/1", "en", "Schools in Kazakhstan teach global citizenship", 0.5,
           ["global-citizenship"]),
    "ar": ("ar/story/2", "ar", "طلاب يتعلمون المواطنة العالمية", 0.9, ["global-citizenship"]),
    "ru": ("ru/story/3", "ru", "Образование в интересах мира", 0.4, ["peace-education"]),
    "fr": ("fr/story/4", "fr", "Les écoles du Kazakhstan et la citoyenneté", 0.3,
           ["global-citizenship"]),
    "tender": ("en/story/5", "en", "Tender for office supplies", 0.25, []),
}  # fmt: skip


def url(key: str) -> str:
    return f"https://news.un.org/{STORIES[key][0]}"


ID = {key: store.item_id(url(key)) for key in STORIES}


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "news.db"
    db = store.open_db(path)
    for n, (key, (_, language, title, relevance, topics)) in enumerate(STORIES.items()):
        store.upsert_record(
            db,
            record(
                url=url(key),
                canonical_url=url(key),
                title=title,
                language=language,
                title_language=language,
                relevance=relevance,
                topics=topics,
                published=f"2025-03-1{n}T09:00:00+00:00",
                content_hash=key,
                story_id=f"s-{key}",
                translations={},
            ),
            NOW,
        )
    db.close()
    return path


@pytest.fixture
def desk_url(database: Path) -> Iterator[str]:
    server = make_server(make_app(Desk(database, "anna", lambda: NOW)), 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def tab(browser: Any, desk_url: str) -> Iterator[Any]:
    """A fresh desktop tab that may load only from the desk, with no JavaScript error."""
    with guarded_tab(browser, desk_url, viewport=(1200, 900)) as page:
        yield page


def listed(tab: Any) -> list[str]:
    return [str(i) for i in tab.locator("article.item").evaluate_all(
        "items => items.map(item => item.dataset.id)"
    )]  # fmt: skip


def statuses(database: Path) -> dict[str, str]:
    db = store.open_db(database)
    try:
        return {key: store.get_item(db, ID[key])["status"] for key in STORIES}  # type: ignore[index]
    finally:
        db.close()


def test_the_queue_is_filtered_and_searched(tab: Any, desk_url: str, artifacts: Path) -> None:
    tab.goto(f"{desk_url}/")
    assert listed(tab) == [ID["ar"], ID["en"], ID["ru"], ID["fr"], ID["tender"]]
    tab.select_option("select[name=language]", "ru")
    tab.click("text=Show")
    assert listed(tab) == [ID["ru"]]
    tab.click("text=clear")
    tab.fill("#q", "Kazakhstan")
    tab.press("#q", "Enter")
    assert sorted(listed(tab)) == sorted([ID["en"], ID["fr"]])
    tab.select_option("select[name=sort]", "oldest")
    tab.click("text=Show")
    assert listed(tab) == [ID["en"], ID["fr"]]
    tab.screenshot(path=str(artifacts / "desk-queue-search.png"), full_page=True)


def test_selected_items_are_approved_at_once(tab: Any, desk_url: str, database: Path) -> None:
    tab.goto(f"{desk_url}/")
    tab.check(f"#item-{ID['en']} input[name=id]")
    tab.check(f"#item-{ID['ru']} input[name=id]")
    tab.click("text=Approve selected")
    tab.wait_for_load_state()
    assert listed(tab) == [ID["ar"], ID["fr"], ID["tender"]]
    assert statuses(database) == {
        "en": "approved", "ar": "candidate", "ru": "approved", "fr": "candidate",
        "tender": "candidate",
    }  # fmt: skip


def test_the_keyboard_moves_decides_and_lands_on_the_next_item(
    tab: Any, desk_url: str, database: Path, artifacts: Path
) -> None:
    tab.goto(f"{desk_url}/")
    assert tab.locator("article.item.current").get_attribute("data-id") == ID["ar"]
    tab.keyboard.press("j")
    assert tab.locator("article.item.current").get_attribute("data-id") == ID["en"]
    with tab.expect_navigation():
        tab.keyboard.press("a")
    assert statuses(database)["en"] == "approved"
    assert tab.locator("article.item.current").get_attribute("data-id") == ID["ru"]
    tab.keyboard.press("j")
    tab.keyboard.press("j")  # the tender
    tab.keyboard.press("r")  # the reason field takes the keys
    tab.keyboard.type("not a story")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert statuses(database)["tender"] == "rejected"
    tab.keyboard.press("?")
    assert tab.locator("#keys-help").is_visible()
    tab.screenshot(path=str(artifacts / "desk-keyboard.png"), full_page=True)
    db = store.open_db(database)
    assert curation.journal(db, item_id=ID["tender"])[0].text == (
        "status candidate -> rejected (reason: not a story)"
    )
    db.close()


def test_stories_are_merged_and_a_version_split_off(
    tab: Any, desk_url: str, database: Path, artifacts: Path
) -> None:
    tab.goto(f"{desk_url}/story/s-en")
    tab.fill("#from_story", "s-fr")
    with tab.expect_navigation():
        tab.click("form[action$='/merge'] button")
    assert tab.locator("table.versions tbody tr").count() == 2
    assert tab.locator(f"#version-{ID['fr']} td").nth(1).inner_text() == "fr"
    tab.screenshot(path=str(artifacts / "desk-story.png"), full_page=True)
    with tab.expect_navigation():
        tab.click("text=Approve the story")
    assert statuses(database)["fr"] == statuses(database)["en"] == "approved"
    with tab.expect_navigation():
        tab.click(f"#version-{ID['fr']} >> text=Split off")
    assert tab.locator("table.versions tbody tr").count() == 1
    new_story = tab.locator("#story-id").inner_text()
    assert new_story != "s-en"
    tab.goto(f"{desk_url}/journal")
    journal = tab.locator("ul.journal").inner_text()
    assert f"anna: split off story s-en into a story of its own, {new_story}" in journal
    assert "anna: merged story s-fr into s-en" in journal


def test_arabic_fields_read_right_to_left(tab: Any, desk_url: str) -> None:
    tab.goto(f"{desk_url}/item/{ID['ar']}")
    for selector in ("h1", "#edited_title", "#edited_summary"):
        direction = tab.locator(selector).evaluate("el => getComputedStyle(el).direction")
        assert direction == "rtl", selector
    assert tab.locator("#edited_topics").evaluate("el => getComputedStyle(el).direction") == "ltr"


@pytest.mark.slow  # builds the site
def test_a_bad_topic_is_refused_a_good_one_saved_and_the_site_shows_it(
    tab: Any, desk_url: str, database: Path, tmp_path: Path, artifacts: Path
) -> None:
    from crawler.digest import ITEM_FIELDS, build_site

    tab.goto(f"{desk_url}/item/{ID['en']}")
    tab.fill("#edited_title", "Kazakh pupils learn peace")
    tab.fill("#edited_topics", "peace-educaton")
    tab.click("text=Save corrections")
    assert tab.locator("#edit-error").inner_text() == (
        "Not saved: unknown topic 'peace-educaton' (did you mean 'peace-education'?)"
    )
    assert tab.locator("#edited_title").input_value() == "Kazakh pupils learn peace"
    tab.screenshot(path=str(artifacts / "desk-edit-refused.png"), full_page=True)
    db = store.open_db(database)
    assert store.get_item(db, ID["en"])["edited_title"] is None  # type: ignore[index]
    tab.fill("#edited_topics", "peace-education")
    with tab.expect_navigation():
        tab.click("text=Save corrections")
    assert tab.locator("#edit-error").count() == 0
    tab.goto(f"{desk_url}/item/{ID['tender']}")
    tab.fill("#decide input.reason", "a tender")
    with tab.expect_navigation():
        tab.click("#decide button.act-rejected")
    item = store.get_item(db, ID["en"])
    assert item is not None
    assert (item["edited_title"], item["edited_topics"]) == (
        "Kazakh pupils learn peace", ["peace-education"],
    )  # fmt: skip

    shown = store.iter_items(
        db, statuses=("candidate", "approved", "featured"), ordered=False, fields=ITEM_FIELDS
    )
    out = tmp_path / "site"
    build_site(shown, out, now=NOW, search=False)
    db.close()
    page = (out / "en" / "items" / f"{ID['en']}.html").read_text(encoding="utf-8")
    assert "Kazakh pupils learn peace" in page
    assert "topic/peace-education/" in page
    assert not list(out.glob(f"*/items/{ID['tender']}.html")), "a rejected item is not shown"
