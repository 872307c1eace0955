"""What spiders hand to pipelines: raw pages, failures, and the state of the entry points read.

Every article item carries ``via``: the entry points (feed, sitemap or listing URLs, outermost
first — a sitemap index, then its child sitemap) that led to it. A crawl keeps the validators
(ETag, Last-Modified) only of entry points none of whose pages failed, so the next crawl reads
them whole again and finds the failed pages, instead of being told "304 Not Modified".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy.http import Response


@dataclass
class RawPage:
    """One fetched page, before any extraction.

    ``entry`` holds what the feed item or sitemap entry said about the page (title,
    published, summary, image, language, lastmod), kept as hints for the pipelines;
    ``freshness`` is the latest of those dates, remembered to tell a changed page later.
    """

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    source: str
    publisher: str = ""
    language_hint: str | None = None
    entry: dict[str, Any] = field(default_factory=dict)
    freshness: str | None = None
    fetched_at: str = ""
    via: tuple[str, ...] = ()

    def __repr__(self) -> str:  # Scrapy logs items: never the whole body
        return f"RawPage({self.url!r}, status={self.status}, {len(self.body)} bytes)"


@dataclass(frozen=True)
class EntryPointState:
    """A feed, sitemap or listing page fetched whole: validators for the next conditional GET."""

    url: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class FetchFailure:
    """An article page that could not be fetched, processed or stored; the next crawl tries
    it again. ``reason`` is the cause, one line (``HTTP 500``, ``cannot store: ...``)."""

    url: str
    source: str
    reason: str
    hints: dict[str, Any] = field(default_factory=dict)
    via: tuple[str, ...] = ()


@dataclass(frozen=True)
class EntryPointFailure:
    """A feed, sitemap or listing page that could not be fetched or read: the entry points
    that led to it (a sitemap index, the listing's first page) keep no validators."""

    url: str
    source: str
    reason: str
    via: tuple[str, ...] = ()


def response_headers(response: Response) -> dict[str, str]:
    """A response's headers as text, repeated headers joined (as HTTP allows)."""
    return {
        k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()
    }
