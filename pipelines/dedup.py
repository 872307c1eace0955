"""Duplicates and translations: canonical URLs, content hashes and story ids."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that track the visitor or change only the presentation, never the article.
_DROP_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|yclid|igshid|ref|ref_src|"
    r"hub|view_mode|amp|output|print|share|s_cid)$",
    re.IGNORECASE,
)


def clean_url(url: str) -> str:
    """The URL to fetch: fragment, tracking and presentation parameters removed."""
    parts = urlsplit(url.strip())
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _DROP_PARAMS.match(k)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(sorted(query)), ""))


def canonical_url(url: str, declared: str | None = None) -> str:
    """The URL that names the article: ``rel=canonical`` if on the same site, cleaned.

    Fragments, tracking and presentation parameters are removed; the scheme and host are
    lowercased, ``http`` becomes ``https``, and a trailing slash is dropped.
    """
    chosen = declared if declared and _same_site(url, declared) else url
    parts = urlsplit(clean_url(chosen))
    path = re.sub(r"/{2,}", "/", parts.path) or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    scheme = "https" if parts.scheme in ("http", "https") else parts.scheme
    host = parts.netloc.lower().removesuffix(":443").removesuffix(":80")
    return urlunsplit((scheme, host, path, parts.query, ""))


def _same_site(url: str, other: str) -> bool:
    def site(u: str) -> str:
        host = urlsplit(u).netloc.lower()
        return host.removeprefix("www.")

    return site(url) == site(other)


def normalise_text(text: str) -> str:
    """Text reduced to what makes it the same article: case, accents of form, spacing."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\W_]+", " ", text).strip()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:32]


def story_id(canonical: str, translations: Mapping[str, str]) -> str:
    """One id for a story in all its languages.

    Pages that list each other as hreflang alternates list the same set of URLs, so the id is
    taken from that set (with the page itself); a page without alternates is its own story.
    """
    members = {canonical_url(u) for u in translations.values()} | {canonical}
    digest = hashlib.sha1("\n".join(sorted(members)).encode("utf-8")).hexdigest()
    return "s" + digest[:11]
