"""Items → view models: pure functions, no I/O, nothing the templates must work out."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from .errors import InvalidItemError

logger = logging.getLogger(__name__)

INDEX_PATH = "index.html"
ITEMS_FOLDER = "items"
UNTITLED = "Untitled story"
SOURCE_NAMES: Mapping[str, str] = {
    "un-news": "UN News",
    "unesco": "UNESCO",
    "unicef": "UNICEF",
    "undp": "UNDP",
}

_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
_LANG_PATTERN = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")
_RTL_LANGUAGES = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ps", "sd", "ug", "ur", "yi"}
)
_RTL_SCRIPTS = frozenset({"adlm", "arab", "hebr", "nkoo", "rohg", "syrc", "thaa"})
_MONTHS = tuple(
    "January February March April May June July August September October November December".split()
)
_OLDEST = datetime.min.replace(tzinfo=UTC)
_LEAD_LENGTH = 280


@dataclass(frozen=True)
class Lang:
    """A BCP-47 tag ("" when unknown) and whether its script runs right to left."""

    code: str
    rtl: bool


@dataclass(frozen=True)
class DateView:
    """A moment for `<time datetime=iso>label</time>`, in the publisher's own offset."""

    iso: str
    label: str


@dataclass(frozen=True)
class Topic:
    slug: str
    label: str


@dataclass(frozen=True)
class TranslationLink:
    href: str
    lang: Lang


@dataclass(frozen=True)
class ItemView:
    """Everything a page shows about one item, ready to lay out."""

    id: str
    path: str
    title: str
    title_lang: Lang
    summary: str | None
    lead: str | None
    lang: Lang
    paragraphs: tuple[str, ...]
    source: str
    source_slug: str
    published: DateView | None
    updated: DateView | None
    authors: tuple[str, ...]
    topics: tuple[Topic, ...]
    countries: tuple[str, ...]
    original_url: str | None
    translations: tuple[TranslationLink, ...]
    featured: bool


def prepare_items(items: Iterable[Mapping[str, Any]]) -> tuple[ItemView, ...]:
    """Drop rejected items, sort newest first and turn each into an `ItemView`."""
    kept = [item for item in items if not is_rejected(item)]
    kept.sort(key=newest_first_key, reverse=True)
    return tuple(item_view(item) for item in kept)


def is_rejected(item: Mapping[str, Any]) -> bool:
    return item.get("status") == "rejected"


def newest_first_key(item: Mapping[str, Any]) -> tuple[datetime, datetime, str]:
    """Sort key (use with reverse=True): published, then crawled_at, then id; undated last."""
    published = parse_timestamp(item.get("published"))
    crawled = parse_timestamp(item.get("crawled_at"))
    return (
        published.astimezone(UTC) if published else _OLDEST,
        crawled.astimezone(UTC) if crawled else _OLDEST,
        str(item.get("id") or ""),
    )


def item_view(item: Mapping[str, Any]) -> ItemView:
    identifier = item_id(item)
    lang = language_of(item.get("language"))
    paragraphs = paragraphs_of(item.get("text"))
    summary = display_summary(item)
    title = display_title(item)
    published = _timestamp_field(item, "published")
    updated = _timestamp_field(item, "updated")
    source_slug = _clean(item.get("source")) or ""
    return ItemView(
        id=identifier,
        path=item_path(identifier),
        title=title or UNTITLED,
        title_lang=title_language(item) if title else language_of("en"),
        summary=summary,
        lead=summary if summary is not None else lead_of(paragraphs),
        lang=lang,
        paragraphs=paragraphs,
        source=source_name(source_slug),
        source_slug=source_slug,
        published=date_view(published),
        updated=date_view(updated) if updated and updated != published else None,
        authors=_strings(item.get("authors")),
        topics=tuple(Topic(slug, topic_label(slug)) for slug in _strings(item.get("topics"))),
        countries=tuple(code.upper() for code in _strings(item.get("countries"))),
        original_url=safe_url(item.get("canonical_url")) or safe_url(item.get("url")),
        translations=translation_links(item.get("translations")),
        featured=item.get("status") == "featured",
    )


def item_id(item: Mapping[str, Any]) -> str:
    """The item's id, refused unless it is safe as a file name and a URL path segment."""
    value = item.get("id")
    if not isinstance(value, str) or not _ID_PATTERN.fullmatch(value):
        raise InvalidItemError(
            f"item id {value!r} is not a URL-safe name (url={item.get('url')!r})"
        )
    return value


def item_path(identifier: str) -> str:
    """Where an item's page lives, relative to the site root (POSIX separators)."""
    return f"{ITEMS_FOLDER}/{identifier}.html"


def display_title(item: Mapping[str, Any]) -> str | None:
    """The editor's title when set (and not blank), else the scraped title."""
    return _clean(item.get("edited_title")) or _clean(item.get("title"))


def title_language(item: Mapping[str, Any]) -> Lang:
    """The title's own language when known (a Kazakh title on a Russian page), else the body's."""
    return language_of(item.get("title_language") or item.get("language"))


def display_summary(item: Mapping[str, Any]) -> str | None:
    """The editor's summary whenever it is not None (blank hides it), else the scraped one."""
    edited = item.get("edited_summary")
    if edited is not None:
        return _clean(edited)
    return _clean(item.get("summary"))


def paragraphs_of(text: str | None) -> tuple[str, ...]:
    """Plain text with paragraphs on separate lines → non-empty stripped paragraphs."""
    if not text:
        return ()
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def lead_of(paragraphs: tuple[str, ...], limit: int = _LEAD_LENGTH) -> str | None:
    """A stand-in summary: the first paragraph, cut at a word boundary near `limit`."""
    if not paragraphs:
        return None
    first = paragraphs[0]
    if len(first) <= limit:
        return first
    cut = first[:limit]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def language_of(tag: Any) -> Lang:
    """A normalised BCP-47 tag; anything that is not a well-formed tag becomes unknown ("")."""
    code = tag.strip().replace("_", "-") if isinstance(tag, str) else ""
    if not _LANG_PATTERN.fullmatch(code):
        code = ""
    return Lang(code=code, rtl=is_rtl(code))


def is_rtl(tag: str) -> bool:
    """True for right-to-left scripts: an explicit script subtag wins over the language."""
    subtags = tag.lower().split("-")
    scripts = [part for part in subtags[1:] if len(part) == 4 and part.isalpha()]
    if scripts:
        return scripts[0] in _RTL_SCRIPTS
    return subtags[0] in _RTL_LANGUAGES


def parse_timestamp(value: Any) -> datetime | None:
    """ISO 8601 string (or datetime) → aware datetime in its own offset; naive means UTC."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def date_view(moment: datetime | None) -> DateView | None:
    if moment is None:
        return None
    label = f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"
    return DateView(iso=moment.isoformat(timespec="seconds"), label=label)


def source_name(slug: str) -> str:
    return SOURCE_NAMES.get(slug, slug or "Unknown source")


def topic_label(slug: str) -> str:
    words = slug.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def safe_url(value: Any) -> str | None:
    """Only absolute http(s) URLs may become links: no javascript:, data: or relative paths."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url
    return None


def translation_links(translations: Any) -> tuple[TranslationLink, ...]:
    """language → URL mapping → links sorted by language, unsafe URLs left out."""
    if not isinstance(translations, Mapping):
        return ()
    links = []
    for tag, url in translations.items():
        href = safe_url(url)
        lang = language_of(tag)
        if href and lang.code:
            links.append(TranslationLink(href=href, lang=lang))
    return tuple(sorted(links, key=lambda link: link.lang.code))


def _timestamp_field(item: Mapping[str, Any], field: str) -> datetime | None:
    value = item.get(field)
    parsed = parse_timestamp(value)
    if value and parsed is None:
        logger.warning("item %s: cannot parse %s %r, showing no date", item.get("id"), field, value)
    return parsed


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _strings(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list | tuple):
        return ()
    return tuple(text for value in values if (text := _clean(value)))
