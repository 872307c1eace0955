"""The files at the site root: the language chooser, static assets, and the machine-readable
output — one JSON file per story, Atom feeds (all stories, per language, per topic) and the
sitemap.

Links in feeds and JSON point at each story's page (in its own language's tree). Without
`base_url` they are
relative to the file they are in (Atom resolves them against the feed's own address); with it
they are absolute, and only then is the sitemap valid for search engines (the sitemap
protocol wants absolute URLs).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any

from .citation import Reference, as_bibtex, as_csl, as_ris, reference
from .context import ITEMS_FOLDER, Collection, ItemView, digest
from .i18n import DEFAULT_UI, UI_LANGUAGES
from .page import JSON, STATIC, Page, as_json, verbatim, whole_template
from .pages import LISTING_TITLES, Settings, listing_name, tree_page_count, tree_paths
from .render import Theme

# How many of the latest stories the root page lists under its language choice.
ROOT_LATEST = 30

FEED_SIZE = 50
SITEMAP_LIMIT = 50_000  # URLs per sitemap file, the protocol's limit
ROOT_INDEX = "index.html"
FEEDS_FOLDER = "feeds"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/gced-news/gced-news")


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    lang: str
    href: str
    original: str | None
    published: str | None
    updated: str
    summary: str | None
    authors: tuple[str, ...]
    source: str
    topics: tuple[tuple[str, str], ...]


class Root:
    """The pages outside the interface-language trees, as `Page` values (which
    `site.root_pages` lists; the stories' JSON files are listed by `site.item_pages`)."""

    def __init__(
        self,
        collection: Collection,
        theme: Theme,
        settings: Settings,
        thumbnails: Path | None = None,
    ) -> None:
        self.thumbnails = thumbnails  # the crawl's thumbnail store, copied from
        self.collection = collection
        self.views = collection.views
        self.theme = theme
        self.settings = settings
        self.L = theme.catalogues[DEFAULT_UI]
        self.render = whole_template(theme)

    def static_pages(self) -> Iterator[Page]:
        """The theme's static files, copied as they are."""
        for asset in self.theme.assets:
            yield Page(asset.path, STATIC, partial(dict, data=asset.data), verbatim)

    def thumbnail_pages(self) -> Iterator[Page]:
        """The thumbnails the stories shown have, copied from the thumbnail store as they
        are, each once; a name is its bytes' hash, so one the last build copied is kept
        without reading it again."""
        if self.thumbnails is None:
            return
        folder = self.thumbnails
        copied: set[str] = set()
        for view in self.views:
            thumbnail = view.thumbnail
            if thumbnail is None or thumbnail.path in copied:
                continue
            copied.add(thumbnail.path)
            read = partial(_file_data, folder / thumbnail.stored)
            yield Page(thumbnail.path, STATIC, read, verbatim, "thumb:" + thumbnail.stored)

    def index_page(self) -> Page:
        """The site's front door: the languages (the reader's own offered first by
        static/root.js, without a redirect), and the latest stories."""
        latest = [self.views[story.original] for story in self.collection.stories[:ROOT_LATEST]]
        source = "root\0" + ",".join(view.fingerprint for view in latest)

        def context() -> dict[str, Any]:
            stories = [
                {
                    "title": view.title or view.id,
                    "lang": view.title_lang.code or "und",
                    "dir": "rtl" if view.title_lang.rtl else "ltr",
                    "href": view.page,
                }
                for view in latest
            ]
            return {
                "site_title": self.settings.site_title,
                "languages": [
                    (catalogue, catalogue.gettext("Choose a language"))
                    for catalogue in (self.theme.catalogues[code] for code in UI_LANGUAGES)
                ],
                "default": DEFAULT_UI,
                "stories": stories,
                **self.L.template_functions,
            }

        return Page(ROOT_INDEX, "root.html", context, self.render, source)

    def item_json_page(self, index: int) -> Page:
        """One story's public fields as a JSON file (listed with the story's page)."""
        view = self.views[index]
        return Page(
            f"{ITEMS_FOLDER}/{view.id}.json", JSON, partial(self.public_fields, index, view),
            as_json, self.collection.page_fingerprint(index),
        )  # fmt: skip

    def item_citation_pages(self, index: int) -> Iterator[Page]:
        """One story's citation as RIS, BibTeX and CSL-JSON, beside its JSON and made from
        the same source (see citation.py)."""
        view = self.views[index]
        source = self.collection.page_fingerprint(index)
        cite = partial(self.citation, view)
        stem = f"{ITEMS_FOLDER}/{view.id}"
        yield Page(f"{stem}.ris", "ris", lambda: {"text": as_ris(cite())}, as_text, source)
        yield Page(f"{stem}.bib", "bibtex", lambda: {"text": as_bibtex(cite())}, as_text, source)
        yield Page(f"{stem}.csl.json", "csl-json", lambda: {"text": _csl_text(cite())}, as_text,
                   source)  # fmt: skip

    def citation(self, view: ItemView) -> Reference:
        """What a story's citation says: the agency as publisher, the story's page on this
        site as its URL when the agency's is unknown."""
        publisher = self.L.source(view.source_slug) if view.source_slug else None
        return reference(view, publisher, self._link(view.page, depth=1))

    def public_fields(self, index: int, view: ItemView) -> dict[str, Any]:
        """What the site publishes about a story; never the editor's notes."""
        return {
            "id": view.id,
            "page": self._link(view.page, depth=1),
            "original_url": view.original_url,
            "source": view.source_slug or None,
            "source_name": self.L.source(view.source_slug) if view.source_slug else None,
            "title": view.title,
            "title_language": view.title_lang.code or None,
            "summary": view.summary,
            "text": self.collection.texts.get(view.text_ref),
            "language": view.lang.code or None,
            "published": view.published_iso,
            "updated": view.updated_iso,
            "authors": list(view.authors),
            "topics": list(view.topics),
            "countries": list(view.countries),
            "story_id": view.story_id,
            "duplicates": [self.views[i].id for i in self.collection.duplicates(index)],
            "translations": {link.lang.code: link.href for link in view.translations},
            "status": view.status,
            "image": view.image,
            "thumbnail": self._link(view.thumbnail.path, depth=1) if view.thumbnail else None,
            "image_alt": view.thumbnail.alt if view.thumbnail else None,
            "relevance": view.relevance,
        }

    def feed_pages(self) -> Iterator[Page]:
        """All stories' feed, then one per language and one per topic: an entry per story,
        its version in the feed's language (else in English, else its original)."""
        everything = range(len(self.collection.stories))
        yield self.feed_page(f"{FEEDS_FOLDER}/all.xml", self.L.gettext("All stories"), everything)
        for kind in ("language", "topic"):
            for key, stories in sorted(self.collection.listings[kind].items()):
                name = listing_name(self.L, self.collection, kind, key, inline=True)
                title = self.L.gettext(LISTING_TITLES[kind], name=name)
                yield self.feed_page(f"{FEEDS_FOLDER}/{kind}/{key}.xml", title, stories, kind, key)

    def feed_page(
        self, path: str, title: str, stories: Sequence[int], kind: str = "", key: str = ""
    ) -> Page:
        shown = self.collection.shown
        chosen = [shown(story, DEFAULT_UI, kind, key) for story in stories[:FEED_SIZE]]
        fingerprints = ",".join(self.views[i].fingerprint for i in chosen)

        def context() -> dict[str, Any]:
            depth = path.count("/")
            entries = [self._entry(self.views[i], depth) for i in chosen]
            return {
                "feed_id": _urn(f"feed:{path}"),
                "title": f"{self.settings.site_title}: {title}",
                "self_href": self._link(path, depth),
                "home_href": self._link(f"{DEFAULT_UI}/index.html", depth),
                "site_title": self.settings.site_title,
                "updated": max((entry.updated for entry in entries), default=_iso(_EPOCH)),
                "entries": entries,
            }

        return Page(path, "feed.xml", context, self.render, digest(f"{title}\0{fingerprints}"))

    def _entry(self, view: ItemView, depth: int) -> FeedEntry:
        moments = [view.updated, view.published, view.crawled]
        updated = next((moment for moment in moments if moment is not None), _EPOCH)
        return FeedEntry(
            id=_urn(f"item:{view.id}"),
            title=view.title or self.L.gettext("Untitled story"),
            lang=view.title_lang.code,
            href=self._link(view.page, depth),
            original=view.original_url,
            published=_iso(view.published) if view.published else None,
            updated=_iso(updated),
            summary=view.lead,
            authors=view.authors,
            source=self.L.source(view.source_slug),
            topics=tuple((slug, self.L.topic(slug)) for slug in view.topics),
        )

    def sitemap_pages(self) -> Iterator[Page]:
        """sitemap.xml, or when the site has more pages than one sitemap may list,
        sitemap-1.xml, sitemap-2.xml, ... and sitemap.xml as their index."""
        ids = ",".join(view.page for view in self.views)  # the sitemap lists pages, not contents
        listings = self.collection.listings
        counts = repr({kind: {key: len(v) for key, v in keys.items()}
                       for kind, keys in listings.items()})  # fmt: skip
        source = digest(f"{self.settings.base_url}\0{ids}\0{counts}")
        total = 1 + tree_page_count(self.collection, self.settings.page_size)
        files = -(-total // SITEMAP_LIMIT)
        if files == 1:
            yield Page("sitemap.xml", "sitemap.xml", self._sitemap_urls_of(0), self.render, source)
            return
        names = [f"sitemap-{n}.xml" for n in range(1, files + 1)]
        for number, name in enumerate(names):
            yield Page(name, "sitemap.xml", self._sitemap_urls_of(number), self.render, source)
        sitemaps = [self._link(name, 0) for name in names]
        index = {"sitemaps": sitemaps}
        yield Page("sitemap.xml", "sitemap_index.xml", lambda: index, self.render, source)

    def _sitemap_urls_of(self, number: int) -> Callable[[], dict[str, Any]]:
        """The context of the `number`th sitemap file (from 0): its share of the URLs."""
        start = number * SITEMAP_LIMIT
        return lambda: {"urls": list(islice(self._sitemap_urls(), start, start + SITEMAP_LIMIT))}

    def _sitemap_urls(self) -> Iterator[str]:
        yield self._link(ROOT_INDEX, 0)
        for code in UI_LANGUAGES:
            for path in tree_paths(self.collection, self.settings.page_size, code):
                yield self._link(f"{code}/{path}", 0)

    def _link(self, path: str, depth: int) -> str:
        """`path` (from the site root) as a link from a file `depth` folders below the root."""
        if self.settings.base_url:
            return self.settings.base_url.rstrip("/") + "/" + path
        return "../" * depth + path


def _file_data(path: Path) -> dict[str, bytes]:
    return {"data": path.read_bytes()}


def as_text(template: str, context: Mapping[str, Any]) -> bytes:
    """A file made by code, not a template: `context["text"]` as UTF-8."""
    text: str = context["text"]
    return text.encode("utf-8")


def _csl_text(ref: Reference) -> str:
    return json.dumps(as_csl(ref), ensure_ascii=False, sort_keys=True) + "\n"


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _urn(name: str) -> str:
    return uuid.uuid5(_ID_NAMESPACE, name).urn
