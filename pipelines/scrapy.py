"""The thin Scrapy adapters around ``process_page`` and the store."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler import store
from crawler.items import RawPage
from pipelines import ExtractionError, process_page

logger = logging.getLogger(__name__)


def _stat(crawler: Crawler, outcome: str, source: str, language: str | None) -> None:
    assert crawler.stats is not None
    crawler.stats.inc_value(f"gced/{outcome}/{source}/{language or 'und'}")


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
        language = item.language_hint
        if item.status != 200:
            _stat(self.crawler, "failed", item.source, language)
            raise DropItem(f"status {item.status} for {item.url}")
        content_type = item.headers.get("Content-Type", "text/html")
        if "html" not in content_type.lower():
            _stat(self.crawler, "failed", item.source, language)
            raise DropItem(f"not HTML ({content_type}) at {item.final_url}")
        source = self.sources.get(item.source)
        hints = {k: v for k, v in item.entry.items() if k not in ("link", "feed_url")}
        try:
            return process_page(
                item.html(),
                item.final_url,
                source=item.source,
                rules=source.rules if source else None,
                **hints,
            )
        except ExtractionError as exc:
            _stat(self.crawler, "failed", item.source, language)
            raise DropItem(f"no article at {item.final_url}: {exc}") from exc


class StorePipeline:
    """Upsert each record into the SQLite store; counts new, updated and unchanged."""

    def __init__(self, crawler: Crawler, path: str) -> None:
        self.crawler = crawler
        self.path = path
        self.db: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler, crawler.settings["GCED_DATABASE"])

    def open_spider(self) -> None:
        self.db = store.open_db(self.path)

    def close_spider(self) -> None:
        if self.db is not None:
            self.db.close()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, dict) or "canonical_url" not in item:
            return item
        outcome = store.upsert_record(self.db, item, datetime.now(UTC))
        _stat(self.crawler, outcome, item["source"], item.get("language"))
        return item
