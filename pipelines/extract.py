"""Extraction: clean text and metadata of one article page.

The page is parsed once; the metadata this module reads itself (canonical link, <html lang>,
hreflang alternates, JSON-LD, article meta tags, the visible dateline) comes from that tree
before trafilatura, which extracts the text and stays the fallback for the rest.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.utils import load_html

from crawler.config import SiteRules


class ExtractionError(ValueError):
    """A page that holds no article: empty, not HTML, or no text found."""


@dataclass
class Extracted:
    title: str | None
    text: str
    description: str | None
    authors: list[str]
    image: str | None
    canonical: str | None
    html_lang: str | None
    alternates: dict[str, str]
    date_candidates: list[tuple[str, str, str]] = field(default_factory=list)
    # (kind: "published" | "updated", value, where it came from)
    first_paragraph: str | None = None


_SPACE = re.compile(r"\s+")


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = _SPACE.sub(" ", value).strip()
    return value or None


def parse_html(html: str | bytes) -> HtmlElement:
    tree = load_html(html)
    if tree is None:
        raise ExtractionError("not an HTML page")
    return tree


def extract(html: str | bytes, url: str, rules: SiteRules | None = None) -> Extracted:
    """Text and metadata of the article in ``html`` (fetched from ``url``)."""
    tree = parse_html(html)
    rules = rules or SiteRules()
    meta = _meta_tags(tree)
    jsonld = _jsonld(tree)
    title = _title(tree, meta, jsonld, rules)
    dates = _date_candidates(tree, meta, jsonld, rules)
    canonical = _link_href(tree, "canonical", url)
    alternates = _alternates(tree, url)
    html_lang = _clean(tree.get("lang") or tree.get("xml:lang"))
    body_tree = _body_tree(tree, rules)
    doc = bare_extraction(
        body_tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        prune_xpath=_drop_xpaths(rules),
    )
    if doc is None:
        raise ExtractionError("no article text found")
    found: dict[str, Any] = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    title = title or _clean(found.get("title"))
    text = _without_title(found.get("text") or "", title)
    if not text:
        raise ExtractionError("no article text found")
    if found.get("date"):
        dates.append(("published", found["date"], "trafilatura"))
    return Extracted(
        title=title,
        text=text,
        description=_clean(meta.get("og:description") or meta.get("description"))
        or _clean(found.get("description")),
        authors=_authors(jsonld, found.get("author")),
        image=_absolute(url, meta.get("og:image") or found.get("image")),
        canonical=canonical,
        html_lang=html_lang,
        alternates=alternates,
        date_candidates=dates,
        first_paragraph=text.split("\n", 1)[0].strip() or None,
    )


def _without_title(text: str, title: str | None) -> str:
    """The text without the headline trafilatura keeps as its first line, and blank lines."""
    lines = [line.strip() for line in text.strip().splitlines()]
    lines = [line for line in lines if line]
    if lines and title and _clean(lines[0]) == title:
        lines = lines[1:]
    return "\n".join(lines)


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
        except ValueError:
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


def _title(
    tree: HtmlElement, meta: dict[str, str], jsonld: list[dict[str, Any]], rules: SiteRules
) -> str | None:
    if rules.title:
        found = _first_text(tree, rules.title)
        if found:
            return found
    for selector in ("article h1", "main h1", "h1"):
        found = _first_text(tree, selector)
        if found:
            return found
    for obj in _article_objects(jsonld):
        if obj.get("headline"):
            return _clean(str(obj["headline"]))
    return _clean(meta.get("og:title")) or strip_site_suffix(_first_text(tree, "title"))


_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,40}$")


def strip_site_suffix(title: str | None) -> str | None:
    """``Story title | UN News`` → ``Story title``."""
    if not title:
        return title
    return _SUFFIX.sub("", title).strip() or title


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
    if not href or not href.strip():
        return None
    return urljoin(base, href.strip())


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
            return load_html(etree.tostring(wrapper, encoding="unicode"))
    return tree


def _drop_xpaths(rules: SiteRules) -> list[str] | None:
    if not rules.drop:
        return None
    from cssselect import GenericTranslator

    translator = GenericTranslator()
    return [translator.css_to_xpath(selector) for selector in rules.drop]
