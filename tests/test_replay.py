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
    ArchiveWriter,
    RecordMiddleware,
    ReplayMiddleware,
    body_filename,
    read_archive,
)

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
