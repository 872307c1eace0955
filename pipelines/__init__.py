"""Pipelines: one raw page in, one record out — extract → dates → language → topics → dedup.

``process_page`` and ``process_fetched`` (in :mod:`pipelines.process`) are the whole chain.
They are loaded on first use: the store needs ``pipelines.dedup`` and the config
``pipelines.rules``, not trafilatura and the language models (``import crawler.store`` stays
light). Nothing here imports ``crawler``: data flows from the pipelines to the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipelines.extract import ExtractionError
    from pipelines.process import process_fetched, process_page, url_language

__all__ = ["ExtractionError", "process_fetched", "process_page", "url_language"]


def __getattr__(name: str) -> Any:
    if name == "ExtractionError":
        from pipelines.extract import ExtractionError

        return ExtractionError
    if name in {"process_fetched", "process_page", "url_language"}:
        from pipelines import process

        return getattr(process, name)
    raise AttributeError(f"module 'pipelines' has no attribute {name!r}")
