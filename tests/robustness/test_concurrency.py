"""The desk and a crawl at once: a process stores 2,000 new stories as fast as it can while
the editor decides over HTTP from two browsers and the site build reads. Nothing is lost:
every story stored, every decision answered 303 and kept, no server error (issue 10)."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawler import store
from crawler.review import Desk, make_app, make_server
from tests.test_review import get, post, token
from tests.test_store import record

pytestmark = pytest.mark.slow

STORIES = 2_000
DESK_ITEMS = 20  # already stored when the crawl starts: the editor decides on these
NOW = datetime(2025, 11, 1, 12, 0, tzinfo=UTC)
STATUSES = ("approved", "rejected", "featured", "candidate")


def story(n: int, prefix: str = "crawl") -> dict[str, Any]:
    url = f"https://news.un.org/en/story/2025/10/{prefix}-{n}"
    return record(
        url=url,
        canonical_url=url,
        title=f"Story {prefix} {n} on global citizenship",
        text=f"Paragraph of story {prefix} {n}.\nAnother paragraph, {n}.",
        content_hash=f"{prefix}-{n}",
        translations={},
    )


def store_stories(path: str, count: int, failures: Any) -> None:
    """The crawl: ``count`` new stories, each in its own upsert, as fast as possible."""
    db = store.open_db(path)
    failed = 0
    for n in range(count):
        try:
            store.upsert_record(db, story(n), NOW)
        except Exception:  # noqa: BLE001 -- counted, and the count is the test's verdict
            failed += 1
    db.close()
    failures.put(failed)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "news.db"
    db = store.open_db(path)
    for n in range(DESK_ITEMS):
        store.upsert_record(db, story(n, prefix="desk"), NOW)
    db.close()
    return path


@pytest.fixture
def desk_port(database: Path) -> Iterator[int]:
    server = make_server(make_app(Desk(database, "editor", lambda: NOW)), 0)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server.server_port
    server.shutdown()
    server.server_close()


class Editor(threading.Thread):
    """Cycles the status of its own items over HTTP until the crawl ends."""

    def __init__(self, port: int, item_ids: list[str], crawl_done: threading.Event) -> None:
        super().__init__()
        self.port, self.item_ids, self.crawl_done = port, item_ids, crawl_done
        self.sent: dict[str, list[str]] = {item_id: [] for item_id in item_ids}
        self.answers: list[int] = []
        self.slowest = 0.0

    def run(self) -> None:
        step = 0
        while not self.crawl_done.is_set() or step < 4:
            status, page = get(self.port, "/?status=all")
            self.answers.append(status)
            item_id = self.item_ids[step % len(self.item_ids)]
            wanted = STATUSES[step // len(self.item_ids) % len(STATUSES)]
            started = time.monotonic()
            answer, _ = post(
                self.port,
                f"/item/{item_id}/status",
                {"status": wanted, "token": token(page), "back": "/"},
            )
            self.slowest = max(self.slowest, time.monotonic() - started)
            self.answers.append(answer)
            self.sent[item_id].append(wanted)
            step += 1


class SiteBuild(threading.Thread):
    """Reads every item and the version token, over and over, as the site build does."""

    def __init__(self, path: Path, crawl_done: threading.Event) -> None:
        super().__init__()
        self.path, self.crawl_done = path, crawl_done
        self.reads = 0
        self.errors: list[BaseException] = []

    def run(self) -> None:
        try:
            db = store.open_db(self.path)
            while not self.crawl_done.is_set():
                store.items_version(db)
                list(store.iter_items(db, ordered=False, fields=("id", "title", "status")))
                self.reads += 1
            db.close()
        except Exception as exc:  # noqa: BLE001 -- kept, and asserted empty
            self.errors.append(exc)


def test_a_crawl_storing_2000_stories_while_the_editor_decides_loses_nothing(
    database: Path, desk_port: int
) -> None:
    desk_ids = [store.item_id(story(n, prefix="desk")["canonical_url"]) for n in range(DESK_ITEMS)]
    crawl_done = threading.Event()
    editors = [
        Editor(desk_port, desk_ids[: DESK_ITEMS // 2], crawl_done),
        Editor(desk_port, desk_ids[DESK_ITEMS // 2 :], crawl_done),
    ]
    build = SiteBuild(database, crawl_done)
    context = multiprocessing.get_context("spawn")
    failures = context.Queue()
    crawl = context.Process(target=store_stories, args=(str(database), STORIES, failures))

    started = time.monotonic()
    crawl.start()
    for thread in (*editors, build):
        thread.start()
    failed = failures.get(timeout=120)
    crawl.join(timeout=30)
    crawl_done.set()
    for thread in (*editors, build):
        thread.join(timeout=60)
    elapsed = time.monotonic() - started

    db = store.open_db(database)
    assert crawl.exitcode == 0
    assert (failed, store.count_items(db)) == (0, DESK_ITEMS + STORIES), "every story stored"
    answers = [answer for editor in editors for answer in editor.answers]
    assert sorted(set(answers)) == [200, 303], "pages 200, decisions 303, nothing else"
    for editor in editors:
        for item_id, sent in editor.sent.items():
            kept = [d["detail"]["status"] for d in reversed(store.decisions_for(db, item_id))]
            assert kept == sent, f"every decision on {item_id} kept, in order"
            item = store.get_item(db, item_id)
            assert item is not None and item["status"] == (sent[-1] if sent else "candidate")
    decided = sum(len(sent) for editor in editors for sent in editor.sent.values())
    assert decided >= 8 and build.reads > 0 and not build.errors
    slowest = max(editor.slowest for editor in editors)
    assert slowest < 5, f"a decision waited {slowest:.1f}s for the crawl"
    assert elapsed < 60, f"{STORIES} stories and {decided} decisions took {elapsed:.0f}s"
