"""UN News (news.un.org): the RSS feed of each configured language and topic.

Feed items link through ``/feed/view/<lang>/story/<yyyy>/<mm>/<id>``, which redirects to the
story at ``/<lang>/story/<yyyy>/<mm>/<id>``; Scrapy follows the redirect and the raw page
keeps both URLs.
"""

from __future__ import annotations

from spiders.base import SourceSpider


class UNNewsSpider(SourceSpider):
    name = "un_news"
