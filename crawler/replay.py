"""Recorded responses: the archive format, and the download path that replays or records it.

An archive is a folder a maintainer can read and edit by hand::

    index.jsonl          one JSON object per response:
                         {"url", "status", "headers": {name: value}, "body": "relative/path" | null}
    index-*.jsonl        more of the same (read after index.jsonl; a later entry for a URL wins)

    <host>/<path>...     the body files, named after their URL

An entry may carry ``meta``: the crawl's raw archive (``data/archive/``) keeps there what led
to each article page (source, requested URL, feed hints), so ``reprocess`` can run the
pipelines again over stored pages without fetching anything. A body path must stay inside
the archive folder (no absolute path, no ``..``, no symlink leading out). Bodies are read
when a request asks for them, not when the archive is opened; a process indexes an archive
once (:data:`ARCHIVES`), however many crawlers replay it, and keeps for a folder only where
each URL's entry is, reading its line again when asked for it.

A WARC file (``.warc`` or ``.warc.gz``, as written by wget or warcio) can be replayed too.

:class:`ReplayMiddleware` sits closest to the downloader: when an archive is configured it
answers every request from it (a conditional request whose validators match gets a 304, a
URL that is not recorded gets a 404 and a log line) and never touches the network; the rest of
the middleware chain (robots.txt, retries, redirects, stats) runs as it would online. A body
larger than ``DOWNLOAD_MAXSIZE`` (the crawl's ``max_page_bytes``) is refused, as a download
over it would be cancelled: the request fails.
:class:`RecordMiddleware` writes every response the network gave into an archive.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
import threading
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from spiders.items import response_headers

logger = logging.getLogger(__name__)

INDEX = "index.jsonl"


class ArchiveError(ValueError):
    """An archive that cannot be read; the message names the file and line."""


class Body(Protocol):
    """Where a recorded body is; read only when a request asks for it."""

    def read(self) -> bytes: ...


@dataclass(frozen=True)
class FileBody:
    path: Path

    def read(self) -> bytes:
        return self.path.read_bytes()


@dataclass(frozen=True)
class WarcBody:
    path: Path
    offset: int  # of the record in the WARC file (each record its own gzip member)

    def read(self) -> bytes:
        from warcio.archiveiterator import ArchiveIterator

        with self.path.open("rb") as fh:
            fh.seek(self.offset)
            record = next(iter(ArchiveIterator(fh)))
            return bytes(record.content_stream().read())


@dataclass(frozen=True)
class Recorded:
    url: str
    status: int
    headers: Mapping[str, str]
    size: int = 0  # of the body, in bytes
    meta: Mapping[str, Any] = field(default_factory=dict)  # what the crawl knew (raw archive)
    source: Body | None = None

    @property
    def body(self) -> bytes:
        return self.source.read() if self.source is not None else b""

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return None


def read_archive(path: Path, *, max_body_bytes: int = 0) -> Mapping[str, Recorded]:
    """Every response in the archive at ``path`` (a folder or a WARC file), by URL.

    The process's one index of that archive (see :class:`ArchiveIndexes`): read on the first
    call, shared by every later one (each crawler of a run, the CLI's check before it) until
    its index files change. Read-only. Bodies are not read: each entry knows where its body
    is and its size; a folder's entries are parsed again from their index line when asked
    for. In a WARC, a body is measured up to ``max_body_bytes`` (when given): a larger one is
    only known to be larger. Raises :class:`ArchiveError` naming the file (and line) for
    anything unusable.
    """
    return ARCHIVES.get(path, max_body_bytes)


def scan_archive(path: Path) -> Iterator[Recorded]:
    """Each URL's latest entry in the archive folder at ``path``, one at a time.

    For a run over the whole archive (``reprocess``): nothing is shared or kept, each entry
    is parsed when its turn comes and its body read when asked for. Every index line is
    checked before the first entry is given (an :class:`ArchiveError` names file and line);
    a body file that is missing is not: reading that entry's body raises :class:`OSError`.
    """
    index = FolderIndex.read(path, bodies_must_exist=False)
    for url in index:
        yield index[url]


def _index_files(path: Path) -> list[Path]:
    """``index.jsonl``, then any ``index-*.jsonl`` (one per source, say)."""
    indexes = sorted(path.glob("index-*.jsonl"))
    if (path / INDEX).is_file():
        indexes.insert(0, path / INDEX)
    if not indexes:
        raise ArchiveError(f"{path}: archive folder has no {INDEX}")
    return indexes


class _Line(NamedTuple):
    """Where an entry is: which index file (by number), its line number, its byte offset."""

    file: int
    number: int
    offset: int


class FolderIndex(Mapping[str, Recorded]):
    """An archive folder's index: where each URL's latest entry is, not the entry itself.

    Building it reads and checks every line (a later entry for a URL wins; URLs keep the
    order they first appear in); looking a URL up reads its one line again, so headers and
    meta are held only while someone holds the :class:`Recorded`, and bodies never.
    """

    def __init__(
        self, root: Path, indexes: list[Path], lines: dict[str, _Line], bodies_must_exist: bool
    ) -> None:
        self._root = root
        self._indexes = indexes
        self._lines = lines
        self._bodies_must_exist = bodies_must_exist

    @classmethod
    def read(cls, path: Path, *, bodies_must_exist: bool = True) -> FolderIndex:
        indexes = _index_files(path)
        root = path.resolve()
        lines: dict[str, _Line] = {}
        for number, index in enumerate(indexes):
            for line, offset, raw in _index_lines(index):
                if raw.strip():
                    recorded = _parse_entry(root, index, line, raw, bodies_must_exist)
                    lines[recorded.url] = _Line(number, line, offset)
        return cls(root, indexes, lines, bodies_must_exist)

    def __getitem__(self, url: str) -> Recorded:
        where = self._lines[url]
        index = self._indexes[where.file]
        try:
            with index.open("rb") as fh:
                fh.seek(where.offset)
                raw = fh.readline()
        except OSError as exc:
            raise ArchiveError(f"{index}:{where.number}: unreadable entry: {exc}") from exc
        recorded = _parse_entry(self._root, index, where.number, raw, self._bodies_must_exist)
        if recorded.url != url:
            raise ArchiveError(f"{index}:{where.number}: changed since the archive was indexed")
        return recorded

    def __iter__(self) -> Iterator[str]:
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)


def _index_lines(index: Path) -> Iterator[tuple[int, int, bytes]]:
    """Each line of ``index`` with its number and byte offset."""
    with index.open("rb") as fh:
        offset = 0
        for number, raw in enumerate(fh, start=1):
            yield number, offset, raw
            offset += len(raw)


def _parse_entry(
    root: Path, index: Path, number: int, raw: bytes, bodies_must_exist: bool
) -> Recorded:
    try:
        entry = json.loads(raw)
        body = _body_file(root, entry["body"], bodies_must_exist) if entry.get("body") else None
        return Recorded(
            url=entry["url"],
            status=int(entry.get("status", 200)),
            headers=dict(entry.get("headers") or {}),
            size=_size(body),
            meta=dict(entry.get("meta") or {}),
            source=FileBody(body) if body else None,
        )
    except (ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise ArchiveError(f"{index}:{number}: unreadable entry: {exc}") from exc


def _size(body: Path | None) -> int:
    """A body file's size; 0 for no body, or a missing file (reading it then fails)."""
    try:
        return body.stat().st_size if body else 0
    except FileNotFoundError:
        return 0


def _body_file(root: Path, name: Any, must_exist: bool = True) -> Path:
    """The body file ``name`` names, which must be inside the archive folder ``root``."""
    if not isinstance(name, str):
        raise TypeError(f"body must be a relative path, not {name!r}")
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts:
        raise ValueError(f"body {name!r} is outside the archive folder {root}")
    target = (root / relative).resolve()
    if not target.is_relative_to(root):
        raise ValueError(f"body {name!r} leads outside the archive folder {root}")
    if must_exist and not target.is_file():
        raise FileNotFoundError(f"body {name!r} is not a file in {root}")
    return target


@dataclass(frozen=True)
class _Held:
    stamp: tuple[tuple[str, int, int], ...]
    max_body_bytes: int
    index: Mapping[str, Recorded]


class ArchiveIndexes:
    """The archives this process has indexed, each read once and shared.

    A nightly runs one Scrapy crawler per source in one process, each with its own
    :class:`ReplayMiddleware`: all of them (and the CLI's check before the crawl) get the one
    index. An archive is read again only when its index files (or WARC file) change, by
    modification time or size. ``reads`` counts the archives read, for tests and benchmarks.
    """

    def __init__(self) -> None:
        self.reads = 0
        self._held: dict[Path, _Held] = {}
        self._lock = threading.Lock()

    def get(self, path: Path, max_body_bytes: int = 0) -> Mapping[str, Recorded]:
        key = path.resolve()
        with self._lock:
            stamp = _stamp(path)
            held = self._held.get(key)
            if held and held.stamp == stamp and _measured_enough(held, max_body_bytes):
                return held.index
            index = _index(path, max_body_bytes)
            self.reads += 1
            self._held[key] = _Held(stamp, max_body_bytes, index)
            logger.info("archive %s indexed: %d responses", path, len(index))
            return index

    def clear(self) -> None:
        with self._lock:
            self._held.clear()


def _measured_enough(held: _Held, max_body_bytes: int) -> bool:
    """A WARC indexed with a size limit knows sizes up to that limit only; a folder's exact."""
    return not held.max_body_bytes or 0 < max_body_bytes <= held.max_body_bytes


def _stamp(path: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, modification time and size of the files an index is read from."""
    files = _index_files(path) if path.is_dir() else [path] if path.is_file() else []
    stamps = []
    for file in files:
        stat = file.stat()
        stamps.append((file.name, stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


def _index(path: Path, max_body_bytes: int) -> Mapping[str, Recorded]:
    if path.is_dir():
        return FolderIndex.read(path)
    if path.is_file() and path.name.endswith((".warc", ".warc.gz")):
        return MappingProxyType(dict(_read_warc(path, max_body_bytes)))
    raise ArchiveError(f"{path}: not an archive folder (with {INDEX}) nor a .warc/.warc.gz file")


ARCHIVES = ArchiveIndexes()


def _read_warc(path: Path, max_body_bytes: int) -> Iterator[tuple[str, Recorded]]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.recordloader import ArchiveLoadFailed

    found = 0
    try:
        with path.open("rb") as fh:
            records = ArchiveIterator(fh)
            for record in records:
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                size = _measure(record.content_stream(), max_body_bytes)
                offset = records.get_record_offset()  # (reads the record to its end)
                found += 1
                yield url, _warc_entry(url, record, size, WarcBody(path, offset))
    except WARC_ERRORS + (ArchiveLoadFailed,) as exc:
        cause = " ".join(str(exc).split()) or type(exc).__name__
        raise ArchiveError(f"{path}: unreadable WARC file: {cause}") from exc
    if not found:
        raise ArchiveError(f"{path}: unreadable WARC file: no HTTP response in it")


# What warcio raises for a file that is no WARC, or is cut short (its parser does not wrap
# every failure in ArchiveLoadFailed: a record without a target URI is an AttributeError).
WARC_ERRORS: tuple[type[Exception], ...] = (
    EOFError,
    OSError,
    ValueError,
    zlib.error,
    AttributeError,
    TypeError,
    KeyError,
    IndexError,
)


def _warc_entry(url: str, record: Any, size: int, body: WarcBody) -> Recorded:
    headers = {
        k: v
        for k, v in record.http_headers.headers
        if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")
    }
    status = int(record.http_headers.get_statuscode())
    return Recorded(url, status, headers, size, source=body)


def _measure(stream: Any, limit: int) -> int:
    """Bytes in ``stream``, read in chunks (never held); past ``limit`` (when given), stop."""
    size = 0
    while chunk := stream.read(1 << 16):
        size += len(chunk)
        if limit and size > limit:
            break
    return size


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


_SUFFIXES = (
    ("html", ".html"), ("svg", ".svg"), ("xml", ".xml"), ("json", ".json"), ("text", ".txt"),
    ("image/jpeg", ".jpg"), ("image/png", ".png"), ("image/gif", ".gif"),
    ("image/webp", ".webp"),
)  # fmt: skip


def _suffix(content_type: str | None) -> str:
    content_type = (content_type or "").lower()
    for needle, suffix in _SUFFIXES:
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

    def __init__(self, archive: Mapping[str, Recorded], path: str, max_size: int = 0) -> None:
        self.archive = archive
        self.path = path
        self.max_size = max_size

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayMiddleware:
        path = crawler.settings.get("GCED_REPLAY_ARCHIVE")
        if not path:
            raise NotConfigured  # no archive to replay: downloads use the network
        max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        # The process's one index of the archive, shared by every crawler of the run.
        return cls(read_archive(Path(path), max_body_bytes=max_size), str(path), max_size)

    def process_request(self, request: Request) -> Response:
        try:
            recorded = self.archive.get(request.url)
        except ArchiveError as exc:  # its index line changed since the crawl began
            logger.warning("cannot replay %s: %s", request.url, exc)
            raise IgnoreRequest(f"archive entry unreadable: {exc}") from exc
        if recorded is None:
            logger.warning("not in archive %s: %s (answered 404)", self.path, request.url)
            return Response(request.url, status=404, request=request)
        if _not_modified(request, recorded):
            return Response(request.url, status=304, headers=_validators(recorded), request=request)
        max_size = request.meta.get("download_maxsize", self.max_size)
        if max_size and recorded.size > max_size:
            # As the network path cancels a download over DOWNLOAD_MAXSIZE: the request fails.
            # (A WARC body is measured only up to the limit: its size is "at least".)
            logger.warning(
                "refused %s: recorded body of at least %d bytes, over the %d bytes allowed",
                request.url,
                recorded.size,
                max_size,
            )
            raise IgnoreRequest(
                f"body of at least {recorded.size} bytes, over the {max_size} bytes allowed"
            )
        body = _read_body(recorded)
        headers = Headers(dict(recorded.headers))
        cls = responsetypes.from_args(headers=headers, url=recorded.url, body=body)
        return cls(
            url=request.url,
            status=recorded.status,
            headers=dict(recorded.headers),
            body=body,
            request=request,
        )


def _read_body(recorded: Recorded) -> bytes:
    """The recorded body, read now; one that is gone or unreadable fails the request."""
    try:
        return recorded.body
    except WARC_ERRORS + (StopIteration,) as exc:
        cause = " ".join(str(exc).split()) or type(exc).__name__
        logger.warning("cannot replay %s: %s", recorded.url, cause)
        raise IgnoreRequest(f"recorded body unreadable: {cause}") from exc


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
