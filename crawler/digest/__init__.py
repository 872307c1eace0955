"""The static site build: context (items → view models) → render (Jinja) → write.

It never touches the database or Scrapy; the caller passes plain item dicts.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .context import INDEX_PATH, ITEMS_FOLDER, ItemView, prepare_items
from .errors import (
    DigestError,
    InvalidItemError,
    OutputCollisionError,
    TemplatesNotFoundError,
    UnsafeOutputPathError,
)
from .render import Theme, load_theme, render_index, render_item, static_assets
from .writer import SiteWriter

__all__ = [
    "BuildReport",
    "DigestError",
    "InvalidItemError",
    "OutputCollisionError",
    "TemplatesNotFoundError",
    "UnsafeOutputPathError",
    "build_site",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildReport:
    written: int
    unchanged: int
    index_path: Path
    removed: int = 0


def build_site(
    items: Iterable[Mapping[str, Any]],
    out_dir: Path,
    *,
    now: datetime,
    site_title: str = "GCED News Digest",
    templates_dir: Path | None = None,
) -> BuildReport:
    """Build the site into `out_dir`, writing only files whose bytes changed.

    `now` must be timezone-aware; pages do not show it, so rebuilding the same items
    writes nothing. Item pages no longer produced (e.g. an item since rejected) are removed.
    """
    if now.tzinfo is None:
        raise ValueError("now must be a timezone-aware datetime")
    views = prepare_items(items)
    theme = load_theme(templates_dir)
    assets = static_assets(theme)
    writer = SiteWriter(out_dir)
    writer.claim([*(asset.path for asset in assets), *(view.path for view in views), INDEX_PATH])
    for asset in assets:
        writer.write(asset.path, asset.data)
    _write_pages(writer, theme, views, site_title)
    writer.prune(ITEMS_FOLDER, ".html")
    logger.info(
        "built %s: %d items, %d files written, %d unchanged, %d removed",
        out_dir,
        len(views),
        writer.written,
        writer.unchanged,
        writer.removed,
    )
    return BuildReport(
        written=writer.written,
        unchanged=writer.unchanged,
        index_path=out_dir / INDEX_PATH,
        removed=writer.removed,
    )


def _write_pages(
    writer: SiteWriter, theme: Theme, views: tuple[ItemView, ...], site_title: str
) -> None:
    """Item pages first and the index last, so the index never links to a missing page."""
    for view in views:
        writer.write(view.path, _encode(render_item(theme, view, site_title=site_title)))
    writer.write(INDEX_PATH, _encode(render_index(theme, views, site_title=site_title)))


def _encode(html: str) -> bytes:
    return html.encode("utf-8")
