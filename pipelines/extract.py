"""Extraction: clean text and metadata of one article page.

The page is parsed once; the metadata this module reads itself (canonical link, <html lang>,
hreflang alternates, JSON-LD, article meta tags, the visible dateline) comes from that tree
before anything is removed. Then :mod:`pipelines.boilerplate` prunes the elements that are
never the article (navigation, captions, share bars, related blocks, cookie notices, plus the
site's ``drop`` rules), trafilatura extracts the text with comments off, and the line cleanup
takes off what trafilatura keeps on news pages (date and "Last update" lines, bylines, photo
credits, share text, "Related" lists, press-release contacts and "About UNICEF" tails).

``text`` is the article alone, one paragraph per line, standfirst first. ``description`` is
the summary: the standfirst if the page has one, else a meta description that is not a
cut-off of the body, else the first paragraph. ``title`` is the article's headline, without
the site name that ``<title>`` and ``og:title`` append.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction
from trafilatura import bare_extraction
from trafilatura.metadata import (
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_title,
    find_date,
)
from trafilatura.settings import Extractor, set_date_params
from trafilatura.utils import decode_file, is_dubious_html, repair_faulty_html

from pipelines import boilerplate
from pipelines.dateline import find_dateline, opening_dateline
from pipelines.rules import SiteRules

logger = logging.getLogger(__name__)


class ExtractionError(ValueError):
    """A page that holds no article: empty, not HTML, or no text found."""


@dataclass
class Extracted:
    title: str | None
    text: str
    description: str | None  # the summary: standfirst, else an uncut meta description, else ¶1
    authors: list[str]
    image: str | None
    canonical: str | None
    html_lang: str | None
    alternates: dict[str, str]
    date_candidates: list[tuple[str, str, str]] = field(default_factory=list)
    # (kind: "published" | "updated", value, where it came from)
    first_paragraph: str | None = None
    standfirst: str | None = None  # the lead paragraph(s) under the headline, if the page has one
    meta_description: str | None = None  # og:description / description as the page states it
    removed: list[tuple[str, str]] = field(default_factory=list)  # (why, line) cleanup took out
    site_rules_matched: bool = False  # a selector of the site's rules found something
    image_alt: str | None = None  # what the page says the lead image shows (see image_alt)


# trafilatura's options for every page (its metadata is read apart, before pruning).
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "output_format": "python",
    "comments": False,
    "images": False,
    "links": False,
    "with_metadata": False,
}

# The largest page read, in bytes or characters: the crawl's default download limit
# (``crawl.max_page_bytes``), here for pages that come another way (``extract``, reprocess).
# trafilatura takes seconds per megabyte and about fifty times the page's size in memory.
MAX_PAGE_SIZE = 10 * 2**20

# A tag with more attributes than this is no article's markup; libxml2, then justext and
# htmldate, take time quadratic in their number (100,000 on one <p> cost a minute).
MAX_ATTRIBUTES = 1_000
_RAW_TEXT = re.compile(r"<(script|style)\b.*?(?:</\1\s*>|\Z)|<!--.*?(?:-->|\Z)", re.I | re.S)
_TAG = re.compile(r"<[A-Za-z][^<>]*+")  # possessive: linear on any input
# The shortest a tag with MAX_ATTRIBUTES attributes can be ("a=1" and a space each): most
# pages have no such stretch at all and are passed after one quick scan.
_TAG_CHARS = 2 * MAX_ATTRIBUTES
_LONG_TAG = re.compile(rf"<[A-Za-z][^<>]{{{_TAG_CHARS},}}")

_SPACE = re.compile(r"\s+")
# Bidi embeddings, overrides and isolates (they reorder what follows them, up to the end of
# the line: a headline's U+202E turns a page's "… · Site" around), the C0 and C1 controls
# but tab and newline; and lone surrogates (a str can hold them, UTF-8 cannot: the store fails).
_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def strip_controls(text: str) -> str:
    """``text`` without bidi embedding, override and isolate controls, nor control characters
    other than tab and newline, nor lone surrogates; the marks (LRM, RLM, ALM) and zero-width
    joiners stay."""
    return _CONTROLS.sub("", text)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = _SPACE.sub(" ", value).strip()
    return value or None


# trafilatura's parser settings, with one difference: lxml.html's own parser asks Python for
# each element's class (FormElement, InputElement, ...) every time lxml makes an object of
# it, thousands of times a page; here every element is an HtmlElement, decided in C.
_PARSER = lxml.html.HTMLParser(
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
    remove_pis=True,
)  # fmt: skip
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)


def parse_html(html: str | bytes) -> HtmlElement:
    """The page's tree, read as trafilatura reads it (its decoding and repairs)."""
    text = decode_file(html)
    beginning = text[:50].lower()
    text = repair_faulty_html(text, beginning)
    tree = None
    for markup in (text, text.encode("utf-8", "surrogatepass")):
        try:  # a str declaring its encoding is refused: then as UTF-8 bytes
            tree = lxml.html.fromstring(markup, parser=_PARSER)
        except (ValueError, etree.LxmlError):
            continue
        if len(tree):
            break
    if tree is None or (is_dubious_html(beginning) and len(tree) < 2):
        raise ExtractionError("not an HTML page")
    return tree


def _most_attributes(html: str | bytes) -> int:
    """About the most attributes a tag in ``html`` has: its ``=`` signs (scripts, styles and
    comments skipped); 0 when no tag can hold ``MAX_ATTRIBUTES`` of them.
    Quotes are not followed: real pages hold stray and typographic ones (``content=“x"``)
    that would join a page's tags into one."""
    text = html.decode("latin-1") if isinstance(html, bytes) else html
    if text.count("=") <= MAX_ATTRIBUTES or not _LONG_TAG.search(text):
        return 0  # too few in the page, or no tag long enough to be crowded: not worth counting
    return max((tag.count("=") for tag in _TAG.findall(_RAW_TEXT.sub("", text))), default=0)


@dataclass
class _Page:
    """What the page states about itself, read from the whole tree before pruning."""

    meta: dict[str, str]
    jsonld: list[dict[str, Any]]
    headline: HtmlElement | None
    title: str | None
    html_lang: str | None  # as the page writes it ("en-US": the region tells 03/04 apart)
    guessed: dict[str, Any]  # trafilatura's metadata: title, date, description, author, image

    @property
    def language(self) -> str | None:
        """The primary language subtag ("en")."""
        return self.html_lang.split("-")[0].lower() if self.html_lang else None


def extract(html: str | bytes, url: str, rules: SiteRules | None = None) -> Extracted:
    """Text and metadata of the article in ``html`` (fetched from ``url``)."""
    if len(html) > MAX_PAGE_SIZE:
        unit = "bytes" if isinstance(html, bytes) else "characters"
        raise ExtractionError(f"page too large: {len(html):,} {unit}, over {MAX_PAGE_SIZE:,}")
    if (crowded := _most_attributes(html)) > MAX_ATTRIBUTES:
        raise ExtractionError(f"not an article page: a tag with {crowded:,} attributes")
    tree = parse_html(html)
    rules = rules or SiteRules()
    page = _read_page(tree, url, rules)
    dates = _date_candidates(tree, page.meta, page.jsonld, rules)
    canonical = _link_href(tree, "canonical", url)
    alternates = _alternates(tree, url)
    site = _site_name(tree, page.meta, page.title)
    matched = _rules_match(tree, rules)
    image = _absolute(url, page.meta.get("og:image") or page.guessed.get("image"))
    alt = image_alt(tree, page.meta, image, url)  # before pruning: figures go with it

    shown = [boilerplate.find_date_text(tree, page.headline)]
    # What the page says about itself is read: its scripts and styles, often most of its
    # bytes, need not be copied again by every stage of trafilatura (whose last resort
    # reads an article's JSON-LD, which stays).
    for node in _CODE(tree):
        node.drop_tree()
    boilerplate.prune_tree(tree, rules.drop, rules.prune)
    standfirst = boilerplate.find_standfirst(tree, page.headline, rules.standfirst)
    text = _article_text(_body_tree(tree, rules), url) or _article_text(parse_html(html), url)
    cleaned = boilerplate.clean_lines(
        text.splitlines(), title=page.title, standfirst=standfirst, language=page.language
    )
    if not cleaned.lines:
        raise ExtractionError("no article text found")
    if page.guessed.get("date"):
        dates.append(("published", page.guessed["date"], "trafilatura"))
    dates += _visible_dates(
        [*filter(None, shown), *cleaned.removed_as("date")], page.html_lang, cleaned.lines[:2]
    )
    description = _clean(page.meta.get("og:description") or page.meta.get("description"))
    description = description or _clean(page.guessed.get("description"))
    return Extracted(
        title=page.title,
        text=cleaned.text,
        description=choose_summary(standfirst, description, cleaned.lines, page.title, site),
        authors=_authors(page.jsonld, page.guessed.get("author")),
        image=image,
        canonical=canonical,
        html_lang=page.html_lang,
        alternates=alternates,
        date_candidates=dates,
        first_paragraph=first_paragraph(cleaned.lines),
        standfirst=" ".join(standfirst) or None,
        meta_description=description,
        removed=cleaned.removed,
        site_rules_matched=matched,
        image_alt=alt,
    )


# Alt texts that say nothing about the picture: a file name, a placeholder, the word "image".
_EMPTY_ALT = re.compile(
    r"(?i)^(?:image|img|photo|picture|foto|фото|изображение|صورة|图片|照片|"
    r"[^\s]+\.(?:jpe?g|png|gif|webp|svg)|\W*)$"
)


# Path parts that name a rendition of a picture, not the picture: Drupal's image styles
# (/styles/<style>/public/) and size presets (image770x420cropped.jpg, 1170x530): a page
# shows one rendition and names another as its og:image.
_RENDITION = re.compile(r"/styles/[^/]+/(?:public/)?|[^/]*\d{2,4}x\d{2,4}[^/]*")


def _picture(url: str) -> str:
    """Which picture ``url`` shows, whatever its rendition: host and path without them."""
    parts = urlsplit(url)
    return parts.netloc.lower() + _RENDITION.sub("/", parts.path)


def image_alt(tree: HtmlElement, meta: dict[str, str], image: str | None, url: str) -> str | None:
    """What the page says its lead image shows: ``og:image:alt``, else ``twitter:image:alt``,
    else the ``alt`` of an ``<img>`` showing the lead image (in any rendition); None when none says
    something (empty, a file name, "photo"). The site then leaves the thumbnail's alt empty:
    the story's title sits beside it (see site_templates/_card.html)."""
    said = (_said(meta.get(name)) for name in ("og:image:alt", "twitter:image:alt"))
    found = next((text for text in said if text), None)
    if found or not image:
        return found
    picture = _picture(image)  # only when the page's metadata said nothing
    for node in tree.iter("img"):
        alt = _said(node.get("alt"))
        src = _absolute(url, node.get("src")) if alt else None
        if src and _picture(src) == picture:
            return alt
    return None


def _said(text: str | None) -> str | None:
    """An alt text that says something about the picture, cleaned; else None."""
    cleaned = _clean(strip_controls(text)) if text else None
    return cleaned[:300] if cleaned and not _EMPTY_ALT.match(cleaned) else None


def _rules_match(tree: HtmlElement, rules: SiteRules) -> bool:
    """Whether any selector of the site's rules finds an element of the page (before
    pruning): none does when the site has no rules, or when its markup changed and the
    page is read by the generic rules alone."""
    selectors = (rules.title, rules.published, rules.body, *rules.drop, *rules.prune)
    return any(tree.cssselect(s) for s in (*selectors, *rules.standfirst) if s)


def _read_page(tree: HtmlElement, url: str, rules: SiteRules) -> _Page:
    meta = _meta_tags(tree)
    jsonld = _jsonld(tree)
    headline = _headline(tree, meta, rules)
    guessed = _guess_metadata(tree, url)
    title = _title(tree, headline, meta, jsonld)
    title = title or _clean(strip_site_suffix(guessed.get("title"), meta.get("og:site_name")))
    lang = _clean(tree.get("lang") or tree.get("xml:lang"))
    return _Page(meta, jsonld, headline, title, lang, guessed)


def _guess_metadata(tree: HtmlElement, url: str) -> dict[str, Any]:
    """trafilatura's reading of the page's title, author, date, description and image: its
    ``extract_metadata`` without the site name, categories, tags and licence, which are not
    used here and cost a fifth of its time."""
    found = examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None  # one word is a handle or a site, as trafilatura judges
    try:
        found = extract_meta_json(tree, found)
    except Exception as exc:  # noqa: BLE001 - its JSON-LD reader has bugs on odd input
        logger.debug("%s: trafilatura's JSON-LD reading failed: %s", url, exc)
    found.title = found.title or extract_title(tree)
    found.author = found.author or extract_author(tree)
    found.date = find_date(tree, **{**set_date_params(True), "url": url})
    found.clean_and_trim()
    return dict(found.as_dict())


_CODE = etree.XPath('//script[not(@type="application/ld+json")]|//style')  # JSON-LD: see below


# A table that lays out the page (it holds a headline, a form or another table): its rows are
# not data, and read as rows they would run the article and its chrome into one line.
_LAYOUT_TABLE = etree.XPath(
    "boolean(//table[descendant::table or descendant::h1 or descendant::h2 or descendant::form])"
)


def _article_text(tree: HtmlElement, url: str) -> str:
    """trafilatura's text of ``tree``, tables included unless the page is laid out in them;
    "" when it finds none."""
    tables = not _LAYOUT_TABLE(tree)
    doc = bare_extraction(tree, options=Extractor(**TRAFILATURA_OPTIONS, tables=tables, url=url))
    if doc is None:
        return ""
    found: dict[str, Any] = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    return (found.get("text") or "").strip()


def _visible_dates(
    lines: Sequence[str], language: str | None, opening: Sequence[str] = ()
) -> list[tuple[str, str, str]]:
    """The dates of the page's date block, of the date lines the cleanup removed, and of a
    dateline that opens the article's first paragraphs ("15 April 2025 | SDGs …",
    "NEW YORK, 12 March 2025 – …").

    A date after an update label ("Last update: …") is the ``updated`` candidate.
    """
    found: list[tuple[str, str, str]] = []
    datelines = [find_dateline(line, language) for line in lines]
    datelines += [opening_dateline(paragraph, language) for paragraph in opening]
    for dateline in datelines:
        if dateline is None:
            continue
        for kind in ("published", "updated"):
            if day := getattr(dateline, kind):
                found.append((kind, day.isoformat(), "dateline"))
    return found


_SENTENCE_END = re.compile(r"[.!?。！？؟…][\"'»”’)\]]*$")
_ELLIPSIS = ("…", "...", "[…]", "(…)")
_SUMMARY_OVERLAP = 0.6  # share of a description's content words that must occur in the text
_SITE_SHARE = 0.5  # a description mostly made of the site's name describes the site
_CONTENT_WORD = 4  # letters from which a word counts as a content word (CJK: every character)


def first_paragraph(lines: Sequence[str]) -> str | None:
    """The first line that reads as a paragraph, not a subheading."""
    for line in lines:
        if _SENTENCE_END.search(line) or len(line) >= 120:
            return line
    return lines[0] if lines else None


def choose_summary(
    standfirst: Sequence[str],
    description: str | None,
    lines: Sequence[str],
    title: str | None = None,
    site: str | None = None,
) -> str | None:
    """The standfirst; else the meta description unless it is cut off; else paragraph one.

    A description that only repeats the title, or that describes the site rather than the
    story (``site`` is the site's name as the page gives it), is not a summary either.
    """
    if standfirst:
        return " ".join(standfirst)
    first = first_paragraph(lines)
    if (
        description
        and _words(description) != _words(title or "")
        and not _is_cut_off(description, first)
        and _is_about(description, lines, site)
    ):
        return description
    return first


def _is_cut_off(description: str, first: str | None) -> bool:
    if description.rstrip().endswith(_ELLIPSIS):
        return True
    key, whole = _words(description), _words(first or "")
    return len(key) < len(whole) and whole[: len(key)] == key


def _is_about(description: str, lines: Sequence[str], site: str | None = None) -> bool:
    """A description that tells this story, not the site's blurb ("Official site of …")."""
    words = [w for w in _words(description) if len(w) >= _CONTENT_WORD or _is_cjk(w)]
    if not words or boilerplate.names_the_site(description):
        return False
    site_words = set(_words(site or ""))
    if sum(w in site_words for w in words) >= _SITE_SHARE * len(words):
        return False
    text = set(_words(" ".join(lines)))
    return sum(w in text for w in words) >= _SUMMARY_OVERLAP * len(words)


def _site_name(tree: HtmlElement, meta: dict[str, str], title: str | None) -> str:
    """The site's name: og:site_name, and what <title> adds to the headline."""
    page_title = _first_text(tree, "title") or ""
    tail = page_title.replace(title, " ") if title and title in page_title else ""
    return f"{meta.get('og:site_name') or ''} {tail}"


def _is_cjk(word: str) -> bool:
    return "\u4e00" <= word[0] <= "\u9fff"


def _words(text: str) -> list[str]:
    """Word tokens, casefolded; CJK characters count one each."""
    return [w.casefold() for w in re.findall(r"[\u4e00-\u9fff]|[^\W\u4e00-\u9fff]+", text)]


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    tags: dict[str, str] = {}
    for node in tree.iter("meta"):
        key = node.get("property") or node.get("name") or node.get("itemprop")
        content = node.get("content")
        if key and content and key.lower() not in tags:
            tags[key.lower()] = content.strip()
    return tags


def _jsonld(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page (``@graph`` flattened); broken blocks are skipped."""
    objects: list[dict[str, Any]] = []
    for node in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(node.text or "")
        except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            obj = stack.pop(0)
            if isinstance(obj, dict):
                objects.append(obj)
                stack.extend(obj.get("@graph", []))
    return objects


_ARTICLE_TYPES = {"NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle", "PressRelease"}


def _article_objects(jsonld: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def types(obj: dict[str, Any]) -> set[str]:
        kind = obj.get("@type", [])
        return set(kind if isinstance(kind, list) else [kind])

    return [obj for obj in jsonld if types(obj) & _ARTICLE_TYPES]


def _first_text(tree: HtmlElement, selector: str) -> str | None:
    for node in tree.cssselect(selector):
        text = _clean(node.text_content())
        if text:
            return text
    return None


def _headline(tree: HtmlElement, meta: dict[str, str], rules: SiteRules) -> HtmlElement | None:
    """The element holding the article's headline: the site rule, else the article's h1."""
    if rules.title:
        for node in tree.cssselect(rules.title):
            if _clean(node.text_content()):
                return node
    site = (meta.get("og:site_name") or "").casefold()
    stated = " ".join((meta.get("og:title") or "", _first_text(tree, "title") or "")).casefold()
    candidates = [
        node
        for node in tree.iter("h1")
        if (text := _clean(node.text_content()))
        and text.casefold() != site
        and not any(a.tag in ("nav", "a", "footer", "aside") for a in node.iterancestors())
    ]
    for node in candidates:  # the h1 that <title> or og:title repeats
        if (_clean(node.text_content()) or "").casefold() in stated:
            return node
    for node in candidates:
        if any(a.tag in ("article", "main") for a in node.iterancestors()):
            return node
    return candidates[0] if candidates else None


def _title(
    tree: HtmlElement,
    headline: HtmlElement | None,
    meta: dict[str, str],
    jsonld: list[dict[str, Any]],
) -> str | None:
    """The headline's full text, else og:title or JSON-LD headline, else <title>, unsuffixed."""
    if headline is not None:
        return _clean(headline.text_content())
    stated = [_clean(meta.get("og:title"))]
    stated += [_clean(str(o["headline"])) for o in _article_objects(jsonld) if o.get("headline")]
    stated.append(_first_text(tree, "title"))
    for value in stated:
        if value:
            return strip_site_suffix(value, meta.get("og:site_name"))
    return None


# Names the sites append to their titles ("… | UN News", "… - ONU Info").
_KNOWN_SUFFIX = re.compile(
    rf"\s+[|–—-]\s+(?:{boilerplate.site_names()})(?:\s+[^\s|–—-]+){{0,3}}\s*$", re.IGNORECASE
)
_PIPE_SUFFIX = re.compile(r"\s+\|\s+[^|]{2,60}$")


def strip_site_suffix(title: str | None, site_name: str | None = None) -> str | None:
    """``Story title | UN News`` → ``Story title``; also ``- ONU Info``, ``| UNICEF Kazakhstan``.

    A `` | anything`` tail goes; a dash tail only when it names a known site or ``site_name``.
    """
    if not title:
        return title
    previous = None
    while previous != title:
        previous = title
        title = _KNOWN_SUFFIX.sub("", title)
        title = _PIPE_SUFFIX.sub("", title)
        if site_name:
            for separator in (" | ", " - ", " – ", " — ", " :: "):
                title = title.removesuffix(separator + site_name)
    return title.strip() or previous


def _date_candidates(
    tree: HtmlElement, meta: dict[str, str], jsonld: list[dict[str, Any]], rules: SiteRules
) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    if rules.published:
        for node in tree.cssselect(rules.published):
            value = node.get("datetime") or node.get("content") or node.text_content()
            if value and value.strip():
                found.append(("published", value.strip(), "rule"))
                break
    for obj in _article_objects(jsonld):
        for key, kind in (("datePublished", "published"), ("dateModified", "updated")):
            if obj.get(key):
                found.append((kind, str(obj[key]), f"json-ld:{key}"))
    for key, kind in (
        ("article:published_time", "published"),
        ("og:published_time", "published"),
        ("dc.date", "published"),
        ("dcterms.date", "published"),
        ("date", "published"),
        ("article:modified_time", "updated"),
        ("og:updated_time", "updated"),
        ("dcterms.modified", "updated"),
    ):
        if meta.get(key):
            found.append((kind, meta[key], f"meta:{key}"))
    for node in tree.xpath("//article//time[@datetime] | //main//time[@datetime]")[:1]:
        found.append(("published", node.get("datetime"), "time[datetime]"))
    return found


def _link_href(tree: HtmlElement, rel: str, base: str) -> str | None:
    for node in tree.xpath("//link[@href]"):
        if rel in (node.get("rel") or "").lower().split():
            return _absolute(base, node.get("href"))
    return None


def _alternates(tree: HtmlElement, base: str) -> dict[str, str]:
    alternates: dict[str, str] = {}
    for node in tree.xpath("//link[@hreflang][@href]"):
        if "alternate" not in (node.get("rel") or "").lower().split():
            continue
        lang = node.get("hreflang").strip()
        href = _absolute(base, node.get("href"))
        if lang and href and lang.lower() != "x-default":
            alternates[lang] = href
    return alternates


def _absolute(base: str, href: str | None) -> str | None:
    """``href`` made absolute against ``base``, if it is a web address: None for none, for
    ``javascript:``, ``data:`` and other schemes, and for what urllib cannot read
    (``http://[::1``)."""
    if not href or not href.strip():
        return None
    try:
        joined = urljoin(base, href.strip())
        parts = urlsplit(joined)
    except ValueError:
        return None
    return joined if parts.scheme in ("http", "https") and parts.netloc else None


def _authors(jsonld: list[dict[str, Any]], fallback: str | None) -> list[str]:
    names: list[str] = []
    for obj in _article_objects(jsonld):
        authors = obj.get("author", [])
        for author in authors if isinstance(authors, list) else [authors]:
            name = author.get("name") if isinstance(author, dict) else author
            if isinstance(name, str) and _clean(name) and _clean(name) not in names:
                names.append(_clean(name) or "")
    if not names and fallback:
        names = [n.strip() for n in re.split(r";|,", fallback) if n.strip()]
    return names


def _body_tree(tree: HtmlElement, rules: SiteRules) -> HtmlElement:
    """The subtree trafilatura reads: the configured body if the rule matches, else the page."""
    if rules.body:
        matches = tree.cssselect(rules.body)
        if matches:
            wrapper = etree.fromstring("<html><body></body></html>", parser=etree.HTMLParser())
            body = wrapper.find("body")
            for match in matches:
                body.append(match)
            return parse_html(etree.tostring(wrapper, encoding="unicode"))
    return tree
