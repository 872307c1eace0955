"""The Datasette metadata shipped for data/news.db names only what the store has, and the
trigram index it points Chinese and Korean searches at finds them (Datasette itself is not
installed: the file is checked against the real schema, the canned query run by SQLite)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

import crawler
from crawler import store
from crawler.config import load_config

from .test_store import record

METADATA = Path(crawler.__file__).parent / "datasette" / "metadata.json"
CHINESE = "全球公民教育：学生讨论气候变化与和平"
KOREAN = "학생들이 세계시민교육 수업에서 기후 변화를 토론했다"


@pytest.fixture
def metadata() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(METADATA.read_text(encoding="utf-8"))
    return document


@pytest.fixture
def db(tmp_path: Path, now: datetime) -> Any:
    database = store.open_db(tmp_path / "news.db")
    stories = [
        record(),
        record(url="https://news.un.org/zh/1", canonical_url="https://news.un.org/zh/1",
               title=CHINESE, text="联合国教科文组织支持的课程。", language="zh"),
        record(url="https://news.un.org/ko/1", canonical_url="https://news.un.org/ko/1",
               title=KOREAN, text="유네스코가 지원하는 수업.", language="ko"),
    ]  # fmt: skip
    for story in stories:
        store.upsert_record(database, story, now)
    return database


def columns(db: Any, table: str) -> set[str]:
    return {column.name for column in db.table(table).columns}


def test_the_database_is_named_as_datasette_names_data_news_db(metadata: dict[str, Any]) -> None:
    assert list(metadata["databases"]) == [load_config(None).paths.database.stem]  # "news"


def test_every_table_and_column_named_exists(metadata: dict[str, Any], db: Any) -> None:
    (database,) = metadata["databases"].values()
    for table, meta in database["tables"].items():
        assert db[table].exists(), table
        real = columns(db, table)
        named = {*meta.get("columns", {}), *meta.get("sortable_columns", [])}
        named |= {meta[key] for key in ("label_column", "sort", "sort_desc") if key in meta}
        for facet in meta.get("facets", []):
            named |= set(facet.values()) if isinstance(facet, dict) else {facet}
        assert named <= real, (table, named - real)
        assert all(isinstance(text, str) and text for text in meta.get("columns", {}).values())
        assert meta["title"] and meta["description"]


def test_every_column_of_the_items_table_is_described(metadata: dict[str, Any], db: Any) -> None:
    items = metadata["databases"]["news"]["tables"]["items"]
    assert set(items["columns"]) == columns(db, "items")


def test_items_facets_and_search_are_the_ones_promised(metadata: dict[str, Any], db: Any) -> None:
    items = metadata["databases"]["news"]["tables"]["items"]
    assert items["facets"] == ["source", "language", "status", {"array": "topics"}]
    assert json.loads(db.execute("select topics from items limit 1").fetchone()[0]) == [
        "global-citizenship"
    ]  # an array facet reads JSON arrays
    fts = db[items["fts_table"]]
    assert fts.exists() and set(columns(db, items["fts_table"])) == set(store.FTS_COLUMNS)
    assert 'content="items"' in fts.schema  # Datasette maps its rowids to the items


def search_cjk(db: Any, metadata: dict[str, Any], query: str) -> list[str]:
    sql = metadata["databases"]["news"]["queries"]["search_cjk"]["sql"]
    return [row[1] or row[2] for row in db.execute(sql, {"q": query}).fetchall()]


@pytest.mark.parametrize(
    ("query", "title"),
    [("公民教育", CHINESE), ("气候变化", CHINESE), ("세계시민", KOREAN), ("학생들", KOREAN)],
)
def test_the_cjk_query_finds_words_inside_chinese_and_korean_text(
    db: Any, metadata: dict[str, Any], query: str, title: str
) -> None:
    assert search_cjk(db, metadata, query) == [title]
    word_index = "select rowid from items_fts where items_fts match ?"
    assert db.execute(word_index, [query]).fetchall() == []  # what unicode61 cannot do


def test_the_trigram_index_follows_edits_and_deletions(db: Any, now: datetime) -> None:
    english = store.item_id("https://news.un.org/en/story/2025/03/1161234")
    chinese = store.item_id("https://news.un.org/zh/1")
    store.set_editor_fields(db, english, {"edited_title": "和平与全球公民"}, "ed", now)
    assert found(db, "全球公民") == {english, chinese}
    with store.writing(db):
        db.execute("delete from items where id = ?", [chinese])
    assert found(db, "全球公民") == {english}
    store.set_editor_fields(db, english, {"edited_title": None}, "ed", now)
    assert found(db, "全球公民") == set()


def found(db: Any, query: str) -> set[str]:
    sql = (
        "select items.id from items_fts_cjk join items on items.rowid = items_fts_cjk.rowid"
        " where items_fts_cjk match ?"
    )
    return {row[0] for row in db.execute(sql, [query]).fetchall()}


def test_the_migration_indexes_the_stories_already_stored(tmp_path: Path, now: datetime) -> None:
    path = tmp_path / "news.db"
    before = Migrations("gced-news")
    for step in (store.m001_initial, store.m002_run_process, store.m003_numpy_minhash,
                 store.m004_curation):  # fmt: skip
        before()(step)
    old = Database(path)
    before.apply(old)
    old["items"].insert({"id": "zh1", "canonical_url": "u", "title": CHINESE, "status": "approved"})
    old.close()

    db = store.open_db(path)

    assert found(db, "学生讨论") == {"zh1"}
