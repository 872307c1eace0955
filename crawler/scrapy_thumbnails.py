"""The crawl's thumbnail step: each stored story's lead image, fetched and kept small.

:class:`ThumbnailPipeline` is Scrapy's ImagesPipeline, placed after processing (the record
knows its ``image``) and before the store (which then keeps ``thumbnail``,
``thumbnail_width`` and ``thumbnail_height`` with the record). The image is fetched through
the crawl's own download path — replayed from the archive with ``--archive``, recorded with
``--record``, and online subject to robots.txt, the download delay, AutoThrottle,
``max_page_bytes`` and the retries as pages are. A lead image on another host than the
page's (an agency's CDN) is fetched too: Scrapy's offsite filter keeps the spiders to their
sources' domains, not the pictures their pages show (``allow_offsite``); that host's
robots.txt is asked, as for any host.

Only the thumbnail is kept (``pipelines.thumbnail``: at most 400 × 400, JPEG), in the
thumbnail store (``[paths] thumbnails``), named after its own bytes. An image that a
stored item already has a thumbnail of, still in the store, is not fetched again (the
store's own knowledge, ``store.thumbnail_of_image``; within one crawl, ImagesPipeline's).

An image that cannot be had — an HTTP error, a refusal (robots.txt, too large), something
that is no raster image, corrupt data, a decompression bomb, a thumbnail that cannot be
written — is one WARNING line with the page, the image URL and the cause; the story is
stored without a thumbnail (or keeps the one it had of the same image) and the crawl goes on.
Counted in the crawl's stats: ``gced/thumbnails/made``, ``…/known``, ``…/failed``.
"""

from __future__ import annotations

import logging
import os
from io import BytesIO
from pathlib import Path
from typing import Any, cast

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines.files import FSFilesStore
from scrapy.pipelines.images import ImagesPipeline
from scrapy.pipelines.media import FileInfo, FileInfoOrError, MediaPipeline
from twisted.python.failure import Failure

from crawler import store
from pipelines.record import Record
from pipelines.scrapy import ProcessedPage
from pipelines.thumbnail import ThumbnailError, make_thumbnail
from pipelines.workers import describe

logger = logging.getLogger(__name__)

PAGE_META = "gced_page"  # the page whose lead image a request fetches, for the log line


class AtomicFilesStore(FSFilesStore):
    """The file system store, writing each file under a temporary name and renaming it into
    place: a crawl killed mid-write leaves no half thumbnail under a content address. A file
    already there holds the same bytes (its name is their hash): it is not written again."""

    def persist_file(
        self,
        path: str | os.PathLike[str],
        buf: BytesIO,
        info: MediaPipeline.SpiderInfo,
        meta: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        target = self._get_filesystem_path(path)
        if target.is_file():
            return
        self._mkdir(target.parent, info)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            temporary.write_bytes(buf.getvalue())
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)


class ThumbnailPipeline(ImagesPipeline):
    """ProcessedPage with an ``image`` → its record with the thumbnail's fields filled."""

    STORE_SCHEMES = {**ImagesPipeline.STORE_SCHEMES, "": AtomicFilesStore, "file": AtomicFilesStore}
    LOG_FAILED_RESULTS = False  # a failed image is one warning line, from _failed

    def __init__(self, store_uri: str, *, crawler: Crawler) -> None:
        super().__init__(store_uri, crawler=crawler)
        self.folder = Path(store_uri)
        self.database = crawler.settings["GCED_DATABASE"]
        self.max_bytes = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        self.db: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ThumbnailPipeline:
        if not crawler.settings.getbool("GCED_THUMBNAILS_ENABLED"):
            raise NotConfigured("thumbnails are off ([crawl] thumbnails = false)")
        cls._update_stores(crawler.settings)
        return cls(crawler.settings["IMAGES_STORE"], crawler=crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        super().open_spider()
        self.db = store.open_db(self.database)

    def close_spider(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def get_media_requests(self, item: Any, info: MediaPipeline.SpiderInfo) -> list[Request]:
        record = _record(item)
        image = record.get("image") if record is not None else None
        if record is None or not image:
            return []
        meta = {"allow_offsite": True, PAGE_META: record["url"]}
        return [Request(image, callback=NO_CALLBACK, meta=meta)]

    def media_to_download(
        self, request: Request, info: MediaPipeline.SpiderInfo, *, item: Any = None
    ) -> Any:
        """A thumbnail a stored item has of this image, when its file is still in the store:
        then the image is not fetched again."""
        known = store.thumbnail_of_image(self.db, request.url) if self.db is not None else None
        if known is None or not (self.folder / known["thumbnail"]).is_file():
            return None
        self._count("known")
        return _result(request.url, "uptodate", known)

    async def media_downloaded(
        self,
        response: Response,
        request: Request,
        info: MediaPipeline.SpiderInfo,
        *,
        item: Any = None,
    ) -> FileInfo:
        if response.status != 200:
            return self._failed(request, f"HTTP {response.status}")
        content_type = response.headers.get("Content-Type")
        try:
            thumbnail = make_thumbnail(
                response.body, content_type.decode("latin-1") if content_type else None
            )
        except ThumbnailError as exc:
            return self._failed(request, str(exc))
        try:
            self.store.persist_file(thumbnail.name, BytesIO(thumbnail.data), info)
        except OSError as exc:
            return self._failed(request, f"thumbnail not written: {describe(exc)}")
        self._count("made")
        fields = {
            "thumbnail": thumbnail.name,
            "thumbnail_width": thumbnail.width,
            "thumbnail_height": thumbnail.height,
        }
        return _result(request.url, "downloaded", fields)

    def media_failed(
        self, failure: Failure, request: Request, info: MediaPipeline.SpiderInfo
    ) -> Any:
        """The request itself failed (refused by robots.txt or for its size, a timeout, a
        connection reset): the story goes on without a thumbnail."""
        error = failure.value
        cause = str(error) if isinstance(error, IgnoreRequest) else describe(error)
        return self._failed(request, cause or type(error).__name__)

    def item_completed(
        self, results: list[FileInfoOrError], item: Any, info: MediaPipeline.SpiderInfo
    ) -> Any:
        record = _record(item)
        if record is not None:
            for ok, value in results:
                if ok and isinstance(value, dict) and value.get("thumbnail"):
                    found = cast(dict[str, Any], value)
                    record["thumbnail"] = found["thumbnail"]
                    record["thumbnail_width"] = found["thumbnail_width"]
                    record["thumbnail_height"] = found["thumbnail_height"]
        return item

    def _failed(self, request: Request, cause: str) -> FileInfo:
        """One warning line; a result without a thumbnail (never an exception, which Scrapy's
        media pipeline would log again, with a traceback, as an error)."""
        page = request.meta.get(PAGE_META, "?")
        logger.warning("no thumbnail for %s: image %s: %s", page, request.url, cause)
        self._count("failed")
        return _result(request.url, "failed", {})

    def _count(self, outcome: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"gced/thumbnails/{outcome}")


def _record(item: Any) -> Record | None:
    return item.record if isinstance(item, ProcessedPage) else None


def _result(url: str, status: str, fields: dict[str, Any]) -> FileInfo:
    """ImagesPipeline's result for one image, with the thumbnail's fields (none: failed)."""
    info = {"url": url, "path": fields.get("thumbnail") or "", "checksum": None, "status": status}
    return cast(FileInfo, {**info, **fields})
