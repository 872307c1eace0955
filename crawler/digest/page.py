"""One file of the site as a value, and the one loop that renders pages and writes them.

A `Page` says where a file goes (`path`, from the site root), what makes it (`template`:
a Jinja template, or the name of a serializer for files no template makes), what it shows
(`context`, a function called only when the page is rendered, so a hundred thousand
contexts are never held at once), what it is made from (`source`, a fingerprint: when the
last build made the file from the same source, it is neither rendered nor written) and how
it is rendered (`render`, one of the strategies below, or a tree's frame assembly, see
`pages.PageRenderer.render`). `site.py` declares every page of every part.

The speed of a large build lives behind this interface, not in the page lists: the loop
skips a page whose source is current without making its context; a tree page's strategy
renders only its own blocks into a frame rendered once, and splices in cards filled from
skeletons rendered once per worker (pages.py, pinned by tests/test_site_incremental.py);
build.py runs the parts in forked workers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .render import Theme
from .writer import SiteWriter

Context = Mapping[str, Any]
Render = Callable[[str, Context], bytes]

JSON = "json"  # the serializer of `as_json`
STATIC = "static"  # a file copied as it is (`verbatim`)


@dataclass(frozen=True, slots=True)
class Page:
    """One file of the site (see the module's docstring)."""

    path: str
    template: str
    context: Callable[[], Context]
    render: Render
    source: str = ""  # "": rendered every build, written only when its bytes changed


def render_pages(pages: Iterable[Page], writer: SiteWriter) -> None:
    """Render each page whose source changed since the last build and hand it to `writer`
    (which writes it only when its bytes changed)."""
    for page in pages:
        if page.source and writer.is_current(page.path, page.source):
            continue
        writer.write(page.path, page.render(page.template, page.context()), page.source)


def whole_template(theme: Theme) -> Render:
    """Render the template whole, with the context as its variables."""

    def render(template: str, context: Context) -> bytes:
        return theme.render(template, **context).encode("utf-8")

    return render


def as_json(template: str, context: Context) -> bytes:
    """The context as one line of JSON, keys sorted (by json's C encoder: an indent would
    take its pure-Python one, 3× slower)."""
    return (json.dumps(context, ensure_ascii=False, sort_keys=True) + "\n").encode()


def verbatim(template: str, context: Context) -> bytes:
    """A file's own bytes (`context["data"]`), as a static asset is copied."""
    data: bytes = context["data"]
    return data
