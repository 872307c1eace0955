"""A one-line progress counter for crawls run on a terminal (cron gets none: logs only)."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class Progress:
    """Rewrites one stderr line as pages are fetched and stored: ``GCED_PROGRESS = True``."""

    def __init__(self, crawler: Crawler, stream: TextIO = sys.stderr) -> None:
        self.crawler = crawler
        self.stream = stream
        self.name = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        if not crawler.settings.getbool("GCED_PROGRESS"):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.update, signal=signals.response_received)
        crawler.signals.connect(extension.update, signal=signals.item_scraped)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def opened(self, spider: Any) -> None:
        self.name = getattr(spider, "source_name", spider.name)

    def update(self, *args: Any, **kwargs: Any) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        stored = sum(v for k, v in stats.items() if k.startswith(("gced/new/", "gced/updated/")))
        failed = sum(v for k, v in stats.items() if k.startswith("gced/failed/"))
        line = (
            f"{self.name}: {stats.get('downloader/response_count', 0)} fetched,"
            f" {stored} stored, {failed} failed"
        )
        self.stream.write("\r" + line.ljust(70))
        self.stream.flush()

    def closed(self, spider: Any) -> None:
        self.update()
        self.stream.write("\n")
