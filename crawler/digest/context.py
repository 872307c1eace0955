"""Items → view models: which items show, in what order, in which listings. No rendering.

One pass over the items (they may come straight from the database cursor) keeps a compact
`ItemView` per visible item and spools each body text to a `TextStore`, so 100,000 items fit
in memory without their texts. Each view carries a fingerprint of everything a page shows
about it, so the incremental build can tell an unchanged page without rendering it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from array import array
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from .errors import InvalidItemError, OutputCollisionError
from .i18n import ui_tree

logger = logging.getLogger(__name__)

ITEMS_FOLDER = "items"
STATUSES_SHOWN = frozenset({"approved", "featured"})
CANDIDATE = "candidate"
LISTING_KINDS = ("language", "source", "topic", "country", "month")

_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
_LANG_PATTERN = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")
_SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
# Characters XML 1.0 forbids; scraped text sometimes carries them and they would break feeds.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# An absolute http(s) URL with a host, no spaces or control characters, no [ ] outside IPv6.
_HTTP_URL = re.compile(
    r"(?i)https?://(?:[^\s/?#@\[\]\x00-\x1f]+@)?"
    r"(?:\[[0-9a-f:.]+\]|[^\s/?#@\[\]:\x00-\x1f]+)(?::\d*)?"
    r"(?:[/?#][^\s\x00-\x1f]*)?"
)
_RTL_LANGUAGES = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ps", "sd", "ug", "ur", "yi"}
)
_RTL_SCRIPTS = frozenset({"adlm", "arab", "hebr", "nkoo", "rohg", "syrc", "thaa"})
_OLDEST = datetime.min.replace(tzinfo=UTC)
_LEAD_LENGTH = 280


@dataclass(frozen=True, slots=True)
class Lang:
    """A BCP-47 tag ("" when unknown) and whether its script runs right to left."""

    code: str
    rtl: bool

    @property
    def key(self) -> str:
        """The tag as a listing key and URL segment: lower case ("uz-latn")."""
        return self.code.lower()

    @property
    def primary(self) -> str:
        """The language without script or region: "uz" for "uz-Latn"."""
        return self.key.partition("-")[0]


@dataclass(frozen=True, slots=True)
class TranslationLink:
    href: str
    lang: Lang


@dataclass(frozen=True)
class Visibility:
    """Which items the site shows: approved and featured always, rejected never, and
    unreviewed candidates when `show_candidates` and their relevance reaches `threshold`."""

    show_candidates: bool = True
    threshold: float = 0.2

    def status_shown(self, item: Mapping[str, Any]) -> str | None:
        """The status the item shows with, or None when it stays off the site."""
        status = item.get("status") or CANDIDATE
        if status in STATUSES_SHOWN:
            return str(status)
        if status == CANDIDATE and self.show_candidates:
            relevance = item.get("relevance")
            if isinstance(relevance, int | float) and relevance >= self.threshold:
                return CANDIDATE
        return None


@dataclass(frozen=True, slots=True)
class ThumbnailView:
    """A story's thumbnail as the site shows it: copied from the thumbnail store (`stored`)
    to `path` in the site; `alt` is what the page said the image shows, or "" (the title
    sits beside it: the picture adds nothing a screen reader should read twice)."""

    stored: str  # in the thumbnail store: "ab/ab12….jpg"
    path: str  # in the site, from its root: "thumbs/ab12….jpg"
    width: int
    height: int
    alt: str


@dataclass(frozen=True, slots=True)
class ItemView:
    """Everything a page shows about one item, except its body text (kept in a TextStore)."""

    id: str
    title: str | None
    title_lang: Lang
    summary: str | None
    lead: str | None
    lang: Lang
    source_slug: str
    published: datetime | None
    updated: datetime | None
    authors: tuple[str, ...]
    topics: tuple[str, ...]
    countries: tuple[str, ...]
    original_url: str | None
    translations: tuple[TranslationLink, ...]
    status: str
    story_id: str | None
    story_lead: bool  # the editor chose this version to lead its story
    image: str | None
    thumbnail: ThumbnailView | None
    relevance: float | None
    text_ref: int
    fingerprint: str
    crawled: datetime | None
    tree: str  # the interface tree the story's page lives in (see i18n.ui_tree)

    @property
    def page(self) -> str:
        """The story's page, from the site root: "ru/items/<id>.html"."""
        return f"{self.tree}/{item_path(self.id)}"

    @property
    def featured(self) -> bool:
        return self.status == "featured"

    @property
    def unreviewed(self) -> bool:
        return self.status == CANDIDATE

    @property
    def month(self) -> str | None:
        """ "2025-03": the month of publication in the publisher's own offset."""
        return f"{self.published.year:04d}-{self.published.month:02d}" if self.published else None

    @property
    def year(self) -> str | None:
        return f"{self.published.year:04d}" if self.published else None

    @property
    def published_iso(self) -> str | None:
        return self.published.isoformat(timespec="seconds") if self.published else None

    @property
    def published_date(self) -> str | None:
        """ "2025-03-10": the day of publication in the publisher's own offset."""
        return self.published.date().isoformat() if self.published else None

    @property
    def search_sort_key(self) -> str:
        """Pagefind's sort key: the UTC moment as ISO text, which sorts as text does; undated
        stories get the oldest key, as Pagefind leaves a page without one out of sorted results."""
        moment = self.published.astimezone(UTC) if self.published else _OLDEST
        return moment.isoformat(timespec="seconds")

    @property
    def updated_iso(self) -> str | None:
        return self.updated.isoformat(timespec="seconds") if self.updated else None

    def sort_key(self) -> tuple[datetime, datetime, str]:
        """Newest first with reverse=True: published moment, then crawl time, then id."""
        return (
            self.published.astimezone(UTC) if self.published else _OLDEST,
            self.crawled.astimezone(UTC) if self.crawled else _OLDEST,
            self.id,
        )


class TextStore:
    """Body texts kept aside from the views: in memory, or spooled to a temporary file."""

    def __init__(self, spool: bool = False) -> None:
        self._texts: list[str] = []
        self._offsets = array("q", [0])
        self._file = tempfile.TemporaryFile(prefix="gced-digest-") if spool else None

    def put(self, text: str) -> int:
        if self._file is None:
            self._texts.append(text)
            return len(self._texts) - 1
        data = text.encode("utf-8")
        self._file.write(data)
        self._offsets.append(self._offsets[-1] + len(data))
        return len(self._offsets) - 2

    def get(self, ref: int) -> str:
        if self._file is None:
            return self._texts[ref]
        start, end = self._offsets[ref], self._offsets[ref + 1]
        return os.pread(self._file.fileno(), end - start, start).decode("utf-8")

    def seal(self) -> None:
        """Flush spooled texts so they can be read back (also from forked workers)."""
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


@dataclass(frozen=True, slots=True)
class Story:
    """One story as the site shows it: its visible versions (translations, and the copies a
    country office or another agency published), as indexes into the views, newest first."""

    members: tuple[int, ...]
    original: int  # the version the story is dated and filed by (see `original_of`)
    fingerprint: str  # of every member ("" for a story of one): what its versions' links show


@dataclass
class Collection:
    """The visible items (versions), newest first; the stories they form, newest first; and
    the listings, which hold stories, not versions (a story is listed once, whatever number
    of versions it has)."""

    views: tuple[ItemView, ...]
    texts: TextStore
    stories: tuple[Story, ...] = ()
    story_of: array = field(default_factory=lambda: array("l"))  # view index → story index
    listings: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    language_codes: dict[str, str] = field(default_factory=dict)  # listing key → tag as written

    def paragraphs(self, view: ItemView) -> tuple[str, ...]:
        return paragraphs_of(self.texts.get(view.text_ref))

    def lead_and_body(self, view: ItemView) -> tuple[str | None, tuple[str, ...]]:
        """What a story page prints as its lead and its text (`body_after_lead`)."""
        return body_after_lead(view.summary, self.paragraphs(view))

    def story(self, index: int) -> Story:
        """The story the version at `index` belongs to."""
        return self.stories[self.story_of[index]]

    def duplicates(self, index: int) -> tuple[int, ...]:
        """The other visible versions of the same story (duplicates and translations)."""
        return tuple(other for other in self.story(index).members if other != index)

    def other_versions(self, index: int) -> list[ItemView]:
        """`duplicates` as views, newest first."""
        return [self.views[other] for other in self.duplicates(index)]

    def page_fingerprint(self, index: int) -> str:
        """What a version's page and card depend on: the version and its story's others."""
        return self.views[index].fingerprint + self.story(index).fingerprint

    def shown(self, story: int, tree: str, kind: str = "", key: str = "") -> int:
        """The version a story's card shows in interface `tree` (see `shown_version`)."""
        return shown_version(self.views, self.stories[story], tree, kind, key)

    def month(self, story: int) -> str | None:
        """The month a story is filed under: its original's, else its newest dated version's."""
        entry = self.stories[story]
        months = (self.views[i].month for i in (entry.original, *entry.members))
        return next((month for month in months if month), None)


def shown_version(
    views: Sequence[ItemView], story: Story, tree: str, kind: str = "", key: str = ""
) -> int:
    """Which version of `story` a card shows to a reader of interface `tree`: the version in
    the reader's language when there is one, else the original, else the newest. On a listing
    of one language or source (`kind`, `key`) only the versions it lists are candidates."""
    members = story.members
    if len(members) == 1:
        return members[0]
    if kind == "language":
        candidates = [i for i in members if views[i].lang.key == key]
    elif kind == "source":
        candidates = [i for i in members if views[i].source_slug == key]
    else:
        candidates = list(members)
    pool = [i for i in candidates if views[i].lang.primary == tree] or candidates or list(members)
    return story.original if story.original in pool else pool[0]


def original_of(views: Sequence[ItemView], members: Sequence[int]) -> int:
    """A story's original: the version its editor chose to lead it, else the first published
    (`members` newest first)."""
    leads = [i for i in members if views[i].story_lead]
    return leads[0] if leads else members[-1]


def collect(
    items: Iterable[Mapping[str, Any]], visibility: Visibility, texts: TextStore
) -> Collection:
    """One pass over `items`: keep the visible ones as views, newest first, and index them."""
    views: list[ItemView] = []
    seen: dict[str, str] = {}
    for item in items:
        identifier = item_id(item)
        status = visibility.status_shown(item)
        if status is None:
            continue
        key = identifier.casefold()
        if key in seen:
            raise OutputCollisionError(
                f"two items map to one page: {item_path(seen[key])!r} and {item_path(identifier)!r}"
            )
        seen[key] = identifier
        views.append(item_view(item, status, texts))
    texts.seal()
    views.sort(key=ItemView.sort_key, reverse=True)
    collection = Collection(views=tuple(views), texts=texts)
    _index(collection)
    return collection


def prepare_items(
    items: Iterable[Mapping[str, Any]], visibility: Visibility | None = None
) -> tuple[ItemView, ...]:
    """The visible items as views, newest first, texts kept in memory (for tests and tools)."""
    return collect(items, visibility or Visibility(), TextStore()).views


def _index(collection: Collection) -> None:
    """Group the versions into stories, order the stories by their originals (newest
    first), and list each story once under every key one of its versions has (and under
    the month it is filed in)."""
    views = collection.views
    groups: dict[str, list[int]] = defaultdict(list)
    singles: list[list[int]] = []
    for index, view in enumerate(views):
        if view.story_id:
            groups[view.story_id].append(index)
        else:
            singles.append([index])
    stories = []
    for members in (*groups.values(), *singles):
        fingerprint = ""
        if len(members) > 1:
            fingerprint = digest("".join(views[i].fingerprint for i in members))
        stories.append(Story(tuple(members), original_of(views, members), fingerprint))
    stories.sort(key=lambda story: story.original)
    collection.stories = tuple(stories)
    story_of = array("l", bytes(array("l").itemsize * len(views)))
    listings: dict[str, dict[str, list[int]]] = {kind: defaultdict(list) for kind in LISTING_KINDS}
    codes: dict[str, str] = {}
    for number, story in enumerate(stories):
        keys: dict[tuple[str, str], None] = {}
        for index in story.members:
            story_of[index] = number
            for kind, key in listing_keys(views[index]):
                if kind != "month":
                    keys[kind, key] = None
            lang = views[index].lang
            if lang.code:
                codes.setdefault(lang.key, lang.code)
        for kind, key in keys:
            listings[kind][key].append(number)
        month = collection.month(number)
        if month:
            listings["month"][month].append(number)
    collection.story_of = story_of
    collection.listings = {kind: dict(keys) for kind, keys in listings.items()}
    collection.language_codes = codes


def listing_keys(view: ItemView) -> Iterable[tuple[str, str]]:
    """The listings an item belongs to, as (kind, key); keys are URL-safe and lower case."""
    if view.lang.code:
        yield "language", view.lang.key
    if view.source_slug:
        yield "source", view.source_slug
    for topic in view.topics:
        yield "topic", topic
    for country in view.countries:
        yield "country", country.lower()
    if view.month:
        yield "month", view.month


def item_view(item: Mapping[str, Any], status: str, texts: TextStore) -> ItemView:
    identifier = item_id(item)
    text = _clean_text(item.get("text"))
    summary = display_summary(item)
    title = display_title(item)
    published = _timestamp_field(item, "published")
    updated = _timestamp_field(item, "updated")
    lang = language_of(item.get("language"))
    return ItemView(
        id=identifier,
        title=title,
        title_lang=title_language(item),
        summary=summary,
        lead=summary if summary is not None else lead_of(first_paragraph(text)),
        lang=lang,
        source_slug=_slug(item.get("source")) or "",
        published=published,
        updated=updated if updated and updated != published else None,
        authors=_strings(item.get("authors")),
        topics=display_topics(item),
        countries=display_countries(item),
        original_url=safe_url(item.get("canonical_url")) or safe_url(item.get("url")),
        translations=translation_links(item.get("translations")),
        status=status,
        story_id=_clean(item.get("story_id")),
        story_lead=bool(item.get("story_lead")),
        image=safe_url(item.get("image")),
        thumbnail=thumbnail_view(item),
        relevance=_number(item.get("relevance")),
        text_ref=texts.put(text),
        fingerprint=fingerprint(item, status, text),
        crawled=parse_timestamp(item.get("crawled_at")),
        tree=ui_tree(lang.code),
    )


# The fields a page shows; a change in any other field (crawled_at, notes) rewrites nothing.
FINGERPRINT_FIELDS = (
    "id", "url", "canonical_url", "source", "title", "edited_title", "summary",
    "edited_summary", "published", "updated", "authors", "image", "image_alt", "thumbnail",
    "thumbnail_width", "thumbnail_height", "language",
    "title_language", "topics", "edited_topics", "countries", "edited_countries", "relevance",
    "story_id", "story_lead",
    "translations",
)  # fmt: skip


# Every field the site reads: what a caller needs to pass (see store.iter_items' `fields`).
ITEM_FIELDS = (*FINGERPRINT_FIELDS, "text", "status", "crawled_at")


def fingerprint(item: Mapping[str, Any], status: str, text: str) -> str:
    shown = repr(tuple(item.get(name) for name in FINGERPRINT_FIELDS))
    hasher = hashlib.blake2b(digest_size=8)
    hasher.update(status.encode())
    hasher.update(shown.encode("utf-8", "surrogatepass"))
    hasher.update(text.encode("utf-8", "surrogatepass"))
    return hasher.hexdigest()


THUMBS_FOLDER = "thumbs"
# A stored thumbnail's name, as the crawl writes it (pipelines.thumbnail): anything else (an
# edited or imported value) is never copied into the site.
_THUMBNAIL_NAME = re.compile(r"([0-9a-f]{2})/(\1[0-9a-f]{38})\.jpg")


def thumbnail_view(item: Mapping[str, Any]) -> ThumbnailView | None:
    """The item's thumbnail, when it has one by a safe name and with its size."""
    stored = item.get("thumbnail")
    match = _THUMBNAIL_NAME.fullmatch(stored) if isinstance(stored, str) else None
    width, height = item.get("thumbnail_width"), item.get("thumbnail_height")
    if match is None or not isinstance(width, int) or not isinstance(height, int):
        return None
    if not (0 < width <= 4096 and 0 < height <= 4096):
        return None
    path = f"{THUMBS_FOLDER}/{match.group(2)}.jpg"
    return ThumbnailView(match.group(0), path, width, height, _clean(item.get("image_alt")) or "")


def item_id(item: Mapping[str, Any]) -> str:
    """The item's id, refused unless it is safe as a file name and a URL path segment."""
    value = item.get("id")
    if not isinstance(value, str) or not _ID_PATTERN.fullmatch(value):
        raise InvalidItemError(
            f"item id {value!r} is not a URL-safe name (url={item.get('url')!r})"
        )
    return value


def item_path(identifier: str) -> str:
    """Where an item's page lives inside its interface tree (POSIX separators)."""
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


def display_topics(item: Mapping[str, Any]) -> tuple[str, ...]:
    """The editor's topics whenever they are not None, else the tagger's; unsafe slugs dropped."""
    edited = item.get("edited_topics")
    chosen = edited if edited is not None else item.get("topics")
    slugs = (_slug(value) for value in _strings(chosen))
    return tuple(dict.fromkeys(slug for slug in slugs if slug))


def display_countries(item: Mapping[str, Any]) -> tuple[str, ...]:
    """The editor's countries whenever they are not None, else the tagger's."""
    edited = item.get("edited_countries")
    return _countries(edited if edited is not None else item.get("countries"))


def paragraphs_of(text: str | None) -> tuple[str, ...]:
    """Plain text with paragraphs on separate lines → non-empty stripped paragraphs."""
    if not text:
        return ()
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def first_paragraph(text: str) -> tuple[str, ...]:
    """The first non-empty paragraph alone (all a lead needs, without splitting the rest)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end].strip()
        if line:
            return (line,)
        start = end + 1
    return ()


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


def body_after_lead(
    summary: str | None, paragraphs: tuple[str, ...]
) -> tuple[str | None, tuple[str, ...]]:
    """The lead and the body paragraphs a story page prints, the lead said once.

    Publishers often give the standfirst again as the text's first paragraph (or as its first
    sentences, or as its first paragraphs). Compared with case, spacing and punctuation set
    aside: paragraphs the summary repeats leave the body; a first paragraph that goes on past
    the summary at a sentence's end keeps only the rest; one that the summary cuts in mid
    sentence (a truncated standfirst) is printed whole and the lead not at all. A summary the
    text does not begin with is printed as it is, above the whole body.
    """
    wanted = _comparable(summary or "")
    if not wanted or not paragraphs:
        return summary, paragraphs
    covered = ""
    for count, paragraph in enumerate(paragraphs, start=1):
        covered = f"{covered} {_comparable(paragraph)}".strip()
        if covered == wanted:
            return summary, paragraphs[count:]
        if not wanted.startswith(covered):
            break
    first = paragraphs[0]
    if not _comparable(first).startswith(wanted):
        return summary, paragraphs
    rest = _rest_after(first, len(wanted))
    if rest is None:
        return None, paragraphs
    return summary, (rest, *paragraphs[1:])


_SENTENCE_END = frozenset(".!?。！？؟…")


def _comparable(text: str) -> str:
    """Text reduced to its words: case folded, punctuation gone, spaces single."""
    kept = (char if char.isalnum() else " " for char in text.casefold())
    return " ".join("".join(kept).split())


def _rest_after(paragraph: str, length: int) -> str | None:
    """What follows the first `length` comparable characters of `paragraph` (see
    `_comparable`), when they end a sentence; None when they stop inside one."""
    count, gap, end = 0, False, len(paragraph)
    for index, char in enumerate(paragraph):
        for folded in char.casefold():
            if not folded.isalnum():
                gap = True
                continue
            count += 2 if gap and count else 1
            gap = False
        if count >= length:
            end = index + 1
            break
    tail = paragraph[end:].lstrip()
    punctuation = ""
    for char in tail:
        if char.isalnum() or char.isspace():
            break
        punctuation += char
    if not set(punctuation) & _SENTENCE_END:
        return None
    return tail[len(punctuation) :].strip() or None


def language_of(tag: Any) -> Lang:
    """A normalised BCP-47 tag; anything that is not a well-formed tag becomes unknown ("")."""
    return _language(tag) if isinstance(tag, str) else _UNKNOWN


@lru_cache(maxsize=1024)
def _language(tag: str) -> Lang:
    code = tag.strip().replace("_", "-")
    if not _LANG_PATTERN.fullmatch(code):
        code = ""
    return Lang(code=code, rtl=is_rtl(code))


_UNKNOWN = Lang(code="", rtl=False)


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


def safe_url(value: Any) -> str | None:
    """Only absolute http(s) URLs may become links: no javascript:, data: or relative paths."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    return url if _HTTP_URL.fullmatch(url) else None


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


def _timestamp_field(item: Mapping[str, Any], name: str) -> datetime | None:
    value = item.get(name)
    parsed = parse_timestamp(value)
    if value and parsed is None:
        logger.warning("item %s: cannot parse %s %r, showing no date", item.get("id"), name, value)
    return parsed


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    if _XML_INVALID.search(value):
        value = _XML_INVALID.sub("", value)
    return value.strip() or None


def _clean_text(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return _XML_INVALID.sub("", value) if _XML_INVALID.search(value) else value


def _slug(value: Any) -> str | None:
    return _slug_of(value) if isinstance(value, str) else None


@lru_cache(maxsize=4096)  # sources, topics and countries: a few dozen values, on every item
def _slug_of(value: str) -> str | None:
    text = _clean(value)
    if text is None:
        return None
    slug = text.lower()
    return slug if _SLUG_PATTERN.fullmatch(slug) else None


def _countries(values: Any) -> tuple[str, ...]:
    """ISO codes in upper case ("KZ"), region slugs in lower case ("central-asia")."""
    codes = []
    for value in _strings(values):
        slug = _slug(value)
        if slug:
            codes.append(slug.upper() if len(slug) == 2 else slug)
    return tuple(dict.fromkeys(codes))


def _strings(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list | tuple):
        return ()
    return tuple(text for value in values if (text := _clean(value)))


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def digest(text: str) -> str:
    """A short stable hash of `text`: what pages and listings depend on, compared between builds."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
