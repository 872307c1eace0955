"""Run one crawl of the configured sources in this process, and report what it did."""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.crawler import CrawlerProcess

from crawler.config import Config, SourceConfig
from crawler.settings import scrapy_settings

OUTCOMES = ("new", "updated", "unchanged", "failed")


@dataclass
class CrawlReport:
    """Per source and language: pages stored new, updated, unchanged, failed; plus requests."""

    rows: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    requests: dict[str, int] = field(default_factory=dict)
    not_modified: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)

    def total(self, outcome: str) -> int:
        return sum(row.get(outcome, 0) for row in self.rows.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "sources": {
                f"{source}/{language}": counts for (source, language), counts in sorted(self.rows.items())
            },
            "requests": self.requests,
            "not_modified": self.not_modified,
            "errors": self.errors,
            "totals": {outcome: self.total(outcome) for outcome in OUTCOMES},
        }

    def lines(self) -> list[str]:
        header = f"{'source':<12} {'lang':<8} " + " ".join(f"{o:>9}" for o in OUTCOMES)
        out = [header]
        for (source, language), counts in sorted(self.rows.items()):
            cells = " ".join(f"{counts.get(o, 0):>9}" for o in OUTCOMES)
            out.append(f"{source:<12} {language:<8} {cells}")
        for source in sorted(self.requests):
            out.append(
                f"{source}: {self.requests[source]} requests, "
                f"{self.not_modified.get(source, 0)} not modified (304), "
                f"{self.errors.get(source, 0)} errors logged"
            )
        totals = ", ".join(f"{self.total(o)} {o}" for o in OUTCOMES)
        out.append(f"total: {totals}")
        return out


def spider_class(name: str) -> type[Spider]:
    module = importlib.import_module(f"spiders.{name}")
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, Spider) and value.name == name:
            return value
    raise LookupError(f"spiders.{name} defines no spider named {name!r}")


def report_from_stats(source: str, stats: Mapping[str, Any]) -> CrawlReport:
    report = CrawlReport()
    rows: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for key, value in stats.items():
        parts = key.split("/")
        if len(parts) == 4 and parts[0] == "gced" and parts[1] in OUTCOMES:
            rows[(parts[2], parts[3])][parts[1]] = int(value)
    report.rows = dict(rows)
    report.requests[source] = int(stats.get("downloader/request_count", 0))
    report.not_modified[source] = int(stats.get("downloader/response_status_count/304", 0))
    report.errors[source] = int(stats.get("log_count/ERROR", 0))
    return report


def merge(reports: Iterable[CrawlReport]) -> CrawlReport:
    merged = CrawlReport()
    for report in reports:
        for key, counts in report.rows.items():
            row = merged.rows.setdefault(key, {})
            for outcome, n in counts.items():
                row[outcome] = row.get(outcome, 0) + n
        merged.requests.update(report.requests)
        merged.not_modified.update(report.not_modified)
        merged.errors.update(report.errors)
    return merged


def run_crawl(
    config: Config,
    sources: Iterable[SourceConfig],
    *,
    archive: Path | None = None,
    record: Path | None = None,
    since: str | None = None,
    log_level: str | None = None,
) -> CrawlReport:
    """Crawl ``sources`` (each its own Scrapy crawler, run together) and report.

    Scrapy's reactor cannot restart: call this once per process.
    """
    settings = scrapy_settings(config, archive=archive, record=record, log_level=log_level)
    process = CrawlerProcess(settings, install_root_handler=False)
    crawlers = []
    for source in sources:
        crawler = process.create_crawler(spider_class(source.spider))
        process.crawl(crawler, source_name=source.name, since=since)
        crawlers.append((source.name, crawler))
    process.start()
    return merge(report_from_stats(name, crawler.stats.get_stats()) for name, crawler in crawlers)
