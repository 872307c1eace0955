"""Items in and out as JSON lines or CSV: for researchers' tools and for moving data."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from crawler import store
from pipelines.dedup import canonical_url

# Columns of a CSV export, in order: the record, then the editor's fields.
CSV_COLUMNS = (
    "id",
    *store.MACHINE_FIELDS,
    "story_id",
    "story_reason",
    "crawled_at",
    "first_seen",
    "last_changed",
    *store.EDITOR_FIELDS,
)


class ImportError_(ValueError):  # noqa: N801 (ImportError is a builtin)
    """A line that cannot be imported; the message names the file and line."""


def write_items(items: Iterable[Mapping[str, Any]], fh: IO[str], fmt: str) -> int:
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for item in items:
            writer.writerow({k: _cell(item.get(k)) for k in CSV_COLUMNS})
            count += 1
        return count
    for item in items:
        fh.write(json.dumps(dict(item), ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


# The JSON type each imported field must have (None is always allowed); others are text.
FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "authors": (list,),
    "topics": (list,),
    "countries": (list,),
    "relevance_reasons": (list,),
    "edited_topics": (list,),
    "translations": (dict,),
    "relevance": (int, float),
    "language_confidence": (int, float),
    "title_language_confidence": (int, float),
}


def checked_record(line: str) -> dict[str, Any]:
    """One JSON line as a record, or ValueError saying which field is wrong and how."""
    record = json.loads(line)
    if not isinstance(record, dict):
        raise ValueError(f"each line must be a JSON object, not {type(record).__name__}")
    if not isinstance(record.get("url"), str) or not record["url"].strip():
        raise ValueError("each line needs a url (text)")
    for name in (*store.MACHINE_FIELDS, *store.EDITOR_FIELDS, "crawled_at", "story_id"):
        value = record.get(name)
        expected = FIELD_TYPES.get(name, (str,))
        if value is None or (isinstance(value, expected) and not isinstance(value, bool)):
            continue
        kind = " or ".join("number" if t in (int, float) else t.__name__ for t in expected)
        raise ValueError(f"{name} must be {kind}, not {type(value).__name__} ({value!r:.60})")
    if record.get("status") not in (None, *store.STATUSES):
        raise ValueError(f"unknown status {record['status']!r}")
    return record


def import_records(db: Any, path: Path, now: datetime) -> Counter[str]:
    counts: Counter[str] = Counter()
    with path.open(encoding="utf-8") as fh:
        for number, line in _lines(fh, path):
            if not line.strip():
                continue
            try:
                record = checked_record(line)
            except ValueError as exc:  # json.JSONDecodeError is one
                raise ImportError_(f"{path}:{number}: {exc}") from exc
            record.setdefault("canonical_url", canonical_url(record["url"]))
            outcome = store.upsert_record(db, record, now)
            status = record.get("status")
            if outcome == "new" and status in store.STATUSES and status != "candidate":
                item_id = store.item_id(record["canonical_url"])
                store.set_editor_fields(db, item_id, {"status": status}, "import", now)
            counts[outcome] += 1
    return counts


def _lines(fh: IO[str], path: Path) -> Iterator[tuple[int, str]]:
    number = 0
    try:
        for number, line in enumerate(fh, start=1):  # noqa: B007 (read after the loop)
            yield number, line
    except UnicodeDecodeError as exc:
        raise ImportError_(f"{path}:{number + 1}: not UTF-8 text: {exc.reason}") from exc
