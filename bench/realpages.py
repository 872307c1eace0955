"""Extraction on real pages no one here wrote: process_page beside bare trafilatura and htmldate.

Run by hand (prints tables, asserts nothing)::

    .venv/bin/python bench/realpages.py PATH      # or GCED_REALPAGES=PATH

PATH is a folder holding ``evaldata.json`` and the pages it names under ``eval/`` or ``cache/``:
the ``tests/`` folder of trafilatura's repository (about 990 real pages in many languages,
each with strings its text must contain and must not contain, and for most a title and a
date). The pages are not ours to redistribute: they are read from PATH, never copied here.

Per system, on the same pages: the share of "with" strings present and of "without" strings
absent (whitespace-normalised substring matching, as trafilatura's own evaluation counts
them), precision/recall/F1 over those counts, title exact, published date exact (day), and
time per page as a ratio to ``trafilatura.bare_extraction(with_metadata=True)``. Then the
pages where process_page loses most against bare trafilatura; with ``--dates``, the pages
where htmldate's date is right and process_page's wrong (both values, and the evidence
process_page took its date from).

Kept for acceptance, never used here: the ScrapingHub article-extraction-benchmark and
htmldate's evaluation pages.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOW_TO_GET = """no real-page set at {path!r}.
Get trafilatura's evaluation pages (about 990 real pages; their licences vary, so keep them
outside this repository), then point the bench at its tests/ folder:

    git clone --depth 1 https://github.com/adbar/trafilatura /tmp/trafilatura
    .venv/bin/python bench/realpages.py /tmp/trafilatura/tests
"""

_SPACE = re.compile(r"\s+")


def norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Page:
    url: str
    html: bytes
    with_: tuple[str, ...]
    without: tuple[str, ...]
    title: str | None
    date: str | None


@dataclass(frozen=True)
class Output:
    text: str | None
    title: str | None
    date: str | None
    seconds: float
    date_source: str | None = None  # where process_page took its date from


@dataclass
class Tally:
    """Counts for one system over the pages."""

    present: int = 0  # "with" strings found
    missing: int = 0
    leaked: int = 0  # "without" strings found
    absent: int = 0
    titles: int = 0
    titles_right: int = 0
    dates: int = 0
    dates_right: int = 0
    seconds: float = 0.0
    pages: int = 0
    failures: int = 0
    per_page: dict[str, float] = field(default_factory=dict)

    def add(self, page: Page, out: Output, text_scored: bool) -> None:
        self.seconds += out.seconds
        self.pages += 1
        if text_scored:
            found = norm(out.text or "")
            hits = sum(norm(s) in found for s in page.with_)
            leaks = sum(norm(s) in found for s in page.without)
            self.present += hits
            self.missing += len(page.with_) - hits
            self.leaked += leaks
            self.absent += len(page.without) - leaks
            total = len(page.with_) + len(page.without)
            self.per_page[page.url] = (hits + len(page.without) - leaks) / total
            self.failures += out.text is None
        if page.title:
            self.titles += 1
            self.titles_right += norm(out.title or "") == norm(page.title)
        if page.date:
            self.dates += 1
            self.dates_right += (out.date or "")[:10] == page.date[:10]

    def row(self, name: str, base_seconds: float, text_scored: bool) -> str:
        def share(a: int, b: int) -> str:
            return f"{a / (a + b):.3f}" if a + b else "  -  "

        precision = self.present / (self.present + self.leaked) if self.present else 0.0
        recall = self.present / (self.present + self.missing) if self.present else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        text = (
            f"{share(self.present, self.missing):>8} {share(self.absent, self.leaked):>8}"
            f" {precision:>6.3f} {recall:>6.3f} {f1:>6.3f}"
            if text_scored
            else f"{'':>8} {'':>8} {'':>6} {'':>6} {'':>6}"
        )
        wrong_titles, wrong_dates = self.titles - self.titles_right, self.dates - self.dates_right
        title = share(self.titles_right, wrong_titles) if text_scored else "  -  "
        date = share(self.dates_right, wrong_dates)
        ratio = self.seconds / base_seconds if base_seconds else 0.0
        per_page = 1000 * self.seconds / max(1, self.pages)
        return f"{name:<22} {text} {title:>7} {date:>7} {per_page:>8.1f} {ratio:>6.2f}"


def load_pages(folder: Path, limit: int | None) -> list[Page]:
    data = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url in sorted(data):
        item = data[url]
        candidates = (folder / sub / item["file"] for sub in ("cache", "eval"))
        path = next((found for found in candidates if found.is_file()), None)
        if path is None:
            continue
        pages.append(
            Page(
                url=url,
                html=path.read_bytes(),
                with_=tuple(item.get("with") or ()),
                without=tuple(item.get("without") or ()),
                title=item.get("title") or None,
                date=item.get("date") or None,
            )
        )
        if limit and len(pages) >= limit:
            break
    return pages


def timed(run: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    try:
        result = run()
    except Exception:  # noqa: BLE001 -- a crash is a full miss, as in production
        result = None
    return result, time.perf_counter() - started


def run_trafilatura(page: Page) -> Output:
    from trafilatura import bare_extraction

    doc, seconds = timed(lambda: bare_extraction(page.html, url=page.url, with_metadata=True))
    found = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
    return Output(found.get("text"), found.get("title"), found.get("date"), seconds)


def run_htmldate(page: Page) -> Output:
    from htmldate import find_date

    date, seconds = timed(
        lambda: find_date(page.html, url=page.url, extensive_search=True, original_date=True)
    )
    return Output(None, None, date, seconds)


def run_pipeline(page: Page) -> Output:
    from pipelines import process_page

    record, seconds = timed(lambda: process_page(page.html, page.url))
    if record is None:
        return Output(None, None, None, seconds)
    published, source = record.get("published"), record.get("published_source")
    return Output(record["text"], record["title"], published, seconds, source)


SYSTEMS: dict[str, tuple[Callable[[Page], Output], bool]] = {
    "trafilatura (bare)": (run_trafilatura, True),
    "htmldate (extensive)": (run_htmldate, False),
    "process_page": (run_pipeline, True),
}
BASE = "trafilatura (bare)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", default=os.environ.get("GCED_REALPAGES", ""))
    parser.add_argument("--limit", type=int, help="only the first N pages (by URL)")
    parser.add_argument("--worst", type=int, default=20, help="pages listed where we lose most")
    parser.add_argument(
        "--dates", action="store_true", help="list the pages where htmldate's date beats ours"
    )
    args = parser.parse_args()
    folder = Path(args.path) if args.path else None
    if folder is None or not (folder / "evaldata.json").is_file():
        print(HOW_TO_GET.format(path=args.path), file=sys.stderr)
        raise SystemExit(2)
    logging.disable(logging.CRITICAL)  # the libraries' warnings about odd pages are noise here
    pages = load_pages(folder, args.limit)
    # Warm up once: imports and models load outside the timings.
    for run, _ in SYSTEMS.values():
        run(pages[0])
    tallies = {name: Tally() for name in SYSTEMS}
    date_losses: list[tuple[Page, Output, Output]] = []
    for number, page in enumerate(pages, start=1):
        outputs = {name: run(page) for name, (run, _) in SYSTEMS.items()}
        for name, (_, text_scored) in SYSTEMS.items():
            tallies[name].add(page, outputs[name], text_scored)
        found, guessed = outputs["process_page"], outputs["htmldate (extensive)"]
        if page.date and _day(guessed) == page.date[:10] != _day(found):
            date_losses.append((page, guessed, found))
        if number % 100 == 0:
            print(f"  {number}/{len(pages)} pages", file=sys.stderr)
    base = tallies[BASE].seconds
    print(f"{len(pages)} real pages from {folder}")
    print(
        f"{'system':<22} {'with ok':>8} {'w/o ok':>8} {'prec':>6} {'recall':>6} {'F1':>6}"
        f" {'title':>7} {'date':>7} {'ms/page':>8} {'ratio':>6}"
    )
    for name, (_, text_scored) in SYSTEMS.items():
        print(tallies[name].row(name, base, text_scored))
    ours, theirs = tallies["process_page"].per_page, tallies[BASE].per_page
    losses = sorted(((theirs[url] - ours.get(url, 0.0), url) for url in theirs), reverse=True)
    print(f"\nthe {args.worst} pages where process_page loses most against bare trafilatura")
    print("(share of with/without strings right: trafilatura → process_page)")
    for loss, url in losses[: args.worst]:
        if loss <= 0:
            break
        print(f"  -{loss:.2f}  {theirs[url]:.2f} → {ours.get(url, 0.0):.2f}  {url}")
    wins = sum(1 for loss, _ in losses if loss < 0)
    worse = sum(1 for loss, _ in losses if loss > 0)
    same = len(losses) - wins - worse
    print(f"\npages better than trafilatura: {wins}, worse: {worse}, same: {same}")
    if args.dates:
        print(f"\nthe {len(date_losses)} pages where htmldate's date is right and ours wrong")
        print("(right day: htmldate → process_page, and the evidence process_page chose)")
        for page, guessed, found in date_losses:
            chosen = f"{found.date or '-'} ({found.date_source or '-'})"
            print(f"  {_day(guessed)} → {chosen}  {page.url}")


def _day(out: Output) -> str:
    return (out.date or "")[:10]


if __name__ == "__main__":
    main()
