"""Any further site named in the config by feeds, sitemaps or listing pages, no code needed.

For a national UNESCO commission or a UNESCO club federation::

    [sources.unesco-kz]
    spider = "generic"
    languages = ["kk", "ru"]
    allowed_domains = ["unesco.kz"]
    feeds = ["https://unesco.kz/{lang}/rss.xml"]
"""

from __future__ import annotations

from spiders.base import SourceSpider


class GenericSpider(SourceSpider):
    name = "generic"
