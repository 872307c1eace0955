"""Errors raised by the site build."""

from __future__ import annotations


class DigestError(Exception):
    """Base class for everything the site build refuses to do."""


class InvalidItemError(DigestError, ValueError):
    """An item breaks the contract of the store (for example an id that is not URL-safe)."""


class OutputCollisionError(DigestError, ValueError):
    """Two pages would be written to the same output file."""


class UnsafeOutputPathError(DigestError, ValueError):
    """A page would be written outside the output folder."""


class TemplatesNotFoundError(DigestError, FileNotFoundError):
    """The templates folder does not exist."""


class CatalogueError(DigestError, ValueError):
    """A message catalogue is missing, unreadable or does not match the English one."""


class SearchIndexError(DigestError, RuntimeError):
    """Pagefind is not installed or failed to index the site."""
