"""Benchmark a whole crawl over a generated archive: pages per second, and what a nightly costs.

Run by hand: ``.venv/bin/python bench/crawl.py [--stories 10000] [--new 0.01]``.
Writes a made-up site in replay-archive form (a sitemap listing ``--stories`` article pages,
each a small news story with its own text and date) and a configuration with one source on
it, then runs the real CLI (``gced-news crawl --archive``), as cron would, twice:

1. the first crawl (a backfill, ``--since``): every story is new. Prints the wall time,
   stories stored, stories per second (processing runs in Scrapy's reactor thread: one core);
2. a second night on the same archive plus ``--new`` of new stories (the sitemap changes):
   prints the requests made and the requests per new story (target of issue 12: at most
   1.1, plus one conditional request per feed or sitemap).

Prints figures only; nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.replay import ArchiveWriter  # noqa: E402

HOST = "https://news.example.org"
HTML = {"Content-Type": "text/html; charset=utf-8"}
FIRST_DAY = datetime(2025, 1, 1, tzinfo=UTC)
ENTRY_POINTS, ROBOTS = 1, 1  # the sitemap, and the host's robots.txt
SYLLABLES = "ka lo mi re tu sa ne vi do pa ri ko le mu ta si no be ga fu".split()
# A vocabulary of made-up words: each story draws its own text from it, so that stories
# differ as real ones do (near-identical texts would make the store compare each new story
# with thousands of MinHash matches).
WORDS = [a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES[:5]]


def story(n: int) -> bytes:
    """A small news page with text of its own."""
    draw = random.Random(n)
    words = [draw.choice(WORDS) for _ in range(60)]
    paragraphs = "".join(
        f"<p>Story {n}, paragraph {p}: " + " ".join(words[p * 12 : p * 12 + 12]) + ".</p>"
        for p in range(5)
    )
    day = 1 + n % 28
    return (
        f'<html lang="en"><head><title>Story {n} | Example News</title>'
        f'<meta property="article:published_time" content="2025-03-{day:02d}T10:00:00+00:00">'
        f"</head><body><article><h1>Schools in district {n} open a new library</h1>"
        f"{paragraphs}</article></body></html>"
    ).encode()


def lastmod(n: int) -> str:
    """Later stories are newer: a nightly takes the sitemap's newest entries first."""
    return (FIRST_DAY + timedelta(minutes=n)).isoformat()


def sitemap(numbers: range) -> bytes:
    urls = "".join(
        f"<url><loc>{HOST}/en/story/{n}</loc><lastmod>{lastmod(n)}</lastmod></url>" for n in numbers
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    ).encode()


def write_archive(folder: Path, stories: int, night: int) -> None:
    writer = ArchiveWriter(folder)
    headers = {"Content-Type": "application/xml", "ETag": f'"night-{night}"'}
    writer.write(f"{HOST}/sitemap.xml", 200, headers, sitemap(range(stories)), {})
    for n in range(stories):
        writer.write(f"{HOST}/en/story/{n}", 200, HTML, story(n), {})


def write_config(folder: Path) -> Path:
    config = folder / "gced-news.toml"
    config.write_text(
        f"""
[paths]
database = "{folder / "news.db"}"
site = "{folder / "site"}"
archive = "{folder / "raw"}"
state = "{folder / "state"}"

[sources.example]
spider = "generic"
languages = ["en"]
allowed_domains = ["news.example.org"]
sitemaps = ["{HOST}/sitemap.xml"]
article_patterns = ["^https://news\\\\.example\\\\.org/en/story/\\\\d+$"]
""",
        encoding="utf-8",
    )
    return config


def crawl(config: Path, archive: Path, *options: str) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "crawler", "--config", str(config), "crawl", *options]
    started = time.perf_counter()
    result = subprocess.run(
        [*command, "--archive", str(archive)], env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 4):
        sys.exit(f"crawl failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return seconds, result.stdout + result.stderr


def figure(report: str, name: str) -> int:
    match = re.search(rf"(\d+) {name}", report)
    return int(match.group(1)) if match else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--new", type=float, default=0.01, help="share of new stories, night 2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = write_config(folder)
        first = folder / "night-1"
        write_archive(first, args.stories, night=1)
        seconds, report = crawl(config, first, "--since", "2000-01-01")  # the backfill
        stored = figure(report, "new")
        print(f"night 1: {stored} new stories of {args.stories} in {seconds:.1f} s")
        print(f"  {stored / seconds:.1f} stories/s (one process, processing in the reactor)")

        added = max(1, round(args.stories * args.new))
        second = folder / "night-2"
        write_archive(second, args.stories + added, night=2)
        seconds, report = crawl(config, second)
        requests, new = figure(report, "requests"), figure(report, "new")
        print(f"night 2: {new} new of {added} added, {requests} requests in {seconds:.1f} s")
        fixed = ENTRY_POINTS + ROBOTS  # one conditional request each, every night
        if new:
            print(
                f"  {(requests - fixed) / new:.2f} requests per new story,"
                f" plus {ENTRY_POINTS} sitemap and {ROBOTS} robots.txt"
            )


if __name__ == "__main__":
    main()
