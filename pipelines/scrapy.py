"""The thin Scrapy adapter around the worker pool: a RawPage goes to a worker process
(:mod:`pipelines.workers`, the chain off the reactor thread) and comes back a ProcessedPage
(its record, or why it holds no article) or, when processing fails, a FetchFailure. The
store's adapter, at the crawl's end, is ``crawler.scrapy_store``.

The pool is the crawl's (setting ``GCED_WORKERS``: one pool shared by every source's crawler);
a crawler given none (``scrapy crawl``, a test) starts its own and stops it when it closes.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from pipelines.record import Record
from pipelines.workers import Fetched, Processed, Workers, log_failure
from spiders.items import FetchFailure, RawPage

logger = logging.getLogger(__name__)


@dataclass
class ProcessedPage:
    """A page through the extraction chain: its record, or why it holds no article."""

    page: RawPage
    record: Record | None
    no_article: str | None = None


def page_failure(page: RawPage, reason: str) -> FetchFailure:
    return FetchFailure(page.url, page.source, reason, dict(page.entry), page.via)


def fetched(page: RawPage, source: Any) -> Fetched:
    """What a worker needs of a fetched page."""
    return Fetched(
        body=page.body,
        url=page.final_url,
        source=source,
        requested_url=page.url,
        content_type=page.headers.get("Content-Type"),
        hints=dict(page.entry),
    )


def outcome(page: RawPage, processed: Processed) -> ProcessedPage | FetchFailure:
    """A worker's outcome as the item the store's pipeline takes. A page that holds no article
    is passed on, so the store remembers it and does not fetch it every night; one whose
    processing failed becomes a FetchFailure (one warning line), to be retried."""
    if processed.failure is not None:
        log_failure(logger, page.url, processed)
        return page_failure(page, processed.failure)
    return ProcessedPage(page, processed.record, no_article=processed.no_article)


class ProcessPagePipeline:
    """RawPage → ProcessedPage or FetchFailure, processed in a worker process."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.sources = crawler.settings["GCED_SOURCES"]
        shared = crawler.settings.get("GCED_WORKERS")
        self.workers: Workers = shared if shared is not None else Workers()
        if shared is None:
            crawler.signals.connect(self.workers.close, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProcessPagePipeline:
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, RawPage):
            return item
        page = fetched(item, self.sources[item.source])
        processed = await asyncio.wrap_future(self.workers.submit(page))
        return outcome(item, processed)
