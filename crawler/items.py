"""What spiders hand to pipelines: raw pages, and the state of the entry points they read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
    encoding: str
    source: str
    publisher: str = ""
    language_hint: str | None = None
    entry: dict[str, Any] = field(default_factory=dict)
    freshness: str | None = None
    fetched_at: str = ""

    def html(self) -> str:
        return self.body.decode(self.encoding or "utf-8", errors="replace")


@dataclass(frozen=True)
class EntryPointState:
    """A feed, sitemap or listing page fetched whole: validators for the next conditional GET."""

    url: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class FetchFailure:
    """An article page that could not be fetched; the next crawl tries it again."""

    url: str
    source: str
    reason: str
    hints: dict[str, Any] = field(default_factory=dict)
