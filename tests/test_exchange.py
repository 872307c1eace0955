"""Export and import: items out as JSON lines or CSV, and back in."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from crawler import store
from crawler.exchange import ImportError_, import_records, write_items
from tests.test_store import record


@pytest.fixture
def db(tmp_path: Path) -> Any:
    database = store.open_db(tmp_path / "news.db")
    return database


def test_jsonl_export_then_import_gives_the_same_items(
    db: Any, tmp_path: Path, now: datetime
) -> None:
    store.upsert_record(db, record(), now)
    store.set_editor_fields(
        db, store.item_id(record()["canonical_url"]), {"status": "approved"}, "e", now
    )
    out = tmp_path / "items.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        assert write_items(store.iter_items(db), fh, "jsonl") == 1
    other = store.open_db(tmp_path / "other.db")
    assert import_records(other, out, now) == {"new": 1}
    item = store.get_by_url(other, record()["canonical_url"])
    assert item is not None
    assert (item["title"], item["topics"], item["status"]) == (
        record()["title"],
        record()["topics"],
        "approved",
    )
    assert [d["editor"] for d in other["decisions"].rows] == ["import"]


def test_csv_export_has_one_row_per_item_with_lists_as_json(db: Any, now: datetime) -> None:
    store.upsert_record(db, record(), now)
    buffer = io.StringIO()
    write_items(store.iter_items(db), buffer, "csv")
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert len(rows) == 1
    assert json.loads(rows[0]["topics"]) == ["global-citizenship"]
    assert rows[0]["status"] == "candidate"


def test_a_broken_line_names_the_file_and_line(db: Any, tmp_path: Path, now: datetime) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps({"url": "https://x.org/a", "title": "A"}) + "\n{oops\n", encoding="utf-8"
    )
    with pytest.raises(ImportError_, match=r"in.jsonl:2"):
        import_records(db, path, now)
