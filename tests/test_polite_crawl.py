"""Crawling a real HTTP server on 127.0.0.1 through the network download path: a generic
source named only in config, site rules, robots.txt, 429 then success, off-site redirects,
recording what was fetched, and a crawl killed with SIGKILL and resumed."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import NETGUARD, ROOT, run_cli
from tests.http_server import Answer, Site, serve

PARAGRAPH = (
    "Teachers from twelve districts met on Tuesday to share how their schools teach "
    "global citizenship, from student councils to exchanges with schools abroad. "
)
XML = {"Content-Type": "application/rss+xml; charset=utf-8"}


def article(headline: str, extra: str = "") -> bytes:
    return f"""<!DOCTYPE html><html lang="en"><head><title>Local News</title>
<meta property="article:published_time" content="2025-05-06T09:00:00+00:00"></head>
<body><header><h1>Local News</h1></header><main><article>
<p class="headline">{headline}</p>
<div class="promo">Subscribe to our newsletter for weekly updates!</div>
<p>{PARAGRAPH * 3}</p><p>{extra} {PARAGRAPH * 2}</p>
</article></main></body></html>""".encode()


def feed(base: str, paths: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Item {p}</title><link>{base}{p}</link>"
        f"<pubDate>Tue, 06 May 2025 09:00:00 +0000</pubDate></item>"
        for p in paths
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>'
        f"<link>{base}/</link><language>en</language>{items}</channel></rss>"
    ).encode()


def config(tmp_path: Path, base: str, feeds: str = "/feed.xml") -> Path:
    path = tmp_path / "gced-news.toml"
    path.write_text(
        f"""
[crawl]
user_agent = "gced-news-test/1.0 (+mailto:test@example.org)"
download_delay = 0.0

[sources.local]
spider = "generic"
languages = ["en"]
allowed_domains = ["127.0.0.1"]
feeds = ["{base}{feeds}"]

[sources.local.rules]
title = ".headline"
drop = [".promo"]
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def site() -> Iterator[Site]:
    routes: dict[str, Answer | list[Answer]] = {}
    with serve(Site(routes)) as running:
        base = running.base
        routes.update(
            {
                "/robots.txt": Answer(
                    200, b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}
                ),
                "/feed.xml": Answer(
                    200,
                    feed(base, ["/news/one", "/news/two", "/private/three", "/news/away"]),
                    XML,
                ),
                "/news/one": Answer(200, article("Schools share global citizenship lessons")),
                "/news/two": [
                    Answer(429, b"slow down", {"Retry-After": "1", "Content-Type": "text/plain"}),
                    Answer(200, article("Youth councils grow in twelve districts")),
                ],
                "/private/three": Answer(200, article("Never to be fetched")),
                "/news/away": Answer(301, b"", {"Location": "http://elsewhere.example/news"}),
            }
        )
        yield running


def stored(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("select url, title from items"))


def test_a_generic_source_is_crawled_politely_with_its_site_rules(
    site: Site, tmp_path: Path
) -> None:
    result = run_cli("crawl", "--source", "local", cwd=tmp_path, config=config(tmp_path, site.base))
    assert result.returncode == 0, result.stderr
    titles = stored(tmp_path / "data/news.db")
    assert titles == {
        f"{site.base}/news/one": "Schools share global citizenship lessons",
        f"{site.base}/news/two": "Youth councils grow in twelve districts",
    }
    with sqlite3.connect(tmp_path / "data/news.db") as conn:
        texts = [row[0] for row in conn.execute("select text from items")]
    assert all("Subscribe to our newsletter" not in text for text in texts)
    assert site.hits["/private/three"] == 0, "robots.txt disallows /private/"
    assert site.hits["/news/two"] == 2, "429 answered, then retried once"
    assert site.agents == {"gced-news-test/1.0 (+mailto:test@example.org)"}


def test_off_site_redirects_are_not_followed(site: Site, tmp_path: Path) -> None:
    result = run_cli("crawl", "--source", "local", cwd=tmp_path, config=config(tmp_path, site.base))
    assert result.returncode == 0, result.stderr
    assert "tried to reach" not in result.stderr  # the network guard saw no escape
    assert site.hits["/news/away"] == 1


def test_recorded_responses_replay_to_the_same_records(site: Site, tmp_path: Path) -> None:
    conf = config(tmp_path, site.base)
    online = tmp_path / "online"
    online.mkdir()
    recorded = run_cli(
        "crawl", "--source", "local", "--record", str(tmp_path / "rec"), cwd=online, config=conf
    )
    assert recorded.returncode == 0, recorded.stderr
    offline = tmp_path / "offline"
    offline.mkdir()
    hits_before = sum(site.hits.values())
    replayed = run_cli(
        "crawl", "--source", "local", "--archive", str(tmp_path / "rec"), cwd=offline, config=conf
    )
    assert replayed.returncode == 0, replayed.stderr
    assert sum(site.hits.values()) == hits_before, "replay never reaches the server"
    assert stored(offline / "data/news.db") == stored(online / "data/news.db")


def test_a_crawl_killed_and_started_again_loses_nothing_and_fetches_nothing_twice(
    tmp_path: Path,
) -> None:
    paths = [f"/news/{n}" for n in range(12)]
    routes: dict[str, Answer | list[Answer]] = {}
    with serve(Site(routes)) as slow:
        routes["/robots.txt"] = Answer(200, b"", {"Content-Type": "text/plain"})
        routes["/feed.xml"] = Answer(200, feed(slow.base, paths), XML)
        for n, path in enumerate(paths):
            routes[path] = Answer(200, article(f"Story number {n} on peace education"), delay=0.4)
        conf = config(tmp_path, slow.base)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(NETGUARD), str(ROOT)])}
        env.pop("GCED_NEWS_CONFIG", None)
        command = [
            sys.executable,
            "-m",
            "crawler",
            "--config",
            str(conf),
            "crawl",
            "--source",
            "local",
        ]
        process = subprocess.Popen(
            command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        db = tmp_path / "data/news.db"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(_stored_or_empty(db)) < 3:
            time.sleep(0.1)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        before = _stored_or_empty(db)
        assert 3 <= len(before) < len(paths), "killed mid-crawl"
        first_hits = dict(slow.hits)
        resumed = run_cli("crawl", "--source", "local", cwd=tmp_path, config=conf)
        assert resumed.returncode == 0, resumed.stderr
        after = stored(db)
    assert sorted(after) == sorted(f"{slow.base}{p}" for p in paths)
    for url in before:
        path = url.removeprefix(slow.base)
        assert slow.hits[path] == first_hits[path], f"{path} was stored, yet fetched again"
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from items").fetchone()[0] == len(paths)


def _stored_or_empty(db: Path) -> dict[str, str]:
    try:
        return stored(db)
    except sqlite3.OperationalError:
        return {}
