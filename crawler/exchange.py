"""Items in and out as JSON lines or CSV: for researchers' tools, spreadsheets and moving
data, with the editor's fields both ways.

An export carries every stored field; a CSV export opens cleanly in spreadsheet programs
(UTF-8 with a byte order mark; a text cell that a spreadsheet would read as a formula --
starting with = + - @, a tab or a carriage return -- starts with an apostrophe, which an
import takes off again). An import reads either format: each line is checked first (JSON,
types, status, topics and countries against the taxonomy), and a bad line stops the import
with its file and line number before anything is written; then every line is applied in
one transaction. A line's machine fields are upserted as a crawl would; its editor fields
(status, edited title/summary/topics/countries, notes, the story lead, the story) that
differ from the stored item are applied as the editor's decisions
(``crawler.curation.decide``, logged with the file and line as the reason). A line is one
version: an import sets each item as its line says, without spreading it over its story.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

from crawler import curation, store
from crawler.curation import Changes, CurationError
from pipelines.dedup import canonical_url

FORMATS = ("jsonl", "csv")
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
# Columns of the decision log's export.
DECISION_COLUMNS = ("at", "editor", "item_id", "action", "line", "detail")
# What a spreadsheet reads as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Said by the store or the export, never read from a line.
_STORE_SAYS = ("id", "story_reason", "first_seen", "last_changed")


class ImportError_(ValueError):  # noqa: N801 (ImportError is a builtin)
    """A line that cannot be imported; the message names the file and line."""


# ---- Export ---------------------------------------------------------------------------------


def write_items(items: Iterable[Mapping[str, Any]], fh: IO[str], fmt: str) -> int:
    """Write ``items`` to ``fh`` as JSON lines or CSV (open ``fh`` with ``newline=""``); how
    many."""
    if fmt == "csv":
        return _write_csv(
            ({k: item.get(k) for k in CSV_COLUMNS} for item in items), fh, CSV_COLUMNS
        )
    return _write_jsonl(items, fh)


def write_decisions(entries: Iterable[curation.Entry], fh: IO[str], fmt: str) -> int:
    """Write the decision log (oldest first, say) as JSON lines or CSV; how many."""
    rows = (
        {
            "at": entry.at,
            "editor": entry.editor,
            "item_id": entry.item_id,
            "action": entry.action,
            "line": entry.line,
            "detail": entry.detail,
        }
        for entry in entries
    )
    if fmt == "csv":
        return _write_csv(rows, fh, DECISION_COLUMNS)
    return _write_jsonl(rows, fh)


def _write_jsonl(rows: Iterable[Mapping[str, Any]], fh: IO[str]) -> int:
    count = 0
    for row in rows:
        fh.write(json.dumps(dict(row), ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def _write_csv(rows: Iterable[Mapping[str, Any]], fh: IO[str], columns: tuple[str, ...]) -> int:
    fh.write("\ufeff")  # UTF-8 with a byte order mark: how spreadsheets know it is UTF-8
    writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
        count += 1
    return count


def _cell(value: Any) -> Any:
    """A CSV cell: lists and mappings as JSON; text a spreadsheet would take for a formula
    (or that starts with an apostrophe) behind an apostrophe."""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, "'")):
        return "'" + value
    return value


# ---- Checking a line ------------------------------------------------------------------------

# The JSON type each imported field must have (None is always allowed); others are text.
FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "authors": (list,),
    "topics": (list,),
    "countries": (list,),
    "relevance_reasons": (list,),
    "edited_topics": (list,),
    "edited_countries": (list,),
    "translations": (dict,),
    "relevance": (int, float),
    "language_confidence": (int, float),
    "title_language_confidence": (int, float),
    "story_lead": (int,),
}
_CHECKED = (*store.MACHINE_FIELDS, *store.EDITOR_FIELDS, "crawled_at", "story_id")


def checked_record(line: str) -> dict[str, Any]:
    """One JSON line as a record, or ValueError saying which field is wrong and how."""
    record = json.loads(line)
    if not isinstance(record, dict):
        raise ValueError(f"each line must be a JSON object, not {type(record).__name__}")
    return _checked(record)


def _checked(record: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(record.get("url"), str) or not record["url"].strip():
        raise ValueError("each line needs a url (text)")
    for name in _CHECKED:
        value = record.get(name)
        expected = FIELD_TYPES.get(name, (str,))
        if value is None or (isinstance(value, expected) and not isinstance(value, bool)):
            continue
        kind = " or ".join("number" if t in (int, float) else t.__name__ for t in expected)
        raise ValueError(f"{name} must be {kind}, not {type(value).__name__} ({value!r:.60})")
    for name in ("edited_topics", "edited_countries"):
        if any(not isinstance(v, str) for v in record.get(name) or ()):
            raise ValueError(f"{name} must be a list of text")
    if record.get("status") not in (None, *store.STATUSES):
        raise ValueError(f"unknown status {record['status']!r}")
    curation.check_changes(_editor_changes(record))  # unknown topics or countries
    return record


def _editor_changes(record: Mapping[str, Any]) -> Changes:
    """The editor's fields a line states, as a decision (the fields it leaves out: None)."""

    def text(name: str) -> str | None:
        return (record[name] or "") if name in record else None

    def listed(name: str) -> tuple[str, ...] | None:
        return tuple(record[name] or ()) if name in record else None

    return Changes(
        status=record.get("status"),
        title=text("edited_title"),
        summary=text("edited_summary"),
        topics=listed("edited_topics"),
        countries=listed("edited_countries"),
        note=text("notes"),
    )


# CSV cells are text: how each field is read back.
def _csv_value(name: str, cell: str) -> Any:
    if cell == "":
        return None
    if cell.startswith("'") and cell[1:].startswith((*FORMULA_STARTS, "'")):
        cell = cell[1:]
    kinds = FIELD_TYPES.get(name)
    if kinds is None:
        return cell
    if list in kinds or dict in kinds:
        try:
            return json.loads(cell)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{name} must be JSON ({exc.msg}): {cell!r:.60}") from exc
    try:
        number = float(cell)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, not {cell!r:.60}") from exc
    return int(number) if kinds == (int,) and number.is_integer() else number


# ---- Reading a file -------------------------------------------------------------------------


def format_of(path: Path) -> str:
    """The format a file's name says (``.csv``: CSV, else JSON lines)."""
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


def _records(path: Path, fmt: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, checked record) of every line of ``path``; ImportError_ names the
    file and line of the first bad one."""
    reader = _csv_records if fmt == "csv" else _jsonl_records
    with path.open(encoding="utf-8-sig", newline="") as fh:
        number = 0
        try:
            for number, record in reader(fh, path):  # noqa: B007 (read after the loop)
                yield number, record
        except UnicodeDecodeError as exc:
            raise ImportError_(f"{path}:{number + 1}: not UTF-8 text: {exc.reason}") from exc


def _jsonl_records(fh: IO[str], path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(fh, start=1):
        if not line.strip():
            continue
        yield number, _at(path, number, partial(checked_record, line))


def _csv_records(fh: IO[str], path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.reader(fh)
    try:
        header = next(reader)
    except StopIteration:
        return
    known = {*CSV_COLUMNS, "url"}
    unknown = [name for name in header if name not in known]
    if unknown:
        raise ImportError_(f"{path}:1: unknown column {unknown[0]!r}")
    if "url" not in header:
        raise ImportError_(f"{path}:1: no url column")
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportError_(f"{path}:{start}: {exc}") from exc
        number, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ImportError_(f"{path}:{number}: {len(row)} cells for {len(header)} columns")
        cells = dict(zip(header, row, strict=True))
        yield number, _at(path, number, partial(_checked_cells, cells))


def _checked_cells(cells: Mapping[str, str]) -> dict[str, Any]:
    return _checked({name: _csv_value(name, cell) for name, cell in cells.items()})


def _at(path: Path, number: int, check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return check()
    except ValueError as exc:  # json.JSONDecodeError and CurationError are ones
        raise ImportError_(f"{path}:{number}: {exc}") from exc


# ---- Import ---------------------------------------------------------------------------------


def import_records(
    db: Any,
    path: Path,
    now: datetime,
    *,
    fmt: str | None = None,
    editor: str = "import",
) -> Counter[str]:
    """Import the items in ``path`` (JSON lines or CSV; by default as its name says): every
    line is checked, then all are applied in one transaction. Counts of items new, updated
    and unchanged (machine fields) and ``decided`` (items whose editor fields changed)."""
    fmt = fmt or format_of(path)
    if fmt not in FORMATS:
        raise ImportError_(f"{path}: unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    for _ in _records(path, fmt):
        pass  # every line checked before anything is written
    counts: Counter[str] = Counter()
    with store.writing(db):
        for number, record in _records(path, fmt):
            record.setdefault("canonical_url", canonical_url(record["url"]))
            for name in _STORE_SAYS:
                record.pop(name, None)
            counts[store.upsert_record(db, record, now)] += 1
            reason = f"import of {path.name}, line {number}"
            if _apply_editor_fields(db, record, editor, now, reason):
                counts["decided"] += 1
    return counts


def _apply_editor_fields(
    db: Any, record: Mapping[str, Any], editor: str, now: datetime, reason: str
) -> bool:
    """The line's editor fields that differ from the stored item, applied and logged."""
    item = store.get_by_url(db, record["canonical_url"])
    if item is None:  # pragma: no cover (upserted just before)
        raise CurationError(f"{record['canonical_url']} was not stored")
    changed = False
    if record.get("story_id") and record["story_id"] != item["story_id"]:
        curation.move_version(db, item["id"], record["story_id"], editor=editor, now=now)
        changed = True
    wanted = curation.check_changes(_editor_changes(record))
    current = _editor_changes(item)
    differing = Changes(
        **{
            name: getattr(wanted, name)
            for name in ("status", "title", "summary", "topics", "countries", "note")
            if getattr(wanted, name) is not None and getattr(wanted, name) != getattr(current, name)
        },
        reason=reason,
    )
    if not differing.empty:
        ids = curation.decide(
            db, [item["id"]], differing, editor=editor, now=now, whole_story=False
        )
        changed = changed or bool(ids)
    if "story_lead" in record and bool(record["story_lead"]) != bool(item.get("story_lead")):
        if record["story_lead"]:
            curation.set_lead(db, item["id"], editor=editor, now=now)
        else:
            curation.clear_lead(db, item["id"], editor=editor, now=now)
        changed = True
    return changed


def open_output(out: Path | None) -> IO[str]:
    """``out`` (or stdout) for writing an export: UTF-8, line endings as written."""
    if out is None:
        return sys.stdout
    return out.open("w", encoding="utf-8", newline="")
