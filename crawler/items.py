"""What spiders hand to pipelines: the raw page, with the hints that led to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RawPage:
    """One fetched page, before any extraction.

    ``entry`` is the feed item or sitemap entry that led to the page (title, published,
    summary, image, feed URL, lastmod, ...), kept as hints for the pipelines.
    """

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    encoding: str
    source: str
    language_hint: str | None = None
    entry: dict[str, Any] = field(default_factory=dict)
    fetched_at: str = ""

    def html(self) -> str:
        return self.body.decode(self.encoding or "utf-8", errors="replace")
