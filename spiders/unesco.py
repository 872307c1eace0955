"""UNESCO (www.unesco.org): articles at ``/<lang>/articles/<slug>`` in en, fr, es, ru, ar, zh.

Discovery: the sitemap index (per-language sitemaps with lastmod and hreflang alternates)
and the ``/<lang>/articles`` listings with their Drupal pager. Listing links often carry a
presentation-only ``?hub=<n>``, removed before fetching, so one article is fetched once.
"""

from __future__ import annotations

from spiders.base import SourceSpider


class UNESCOSpider(SourceSpider):
    name = "unesco"
