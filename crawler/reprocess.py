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
from pipelines.scrapy import describe

logger = logging.getLogger(__name__)


def reprocess(config: Config, db: Any, now: datetime) -> Counter[str]:
    """Every article page in ``config.paths.archive`` through ``process_page`` into the store.

    Returns counts of new, updated and unchanged records, pages with no article
    (``no_article``) and pages whose processing failed (``failed``: one warning line each,
    the others go on). Editor fields stay. A store that cannot be written ends the run.
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
            counts["no_article"] += 1
            continue
        except Exception as exc:  # noqa: BLE001 — whatever the cause, one page fails, not the run
            logger.warning("failed %s: cannot process: %s", recorded.url, describe(exc))
            logger.debug("processing %s failed", recorded.url, exc_info=True)
            counts["failed"] += 1
            continue
        if not source:
            record["source"] = meta.get("publisher") or meta["source"]
        counts[store.upsert_record(db, record, now)] += 1
    return counts
