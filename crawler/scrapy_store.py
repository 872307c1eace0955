"""The Scrapy item pipelines at the crawl's end: the raw archive and the store.

A fetched page ends in one of three ways, each counted per publisher and language:
stored (``new``, ``updated``, ``unchanged``); ``no_article`` (the page holds no article:
remembered, not fetched again); or ``failed`` (it could not be fetched, processed or stored:
remembered with ``store.mark_failed`` and tried again by the next crawl). A failure is one
WARNING line with the URL and its cause (the traceback at DEBUG), and the crawl goes on.
"""

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
from crawler.replay import ArchiveWriter
from pipelines.record import Record
from pipelines.scrapy import ProcessedPage, page_failure
from pipelines.workers import describe
from spiders.items import EntryPointFailure, EntryPointState, FetchFailure, RawPage

logger = logging.getLogger(__name__)


def _stat(crawler: Crawler, outcome: str, publisher: str, language: str | None) -> None:
    assert crawler.stats is not None
    crawler.stats.inc_value(f"gced/{outcome}/{publisher}/{language or 'und'}")


class RawArchivePipeline:
    """Keep every fetched article page, with what led to it, in the raw archive
    (``data/archive/``): ``gced-news reprocess`` re-runs the pipelines over it offline.
    A page that cannot be archived (disk full) is still processed and stored."""

    def __init__(self, crawler: Crawler, path: str) -> None:
        self.crawler = crawler
        self.writer = ArchiveWriter(Path(path))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RawArchivePipeline:
        path = crawler.settings.get("GCED_RAW_ARCHIVE")
        if not path:
            raise NotConfigured
        return cls(crawler, path)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, RawPage) and item.status == 200:
            meta = {
                "source": item.source,
                "publisher": item.publisher,
                "requested_url": item.url,
                "freshness": item.freshness,
                "hints": item.entry,
            }
            try:
                self.writer.write(item.final_url, item.status, item.headers, item.body, meta)
            except OSError as exc:
                logger.warning("not archived %s: %s", item.final_url, describe(exc))
                assert self.crawler.stats is not None
                self.crawler.stats.inc_value(f"gced/not_archived/{item.publisher}")
        return item


class StorePipeline:
    """Upsert each record into the SQLite store; count new, updated, unchanged, no-article
    and failed pages; remember failed pages to retry them.

    Entry points' validators are saved only when the crawl finishes cleanly, and only for
    entry points none of whose pages failed: the next crawl reads those whole again and
    finds the failed pages, where a 304 would have hidden them.
    """

    def __init__(self, crawler: Crawler, path: str) -> None:
        self.crawler = crawler
        self.path = path
        self.sources = crawler.settings["GCED_SOURCES"]
        self.db: Any = None
        self.entry_points: dict[str, dict[str, Any]] = {}
        self.spoiled: set[str] = set()  # entry points that led to a failure

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler, crawler.settings["GCED_DATABASE"])
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        self.db = store.open_db(self.path)
        store.relax_durability(self.db)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if reason == "finished" and self.db is not None:
            self.save_entry_points()
        if self.db is not None:
            self.db.close()
            self.db = None

    def save_entry_points(self) -> None:
        kept = [s for url, s in self.entry_points.items() if url not in self.spoiled]
        if len(kept) < len(self.entry_points):
            logger.info(
                "validators not kept for %d entry points whose pages failed",
                len(self.entry_points) - len(kept),
            )
        try:
            store.save_entry_points(self.db, kept, _now())
        except Exception as exc:  # noqa: BLE001 — the next crawl reads them whole: nothing lost
            logger.warning("entry points' validators not saved: %s", describe(exc))

    def process_item(self, item: Any) -> Any:
        if isinstance(item, EntryPointState):
            self.entry_points[item.url] = asdict(item)
            return item
        if isinstance(item, EntryPointFailure):
            self.spoiled.update((*item.via, item.url))
            return item
        if isinstance(item, FetchFailure):
            self.remember_failure(item)
            return item
        if not isinstance(item, ProcessedPage):
            return item
        try:
            return self.store(item)
        except DropItem:
            raise
        except Exception as exc:  # noqa: BLE001 — whatever the cause, one page fails, not the crawl
            logger.warning("failed %s: cannot store: %s", item.page.url, describe(exc))
            logger.debug("storing %s failed", item.page.url, exc_info=True)
            failure = page_failure(item.page, f"cannot store: {describe(exc)}")
            self.remember_failure(failure)
            return failure

    def store(self, item: ProcessedPage) -> Record:
        record, page = item.record, item.page
        now = _now()
        if record is None:
            store.mark_seen(self.db, page.url, None, page.freshness, "no-article", now, page.source)
            _stat(self.crawler, "no_article", page.publisher, page.language_hint)
            logger.warning("no article at %s: %s", page.final_url, item.no_article)
            # The item (and its page) is logged at DEBUG only: the line above says it all.
            raise DropItem(f"no article at {page.final_url}", log_level="DEBUG")
        outcome = store.upsert_record(self.db, record, now)
        store.mark_seen(
            self.db, page.url, record["canonical_url"], page.freshness, outcome, now, page.source
        )
        _stat(self.crawler, outcome, record["source"], record.get("language") or page.language_hint)
        return record

    def remember_failure(self, failure: FetchFailure) -> None:
        """Count a failed page, keep its entry points' validators unsaved, and remember it
        for the next crawl; a database that cannot even do that is logged, not fatal."""
        self.spoiled.update(failure.via)
        source = self.sources.get(failure.source)
        publisher = source.publisher if source is not None else failure.source
        _stat(self.crawler, "failed", publisher, failure.hints.get("language"))
        try:
            store.mark_failed(
                self.db, failure.url, failure.source, failure.reason, failure.hints, _now()
            )
        except Exception as exc:  # noqa: BLE001 — the crawl goes on; its feeds are read again
            logger.warning("failed %s not remembered for retry: %s", failure.url, describe(exc))
            logger.debug("remembering %s failed", failure.url, exc_info=True)
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(f"gced/not_remembered/{publisher}")


def _now() -> datetime:
    return datetime.now(UTC)
