"""The only module that speaks SQL: schema, migrations, upserts and queries.

Records are upserted by canonical URL. A crawl writes machine fields only; the editor's
fields (status, edited title/summary/topics, notes) are never touched by it. A record whose
machine fields changed keeps its previous values in ``item_history``; a record that did not
change is not written at all, so a second run over the same pages changes nothing.

Several processes write at once (a crawl storing pages, the editor's desk saving decisions,
an import): every write is one short ``BEGIN IMMEDIATE`` transaction (``writing``), which
takes SQLite's write lock before it reads, waiting up to ``BUSY_TIMEOUT`` for another
writer. A deferred transaction that reads and then writes cannot wait: in WAL mode its
lock upgrade fails at once with "database is locked" when another writer went first.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from pipelines.dedup import EVIDENCE_FIELDS, canonical_url, choose_story, minhash, minhash_bands
from pipelines.record import FIELDS, STRUCTURED_FIELDS, THUMBNAIL_FIELDS, VOLATILE_FIELDS

Outcome = Literal["new", "updated", "unchanged"]

# Machine fields: what the pipelines produce and a crawl may overwrite (the record's fields
# but when it was crawled, and its story, which the store decides).
MACHINE_FIELDS: tuple[str, ...] = tuple(
    name for name in FIELDS if name not in (*VOLATILE_FIELDS, "story_id")
)
# Assigned by the store when an item is first stored (which story it joins, and why).
STORY_FIELDS = ("story_id", "story_reason")
# The editor's fields: a decision on the item (status), corrections shown in place of the
# crawled values (edited_*), notes, and whether it is the version its story leads with.
EDITOR_FIELDS = (
    "status",
    "edited_title",
    "edited_summary",
    "edited_topics",
    "edited_countries",
    "notes",
    "story_lead",
)
JSON_FIELDS = (*STRUCTURED_FIELDS, "edited_topics", "edited_countries")
STATUSES = ("candidate", "approved", "rejected", "featured")
# How long a write waits for another writer's lock before SQLite answers "database is locked".
BUSY_TIMEOUT = 30.0
# How often a write waiting for that lock tries again. SQLite's own busy handler backs off to
# 100 ms sleeps, and then seldom finds the lock free between a crawl's back-to-back
# transactions: an editor's decision waited seconds behind a crawl storing pages.
LOCK_POLL = 0.002

migrations = Migrations("gced-news")


@migrations()
def m001_initial(db: Database) -> None:
    """The first schema, written out in full: later changes are new migrations."""
    text_columns = (
        "url canonical_url source title text summary published published_source updated"
        " updated_source authors image language title_language topics countries"
        " relevance_reasons content_hash minhash story_id story_reason translations"
        " crawled_at first_seen last_changed status edited_title edited_summary"
        " edited_topics notes"
    ).split()
    columns: dict[str, Any] = {"id": str, **{name: str for name in text_columns}}
    columns.update(language_confidence=float, title_language_confidence=float, relevance=float)
    db.table("items").create(
        columns, pk="id", defaults={"status": "candidate"}, not_null={"status"}
    )
    db.table("items").create_index(["canonical_url"], unique=True)
    db.table("items").create_index(["story_id"])
    db.table("items").create_index(["content_hash"])
    db.table("items").create_index(["published"])
    db.table("items").enable_fts(["title", "summary", "text"], create_triggers=True)
    db.table("item_history").create(
        {"id": int, "item_id": str, "changed_at": str, "previous": str},
        pk="id",
        foreign_keys=[("item_id", "items", "id")],
    )
    db.table("decisions").create(
        {"id": int, "item_id": str, "at": str, "action": str, "editor": str, "detail": str},
        pk="id",
        foreign_keys=[("item_id", "items", "id")],
    )
    db.table("runs").create(
        {"id": int, "command": str, "started": str, "finished": str, "outcome": str, "report": str},
        pk="id",
    )
    # Near-duplicate lookup: the MinHash of each item's text, cut into bands.
    db.table("fingerprints").create(
        {"item_id": str, "band": int, "value": int}, pk=("item_id", "band")
    )
    db.table("fingerprints").create_index(["band", "value"])
    # What incremental crawls remember: pages fetched, and entry points' validators.
    db.table("seen").create(
        {
            "url": str,
            "source": str,
            "canonical_url": str,
            "freshness": str,
            "outcome": str,
            "attempts": int,
            "hints": str,
            "fetched_at": str,
            "retry_after": str,
        },
        pk="url",
    )
    db.table("entry_points").create(
        {"url": str, "etag": str, "last_modified": str, "fetched_at": str}, pk="url"
    )


@migrations()
def m002_run_process(db: Database) -> None:
    """Which process (and machine) a run is, to tell a run still going from a killed one."""
    db.table("runs").add_column("pid", int)
    db.table("runs").add_column("host", str)


@migrations()
def m003_numpy_minhash(db: Database) -> None:
    """Signatures of the numpy MinHash (issue 11) replace the old ones, which no longer match
    new pages: every item's ``minhash`` is computed again from its text and its bands are
    indexed again. The text did not change: no history is kept, ``last_changed`` stays."""
    with _without_trigger(db, "items_au"):  # the full-text index does not hold the minhash
        db.execute("delete from fingerprints")
        for batch in _item_texts(db):
            signatures = [
                (rowid, key, minhash(text) if text is not None else None)
                for rowid, key, text in batch
            ]
            db.conn.executemany(
                "update items set minhash = ? where rowid = ?",
                [(signature, rowid) for rowid, _, signature in signatures],
            )
            db.conn.executemany(
                "insert into fingerprints (item_id, band, value) values (?, ?, ?)",
                [
                    (key, band, value)
                    for _, key, signature in signatures
                    if signature
                    for band, value in enumerate(minhash_bands(signature))
                ],
            )


@migrations()
def m004_curation(db: Database) -> None:
    """The editor's desk (issue 13): edited countries, the version a story leads with, how a
    page was extracted (site rules or the generic fallback), and the full-text index over
    the editor's title, summary and notes as well as the crawled ones (rebuilt: about a
    second per 10,000 items)."""
    items = db.table("items")
    items.add_column("edited_countries", str)
    items.add_column("story_lead", int)
    items.add_column("extraction", str)
    items.disable_fts()
    items.enable_fts(list(FTS_COLUMNS), create_triggers=True)


# What the full-text search reads: the crawled and the edited texts, and the editor's notes.
FTS_COLUMNS = ("title", "summary", "text", "edited_title", "edited_summary", "notes")

# The same texts indexed by trigrams, for languages written without spaces between words
# (Chinese) or with particles joined to them (Korean), which FTS5's default unicode61
# tokenizer keeps whole: a query of three characters or more finds them anywhere in a word.
# SQLite has had the trigram tokenizer built in since 3.34: no native extension to build.
CJK_FTS_TABLE = "items_fts_cjk"


@migrations()
def m005_cjk_search(db: Database) -> None:
    """A trigram full-text index over `FTS_COLUMNS` (issue 14, item 5), kept in step with
    the items by triggers as the unicode61 one is; an update touching none of its columns
    leaves it alone; the migration indexes the items already stored."""
    columns = ", ".join(FTS_COLUMNS)
    new = ", ".join(f"new.{column}" for column in FTS_COLUMNS)
    old = ", ".join(f"old.{column}" for column in FTS_COLUMNS)
    table = CJK_FTS_TABLE
    remove = f"insert into {table} ({table}, rowid, {columns}) values ('delete', old.rowid, {old});"
    add = f"insert into {table} (rowid, {columns}) values (new.rowid, {new});"
    statements = [
        f"create virtual table {table} using fts5 ({columns},"
        " content = items, content_rowid = rowid, tokenize = trigram)",
        f"create trigger {table}_ai after insert on items begin {add} end",
        f"create trigger {table}_ad after delete on items begin {remove} end",
        f"create trigger {table}_au after update of {columns} on items begin {remove} {add} end",
        f"insert into {table} ({table}) values ('rebuild')",
    ]
    for statement in statements:  # one by one: executescript would commit the migration
        db.execute(statement)


@migrations()
def m006_thumbnails(db: Database) -> None:
    """Lead images (issue 14, item 4): what the page says the image shows, and the crawl's
    local thumbnail of it (path in the thumbnail store, width, height); an index on
    ``image`` so a crawl finds a thumbnail it already has without fetching the image
    again (``thumbnail_of_image``). Items stored before have none until a crawl meets them."""
    items = db.table("items")
    items.add_column("image_alt", str)
    items.add_column("thumbnail", str)
    items.add_column("thumbnail_width", int)
    items.add_column("thumbnail_height", int)
    items.create_index(["image"])


def _item_texts(db: Database, size: int = 500) -> Iterator[list[tuple[int, str, str | None]]]:
    """(rowid, id, text) of every item, ``size`` at a time: a batch is read whole before
    it is written, and never all the texts at once."""
    last = 0
    while True:
        batch = db.execute(
            "select rowid, id, text from items where rowid > ? order by rowid limit ?",
            [last, size],
        ).fetchall()
        if not batch:
            return
        yield batch
        last = batch[-1][0]


@contextmanager
def _without_trigger(db: Database, name: str) -> Iterator[None]:
    """The trigger ``name`` dropped while the block runs, then created again as it was (in
    the same transaction: an error rolls both back)."""
    row = db.execute("select sql from sqlite_master where type = 'trigger' and name = ?", [name])
    found = row.fetchone()
    if found is None:
        yield
        return
    db.execute(f"drop trigger [{name}]")
    yield
    db.execute(found[0])


def open_db(path: Path | str, *, busy_timeout: float = BUSY_TIMEOUT) -> Database:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date.

    Its writes wait up to ``busy_timeout`` seconds for another process's write lock.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    db.execute(f"PRAGMA busy_timeout = {max(0, round(busy_timeout * 1000))}")
    # Switching a new database to WAL takes a lock SQLite does not wait for.
    _when_free(lambda: db.execute("PRAGMA journal_mode=WAL"), busy_timeout)
    db.execute("PRAGMA foreign_keys=ON")
    if migrations.pending(db):
        # Under the write lock: two processes opening a new database migrate it once.
        with writing(db):
            migrations.apply(db)
    return db


def relax_durability(db: Database) -> None:
    """Commit without waiting for the disk (WAL, ``synchronous=NORMAL``), for a connection
    whose writes can be made again: a crawl's or reprocess's. A killed process loses nothing
    committed; a power cut may lose its last commits, never the database, and the next run
    fetches (or reprocesses) those pages again. The desk's connections keep every commit."""
    db.execute("PRAGMA synchronous = NORMAL")


@contextmanager
def writing(db: Database) -> Iterator[Database]:
    """One write transaction that holds the write lock from its start (``BEGIN IMMEDIATE``,
    waiting for another writer up to the busy timeout), so nothing it reads can change
    before it writes. Commits at the end, rolls back on an error; within an open
    transaction it is a savepoint of that transaction."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    _begin_immediate(db)
    try:
        yield db
        db.conn.execute("COMMIT")
    except BaseException:
        db.rollback()
        raise


def _begin_immediate(db: Database) -> None:
    """``BEGIN IMMEDIATE``, trying every ``LOCK_POLL`` seconds up to the busy timeout."""
    timeout_ms = int(db.conn.execute("PRAGMA busy_timeout").fetchone()[0])
    db.conn.execute("PRAGMA busy_timeout = 0")
    try:
        _when_free(lambda: db.conn.execute("BEGIN IMMEDIATE"), timeout_ms / 1000)
    finally:
        db.conn.execute(f"PRAGMA busy_timeout = {timeout_ms}")


def _when_free(attempt: Callable[[], object], timeout: float) -> None:
    """Run ``attempt`` again every ``LOCK_POLL`` seconds while it finds the database
    locked, for up to ``timeout`` seconds; then its "database is locked" is raised."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            attempt()
            return
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() >= deadline or _stale_read(exc):
                raise
        time.sleep(LOCK_POLL)


def _stale_read(error: sqlite3.OperationalError) -> bool:
    """This connection still reads (an unfinished query) from before another's write: it
    cannot write until that query ends, however long it waits."""
    return getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY_SNAPSHOT


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` is SQLite's "database is locked": another connection held the
    lock for longer than the busy timeout. Trying again later may succeed."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:
        return "locked" in str(error)
    return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def item_id(canonical_url: str) -> str:
    """A short stable id for a canonical URL (used in site paths)."""
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:12]


def _to_row(record: Mapping[str, Any]) -> dict[str, Any]:
    row = {}
    for name in MACHINE_FIELDS + VOLATILE_FIELDS:
        value = record.get(name)
        if name in JSON_FIELDS and value is not None:
            value = json.dumps(value, ensure_ascii=False, sort_keys=True)
        row[name] = value
    return row


def _from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return _decoded(dict(row))


def _decoded(item: dict[str, Any]) -> dict[str, Any]:
    """The row's JSON columns decoded, in place."""
    for name in JSON_FIELDS:
        if item.get(name) is not None:
            item[name] = json.loads(item[name])
    return item


def upsert_record(db: Database, record: Mapping[str, Any], now: datetime) -> Outcome:
    """Insert or update one record by its canonical URL; editor fields are left alone.

    A new item joins the story of a stored one when they are translations or duplicates
    (``pipelines.dedup.choose_story``); a stored item keeps its story.
    """
    row = _to_row(record)
    key = row["canonical_url"]
    if not key:
        raise ValueError(f"record for {record.get('url')!r} has no canonical_url")
    stamp = now.astimezone(UTC).isoformat()
    with writing(db):
        existing = next(db.table("items").rows_where("canonical_url = ?", [key], limit=1), None)
        if existing is None:
            new_id = item_id(key)
            joined = choose_story(record, story_candidates(db, record))
            story, reason = joined if joined else (record.get("story_id") or new_id, None)
            db.table("items").insert(
                {
                    **row,
                    "id": new_id,
                    "story_id": story,
                    "story_reason": reason,
                    "first_seen": stamp,
                    "last_changed": stamp,
                }
            )
            _index_fingerprint(db, new_id, row.get("minhash"))
            return "new"
        _keep_thumbnail(row, existing)
        previous = {name: existing[name] for name in MACHINE_FIELDS}
        current = {name: row[name] for name in MACHINE_FIELDS}
        if previous == current:
            return "unchanged"
        db.table("item_history").insert(
            {
                "item_id": existing["id"],
                "changed_at": stamp,
                "previous": json.dumps(previous, ensure_ascii=False, sort_keys=True),
            }
        )
        db.table("items").update(existing["id"], {**row, "last_changed": stamp})
        _index_fingerprint(db, existing["id"], row.get("minhash"))
        return "updated"


def _keep_thumbnail(row: dict[str, Any], existing: Mapping[str, Any]) -> None:
    """A record without a thumbnail of the image the stored item has one of keeps the stored
    one: ``reprocess`` never fetches, and a crawl whose image download failed this time
    loses nothing. A record of another image (or of none) drops it."""
    if row.get("thumbnail") is None and existing.get("thumbnail") and row.get("image"):
        if row["image"] == existing.get("image"):
            row.update({name: existing[name] for name in THUMBNAIL_FIELDS})


def thumbnail_of_image(db: Database, image: str) -> dict[str, Any] | None:
    """A stored thumbnail of the image at URL ``image`` (``thumbnail``, ``thumbnail_width``,
    ``thumbnail_height``), whichever item has it; None when no item has one."""
    columns = ", ".join(THUMBNAIL_FIELDS)
    row = db.execute(
        f"select {columns} from items where image = ? and thumbnail is not null limit 1", [image]
    ).fetchone()
    return dict(zip(THUMBNAIL_FIELDS, row, strict=True)) if row else None


def _index_fingerprint(db: Database, item_id_: str, minhash: str | None) -> None:
    db.table("fingerprints").delete_where("item_id = ?", [item_id_])
    if minhash:
        bands = minhash_bands(minhash)
        db.table("fingerprints").insert_all(
            {"item_id": item_id_, "band": band, "value": value} for band, value in enumerate(bands)
        )


def story_candidates(db: Database, record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Stored items that may tell the same story as ``record`` (the fields ``choose_story``
    reads of them): linked by hreflang, same or near-identical text, or another language on
    the same days (a possible translation)."""
    ids: set[str] = set()
    links = [canonical_url(u) for u in (record.get("translations") or {}).values()]
    if links:
        marks = ", ".join("?" for _ in links)
        ids |= _ids(db, f"select id from items where canonical_url in ({marks})", links)
    if record.get("content_hash"):
        ids |= _ids(db, "select id from items where content_hash = ?", [record["content_hash"]])
    if record.get("minhash"):
        bands = minhash_bands(record["minhash"])
        where = " or ".join("(band = ? and value = ?)" for _ in bands)
        params = [x for pair in enumerate(bands) for x in pair]
        ids |= _ids(db, f"select distinct item_id as id from fingerprints where {where}", params)
    published = record.get("published")
    if published:
        day = published[:10]
        # A range on the indexed column (not substr()), so one insert never scans the table.
        ids |= _ids(
            db,
            "select id from items where published >= date(?, '-1 day')"
            " and published < date(?, '+2 day') and language != ? limit 2000",
            [day, day, record.get("language") or ""],
        )
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    columns = ", ".join(EVIDENCE_FIELDS)
    cursor = db.execute(f"select {columns} from items where id in ({marks})", sorted(ids))
    return [_decoded(dict(zip(EVIDENCE_FIELDS, row, strict=True))) for row in cursor]


def _ids(db: Database, sql: str, params: list[Any]) -> set[str]:
    return {row["id"] for row in db.query(sql, params)}


def get_item(db: Database, item_id_: str) -> dict[str, Any] | None:
    row = next(db.table("items").rows_where("id = ?", [item_id_], limit=1), None)
    return _from_row(row) if row else None


def get_by_url(db: Database, canonical_url: str) -> dict[str, Any] | None:
    row = next(db.table("items").rows_where("canonical_url = ?", [canonical_url], limit=1), None)
    return _from_row(row) if row else None


def iter_items(
    db: Database,
    *,
    statuses: Iterable[str] | None = None,
    ordered: bool = True,
    fields: Sequence[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """Items newest first (in storage order when not `ordered`: the site build sorts them
    itself, and SQLite's sort of whole rows costs it a second at 100,000), optionally only
    those with the given editor statuses and only the given `fields` (columns)."""
    where, params = "", []
    if statuses is not None:
        params = list(statuses)
        where = " where status in ({})".format(", ".join("?" for _ in params))
    columns = "*"
    if fields is not None:
        known = set(db.table("items").columns_dict)
        unknown = [name for name in fields if name not in known]
        if unknown:
            raise ValueError(f"items have no field {', '.join(map(repr, unknown))}")
        columns = ", ".join(f"[{name}]" for name in fields)
    # A plain cursor: at 100,000 items sqlite-utils' row dicts cost as much as the query.
    order = " order by coalesce(published, crawled_at) desc, id" if ordered else ""
    cursor = db.execute(f"select {columns} from items{where}{order}", params)
    names = [column[0] for column in cursor.description]
    for row in cursor:
        yield _decoded(dict(zip(names, row, strict=True)))


def count_items(db: Database) -> int:
    return db.table("items").count


# A page that failed this many fetches in a row is given up (left in `seen` for `status`).
MAX_ATTEMPTS = 5
# A failed page is tried again after 6 hours, then 12, 24, 48: the next nights, not at once.
RETRY_FIRST_WAIT = timedelta(hours=6)


def mark_seen(
    db: Database,
    url: str,
    canonical: str | None,
    freshness: str | None,
    outcome: str,
    now: datetime,
    source: str | None = None,
) -> None:
    """Remember that ``url`` was fetched and what became of it (new, unchanged, no-article)."""
    row = {
        "url": url,
        "source": source,
        "canonical_url": canonical,
        "freshness": freshness,
        "outcome": outcome,
        "attempts": 0,
        "hints": None,
        "fetched_at": now.astimezone(UTC).isoformat(),
        "retry_after": None,
    }
    with writing(db):
        db.table("seen").upsert(row, pk="url")


def mark_failed(
    db: Database, url: str, source: str, reason: str, hints: Mapping[str, Any], now: datetime
) -> None:
    """Remember a page that could not be fetched, with what led to it, to retry next time."""
    with writing(db):
        row = next(db.table("seen").rows_where("url = ?", [url], limit=1), None)
        if row is not None and row["outcome"] != "failed":
            return  # stored before: this run's failure loses nothing
        attempts = (row["attempts"] if row else 0) + 1
        retry_after = now + RETRY_FIRST_WAIT * 2 ** (attempts - 1)
        db.table("seen").upsert(
            {
                "url": url,
                "source": source,
                "outcome": "failed",
                "attempts": attempts,
                "hints": json.dumps({**dict(hints), "reason": reason}, ensure_ascii=False),
                "fetched_at": now.astimezone(UTC).isoformat(),
                "retry_after": retry_after.astimezone(UTC).isoformat(),
            },
            pk="url",
        )


def pages_to_retry(db: Database, source: str, now: datetime) -> list[tuple[str, dict[str, Any]]]:
    """Pages of ``source`` that failed before and are due another try, with their hints."""
    rows = db.table("seen").rows_where(
        "outcome = 'failed' and source = ? and attempts < ? and retry_after <= ?",
        [source, MAX_ATTEMPTS, now.astimezone(UTC).isoformat()],
        order_by="url",
    )
    retry = []
    for row in rows:
        hints = json.loads(row["hints"] or "{}")
        hints.pop("reason", None)
        retry.append((row["url"], hints))
    return retry


def known_pages(db: Database) -> dict[str, str | None]:
    """Every page URL fetched before (requested and canonical), with its freshness date."""
    known: dict[str, str | None] = {}
    for row in db.query("select url, canonical_url, freshness from seen where outcome != 'failed'"):
        known[row["url"]] = row["freshness"]
        if row["canonical_url"]:
            known.setdefault(row["canonical_url"], row["freshness"])
    for row in db.query("select url, canonical_url from items"):
        known.setdefault(row["url"], None)
        known.setdefault(row["canonical_url"], None)
    return known


def save_entry_points(db: Database, states: Iterable[Mapping[str, Any]], now: datetime) -> None:
    """Keep the validators (ETag, Last-Modified) of feeds, sitemaps and listings fetched."""
    stamp = now.astimezone(UTC).isoformat()
    rows = [{**dict(state), "fetched_at": stamp} for state in states]
    if rows:
        with writing(db):
            db.table("entry_points").upsert_all(rows, pk="url")


def entry_validators(db: Database) -> dict[str, dict[str, str | None]]:
    return {
        row["url"]: {"etag": row["etag"], "last_modified": row["last_modified"]}
        for row in db.query("select url, etag, last_modified from entry_points")
    }


def search(db: Database, query: str, limit: int = 20) -> list[dict[str, Any]]:
    return [_from_row(row) for row in db.table("items").search(query, limit=limit)]


def record_decision(
    db: Database, item_id_: str, action: str, editor: str, detail: Mapping[str, Any], now: datetime
) -> None:
    """Append one editor action to the decision log (never updated or deleted)."""
    row = {
        "item_id": item_id_,
        "at": now.astimezone(UTC).isoformat(),
        "action": action,
        "editor": editor,
        "detail": json.dumps(dict(detail), ensure_ascii=False, sort_keys=True),
    }
    with writing(db):
        db.table("decisions").insert(row)


def set_editor_fields(
    db: Database, item_id_: str, fields: Mapping[str, Any], editor: str, now: datetime
) -> None:
    """Change editor fields of one item and log the decision, in one transaction.

    The desk before issue 13 calls it; ``crawler.curation.decide`` replaces it."""
    if "status" in fields and fields["status"] not in STATUSES:
        raise ValueError(f"unknown status {fields['status']!r}")
    with writing(db):
        update_editor_fields(db, item_id_, fields)
        record_decision(db, item_id_, "edit", editor, fields, now)


def start_run(db: Database, command: str, now: datetime, *, pid: int | None = None) -> int:
    """Record the start of a run of ``command`` by this process (or process ``pid``)."""
    table = db.table("runs")
    row = {
        "command": command,
        "started": now.astimezone(UTC).isoformat(),
        "pid": os.getpid() if pid is None else pid,
        "host": socket.gethostname(),
    }
    with writing(db):
        table.insert(row)
        return int(str(table.last_pk))


def finish_run(
    db: Database, run_id: int, outcome: str, report: Mapping[str, Any], now: datetime
) -> None:
    values = {
        "finished": now.astimezone(UTC).isoformat(),
        "outcome": outcome,
        "report": json.dumps(dict(report), ensure_ascii=False, sort_keys=True),
    }
    with writing(db):
        db.table("runs").update(run_id, values)


def last_runs(db: Database, limit: int = 10, now: datetime | None = None) -> list[dict[str, Any]]:
    """The latest runs, newest first; one that was abandoned (see ``close_abandoned_runs``)
    has the outcome "interrupted"."""
    now = now or datetime.now(UTC)
    rows = db.table("runs").rows_where(order_by="id desc", limit=limit)
    runs = []
    for row in rows:
        run = {**row, "report": json.loads(row["report"] or "{}")}
        if _abandoned(row, now):
            run["outcome"] = "interrupted"
        runs.append(run)
    return runs


# A run from before runs recorded their process, unfinished after this long, was killed.
UNRECORDED_RUN_LIMIT = timedelta(days=1)


def close_abandoned_runs(db: Database, now: datetime) -> int:
    """Mark as "interrupted" the runs that never finished and whose process is gone (or,
    from before runs recorded their process, that started over a day ago); how many.
    Their ``finished`` stays empty (no one knows when they stopped)."""
    report = json.dumps({"interrupted_noticed": now.astimezone(UTC).isoformat()})
    with writing(db):
        rows = db.table("runs").rows_where("finished is null and outcome is null")
        abandoned = [row["id"] for row in rows if _abandoned(row, now)]
        for run_id in abandoned:
            db.table("runs").update(run_id, {"outcome": "interrupted", "report": report})
    return len(abandoned)


def _abandoned(run: Mapping[str, Any], now: datetime) -> bool:
    """A run without an end whose process, on this machine, no longer exists; or, from
    before runs recorded their process, one started over ``UNRECORDED_RUN_LIMIT`` ago. A
    run of another machine cannot be told."""
    if run["finished"] is not None or run["outcome"] is not None:
        return False
    if run.get("pid") is None:
        return bool(run["started"] < (now - UNRECORDED_RUN_LIMIT).astimezone(UTC).isoformat())
    if run.get("host") != socket.gethostname():
        return False
    return not _process_alive(int(run["pid"]))


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    try:  # a killed child its parent has not reaped yet is a zombie: gone all the same
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[:1] != ["Z"]


def counts_by(db: Database, column: str) -> list[tuple[str, str, int]]:
    """(source, value, count) rows: items per source and ``column`` (language, status...)."""
    if column not in ("language", "status", "title_language"):
        raise ValueError(f"cannot count by {column!r}")
    sql = f"select source, {column} as value, count(*) as n from items group by source, {column}"
    return [(row["source"], row["value"], row["n"]) for row in db.query(sql)]


def last_new_by_source(db: Database) -> dict[str, datetime]:
    """When each configured source last brought a new item."""
    sql = "select source, max(fetched_at) as at from seen where outcome = 'new' group by source"
    return {row["source"]: datetime.fromisoformat(row["at"]) for row in db.query(sql) if row["at"]}


def last_fetches(db: Database) -> dict[str, dict[str, Any]]:
    """Each source's row of the most recent crawl report that covered it."""
    found: dict[str, dict[str, Any]] = {}
    for run in db.table("runs").rows_where(
        "command = 'crawl' and finished is not null", order_by="id desc"
    ):
        for source, row in json.loads(run["report"] or "{}").get("fetches", {}).items():
            found.setdefault(source, {**row, "finished": run["finished"]})
    return found


def decisions_for(db: Database, item_id_: str) -> list[dict[str, Any]]:
    rows = db.table("decisions").rows_where("item_id = ?", [item_id_], order_by="id desc")
    return [{**row, "detail": json.loads(row["detail"] or "{}")} for row in rows]


# ---- The editor's desk (crawler.curation decides; these read and write) -------------------

# The arguments of the SQL function ``item_flags`` (see ``curation_queue``), in order.
FLAG_ARGUMENTS = (
    "length(coalesce(text, ''))",
    "published",
    "published_source",
    "language",
    "title_language",
    "language_confidence",
    "relevance",
    "story_reason",
    "extraction",
)
FlagFunction = Callable[..., str]


def items_by_id(db: Database, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The stored items among ``ids``, by id."""
    wanted = sorted(set(ids))
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for row in db.query(f"select * from items where id in ({marks})", chunk):
            found[row["id"]] = _from_row(row)
    return found


def story_versions(db: Database, story_ids: Iterable[str]) -> list[dict[str, Any]]:
    """Every item of the given stories, each story's earliest first."""
    wanted = sorted(set(story_ids))
    if not wanted:
        return []
    marks = ", ".join("?" for _ in wanted)
    rows = db.query(
        f"select * from items where story_id in ({marks})"
        " order by story_id, coalesce(published, first_seen), id",
        wanted,
    )
    return [_from_row(row) for row in rows]


def story_ids_in_use(db: Database, story_ids: Iterable[str]) -> set[str]:
    wanted = sorted(set(story_ids))
    if not wanted:
        return set()
    marks = ", ".join("?" for _ in wanted)
    sql = f"select distinct story_id from items where story_id in ({marks})"
    return {row[0] for row in db.execute(sql, wanted)}


def update_editor_fields(db: Database, item_id_: str, fields: Mapping[str, Any]) -> None:
    """Set editor fields of one item, as they are (no log: the caller logs the decision,
    in the same ``writing()`` transaction)."""
    unknown = set(fields) - set(EDITOR_FIELDS)
    if unknown:
        raise ValueError(f"not editor fields: {', '.join(sorted(unknown))}")
    values = {
        k: json.dumps(v, ensure_ascii=False) if k in JSON_FIELDS and v is not None else v
        for k, v in fields.items()
    }
    with writing(db):
        db.table("items").update(item_id_, values)


def move_to_story(db: Database, item_ids: Iterable[str], story_id: str, reason: str) -> None:
    """Put items into the story ``story_id`` (no longer any story's lead); the caller logs."""
    ids = list(item_ids)
    with writing(db):
        db.conn.executemany(
            "update items set story_id = ?, story_reason = ?, story_lead = null where id = ?",
            [(story_id, reason, key) for key in ids],
        )


def set_story_lead(db: Database, story_id: str, lead_id: str) -> None:
    """``lead_id`` becomes the one lead version of its story; the caller logs."""
    with writing(db):
        db.execute(
            "update items set story_lead = null where story_id = ? and story_lead is not null"
            " and id != ?",
            [story_id, lead_id],
        )
        db.execute("update items set story_lead = 1 where id = ?", [lead_id])


def _queue_where(
    *,
    statuses: Iterable[str] | None,
    source: str | None = None,
    language: str | None = None,
    topic: str | None = None,
    country: str | None = None,
    since: str | None = None,
    until: str | None = None,
    flag: str | None = None,
    query: str | None = None,
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if statuses is not None:
        wanted = list(statuses)
        clauses.append("status in ({})".format(", ".join("?" for _ in wanted) or "null"))
        params.extend(wanted)
    for column, value in (("source", source), ("language", language)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    for edited, crawled, value in (
        ("edited_topics", "topics", topic),
        ("edited_countries", "countries", country),
    ):
        if value:
            clauses.append(
                f"exists (select 1 from json_each(coalesce(items.{edited}, items.{crawled}))"
                " where value = ?)"
            )
            params.append(value)
    day = "substr(coalesce(published, crawled_at), 1, 10)"
    if since:
        clauses.append(f"{day} >= ?")
        params.append(since)
    if until:
        clauses.append(f"{day} <= ?")
        params.append(until)
    if flag:
        clauses.append(f"instr(',' || {_FLAGS_CALL} || ',', ?) > 0")
        params.append(f",{flag},")
    if query:
        clauses.append("rowid in (select rowid from items_fts where items_fts match ?)")
        params.append(query)
    return " and ".join(clauses) or "1", params


_FLAGS_CALL = "item_flags({}, :threshold)".format(", ".join(FLAG_ARGUMENTS))
QUEUE_ORDER = {
    "relevance": "relevance desc, coalesce(published, crawled_at) desc, id",
    "newest": "coalesce(published, crawled_at) desc, id",
    "oldest": "coalesce(published, crawled_at), id",
}


def _with_flags(db: Database, flags: FlagFunction) -> None:
    """``item_flags(...)`` in SQL is ``flags``: the quality flags of a row, comma-separated."""
    db.conn.create_function("item_flags", len(FLAG_ARGUMENTS) + 1, flags, deterministic=True)


def curation_queue(
    db: Database,
    *,
    flags: FlagFunction,
    threshold: float,
    sort: str = "relevance",
    limit: int = 50,
    offset: int = 0,
    **filters: Any,
) -> tuple[list[dict[str, Any]], int]:
    """Items for the editor's queue, with their ``flags`` (comma-separated, from ``flags``)
    and ``story_size`` (versions in their story), and how many match in all. ``filters``:
    statuses, source, language, topic, country, since, until (days), flag, query (an FTS
    query over the crawled and edited texts and notes)."""
    if sort not in QUEUE_ORDER:
        raise ValueError(f"cannot sort by {sort!r} (one of {', '.join(QUEUE_ORDER)})")
    _with_flags(db, flags)
    where, params = _queue_where(**filters)
    named = {f"p{n}": value for n, value in enumerate(params)}
    where = _numbered(where)
    total = db.execute(
        f"select count(*) from items where {where}", {**named, "threshold": threshold}
    ).fetchone()[0]
    sql = (
        f"select items.*, {_FLAGS_CALL} as flags,"
        " (select count(*) from items s where s.story_id = items.story_id) as story_size"
        f" from items where {where} order by {QUEUE_ORDER[sort]} limit :limit offset :offset"
    )
    rows = db.query(sql, {**named, "threshold": threshold, "limit": limit, "offset": offset})
    return [_from_row(row) for row in rows], int(total)


def _numbered(where: str) -> str:
    """``?`` marks as ``:p0``, ``:p1``…: the queue's query also has named parameters."""
    parts = where.split("?")
    return "".join(f"{part}:p{n}" for n, part in enumerate(parts[:-1])) + parts[-1]


def curation_facets(
    db: Database, statuses: Iterable[str] | None, *, flags: FlagFunction, threshold: float
) -> dict[str, list[tuple[str, int]]]:
    """Values and counts of source, language, topic, country and flag among the items with
    ``statuses`` (all items: None), most frequent first."""
    _with_flags(db, flags)
    where, params = _queue_where(statuses=statuses)
    named = {**{f"p{n}": v for n, v in enumerate(params)}, "threshold": threshold}
    where = _numbered(where)
    facets: dict[str, list[tuple[str, int]]] = {}
    for name in ("source", "language"):
        sql = f"select {name}, count(*) from items where {where} group by {name}"
        facets[name] = _ranked(db.execute(sql, named))
    for name, edited, crawled in (
        ("topic", "edited_topics", "topics"),
        ("country", "edited_countries", "countries"),
    ):
        sql = (
            f"select j.value, count(*) from items, json_each(coalesce(items.{edited},"
            f" items.{crawled})) j where {where} group by j.value"
        )
        facets[name] = _ranked(db.execute(sql, named))
    sql = f"select {_FLAGS_CALL}, count(*) from items where {where} group by 1"
    counts: dict[str, int] = {}
    for joined, n in db.execute(sql, named):
        for flag in filter(None, (joined or "").split(",")):
            counts[flag] = counts.get(flag, 0) + n
    facets["flag"] = _ranked(counts.items())
    return facets


def _ranked(rows: Iterable[tuple[Any, int]]) -> list[tuple[str, int]]:
    found = [(str(value), int(n)) for value, n in rows if value is not None]
    return sorted(found, key=lambda pair: (-pair[1], pair[0]))


def decision_rows(
    db: Database,
    *,
    item_id: str | None = None,
    limit: int | None = None,
    oldest_first: bool = False,
) -> list[dict[str, Any]]:
    """Logged decisions (of one item, or all), newest first unless ``oldest_first``."""
    where, params = ("where item_id = ?", [item_id]) if item_id else ("", [])
    order = "asc" if oldest_first else "desc"
    tail = " limit ?" if limit is not None else ""
    rows = db.query(
        f"select * from decisions {where} order by id {order}{tail}",
        [*params, *([limit] if limit is not None else [])],
    )
    return [{**row, "detail": json.loads(row["detail"] or "{}")} for row in rows]


def items_per_source(db: Database) -> dict[str, int]:
    return {row[0]: row[1] for row in db.execute("select source, count(*) from items group by 1")}


def failing_pages_by_source(db: Database) -> dict[str, int]:
    """Pages whose last fetch failed (still to retry, or given up), per source."""
    sql = "select source, count(*) from seen where outcome = 'failed' group by source"
    return {row[0]: row[1] for row in db.execute(sql)}


def crawl_reports(db: Database, limit: int = 7) -> list[dict[str, Any]]:
    """The reports of the last ``limit`` finished crawls, newest first (``finished``, the
    ``fetches`` and ``pages`` per source)."""
    rows = db.table("runs").rows_where(
        "command = 'crawl' and finished is not null", order_by="id desc", limit=limit
    )
    return [{**json.loads(row["report"] or "{}"), "finished": row["finished"]} for row in rows]


def items_version(db: Database) -> str:
    """A token that changes whenever any item or editor decision may have changed.

    It counts writes, not clocks: a new item takes a new rowid, a changed one leaves a row in
    ``item_history``, a decision a row in ``decisions``. (Timestamps missed a change stamped
    no later than the last one: a clock set back, or two crawls within one tick.)
    """
    row = db.execute(
        "select count(*), max(rowid), (select max(id) from item_history),"
        " (select max(id) from decisions) from items"
    ).fetchone()
    return ":".join(str(value) for value in row)


def backup(db_path: Path, dest: Path) -> int:
    """Copy the database at ``db_path`` to ``dest`` while others read and write it; the
    number of items in the copy.

    SQLite's online backup copies one consistent state (every transaction committed before
    it, none after) without stopping writers. The copy is written beside ``dest`` and moved
    into place, so ``dest`` is never half written; it is one self-contained file (no WAL).
    A folder as ``dest`` receives a file named like the database. To restore, stop the desk
    and crawls, delete ``<database>-wal`` and ``<database>-shm`` if any, copy the file back.
    """
    source, dest = Path(db_path), backup_path(db_path, dest)
    if not source.is_file():
        raise FileNotFoundError(f"no database to back up at {source}")
    if dest.resolve() == source.resolve():
        raise ValueError(f"{dest} is the database itself: back it up to another file")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    try:
        _copy_database(source, partial)
        items = _checked_item_count(partial)
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return items


def backup_path(db_path: Path, dest: Path) -> Path:
    """Where ``backup(db_path, dest)`` writes: ``dest``, or a file named like the database
    in it when ``dest`` is a folder."""
    dest = Path(dest)
    return dest / Path(db_path).name if dest.is_dir() else dest


def _copy_database(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    origin = sqlite3.connect(source, timeout=BUSY_TIMEOUT)
    try:
        copy = sqlite3.connect(target)
        try:
            origin.backup(copy)  # all pages in one step: one snapshot, never restarted by writes
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        origin.close()


def _checked_item_count(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise sqlite3.DatabaseError(f"the copy at {path} is damaged: {verdict}")
        return int(connection.execute("select count(*) from items").fetchone()[0])
    finally:
        connection.close()
