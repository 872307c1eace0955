"""The thin Scrapy adapter around ``process_fetched``: a RawPage becomes a ProcessedPage
(its record, or why it holds no article) or, when processing fails, a FetchFailure. The
store's adapter, at the crawl's end, is ``crawler.scrapy_store``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import Crawler

from pipelines import ExtractionError, process_fetched
from pipelines.record import Record
from spiders.items import FetchFailure, RawPage

logger = logging.getLogger(__name__)


@dataclass
class ProcessedPage:
    """A page through the extraction chain: its record, or why it holds no article."""

    page: RawPage
    record: Record | None
    no_article: str | None = None


def describe(exc: BaseException) -> str:
    """An error in one line: its type and message."""
    message = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def page_failure(page: RawPage, reason: str) -> FetchFailure:
    return FetchFailure(page.url, page.source, reason, dict(page.entry), page.via)


class ProcessPagePipeline:
    """RawPage → ProcessedPage (the whole extraction chain). A page whose processing fails
    for any other reason than holding no article becomes a FetchFailure, to be retried."""

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
                item.body,
                item.final_url,
                self.sources[item.source],
                requested_url=item.url,
                content_type=item.headers.get("Content-Type"),
                **item.entry,
            )
        except ExtractionError as exc:
            # Passed on so the store remembers the page and does not fetch it every night.
            return ProcessedPage(item, None, no_article=str(exc))
        except Exception as exc:  # noqa: BLE001 — whatever the cause, one page fails, not the crawl
            logger.warning("failed %s: cannot process: %s", item.url, describe(exc))
            logger.debug("processing %s failed", item.url, exc_info=True)
            return page_failure(item, f"cannot process: {describe(exc)}")
        return ProcessedPage(item, record)
