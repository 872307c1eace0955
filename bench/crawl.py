"""Benchmark a whole crawl over a generated archive: pages per second, and what a nightly costs.

Run by hand: ``.venv/bin/python bench/crawl.py [--stories 10000] [--new 0.01]``.
Writes a made-up site in replay-archive form (a sitemap listing ``--stories`` article pages,
each a small news story with its own text and date) and a configuration with one source on
it, then runs the real CLI (``gced-news crawl --archive``), as cron would:

1. the first crawl (a backfill, ``--since``), every story new, with one worker process and
   with one per core (each into its own store): wall time, stories stored, stories per second
   and the ratio;
2. ``gced-news reprocess`` over the raw archive that crawl kept, with one worker and with
   one per core: pages per second and the ratio;
3. a second night on the same archive plus ``--new`` of new stories (the sitemap changes):
   the requests made and the requests per new story (target of issue 12: at most 1.1, plus
   one conditional request per feed or sitemap).

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


def chrome(n: int) -> tuple[str, str, str]:
    """What surrounds an article on an agency's page, at a real page's weight (70-90 KB of
    HTML; trafilatura's evaluation pages have a median of about 80 KB): a head with its
    metadata and scripts, a menu of some 300 links, related stories and a footer of 160 links.
    """
    menu = "".join(
        f'<li class="menu-item"><a href="/en/section/{s}/{i}">Section {s} topic {i}</a></li>'
        for s in range(20)
        for i in range(15)
    )
    related = "".join(
        f'<li><a href="/en/story/{n - k}">Earlier story {n - k} from this desk</a></li>'
        for k in range(1, 21)
    )
    footer = "".join(f'<li><a href="/en/about/{i}">About page {i}</a></li>' for i in range(160))
    script = "var settings = {" + ",".join(f'"key{i}": "value {i}"' for i in range(900)) + "};"
    head = (
        "".join(f'<link rel="preload" href="/assets/{i}.css" as="style">' for i in range(20))
        + f"<script>{script}</script>"
    )
    top = f'<header><nav class="main-menu"><ul>{menu}</ul></nav></header>'
    bottom = (
        f'<aside class="related"><h2>Related</h2><ul>{related}</ul></aside>'
        f'<footer class="site-footer"><ul>{footer}</ul></footer>'
    )
    return head, top, bottom


def story(n: int) -> bytes:
    """A news page with text of its own (some 600 words), in a real page's chrome."""
    draw = random.Random(n)
    words = [draw.choice(WORDS) for _ in range(600)]
    paragraphs = "".join(
        f"<p>Story {n}, paragraph {p}: " + " ".join(words[p * 60 : p * 60 + 60]) + ".</p>"
        for p in range(10)
    )
    day = 1 + n % 28
    head, top, bottom = chrome(n)
    return (
        f'<html lang="en"><head><title>Story {n} | Example News</title>'
        f'<meta property="article:published_time" content="2025-03-{day:02d}T10:00:00+00:00">'
        f"{head}</head><body>{top}<main><article>"
        f"<h1>Schools in district {n} open a new library</h1>"
        f"{paragraphs}</article></main>{bottom}</body></html>"
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
    folder.mkdir(exist_ok=True)
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


def cli(config: Path, *command: str) -> tuple[float, str]:
    """Run one gced-news command as cron would; its wall time and output."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "crawler", "--config", str(config), *command],
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 4):
        sys.exit(f"{command[0]} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return seconds, result.stdout + result.stderr


def figure(report: str, name: str) -> int:
    match = re.search(rf"(\d+) {name}", report)
    return int(match.group(1)) if match else 0


def chain_ms(pages: int = 50) -> float:
    """CPU milliseconds one generated page takes through the whole chain, in this process."""
    from pipelines.workers import Fetched, process

    fetched = [Fetched(story(n), f"{HOST}/en/story/{n}", None, now=FIRST_DAY) for n in range(pages)]
    process(fetched[0])  # models loaded
    started = time.process_time()
    for page in fetched:
        process(page)
    return (time.process_time() - started) / pages * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--new", type=float, default=0.01, help="share of new stories, night 2")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    print(f"one page through the chain here: {chain_ms():.1f} ms CPU, {len(story(1)) // 1000} KB")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first, second = folder / "night-1", folder / "night-2"
        added = max(1, round(args.stories * args.new))
        write_archive(first, args.stories, night=1)
        write_archive(second, args.stories + added, night=2)
        rates: dict[str, float] = {}
        for workers in ("1", "0"):
            label = "1 worker" if workers == "1" else f"all {cores} cores"
            config = write_config(folder / f"workers-{workers}")
            seconds, report = cli(
                config,
                "crawl",
                "--archive",
                str(first),
                "--since",
                "2000-01-01",
                "--workers",
                workers,
            )  # the backfill
            stored = figure(report, "new")
            rates[f"crawl {workers}"] = stored / seconds
            print(
                f"night 1, {label}: {stored} new stories of {args.stories} in {seconds:.1f} s,"
                f" {stored / seconds:.1f} stories/s"
            )
        print(f"  crawl: all cores / 1 worker = {rates['crawl 0'] / rates['crawl 1']:.2f}")

        config = write_config(folder / "workers-0")
        for workers in ("1", "0"):
            label = "1 worker" if workers == "1" else f"all {cores} cores"
            seconds, report = cli(config, "reprocess", "--workers", workers)
            pages = sum(figure(report, name) for name in ("new", "updated", "unchanged"))
            rates[f"reprocess {workers}"] = pages / seconds
            print(f"reprocess, {label}: {pages} pages in {seconds:.1f} s, {pages / seconds:.1f}/s")
        print(
            f"  reprocess: all cores / 1 worker = {rates['reprocess 0'] / rates['reprocess 1']:.2f}"
        )

        seconds, report = cli(config, "crawl", "--archive", str(second))
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
