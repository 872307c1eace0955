"""The desk and a crawl at once: 2,000 new stories stored while the editor decides over HTTP
from two browsers and the site build reads. Nothing is lost: every story stored, every
decision answered 303 and kept, no server error, every build done (issue 10).

Twice: a process storing as fast as it can beside a reader (the hardest pace for the locks),
then the real commands — `gced-news crawl` over an archive of 2,000 stories, the desk, and
`gced-news build` run again and again."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawler import store
from crawler.desk import Desk, make_app, make_server
from tests.conftest import NETGUARD, ROOT
from tests.test_review import Client
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
        story_id=f"{prefix}-{n}",  # a story of its own: a decision reaches it alone
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
        self.client, self.item_ids, self.crawl_done = Client(port), item_ids, crawl_done
        self.sent: dict[str, list[str]] = {item_id: [] for item_id in item_ids}
        self.answers: list[int] = []

    def run(self) -> None:
        step = 0
        while not self.crawl_done.is_set() or step < 4:
            status, _ = self.client.get("/?status=all")
            self.answers.append(status)
            item_id = self.item_ids[step % len(self.item_ids)]
            wanted = STATUSES[step // len(self.item_ids) % len(STATUSES)]
            answer, _ = self.client.post(
                f"/item/{item_id}/status", {"status": wanted, "back": "/"}
            )
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


def test_2000_stores_in_a_row_while_the_editor_decides_lose_nothing(
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

    crawl.start()
    for thread in (*editors, build):
        thread.start()
    failed = failures.get(timeout=120)
    crawl.join(timeout=30)
    crawl_done.set()
    for thread in (*editors, build):
        thread.join(timeout=60)

    db = store.open_db(database)
    assert crawl.exitcode == 0
    assert (failed, store.count_items(db)) == (0, DESK_ITEMS + STORIES), "every story stored"
    answers = [answer for editor in editors for answer in editor.answers]
    assert sorted(set(answers)) == [200, 303], "pages 200, decisions 303, nothing else"
    for editor in editors:
        for item_id, sent in editor.sent.items():
            kept = [d["detail"]["status"][1] for d in reversed(store.decisions_for(db, item_id))]
            assert kept == sent, f"every decision on {item_id} kept, in order"
            item = store.get_item(db, item_id)
            assert item is not None and item["status"] == (sent[-1] if sent else "candidate")
    decided = sum(len(sent) for editor in editors for sent in editor.sent.values())
    assert decided >= 8 and build.reads > 0 and not build.errors


# ---- the same with the real commands: `gced-news crawl` over an archive, `gced-news build` ----

BASE = "https://news.example.org"
CONFIG = f"""
[sources.local]
spider = "generic"
languages = ["en"]
allowed_domains = ["news.example.org"]
feeds = ["{BASE}/feed.xml"]
"""


def write_archive(folder: Path, count: int) -> Path:
    """A feed of ``count`` new stories and their pages, as a recorded archive."""
    archive = folder / "archive"
    (archive / "pages").mkdir(parents=True)
    entries: list[dict[str, Any]] = [
        {"url": f"{BASE}/robots.txt", "status": 200, "headers": {}, "body": None},
        {"url": f"{BASE}/feed.xml", "status": 200, "body": "feed.xml",
         "headers": {"Content-Type": "application/rss+xml"}},
    ]  # fmt: skip
    items = []
    for n in range(count):
        url = f"{BASE}/news/story-{n}"
        title = f"Story {n}: pupils learn global citizenship"
        (archive / "pages" / f"{n}.html").write_text(
            f"<html lang='en'><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>In school {n}, pupils learned about human rights, peace and global citizenship"
            f" education with their teachers.</p><p>Programme {n} reached {n * 7} children in"
            " rural areas; teachers said it changed how pupils talk to one another.</p>"
            "</article></body></html>",
            encoding="utf-8",
        )
        entries.append({"url": url, "status": 200, "body": f"pages/{n}.html",
                        "headers": {"Content-Type": "text/html; charset=utf-8"}})  # fmt: skip
        items.append(f"<item><title>{title}</title><link>{url}</link></item>")
    channel = "<title>t</title>" + "".join(items)
    (archive / "feed.xml").write_text(
        f"<?xml version='1.0'?><rss version='2.0'><channel>{channel}</channel></rss>",
        encoding="utf-8",
    )
    (archive / "index.jsonl").write_text(
        "".join(json.dumps(entry) + "\n" for entry in entries), encoding="utf-8"
    )
    return archive


def gced(*args: str, cwd: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "GCED_NEWS_CONFIG"}
    env["PYTHONPATH"] = os.pathsep.join([str(NETGUARD), str(ROOT)])
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", *args],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


class Builds(threading.Thread):
    """`gced-news build` over and over while the crawl runs: each must succeed."""

    def __init__(self, folder: Path, crawl_done: threading.Event) -> None:
        super().__init__()
        self.folder, self.crawl_done = folder, crawl_done
        self.results: list[tuple[int, str]] = []

    def run(self) -> None:
        while not self.crawl_done.is_set():
            build = gced("build", cwd=self.folder)
            _, err = build.communicate(timeout=600)
            self.results.append((build.returncode, err[-2000:]))


def test_a_real_crawl_of_2000_stories_beside_the_desk_and_builds_loses_nothing(
    tmp_path: Path,
) -> None:
    (tmp_path / "gced-news.toml").write_text(CONFIG, encoding="utf-8")
    archive = write_archive(tmp_path, STORIES)
    database = tmp_path / "data" / "news.db"
    db = store.open_db(database)
    for n in range(DESK_ITEMS):
        store.upsert_record(db, story(n, prefix="desk"), NOW)
    db.close()
    server = make_server(make_app(Desk(database, "editor", lambda: NOW)), 0)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    desk_ids = [store.item_id(story(n, prefix="desk")["canonical_url"]) for n in range(DESK_ITEMS)]
    crawl_done = threading.Event()
    editors = [
        Editor(server.server_port, desk_ids[: DESK_ITEMS // 2], crawl_done),
        Editor(server.server_port, desk_ids[DESK_ITEMS // 2 :], crawl_done),
    ]
    builds = Builds(tmp_path, crawl_done)

    crawl = gced("crawl", "--archive", str(archive), "--source", "local", cwd=tmp_path)
    for thread in (*editors, builds):
        thread.start()
    out, err = crawl.communicate(timeout=1200)
    crawl_done.set()
    for thread in (*editors, builds):
        thread.join(timeout=600)
    server.shutdown()
    server.server_close()

    assert crawl.returncode == 0, err[-3000:]
    assert f"total: {STORIES} new, 0 updated, 0 unchanged, 0 no-article, 0 failed" in out
    db = store.open_db(database)
    assert store.count_items(db) == DESK_ITEMS + STORIES, "every story stored"
    answers = {answer for editor in editors for answer in editor.answers}
    assert answers == {200, 303}, "pages 200, decisions 303, nothing else"
    for editor in editors:
        for item_id, sent in editor.sent.items():
            kept = [d["detail"]["status"][1] for d in reversed(store.decisions_for(db, item_id))]
            assert kept == sent, f"every decision on {item_id} kept, in order"
    assert builds.results and all(code == 0 for code, _ in builds.results), builds.results
