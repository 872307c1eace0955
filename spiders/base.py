"""What every source spider shares: the source's config, feed discovery, the raw page item."""

from __future__ import annotations

import calendar
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from typing import Any

import feedparser
import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.config import SourceConfig
from crawler.items import RawPage


class SourceSpider(scrapy.Spider):
    """A spider for one configured source: ``source_name`` picks it from the config."""

    name = "base"

    def __init__(self, source_name: str, since: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source_name = source_name
        self.since = date.fromisoformat(since) if since else None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SourceSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.source = crawler.settings["GCED_SOURCES"][spider.source_name]
        spider.allowed_domains = list(spider.source.allowed_domains)
        return spider

    source: SourceConfig

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url, language in self.source.feed_urls():
            yield scrapy.Request(
                url,
                callback=self.parse_feed,
                errback=self.on_error,
                cb_kwargs={"language": language},
            )

    def parse_feed(self, response: Response, language: str | None) -> Iterator[scrapy.Request]:
        """Follow every entry of an RSS/Atom feed to its page, the entry kept as hints."""
        parsed = feedparser.parse(response.body, response_headers={"content-location": response.url})
        if parsed.bozo and not parsed.entries:
            self.logger.error("unreadable feed %s: %s", response.url, parsed.get("bozo_exception"))
            self.crawler.stats.inc_value("gced/feed_errors")
            return
        feed_language = language or parsed.feed.get("language")
        for entry in parsed.entries:
            hints = feed_entry_hints(entry, response.url, feed_language)
            if not hints.get("link"):
                continue
            if self.since and hints.get("published") and hints["published"][:10] < self.since.isoformat():
                continue
            yield response.follow(
                hints["link"],
                callback=self.parse_article,
                errback=self.on_error,
                cb_kwargs={"entry": hints},
            )

    def parse_article(self, response: Response, entry: dict[str, Any]) -> Iterator[RawPage]:
        yield raw_page(response, self.source.name, entry)

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        self.logger.warning("failed %s: %s", url, failure.getErrorMessage())
        self.crawler.stats.inc_value("gced/failed")


def feed_entry_hints(entry: Any, feed_url: str, language: str | None) -> dict[str, Any]:
    """The facts a feed entry gives about its page, as plain data."""
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    image = None
    for enclosure in entry.get("enclosures", []):
        if str(enclosure.get("type", "")).startswith("image/"):
            image = enclosure.get("href")
            break
    return {
        "link": entry.get("link"),
        "title": entry.get("title"),
        "summary": entry.get("summary"),
        "published": _iso(published),
        "image": image,
        "language": language,
        "feed_url": feed_url,
    }


def _iso(struct: Any) -> str | None:
    if not struct:
        return None
    return datetime.fromtimestamp(calendar.timegm(struct), tz=UTC).isoformat()


def raw_page(response: Response, source: str, entry: dict[str, Any]) -> RawPage:
    headers = {
        k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()
    }
    requested = response.request.meta.get("redirect_urls", [response.url])[0] if response.request else response.url
    return RawPage(
        url=requested,
        final_url=response.url,
        status=response.status,
        headers=headers,
        body=response.body,
        encoding=getattr(response, "encoding", "utf-8"),
        source=source,
        language_hint=entry.get("language"),
        entry=entry,
        fetched_at=datetime.now(UTC).isoformat(),
    )
