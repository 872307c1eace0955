"""Export and import: items out as JSON lines or CSV and back in, with the editor's fields;
the decision log out; curating from the command line."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler import curation, store
from crawler.curation import Changes
from crawler.exchange import ImportError_, import_records, write_items
from tests.test_curation import EN, KY, OTHER, RU, key, story_records
from tests.test_store import record

FORMATS = ["jsonl", "csv"]


@pytest.fixture
def db(tmp_path: Path, now: datetime) -> Any:
    database = store.open_db(tmp_path / "news.db")
    for item in story_records():
        store.upsert_record(database, item, now)
    return database


def curated(db: Any, now: datetime) -> None:
    """An editor's night: every editor field set somewhere, a story merged and a lead."""
    curation.decide(db, [key(EN)], Changes(status="featured"), editor="anna", now=now)
    curation.decide(
        db,
        [key(OTHER)],
        Changes(
            status="rejected",
            reason="off-topic",
            title='=HYPERLINK("http://evil")',
            summary="'Quoted' summary, with\na line break",
            topics=("peace-education", "sdg-4-7"),
            countries=("KG", "central-asia"),
            note="-ask the office\nabout it",
        ),
        editor="anna",
        now=now,
    )
    curation.set_lead(db, key(RU), editor="anna", now=now)


def export(db: Any, path: Path, fmt: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        write_items(store.iter_items(db), fh, fmt)
    return path


def editor_state(db: Any) -> dict[str, tuple[Any, ...]]:
    """Each item's editor fields and story, by canonical URL (ids are the same anyway)."""
    stories = {}
    for item in store.iter_items(db):
        stories.setdefault(item["story_id"], len(stories))
    return {
        item["canonical_url"]: (
            *(item[name] for name in store.EDITOR_FIELDS),
            stories[item["story_id"]],
        )
        for item in store.iter_items(db)
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_then_import_carries_every_editor_field(
    db: Any, tmp_path: Path, now: datetime, fmt: str
) -> None:
    curated(db, now)
    # The copy at another agency is split off, so the story is not what the crawl made.
    curation.split_version(
        db, key("https://www.unicef.org/press-releases/story-1"), editor="a", now=now
    )
    out = export(db, tmp_path / f"items.{fmt}", fmt)

    other = store.open_db(tmp_path / "other.db")
    counts = import_records(other, out, now)

    assert counts["new"] == 5
    assert editor_state(other) == editor_state(db)
    assert store.get_item(other, key(OTHER))["edited_title"] == '=HYPERLINK("http://evil")'  # type: ignore[index]
    machine = [{k: i[k] for k in store.MACHINE_FIELDS} for i in store.iter_items(db)]
    assert [{k: i[k] for k in store.MACHINE_FIELDS} for i in store.iter_items(other)] == machine


@pytest.mark.parametrize("fmt", FORMATS)
def test_importing_an_export_into_its_own_store_changes_nothing(
    db: Any, tmp_path: Path, now: datetime, fmt: str
) -> None:
    curated(db, now)
    out = export(db, tmp_path / f"items.{fmt}", fmt)
    version, decisions = store.items_version(db), db["decisions"].count

    assert import_records(db, out, now + timedelta(days=1)) == {"unchanged": 5}
    assert (store.items_version(db), db["decisions"].count) == (version, decisions)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_changed_status_note_or_correction_in_the_file_is_a_logged_decision(
    db: Any, tmp_path: Path, now: datetime, fmt: str
) -> None:
    out = export(db, tmp_path / f"items.{fmt}", fmt)
    text = out.read_text(encoding="utf-8-sig")
    if fmt == "jsonl":
        lines = [json.loads(line) for line in text.splitlines()]
        for line in lines:
            if line["canonical_url"] == OTHER:
                line.update(status="approved", notes="seen", edited_title="Better")
        out.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
        for row in rows:
            if row["canonical_url"] == OTHER:
                row.update(status="approved", notes="seen", edited_title="Better")
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        out.write_text(buffer.getvalue(), encoding="utf-8")  # saved without a BOM
    lines_read = out.read_text(encoding="utf-8").splitlines()
    opening = f'"canonical_url": "{OTHER}"' if fmt == "jsonl" else f"{key(OTHER)},"
    position = next(n for n, line in enumerate(lines_read, 1) if opening in line)

    counts = import_records(db, out, now, editor="bob")

    assert counts["decided"] == 1
    item = store.get_item(db, key(OTHER))
    assert item is not None
    assert (item["status"], item["notes"], item["edited_title"]) == ("approved", "seen", "Better")
    assert store.get_item(db, key(EN))["status"] == "candidate"  # type: ignore[index]
    [entry] = curation.journal(db)
    assert entry.line == (
        "2025-11-01 12:00 bob: status candidate -> approved; title 'Teachers in Uzbekistan'"
        f" -> 'Better'; note (none) -> 'seen' (reason: import of items.{fmt}, line {position})"
    )


def test_csv_opens_in_spreadsheets_utf8_with_bom_and_no_formulas(
    db: Any, tmp_path: Path, now: datetime
) -> None:
    curated(db, now)
    raw = export(db, tmp_path / "items.csv", "csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 5
    cells = [cell for row in rows for cell in row.values()]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    row = next(r for r in rows if r["canonical_url"] == OTHER)
    assert row["edited_title"] == '\'=HYPERLINK("http://evil")'
    assert row["edited_summary"] == "''Quoted' summary, with a line break"
    assert row["notes"] == "'-ask the office\nabout it"
    assert json.loads(row["edited_topics"]) == ["peace-education", "sdg-4-7"]


@pytest.mark.parametrize(
    ("fmt", "bad", "message"),
    [
        ("jsonl", "{oops", "in.jsonl:3: Expecting property name"),
        ("jsonl", '{"url": "https://x.org/b", "status": "gone"}', "in.jsonl:3: unknown status"),
        (
            "jsonl",
            '{"url": "https://x.org/b", "edited_topics": ["peace-educaton"]}',
            "in.jsonl:3: unknown topic 'peace-educaton' (did you mean 'peace-education'?)",
        ),
        ("csv", "https://x.org/b,Title,maybe,", "in.csv:3: relevance must be a number"),
        ("csv", 'https://x.org/b,Title,0.5,"[""peace-educaton""]"', "in.csv:3: unknown topic"),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_applied(
    db: Any, tmp_path: Path, now: datetime, fmt: str, bad: str, message: str
) -> None:
    if fmt == "jsonl":
        good = [json.dumps({"url": "https://x.org/a", "title": "A", "status": "approved"})]
    else:
        good = ["url,title,relevance,edited_topics", "https://x.org/a,A,0.5,"]
    path = tmp_path / f"in.{fmt}"
    after = [good[0]] if fmt == "jsonl" else [good[1]]
    lines = [*good, bad, *after] if fmt == "csv" else [good[0], "", bad, *after]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    version = store.items_version(db)

    with pytest.raises(ImportError_) as caught:
        import_records(db, path, now)

    assert str(caught.value).startswith(f"{path}:") and message in str(caught.value)
    assert store.items_version(db) == version
    assert store.get_by_url(db, "https://x.org/a") is None


def test_an_unknown_csv_column_is_refused(db: Any, tmp_path: Path, now: datetime) -> None:
    path = tmp_path / "in.csv"
    path.write_text("url,notess\nhttps://x.org/a,x\n", encoding="utf-8")
    with pytest.raises(ImportError_, match=r"in.csv:1: unknown column 'notess'"):
        import_records(db, path, now)


def test_a_line_without_editor_fields_leaves_the_editors_values(
    db: Any, tmp_path: Path, now: datetime
) -> None:
    curation.decide(db, [key(OTHER)], Changes(note="keep", status="approved"), editor="a", now=now)
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(record(url=OTHER, canonical_url=OTHER, story_id="s2")) + "\n")
    import_records(db, path, now)
    item = store.get_item(db, key(OTHER))
    assert item is not None and (item["notes"], item["status"]) == ("keep", "approved")


# ---- The command line ----


@pytest.fixture
def desk_db(tmp_path: Path, now: datetime) -> Any:
    database = store.open_db(tmp_path / "data" / "news.db")
    for item in story_records():
        store.upsert_record(database, item, now)
    return database


def test_curate_features_a_story_and_prints_the_log_lines(desk_db: Any, cli_run: Any) -> None:
    result = cli_run("curate", key(EN), "--feature", "--editor", "anna", "--reason", "lead story")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith(f"{key(EN)} ")
    assert lines[0].endswith("anna: status candidate -> featured (reason: lead story)")
    assert {store.get_item(desk_db, key(u))["status"] for u in (EN, RU, KY)} == {"featured"}  # type: ignore[index]


def test_curate_refuses_an_unknown_topic_in_one_line(desk_db: Any, cli_run: Any) -> None:
    result = cli_run("curate", key(OTHER), "--approve", "--topics", "peace-educaton,sdg-4-7")
    assert result.returncode == 1
    assert result.stderr == (
        "Error: unknown topic 'peace-educaton' (did you mean 'peace-education'?)\n"
    )
    assert desk_db["decisions"].count == 0


def test_curate_edits_one_version_alone_when_asked(desk_db: Any, cli_run: Any) -> None:
    result = cli_run(
        "curate", key(RU), "--reject", "--only-this", "--note", "wrong agency", "--editor", "b"
    )
    assert result.returncode == 0, result.stderr
    assert store.get_item(desk_db, key(RU))["status"] == "rejected"  # type: ignore[index]
    assert store.get_item(desk_db, key(EN))["status"] == "candidate"  # type: ignore[index]


def test_curate_without_a_decision_says_what_to_give(desk_db: Any, cli_run: Any) -> None:
    result = cli_run("curate", key(RU))
    assert result.returncode == 1
    assert "nothing to do" in result.stderr


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_decisions_writes_the_journal(
    desk_db: Any, cli_run: Any, tmp_path: Path, now: datetime, fmt: str
) -> None:
    curation.decide(desk_db, [key(OTHER)], Changes(status="rejected"), editor="anna", now=now)
    curation.decide(desk_db, [key(OTHER)], Changes(title="Y"), editor="anna", now=now)
    result = cli_run("export", "--decisions", "--format", fmt, "--out", "log")
    assert result.returncode == 0, result.stderr
    assert result.stderr.endswith("2 decisions exported\n")
    text = (tmp_path / "log").read_text(encoding="utf-8-sig")
    if fmt == "jsonl":
        rows = [json.loads(line) for line in text.splitlines()]
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["line"] for row in rows] == [
        "2025-11-01 12:00 anna: status candidate -> rejected",
        "2025-11-01 12:00 anna: title 'Teachers in Uzbekistan' -> 'Y'",
    ]


def test_the_csv_export_imports_from_the_command_line(
    desk_db: Any, cli_run: Any, tmp_path: Path, now: datetime
) -> None:
    curated(desk_db, now)
    exported = cli_run("export", "--format", "csv", "--out", "items.csv")
    assert exported.returncode == 0, exported.stderr
    other = tmp_path / "other"
    other.mkdir()
    (other / "data").mkdir()
    (tmp_path / "items.csv").rename(other / "items.csv")
    from tests.conftest import run_cli

    result = run_cli("import", "items.csv", "--editor", "carol", cwd=other)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "5 new, 0 updated, 0 unchanged, 5 decided\n"
    copy = store.open_db(other / "data" / "news.db")
    assert editor_state(copy) == editor_state(desk_db)
