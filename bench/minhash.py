"""Benchmark the MinHash of page texts: the pure-Python one before issue 11 against numpy's.

Run by hand: ``.venv/bin/python bench/minhash.py [--pages 40] [--items 2000]``. Texts are
made-up articles of 800 to 3,000 words drawn from a fixed word list with a Zipf-like spread
(no network, the same texts every run). Prints milliseconds per page for each length and
the ratio, then the time the store migration takes to recompute ``--items`` stored items.
Prints figures only; nothing here asserts.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from crawler import store
from pipelines.dedup import content_hash, minhash, normalise_text

LENGTHS = (800, 1500, 3000)  # words: a short news story, a typical article, a long report
MIN_TIMING_SECONDS = 1.0
VOCABULARY = (
    "the of and to in a is that for on with as by was are children school education "
    "teachers rights learning inclusive classroom ministry budget programme region district "
    "family parents community health water climate girls boys refugees support training "
    "data report agency government partners village city youth teacher pupils books "
    "language science nutrition vaccine clinic emergency flood drought peace citizenship "
    "dialogue culture heritage media safety protection disability equity million per cent "
    "year said new national local development access quality free public services women "
    "young people countries world global united nations unicef unesco undp"
).split()
_OLD_PRIME = (1 << 61) - 1
_OLD_PERMUTATIONS = [
    (random.Random(seed).randrange(1, _OLD_PRIME), random.Random(-seed).randrange(0, _OLD_PRIME))
    for seed in range(1, 65)
]


def old_minhash(text: str) -> str:
    """The pure-Python MinHash of ``pipelines.dedup`` before issue 11."""
    words = normalise_text(text).split(" ")
    grams = {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}
    hashes = {
        int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "big") for g in grams
    }
    signature = [min((a * h + b) % _OLD_PRIME for h in hashes) for a, b in _OLD_PERMUTATIONS]
    return "".join(f"{value:016x}" for value in signature)


def article(words: int, seed: int) -> str:
    """A made-up article of ``words`` words in sentences of 8 to 30 words."""
    rng = random.Random(seed)
    weights = [1 / rank for rank in range(1, len(VOCABULARY) + 1)]
    drawn = rng.choices(VOCABULARY, weights, k=words)
    sentences, start = [], 0
    while start < words:
        end = start + rng.randint(8, 30)
        sentences.append(" ".join(drawn[start:end]).capitalize() + ".")
        start = end
    return " ".join(sentences)


def ms_per_page(function: Callable[[str], str], texts: list[str]) -> float:
    """Median milliseconds per text over rounds of all ``texts`` (at least a second)."""
    rounds: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < MIN_TIMING_SECONDS or len(rounds) < 3:
        begin = time.perf_counter()
        for text in texts:
            function(text)
        rounds.append((time.perf_counter() - begin) / len(texts) * 1000)
    return statistics.median(rounds)


def bench_pages(pages: int) -> None:
    print(f"{'words':>6} {'old ms/page':>12} {'new ms/page':>12} {'ratio':>7}")
    for length in LENGTHS:
        texts = [article(length, seed) for seed in range(pages)]
        old = ms_per_page(old_minhash, texts[: max(3, pages // 8)])  # slow: fewer pages
        new = ms_per_page(minhash, texts)
        print(f"{length:>6} {old:>12.2f} {new:>12.3f} {old / new:>6.0f}x")


def bench_migration(items: int, folder: Path) -> None:
    """Seconds for ``open_db`` to migrate ``items`` stored items of 1,500 words."""
    path = folder / "news.db"
    db = Database(path)
    earlier = Migrations("gced-news")
    earlier()(store.m001_initial)
    earlier()(store.m002_run_process)
    earlier.apply(db)
    now = datetime(2025, 11, 1, tzinfo=UTC)
    with store.writing(db):
        for n in range(items):
            text = article(1500, n)
            url = f"https://news.un.org/en/story/2025/11/{n}"
            row = {"url": url, "canonical_url": url, "text": text, "title": text[:60]}
            stale = hashlib.sha512(url.encode()).hexdigest() * 8  # an old signature's shape
            row.update(content_hash=content_hash(text), minhash=stale, language="en")
            store.upsert_record(db, row, now)
    db.close()
    begin = time.perf_counter()
    store.open_db(path).close()
    seconds = time.perf_counter() - begin
    print(f"migration: {items} items of 1,500 words in {seconds:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=40, help="texts per length")
    parser.add_argument("--items", type=int, default=2000, help="items to migrate (0: none)")
    args = parser.parse_args()
    bench_pages(args.pages)
    if args.items:
        with tempfile.TemporaryDirectory(prefix="gced-bench-") as temporary:
            bench_migration(args.items, Path(temporary))


if __name__ == "__main__":
    main()
