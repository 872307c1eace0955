"""Re-run the pipelines over the raw archive kept by crawls, without fetching anything."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime
from typing import Any

from crawler import store
from crawler.config import Config
from crawler.replay import Recorded, scan_archive
from pipelines import ExtractionError, process_fetched
from pipelines.scrapy import describe

logger = logging.getLogger(__name__)


def reprocess(config: Config, db: Any, now: datetime) -> Counter[str]:
    """Every article page in ``config.paths.archive`` through ``process_page`` into the store.

    Returns counts of new, updated and unchanged records, pages with no article
    (``no_article``) and pages whose processing failed (``failed``: one warning line each,
    the others go on; a body file gone from the archive is such a failure). Editor fields
    stay. The archive is read one page at a time (its index checked first: a broken line
    ends the run before any page). A store that cannot be written ends the run.
    """
    counts: Counter[str] = Counter()
    if not (config.paths.archive / "index.jsonl").is_file():
        return counts
    for recorded in scan_archive(config.paths.archive):
        meta = recorded.meta
        if not meta.get("source") or recorded.status != 200:
            continue
        counts[_reprocess_page(config, db, now, recorded)] += 1
    return counts


def _reprocess_page(config: Config, db: Any, now: datetime, recorded: Recorded) -> str:
    """One archived page into the store; what became of it (new, ..., failed)."""
    meta = recorded.meta
    source = config.sources.get(meta["source"])
    try:
        body = recorded.body
    except OSError as exc:
        logger.warning("failed %s: cannot read its archived body: %s", recorded.url, describe(exc))
        return "failed"
    try:
        record = process_fetched(
            body,
            recorded.url,
            source,
            requested_url=meta.get("requested_url"),
            content_type=recorded.header("Content-Type"),
            now=lambda: now,
            **meta.get("hints", {}),
        )
    except ExtractionError as exc:
        logger.warning("no article at %s: %s", recorded.url, exc)
        return "no_article"
    except Exception as exc:  # noqa: BLE001 — whatever the cause, one page fails, not the run
        logger.warning("failed %s: cannot process: %s", recorded.url, describe(exc))
        logger.debug("processing %s failed", recorded.url, exc_info=True)
        return "failed"
    if not source:
        record["source"] = meta.get("publisher") or meta["source"]
    return store.upsert_record(db, record, now)
