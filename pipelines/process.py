"""The whole chain for one page: extract → dates → language → topics → dedup, as plain
functions (``process_page`` for a page, ``process_fetched`` for a page of a configured source).
The Scrapy item pipeline, the ``extract`` command, re-processing and the tests all call them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from pipelines import dates, dedup, topics
from pipelines.decode import decode_page
from pipelines.extract import ExtractionError, extract, strip_controls
from pipelines.language import detect_fields, normalise_tag
from pipelines.record import Record
from pipelines.rules import SiteRules

__all__ = ["ExtractionError", "Source", "process_fetched", "process_page", "url_language"]

_URL_LANG = re.compile(r"^/(?:feed/view/)?([a-z]{2,3}(?:-[a-z]{2,4})?)(?:/|$)", re.IGNORECASE)


def url_language(url: str) -> str | None:
    """The language segment a URL starts with (``/ru/story/...`` → ``ru``), if any."""
    match = _URL_LANG.match(urlsplit(url).path)
    return normalise_tag(match.group(1)) if match else None


class Source(Protocol):
    """What processing needs of a configured source (``crawler.config.SourceConfig`` is one)."""

    @property
    def publisher(self) -> str: ...

    @property
    def rules(self) -> SiteRules: ...

    @property
    def country(self) -> str | None: ...


def process_fetched(
    html: str | bytes,
    url: str,
    source: Source | None,
    *,
    requested_url: str | None = None,
    content_type: str | None = None,
    rules: SiteRules | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    **hints: Any,
) -> Record:
    """A page fetched for a configured source (by a crawl, from the raw archive, or saved by
    hand) → its record: named after the source's publisher, with its site rules and
    country, and the URL that was asked for (``url`` is where the page was found). ``rules``
    serve a page of no configured source (the site rules of its host).

    Bytes are decoded as a browser would, the ``content_type`` header's charset first if
    the bytes bear it out (see :mod:`pipelines.decode`).
    Raises ExtractionError for a page that is not HTML, not text, or holds no article."""
    if content_type and "html" not in content_type.lower():
        raise ExtractionError(f"not HTML ({content_type})")
    record = process_page(
        decode_page(html, content_type) if isinstance(html, bytes) else html,
        url,
        source=source.publisher if source else "",
        rules=source.rules if source else rules,
        country=source.country if source else None,
        now=now,
        **hints,
    )
    record["url"] = requested_url or url
    return record


def process_page(
    html: str | bytes,
    url: str,
    *,
    source: str = "",
    title: str | None = None,
    published: str | None = None,
    summary: str | None = None,
    image: str | None = None,
    language: str | None = None,
    lastmod: str | None = None,
    country: str | None = None,
    rules: SiteRules | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    **_ignored: Any,
) -> Record:
    """The record for one article page fetched from ``url``.

    Keyword hints come from what led to the page (a feed entry's title, date, summary, image
    and language, a sitemap's lastmod); the page's own evidence wins over them. Bytes are
    decoded without a header's help (:func:`pipelines.decode.decode_page`).
    Raises :class:`ExtractionError` for a page that is not text or holds no article.
    """
    moment = now()
    page = extract(decode_page(html) if isinstance(html, bytes) else html, url, rules)
    record_title = strip_controls(page.title or title or "")
    record_summary = strip_controls(page.description or summary or page.first_paragraph or "")
    text = strip_controls(page.text)
    if not text.strip():
        raise ExtractionError("no article text found")
    canonical = dedup.canonical_url(url, page.canonical)

    candidates = list(page.date_candidates)
    if published:
        candidates.append(("published", published, "feed"))
    if lastmod:
        candidates.append(("updated", lastmod, "sitemap"))
    if found := dates.url_date(canonical):
        candidates.append(("published", found, "url"))
    published_at, updated_at = dates.choose_dates(candidates, moment)

    alternates = {lang: dedup.canonical_url(link) for lang, link in page.alternates.items()}
    own_tags = [lang for lang, link in alternates.items() if link == canonical]
    hints = _language_hints(canonical, page.html_lang, own_tags, language)
    title_lang, body_lang = detect_fields(record_title, text, hints)
    tagging = topics.tag(record_title, text)
    content_hash, signature = dedup.fingerprints(text)
    translations = {
        normalise_tag(lang): link
        for lang, link in page.alternates.items()
        if alternates[lang] != canonical
    }
    return {
        "url": url,
        "canonical_url": canonical,
        "source": source,
        "title": record_title,
        "text": text,
        "summary": record_summary or None,
        "published": published_at.value if published_at else None,
        "published_source": published_at.source if published_at else None,
        "updated": updated_at.value if updated_at else None,
        "updated_source": updated_at.source if updated_at else None,
        "authors": page.authors,
        "image": page.image or image,
        "image_alt": page.image_alt if page.image else None,
        "thumbnail": None,  # the crawl fetches the image after processing
        "thumbnail_width": None,
        "thumbnail_height": None,
        "language": body_lang.language,
        "language_confidence": round(body_lang.confidence, 3),
        "title_language": title_lang.language,
        "title_language_confidence": round(title_lang.confidence, 3),
        "topics": tagging.topics,
        "countries": _with_country(tagging.countries, country),
        "relevance": tagging.relevance,
        "relevance_reasons": tagging.reasons,
        "content_hash": content_hash,
        "minhash": signature,
        "story_id": dedup.story_id(canonical, page.alternates),
        "translations": translations,
        "crawled_at": moment.astimezone(UTC).isoformat(),
        "extraction": "site-rules" if page.site_rules_matched else "generic",
    }


def _with_country(found: list[str], office: str | None) -> list[str]:
    """A country office's items are about its country, named in the text or not."""
    if office and office not in found:
        return [office, *found]
    return found


def _language_hints(
    url: str, html_lang: str | None, own_tags: list[str], feed_language: str | None
) -> tuple[str, ...]:
    """What the page claims about its language, strongest first, without repeats."""
    claimed = [url_language(url), html_lang]
    claimed += own_tags  # the page's hreflang entry for itself
    claimed.append(feed_language)
    hints: list[str] = []
    for tag in claimed:
        if tag and normalise_tag(tag) not in hints:
            hints.append(normalise_tag(tag))
    return tuple(hints)
