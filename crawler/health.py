"""Health of each source: flag the day a source stops yielding, before readers notice.

Judged from the last crawl's report (what each configured source fetched and stored) and
from when each source last brought a new item.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# A source that brought nothing new for this long is flagged as stale.
STALE_AFTER = timedelta(days=14)


@dataclass(frozen=True)
class Health:
    source: str
    state: str  # "ok" | "failing" | "empty" | "stale" | "never crawled"
    detail: str

    @property
    def healthy(self) -> bool:
        return self.state == "ok"


def assess(
    source: str,
    fetches: Mapping[str, Any] | None,
    last_new: datetime | None,
    now: datetime,
    stale_after: timedelta = STALE_AFTER,
) -> Health:
    """One source's health from its row of the last crawl report and its newest item."""
    if not fetches:
        return Health(source, "never crawled", "no crawl has run for this source yet")
    stored, unchanged = fetches.get("stored", 0), fetches.get("not_modified", 0)
    known = fetches.get("skipped_known", 0)
    failed_entries = fetches.get("entry_points_failed", 0)
    if failed_entries and not (stored or unchanged or known):
        return Health(
            source, "failing", f"{failed_entries} feeds, sitemaps or listings failed; nothing read"
        )
    failed_pages = fetches.get("failed", 0)
    if failed_pages and not (stored or unchanged or known):
        return Health(source, "failing", f"all {failed_pages} pages fetched failed; none stored")
    if not (stored or unchanged or known):
        return Health(
            source,
            "empty",
            f"{fetches.get('requests', 0)} requests yielded no article: has the site changed?",
        )
    if last_new is None or now - last_new > stale_after:
        since = last_new.date().isoformat() if last_new else "ever"
        return Health(source, "stale", f"no new item since {since}")
    if not stored:
        return Health(source, "ok", f"nothing new: {unchanged} entry points unchanged (304)")
    return Health(source, "ok", f"{fetches.get('new', 0)} new, {stored} stored in the last crawl")
