"""Re-run the pipelines over the raw archive kept by crawls, without fetching anything.

Pages are processed in worker processes, one per core, as a crawl processes them
(:mod:`pipelines.workers`); this process reads the archive and stores the records.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from crawler import store
from crawler.config import Config
from crawler.replay import Recorded, scan_archive
from pipelines.workers import Fetched, Processed, Workers, describe, log_failure

logger = logging.getLogger(__name__)


def reprocess(config: Config, db: Any, now: datetime, *, workers: int = 0) -> Counter[str]:
    """Every article page in ``config.paths.archive`` through the chain into the store.

    Returns counts of new, updated and unchanged records, pages with no article
    (``no_article``) and pages whose processing failed (``failed``: one warning line each,
    the others go on; a body file gone from the archive is such a failure). Editor fields
    stay. The archive is read a few pages ahead of the ``workers`` (0: one per core); its
    index is checked first: a broken line ends the run before any page. A store that cannot
    be written ends the run.
    """
    counts: Counter[str] = Counter()
    if not (config.paths.archive / "index.jsonl").is_file():
        return counts

    def pages() -> Iterator[tuple[Recorded, Fetched]]:
        for recorded in scan_archive(config.paths.archive):
            page = _fetched(config, recorded, now)
            if isinstance(page, str):
                counts[page] += 1
            elif page is not None:
                yield recorded, page

    with Workers(workers, config.crawl.process_timeout) as pool:
        for recorded, processed in pool.map(pages()):
            counts[_store(config, db, now, recorded, processed)] += 1
    return counts


def _fetched(config: Config, recorded: Recorded, now: datetime) -> Fetched | str | None:
    """An archived article page as a page to process; None for what is no article page (a
    feed, an error); "failed" when its body cannot be read."""
    meta = recorded.meta
    if not meta.get("source") or recorded.status != 200:
        return None
    try:
        body = recorded.body
    except OSError as exc:
        logger.warning("failed %s: cannot read its archived body: %s", recorded.url, describe(exc))
        return "failed"
    return Fetched(
        body=body,
        url=recorded.url,
        source=config.sources.get(meta["source"]),
        requested_url=meta.get("requested_url"),
        content_type=recorded.header("Content-Type"),
        hints=meta.get("hints", {}),
        now=now,
    )


def _store(config: Config, db: Any, now: datetime, recorded: Recorded, processed: Processed) -> str:
    """One processed page into the store; what became of it (new, ..., failed)."""
    if processed.no_article is not None:
        logger.warning("no article at %s: %s", recorded.url, processed.no_article)
        return "no_article"
    if processed.record is None:
        log_failure(logger, recorded.url, processed)
        return "failed"
    record = processed.record
    meta = recorded.meta
    if meta["source"] not in config.sources:  # a source since removed: its publisher's name
        record["source"] = meta.get("publisher") or meta["source"]
    return store.upsert_record(db, record, now)
