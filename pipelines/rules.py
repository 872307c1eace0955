"""A site's rules for extraction: the CSS selectors that say what the generic rules cannot.

A plain value, read from the config by ``crawler.config`` and handed to the pipelines.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SiteRules:
    """Optional CSS selectors applied before generic extraction (trafilatura stays the fallback).

    ``drop``: removed as they stand; ``prune``: removed unless they hold the article (as the
    generic boilerplate rules); ``standfirst``: where the site prints the lead paragraph.
    """

    title: str | None = None
    published: str | None = None
    body: str | None = None
    drop: tuple[str, ...] = ()
    prune: tuple[str, ...] = ()
    standfirst: tuple[str, ...] = ()

    def over(self, base: SiteRules) -> SiteRules:
        """These rules on top of ``base``: a selector set here wins, lists add up."""
        return SiteRules(
            title=self.title or base.title,
            published=self.published or base.published,
            body=self.body or base.body,
            drop=base.drop + self.drop,
            prune=base.prune + self.prune,
            standfirst=self.standfirst + base.standfirst,
        )
