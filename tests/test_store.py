"""The store: upsert by canonical URL, editor fields kept, history of changes."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from crawler import store
from pipelines.dedup import content_hash, minhash, minhash_bands, normalise_text

MIGRATIONS = [
    "m001_initial",
    "m002_run_process",
    "m003_numpy_minhash",
    "m004_curation",
    "m005_cjk_search",
    "m006_thumbnails",
]


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
    assert [m.name for m in store.migrations.applied(db)] == MIGRATIONS


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


def story(n: int) -> dict[str, Any]:
    url = f"https://news.un.org/en/story/2025/10/{n}"
    return record(url=url, canonical_url=url, content_hash=url, translations={})


def test_writers_in_parallel_all_succeed_none_is_told_the_database_is_locked(
    tmp_path: Path, now: datetime
) -> None:
    path = tmp_path / "news.db"
    store.open_db(path).close()
    errors: list[BaseException] = []

    def crawl(first: int) -> None:
        db = store.open_db(path)
        try:
            for n in range(first, first + 100):
                store.upsert_record(db, story(n), now)
                store.mark_seen(db, story(n)["url"], story(n)["url"], None, "new", now, "un-news")
                if n % 10 == 0:
                    store.set_editor_fields(db, store.item_id(story(first)["url"]), {}, "e", now)
        except sqlite3.Error as exc:
            errors.append(exc)
        finally:
            db.close()

    writers = [threading.Thread(target=crawl, args=(k * 100,)) for k in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()

    assert errors == []
    db = store.open_db(path)
    assert (store.count_items(db), db["seen"].count, db["decisions"].count) == (400, 400, 40)


def test_a_write_waits_for_another_writer_to_finish(db: Any, tmp_path: Path, now: datetime) -> None:
    other = sqlite3.connect(tmp_path / "news.db", check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.3, other.commit).start()
    try:
        assert store.upsert_record(db, record(), now) == "new"
    finally:
        other.close()


def test_a_write_blocked_past_the_busy_timeout_is_reported_busy_and_writes_nothing(
    tmp_path: Path, now: datetime
) -> None:
    path = tmp_path / "news.db"
    db = store.open_db(path, busy_timeout=0.2)
    other = sqlite3.connect(path)
    other.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError) as raised:
            store.upsert_record(db, record(), now)
        assert 0.2 <= time.monotonic() - started < 2
    finally:
        other.rollback()
        other.close()
    assert store.is_busy(raised.value)
    assert store.count_items(db) == 0
    assert store.upsert_record(db, record(), now) == "new", "the connection is usable after"


def test_a_failed_write_rolls_back_all_of_it(db: Any, now: datetime) -> None:
    store.upsert_record(db, record(), now)
    item_id = store.item_id(record()["canonical_url"])
    with pytest.raises(ValueError, match="not editor fields"):
        store.set_editor_fields(db, item_id, {"status": "approved", "title": "x"}, "e", now)
    with pytest.raises(RuntimeError), store.writing(db):
        store.record_decision(db, item_id, "edit", "e", {}, now)
        raise RuntimeError("halfway")
    assert db["decisions"].count == 0


def test_writes_inside_a_write_are_one_transaction(db: Any, now: datetime) -> None:
    with store.writing(db):
        store.upsert_record(db, record(), now)
        store.mark_seen(db, record()["url"], record()["canonical_url"], None, "new", now)
        assert db.conn.in_transaction
    assert not db.conn.in_transaction
    assert store.count_items(db) == 1


def _open_at_once(path: str, start: Any, opened: Any) -> None:
    start.wait()
    try:
        db = store.open_db(path)
        opened.put([m.name for m in store.migrations.applied(db)])
        db.close()
    except sqlite3.Error as exc:
        opened.put(repr(exc))


def test_processes_opening_a_new_database_at_once_create_it_once(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    start, opened = context.Barrier(6), context.Queue()
    openers = [
        context.Process(target=_open_at_once, args=(str(tmp_path / "news.db"), start, opened))
        for _ in range(6)
    ]
    for opener in openers:
        opener.start()
    results = [opened.get(timeout=60) for _ in openers]
    for opener in openers:
        opener.join()
    assert results == [MIGRATIONS] * 6


def test_a_run_whose_process_was_killed_is_interrupted_not_running_forever(
    db: Any, tmp_path: Path, now: datetime
) -> None:
    code = (
        "import sys, time; from datetime import datetime, UTC; from crawler import store;"
        "db = store.open_db(sys.argv[1]); store.start_run(db, 'crawl', datetime.now(UTC));"
        "print('started', flush=True); time.sleep(60)"
    )
    crawl = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path / "news.db")],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert crawl.stdout is not None and crawl.stdout.readline() == "started\n"
    ours = store.start_run(db, "build", now)

    assert [run["outcome"] for run in store.last_runs(db)] == [None, None], "both still running"
    os.kill(crawl.pid, signal.SIGKILL)
    crawl.wait()
    crawl.stdout.close()

    assert [run["outcome"] for run in store.last_runs(db)] == [None, "interrupted"]
    assert store.close_abandoned_runs(db, now) == 1
    assert store.close_abandoned_runs(db, now) == 0
    assert db["runs"].get(ours)["outcome"] is None, "this process's run is still going"
    (killed,) = db["runs"].rows_where("outcome = 'interrupted'")
    assert killed["finished"] is None and killed["pid"] == crawl.pid


def test_a_finished_run_keeps_its_outcome(db: Any, now: datetime) -> None:
    run = store.start_run(db, "crawl", now, pid=2**22 + 1)  # above any pid_max: no such process
    store.finish_run(db, run, "ok", {"totals": {"new": 1}}, now)
    assert store.close_abandoned_runs(db, now) == 0
    assert [(r["outcome"], r["report"]) for r in store.last_runs(db)] == [
        ("ok", {"totals": {"new": 1}})
    ]


def test_a_run_from_before_pids_were_recorded_is_closed_after_a_day(db: Any, now: datetime) -> None:
    old = db["runs"].insert({"command": "crawl", "started": "2025-10-30T02:30:00+00:00"}).last_pk
    recent = db["runs"].insert({"command": "crawl", "started": now.isoformat()}).last_pk

    assert [run["outcome"] for run in store.last_runs(db, now=now)] == [None, "interrupted"]
    assert store.close_abandoned_runs(db, now) == 1
    assert db["runs"].get(old)["outcome"] == "interrupted"
    assert db["runs"].get(recent)["outcome"] is None


def old_minhash(text: str) -> str:
    """The signature the pure-Python MinHash gave before issue 11 (for migration tests)."""
    prime = (1 << 61) - 1
    words = normalise_text(text).split(" ")
    grams = {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}
    hashes = {
        int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "big") for g in grams
    }
    permutations = [
        (random.Random(seed).randrange(1, prime), random.Random(-seed).randrange(0, prime))
        for seed in range(1, 65)
    ]
    return "".join(f"{min((a * h + b) % prime for h in hashes):016x}" for a, b in permutations)


def database_before_numpy_minhash(path: Path, records: list[dict[str, Any]], now: datetime) -> None:
    """A database of the first two migrations holding ``records`` with old signatures."""
    db = Database(path)
    earlier = Migrations("gced-news")
    earlier()(store.m001_initial)
    earlier()(store.m002_run_process)
    earlier.apply(db)
    columns = set(db["items"].columns_dict)
    stamp = now.isoformat()
    for item in records:
        row = store._to_row({**item, "minhash": old_minhash(item["text"])})
        db["items"].insert(
            {
                **{name: value for name, value in row.items() if name in columns},
                "id": store.item_id(item["canonical_url"]),
                "first_seen": stamp,
                "last_changed": stamp,
            }
        )
    db.close()


def text_record(n: int, text: str) -> dict[str, Any]:
    url = f"https://news.un.org/en/story/2025/03/{n}"
    return record(url=url, canonical_url=url, text=text, content_hash=content_hash(text))


TEXTS = [
    "Teachers in Kazakhstan opened inclusive classrooms for children with disabilities "
    "in fourteen regions, and parents joined committees that follow each child's progress.",
    "Wheat prices fell in May as harvests in the northern hemisphere came in above forecasts, "
    "the Food and Agriculture Organization said on Friday in its monthly report.",
]


def test_opening_an_old_database_recomputes_signatures_and_their_bands(
    tmp_path: Path, now: datetime
) -> None:
    records = [text_record(n, text) for n, text in enumerate(TEXTS)]
    database_before_numpy_minhash(tmp_path / "news.db", records, now)
    db = store.open_db(tmp_path / "news.db")
    for item in records:
        stored = store.get_by_url(db, item["canonical_url"])
        assert stored is not None
        assert stored["minhash"] == minhash(item["text"])
        bands = db.execute(
            "select value from fingerprints where item_id = ? order by band", [stored["id"]]
        ).fetchall()
        assert [value for (value,) in bands] == minhash_bands(minhash(item["text"]))


def test_recomputed_signatures_are_not_changes_of_the_items(tmp_path: Path, now: datetime) -> None:
    item = text_record(1, TEXTS[0])
    database_before_numpy_minhash(tmp_path / "news.db", [item], now)
    db = store.open_db(tmp_path / "news.db")
    later = now + timedelta(days=1)
    assert store.upsert_record(db, {**item, "minhash": minhash(item["text"])}, later) == "unchanged"
    assert db.table("item_history").count == 0
    assert store.get_by_url(db, item["canonical_url"])["last_changed"] == now.isoformat()


def test_after_the_migration_a_near_duplicate_finds_the_stored_item(
    tmp_path: Path, now: datetime
) -> None:
    stored = text_record(1, " ".join([TEXTS[0]] * 3 + [TEXTS[1]] * 3))
    database_before_numpy_minhash(tmp_path / "news.db", [stored], now)
    db = store.open_db(tmp_path / "news.db")
    copy = text_record(2, stored["text"] + " The report was published on Friday.")
    store.upsert_record(db, {**copy, "minhash": minhash(copy["text"])}, now)
    item = store.get_by_url(db, copy["canonical_url"])
    assert item is not None and item["story_reason"].startswith("near-identical text")


def test_full_text_search_still_follows_edits_after_the_migration(
    tmp_path: Path, now: datetime
) -> None:
    item = text_record(1, TEXTS[0])
    database_before_numpy_minhash(tmp_path / "news.db", [item], now)
    db = store.open_db(tmp_path / "news.db")
    store.upsert_record(db, {**item, "text": TEXTS[1], "minhash": minhash(TEXTS[1])}, now)
    assert [i["canonical_url"] for i in store.search(db, "wheat")] == [item["canonical_url"]]
    assert store.search(db, "disabilities") == []


def test_only_a_crawl_commits_without_waiting_for_the_disk(tmp_path: Path) -> None:
    """The desk's decisions are on disk when the commit returns (synchronous FULL); a crawl's
    connection, whose pages the next run fetches again, does not wait (NORMAL)."""
    desk = store.open_db(tmp_path / "news.db")
    crawl = store.open_db(tmp_path / "news.db")
    store.relax_durability(crawl)
    assert desk.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert crawl.execute("PRAGMA synchronous").fetchone()[0] == 1
