"""The static site build: items → view models (context) → pages (Jinja) → files (writer).

It never touches the database or Scrapy; the caller passes plain item dicts, for example
straight from `crawler.store.iter_items` (`ITEM_FIELDS` names the fields it reads). See
`build.build_site` for the options.
"""

from __future__ import annotations

from .build import BuildReport, build_site
from .context import ITEM_FIELDS
from .errors import (
    CatalogueError,
    DigestError,
    InvalidItemError,
    OutputCollisionError,
    SearchIndexError,
    TemplatesNotFoundError,
    UnsafeOutputPathError,
)

__all__ = [
    "ITEM_FIELDS",
    "BuildReport",
    "CatalogueError",
    "DigestError",
    "InvalidItemError",
    "OutputCollisionError",
    "SearchIndexError",
    "TemplatesNotFoundError",
    "UnsafeOutputPathError",
    "build_site",
]
