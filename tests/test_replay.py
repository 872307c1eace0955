"""The replay download path: recorded responses answer requests; nothing reaches the network."""

from __future__ import annotations

import gzip
import json
import logging
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.replay import (
    ArchiveError,
    ArchiveIndexes,
    ArchiveWriter,
    FolderIndex,
    RecordMiddleware,
    ReplayMiddleware,
    body_filename,
    read_archive,
    scan_archive,
)
from tests.conftest import SAMPLE_ARCHIVE, run_cli

STORY = "https://news.un.org/en/story/2025/03/1161234"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    writer = ArchiveWriter(tmp_path / "archive")
    writer.write(
        STORY,
        200,
        {
            "Content-Type": "text/html; charset=utf-8",
            "ETag": '"v1"',
            "Last-Modified": "Tue, 11 Mar 2025 10:00:00 GMT",
        },
        "<html><body><h1>Ядро</h1></body></html>".encode(),
    )
    writer.write(
        "https://news.un.org/feed/view/en/story/2025/03/1161234",
        301,
        {"Location": STORY},
        b"",
    )
    return tmp_path / "archive"


def replay(archive: Path) -> ReplayMiddleware:
    crawler = get_crawler(settings_dict={"GCED_REPLAY_ARCHIVE": str(archive)})
    return build_from_crawler(ReplayMiddleware, crawler)


def test_recorded_url_is_answered_with_its_status_headers_and_body(archive: Path) -> None:
    response = replay(archive).process_request(Request(STORY))
    assert isinstance(response, HtmlResponse)
    assert response.status == 200
    assert response.headers[b"ETag"] == b'"v1"'
    assert "Ядро" in response.text


def test_recorded_redirect_is_replayed_as_a_redirect(archive: Path) -> None:
    response = replay(archive).process_request(
        Request("https://news.un.org/feed/view/en/story/2025/03/1161234")
    )
    assert response.status == 301
    assert response.headers[b"Location"] == STORY.encode()


def test_unrecorded_url_gets_404_and_a_log_line(
    archive: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = replay(archive).process_request(Request("https://news.un.org/en/story/absent"))
    assert response.status == 404
    assert "https://news.un.org/en/story/absent" in caplog.text


@pytest.mark.parametrize(
    ("header", "value", "status"),
    [
        ("If-None-Match", '"v1"', 304),
        ("If-None-Match", '"v0"', 200),
        ("If-Modified-Since", "Tue, 11 Mar 2025 10:00:00 GMT", 304),
    ],
)
def test_conditional_request_gets_304_when_validators_match(
    archive: Path, header: str, value: str, status: int
) -> None:
    response = replay(archive).process_request(Request(STORY, headers={header: value}))
    assert response.status == status


def test_without_an_archive_the_replay_middleware_is_not_installed() -> None:
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        build_from_crawler(ReplayMiddleware, get_crawler())


def test_recorder_writes_what_replay_reads_back_with_compression_undone(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"GCED_RECORD_ARCHIVE": str(tmp_path / "rec")})
    recorder = build_from_crawler(RecordMiddleware, crawler)
    body = "<html><body><p>Қазақстан</p></body></html>".encode()
    response = Response(
        STORY,
        status=200,
        headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
        body=gzip.compress(body),
    )
    recorder.process_response(Request(STORY), response)
    recorded = read_archive(tmp_path / "rec")[STORY]
    assert recorded.body == body
    assert recorded.header("Content-Encoding") is None
    assert (tmp_path / "rec" / body_filename(STORY, "text/html")).read_bytes() == body


def test_body_files_are_named_after_their_url() -> None:
    assert body_filename(STORY, "text/html") == "news.un.org/en/story/2025/03/1161234.html"
    assert (
        body_filename("https://x.org/feed/rss.xml", "application/rss+xml") == "x.org/feed/rss.xml"
    )
    assert body_filename("https://x.org/", "text/html") == "x.org/index.html"


def test_broken_index_line_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "index.jsonl").write_text(json.dumps({"url": "https://x.org/"}) + "\n{broken\n")
    with pytest.raises(ArchiveError, match=r"index.jsonl:2"):
        read_archive(tmp_path)


def test_a_warc_file_replays_too(tmp_path: Path) -> None:
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "capture.warc.gz"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        body = b"<html>warc</html>"
        record = writer.create_warc_record(
            STORY, "response", payload=BytesIO(body), length=len(body), http_headers=headers
        )
        writer.write_record(record)
    assert read_archive(path)[STORY].body == b"<html>warc</html>"


def entry(body: str | None, url: str = STORY) -> str:
    return json.dumps({"url": url, "status": 200, "headers": {}, "body": body}) + "\n"


@pytest.mark.parametrize("body", ["../secret.html", "/etc/hostname", "pages/../../secret.html"])
def test_a_body_path_leaving_the_archive_is_an_error_naming_file_and_line(
    tmp_path: Path, body: str
) -> None:
    (tmp_path / "secret.html").write_text("secret")
    archive = tmp_path / "archive"
    (archive / "pages").mkdir(parents=True)
    (archive / "index.jsonl").write_text("\n" + entry(body))
    with pytest.raises(ArchiveError, match=r"index.jsonl:2: .*outside the archive folder"):
        read_archive(archive)


def test_a_body_symlinked_out_of_the_archive_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "secret.html").write_text("secret")
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "page.html").symlink_to(tmp_path / "secret.html")
    (archive / "index.jsonl").write_text(entry("page.html"))
    with pytest.raises(ArchiveError, match=r"index.jsonl:1: .*leads outside the archive"):
        read_archive(archive)


def test_bodies_are_read_when_asked_for_not_when_the_archive_is_opened(archive: Path) -> None:
    recorded = read_archive(archive)[STORY]
    body = archive / body_filename(STORY, "text/html")
    assert recorded.size == body.stat().st_size
    body.write_bytes(b"<html>changed since</html>")
    assert recorded.body == b"<html>changed since</html>"


def test_a_body_over_the_download_limit_is_refused_like_a_cancelled_download(
    archive: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from scrapy.exceptions import IgnoreRequest

    crawler = get_crawler(
        settings_dict={"GCED_REPLAY_ARCHIVE": str(archive), "DOWNLOAD_MAXSIZE": 20}
    )
    middleware = build_from_crawler(ReplayMiddleware, crawler)
    with caplog.at_level(logging.WARNING), pytest.raises(IgnoreRequest, match="over the 20"):
        middleware.process_request(Request(STORY))
    assert f"refused {STORY}: recorded body of at least" in caplog.text
    redirect = "https://news.un.org/feed/view/en/story/2025/03/1161234"
    assert middleware.process_request(Request(redirect)).status == 301  # no body: no limit


def write_warc(path: Path, body: bytes) -> None:
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=path.suffix == ".gz")
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        for n in range(2):
            record = writer.create_warc_record(
                f"{STORY}?n={n}",
                "response",
                payload=BytesIO(body),
                length=len(body),
                http_headers=headers,
            )
            writer.write_record(record)


@pytest.mark.parametrize("name", ["capture.warc", "capture.warc.gz"])
def test_a_warc_body_is_measured_but_not_held_and_read_when_asked_for(
    tmp_path: Path, name: str
) -> None:
    write_warc(tmp_path / name, b"<html>" + b"x" * 100_000 + b"</html>")
    recorded = read_archive(tmp_path / name, max_body_bytes=1000)
    assert recorded[f"{STORY}?n=1"].size > 1000  # known to be over the limit
    assert recorded[f"{STORY}?n=1"].body.endswith(b"x</html>")
    assert read_archive(tmp_path / name)[f"{STORY}?n=0"].size == 100_013


@pytest.mark.parametrize(
    "content",
    [
        b"this is not a WARC file at all\n",
        gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n")[:-8],  # cut short
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 100\r\n\r\nshort",
    ],
)
def test_a_broken_warc_is_an_archive_error_naming_the_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.warc"
    path.write_bytes(content)
    with pytest.raises(ArchiveError, match=r"broken.warc: unreadable WARC file: \S"):
        read_archive(path)


# ---- one index per process, entries and bodies read when asked for ---------------------------


@pytest.fixture
def indexes(monkeypatch: pytest.MonkeyPatch) -> ArchiveIndexes:
    """A fresh process-wide set of archive indexes, to count the archives read."""
    fresh = ArchiveIndexes()
    monkeypatch.setattr("crawler.replay.ARCHIVES", fresh)
    return fresh


def test_every_crawler_of_a_run_shares_one_index_of_the_archive(
    archive: Path, indexes: ArchiveIndexes
) -> None:
    read_archive(archive)  # the CLI's check before the crawl
    middlewares = [replay(archive) for _ in range(12)]  # one per source, as a nightly runs
    assert indexes.reads == 1
    assert all(m.archive is middlewares[0].archive for m in middlewares)
    assert middlewares[-1].process_request(Request(STORY)).status == 200


def test_an_archive_changed_on_disk_is_indexed_again(
    archive: Path, indexes: ArchiveIndexes
) -> None:
    assert "https://news.un.org/new" not in read_archive(archive)
    with (archive / "index.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(entry(None, url="https://news.un.org/new"))
    assert "https://news.un.org/new" in read_archive(archive)
    (archive / "index-more.jsonl").write_text(entry(None, url="https://news.un.org/more"))
    assert "https://news.un.org/more" in replay(archive).archive
    assert indexes.reads == 3


def test_a_warc_measured_up_to_a_limit_is_measured_again_for_a_higher_one(
    tmp_path: Path, indexes: ArchiveIndexes
) -> None:
    write_warc(tmp_path / "capture.warc", b"<html>" + b"x" * 100_000 + b"</html>")
    assert read_archive(tmp_path / "capture.warc", max_body_bytes=1000)[f"{STORY}?n=0"].size > 1000
    read_archive(tmp_path / "capture.warc", max_body_bytes=500)  # within what is known
    assert read_archive(tmp_path / "capture.warc")[f"{STORY}?n=0"].size == 100_013
    read_archive(tmp_path / "capture.warc", max_body_bytes=1000)  # the exact sizes serve it
    assert indexes.reads == 2


def test_a_crawl_of_several_sources_reads_the_archive_index_once(tmp_path: Path) -> None:
    sources = ("un-news", "unesco", "unicef-kazakhstan", "undp-kyrgyzstan")
    options = [arg for name in sources for arg in ("--source", name)]
    result = run_cli(
        "--log-level", "INFO", "crawl", "--archive", str(SAMPLE_ARCHIVE), *options, cwd=tmp_path
    )
    assert result.returncode in (0, 4), result.stderr
    indexed = [line for line in result.stderr.splitlines() if "indexed:" in line]
    assert len(indexed) == 1, indexed
    assert f"archive {SAMPLE_ARCHIVE} indexed: 227 responses" in indexed[0]
    assert all(f"{name}: " in result.stdout for name in sources), result.stdout


def test_a_folder_index_holds_where_entries_are_and_reads_them_when_asked(archive: Path) -> None:
    index = FolderIndex.read(archive)
    text = (archive / "index.jsonl").read_text(encoding="utf-8")
    (archive / "index.jsonl").write_text(text.replace(r"\"v1\"", r"\"v2\""), encoding="utf-8")
    assert index[STORY].header("ETag") == '"v2"'  # read from its line now, not when indexed


def test_an_index_line_changed_since_indexing_fails_only_its_request(
    archive: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from scrapy.exceptions import IgnoreRequest

    middleware = replay(archive)
    lines = (archive / "index.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (archive / "index.jsonl").write_text("".join(reversed(lines)), encoding="utf-8")
    with caplog.at_level(logging.WARNING), pytest.raises(IgnoreRequest):
        middleware.process_request(Request(STORY))
    assert f"cannot replay {STORY}: " in caplog.text
    assert "index.jsonl:1: changed since the archive was indexed" in caplog.text


def test_a_body_removed_after_indexing_fails_only_its_request(
    archive: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from scrapy.exceptions import IgnoreRequest

    middleware = replay(archive)
    (archive / body_filename(STORY, "text/html")).unlink()
    with caplog.at_level(logging.WARNING), pytest.raises(IgnoreRequest):
        middleware.process_request(Request(STORY))
    assert f"cannot replay {STORY}: " in caplog.text
    redirect = "https://news.un.org/feed/view/en/story/2025/03/1161234"
    assert middleware.process_request(Request(redirect)).status == 301


def test_an_index_line_that_is_not_utf8_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "index.jsonl").write_bytes(entry(None).encode() + b'{"url": "\xff"}\n')
    with pytest.raises(ArchiveError, match=r"index.jsonl:2: unreadable entry"):
        read_archive(tmp_path)


def test_a_scan_gives_each_url_its_latest_entry_in_the_order_urls_first_appear(
    tmp_path: Path,
) -> None:
    writer = ArchiveWriter(tmp_path)
    for url, night in (("https://x.org/a", 1), ("https://x.org/b", 1), ("https://x.org/a", 2)):
        writer.write(
            url, 200, {"Content-Type": "text/html"}, f"{url} {night}".encode(), {"n": night}
        )
    scanned = [(r.url, r.meta["n"], r.body) for r in scan_archive(tmp_path)]
    assert scanned == [
        ("https://x.org/a", 2, b"https://x.org/a 2"),
        ("https://x.org/b", 1, b"https://x.org/b 1"),
    ]


def test_a_scan_checks_every_line_before_giving_the_first_entry(tmp_path: Path) -> None:
    (tmp_path / "index.jsonl").write_text(
        entry(None) + entry("../secret.html", url="https://x.org/")
    )
    scan = scan_archive(tmp_path)
    with pytest.raises(ArchiveError, match=r"index.jsonl:2: .*outside the archive folder"):
        next(scan)


def test_reprocess_fails_only_the_page_whose_body_is_gone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from dataclasses import replace
    from datetime import UTC, datetime

    from crawler import store
    from crawler.config import load_config
    from crawler.reprocess import reprocess

    defaults = load_config(None)
    conf = replace(defaults, paths=replace(defaults.paths, archive=tmp_path / "archive"))
    writer = ArchiveWriter(conf.paths.archive)
    meta = {"source": "un-news", "publisher": "un-news", "hints": {"language": "en"}}
    urls = [f"https://news.un.org/en/story/2025/05/{n}" for n in range(3)]
    for n, url in enumerate(urls):
        page = (
            f"<html><head><title>Peace education {n}</title></head><body><article>"
            f"<h1>Peace education in schools {n}</h1>"
            + "<p>Teachers in forty countries bring global citizenship education to class.</p>" * 8
            + "</article></body></html>"
        )
        writer.write(url, 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode(), meta)
    (conf.paths.archive / body_filename(urls[1], "text/html")).unlink()
    db = store.open_db(tmp_path / "news.db")
    with caplog.at_level(logging.WARNING):
        counts = reprocess(conf, db, datetime.now(UTC))
    assert (counts["new"], counts["failed"]) == (2, 1)
    assert f"failed {urls[1]}: cannot read its archived body: FileNotFoundError" in caplog.text
