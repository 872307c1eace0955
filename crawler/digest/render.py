"""The theme: one Jinja environment, the message catalogues and the static files.

Templates mark their strings with Jinja's i18n extension (``{% trans %}``, ``_()``), in its
newstyle form: a `{% trans %}` block compiles to a call of ``gettext``/``ngettext`` that
fills in the placeholders itself. No translations are installed in the environment (it
serves seven languages, and pages are rendered without its globals): each page's context
carries its language's functions (`Catalogue.template_functions`).

Templates are compiled once, before the build forks its workers, and only lay out the view
models they are given. The theme's fingerprint (every file of the templates folder plus the
code of this package) tells the incremental build when every page must be re-rendered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

import site_templates

from .errors import TemplatesNotFoundError
from .i18n import Catalogue, load_catalogues

TEMPLATES_DIR = site_templates.FOLDER
STATIC_FOLDER = "static"
REVIEW_FOLDER = "review"  # the editor's desk (crawler/desk/): not part of the site
PAGE_TEMPLATES = (
    "index.html",
    "item.html",
    "listing.html",
    "browse.html",
    "search.html",
    "about.html",
    "stats.html",
    "root.html",
    "frame.html",
    "_card.html",
    "feed.xml",
    "sitemap.xml",
    "sitemap_index.xml",
)
_CODE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class StaticAsset:
    path: str
    data: bytes


@dataclass(frozen=True)
class Theme:
    """The templates folder, the one Environment loaded from it, and its catalogues."""

    folder: Path
    env: Environment
    catalogues: Mapping[str, Catalogue]
    assets: tuple[StaticAsset, ...]
    fingerprint: str

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(**context)

    def render_fragment(self, template: str, context: Mapping[str, Any]) -> str:
        """A partial template (a card) from its own variables only: no Jinja globals to merge
        into a fresh context for each of a hundred thousand fragments."""
        compiled = self.env.get_template(template)
        return "".join(compiled.root_render_func(compiled.new_context(dict(context), shared=True)))

    def render_block(self, template: str, block: str, context: Mapping[str, Any]) -> str:
        """One block of a page template, on its own (the frame around it is rendered once)."""
        compiled = self.env.get_template(template)
        render = compiled.blocks.get(block)
        if render is None:
            return ""
        # shared=True: the page's own variables only; these blocks use no Jinja globals.
        return "".join(render(compiled.new_context(dict(context), shared=True)))


def load_theme(templates_dir: Path | None = None) -> Theme:
    folder = (templates_dir or TEMPLATES_DIR).resolve()
    if not folder.is_dir():
        raise TemplatesNotFoundError(f"templates folder not found: {folder}")
    env = create_environment(folder)
    for name in PAGE_TEMPLATES:
        env.get_template(name)  # compile now, once, before any worker forks
    return Theme(
        folder=folder,
        env=env,
        catalogues=load_catalogues(folder),
        assets=static_assets(folder),
        fingerprint=_fingerprint(folder),
    )


def create_environment(folder: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        cache_size=-1,
        extensions=["jinja2.ext.i18n"],
    )
    env.newstyle_gettext = True  # type: ignore[attr-defined]  # set by the i18n extension
    env.policies["ext.i18n.trimmed"] = True  # a {% trans %} block's line breaks are spaces
    return env


def static_assets(folder: Path) -> tuple[StaticAsset, ...]:
    """Every file under the theme's static/ folder, with its site path, in a stable order."""
    static = folder / STATIC_FOLDER
    if not static.is_dir():
        return ()
    files = sorted(path for path in static.rglob("*") if path.is_file())
    return tuple(
        StaticAsset(path=path.relative_to(folder).as_posix(), data=path.read_bytes())
        for path in files
        if not path.name.startswith(".")
    )


def _fingerprint(folder: Path) -> str:
    hasher = hashlib.blake2b(digest_size=12)
    for base in (folder, _CODE_DIR):
        for path in sorted(base.rglob("*")):
            skipped = "__pycache__" in path.parts or path.parts[len(base.parts)] == REVIEW_FOLDER
            if path.is_file() and not skipped:
                hasher.update(path.relative_to(base).as_posix().encode())
                hasher.update(path.read_bytes())
    return hasher.hexdigest()
