"""Run one crawl of the configured sources in this process, and report what it did."""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.crawler import CrawlerProcess

from crawler import store
from crawler.config import Config
from crawler.settings import scrapy_settings
from pipelines.workers import Workers
from spiders.sources import SourceConfig

# What became of each page fetched: stored (new, updated, unchanged); "no_article": fetched,
# but it holds no article (remembered, not fetched again); "failed": it could not be fetched,
# processed or stored (remembered, tried again by the next crawl). Only "failed" calls for
# attention: `report.total("failed")` is what nightly's exit status looks at.
OUTCOMES = ("new", "updated", "unchanged", "no_article", "failed")
FETCHES = (
    "requests",
    "not_modified",
    "skipped_known",
    "links_skipped",
    "entry_points_failed",
    "errors",
    "thumbnails",
    "thumbnails_known",
    "thumbnails_failed",
)


@dataclass
class CrawlReport:
    """What one crawl did.

    ``pages``: per (publisher, language), pages stored new, updated, unchanged, pages
    without an article, and pages failed.
    ``fetches``: per configured source, requests made, 304s, known links not fetched again,
    links that are no web address (skipped), entry points failed, pages stored and failed,
    and errors logged; lead images thumbnailed, found already thumbnailed (not fetched
    again), and failed (the story stored without one).
    """

    pages: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    fetches: dict[str, dict[str, int]] = field(default_factory=dict)

    def total(self, outcome: str) -> int:
        if outcome in FETCHES:
            return sum(row.get(outcome, 0) for row in self.fetches.values())
        return sum(row.get(outcome, 0) for row in self.pages.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "pages": {f"{s}/{lang}": counts for (s, lang), counts in sorted(self.pages.items())},
            "fetches": dict(sorted(self.fetches.items())),
            "totals": {name: self.total(name) for name in OUTCOMES + FETCHES},
        }

    def lines(self) -> list[str]:
        out = [f"{'source':<10} {'lang':<8} " + " ".join(f"{_label(o):>10}" for o in OUTCOMES)]
        for (source, language), counts in sorted(self.pages.items()):
            cells = " ".join(f"{counts.get(o, 0):>10}" for o in OUTCOMES)
            out.append(f"{source:<10} {language:<8} {cells}")
        for name, row in sorted(self.fetches.items()):
            out.append(
                f"{name}: {row.get('requests', 0)} requests, {row.get('not_modified', 0)} not"
                f" modified (304), {row.get('skipped_known', 0)} known links skipped,"
                f" {row.get('links_skipped', 0)} bad links skipped,"
                f" {row.get('entry_points_failed', 0)} entry points failed,"
                f" {row.get('failed', 0)} pages failed, {row.get('errors', 0)} errors;"
                f" thumbnails: {row.get('thumbnails', 0)} made,"
                f" {row.get('thumbnails_known', 0)} already kept,"
                f" {row.get('thumbnails_failed', 0)} failed"
            )
        out.append("total: " + ", ".join(f"{self.total(o)} {_label(o)}" for o in OUTCOMES))
        return out


def _label(outcome: str) -> str:
    return outcome.replace("_", "-")


def spider_class(name: str) -> type[Spider]:
    module = importlib.import_module(f"spiders.{name}")
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, Spider) and value.name == name:
            return value
    raise LookupError(f"spiders.{name} defines no spider named {name!r}")


def report_from_stats(source: SourceConfig, stats: Mapping[str, Any]) -> CrawlReport:
    pages: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for key, value in stats.items():
        parts = key.split("/")
        if len(parts) == 4 and parts[0] == "gced" and parts[1] in OUTCOMES:
            pages[(parts[2], parts[3])][parts[1]] = int(value)

    def total(*outcomes: str) -> int:
        return sum(row.get(outcome, 0) for row in pages.values() for outcome in outcomes)

    publisher = source.publisher
    fetches = {
        "stored": total("new", "updated", "unchanged"),
        "new": total("new"),
        "no_article": total("no_article"),
        "failed": total("failed"),
        "requests": int(stats.get("downloader/request_count", 0)),
        "not_modified": int(stats.get("downloader/response_status_count/304", 0)),
        "skipped_known": int(stats.get(f"gced/skipped_known/{publisher}", 0)),
        "links_skipped": int(stats.get(f"gced/links_skipped/{publisher}", 0)),
        "entry_points_failed": int(stats.get(f"gced/discovery_errors/{publisher}", 0)),
        "errors": int(stats.get("log_count/ERROR", 0)),
        "thumbnails": int(stats.get("gced/thumbnails/made", 0)),
        "thumbnails_known": int(stats.get("gced/thumbnails/known", 0)),
        "thumbnails_failed": int(stats.get("gced/thumbnails/failed", 0)),
    }
    return CrawlReport(pages=dict(pages), fetches={source.name: fetches})


def merge(reports: Iterable[CrawlReport]) -> CrawlReport:
    merged = CrawlReport()
    for report in reports:
        for key, counts in report.pages.items():
            row = merged.pages.setdefault(key, {})
            for outcome, n in counts.items():
                row[outcome] = row.get(outcome, 0) + n
        merged.fetches.update(report.fetches)
    return merged


def run_crawl(
    config: Config,
    sources: Iterable[SourceConfig],
    *,
    archive: Path | None = None,
    record: Path | None = None,
    since: str | None = None,
    log_level: str | None = None,
    progress: bool = False,
    workers: int | None = None,
) -> CrawlReport:
    """Crawl ``sources`` (each its own Scrapy crawler, run together) and report.

    Scrapy's reactor thread fetches, archives and stores; pages are extracted and tagged in
    one pool of ``workers`` processes (default: the config's; 0: one per core) shared by
    every source. Scrapy's reactor cannot restart: call this once per process.
    """
    count = config.crawl.workers if workers is None else workers
    with Workers(count, config.crawl.process_timeout) as pool:
        return _crawl(config, sources, pool, archive, record, since, log_level, progress)


def _crawl(
    config: Config,
    sources: Iterable[SourceConfig],
    pool: Workers,
    archive: Path | None,
    record: Path | None,
    since: str | None,
    log_level: str | None,
    progress: bool,
) -> CrawlReport:
    settings = scrapy_settings(
        config, archive=archive, record=record, log_level=log_level, progress=progress
    )
    settings["GCED_WORKERS"] = pool
    db = store.open_db(config.paths.database)
    known, validators = store.known_pages(db), store.entry_validators(db)
    now = datetime.now(UTC)
    retry = {source.name: store.pages_to_retry(db, source.name, now) for source in sources}
    db.close()
    process = CrawlerProcess(settings)
    crawlers = []
    for source in sources:
        crawler = process.create_crawler(spider_class(source.spider))
        process.crawl(
            crawler,
            source_name=source.name,
            since=since,
            known=known,
            validators=validators,
            retry=retry[source.name],
        )
        crawlers.append((source, crawler))
    process.start()
    return merge(
        report_from_stats(source, crawler.stats.get_stats()) for source, crawler in crawlers
    )
