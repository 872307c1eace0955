"""Recorded responses: the archive format, and the download path that replays or records it.

An archive is a folder a maintainer can read and edit by hand::

    index.jsonl          one JSON object per response:
                         {"url", "status", "headers": {name: value}, "body": "relative/path" | null}
    index-*.jsonl        more of the same (read after index.jsonl; a later entry for a URL wins)

An entry may carry ``meta``: the crawl's raw archive (``data/archive/``) keeps there what led
to each article page (source, requested URL, feed hints), so ``reprocess`` can run the
pipelines again over stored pages without fetching anything.
    <host>/<path>...     the body files, named after their URL

A WARC file (``.warc`` or ``.warc.gz``, as written by wget or warcio) can be replayed too.

:class:`ReplayMiddleware` sits closest to the downloader: when an archive is configured it
answers every request from it (a conditional request whose validators match gets a 304, a
URL that is not recorded gets a 404 and a log line) and never touches the network; the rest of
the middleware chain (robots.txt, retries, redirects, stats) runs as it would online.
:class:`RecordMiddleware` writes every response the network gave into an archive.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

logger = logging.getLogger(__name__)

INDEX = "index.jsonl"


class ArchiveError(ValueError):
    """An archive that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Recorded:
    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    meta: Mapping[str, Any] = field(default_factory=dict)  # what the crawl knew (raw archive)

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return None


def read_archive(path: Path) -> dict[str, Recorded]:
    """Every response in the archive at ``path`` (a folder or a WARC file), by URL."""
    if path.is_dir():
        return dict(_read_folder(path))
    if path.is_file() and path.name.endswith((".warc", ".warc.gz")):
        return dict(_read_warc(path))
    raise ArchiveError(f"{path}: not an archive folder (with {INDEX}) nor a .warc/.warc.gz file")


def _read_folder(path: Path) -> Iterator[tuple[str, Recorded]]:
    """Entries of ``index.jsonl``, then of any ``index-*.jsonl`` (one per source, say)."""
    indexes = sorted(path.glob("index-*.jsonl"))
    if (path / INDEX).is_file():
        indexes.insert(0, path / INDEX)
    if not indexes:
        raise ArchiveError(f"{path}: archive folder has no {INDEX}")
    for index in indexes:
        yield from _read_index(path, index)


def _read_index(path: Path, index: Path) -> Iterator[tuple[str, Recorded]]:
    with index.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                body_path = entry.get("body")
                body = (path / body_path).read_bytes() if body_path else b""
                recorded = Recorded(
                    url=entry["url"],
                    status=int(entry.get("status", 200)),
                    headers=dict(entry.get("headers") or {}),
                    body=body,
                    meta=dict(entry.get("meta") or {}),
                )
            except (ValueError, KeyError, TypeError, OSError) as exc:
                raise ArchiveError(f"{index}:{number}: unreadable entry: {exc}") from exc
            yield recorded.url, recorded


def _read_warc(path: Path) -> Iterator[tuple[str, Recorded]]:
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            headers = {
                k: v
                for k, v in record.http_headers.headers
                if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")
            }
            body = record.content_stream().read()
            yield url, Recorded(url, int(record.http_headers.get_statuscode()), headers, body)


def body_filename(url: str, content_type: str | None) -> str:
    """A readable, collision-free relative path for a URL's body file."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if path.endswith("/"):
        path += "index"
    path = re.sub(r"[^A-Za-z0-9._/-]+", "_", path).strip("/")
    if parts.query:
        path += "_q" + hashlib.sha1(parts.query.encode()).hexdigest()[:8]
    if not Path(path).suffix:
        path += _suffix(content_type)
    host = re.sub(r"[^A-Za-z0-9.-]+", "_", parts.netloc)
    return f"{host}/{path}"


def _suffix(content_type: str | None) -> str:
    content_type = (content_type or "").lower()
    for needle, suffix in (("html", ".html"), ("xml", ".xml"), ("json", ".json"), ("text", ".txt")):
        if needle in content_type:
            return suffix
    return ".bin"


class ArchiveWriter:
    """Appends responses to an archive folder; a URL recorded again replaces its entry."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self._index = path / INDEX

    def write(
        self,
        url: str,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        meta: Mapping[str, Any] | None = None,
    ) -> None:
        body_rel = None
        if body:
            body_rel = body_filename(url, headers.get("Content-Type"))
            target = self.path / body_rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
        entry: dict[str, Any] = {
            "url": url,
            "status": status,
            "headers": dict(headers),
            "body": body_rel,
        }
        if meta:
            entry["meta"] = dict(meta)
        with self._index.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


def response_headers(response: Response) -> dict[str, str]:
    """A response's headers as text, repeated headers joined (as HTTP allows)."""
    return {
        k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()
    }


def _decoded_body(response: Response) -> tuple[dict[str, str], bytes]:
    """Headers and body as the page really is: compression undone, so files stay readable."""
    headers = response_headers(response)
    body = response.body
    encoding = headers.pop("Content-Encoding", "").lower()
    if encoding == "gzip":
        body = gzip.decompress(body)
    elif encoding == "deflate":
        body = zlib.decompress(body)
    elif encoding:
        headers["Content-Encoding"] = encoding  # kept as is: replayed the same way
    headers.pop("Content-Length", None)
    headers.pop("Transfer-Encoding", None)
    return headers, body


class ReplayMiddleware:
    """Answer every request from the archive in ``GCED_REPLAY_ARCHIVE``; never the network."""

    def __init__(self, archive: Mapping[str, Recorded], path: str) -> None:
        self.archive = archive
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayMiddleware:
        path = crawler.settings.get("GCED_REPLAY_ARCHIVE")
        if not path:
            raise NotConfigured  # no archive to replay: downloads use the network
        return cls(read_archive(Path(path)), str(path))

    def process_request(self, request: Request) -> Response:
        recorded = self.archive.get(request.url)
        if recorded is None:
            logger.warning("not in archive %s: %s (answered 404)", self.path, request.url)
            return Response(request.url, status=404, request=request)
        if _not_modified(request, recorded):
            return Response(request.url, status=304, headers=_validators(recorded), request=request)
        headers = Headers(dict(recorded.headers))
        cls = responsetypes.from_args(headers=headers, url=recorded.url, body=recorded.body)
        return cls(
            url=request.url,
            status=recorded.status,
            headers=dict(recorded.headers),
            body=recorded.body,
            request=request,
        )


def _validators(recorded: Recorded) -> dict[str, str]:
    return {k: v for k, v in recorded.headers.items() if k.lower() in ("etag", "last-modified")}


def _not_modified(request: Request, recorded: Recorded) -> bool:
    if recorded.status != 200:
        return False
    etag = recorded.header("ETag")
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None and etag:
        return if_none_match.decode("latin-1") == etag
    last_modified = recorded.header("Last-Modified")
    if_modified_since = request.headers.get("If-Modified-Since")
    if if_modified_since is not None and last_modified:
        return if_modified_since.decode("latin-1") == last_modified
    return False


class RecordMiddleware:
    """Write every response from the network into the archive in ``GCED_RECORD_ARCHIVE``."""

    def __init__(self, writer: ArchiveWriter) -> None:
        self.writer = writer

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RecordMiddleware:
        path = crawler.settings.get("GCED_RECORD_ARCHIVE")
        if not path:
            raise NotConfigured  # not recording
        return cls(ArchiveWriter(Path(path)))

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status == 304:
            return response
        try:
            headers, body = _decoded_body(response)
        except (OSError, zlib.error) as exc:
            logger.warning("not recorded %s: cannot decode body: %s", response.url, exc)
            return response
        self.writer.write(response.url, response.status, headers, body)
        return response
