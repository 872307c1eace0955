"""A configured source as the spiders read it: where its feeds, sitemaps and listings are,
which links are articles, and whose they are. A plain value, built by ``crawler.config``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.rules import SiteRules

# Drupal pagers (all four sites are Drupal) and the standard rel=next.
DEFAULT_NEXT_PAGE = "li.pager__item--next a, a[rel~=next], link[rel~=next]"


@dataclass(frozen=True)
class SourceConfig:
    name: str
    spider: str
    languages: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    article_patterns: tuple[str, ...] = ()
    next_page: str = DEFAULT_NEXT_PAGE
    agency: str = ""
    country: str | None = None
    enabled: bool = True
    rules: SiteRules = field(default_factory=SiteRules)

    @property
    def publisher(self) -> str:
        """What records name as their ``source``: the agency (unicef), else the source name."""
        return self.agency or self.name

    def feed_urls(self) -> list[tuple[str, str | None]]:
        """Each configured feed as (url, language); ``{lang}`` templates expand per language."""
        return _expand(self.feeds, self.languages)

    def sitemap_urls(self) -> list[tuple[str, str | None]]:
        return _expand(self.sitemaps, self.languages)

    def listing_urls(self) -> list[tuple[str, str | None]]:
        return _expand(self.listings, self.languages)


def _expand(templates: tuple[str, ...], languages: tuple[str, ...]) -> list[tuple[str, str | None]]:
    urls: list[tuple[str, str | None]] = []
    for template in templates:
        if "{lang}" in template:
            urls.extend((template.replace("{lang}", lang), lang) for lang in languages)
        else:
            urls.append((template, None))
    return urls
