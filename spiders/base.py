"""What every source spider shares: entry points, discovery, incrementality, the raw page.

A spider starts from the source's configured feeds, sitemaps and listing pages, each asked
for with conditional GET (the validators of the last finished crawl), and follows the
article links they give. A link already stored is not fetched again unless the feed entry
or sitemap lastmod says it changed. The spider yields raw pages only: no extraction here.

Only http(s) links are followed (``spiders.discovery.followable`` decides); any other link
is skipped with a warning and counted, and the rest of its feed, sitemap or listing goes on.
Every request carries, in ``meta["gced_via"]``, the entry points that led to it, so a page
that fails keeps its feed's validators from being saved (see ``spiders.items``).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from twisted.python.failure import Failure

from pipelines.dates import parse_date
from pipelines.dedup import canonical_url, clean_url
from spiders.discovery import (
    DiscoveryError,
    Link,
    compile_patterns,
    feed_links,
    followable,
    listing_links,
    matches,
    sitemap_links,
)
from spiders.items import (
    EntryPointFailure,
    EntryPointState,
    FetchFailure,
    RawPage,
    response_headers,
)
from spiders.sources import SourceConfig

# Nightly runs follow a listing's pager this far while its pages still bring new links.
NIGHTLY_MAX_PAGES = 3
BACKFILL_MAX_PAGES = 200
# Nightly runs take at most this many new or changed entries from one sitemap, newest first.
NIGHTLY_SITEMAP_ENTRIES = 100
# The message of Scrapy's RobotsTxtMiddleware: a page robots.txt forbids is not a failure.
ROBOTS_FORBIDDEN = "Forbidden by robots.txt"
VIA = "gced_via"  # request meta: the entry points that led to a request, outermost first


class SourceSpider(scrapy.Spider):
    """A spider for one configured source: ``source_name`` picks it from the config.

    ``known`` maps stored URLs to the freshness date they were fetched at; ``validators``
    maps entry-point URLs to their last ETag / Last-Modified; ``retry`` lists pages that
    failed before, with their hints, to fetch again first; ``since`` (YYYY-MM-DD) turns
    on backfill: entry points are fetched whole, sitemap entries and feed items back to
    that date, pagination deep.
    """

    name = ""  # not a spider of its own: `scrapy list` names only the subclasses
    source: SourceConfig
    allowed_domains: list[str]
    patterns: list[re.Pattern[str]]

    def __init__(
        self,
        source_name: str,
        since: str | None = None,
        known: Mapping[str, str | None] | None = None,
        validators: Mapping[str, Mapping[str, str | None]] | None = None,
        retry: list[tuple[str, dict[str, Any]]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.source_name = source_name
        self.since = since
        self.known = dict(known or {})
        self.validators = dict(validators or {})
        self.retry = list(retry or [])
        self.max_pages = BACKFILL_MAX_PAGES if since else NIGHTLY_MAX_PAGES

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SourceSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.source = crawler.settings["GCED_SOURCES"][spider.source_name]
        spider.allowed_domains = list(spider.source.allowed_domains)
        spider.patterns = compile_patterns(spider.source.article_patterns)
        return spider

    # ---- entry points ---------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url, hints in self.retry:
            if followed := self.followed(url, None, "the list of pages to retry"):
                yield self.article_request(Link(followed, **_link_fields(hints)))
        for url, language in self.source.feed_urls():
            yield self.entry_request(url, self.parse_feed, language=language)
        for url, language in self.source.sitemap_urls():
            yield self.entry_request(url, self.parse_sitemap, language=language)
        for url, language in self.source.listing_urls():
            yield self.entry_request(url, self.parse_listing, language=language, page=1)

    def entry_request(
        self, url: str, callback: Any, *, via: tuple[str, ...] = (), **cb_kwargs: Any
    ) -> scrapy.Request:
        """A conditional GET for a feed, sitemap or listing page (unconditional in backfill);
        ``via``: the entry points that led to this one (a sitemap index, earlier pages)."""
        headers = {}
        known = self.validators.get(url, {})
        if not self.since:
            if known.get("etag"):
                headers["If-None-Match"] = known["etag"]
            if known.get("last_modified"):
                headers["If-Modified-Since"] = known["last_modified"]
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            headers=headers,
            cb_kwargs=cb_kwargs,
            meta={"handle_httpstatus_list": [304], "entry_point": True, VIA: via},
            dont_filter=True,
        )

    def unchanged(self, response: Response) -> bool:
        """True for a 304; otherwise remember the entry point's new validators."""
        if response.status == 304:
            self.crawler.stats.inc_value(f"gced/not_modified/{self.source.publisher}")
            return True
        return False

    def entry_state(self, response: Response) -> EntryPointState:
        return EntryPointState(
            url=requested_url(response),  # what the next crawl asks for
            etag=_header(response, "ETag"),
            last_modified=_header(response, "Last-Modified"),
        )

    # ---- callbacks ------------------------------------------------------------------------

    def parse_feed(self, response: Response, language: str | None) -> Iterator[Any]:
        """Follow each entry of an RSS/Atom feed to its page, the entry kept as hints."""
        if self.unchanged(response):
            return
        try:
            _, links = feed_links(response.body, response.url, language)
        except DiscoveryError as exc:
            yield self.discovery_failed(response, exc)
            return
        via = entry_chain(response)
        for link in links:
            if self.since and link.published and link.published[:10] < self.since:
                continue
            yield from self.follow_article(response, link, via)
        yield self.entry_state(response)

    def parse_sitemap(self, response: Response, language: str | None) -> Iterator[Any]:
        """Sitemap index → its sitemaps; sitemap → recent article URLs and their alternates."""
        if self.unchanged(response):
            return
        try:
            kind, links = sitemap_links(response.body)
        except DiscoveryError as exc:
            yield self.discovery_failed(response, exc)
            return
        via = entry_chain(response)
        if kind == "index":
            for link in links:
                child = self.followed(link.url, response.url, response.url)
                if child in via:  # an index listing itself, or one that led to it: a loop
                    self.skip_link(child, response.url, "it leads back to this sitemap")
                elif child:
                    yield self.entry_request(child, self.parse_sitemap, via=via, language=language)
        else:
            yield from self.sitemap_articles(response, links, via)
        yield self.entry_state(response)

    def sitemap_articles(
        self, response: Response, links: list[Link], via: tuple[str, ...]
    ) -> Iterator[scrapy.Request]:
        """Article entries (and their hreflang alternates), newest first: all of them back to
        ``since`` in a backfill, else the newest new or changed ones up to a cap."""
        taken = 0
        for link in sorted(links, key=lambda x: _utc(x.lastmod) or "", reverse=True):
            if self.since and link.lastmod and link.lastmod[:10] < self.since:
                continue
            if not self.since and taken >= NIGHTLY_SITEMAP_ENTRIES:
                break
            for url in (link.url, *link.alternates.values()):
                followed = self.followed(url, response.url, response.url)
                if followed and matches(followed, self.patterns):
                    found = Link(followed, lastmod=link.lastmod)
                    for request in self.follow_article(response, found, via):
                        taken += 1
                        yield request

    def parse_listing(self, response: Response, language: str | None, page: int) -> Iterator[Any]:
        """Article links of a listing page; the next page while it still brings new links."""
        if self.unchanged(response):
            return
        try:
            listing = listing_links(
                response.body, response.url, self.patterns, self.source.next_page
            )
        except DiscoveryError as exc:
            yield self.discovery_failed(response, exc)
            return
        for href in listing.skipped:
            self.skip_link(href, response.url)
        via = entry_chain(response)
        fresh = 0
        for url in listing.articles:
            for request in self.follow_article(response, Link(url, language=language), via):
                fresh += 1
                yield request
        if listing.next_page in via:  # a pager pointing back: the pages go round
            self.skip_link(listing.next_page, response.url, "it leads back to an earlier page")
        elif listing.next_page and page < self.max_pages and (fresh or self.since):
            yield self.entry_request(
                listing.next_page, self.parse_listing, via=via, language=language, page=page + 1
            )
        yield self.entry_state(response)

    def follow_article(
        self, response: Response, link: Link, via: tuple[str, ...] = ()
    ) -> Iterator[scrapy.Request]:
        followed = self.followed(link.url, response.url, response.url)
        if followed is None:
            return
        url = clean_url(followed)
        if not self.is_new(url, link):
            self.crawler.stats.inc_value(f"gced/skipped_known/{self.source.publisher}")
            return
        yield self.article_request(_normalised(link, url), via)

    def article_request(self, link: Link, via: tuple[str, ...] = ()) -> scrapy.Request:
        return scrapy.Request(
            link.url,
            callback=self.parse_article,
            errback=self.on_error,
            cb_kwargs={"link": link},
            meta={VIA: via},
        )

    def followed(self, url: str, base: str | None, found_in: str) -> str | None:
        """The absolute http(s) URL of a link to follow, or None (logged and counted)."""
        joined = followable(url, base)
        if joined is None:
            self.skip_link(url, found_in)
        return joined

    def skip_link(self, url: str, found_in: str, why: str = "not an http(s) URL") -> None:
        self.logger.warning("skipped link %r in %s: %s", url, found_in, why)
        self.crawler.stats.inc_value(f"gced/links_skipped/{self.source.publisher}")

    def is_new(self, url: str, link: Link) -> bool:
        """Not stored yet, or the feed/sitemap says it changed since it was stored."""
        key = url if url in self.known else canonical_url(url)
        if key not in self.known:
            return True
        stored = self.known[key]
        fresh = _utc(link.freshness)
        return bool(fresh and stored and fresh > stored)

    def parse_article(self, response: Response, link: Link) -> Iterator[RawPage]:
        yield raw_page(response, self.source, link)

    # ---- failures -------------------------------------------------------------------------

    def discovery_failed(self, response: Response, exc: Exception) -> EntryPointFailure:
        self.logger.error("cannot read %s: %s", response.url, exc)
        self.crawler.stats.inc_value(f"gced/discovery_errors/{self.source.publisher}")
        return EntryPointFailure(
            requested_url(response), self.source.name, str(exc), _meta(response).get(VIA, ())
        )

    def on_error(self, failure: Failure) -> Iterator[FetchFailure | EntryPointFailure]:
        """Log a failed request (one line: URL and cause); a failed article is remembered
        to be tried again, a failed entry point keeps those that led to it unsaved. A page
        robots.txt forbids is not a failure."""
        request = getattr(failure, "request", None)
        if request is None:
            self.logger.warning("failed request: %s", failure_cause(failure))
            return
        link = request.cb_kwargs.get("link")
        url = link.url if isinstance(link, Link) else first_url(request)
        if failure.check(IgnoreRequest) and str(failure.value) == ROBOTS_FORBIDDEN:
            self.logger.info("not fetched %s: robots.txt forbids it", url)
            self.crawler.stats.inc_value(f"gced/robots_forbidden/{self.source.publisher}")
            return
        cause = failure_cause(failure)
        self.logger.warning("failed %s: %s", url, cause)
        via = tuple(request.meta.get(VIA, ()))
        if not isinstance(link, Link):
            self.crawler.stats.inc_value(f"gced/discovery_errors/{self.source.publisher}")
            yield EntryPointFailure(url, self.source.name, cause, via)
            return
        yield FetchFailure(
            url=link.url, source=self.source.name, reason=cause, hints=link.hints(), via=via
        )


def failure_cause(failure: Failure) -> str:
    """A failed request's cause in one line: ``HTTP 503``, or the error's message."""
    response = getattr(failure.value, "response", None)
    if isinstance(response, Response):
        return f"HTTP {response.status}"
    message = " ".join(failure.getErrorMessage().split())
    name = type(failure.value).__name__
    if message and message != name:
        return message
    if failure.check(DownloadCancelledError):
        # Scrapy cancels a body that grows past DOWNLOAD_MAXSIZE without saying why here
        # (its own warning, just before, does).
        return "download cancelled (body over max_page_bytes?)"
    return name


def _meta(response: Response) -> dict[str, Any]:
    return response.request.meta if response.request is not None else {}


def first_url(request: scrapy.Request) -> str:
    """The URL that was asked for (before any redirect): what the config or a link named."""
    redirects = request.meta.get("redirect_urls") or [request.url]
    return str(redirects[0])


def requested_url(response: Response) -> str:
    return first_url(response.request) if response.request is not None else response.url


def entry_chain(response: Response) -> tuple[str, ...]:
    """The entry points that led to the pages this entry point's response links to."""
    return (*_meta(response).get(VIA, ()), requested_url(response))


def _link_fields(hints: Mapping[str, Any]) -> dict[str, Any]:
    names = ("title", "summary", "published", "lastmod", "image", "language")
    return {name: hints[name] for name in names if hints.get(name)}


def _normalised(link: Link, url: str) -> Link:
    return Link(
        url=url,
        title=link.title,
        summary=link.summary,
        published=link.published,
        lastmod=_utc(link.lastmod),
        image=link.image,
        language=link.language,
        alternates=link.alternates,
    )


def _utc(value: str | None) -> str | None:
    moment = parse_date(value) if value else None
    return moment.astimezone(UTC).isoformat() if moment else None


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def raw_page(response: Response, source: SourceConfig, link: Link) -> RawPage:
    return RawPage(
        url=requested_url(response),
        final_url=response.url,
        status=response.status,
        headers=response_headers(response),
        body=response.body,
        source=source.name,
        publisher=source.publisher,
        language_hint=link.language,
        entry=link.hints(),
        freshness=_utc(link.freshness),
        fetched_at=datetime.now(UTC).isoformat(),
        via=tuple(_meta(response).get(VIA, ())),
    )
