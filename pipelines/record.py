"""The record one article page becomes: every field, named once.

``process_page`` returns a :class:`Record`; the store's columns, the export's fields and the
README's field list are derived from it or checked against it by a test. The store adds the
editor's fields and decides which story an item joins (``story_id`` here is the page's own
claim: its canonical story across translations).
"""

from __future__ import annotations

from typing import TypedDict, get_origin, get_type_hints


class Record(TypedDict):
    url: str  # the URL asked for
    canonical_url: str  # the page's canonical URL, normalised: the key in the store
    source: str  # the publisher (unicef, undp, un-news, unesco, or a configured source)
    title: str
    text: str  # the article alone, one paragraph per line, standfirst first
    summary: str | None
    published: str | None  # ISO 8601 in the publisher's offset
    published_source: str | None  # where the date came from: "json-ld:datePublished", ...
    updated: str | None
    updated_source: str | None
    authors: list[str]
    image: str | None  # the lead image's URL (og:image, else a feed enclosure): never shown
    image_alt: str | None  # what the page says the image shows; None: it says nothing useful
    # The crawl's local thumbnail of ``image`` (None until it has one; processing alone, as in
    # ``reprocess``, never fetches: the store keeps a stored thumbnail of the same image).
    thumbnail: str | None  # its path in the thumbnail store ("ab/ab12….jpg", content-addressed)
    thumbnail_width: int | None
    thumbnail_height: int | None
    language: str  # BCP 47 of the body ("kk", "uz-Cyrl"); "und" when unknown
    title_language: str
    language_confidence: float
    title_language_confidence: float
    topics: list[str]  # taxonomy slugs
    countries: list[str]  # ISO 3166 codes and region slugs
    relevance: float  # 0..1: how far the item is in the clearinghouse's scope
    relevance_reasons: list[str]
    content_hash: str  # of the normalised text: the same text is the same story
    minhash: str  # the text's MinHash signature: near-duplicates
    translations: dict[str, str]  # language → URL of the same story in that language
    story_id: str
    crawled_at: str  # when the page was processed (UTC): says when, not what
    extraction: str  # "site-rules": a selector of the site's rules matched; else "generic"


FIELDS: tuple[str, ...] = tuple(Record.__annotations__)
# Fields that say when, not what: they change on every crawl and do not make a record "changed".
VOLATILE_FIELDS = ("crawled_at",)
# Fields the crawl's thumbnail step fills after processing (crawler.scrapy_thumbnails).
THUMBNAIL_FIELDS = ("thumbnail", "thumbnail_width", "thumbnail_height")
# Fields whose value is a list or a mapping (JSON in the store and in CSV).
STRUCTURED_FIELDS: tuple[str, ...] = tuple(
    name for name, kind in get_type_hints(Record).items() if get_origin(kind) in (list, dict)
)
