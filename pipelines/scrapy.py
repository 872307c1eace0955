"""The thin Scrapy adapters around ``process_fetched`` and the store."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawler import store
from crawler.items import EntryPointState, FetchFailure, RawPage
from crawler.replay import ArchiveWriter
from pipelines import ExtractionError, process_fetched

logger = logging.getLogger(__name__)


def _stat(crawler: Crawler, outcome: str, publisher: str, language: str | None) -> None:
    assert crawler.stats is not None
    crawler.stats.inc_value(f"gced/{outcome}/{publisher}/{language or 'und'}")


class ProcessPagePipeline:
    """RawPage → record dict (the whole extraction chain); pages without an article dropped."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.sources = crawler.settings["GCED_SOURCES"]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProcessPagePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, RawPage):
            return item
        try:
            record = process_fetched(
                item.html(),
                item.final_url,
                self.sources[item.source],
                requested_url=item.url,
                content_type=item.headers.get("Content-Type", "text/html"),
                **item.entry,
            )
        except ExtractionError as exc:
            # Passed on so the store remembers the page and does not fetch it every night.
            return {"record": None, "page": item, "error": str(exc)}
        return {"record": record, "page": item}


class RawArchivePipeline:
    """Keep every fetched article page, with what led to it, in the raw archive
    (``data/archive/``): ``gced-news reprocess`` re-runs the pipelines over it offline."""

    def __init__(self, path: str) -> None:
        self.writer = ArchiveWriter(Path(path))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RawArchivePipeline:
        path = crawler.settings.get("GCED_RAW_ARCHIVE")
        if not path:
            raise NotConfigured
        return cls(path)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, RawPage) and item.status == 200:
            meta = {
                "source": item.source,
                "publisher": item.publisher,
                "requested_url": item.url,
                "freshness": item.freshness,
                "hints": item.entry,
            }
            self.writer.write(item.final_url, item.status, item.headers, item.body, meta)
        return item


class StorePipeline:
    """Upsert each record into the SQLite store; count new, updated and unchanged.

    Entry points' validators are saved only when the crawl finishes cleanly, so a killed
    crawl fetches its feeds and sitemaps whole again and loses no link they held.
    """

    def __init__(self, crawler: Crawler, path: str) -> None:
        self.crawler = crawler
        self.path = path
        self.db: Any = None
        self.entry_points: dict[str, dict[str, Any]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler, crawler.settings["GCED_DATABASE"])
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        self.db = store.open_db(self.path)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if reason == "finished" and self.db is not None:
            store.save_entry_points(self.db, self.entry_points.values(), datetime.now(UTC))
        if self.db is not None:
            self.db.close()
            self.db = None

    def process_item(self, item: Any) -> Any:
        if isinstance(item, EntryPointState):
            self.entry_points[item.url] = asdict(item)
            return item
        if isinstance(item, FetchFailure):
            store.mark_failed(
                self.db, item.url, item.source, item.reason, item.hints, datetime.now(UTC)
            )
            return item
        if not isinstance(item, dict) or "record" not in item:
            return item
        record, page = item["record"], item["page"]
        now = datetime.now(UTC)
        if record is None:
            store.mark_seen(self.db, page.url, None, page.freshness, "no-article", now, page.source)
            _stat(self.crawler, "failed", page.publisher, page.language_hint)
            raise DropItem(f"no article at {page.final_url}: {item['error']}")
        outcome = store.upsert_record(self.db, record, now)
        store.mark_seen(
            self.db, page.url, record["canonical_url"], page.freshness, outcome, now, page.source
        )
        _stat(self.crawler, outcome, record["source"], record.get("language") or page.language_hint)
        return record
