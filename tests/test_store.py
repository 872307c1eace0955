"""The store: upsert by canonical URL, editor fields kept, history of changes."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler import store


def record(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "url": "https://news.un.org/feed/view/en/story/2025/03/1161234",
        "canonical_url": "https://news.un.org/en/story/2025/03/1161234",
        "source": "un-news",
        "title": "Schools in Kazakhstan teach global citizenship",
        "text": "First paragraph.\nSecond paragraph.",
        "summary": "First paragraph.",
        "published": "2025-03-11T04:01:55+00:00",
        "published_source": "json-ld:datePublished",
        "language": "en",
        "title_language": "en",
        "language_confidence": 0.99,
        "topics": ["global-citizenship"],
        "countries": ["KZ"],
        "relevance": 0.5,
        "relevance_reasons": ["global-citizenship: global citizenship (title)"],
        "authors": [],
        "translations": {"ru": "https://news.un.org/ru/story/2025/03/1161235"},
        "content_hash": "abc",
        "story_id": "s1",
        "crawled_at": "2025-03-11T06:00:00+00:00",
    }
    base.update(fields)
    return base


@pytest.fixture
def db(tmp_path: Path) -> Any:
    return store.open_db(tmp_path / "news.db")


def test_first_upsert_adds_a_candidate(db: Any, now: datetime) -> None:
    assert store.upsert_record(db, record(), now) == "new"
    item = store.get_by_url(db, "https://news.un.org/en/story/2025/03/1161234")
    assert item is not None
    assert item["status"] == "candidate"
    assert item["topics"] == ["global-citizenship"]
    assert item["translations"] == {"ru": "https://news.un.org/ru/story/2025/03/1161235"}


def test_same_record_again_changes_nothing_even_with_a_new_crawl_time(
    db: Any, now: datetime
) -> None:
    store.upsert_record(db, record(), now)
    before = list(db["items"].rows)
    later = record(crawled_at="2025-03-12T06:00:00+00:00")
    assert store.upsert_record(db, later, now + timedelta(days=1)) == "unchanged"
    assert list(db["items"].rows) == before
    assert db["item_history"].count == 0


def test_changed_page_updates_machine_fields_and_keeps_history(db: Any, now: datetime) -> None:
    store.upsert_record(db, record(), now)
    assert store.upsert_record(db, record(title="Corrected title"), now) == "updated"
    item = store.get_by_url(db, record()["canonical_url"])
    assert item is not None and item["title"] == "Corrected title"
    history = list(db["item_history"].rows)
    assert len(history) == 1 and "Schools in Kazakhstan" in history[0]["previous"]


def test_crawl_never_overwrites_what_the_editor_decided(db: Any, now: datetime) -> None:
    store.upsert_record(db, record(), now)
    item_id = store.item_id(record()["canonical_url"])
    store.set_editor_fields(
        db, item_id, {"status": "approved", "edited_title": "Editor's title"}, "editor", now
    )
    store.upsert_record(db, record(title="Crawler's new title"), now)
    item = store.get_item(db, item_id)
    assert item is not None
    assert (item["status"], item["edited_title"]) == ("approved", "Editor's title")
    assert item["title"] == "Crawler's new title"
    assert [d["action"] for d in db["decisions"].rows] == ["edit"]


def test_unknown_status_is_refused(db: Any, now: datetime) -> None:
    store.upsert_record(db, record(), now)
    with pytest.raises(ValueError, match="unknown status"):
        store.set_editor_fields(
            db, store.item_id(record()["canonical_url"]), {"status": "maybe"}, "e", now
        )


def test_full_text_search_finds_an_item_by_a_word_of_its_text(db: Any, now: datetime) -> None:
    store.upsert_record(db, record(), now)
    assert [i["title"] for i in store.search(db, "citizenship")] == [record()["title"]]


def test_reopening_a_database_applies_no_migration_twice(tmp_path: Path) -> None:
    store.open_db(tmp_path / "news.db").close()
    db = store.open_db(tmp_path / "news.db")
    assert [m.name for m in store.migrations.applied(db)] == ["m001_initial"]


def test_a_failed_page_is_retried_on_later_nights_then_given_up(db: Any, now: datetime) -> None:
    url = "https://news.un.org/feed/view/es/story/2025/10/1541377"
    store.mark_failed(db, url, "un-news", "HTTP 500", {"language": "es"}, now)
    assert store.pages_to_retry(db, "un-news", now) == []
    assert store.pages_to_retry(db, "un-news", now + timedelta(hours=6)) == [
        (url, {"language": "es"})
    ]
    later = now
    for _ in range(store.MAX_ATTEMPTS - 1):
        later += timedelta(days=3)
        store.mark_failed(db, url, "un-news", "HTTP 500", {"language": "es"}, later)
    assert store.pages_to_retry(db, "un-news", later + timedelta(days=30)) == []


def test_a_stored_page_failing_later_loses_nothing(db: Any, now: datetime) -> None:
    url = record()["url"]
    store.upsert_record(db, record(), now)
    store.mark_seen(db, url, record()["canonical_url"], None, "new", now, "un-news")
    store.mark_failed(db, url, "un-news", "HTTP 503", {}, now)
    assert store.get_by_url(db, record()["canonical_url"]) is not None
    assert url in store.known_pages(db)


def test_items_come_newest_first_or_all_the_same_in_storage_order(db: Any, now: datetime) -> None:
    for day in (3, 1, 2):
        url = f"https://news.un.org/en/story/2025/03/{day}"
        published = f"2025-03-0{day}T00:00:00+00:00"
        store.upsert_record(db, record(url=url, canonical_url=url, published=published), now)

    newest_first = [item["published"][:10] for item in store.iter_items(db)]
    unordered = [item["published"][:10] for item in store.iter_items(db, ordered=False)]

    assert newest_first == ["2025-03-03", "2025-03-02", "2025-03-01"]
    assert sorted(unordered) == sorted(newest_first)
    assert all(isinstance(item["topics"], list) for item in store.iter_items(db, ordered=False))


def test_items_can_be_read_with_only_the_fields_a_reader_needs(db: Any, now: datetime) -> None:
    store.upsert_record(db, record(), now)

    (item,) = store.iter_items(db, fields=("id", "title", "topics"))

    assert set(item) == {"id", "title", "topics"}
    assert isinstance(item["topics"], list)
    with pytest.raises(ValueError, match="no field 'nonsense'"):
        next(store.iter_items(db, fields=("id", "nonsense")))


def test_the_site_build_fields_are_all_item_columns(db: Any) -> None:
    from crawler.digest import ITEM_FIELDS

    assert set(ITEM_FIELDS) <= set(db.table("items").columns_dict)
