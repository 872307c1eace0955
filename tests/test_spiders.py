"""Discovery, spider by spider: feeds, sitemap indexes, sitemaps, listings with pagination,
articles, incrementality. Responses are built offline, as Scrapy's own tests do."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.config import load_config
from spiders.base import SourceSpider
from spiders.discovery import Link, followable
from spiders.generic import GenericSpider
from spiders.items import EntryPointFailure, EntryPointState, FetchFailure, RawPage
from spiders.un_news import UNNewsSpider
from spiders.undp import UNDPSpider
from spiders.unesco import UNESCOSpider
from spiders.unicef import UNICEFSpider

CONFIG = load_config(None)


def spider(cls: type[SourceSpider], source: str, **kwargs: Any) -> SourceSpider:
    crawler = get_crawler(cls, {"GCED_SOURCES": dict(CONFIG.sources)})
    built = cls.from_crawler(crawler, source_name=source, **kwargs)
    crawler.spider = built
    return built


def requests(output: Any) -> list[Request]:
    return [r for r in output if isinstance(r, Request)]


def xml(url: str, body: str, status: int = 200, **headers: str) -> XmlResponse:
    return XmlResponse(
        url, status=status, body=body.encode(), headers=headers, request=Request(url)
    )


def html(url: str, body: str) -> HtmlResponse:
    return HtmlResponse(url, body=body.encode(), encoding="utf-8", request=Request(url))


def start_urls(built: SourceSpider) -> list[str]:
    async def collect() -> list[str]:
        return [request.url async for request in built.start()]

    return asyncio.run(collect())


RSS = """<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
<title>Новости ООН</title><language>ru</language>
<item><title>Дети Кыргызстана учатся безопасности в интернете</title>
<link>https://news.un.org/feed/view/ru/story/2025/02/1459987</link>
<description>Вводный абзац</description>
<enclosure url="https://example.org/a.jpg" type="image/jpeg" length="1"/>
<pubDate>Fri, 14 Feb 2025 10:00:00 -0500</pubDate></item>
<item><title>Второй материал</title><link>https://news.un.org/feed/view/ru/story/2025/01/1458000</link>
<pubDate>Mon, 06 Jan 2025 10:00:00 -0500</pubDate></item>
</channel></rss>"""


@pytest.mark.parametrize(
    ("cls", "source", "expected"),
    [
        (UNNewsSpider, "un-news", "https://news.un.org/feed/subscribe/zh/news/all/rss.xml"),
        (UNESCOSpider, "unesco", "https://www.unesco.org/sitemap.xml"),
        (UNESCOSpider, "unesco", "https://www.unesco.org/ar/articles"),
        (UNICEFSpider, "unicef-kazakhstan", "https://www.unicef.org/kazakhstan/kk/press-releases"),
        (UNICEFSpider, "unicef-uzbekistan", "https://www.unicef.org/uzbekistan/uz/press-releases"),
        (UNDPSpider, "undp-kyrgyzstan", "https://www.undp.org/ky/kyrgyzstan/news"),
        (UNDPSpider, "undp-turkmenistan", "https://www.undp.org/tk/turkmenistan/news"),
    ],
)
def test_each_source_starts_from_its_configured_entry_points(
    cls: type[SourceSpider], source: str, expected: str
) -> None:
    assert expected in start_urls(spider(cls, source))


def test_feed_entries_are_followed_with_their_hints() -> None:
    built = spider(UNNewsSpider, "un-news")
    out = list(
        built.parse_feed(xml("https://news.un.org/feed/subscribe/ru/news/all/rss.xml", RSS), "ru")
    )
    follow = requests(out)
    assert [r.url for r in follow] == [
        "https://news.un.org/feed/view/ru/story/2025/02/1459987",
        "https://news.un.org/feed/view/ru/story/2025/01/1458000",
    ]
    link = follow[0].cb_kwargs["link"]
    assert link.title == "Дети Кыргызстана учатся безопасности в интернете"
    assert link.published == "2025-02-14T15:00:00+00:00"
    assert (link.language, link.image) == ("ru", "https://example.org/a.jpg")
    assert isinstance(out[-1], EntryPointState)


def test_a_feed_answered_304_yields_nothing() -> None:
    built = spider(UNNewsSpider, "un-news")
    response = xml("https://news.un.org/feed/subscribe/ru/news/all/rss.xml", "", status=304)
    assert list(built.parse_feed(response, "ru")) == []


def test_entry_points_are_asked_for_with_the_last_validators() -> None:
    url = "https://news.un.org/feed/subscribe/en/news/all/rss.xml"
    built = spider(
        UNNewsSpider, "un-news", validators={url: {"etag": '"v7"', "last_modified": None}}
    )
    request = built.entry_request(url, built.parse_feed, language="en")
    assert request.headers[b"If-None-Match"] == b'"v7"'
    backfill = spider(
        UNNewsSpider, "un-news", since="2024-01-01", validators={url: {"etag": '"v7"'}}
    )
    assert b"If-None-Match" not in backfill.entry_request(url, backfill.parse_feed).headers


def test_a_stored_page_is_not_fetched_again_unless_its_feed_date_is_newer() -> None:
    known = {"https://news.un.org/feed/view/ru/story/2025/02/1459987": "2025-02-14T15:00:00+00:00"}
    built = spider(UNNewsSpider, "un-news", known=known)
    out = requests(
        built.parse_feed(xml("https://news.un.org/feed/subscribe/ru/news/all/rss.xml", RSS), "ru")
    )
    assert [r.url for r in out] == ["https://news.un.org/feed/view/ru/story/2025/01/1458000"]
    newer = RSS.replace("Fri, 14 Feb 2025 10:00:00", "Sat, 15 Feb 2025 10:00:00")
    out = requests(
        built.parse_feed(xml("https://news.un.org/feed/subscribe/ru/news/all/rss.xml", newer), "ru")
    )
    assert "https://news.un.org/feed/view/ru/story/2025/02/1459987" in [r.url for r in out]


def test_backfill_skips_feed_items_older_than_since() -> None:
    built = spider(UNNewsSpider, "un-news", since="2025-02-01")
    out = requests(
        built.parse_feed(xml("https://news.un.org/feed/subscribe/ru/news/all/rss.xml", RSS), "ru")
    )
    assert [r.url for r in out] == ["https://news.un.org/feed/view/ru/story/2025/02/1459987"]


SITEMAP_INDEX = """<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://www.unesco.org/en/sitemap.xml</loc></sitemap>
<sitemap><loc>https://www.unesco.org/fr/sitemap.xml</loc></sitemap></sitemapindex>"""

URLSET = """<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:xhtml="http://www.w3.org/1999/xhtml">
<url><loc>https://www.unesco.org/en/articles/peace-education-toolkit</loc><lastmod>2025-03-12T10:00:00+00:00</lastmod>
<xhtml:link rel="alternate" hreflang="fr" href="https://www.unesco.org/fr/articles/boite-outils-education-paix"/></url>
<url><loc>https://www.unesco.org/en/education</loc><lastmod>2025-03-10</lastmod></url>
<url><loc>https://www.unesco.org/en/articles/older-story</loc><lastmod>2024-06-01</lastmod></url>
</urlset>"""


def test_a_sitemap_index_leads_to_its_sitemaps() -> None:
    built = spider(UNESCOSpider, "unesco")
    out = requests(
        built.parse_sitemap(xml("https://www.unesco.org/sitemap.xml", SITEMAP_INDEX), None)
    )
    assert [r.url for r in out] == [
        "https://www.unesco.org/en/sitemap.xml",
        "https://www.unesco.org/fr/sitemap.xml",
    ]
    assert all(r.callback == built.parse_sitemap for r in out)


def test_a_sitemap_gives_articles_and_their_translations_not_other_pages() -> None:
    built = spider(UNESCOSpider, "unesco")
    out = requests(built.parse_sitemap(xml("https://www.unesco.org/en/sitemap.xml", URLSET), None))
    assert [r.url for r in out] == [
        "https://www.unesco.org/en/articles/peace-education-toolkit",
        "https://www.unesco.org/fr/articles/boite-outils-education-paix",
        "https://www.unesco.org/en/articles/older-story",
    ]
    assert out[0].cb_kwargs["link"].lastmod == "2025-03-12T10:00:00+00:00"


def test_backfill_takes_sitemap_entries_back_to_since() -> None:
    built = spider(UNESCOSpider, "unesco", since="2025-01-01")
    out = requests(built.parse_sitemap(xml("https://www.unesco.org/en/sitemap.xml", URLSET), None))
    assert [r.url for r in out] == [  # not older-story, last modified in 2024
        "https://www.unesco.org/en/articles/peace-education-toolkit",
        "https://www.unesco.org/fr/articles/boite-outils-education-paix",
    ]


LISTING = """<html><body><nav><a href="/en/education">Education</a></nav>
<div class="card"><a href="/en/articles/first-story?hub=66">First</a></div>
<div class="card"><a href="https://www.unesco.org/en/articles/second-story">Second</a></div>
<ul class="pager"><li class="pager__item pager__item--next">
<a href="?page=1" rel="next">Next</a></li></ul>
</body></html>"""


def test_a_listing_gives_its_articles_without_presentation_parameters_and_the_next_page() -> None:
    built = spider(UNESCOSpider, "unesco")
    out = requests(
        built.parse_listing(html("https://www.unesco.org/en/articles", LISTING), "en", 1)
    )
    assert [r.url for r in out] == [
        "https://www.unesco.org/en/articles/first-story",
        "https://www.unesco.org/en/articles/second-story",
        "https://www.unesco.org/en/articles?page=1",
    ]
    assert out[-1].cb_kwargs == {"language": "en", "page": 2}


def test_pagination_stops_when_a_page_brings_nothing_new() -> None:
    known = {
        "https://www.unesco.org/en/articles/first-story": None,
        "https://www.unesco.org/en/articles/second-story": None,
    }
    built = spider(UNESCOSpider, "unesco", known=known)
    out = requests(
        built.parse_listing(html("https://www.unesco.org/en/articles", LISTING), "en", 1)
    )
    assert out == []


def test_an_article_is_yielded_raw_with_its_hints_and_both_urls() -> None:
    built = spider(UNICEFSpider, "unicef-kazakhstan")
    request = Request(
        "https://www.unicef.org/kazakhstan/kk/press-releases/x",
        meta={"redirect_urls": ["https://www.unicef.org/kazakhstan/kk/x"]},
    )
    response = HtmlResponse(
        request.url, body="<html>Қазақша</html>".encode(), encoding="utf-8", request=request
    )
    (page,) = built.parse_article(response, Link(request.url, language="kk", title="Тақырып"))
    assert isinstance(page, RawPage)
    assert (page.url, page.final_url) == ("https://www.unicef.org/kazakhstan/kk/x", request.url)
    assert (page.source, page.publisher, page.language_hint) == (
        "unicef-kazakhstan",
        "unicef",
        "kk",
    )
    assert page.entry == {"title": "Тақырып", "language": "kk"}


def test_a_failed_article_is_remembered_for_the_next_crawl() -> None:
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    built = spider(UNDPSpider, "undp-kyrgyzstan")
    link = Link("https://www.undp.org/ky/kyrgyzstan/news/x", language="ky")
    request = built.article_request(link)
    failure = Failure(HttpError(Response(link.url, status=503, request=request)))
    failure.request = request  # type: ignore[attr-defined]
    (failed,) = list(built.on_error(failure))
    assert failed == FetchFailure(link.url, "undp-kyrgyzstan", "HTTP 503", {"language": "ky"})


def test_a_broken_feed_is_logged_with_its_url(caplog: pytest.LogCaptureFixture) -> None:
    built = spider(GenericSpider, "un-news")
    response = TextResponse(
        "https://news.un.org/feed/broken.xml",
        body=b"<html>not a feed",
        request=Request("https://x.org"),
    )
    assert requests(built.parse_feed(response, None)) == []
    assert "https://news.un.org/feed/broken.xml" in caplog.text


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("/en/story/1", "https://news.un.org/en/story/1"),
        ("//www.un.org/en/page", "https://www.un.org/en/page"),
        (" https://news.un.org/en/story/2 ", "https://news.un.org/en/story/2"),
        ("javascript:void(0)", None),
        ("mailto:desk@example.org", None),
        ("tel:+15551234", None),
        ("data:text/html,hello", None),
        ("ftp://news.un.org/file", None),
        ("", None),
        ("   ", None),
        ("http://[::1", None),
        ("http://news.un.org:99999/x", None),
        ("http:///no-host", None),
        ("http://exa mple.org/", None),
    ],
)
def test_only_web_addresses_are_followed(link: str, expected: str | None) -> None:
    assert followable(link, "https://news.un.org/feed/rss.xml") == expected


BAD_RSS = RSS.replace(
    "<link>https://news.un.org/feed/view/ru/story/2025/02/1459987</link>",
    "<link>javascript:void(0)</link>",
).replace(
    "</channel>",
    "<item><title>Звонок</title><link>tel:+15551234</link></item>"
    "<item><title>Третий</title><link>https://news.un.org/feed/view/ru/story/2025/03/1</link>"
    "</item></channel>",
)


def test_a_bad_link_in_a_feed_is_skipped_and_the_rest_followed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    built = spider(UNNewsSpider, "un-news")
    feed_url = "https://news.un.org/feed/subscribe/ru/news/all/rss.xml"
    out = list(built.parse_feed(xml(feed_url, BAD_RSS), "ru"))
    assert [r.url for r in requests(out)] == [
        "https://news.un.org/feed/view/ru/story/2025/01/1458000",
        "https://news.un.org/feed/view/ru/story/2025/03/1",
    ]
    assert isinstance(out[-1], EntryPointState), "the feed was read to its end"
    assert f"skipped link 'javascript:void(0)' in {feed_url}" in caplog.text
    assert f"skipped link 'tel:+15551234' in {feed_url}" in caplog.text
    assert built.crawler.stats.get_value("gced/links_skipped/un-news") == 2


def test_bad_links_in_a_sitemap_index_a_sitemap_and_a_listing_are_skipped() -> None:
    built = spider(UNESCOSpider, "unesco")
    index = SITEMAP_INDEX.replace("https://www.unesco.org/fr/sitemap.xml", "mailto:x@unesco.org")
    out = requests(built.parse_sitemap(xml("https://www.unesco.org/sitemap.xml", index), None))
    assert [r.url for r in out] == ["https://www.unesco.org/en/sitemap.xml"]
    urlset = URLSET.replace(
        "https://www.unesco.org/fr/articles/boite-outils-education-paix", "javascript:go()"
    )
    out = requests(built.parse_sitemap(xml("https://www.unesco.org/en/sitemap.xml", urlset), None))
    assert [r.url for r in out] == [
        "https://www.unesco.org/en/articles/peace-education-toolkit",
        "https://www.unesco.org/en/articles/older-story",
    ]
    listing = LISTING.replace('href="?page=1"', 'href="javascript:more()"').replace(
        "</body>", '<a href="mailto:?subject=share">Share</a></body>'
    )
    out = requests(
        built.parse_listing(html("https://www.unesco.org/en/articles", listing), "en", 1)
    )
    assert [r.url for r in out] == [
        "https://www.unesco.org/en/articles/first-story",
        "https://www.unesco.org/en/articles/second-story",
    ]
    # the share button's mailto: is no article link (the patterns do not pick it): not counted
    assert built.crawler.stats.get_value("gced/links_skipped/unesco") == 3


def test_a_bad_url_among_the_pages_to_retry_is_skipped() -> None:
    built = spider(
        UNNewsSpider,
        "un-news",
        retry=[("mailto:x@un.org", {}), ("https://news.un.org/en/story/2025/05/1", {})],
    )
    assert start_urls(built)[0] == "https://news.un.org/en/story/2025/05/1"


def test_an_article_knows_the_entry_points_that_led_to_it() -> None:
    built = spider(UNESCOSpider, "unesco")
    (child, _) = requests(
        built.parse_sitemap(xml("https://www.unesco.org/sitemap.xml", SITEMAP_INDEX), None)
    )
    response = XmlResponse(child.url, body=URLSET.encode(), request=child)
    article = requests(built.parse_sitemap(response, None))[0]
    chain = ("https://www.unesco.org/sitemap.xml", "https://www.unesco.org/en/sitemap.xml")
    assert article.meta["gced_via"] == chain
    page = HtmlResponse(article.url, body=b"<html></html>", request=article)
    (raw,) = built.parse_article(page, article.cb_kwargs["link"])
    assert raw.via == chain


def test_a_failed_article_and_a_failed_sitemap_name_their_entry_points() -> None:
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    built = spider(UNESCOSpider, "unesco")
    via = ("https://www.unesco.org/sitemap.xml",)
    child = built.entry_request(
        "https://www.unesco.org/en/sitemap.xml", built.parse_sitemap, via=via
    )
    failure = Failure(HttpError(Response(child.url, status=500, request=child)))
    failure.request = child  # type: ignore[attr-defined]
    (failed,) = list(built.on_error(failure))
    assert failed == EntryPointFailure(child.url, "unesco", "HTTP 500", via)
    article = built.article_request(Link("https://www.unesco.org/en/articles/x"), (*via, child.url))
    failure = Failure(HttpError(Response(article.url, status=404, request=article)))
    failure.request = article  # type: ignore[attr-defined]
    (failed,) = list(built.on_error(failure))
    assert isinstance(failed, FetchFailure) and failed.via == (*via, child.url)


def test_a_page_robots_txt_forbids_is_not_a_failure(caplog: pytest.LogCaptureFixture) -> None:
    from scrapy.exceptions import IgnoreRequest
    from twisted.python.failure import Failure

    built = spider(UNESCOSpider, "unesco")
    request = built.article_request(Link("https://www.unesco.org/en/private/x"))
    failure = Failure(IgnoreRequest("Forbidden by robots.txt"))
    failure.request = request  # type: ignore[attr-defined]
    assert list(built.on_error(failure)) == []
    assert "failed" not in caplog.text


def test_a_feed_entry_with_an_impossible_date_is_followed_without_it() -> None:
    built = spider(UNNewsSpider, "un-news")
    odd = RSS.replace("Fri, 14 Feb 2025 10:00:00 -0500", "0000-00-00")
    out = requests(
        built.parse_feed(xml("https://news.un.org/feed/subscribe/ru/news/all/rss.xml", odd), "ru")
    )
    assert len(out) == 2
    assert out[0].cb_kwargs["link"].published is None


def test_a_sitemap_index_that_lists_itself_is_not_fetched_again() -> None:
    built = spider(UNESCOSpider, "unesco")
    index = "https://www.unesco.org/sitemap.xml"
    looped = SITEMAP_INDEX.replace("https://www.unesco.org/fr/sitemap.xml", index)
    out = requests(built.parse_sitemap(xml(index, looped), None))
    assert [r.url for r in out] == ["https://www.unesco.org/en/sitemap.xml"]


def test_a_pager_pointing_back_to_an_earlier_page_is_not_followed() -> None:
    built = spider(UNESCOSpider, "unesco")
    first = "https://www.unesco.org/en/articles"
    back = LISTING.replace('href="?page=1"', f'href="{first}"')
    request = Request(f"{first}?page=1", meta={"gced_via": (first,)})
    response = HtmlResponse(request.url, body=back.encode(), encoding="utf-8", request=request)
    out = requests(built.parse_listing(response, "en", 2))
    assert [r.url for r in out] == [  # the articles, but not the first page again
        "https://www.unesco.org/en/articles/first-story",
        "https://www.unesco.org/en/articles/second-story",
    ]
