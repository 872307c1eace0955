"""Re-run the pipelines over the raw archive kept by crawls, without fetching anything."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime
from typing import Any

from crawler import store
from crawler.config import Config
from crawler.replay import read_archive
from pipelines import ExtractionError, process_fetched

logger = logging.getLogger(__name__)


def reprocess(config: Config, db: Any, now: datetime) -> Counter[str]:
    """Every article page in ``config.paths.archive`` through ``process_page`` into the store.

    Returns counts of new, updated, unchanged and failed records. Editor fields stay.
    """
    counts: Counter[str] = Counter()
    if not (config.paths.archive / "index.jsonl").is_file():
        return counts
    for recorded in read_archive(config.paths.archive).values():
        meta = recorded.meta
        if not meta.get("source") or recorded.status != 200:
            continue
        source = config.sources.get(meta["source"])
        try:
            record = process_fetched(
                recorded.body,
                recorded.url,
                source,
                requested_url=meta.get("requested_url"),
                content_type=recorded.header("Content-Type"),
                now=lambda: now,
                **meta.get("hints", {}),
            )
        except ExtractionError as exc:
            logger.warning("no article at %s: %s", recorded.url, exc)
            counts["failed"] += 1
            continue
        if not source:
            record["source"] = meta.get("publisher") or meta["source"]
        counts[store.upsert_record(db, record, now)] += 1
    return counts
