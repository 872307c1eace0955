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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .context import Collection, ItemView, digest
from .i18n import DEFAULT_UI, UI_LANGUAGES
from .pages import Settings, listing_name, tree_page_count, tree_paths
from .render import Theme
from .writer import SiteWriter

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


class RootBuilder:
    """Writes everything outside the interface-language trees through `writer`."""

    def __init__(
        self, collection: Collection, theme: Theme, settings: Settings, writer: SiteWriter
    ) -> None:
        self.collection = collection
        self.views = collection.views
        self.theme = theme
        self.settings = settings
        self.writer = writer
        self.L = theme.catalogues[DEFAULT_UI]

    def build(self) -> None:
        for asset in self.theme.assets:
            self.writer.write(asset.path, asset.data)
        self.write_feeds()
        self.write_sitemap()
        self.write_root_index()

    def write_root_index(self) -> None:
        """The site's front door: the languages, and the latest stories for readers and
        tools that open the root page without following its refresh."""
        latest = self.views[:ROOT_LATEST]
        source = "root\0" + ",".join(view.fingerprint for view in latest)
        if self.writer.is_current(ROOT_INDEX, source):
            return
        languages = [self.theme.catalogues[code] for code in UI_LANGUAGES]
        stories = [
            {
                "title": view.title or view.id,
                "lang": view.title_lang.code or "und",
                "dir": "rtl" if view.title_lang.rtl else "ltr",
                "href": view.page,
            }
            for view in latest
        ]
        html = self.theme.render(
            "root.html", site_title=self.settings.site_title, languages=languages,
            default=DEFAULT_UI, stories=stories,
        )  # fmt: skip
        self.writer.write(ROOT_INDEX, html.encode("utf-8"), source)

    def item_json(self, index: int) -> bytes:
        """One story's public fields as a JSON file (written by the item shards)."""
        document = self.public_fields(index, self.views[index])
        # One line, by json's C encoder (an indent would take its pure-Python one: 3× slower).
        return (json.dumps(document, ensure_ascii=False, sort_keys=True) + "\n").encode()

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
            "relevance": view.relevance,
        }

    def write_feeds(self) -> None:
        self._write_feed(f"{FEEDS_FOLDER}/all.xml", self.L.ui["feed_all"], range(len(self.views)))
        for kind in ("language", "topic"):
            for key, indexes in sorted(self.collection.listings[kind].items()):
                name = listing_name(self.L, self.views, kind, key, indexes, inline=True)
                title = self.L.text(f"listing_{kind}", name=name)
                self._write_feed(f"{FEEDS_FOLDER}/{kind}/{key}.xml", title, indexes)

    def _write_feed(self, path: str, title: str, indexes: Sequence[int]) -> None:
        chosen = list(indexes[:FEED_SIZE])
        fingerprints = ",".join(self.views[i].fingerprint for i in chosen)
        source = digest(f"{title}\0{fingerprints}")
        if self.writer.is_current(path, source):
            return
        depth = path.count("/")
        entries = [self._entry(self.views[i], depth) for i in chosen]
        updated = max((entry.updated for entry in entries), default=_iso(_EPOCH))
        xml = self.theme.render(
            "feed.xml",
            feed_id=_urn(f"feed:{path}"),
            title=f"{self.settings.site_title}: {title}",
            self_href=self._link(path, depth),
            home_href=self._link(f"{DEFAULT_UI}/index.html", depth),
            site_title=self.settings.site_title,
            updated=updated,
            entries=entries,
        )
        self.writer.write(path, xml.encode("utf-8"), source)

    def _entry(self, view: ItemView, depth: int) -> FeedEntry:
        moments = [view.updated, view.published, view.crawled]
        updated = next((moment for moment in moments if moment is not None), _EPOCH)
        return FeedEntry(
            id=_urn(f"item:{view.id}"),
            title=view.title or self.L.ui["untitled"],
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

    def write_sitemap(self) -> None:
        ids = ",".join(view.page for view in self.views)  # the sitemap lists pages, not contents
        listings = self.collection.listings
        counts = repr({kind: {key: len(v) for key, v in keys.items()}
                       for kind, keys in listings.items()})  # fmt: skip
        source = digest(f"{self.settings.base_url}\0{ids}\0{counts}")
        total = 1 + tree_page_count(self.collection, self.settings.page_size)
        files = -(-total // SITEMAP_LIMIT)
        names = ["sitemap.xml"] if files == 1 else [f"sitemap-{n}.xml" for n in range(1, files + 1)]
        if files > 1:
            names.append("sitemap.xml")
        if all(self.writer.would_keep(name, source) for name in names):
            for name in names:
                self.writer.is_current(name, source)
            return
        chunks = _chunks(self._sitemap_urls(), SITEMAP_LIMIT)
        for name, urls in zip(names, chunks, strict=False):
            xml = self.theme.render("sitemap.xml", urls=urls)
            self.writer.write(name, xml.encode("utf-8"), source)
        if files > 1:
            sitemaps = [self._link(name, 0) for name in names[:-1]]
            xml = self.theme.render("sitemap_index.xml", sitemaps=sitemaps)
            self.writer.write("sitemap.xml", xml.encode("utf-8"), source)

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


def _chunks(urls: Iterator[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for url in urls:
        chunk.append(url)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _urn(name: str) -> str:
    return uuid.uuid5(_ID_NAMESPACE, name).urn
