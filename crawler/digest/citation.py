"""A story as a reference a researcher's tools import: RIS, BibTeX and CSL-JSON.

Pure functions of a `Reference` (made from an item view by `reference`): machine.py makes
each story's items/<id>.ris, .bib and .csl.json from them, beside items/<id>.json. The
reference cites the agency's own article (its URL, the agency as publisher and container),
in the story's language, with the editor's title and summary when set, as the site shows
them. A citation key is "gced" and the item id: stable across builds and unique on the site.
Non-ASCII text stays as UTF-8 in all three formats (BibTeX too: biber and bibtexparser
read UTF-8); BibTeX's special characters are escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .context import ItemView


@dataclass(frozen=True, slots=True)
class Reference:
    """What a citation of one story says."""

    key: str
    title: str | None
    publisher: str | None
    url: str | None
    accessed: datetime | None
    issued: datetime | None
    language: str | None
    authors: tuple[str, ...]
    abstract: str | None


def reference(view: ItemView, publisher: str | None, page_url: str) -> Reference:
    """The citation of `view`: `publisher` is the agency's name, `page_url` the story's page
    on this site, cited when the agency's own URL is unknown."""
    return Reference(
        key=citation_key(view.id),
        title=view.title,
        publisher=publisher,
        url=view.original_url or page_url,
        accessed=view.crawled,
        issued=view.published,
        language=view.lang.code or None,
        authors=view.authors,
        abstract=view.summary,
    )


def citation_key(item_id: str) -> str:
    """ "gced<id>": letters and digits only, the same for a story in every build."""
    return "gced" + re.sub(r"[^0-9A-Za-z]", "", item_id)


def as_ris(ref: Reference) -> str:
    """The RIS record (type NEWS), CRLF-free lines of "TAG  - value", ending with "ER  - "."""
    lines = [("TY", "NEWS"), ("ID", ref.key)]
    lines += [("TI", ref.title)] if ref.title else []
    lines += [("AU", author) for author in ref.authors]
    if ref.publisher:
        lines += [("T2", ref.publisher), ("PB", ref.publisher)]
    if ref.issued:
        lines += [("PY", f"{ref.issued.year:04d}"), ("DA", _ris_date(ref.issued))]
    lines += [("LA", ref.language)] if ref.language else []
    lines += [("UR", ref.url)] if ref.url else []
    lines += [("Y2", _ris_date(ref.accessed))] if ref.accessed else []
    lines += [("AB", ref.abstract)] if ref.abstract else []
    body = "".join(f"{tag}  - {_one_line(value or '')}\n" for tag, value in lines)
    return body + "ER  - \n"


def as_bibtex(ref: Reference) -> str:
    """The BibTeX entry (@online, biblatex's type, which BibTeX styles read as @misc)."""
    fields: list[tuple[str, str]] = []
    if ref.title:
        fields.append(("title", "{" + _bibtex_escape(ref.title) + "}"))
    if ref.authors:
        fields.append(("author", " and ".join("{" + _bibtex_escape(a) + "}" for a in ref.authors)))
    if ref.publisher:
        fields.append(("organization", _bibtex_escape(ref.publisher)))
        fields.append(("publisher", _bibtex_escape(ref.publisher)))
    if ref.issued:
        fields.append(("date", ref.issued.date().isoformat()))
        fields.append(("year", f"{ref.issued.year:04d}"))
    if ref.language:
        fields.append(("langid", ref.language))
    if ref.url:
        fields.append(("url", _bibtex_url(ref.url)))
    if ref.accessed:
        fields.append(("urldate", ref.accessed.date().isoformat()))
    if ref.abstract:
        fields.append(("abstract", _bibtex_escape(ref.abstract)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@online{{{ref.key},\n{body}\n}}\n"


def as_csl(ref: Reference) -> list[dict[str, Any]]:
    """The CSL-JSON record, in a list as CSL-JSON files hold them."""
    record: dict[str, Any] = {"id": ref.key, "type": "article-newspaper"}
    if ref.title:
        record["title"] = ref.title
    if ref.authors:
        record["author"] = [{"literal": author} for author in ref.authors]
    if ref.publisher:
        record["container-title"] = ref.publisher
        record["publisher"] = ref.publisher
    if ref.issued:
        record["issued"] = _csl_date(ref.issued)
    if ref.language:
        record["language"] = ref.language
    if ref.url:
        record["URL"] = ref.url
    if ref.accessed:
        record["accessed"] = _csl_date(ref.accessed)
    if ref.abstract:
        record["abstract"] = ref.abstract
    return [record]


def _ris_date(moment: datetime) -> str:
    return f"{moment.year:04d}/{moment.month:02d}/{moment.day:02d}"


def _csl_date(moment: datetime) -> dict[str, Any]:
    return {"date-parts": [[moment.year, moment.month, moment.day]]}


def _one_line(value: str) -> str:
    """RIS reads one line a tag: line breaks become spaces."""
    return " ".join(value.split())


_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_SPECIAL = re.compile("|".join(re.escape(char) for char in _BIBTEX_SPECIALS))


def _bibtex_escape(value: str) -> str:
    """`value` on one line with LaTeX's special characters escaped; non-ASCII kept."""
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_SPECIALS[m.group()], _one_line(value))


def _bibtex_url(url: str) -> str:
    """A URL as biblatex's url field takes it (verbatim): only a brace would end the field,
    so braces are percent-encoded."""
    return url.replace("{", "%7B").replace("}", "%7D")
