"""Hostile sites, crawled for real: `gced-news crawl` in its own process against a scripted
server on 127.0.0.1 (and against hostile replay archives).

Links that are no web address, redirect loops, endless redirects, a gzip bomb, pages over
`max_page_bytes`, connection resets, stalled bodies, pages that cannot be stored, pages that
cannot even be remembered: each is one warning line naming the page and the cause, a failed
page the next crawl asks for again, and never the end of the crawl or of the feed it was in.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import sqlite3
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from crawler import store
from crawler.config import load_config
from crawler.replay import ArchiveWriter
from crawler.reprocess import reprocess
from crawler.scrapy_store import StorePipeline
from pipelines.rules import SiteRules
from pipelines.scrapy import fetched, outcome
from pipelines.workers import process
from spiders.items import EntryPointState, FetchFailure, RawPage
from tests.conftest import NETGUARD, ROOT
from tests.http_server import Answer, Site, serve
from tests.test_polite_crawl import article

MAX_PAGE_BYTES = 1_000_000
BOMB = 768 << 20  # bytes a gzip bomb inflates to (from under MAX_PAGE_BYTES on the wire)
XML = {"Content-Type": "application/rss+xml; charset=utf-8"}
SITEMAP = {"Content-Type": "application/xml; charset=utf-8"}

# Links a feed, sitemap or listing may hold that are no web page. (feedparser makes
# ``http://[::1`` an empty link.)
BAD_FEED_LINKS = [
    "javascript:void(0)",
    "mailto:desk@example.org",
    "tel:+15551234",
    "",
    "http://[::1",
    "data:text/html,hello",
    "ftp://127.0.0.1/news/file",
]


def rss(base: str, links: list[str], etag: str) -> Answer:
    items = "".join(
        f"<item><title>Entry {n}</title><link>{link.replace('{base}', base)}</link>"
        f"<pubDate>Tue, 06 May 2025 09:00:00 +0000</pubDate></item>"
        for n, link in enumerate(links)
    )
    body = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>'
        f"<link>{base}/</link><language>en</language>{items}</channel></rss>"
    ).encode()
    return Answer(200, body, {**XML, "ETag": etag})


def sitemap_index(base: str, locs: list[str]) -> Answer:
    entries = "".join(
        f"<sitemap><loc>{loc.replace('{base}', base)}</loc></sitemap>" for loc in locs
    )
    body = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}</sitemapindex>"
    ).encode()
    return Answer(200, body, {**SITEMAP, "ETag": '"index-1"'})


def urlset(base: str, entries: list[tuple[str, str | None]], etag: str) -> Answer:
    urls = ""
    for loc, alternate in entries:
        alt = f'<xhtml:link rel="alternate" hreflang="fr" href="{alternate}"/>' if alternate else ""
        urls += f"<url><loc>{loc.replace('{base}', base)}</loc>{alt}</url>"
    body = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        f' xmlns:xhtml="http://www.w3.org/1999/xhtml">{urls}</urlset>'
    ).encode()
    return Answer(200, body, {**SITEMAP, "ETag": etag})


def gzip_bomb(inflated: int) -> bytes:
    """A gzip body of ``inflated`` zero bytes (about a thousandth of that on the wire),
    compressed a megabyte at a time."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: a gzip container
    chunk = bytes(1 << 20)
    return b"".join(packer.compress(chunk) for _ in range(inflated >> 20)) + packer.flush()


def gced(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """``gced-news`` in its own process, and the most memory it held at once (peak RSS,
    bytes), as the kernel counted it."""
    env = {k: v for k, v in os.environ.items() if k != "GCED_NEWS_CONFIG"}
    env["PYTHONPATH"] = os.pathsep.join([str(NETGUARD), str(ROOT)])
    command = [sys.executable, "-m", "crawler", *args]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess(command, process.returncode, out.read(), err.read())
    return done, usage.ru_maxrss * 1024  # Linux counts kilobytes


def config(tmp_path: Path, base: str, sitemaps: bool = True, timeout: float = 60.0) -> Path:
    path = tmp_path / "gced-news.toml"
    maps = f'sitemaps = ["{base}/sitemap-index.xml"]\nlistings = ["{base}/listing"]'
    path.write_text(
        f"""
[crawl]
user_agent = "gced-news-test/1.0 (+mailto:test@example.org)"
download_delay = 0.0
max_page_bytes = {MAX_PAGE_BYTES}
download_timeout = {timeout}

[sources.local]
spider = "generic"
languages = ["en"]
allowed_domains = ["127.0.0.1"]
feeds = ["{base}/feed.xml", "{base}/clean.xml"]
{maps if sitemaps else ""}
article_patterns = ["/news/"]

[sources.local.rules]
title = ".headline"
""",
        encoding="utf-8",
    )
    return path


def hostile_routes(base: str) -> dict[str, Answer | list[Answer]]:
    text = {"Content-Type": "text/plain"}
    hops = {
        f"/news/hop/{n}": Answer(302, b"", {"Location": f"{{base}}/news/hop/{n + 1}"})
        for n in range(25)
    }
    return {
        "/robots.txt": Answer(200, b"User-agent: *\nDisallow: /private/\n", text),
        "/feed.xml": rss(
            base,
            [
                "{base}/news/good-1",
                *BAD_FEED_LINKS,
                "{base}/news/good-2",
                "{base}/news/loop",
                "{base}/news/loop-a",
                "{base}/news/hop/0",
                "{base}/news/bomb",
                "{base}/news/huge",
                "{base}/news/huge-unsized",
                "{base}/news/reset",
                "{base}/news/locked",
                "{base}/news/forgotten",
                "{base}/news/login",
                "{base}/news/report.pdf",
                "{base}/private/secret",
            ],
            '"feed-1"',
        ),
        "/clean.xml": rss(base, ["{base}/news/good-3"], '"clean-1"'),
        "/sitemap-index.xml": sitemap_index(
            base, ["{base}/sitemap-a.xml", "tel:+15550000", "{base}/sitemap-b.xml"]
        ),
        "/sitemap-a.xml": urlset(
            base,
            [
                ("{base}/news/sm-good-a", "mailto:fr@example.org"),
                ("javascript:alert(1)", None),
                ("{base}/news/sm-missing", None),
            ],
            '"a-1"',
        ),
        "/sitemap-b.xml": urlset(base, [("{base}/news/sm-good-b", None)], '"b-1"'),
        "/listing": Answer(
            200,
            b'<html><body><a href="/news/l-good">Story</a> <a href="mailto:?subject=share">'
            b'Share</a> <a href="http://[::1/news/bad">Broken</a>'
            b'<a rel="next" href="javascript:nextPage()">Next</a></body></html>',
            {"Content-Type": "text/html; charset=utf-8", "ETag": '"listing-1"'},
        ),
        **{
            f"/news/{name}": Answer(200, article(f"Teachers share lesson {name}"))
            for name in ("good-1", "good-2", "good-3", "sm-good-a", "sm-good-b", "l-good")
        },
        "/news/locked": Answer(200, article("A page the database refuses the first night")),
        "/news/forgotten": Answer(200, article("A page the database cannot even remember")),
        "/private/secret": Answer(200, article("Never to be fetched")),
        "/news/loop": Answer(302, b"", {"Location": "{base}/news/loop"}),
        "/news/loop-a": Answer(302, b"", {"Location": "{base}/news/loop-b"}),
        "/news/loop-b": Answer(302, b"", {"Location": "{base}/news/loop-a"}),
        **hops,
        "/news/bomb": Answer(
            200,
            gzip_bomb(BOMB),
            {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
        ),
        "/news/huge": Answer(200, article("Huge", "x" * (2 * MAX_PAGE_BYTES))),
        "/news/huge-unsized": Answer(200, article("Huge", "y" * (2 * MAX_PAGE_BYTES)), sized=False),
        "/news/reset": Answer(200, article("Cut short", "z" * 20_000), reset=True),
        "/news/login": Answer(200, b"<html><head><title>Log in</title></head><body></body></html>"),
        "/news/report.pdf": Answer(200, b"%PDF-1.4 ...", {"Content-Type": "application/pdf"}),
    }


# Pages that fail, each with what its warning line says about the cause.
FAILED = {
    "/news/loop": "redirect loop",
    "/news/loop-a": "redirect loop",
    "/news/hop/0": "max redirections reached",
    "/news/bomb": "DOWNLOAD_MAXSIZE",
    "/news/huge": "larger than download max size",
    "/news/huge-unsized": "download cancelled",
    "/news/reset": "",
    "/news/locked": "cannot store: IntegrityError: database refuses",
    "/news/forgotten": "cannot store: IntegrityError: database refuses",
    "/news/sm-missing": "HTTP 404",
}
STORED = ["good-1", "good-2", "good-3", "sm-good-a", "sm-good-b", "l-good"]
NO_ARTICLE = ["/news/login", "/news/report.pdf"]
# A page the database refuses to store; and one it refuses to remember as failed, either.
FAULTS = """
CREATE TRIGGER refuse_items BEFORE INSERT ON items
WHEN NEW.url LIKE '%/news/locked' OR NEW.url LIKE '%/news/forgotten'
BEGIN SELECT RAISE(ABORT, 'database refuses this page'); END;
CREATE TRIGGER refuse_seen BEFORE INSERT ON seen WHEN NEW.url LIKE '%/news/forgotten'
BEGIN SELECT RAISE(ABORT, 'database refuses to remember this page'); END;
"""


@dataclass
class Crawl:
    site: Site
    work: Path
    first: subprocess.CompletedProcess[str]
    first_hits: dict[str, int]
    first_outcomes: dict[str, str]
    second: subprocess.CompletedProcess[str]
    peak_rss_bytes: int

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.work / "data/news.db") as conn:
            return list(conn.execute(sql))

    def url(self, path: str) -> str:
        return f"{self.site.base}{path}"


# The tests below share two crawls of a hostile site (about 15 seconds): marked slow.
@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    """Two crawls of a hostile site: the first with a database that refuses two pages, the
    second after the database mends; the site stays as broken as it was."""
    work = tmp_path_factory.mktemp("hostile")
    routes: dict[str, Answer | list[Answer]] = {}
    with serve(Site(routes)) as site:
        routes.update(hostile_routes(site.base))
        conf = config(work, site.base)
        db = store.open_db(work / "data/news.db")
        db.executescript(FAULTS)
        db.close()
        first, peak = gced("--config", str(conf), "crawl", "--source", "local", cwd=work)
        first_hits = dict(site.hits)
        with sqlite3.connect(work / "data/news.db") as conn:
            outcomes = dict(conn.execute("select url, outcome from seen"))
            conn.executescript("DROP TRIGGER refuse_items; DROP TRIGGER refuse_seen;")
        second, _ = gced("--config", str(conf), "crawl", "--source", "local", cwd=work)
        yield Crawl(site, work, first, first_hits, outcomes, second, peak)


@pytest.mark.slow
def test_the_crawl_ends_cleanly_whatever_the_site_does(hostile: Crawl) -> None:
    # 0: crawl done (the lead may make it 4 when pages failed, as nightly does)
    assert hostile.first.returncode in (0, 4), hostile.first.stderr
    assert "Traceback" not in hostile.first.stderr
    assert "Error processing" not in hostile.first.stderr  # Scrapy's item-lost message


@pytest.mark.slow
def test_every_good_page_is_stored_among_the_bad_ones(hostile: Crawl) -> None:
    stored = {url for (url,) in hostile.rows("select url from items")}
    assert {hostile.url(f"/news/{name}") for name in STORED} <= stored
    assert all(hostile.first_hits[f"/news/{name}"] == 1 for name in STORED)


@pytest.mark.slow
@pytest.mark.parametrize("link", [link for link in BAD_FEED_LINKS if link != "http://[::1"])
def test_a_link_that_is_no_web_address_is_skipped_with_one_line(hostile: Crawl, link: str) -> None:
    assert f"skipped link {link!r} in {hostile.url('/feed.xml')}" in hostile.first.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("link", "found_in"),
    [
        ("tel:+15550000", "/sitemap-index.xml"),
        ("mailto:fr@example.org", "/sitemap-a.xml"),
        ("javascript:alert(1)", "/sitemap-a.xml"),
        ("http://[::1/news/bad", "/listing"),
        ("javascript:nextPage()", "/listing"),
    ],
)
def test_bad_links_in_sitemaps_and_listings_are_skipped_too(
    hostile: Crawl, link: str, found_in: str
) -> None:
    assert f"skipped link {link!r} in {hostile.url(found_in)}" in hostile.first.stderr


@pytest.mark.slow
def test_the_report_counts_the_bad_links_skipped(hostile: Crawl) -> None:
    # 7 in the feed, 1 in the sitemap index, 2 in a sitemap, 2 in the listing (its share
    # button's mailto: is the page's furniture, not a link the source gives)
    assert "12 bad links skipped" in hostile.first.stdout


@pytest.mark.slow
@pytest.mark.parametrize(("path", "cause"), sorted(FAILED.items()))
def test_a_failed_page_is_one_warning_with_its_cause(hostile: Crawl, path: str, cause: str) -> None:
    lines = [
        line
        for line in hostile.first.stderr.splitlines()
        if f"failed {hostile.url(path)}:" in line and "level=WARNING" in line
    ]
    assert len(lines) == 1, lines
    assert cause in lines[0]


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(set(FAILED) - {"/news/forgotten"}))
def test_a_failed_page_is_remembered_and_fetched_again_the_next_night(
    hostile: Crawl, path: str
) -> None:
    assert hostile.first_outcomes[hostile.url(path)] == "failed"
    assert hostile.site.hits[path] == 2 * hostile.first_hits[path]


@pytest.mark.slow
def test_a_page_the_database_cannot_remember_is_logged_counted_and_fetched_again(
    hostile: Crawl,
) -> None:
    assert f"failed {hostile.url('/news/forgotten')} not remembered" in hostile.first.stderr
    assert hostile.url("/news/forgotten") not in hostile.first_outcomes
    assert hostile.site.hits["/news/forgotten"] == 2
    stored = {url for (url,) in hostile.rows("select url from items")}
    assert hostile.url("/news/forgotten") in stored


@pytest.mark.slow
def test_the_report_counts_failed_and_no_article_pages_apart(hostile: Crawl) -> None:
    assert f"0 updated, 0 unchanged, 2 no-article, {len(FAILED)} failed" in hostile.first.stdout
    assert f"{len(FAILED)} pages failed" in hostile.first.stdout


@pytest.mark.slow
def test_a_page_without_an_article_is_remembered_and_not_fetched_again(hostile: Crawl) -> None:
    outcomes = dict(hostile.rows("select url, outcome from seen"))
    for path in NO_ARTICLE:
        assert outcomes[hostile.url(path)] == "no-article"
        assert hostile.site.hits[path] == 1


@pytest.mark.slow
def test_a_page_robots_txt_forbids_is_neither_fetched_nor_failed(hostile: Crawl) -> None:
    assert hostile.site.hits["/private/secret"] == 0
    assert not hostile.rows("select url from seen where url like '%/private/%'")
    assert "failed " + hostile.url("/private/secret") not in hostile.first.stderr


@pytest.mark.slow
def test_a_gzip_bomb_does_not_take_the_memory(hostile: Crawl) -> None:
    # a crawl holds about 250 MB (Scrapy, the extractors, the language models)
    assert hostile.peak_rss_bytes < BOMB // 2, f"peak {hostile.peak_rss_bytes >> 20} MB"


@pytest.mark.slow
def test_entry_points_whose_pages_failed_are_read_whole_the_next_night(hostile: Crawl) -> None:
    # the feed and the sitemap (and its index) that led to failed pages kept no validators
    for path in ("/feed.xml", "/sitemap-index.xml", "/sitemap-a.xml"):
        assert hostile.site.conditional[path] == 0, path
        assert hostile.site.hits[path] == 2, path
    # those whose pages were all stored are asked for conditionally, and answered 304
    for path in ("/clean.xml", "/sitemap-b.xml", "/listing"):
        assert hostile.site.conditional[path] == 1, path


@pytest.mark.slow
def test_the_second_night_stores_what_the_database_refused_and_fetches_nothing_stored(
    hostile: Crawl,
) -> None:
    assert hostile.second.returncode in (0, 4), hostile.second.stderr
    stored = {url for (url,) in hostile.rows("select url from items")}
    assert {hostile.url("/news/locked"), hostile.url("/news/forgotten")} <= stored
    assert all(hostile.site.hits[f"/news/{name}"] == 1 for name in STORED)
    assert "total: 2 new," in hostile.second.stdout


# ---- retried, backed off, timed out (slow: real waits) ----------------------------------------

@pytest.mark.slow
def test_pages_that_fail_for_a_while_are_retried_and_a_stalled_one_times_out(
    tmp_path: Path,
) -> None:
    routes: dict[str, Answer | list[Answer]] = {}
    with serve(Site(routes)) as site:
        routes.update(
            {
                "/robots.txt": Answer(200, b"", {"Content-Type": "text/plain"}),
                "/feed.xml": rss(
                    site.base,
                    ["{base}/news/flaky", "{base}/news/busy", "{base}/news/stalled"],
                    '"f"',
                ),
                "/clean.xml": rss(site.base, [], '"c"'),
                "/news/flaky": [Answer(500, b"oops"), Answer(200, article("Back after a 500"))],
                "/news/busy": [
                    Answer(429, b"slow down", {"Retry-After": "1", "Content-Type": "text/plain"}),
                    Answer(200, article("Back after a 429")),
                ],
                "/news/stalled": Answer(200, article("Stalled", "s" * 20_000), stall=5),
            }
        )
        conf = config(tmp_path, site.base, sitemaps=False, timeout=1.0)  # a stall fails fast
        result, _ = gced("--config", str(conf), "crawl", "--source", "local", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    with sqlite3.connect(tmp_path / "data/news.db") as conn:
        titles = dict(conn.execute("select url, title from items"))
        outcomes = dict(conn.execute("select url, outcome from seen"))
    assert titles[f"{site.base}/news/flaky"] == "Back after a 500"
    assert titles[f"{site.base}/news/busy"] == "Back after a 429"
    assert (site.hits["/news/flaky"], site.hits["/news/busy"]) == (2, 2)
    assert outcomes[f"{site.base}/news/stalled"] == "failed"
    assert site.hits["/news/stalled"] == 4, "tried, then retried three times"
    (line,) = [ln for ln in result.stderr.splitlines() if f"failed {site.base}/news/stalled" in ln]
    assert "took longer than 1.0 seconds" in line
    assert "total: 2 new, 0 updated, 0 unchanged, 0 no-article, 1 failed" in result.stdout


# ---- a processing error, in the pipelines the crawl runs ----------------------------------


def test_a_page_whose_processing_fails_is_a_failed_page_remembered_for_retry(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A site rule the config check did not catch (here: an invalid selector, made in code)
    makes processing raise something else than "no article": the page fails, not the crawl."""
    broken = replace(load_config(None).sources["un-news"], rules=SiteRules(title="h1["))
    crawler = get_crawler(
        settings_dict={"GCED_SOURCES": {"un-news": broken}, "GCED_DATABASE": str(tmp_path / "db")}
    )
    keep = StorePipeline.from_crawler(crawler)
    keep.open_spider()
    feeds = [f"https://news.un.org/feed/subscribe/{lang}/news/all/rss.xml" for lang in ("en", "fr")]
    for feed in feeds:
        keep.process_item(EntryPointState(feed, etag=f'"{feed[-15:]}"', last_modified=None))
    page = RawPage(
        url="https://news.un.org/en/story/2025/05/1",
        final_url="https://news.un.org/en/story/2025/05/1",
        status=200,
        headers={"Content-Type": "text/html; charset=utf-8"},
        body=article("A story"),
        source="un-news",
        publisher="un-news",
        entry={"language": "en"},
        via=(feeds[0],),
    )
    with caplog.at_level(logging.WARNING):
        failure = keep.process_item(outcome(page, process(fetched(page, broken))))
    assert isinstance(failure, FetchFailure)
    assert failure.reason.startswith("cannot process: SelectorSyntaxError")
    (record,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert record.getMessage().startswith(f"failed {page.url}: cannot process:")
    assert record.exc_info is None, "no traceback at WARNING"
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    assert [url for url, _ in store.pages_to_retry(keep.db, "un-news", tomorrow)] == [page.url]
    assert crawler.stats.get_value("gced/failed/un-news/en") == 1
    db = keep.db
    keep.save_entry_points()
    assert list(store.entry_validators(db)) == [feeds[1]], "the feed of the failed page: unsaved"


def test_reprocess_goes_on_past_a_page_whose_processing_fails(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    defaults = load_config(None)
    sources = {
        "ok": replace(defaults.sources["un-news"], name="ok"),
        "broken": replace(defaults.sources["un-news"], name="broken", rules=SiteRules(body="p[")),
    }
    paths = replace(defaults.paths, archive=tmp_path / "archive")
    conf = replace(defaults, paths=paths, sources=sources)
    writer = ArchiveWriter(paths.archive)
    html = {"Content-Type": "text/html; charset=utf-8"}
    for n, source in enumerate(["broken", "ok", "broken"]):
        url = f"https://news.un.org/en/story/2025/05/{n}"
        meta = {"source": source, "publisher": "un-news", "hints": {"language": "en"}}
        writer.write(url, 200, html, article(f"Story {n} on peace education"), meta)
    db = store.open_db(tmp_path / "news.db")
    with caplog.at_level(logging.WARNING):
        counts = reprocess(conf, db, datetime.now(UTC))
    assert (counts["new"], counts["failed"]) == (1, 2)
    assert "failed https://news.un.org/en/story/2025/05/2: cannot process:" in caplog.text


def test_reprocess_names_pages_of_a_removed_source_after_their_publisher(
    tmp_path: Path,
) -> None:
    """A source since removed from the config: its archived pages are stored under the
    publisher the archive names, not under no source at all."""
    defaults = load_config(None)
    paths = replace(defaults.paths, archive=tmp_path / "archive")
    conf = replace(defaults, paths=paths)
    writer = ArchiveWriter(paths.archive)
    html = {"Content-Type": "text/html; charset=utf-8"}
    meta = {"source": "unicef-mongolia", "publisher": "unicef", "hints": {"language": "en"}}
    for n in (1, 2):
        url = f"https://www.unicef.org/mongolia/press-releases/{n}"
        writer.write(url, 200, html, article(f"Peace education in Mongolia, part {n}"), meta)
    db = store.open_db(tmp_path / "news.db")
    counts = reprocess(conf, db, datetime.now(UTC))
    assert counts["new"] == 2
    assert [row["source"] for row in db.query("select source from items")] == ["unicef"] * 2


# ---- hostile replay archives --------------------------------------------------------------

REPLAYED = "https://news.example.org"


def replay_config(tmp_path: Path, max_page_bytes: int = MAX_PAGE_BYTES) -> Path:
    path = tmp_path / "replay.toml"
    path.write_text(
        f"""
[crawl]
max_page_bytes = {max_page_bytes}
obey_robots_txt = false

[sources.example]
spider = "generic"
languages = ["en"]
allowed_domains = ["news.example.org"]
feeds = ["{REPLAYED}/feed.xml"]
""",
        encoding="utf-8",
    )
    return path


def write_archive(folder: Path, entries: list[dict[str, Any]], bodies: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in bodies.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(body)
    lines = [json.dumps(entry) for entry in entries]
    (folder / "index.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


FEED_ENTRY = {"url": f"{REPLAYED}/feed.xml", "status": 200, "headers": XML, "body": "feed.xml"}


@pytest.mark.parametrize("escape", ["../outside.html", "/etc/hostname", "link/outside.html"])
def test_an_archive_body_outside_the_archive_is_a_one_line_error(
    tmp_path: Path, cli_run: Any, escape: str
) -> None:
    (tmp_path / "outside.html").write_bytes(article("Secret"))
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "link").symlink_to(tmp_path)
    entry = {"url": f"{REPLAYED}/news/1", "status": 200, "headers": {}, "body": escape}
    (archive / "index.jsonl").write_text(json.dumps(entry) + "\n", encoding="utf-8")
    result = cli_run("crawl", "--archive", str(archive), config=replay_config(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and f"{archive / 'index.jsonl'}:1:" in line
    assert "outside the archive" in line
    assert not (tmp_path / "data/archive").exists(), "nothing read, nothing copied"


def test_a_replayed_page_over_max_page_bytes_fails_and_is_not_stored(
    tmp_path: Path, cli_run: Any
) -> None:
    feed = rss(REPLAYED, [f"{REPLAYED}/news/small", f"{REPLAYED}/news/big"], '"r"').body
    archive = write_archive(
        tmp_path / "archive",
        [
            FEED_ENTRY,
            *(
                {"url": f"{REPLAYED}/news/{name}", "status": 200, "headers": {}, "body": name}
                for name in ("small", "big")
            ),
        ],
        {
            "feed.xml": feed,
            "small": article("A small page"),
            "big": article("A big page", "b" * 300_000),
        },
    )
    result = cli_run("crawl", "--archive", str(archive), config=replay_config(tmp_path, 200_000))
    assert result.returncode in (0, 4), result.stderr
    assert "Traceback" not in result.stderr
    with sqlite3.connect(tmp_path / "data/news.db") as conn:
        stored = {url for (url,) in conn.execute("select url from items")}
        outcomes = dict(conn.execute("select url, outcome from seen"))
    assert stored == {f"{REPLAYED}/news/small"}
    assert outcomes[f"{REPLAYED}/news/big"] == "failed"
    assert f"refused {REPLAYED}/news/big: recorded body of at least" in result.stderr
    assert "1 failed" in result.stdout


def test_a_broken_warc_is_a_one_line_error(tmp_path: Path, cli_run: Any) -> None:
    warc = tmp_path / "capture.warc.gz"
    warc.write_bytes(gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n")[:-8])
    result = cli_run("crawl", "--archive", str(warc), config=replay_config(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: {warc}: unreadable WARC file")
