"""One interface language's page tree (/en/, /fr/, ...): its pages as `Page` values (`Tree`;
site.py lists them) and what they show, and how a tree page is rendered (`PageRenderer`).

Every page gets a fingerprint of the data it shows before it is rendered; a page whose
fingerprint matches the last build's is neither rendered nor written. Listing pages reuse
one rendered card per item (all listing pages sit at the same depth, so the card's links are
the same everywhere), which keeps a listing page at the cost of joining strings.

Tree layout (paths relative to the tree folder):
  index.html                          home: featured, then the latest stories
  items/<id>.html                     one page per story, in the tree of the story's own
                                      language (/ru/items/ for Russian; stories in
                                      languages with no interface tree live in /en/)
  <kind>/<key>/index.html             listing (kind: language, source, topic, country, month)
  <kind>/<key>/page-<n>.html          its later pages, oldest last
  browse.html, search.html, about.html, stats.html
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from operator import itemgetter
from typing import Any

from babel.numbers import format_decimal
from markupsafe import Markup, escape

from .charts import Chart, monthly_chart
from .context import LISTING_KINDS, Collection, ItemView, Lang, Visibility, digest, item_path
from .i18n import UI_LANGUAGES, Catalogue
from .messages import N_
from .page import Page
from .render import Theme

PAGE_SIZE = 50
HOME_FEATURED = 6
HOME_LATEST = 30
FIXED_PAGES = ("browse.html", "search.html", "about.html", "stats.html")
LISTING_BASE = "../../"  # from <kind>/<key>/ back to the tree root
LISTING_ROOT = "../../../"  # ... and to the site root
# Placeholders in a rendered frame; \x01 never reaches a page (context strips it from data).
_TITLE, _PATH, _HEAD, _CONTENT = "\x01T\x01", "\x01P\x01", "\x01H\x01", "\x01C\x01"
_HREFLANG = "\x01L\x01"
_CARDS = "\x01K\x01"
_CARDS_UTF8 = _CARDS.encode()
_SWITCHER_HREF = re.compile("\x01A([A-Za-z-]+)\x01")  # an own switcher's link to a tree
# Bidi embeddings, overrides and isolates: a title's own would escape its isolate in <title>.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# A listing's title by kind, around the name of its language, source, topic, country or month.
LISTING_TITLES = {
    "language": N_("Stories in %(name)s"),
    "source": N_("Stories from %(name)s"),
    "topic": N_("Topic: %(name)s"),
    "country": N_("Stories about %(name)s"),
    "month": N_("Stories published in %(name)s"),
}


@dataclass(frozen=True)
class Settings:
    """What the caller chose for the whole site; part of every page's build fingerprint."""

    site_title: str
    visibility: Visibility
    base_url: str | None = None
    page_size: int = PAGE_SIZE


@dataclass(frozen=True)
class Alternate:
    """One entry of the language switcher. `translation`: the target is this page in that
    language (announced with hreflang), not just the nearest place in that tree."""

    code: str
    name: str
    href: str
    rtl: bool
    current: bool
    translation: bool = True


@dataclass(frozen=True)
class Chrome:
    """What base.html needs about a page: its language, where the roots are, its switcher."""

    lang: str
    dir: str
    root: str
    base: str
    path: str
    title: str
    section: str
    alternates: tuple[Alternate, ...]

    @property
    def rtl(self) -> bool:
        return self.dir == "rtl"


@dataclass(frozen=True)
class PageLink:
    number: int
    href: str
    current: bool


@dataclass(frozen=True)
class Pagination:
    page: int
    pages: int
    label: str
    newer: str | None
    older: str | None
    links: tuple[PageLink, ...]


@dataclass(frozen=True)
class Entry:
    """One line of a browse list or a filter: a listing key, its label, count and link."""

    key: str
    label: str
    count: int
    href: str
    lang: str = ""


@dataclass(frozen=True, slots=True)
class ItemLabels:
    """What an item's card and page say about it in one interface language."""

    published: str | None
    updated: str | None
    source: str
    language: str
    topics: tuple[tuple[str, str], ...]  # (slug, label)
    countries: tuple[tuple[str, str], ...]  # (listing key, name)
    translations: tuple[tuple[str, str, str], ...]  # (href, language tag, language name)
    read_original: str
    title_dir: str  # "rtl"/"ltr" when the title runs against the page, else ""
    text_dir: str


def listing_page_name(page: int) -> str:
    return "index.html" if page == 1 else f"page-{page}.html"


def page_count(size: int, page_size: int) -> int:
    return max(1, -(-size // page_size))


def tree_paths(collection: Collection, page_size: int, code: str) -> Iterator[str]:
    """Every page of one tree, relative to the tree folder (for the sitemap)."""
    yield "index.html"
    yield from FIXED_PAGES
    for view in collection.views:
        if view.tree == code:
            yield item_path(view.id)
    for kind in LISTING_KINDS:
        for key, indexes in sorted(collection.listings[kind].items()):
            for page in range(1, page_count(len(indexes), page_size) + 1):
                yield f"{kind}/{key}/{listing_page_name(page)}"


def tree_page_count(collection: Collection, page_size: int) -> int:
    """How many pages all the trees hold together (what `tree_paths` yields for every tree),
    counted without listing them."""
    listing_pages = sum(
        page_count(len(indexes), page_size)
        for keys in collection.listings.values()
        for indexes in keys.values()
    )
    per_tree = 1 + len(FIXED_PAGES) + listing_pages
    return len(UI_LANGUAGES) * per_tree + len(collection.views)  # a story's page is in one tree


class PageRenderer:
    """Renders the pages of one interface language's tree.

    The frame (base.html: header, navigation, language switcher, footer) is rendered once
    per folder depth and section, with placeholders for the title and the path (and, for a
    page with a switcher of its own, an item's, for the switcher); each page renders only
    its own head and content blocks. The result is byte for byte what
    rendering the page template whole gives (the tests check), at a fraction of the cost.
    """

    def __init__(self, theme: Theme, settings: Settings, code: str) -> None:
        self.theme = theme
        self.settings = settings
        self.code = code
        self.L: Catalogue = theme.catalogues[code]
        self._frames: dict[tuple[int, str, str | None], str] = {}
        partials = theme.env.get_template("_partials.html").module
        self._hreflang_links: Callable[[tuple[Alternate, ...]], str] = partials.hreflang_links  # type: ignore[attr-defined]
        self._topics: dict[tuple[str, ...], tuple[tuple[str, str], ...]] = {}
        self._countries: dict[tuple[str, ...], tuple[tuple[str, str], ...]] = {}
        self.slot_texts = SlotTexts(self.L)  # the texts of card placeholders, see CardSkeletons

    def labels(self, view: ItemView) -> ItemLabels:
        """The item's dates, names and labels in this language, and its text directions."""
        L = self.L
        topics = self._topics.get(view.topics)
        if topics is None:
            topics = self._topics[view.topics] = tuple((s, L.topic(s)) for s in view.topics)
        countries = self._countries.get(view.countries)
        if countries is None:
            countries = tuple((code.lower(), L.country(code)) for code in view.countries)
            self._countries[view.countries] = countries
        source = L.source(view.source_slug)
        return ItemLabels(
            published=L.date(view.published) if view.published else None,
            updated=L.date(view.updated) if view.updated else None,
            source=source,
            language=L.language(view.lang.code),
            topics=topics,
            countries=countries,
            translations=tuple(
                (link.href, link.lang.code, L.language(link.lang.code))
                for link in view.translations
            ),
            read_original=L.gettext("Read the original at %(source)s", source=source),
            title_dir=direction_against(view.title_lang, L.rtl),
            text_dir=direction_against(view.lang, L.rtl),
        )

    def chrome(
        self, path: str, title: str, section: str, alternates: tuple[Alternate, ...] = ()
    ) -> Chrome:
        """The page's chrome; its title is the whole <title> ("Story · Site", or the site).
        `alternates`: a switcher of the page's own (an item's); by default every tree's
        switcher leads to the same path in the other trees."""
        chrome = self._make_chrome(path, self._title(title, section), section, alternates=False)
        return replace(chrome, alternates=alternates) if alternates else chrome

    def full_chrome(
        self, path: str, title: str, section: str, alternates: tuple[Alternate, ...] = ()
    ) -> Chrome:
        """The chrome with the language switcher, for rendering a page template whole."""
        if alternates:
            return self.chrome(path, title, section, alternates)
        return self._make_chrome(path, self._title(title, section), section, alternates=True)

    def _title(self, title: str, section: str) -> str:
        """The whole <title>: the site's name alone at home, else the page's title isolated
        (whatever direction it runs in, or controls it holds) and the site's name after it."""
        if section == "home":
            return title
        return f"\u2068{_BIDI_CONTROLS.sub('', title)}\u2069 · {self.settings.site_title}"

    def item_alternates(
        self, view: ItemView, translations: Mapping[str, ItemView]
    ) -> tuple[Alternate, ...]:
        """An item page's switcher: its story in each interface language where the story has
        a member in that tree, else that tree's listing of the item's language (or home)."""
        root = "../" * (item_path(view.id).count("/") + 1)
        if view.lang.code:
            elsewhere = f"language/{view.lang.key}/index.html"
        else:
            elsewhere = "index.html"
        alternates = []
        for code in UI_LANGUAGES:
            catalogue = self.theme.catalogues[code]
            target = view if code == view.tree else translations.get(code)
            alternates.append(Alternate(
                code=code, name=catalogue.name, rtl=catalogue.rtl, current=code == self.code,
                href=f"{root}{target.page}" if target else f"{root}{code}/{elsewhere}",
                translation=target is not None,
            ))  # fmt: skip
        return tuple(alternates)

    def context(self, chrome: Chrome) -> dict[str, Any]:
        return {
            "page": chrome, "L": self.L, "site_title": self.settings.site_title,
            **self.L.template_functions,
        }  # fmt: skip

    def render_page(self, template: str, chrome: Chrome, **context: Any) -> str:
        """The page: its head and content blocks rendered into the tree's cached frame."""
        values = {**self.context(chrome), **context}
        head = self.theme.render_block(template, "head", values)
        content = self.theme.render_block(template, "content", values)
        own = (
            next((a.code for a in chrome.alternates if a.current), "")
            if chrome.alternates
            else None
        )
        frame = self._frame(chrome.path.count("/") + 1, chrome.section, own)
        frame = frame.replace(_TITLE, str(escape(chrome.title))).replace(_PATH, chrome.path)
        if chrome.alternates:
            hrefs = {a.code: str(escape(a.href)) for a in chrome.alternates}
            hreflang = self._hreflang_links(chrome.alternates)
            frame = _SWITCHER_HREF.sub(lambda m: hrefs[m[1]], frame).replace(_HREFLANG, hreflang)
        return frame.replace(_HEAD, head).replace(_CONTENT, content)

    def render(self, template: str, context: Mapping[str, Any]) -> bytes:
        """A tree page's render strategy (see `page.Page`): `render_page` with the chrome
        in `context["page"]`. Cards given as bytes (a listing's) are spliced into the
        encoded page, so each card is encoded once, not once per listing it is on."""
        values = dict(context)
        chrome = values.pop("page")
        cards = values.get("cards")
        if not isinstance(cards, bytes):
            return self.render_page(template, chrome, **values).encode("utf-8")
        values["cards"] = Markup(_CARDS)  # noqa: S704 - a placeholder for the encoded cards
        html = self.render_page(template, chrome, **values)
        return html.encode("utf-8").replace(_CARDS_UTF8, cards)

    def _make_chrome(self, path: str, title: str, section: str, alternates: bool) -> Chrome:
        depth = path.count("/") + 1
        root = "../" * depth
        links = tuple(
            Alternate(
                code=code,
                name=self.theme.catalogues[code].name,
                href=f"{root}{code}/{path}",
                rtl=self.theme.catalogues[code].rtl,
                current=code == self.code,
            )
            for code in UI_LANGUAGES
        ) if alternates else ()  # fmt: skip
        return Chrome(
            lang=self.code,
            dir=self.L.dir,
            root=root,
            base="../" * (depth - 1),
            path=path,
            title=title,
            section=section,
            alternates=links,
        )

    def _frame(self, depth: int, section: str, own_switcher: str | None) -> str:
        """The frame for pages at `depth` in `section`. `own_switcher`: None for the tree's
        switcher (the same path in every tree); for a switcher of the page's own, the code
        it marks current ("" for none), its links and head alternates left as placeholders."""
        key = (depth, section, own_switcher)
        frame = self._frames.get(key)
        if frame is None:
            folders = "x/" * (depth - 1)
            chrome = self._make_chrome(folders + _PATH, _TITLE, section, alternates=True)
            own: dict[str, Any] = {}
            if own_switcher is not None:
                alternates = tuple(
                    replace(a, href=f"\x01A{a.code}\x01", current=a.code == own_switcher)
                    for a in chrome.alternates
                )
                chrome = replace(chrome, alternates=alternates)
                own = {"hreflang": Markup(_HREFLANG)}  # noqa: S704
            frame = self.theme.render(
                "frame.html", head=Markup(_HEAD), content=Markup(_CONTENT),  # noqa: S704
                **self.context(chrome), **own,
            )  # fmt: skip
            frame = self._frames[key] = frame.replace(folders + _PATH, _PATH)
        return frame


def _message_slot(message: str) -> Markup:
    """An interface string as a card placeholder: "\x02message:Unreviewed\x02"."""
    return Markup(f"\x02message:{message}\x02")  # noqa: S704


def _context_message_slot(context: str, message: str) -> Markup:
    return Markup(f"\x02message:{context}\x04{message}\x02")  # noqa: S704


# The gettext functions of a card skeleton: its strings become placeholders (no %(values)s).
_SLOT_FUNCTIONS = {"gettext": _message_slot, "_": _message_slot, "pgettext": _context_message_slot}


_SLOT = re.compile("\x02([^\x02]+)\x02")
# The dir attribute around a direction placeholder becomes one slot: empty when the text runs
# with the page, so a filled card equals a direct render in either page direction.
_DIR_ATTRIBUTES = {f' dir="\x02dir:{d}\x02"': f"\x02dir-attribute:{d}\x02" for d in ("ltr", "rtl")}


class CardSkeletons:
    """Each story's card rendered once, every interface-language label and the text
    directions as placeholders named by what they show ("topic:bullying", "date:2025-03-04"),
    then filled in per tree from a table of those labels, each escaped once per tree: a worker
    building several trees renders each card once, not once per tree. (So `_card.html` uses
    labels and its messages as text only.)"""

    def __init__(self, theme: Theme) -> None:
        self.theme = theme
        self._skeletons: dict[str, tuple[str, Callable[[Mapping[str, str]], tuple[str, ...]]]] = {}

    def card(
        self,
        view: ItemView,
        others: Sequence[ItemView],
        key: str,
        renderer: PageRenderer,
        context: Mapping[str, Any],
    ) -> str:
        """`view`'s card with links to `others`, the story's other versions; `key` names
        them all (`Collection.page_fingerprint`)."""
        skeleton = self._skeletons.get(key)
        if skeleton is None:
            versions = [
                (
                    other,
                    f"\x02language:{other.lang.code}\x02",
                    f"\x02source:{other.source_slug}\x02",
                )
                for other in card_versions(view, others)
            ]
            variables = card_variables(view, others, symbolic_labels(view), versions)
            rendered = self.theme.render_fragment(
                "_card.html", {**context, **variables, **_SLOT_FUNCTIONS}
            )
            skeleton = self._skeletons[key] = compile_skeleton(rendered)
        template, slots = skeleton
        return template.format(*slots(renderer.slot_texts))


def compile_skeleton(
    rendered: str,
) -> tuple[str, Callable[[Mapping[str, str]], tuple[str, ...]]]:
    """A rendered skeleton → a str.format template and a function picking its slots' texts
    from a `SlotTexts` table (both run in C: filling a card costs no Python per slot)."""
    for attribute, slot in _DIR_ATTRIBUTES.items():
        rendered = rendered.replace(attribute, slot)
    names = _SLOT.findall(rendered)
    template = _SLOT.sub("{}", rendered.replace("{", "{{").replace("}", "}}"))
    if len(names) == 1:
        only = names[0]
        return template, lambda texts: (texts[only],)
    return template, (itemgetter(*names) if names else lambda texts: ())


def symbolic_labels(view: ItemView) -> ItemLabels:
    """An item's labels as placeholders named by what they show (see `SlotTexts`)."""

    def day(moment: datetime | None) -> str | None:
        return f"\x02date:{moment.date().isoformat()}\x02" if moment else None

    return ItemLabels(
        published=day(view.published),
        updated=day(view.updated),
        source=f"\x02source:{view.source_slug}\x02",
        language=f"\x02language:{view.lang.code}\x02",
        topics=tuple((slug, f"\x02topic:{slug}\x02") for slug in view.topics),
        countries=tuple((code.lower(), f"\x02country:{code}\x02") for code in view.countries),
        translations=tuple(
            (link.href, link.lang.code, f"\x02language:{link.lang.code}\x02")
            for link in view.translations
        ),
        read_original=f"\x02read-original:{view.source_slug}\x02",
        title_dir=f"\x02dir:{'rtl' if view.title_lang.rtl else 'ltr'}\x02",
        text_dir=f"\x02dir:{'rtl' if view.lang.rtl else 'ltr'}\x02",
    )


class SlotTexts(dict[str, str]):
    """The escaped texts of `symbolic_labels`' placeholders in one interface language,
    each worked out the first time a card asks for it."""

    def __init__(self, L: Catalogue) -> None:
        super().__init__()
        self.L = L

    def __missing__(self, slot: str) -> str:
        L = self.L
        kind, _, value = slot.partition(":")
        if kind == "dir-attribute":  # markup, not text: see _DIR_ATTRIBUTES
            text = "" if (value == "rtl") == L.rtl else f' dir="{value}"'
        elif kind == "dir":
            text = value
        elif kind == "message":
            context, marked, message = value.rpartition("\x04")
            text = str(escape(L.pgettext(context, message) if marked else L.gettext(message)))
        else:
            text = str(escape(self._label(kind, value)))
        self[slot] = text
        return text

    def _label(self, kind: str, value: str) -> str:
        L = self.L
        if kind == "date":
            return L.date(datetime.fromisoformat(value))
        if kind == "read-original":
            return L.gettext("Read the original at %(source)s", source=L.source(value))
        names: dict[str, Callable[[str], str]] = {
            "source": L.source, "language": L.language, "topic": L.topic, "country": L.country,
        }  # fmt: skip
        if kind not in names:
            raise KeyError(f"unknown card placeholder {kind!r}")
        return names[kind](value)


class Tree:
    """One interface language's tree: its pages as `Page` values (which `site.tree_pages`
    and `site.item_pages` list), and the view data they show."""

    def __init__(
        self,
        collection: Collection,
        renderer: PageRenderer,
        skeletons: CardSkeletons | None = None,
    ) -> None:
        self.collection = collection
        self.views = collection.views
        self.renderer = renderer
        self.theme = renderer.theme
        self.settings = renderer.settings
        self.code = renderer.code
        self.L = renderer.L
        self.skeletons = skeletons or CardSkeletons(renderer.theme)
        self._cards: dict[int, bytes] = {}

    # -- pages -------------------------------------------------------------------------------

    def listing_pages(self) -> Iterator[Page]:
        size = self.settings.page_size
        for kind in LISTING_KINDS:
            for key, stories in sorted(self.collection.listings[kind].items()):
                pages = page_count(len(stories), size)
                heading = self.listing_heading(kind, key)
                for page in range(1, pages + 1):
                    chunk = stories[(page - 1) * size : page * size]
                    yield self.listing_page(kind, key, heading, chunk, page, pages)

    def listing_page(
        self, kind: str, key: str, heading: str, stories: Sequence[int], page: int, pages: int
    ) -> Page:
        """One page of a listing: a card per story, each showing the version this listing
        and this tree call for (`Collection.shown`)."""
        path = f"{kind}/{key}/{listing_page_name(page)}"
        chunk = [self.collection.shown(story, self.code, kind, key) for story in stories]
        fingerprints = "".join([self.collection.page_fingerprint(i) for i in chunk])
        source = digest(f"{kind}\0{key}\0{heading}\0{page}\0{pages}\0{fingerprints}")

        def context() -> dict[str, Any]:
            title = heading
            if page > 1:
                title = self.L.gettext("%(title)s, page %(page)s", title=heading, page=page)
            feed = f"../../../feeds/{kind}/{key}.xml" if kind in ("language", "topic") else None
            return {
                "page": self.renderer.chrome(path, title, "browse"),
                "heading": heading,
                "cards": b"\n".join(self.card(i) for i in chunk),
                "pagination": pagination(page, pages, self.L),
                "feed": feed,
            }

        return self._page(path, "listing.html", context, source)

    def home_page(self) -> Page:
        """Featured stories (a story an editor featured a version of), then the latest; each
        in the reader's language where it has a version in it."""
        collection, views = self.collection, self.views
        featured_stories = [
            number for number, story in enumerate(collection.stories)
            if any(views[i].featured for i in story.members)
        ][:HOME_FEATURED]  # fmt: skip
        shown = set(featured_stories)
        latest_stories = [n for n in range(len(collection.stories)) if n not in shown]
        featured = [collection.shown(n, self.code) for n in featured_stories]
        latest = [collection.shown(n, self.code) for n in latest_stories[:HOME_LATEST]]
        source = digest(
            "home\0" + ",".join(collection.page_fingerprint(i) for i in featured)
            + "\0" + ",".join(collection.page_fingerprint(i) for i in latest)
        )  # fmt: skip
        return self._page("index.html", "index.html", lambda: {
            "page": self.renderer.chrome("index.html", self.settings.site_title, "home"),
            "featured": [self.card_context(i) for i in featured],
            "latest": [self.card_context(i) for i in latest],
        }, source)  # fmt: skip

    def browse_page(self) -> Page:
        sections = [(kind, self.entries(kind, "")) for kind in LISTING_KINDS]
        sections = [(kind, entries) for kind, entries in sections if entries]
        return self._page("browse.html", "browse.html", lambda: {
            "page": self.renderer.chrome("browse.html", self.L.gettext("Browse stories"), "browse"),
            "sections": sections,
        }, digest(repr(sections)))  # fmt: skip

    def search_page(self) -> Page:
        filters = [
            (kind, self.L.gettext(kind_label(kind)), entries)
            for kind, entries in self.filter_entries()
        ]
        empty = not self.views  # nothing shown yet: no index to search (Pagefind is not run)
        return self._page("search.html", "search.html", lambda: {
            "page": self.renderer.chrome("search.html", self.L.gettext("Search stories"), "search"),
            "filters": filters,
            "empty": empty,
        }, digest(repr((filters, empty))))  # fmt: skip

    def about_page(self) -> Page:
        visibility = self.settings.visibility
        threshold = _decimal(visibility.threshold, self.L)
        feeds = {kind: self.entries(kind, "../") for kind in ("language", "topic")}
        title = self.L.gettext("About this digest")
        return self._page("about.html", "about.html", lambda: {
            "page": self.renderer.chrome("about.html", title, "about"),
            "show_candidates": visibility.show_candidates,
            "threshold": threshold,
            "language_feeds": [(e.label, f"../feeds/language/{e.key}.xml")
                               for e in feeds["language"]],
            "topic_feeds": [(e.label, f"../feeds/topic/{e.key}.xml") for e in feeds["topic"]],
        }, digest(repr((visibility, threshold, feeds))))  # fmt: skip

    def stats_page(self) -> Page:
        counts = monthly_counts(self.collection)
        return self._page("stats.html", "stats.html", lambda: {
            "page": self.renderer.chrome("stats.html", self.L.gettext("Statistics"), "stats"),
            "total": len(self.collection.stories),
            "charts": self.charts(*counts),
        }, digest(repr(counts)))  # fmt: skip

    def item_page(self, index: int) -> Page:
        """A story's page (in this tree: the story's own), made from the story and its
        story's other members."""
        view = self.views[index]

        def context() -> dict[str, Any]:
            renderer = self.renderer
            untitled = "" if view.title else renderer.L.gettext("Untitled story")
            duplicates = self.collection.other_versions(index)
            translations = story_versions(duplicates)
            covered = {view.lang.key, *(other.lang.key for other in duplicates)}
            labels = renderer.labels(view)
            labels = replace(
                labels,
                translations=tuple(  # the publisher's, where not above
                    link for link in labels.translations if link[1].lower() not in covered
                ),
            )
            chrome = renderer.chrome(
                item_path(view.id), view.title or untitled, "item",
                renderer.item_alternates(view, translations),
            )  # fmt: skip
            lead, paragraphs = self.collection.lead_and_body(view)
            return {
                "page": chrome,
                "item": view,
                "labels": labels,
                "lead": lead,
                "paragraphs": paragraphs,
                "untitled": untitled,
                "duplicates": [(other, renderer.labels(other)) for other in duplicates],
            }

        return Page(
            view.page, "item.html", context, self.renderer.render,
            self.collection.page_fingerprint(index),
        )  # fmt: skip

    def _page(
        self, path: str, template: str, context: Callable[[], Mapping[str, Any]], source: str
    ) -> Page:
        return Page(f"{self.code}/{path}", template, context, self.renderer.render, source)

    # -- view data ---------------------------------------------------------------------------

    def card(self, index: int) -> bytes:
        """One version's card for listing pages (UTF-8), rendered and encoded once per tree."""
        card = self._cards.get(index)
        if card is None:
            context = {"base": LISTING_BASE, "root": LISTING_ROOT, "level": 2}
            others = self.collection.other_versions(index)
            key = self.collection.page_fingerprint(index)
            html = self.skeletons.card(self.views[index], others, key, self.renderer, context)
            card = self._cards[index] = html.encode("utf-8")
        return card

    def charts(
        self,
        months: list[str],
        by_source: Mapping[tuple[str, str], int],
        by_language: Mapping[tuple[str, str], int],
    ) -> list[Chart]:
        """The statistics page's charts: stories per month by source and by language."""
        if not months:
            return []
        source_keys = sorted({key for key, _ in by_source}, key=self.L.source)
        language_keys = sorted({key for key, _ in by_language}, key=self.L.language)
        return [
            monthly_chart(
                chart_id="chart-sources",
                title=self.L.gettext("Stories per month by source"),
                months=months,
                series=[(key, self.L.source(key)) for key in source_keys],
                counts=by_source,
                L=self.L,
            ),
            monthly_chart(
                chart_id="chart-languages",
                title=self.L.gettext("Stories per month by language"),
                months=months,
                series=[(key, self.L.language(key)) for key in language_keys],
                counts=by_language,
                L=self.L,
            ),
        ]

    def card_context(self, index: int) -> dict[str, Any]:
        """A card's variables (`card_variables`) for a page that includes _card.html, its
        story's other versions named in this language."""
        view = self.views[index]
        L = self.L
        others = self.collection.other_versions(index)
        versions = [
            (other, L.language(other.lang.code), L.source(other.source_slug))
            for other in card_versions(view, others)
        ]
        return card_variables(view, others, self.renderer.labels(view), versions)

    def listing_heading(self, kind: str, key: str) -> str:
        name = self.listing_name(kind, key, True)
        return self.L.gettext(LISTING_TITLES[kind], name=name)

    def listing_name(self, kind: str, key: str, inline: bool) -> str:
        return listing_name(self.L, self.collection, kind, key, inline)

    def entries(self, kind: str, prefix: str) -> list[Entry]:
        """The listings of one kind, most stories first (months newest first)."""
        listings = self.collection.listings[kind]
        codes = self.collection.language_codes
        entries = [
            Entry(
                key=key,
                label=self.listing_name(kind, key, False),
                count=len(stories),
                href=f"{prefix}{kind}/{key}/index.html",
                lang=codes.get(key, "") if kind == "language" else "",
            )
            for key, stories in listings.items()
        ]
        if kind == "month":
            return sorted(entries, key=lambda entry: entry.key, reverse=True)
        return sorted(entries, key=lambda entry: (-entry.count, entry.label))

    def filter_entries(self) -> list[tuple[str, list[Entry]]]:
        """Search filters: the same keys Pagefind indexes, labelled in this language."""
        years: dict[str, int] = {}
        for month, stories in self.collection.listings["month"].items():
            years[month[:4]] = years.get(month[:4], 0) + len(stories)
        year_entries = [Entry(year, year, count, "") for year, count in sorted(years.items())][::-1]
        kinds = [(kind, self.entries(kind, "")) for kind in ("language", "source", "topic")]
        return [*kinds, ("country", self.entries("country", "")), ("year", year_entries)]


def listing_name(L: Catalogue, collection: Collection, kind: str, key: str, inline: bool) -> str:
    """A listing's name in `L`'s language; `inline` for use inside a sentence."""
    if kind == "language":  # the key is lower case: the tag as written comes from a story
        return L.language(collection.language_codes.get(key, key), inline=inline)
    if kind == "source":
        return L.source(key)
    if kind == "topic":
        return L.topic(key)
    if kind == "country":
        return L.country(key)
    return L.month(key, inline=inline)


def story_versions(members: Sequence[ItemView]) -> dict[str, ItemView]:
    """For each interface tree, the story's version there: the newest in the tree's own
    language ("en" before a Kazakh version, which also lives in /en/), else the newest."""
    versions: dict[str, ItemView] = {}
    for member in members:  # newest first
        chosen = versions.get(member.tree)
        if chosen is None or (member.lang.key == member.tree != chosen.lang.key):
            versions[member.tree] = member
    return versions


def card_variables(
    view: ItemView,
    others: Sequence[ItemView],
    labels: ItemLabels,
    versions: Sequence[tuple[ItemView, str, str]],
) -> dict[str, Any]:
    """What _card.html shows of a story through its version `view`: the version and its
    labels, the other versions it links to (with their language and source names), whether
    the story is featured, and its picture: the version's thumbnail, else another version's
    (with the language of that version's alt text)."""
    pictured = next((v for v in (view, *others) if v.thumbnail is not None), None)
    return {
        "item": view, "labels": labels, "versions": versions,
        "story_featured": any_featured(view, others),
        "picture": (pictured.thumbnail, pictured.lang.code) if pictured else None,
    }  # fmt: skip


def any_featured(view: ItemView, others: Sequence[ItemView]) -> bool:
    """Whether an editor featured the story: any of its versions (a card shows the story)."""
    return view.featured or any(other.featured for other in others)


def card_versions(view: ItemView, others: Sequence[ItemView]) -> list[ItemView]:
    """The other versions a card links to: one per language and source (the newest), in the
    order language names would not give: the story's own order, newest first."""
    seen = {(view.lang.key, view.source_slug)}
    chosen = []
    for other in others:
        key = (other.lang.key, other.source_slug)
        if key not in seen:
            seen.add(key)
            chosen.append(other)
    return chosen


def direction_against(lang: Lang, page_rtl: bool) -> str:
    """The dir attribute text in `lang` needs on a page of the other direction, else ""."""
    if lang.rtl == page_rtl:
        return ""
    return "rtl" if lang.rtl else "ltr"


def item_shard(identifier: str, shards: int) -> int:
    """Which item shard an item belongs to: stable across builds, whatever the workers."""
    return zlib.crc32(identifier.encode()) % shards


def kind_label(kind: str) -> str:
    """The message naming a search filter's kind ("language" → "Language")."""
    return {
        "language": N_("Language"), "source": N_("Source"), "topic": N_("Topics"),
        "country": N_("Countries and regions"), "year": N_("Year"),
    }[kind]  # fmt: skip


def pagination(page: int, pages: int, L: Catalogue) -> Pagination:
    """Newer/older links and a window of page numbers around the current page."""
    numbers = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    return Pagination(
        page=page,
        pages=pages,
        label=L.gettext("Page %(page)s of %(pages)s", page=page, pages=pages),
        newer=listing_page_name(page - 1) if page > 1 else None,
        older=listing_page_name(page + 1) if page < pages else None,
        links=tuple(PageLink(n, listing_page_name(n), n == page) for n in numbers),
    )


def monthly_counts(
    collection: Collection,
) -> tuple[list[str], dict[tuple[str, str], int], dict[tuple[str, str], int]]:
    """Every month from the first to the last dated story, and the stories of each month by
    source and by language (a story counts once under each source and language it has a
    version from or in, in the month it is filed under)."""
    by_source: dict[tuple[str, str], int] = {}
    by_language: dict[tuple[str, str], int] = {}
    views = collection.views
    for month, stories in collection.listings["month"].items():
        for number in stories:
            members = collection.stories[number].members
            for slug in {views[i].source_slug for i in members}:
                by_source[slug, month] = by_source.get((slug, month), 0) + 1
            for code in {views[i].lang.code for i in members}:
                by_language[code, month] = by_language.get((code, month), 0) + 1
    present = sorted({month for _, month in by_source})
    return _month_range(present), by_source, by_language


def _month_range(present: list[str]) -> list[str]:
    if not present:
        return []
    year, month = (int(part) for part in present[0].split("-"))
    months = []
    while True:
        label = f"{year:04d}-{month:02d}"
        months.append(label)
        if label >= present[-1]:
            return months
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _decimal(value: float, L: Catalogue) -> str:
    return str(format_decimal(value, locale=L.locale))
