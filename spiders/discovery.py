"""Finding article links: feeds, sitemaps and listing pages. Pure functions over bytes.

Spiders call these and turn what they return into requests; nothing here fetches.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.etree
import lxml.html
from w3lib.url import safe_url_string


class DiscoveryError(ValueError):
    """A feed or sitemap that cannot be read at all."""


# Only web pages are followed: never javascript:, mailto:, tel:, data:, ftp: or file: links.
FOLLOWED_SCHEMES = frozenset({"http", "https"})
_SPACE = re.compile(r"\s")


def followable(url: str | None, base: str | None = None) -> str | None:
    """The absolute http(s) URL a link points to (joined to ``base``), or None for a link
    not to follow: empty, of another scheme (``javascript:``, ``mailto:``, ``tel:``,
    ``data:``, ``ftp:``), without a host, or malformed (``http://[::1``, a port out of range,
    a host Scrapy's ``Request`` refuses). The one place that decides which links a crawl
    follows: feed entries, sitemap entries and alternates, listing links, next pages, retries.
    """
    text = (url or "").strip()
    if not text:
        return None
    try:
        joined = urljoin(base, text) if base else text
        parts = urlsplit(joined)
        _ = parts.port  # raises for a port out of range
        safe_url_string(joined)  # what scrapy.Request applies to every URL
    except ValueError:  # UnicodeError (a host IDNA refuses) is a ValueError too
        return None
    if parts.scheme.lower() not in FOLLOWED_SCHEMES or not parts.hostname:
        return None
    if _SPACE.search(parts.netloc):
        return None
    return joined


@dataclass(frozen=True)
class Link:
    """A page to fetch, with what the feed or sitemap said about it."""

    url: str
    title: str | None = None
    summary: str | None = None
    published: str | None = None
    lastmod: str | None = None
    image: str | None = None
    language: str | None = None
    alternates: dict[str, str] = field(default_factory=dict)

    def hints(self) -> dict[str, Any]:
        """Keyword hints for ``pipelines.process_page``."""
        found = {
            "title": self.title,
            "summary": self.summary,
            "published": self.published,
            "lastmod": self.lastmod,
            "image": self.image,
            "language": self.language,
        }
        return {k: v for k, v in found.items() if v}

    @property
    def freshness(self) -> str | None:
        """The latest date the source gives for the page: a newer one means it changed."""
        return max(filter(None, (self.lastmod, self.published)), default=None)


# ---- feeds ---------------------------------------------------------------------------------


def feed_links(body: bytes, feed_url: str, language: str | None) -> tuple[str | None, list[Link]]:
    """The feed's language and its entries as links (RSS or Atom)."""
    parsed = feedparser.parse(body, response_headers={"content-location": feed_url})
    if parsed.bozo and not parsed.entries:
        raise DiscoveryError(f"unreadable feed: {parsed.get('bozo_exception')}")
    feed_language = language or parsed.feed.get("language")
    links = []
    for entry in parsed.entries:
        links.append(
            Link(
                url=str(entry.get("link") or ""),  # an entry without a link is reported
                title=entry.get("title"),
                summary=entry.get("summary"),
                published=_iso_struct(entry.get("published_parsed")),
                lastmod=_iso_struct(_own(entry, "updated_parsed")),
                image=_enclosure_image(entry),
                language=feed_language,
            )
        )
    return feed_language, links


def _own(entry: Any, key: str) -> Any:
    """A feed entry's own value, without feedparser's deprecated updated→published fallback."""
    return dict.get(entry, key)


def _enclosure_image(entry: Any) -> str | None:
    for enclosure in entry.get("enclosures", []):
        if str(enclosure.get("type", "")).startswith("image/"):
            return str(enclosure.get("href"))
    for media in entry.get("media_content", []):
        if str(media.get("medium", "")) == "image" or str(media.get("type", "")).startswith(
            "image/"
        ):
            return str(media.get("url"))
    return None


def _iso_struct(struct: Any) -> str | None:
    """A feed date as ISO 8601 UTC; None for one outside what a datetime holds (year 0)."""
    if not struct:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(struct), tz=UTC).isoformat()
    except (ValueError, OverflowError, OSError, TypeError):
        return None


# ---- sitemaps ------------------------------------------------------------------------------

_SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_XHTML = "{http://www.w3.org/1999/xhtml}"


def sitemap_links(body: bytes) -> tuple[str, list[Link]]:
    """``("index", sitemaps)`` or ``("urlset", pages)`` from a sitemap document.

    Entries keep their ``lastmod`` and their ``xhtml:link`` hreflang alternates.
    """
    parser = lxml.etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, remove_comments=True
    )
    try:
        root = lxml.etree.parse(BytesIO(body), parser).getroot()
    except lxml.etree.XMLSyntaxError as exc:
        raise DiscoveryError(f"unreadable sitemap: {exc}") from exc
    if root is None:
        raise DiscoveryError("unreadable sitemap: empty document")
    kind = _local(root.tag)
    if kind not in ("sitemapindex", "urlset"):
        raise DiscoveryError(f"not a sitemap: root element <{kind}>")
    links = []
    for node in root:
        if _local(node.tag) not in ("url", "sitemap"):
            continue
        loc = _child_text(node, "loc") or ""  # an entry without <loc> is reported
        alternates = {
            alt.get("hreflang", ""): alt.get("href", "")
            for alt in node.iter(f"{_XHTML}link")
            if alt.get("rel") == "alternate" and alt.get("href") and alt.get("hreflang")
        }
        links.append(Link(url=loc, lastmod=_child_text(node, "lastmod"), alternates=alternates))
    return ("index" if kind == "sitemapindex" else "urlset"), links


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _child_text(node: Any, name: str) -> str | None:
    for child in node:
        if _local(child.tag) == name and child.text and child.text.strip():
            return str(child.text.strip())
    return None


# ---- listing pages -------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """What a listing page gives: article links, the next page, and links not followed.

    ``skipped`` holds hrefs the source's article patterns picked, and the next-page href,
    that cannot be followed (see :func:`followable`); other unfollowable anchors (share
    buttons' ``mailto:``, ``javascript:`` toggles) are the page's furniture, dropped quietly.
    """

    articles: list[str]
    next_page: str | None
    skipped: list[str] = field(default_factory=list)


def listing_links(
    body: bytes, base_url: str, patterns: Sequence[re.Pattern[str]], next_selector: str
) -> Listing:
    """Article links on a listing page (those matching ``patterns``), and the next page."""
    try:
        tree = lxml.html.fromstring(body, base_url=base_url)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise DiscoveryError(f"unreadable listing page: {exc}") from exc
    listing = Listing(articles=[], next_page=None)
    found: dict[str, None] = {}  # article links in page order, each once
    for href in tree.xpath("//a/@href"):
        raw = str(href).strip()
        url = followable(raw, base_url)
        if url is None:
            if patterns and raw and matches(raw, patterns):
                listing.skipped.append(raw)
        elif url not in found and matches(url, patterns):
            found[url] = None
    listing.articles.extend(found)
    for node in tree.cssselect(next_selector):
        if node.get("href"):
            next_page = followable(node.get("href"), base_url)
            if next_page is None:
                listing.skipped.append(node.get("href"))
            return Listing(listing.articles, next_page, listing.skipped)
    return listing


def compile_patterns(patterns: Iterable[str]) -> list[re.Pattern[str]]:
    return [re.compile(p) for p in patterns]


def matches(url: str, patterns: Sequence[re.Pattern[str]]) -> bool:
    """True when ``url`` is an article by the source's patterns (all URLs when none given)."""
    return not patterns or any(p.search(url) for p in patterns)
