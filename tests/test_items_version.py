"""The store's version token, which lets a build return at once when nothing changed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from crawler import store
from tests.conftest import FIXED_NOW
from tests.test_store import record


def test_a_changed_item_changes_the_version_whatever_the_clock_says(tmp_path: Path) -> None:
    db = store.open_db(tmp_path / "news.db")
    other = "https://news.un.org/en/story/2025/10/2"
    store.upsert_record(db, record(title="First title"), FIXED_NOW)
    store.upsert_record(db, record(url=other, canonical_url=other), FIXED_NOW)
    before = store.items_version(db)

    # A second crawl whose clock is behind the first one's (or within the same tick).
    store.upsert_record(db, record(title="Second title"), FIXED_NOW - timedelta(hours=1))

    assert store.items_version(db) != before


def test_an_unchanged_crawl_and_a_read_leave_the_version_alone(tmp_path: Path) -> None:
    db = store.open_db(tmp_path / "news.db")
    store.upsert_record(db, record(title="Title"), FIXED_NOW)
    before = store.items_version(db)

    store.upsert_record(db, record(title="Title"), FIXED_NOW + timedelta(days=1))
    list(store.iter_items(db))

    assert store.items_version(db) == before
