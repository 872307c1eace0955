"""Backups: a consistent copy of the database while a crawl writes it, and restoring one."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from crawler import store
from tests.test_store import record


def story(n: int) -> dict[str, Any]:
    url = f"https://news.un.org/en/story/2025/10/{n}"
    return record(url=url, canonical_url=url, content_hash=url, translations={})


def integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


@pytest.fixture
def database(tmp_path: Path, now: datetime) -> Path:
    path = tmp_path / "data" / "news.db"
    db = store.open_db(path)
    for n in range(50):
        store.upsert_record(db, story(n), now)
    db.close()
    return path


def test_a_backup_taken_while_a_crawl_writes_is_sound_and_has_every_committed_story(
    database: Path, tmp_path: Path, now: datetime
) -> None:
    committed: list[str] = []
    halfway, done = threading.Event(), threading.Event()

    def crawl() -> None:
        db = store.open_db(database)
        for n in range(50, 2_000):
            if done.is_set():
                break
            store.upsert_record(db, story(n), now)
            committed.append(story(n)["url"])
            if len(committed) == 100:
                halfway.set()
        db.close()

    writer = threading.Thread(target=crawl)
    writer.start()
    try:
        assert halfway.wait(timeout=30)
        before = 50 + len(committed)
        count = store.backup(database, tmp_path / "backups" / "news.db")
        after = 50 + len(committed)
    finally:
        done.set()
        writer.join()

    copy = tmp_path / "backups" / "news.db"
    assert [p.name for p in copy.parent.iterdir()] == ["news.db"], "one file, no temporary left"
    assert integrity(copy) == "ok"
    assert before <= count <= after, "every story committed before the backup, none half"
    db = store.open_db(copy)
    assert store.count_items(db) == count
    stored = {item["url"] for item in store.iter_items(db, fields=("url",))}
    db.close()
    assert stored == {story(n)["url"] for n in range(count)}


def test_restoring_a_backup_is_copying_the_file_back(
    database: Path, tmp_path: Path, now: datetime
) -> None:
    copy = tmp_path / "news-backup.db"
    assert store.backup(database, copy) == 50
    db = store.open_db(database)
    store.upsert_record(db, story(99), now)
    store.set_editor_fields(db, store.item_id(story(0)["url"]), {"status": "rejected"}, "e", now)
    db.close()  # the last connection gone, no -wal file is left beside it

    shutil.copyfile(copy, database)

    db = store.open_db(database)
    assert store.count_items(db) == 50
    item = store.get_item(db, store.item_id(story(0)["url"]))
    assert item is not None and item["status"] == "candidate"
    assert store.upsert_record(db, story(99), now) == "new", "the restored database works"


def test_a_new_backup_replaces_the_old_one_whole(
    database: Path, tmp_path: Path, now: datetime
) -> None:
    copy = tmp_path / "news-backup.db"
    store.backup(database, copy)
    db = store.open_db(database)
    store.upsert_record(db, story(99), now)
    db.close()
    assert store.backup(database, copy) == 51
    assert integrity(copy) == "ok"


def test_a_backup_into_a_folder_is_named_like_the_database(database: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    assert store.backup(database, folder) == 50
    assert (folder / "news.db").is_file()


def test_a_backup_never_overwrites_the_database_itself(database: Path) -> None:
    with pytest.raises(ValueError, match="the database itself"):
        store.backup(database, database.parent / "." / "news.db")
    with pytest.raises(ValueError, match="the database itself"):
        store.backup(database, database.parent)
    assert integrity(database) == "ok"


def test_a_backup_of_no_database_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        store.backup(tmp_path / "missing.db", tmp_path / "copy.db")
    assert not (tmp_path / "missing.db").exists() and not (tmp_path / "copy.db").exists()
