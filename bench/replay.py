"""Benchmark reading a replay or raw archive: index reads, memory held, time per look-up.

Run by hand: ``.venv/bin/python bench/replay.py [--pages 20000] [--body-kb 8] [--crawlers 12]``.
Writes a made-up archive folder (``--pages`` article pages with feed hints in their meta,
one in five recorded twice, as nights add to ``data/archive/``) in a temporary folder, then:

- the archive's index reads when the CLI's check and ``--crawlers`` replay middlewares open
  it in one process (before issue 12, item 4: once each);
- memory (tracemalloc): what one index holds now, what the dict of every entry read_archive
  returned before held (each crawler held one), and the peak of a reprocess-like walk over
  ``scan_archive`` reading every body;
- microseconds per look-up of an entry (its index line is read again each time).

Prints figures only; nothing here asserts.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler import replay
from crawler.replay import ArchiveIndexes, ArchiveWriter, ReplayMiddleware, scan_archive


def write_archive(folder: Path, pages: int, body_kb: int) -> list[str]:
    writer = ArchiveWriter(folder)
    headers = {"Content-Type": "text/html; charset=utf-8", "ETag": '"abc"'}
    paragraph = "<p>" + "Teachers bring global citizenship education to class. " * 9 + "</p>"
    article = paragraph * (body_kb * 2)
    body = f"<html><body><article>{article}</article></body></html>".encode()
    urls = [f"https://news.example.org/en/story/2025/{n // 1000:02d}/{n}" for n in range(pages)]
    for night in range(2):
        for n, url in enumerate(urls):
            if night and n % 5:
                continue
            hints = {"language": "en", "title": f"Story {n}", "summary": "A summary. " * 40}
            meta = {"source": "example", "publisher": "example", "requested_url": url}
            writer.write(url, 200, headers, body, {**meta, "hints": hints})
    return urls


def measured(run: Callable[[], Any]) -> tuple[Any, int, int]:
    """What ``run`` returns, the bytes it left allocated, and its peak (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    result = run()
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, held, peak


def walk(folder: Path) -> int:
    total = 0
    for recorded in scan_archive(folder):
        total += len(recorded.body)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--body-kb", type=int, default=8)
    parser.add_argument("--crawlers", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "archive"
        urls = write_archive(folder, args.pages, args.body_kb)
        lines = sum(1 for _ in (folder / "index.jsonl").open("rb"))
        size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        print(f"archive: {len(urls)} pages, {lines} index lines, {size / 1e6:.0f} MB on disk")

        replay.ARCHIVES = ArchiveIndexes()
        settings = {"GCED_REPLAY_ARCHIVE": str(folder)}
        started = time.perf_counter()
        replay.read_archive(folder)  # the CLI's check
        middlewares = [
            build_from_crawler(ReplayMiddleware, get_crawler(settings_dict=settings))
            for _ in range(args.crawlers)
        ]
        seconds = time.perf_counter() - started
        print(
            f"index reads, check + {args.crawlers} crawlers: {replay.ARCHIVES.reads}"
            f" (before: {args.crawlers + 1}); {seconds:.2f} s in all"
        )

        index, held, peak = measured(lambda: replay.FolderIndex.read(folder))
        print(f"one index now: {held / 1e6:.1f} MB held, {peak / 1e6:.1f} MB peak while read")
        entries, held, _ = measured(lambda: {url: index[url] for url in index})
        print(
            f"every entry in memory (what read_archive returned before, once per crawler):"
            f" {held / 1e6:.1f} MB more; x{args.crawlers} crawlers ="
            f" {held * args.crawlers / 1e6:.0f} MB"
        )
        del entries
        started = time.perf_counter()
        for url in urls:
            index[url]
        per_lookup = (time.perf_counter() - started) / len(urls) * 1e6
        print(f"look-up of one entry (its line read again): {per_lookup:.0f} us")

        total, held, peak = measured(lambda: walk(folder))
        print(
            f"reprocess-like walk reading every body ({total / 1e6:.0f} MB of bodies):"
            f" {peak / 1e6:.1f} MB peak"
        )
        del middlewares


if __name__ == "__main__":
    main()
