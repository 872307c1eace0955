"""Quality of the pipeline stages against the hand-labelled sets.

Run by hand: ``.venv/bin/python bench/quality.py``. Prints tables; nothing here asserts.

(a) Text: token-level precision, recall and F1 of ``pipelines.extract.extract`` against the
    hand-made gold text of each page in ``tests/fixtures/extract/<case>/``, next to
    trafilatura's default output (``trafilatura.extract(html)``) and trafilatura with
    ``favor_precision``, per site group (including pages of sites we have no rules for) and
    overall, and milliseconds per page of ``extract()``.
(b) Language: accuracy per language for titles and bodies on
    ``tests/fixtures/language/labelled.tsv`` (``pipelines.language.detect_language``).
(c) Dates: accuracy on ``tests/fixtures/dates/labelled.tsv`` (``pipelines.dateline``), and
    the published date ``process_page`` gives each extract fixture against its expected.json.
(d) Topics: precision and recall of ``pipelines.topics.tag`` on
    ``tests/fixtures/topics/labelled.jsonl``; and whether a story is a candidate
    (``relevance >= [site] candidate_threshold`` of the built-in config) against the
    editor's judgement in ``tests/fixtures/topics/relevance.jsonl``: precision, recall and
    F1 overall, per split (dev: tuned on; test: held out) and per language, the misses, and
    milliseconds per item.

A labelled set that does not exist yet is reported as ``missing: <path>`` and skipped.
Tokens are casefolded words; each CJK character counts as one token; punctuation is ignored.
"""

from __future__ import annotations

import csv
import importlib
import json
import re
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from crawler.config import Config, load_config
from pipelines.rules import SiteRules

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EXTRACT_CASES = FIXTURES / "extract"
SAMPLE_ARCHIVE = ROOT / "data" / "sample-archive"
LANGUAGE_SET = FIXTURES / "language" / "labelled.tsv"
DATES_SET = FIXTURES / "dates" / "labelled.tsv"
DATE_LINES_SET = FIXTURES / "dates" / "lines.tsv"
TOPICS_SET = FIXTURES / "topics" / "labelled.jsonl"
ARCHIVE = ROOT / "data" / "sample-archive"
TIMING_ROUNDS = 5

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")


# --- the extraction cases (shared with tests/test_extract.py) -------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    html: str
    url: str
    gold: str
    expected: dict[str, Any]

    @property
    def group(self) -> str:
        return str(self.expected.get("group", "other"))

    @property
    def rules(self) -> SiteRules:
        """The site rules the built-in config holds for the page's host."""
        return _default_config().rules_for(self.url)


@cache
def _default_config() -> Config:
    return load_config()


def _page(case: Path) -> Path | None:
    """The case's page: its own ``page.html``, or the sample-archive body ``archived.txt`` names
    (a page of the sample archive is not copied into the fixtures)."""
    if (case / "page.html").is_file():
        return case / "page.html"
    if (case / "archived.txt").is_file():
        return SAMPLE_ARCHIVE / (case / "archived.txt").read_text(encoding="utf-8").strip()
    return None


def load_cases(folder: Path = EXTRACT_CASES) -> list[Case]:
    """Every ``<case>/`` folder holding a page (page.html or archived.txt), url.txt, gold.txt
    and expected.json."""
    cases = []
    for path in sorted(p for p in folder.iterdir() if _page(p) is not None):
        page = _page(path)
        assert page is not None
        cases.append(
            Case(
                name=path.name,
                html=page.read_text(encoding="utf-8"),
                url=(path / "url.txt").read_text(encoding="utf-8").strip(),
                gold=(path / "gold.txt").read_text(encoding="utf-8"),
                expected=json.loads((path / "expected.json").read_text(encoding="utf-8")),
            )
        )
    return cases


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def token_scores(predicted: str | None, gold: str) -> Scores:
    """Bag-of-tokens precision and recall of ``predicted`` against ``gold``."""
    found, wanted = Counter(tokens(predicted or "")), Counter(tokens(gold))
    overlap = sum((found & wanted).values())
    precision = overlap / sum(found.values()) if found else 0.0
    recall = overlap / sum(wanted.values()) if wanted else 0.0
    return Scores(precision, recall)


# --- (a) text -------------------------------------------------------------------------------


def _extractors() -> dict[str, Callable[[Case], str | None]]:
    import trafilatura

    from pipelines.extract import extract

    return {
        "ours": lambda case: extract(case.html, case.url, case.rules).text,
        "trafilatura": lambda case: trafilatura.extract(case.html),
        "traf-no-title": lambda case: _without_title(trafilatura.extract(case.html), case),
        "traf-precision": lambda case: trafilatura.extract(case.html, favor_precision=True),
    }


def _without_title(text: str | None, case: Case) -> str | None:
    """trafilatura's default text without the headline it repeats as its first line.

    A fairer baseline: the previous extract() did this much and no more.
    """
    lines = (text or "").splitlines()
    title = " ".join(str(case.expected.get("title", "")).split())
    return "\n".join(line for line in lines if " ".join(line.split()) != title)


def bench_text(cases: list[Case]) -> None:
    print(f"\n(a) Text against gold, token level: {len(cases)} pages in {EXTRACT_CASES}")
    worst = _score_table(cases)
    print("\nLowest F1 of ours (case: ours vs trafilatura default):")
    for f1, name, theirs in sorted(worst)[:6]:
        print(f"  {name:<48} {f1:.3f} vs {theirs:.3f}")
    _time_extract(cases)


def _score_table(cases: list[Case]) -> list[tuple[float, str, float]]:
    """Print P/R/F1 per group for each extractor; (our F1, case, trafilatura F1) per case."""
    extractors = _extractors()
    results: dict[str, dict[str, list[Scores]]] = defaultdict(lambda: defaultdict(list))
    worst: list[tuple[float, str, float]] = []
    for case in cases:
        row = {name: token_scores(run(case), case.gold) for name, run in extractors.items()}
        for name, scores in row.items():
            results[name][case.group].append(scores)
            results[name]["ALL"].append(scores)
        worst.append((row["ours"].f1, case.name, row["trafilatura"].f1))
    groups = sorted(g for g in results["ours"] if g != "ALL") + ["ALL"]
    header = f"{'group':<10} {'pages':>5}"
    for name in extractors:
        header += f" | {name + ' P':>16} {'R':>5} {'F1':>5}"
    print(header)
    print("-" * len(header))
    for group in groups:
        line = f"{group:<10} {len(results['ours'][group]):>5}"
        for name in extractors:
            group_scores = results[name][group]
            p = statistics.fmean(s.precision for s in group_scores)
            r = statistics.fmean(s.recall for s in group_scores)
            f = statistics.fmean(s.f1 for s in group_scores)
            line += f" | {p:>16.3f} {r:>5.3f} {f:>5.3f}"
        print(line)
    print("(means over pages)")
    return worst


# Where the sample archive's agency pages keep standfirst and body (AGENCIES.md, "Markup").
_ARCHIVE_MARKUP = {
    "unesco": (".field--name-field-summary", ".field--name-body"),
    "unicef": (".field--name-field-subtitle", ".field--name-body"),
    "undp": (".article-subtitle", ".article-content"),
}


def archive_cases(skip: set[str]) -> list[Case]:
    """The sample archive's agency stories not among the fixtures, with silver gold text.

    The gold is read from the markup the archive documents (standfirst and body elements,
    figures left out), not written by hand: a held-out check, not a labelled set.
    """
    from lxml import html as lxml_html

    stories = ARCHIVE / "EXPECTED-agencies.json"
    if not stories.is_file():
        print(f"missing: {stories}")
        return []
    bodies: dict[str, str] = {}
    for index in sorted(ARCHIVE.glob("index-*.jsonl")):
        for line in index.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            bodies[entry["url"]] = entry["body"]
    cases = []
    for story in json.loads(stories.read_text(encoding="utf-8")):
        if story["url"] in skip or story["url"] not in bodies:
            continue
        html = (ARCHIVE / bodies[story["url"]]).read_text(encoding="utf-8")
        tree = lxml_html.fromstring(html)
        lines: list[str] = []
        for selector in _ARCHIVE_MARKUP[story["source"]]:
            for box in tree.cssselect(selector):
                for figure in box.xpath(".//figure"):
                    figure.drop_tree()
                blocks = [b for b in box.iter("p", "h2", "h3", "h4", "li")] or [box]
                lines += [" ".join(b.text_content().split()) for b in blocks]
        gold = "\n".join(line for line in lines if line)
        expected = {"group": story["source"], "title": story["title"]}
        cases.append(Case(story["url"], html, story["url"], gold, expected))
    return cases


def bench_archive(cases: list[Case]) -> None:
    skip = {case.url for case in cases}
    held_out = archive_cases(skip)
    if not held_out:
        return
    print(f"\n(a') Held out: {len(held_out)} agency pages of {ARCHIVE} that are not fixtures,")
    print("     silver gold from the documented standfirst and body markup")
    _score_table(held_out)


def _time_extract(cases: list[Case]) -> None:
    import trafilatura

    from pipelines.extract import extract

    for label, run in (
        ("extract()", lambda c: extract(c.html, c.url)),
        ("trafilatura.extract()", lambda c: trafilatura.extract(c.html)),
    ):
        started = time.perf_counter()
        for _ in range(TIMING_ROUNDS):
            for case in cases:
                run(case)
        per_page = (time.perf_counter() - started) / (TIMING_ROUNDS * len(cases))
        print(f"{label:<24} {per_page * 1000:6.1f} ms per page")


# --- (b) language ---------------------------------------------------------------------------


def bench_language() -> None:
    print("\n(b) Language of titles and bodies")
    if not LANGUAGE_SET.is_file():
        print(f"missing: {LANGUAGE_SET}")
        return
    from pipelines.language import detect_language

    with LANGUAGE_SET.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    rows = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    hits: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for row in rows:
        hints = tuple(h for h in (row.get("hint") or "").split(",") if h)
        found = detect_language(row["text"], hints).language
        hits[(row["expected_tag"], row["kind"])].append(found == row["expected_tag"])
    languages = sorted({lang for lang, _ in hits})
    print(f"{'language':<10} {'titles':>14} {'bodies':>14}")
    for lang in languages:
        cells = []
        for kind in ("title", "body"):
            marks = hits.get((lang, kind), [])
            cells.append(f"{sum(marks):>4}/{len(marks):<3} {_ratio(marks):>5}" if marks else "-")
        print(f"{lang:<10} {cells[0]:>14} {cells[1]:>14}")
    for kind, label in (("title", "titles"), ("body", "bodies")):
        marks = [m for (_, k), ms in hits.items() if k == kind for m in ms]
        print(f"all {label}: {sum(marks)}/{len(marks)} {_ratio(marks)}")


def _ratio(marks: Iterable[bool]) -> str:
    marks = list(marks)
    return f"{sum(marks) / len(marks):.3f}" if marks else "-"


# --- (c) dates ------------------------------------------------------------------------------


def bench_dates(cases: list[Case]) -> None:
    print("\n(c) Dates")
    try:
        dateline = importlib.import_module("pipelines.dateline")
    except ImportError:
        dateline = None
        print(f"missing: {ROOT / 'pipelines' / 'dateline.py'}")
    if dateline is not None and not DATES_SET.is_file():
        print(f"missing: {DATES_SET}")
    elif dateline is not None:
        _bench_date_texts(dateline)
    _bench_date_lines()
    _bench_published(cases)


def _bench_date_texts(dateline: Any) -> None:
    """``find_dateline`` against the expected "published[|updated]" (``none`` when absent)."""
    with DATES_SET.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    found_hits: dict[str, list[bool]] = defaultdict(list)
    parsed_hits: dict[str, list[bool]] = defaultdict(list)
    for row in rows:
        language, expected = row["language"] or None, row["expected"].strip()
        found = dateline.find_dateline(row["text"], language)
        found_hits[row["language"]].append(_as_expected(found) == expected)
        parsed = dateline.parse_date_text(row["text"], language)
        wanted = expected.split("|")[0]
        if wanted != "none":
            parsed_hits[row["language"]].append(bool(parsed) and parsed.isoformat() == wanted)
    print(f"labelled date texts ({DATES_SET.name}): find_dateline (published and updated),")
    print("and parse_date_text on the rows with a published date")
    print(f"  {'language':<8} {'find_dateline':>16} {'parse_date_text':>18}")
    for lang in sorted(found_hits):
        found, parsed = found_hits[lang], parsed_hits[lang]
        print(
            f"  {lang:<8} {sum(found):>4}/{len(found):<4} {_ratio(found):>6}"
            f"   {sum(parsed):>4}/{len(parsed):<4} {_ratio(parsed):>6}"
        )
    every = [m for marks in found_hits.values() for m in marks]
    parsed_all = [m for marks in parsed_hits.values() for m in marks]
    print(
        f"  {'all':<8} {sum(every):>4}/{len(every):<4} {_ratio(every):>6}"
        f"   {sum(parsed_all):>4}/{len(parsed_all):<4} {_ratio(parsed_all):>6}"
    )


def _bench_date_lines() -> None:
    """Which text lines are only a dateline: the cleanup's test against ``lines.tsv``."""
    if not DATE_LINES_SET.is_file():
        print(f"missing: {DATE_LINES_SET}")
        return
    from pipelines.boilerplate import is_date_only

    with DATE_LINES_SET.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    marks = [
        is_date_only(row["line"], row["language"]) == (row["is_dateline"] == "yes") for row in rows
    ]
    print(f"date-only lines ({DATE_LINES_SET.name}, boilerplate.is_date_only): ", end="")
    print(f"{sum(marks)}/{len(marks)} {_ratio(marks)}")


def _as_expected(found: Any) -> str:
    """A Dateline in the labelled set's notation: ``published``, ``p|u``, ``none|u``, ``none``."""
    if found is None or not (found.published or found.updated):
        return "none"
    published = found.published.isoformat() if found.published else "none"
    return f"{published}|{found.updated.isoformat()}" if found.updated else published


def _bench_published(cases: list[Case]) -> None:
    from datetime import UTC, datetime

    from pipelines import process_page

    now = datetime(2025, 12, 31, tzinfo=UTC)
    hits: dict[str, list[bool]] = defaultdict(list)
    misses = []
    for case in cases:
        expected = case.expected.get("published")
        if not expected:
            continue
        record = process_page(case.html, case.url, rules=case.rules, now=lambda: now)
        found = (record["published"] or "")[:10]
        hits[case.group].append(found == expected)
        if found != expected:
            misses.append(f"  {case.name}: {found or None} ({record['published_source']})")
    print("published date of the extract fixtures (process_page):")
    for group in sorted(hits):
        print(f"  {group:<10} {sum(hits[group]):>3}/{len(hits[group]):<3} {_ratio(hits[group])}")
    every = [m for marks in hits.values() for m in marks]
    print(f"  {'all':<10} {sum(every):>3}/{len(every):<3} {_ratio(every)}")
    if misses:
        print("misses (found, from):", *misses, sep="\n")


# --- (d) topics -----------------------------------------------------------------------------


RELEVANCE_SET = FIXTURES / "topics" / "relevance.jsonl"


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip() and line[0] != "#"]


def bench_topics() -> None:
    print("\n(d) Topics and countries")
    if not TOPICS_SET.is_file():
        print(f"missing: {TOPICS_SET}")
    else:
        _bench_topic_labels(_jsonl(TOPICS_SET))
    if not RELEVANCE_SET.is_file():
        print(f"missing: {RELEVANCE_SET}")
    else:
        _bench_relevance(_jsonl(RELEVANCE_SET))


def _bench_topic_labels(items: list[dict[str, Any]]) -> None:
    from pipelines.topics import tag

    counts: dict[str, Counter[str]] = {field: Counter() for field in ("topics", "countries")}
    per_topic: dict[str, Counter[str]] = defaultdict(Counter)
    for item in items:
        tagging = tag(item.get("title", ""), item.get("text", ""))
        for field in counts:
            found, wanted = set(getattr(tagging, field)), set(item.get(field, []))
            counts[field]["tp"] += len(found & wanted)
            counts[field]["fp"] += len(found - wanted)
            counts[field]["fn"] += len(wanted - found)
            if field == "topics":
                for topic in found | wanted:
                    per_topic[topic]["tp"] += topic in found and topic in wanted
                    per_topic[topic]["fp"] += topic in found and topic not in wanted
                    per_topic[topic]["fn"] += topic in wanted and topic not in found
    print(f"{len(items)} labelled items ({TOPICS_SET.name})")
    for field, count in counts.items():
        print(f"  {field:<10} {_prf(count)}")
    for topic in sorted(per_topic):
        print(f"    {topic:<28} {_prf(per_topic[topic])}")


def _bench_relevance(items: list[dict[str, Any]]) -> None:
    """Candidate (relevance >= threshold) against the editor's relevant true/false."""
    from crawler.config import load_config
    from pipelines.topics import tag

    threshold = load_config().site.candidate_threshold
    tag(items[0]["title"], items[0]["text"])  # compile the taxonomy before timing
    started = time.perf_counter()
    taggings = [tag(item["title"], item["text"]) for item in items]
    per_item = (time.perf_counter() - started) / len(items)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    misses = []
    for item, tagging in zip(items, taggings, strict=True):
        candidate, relevant = tagging.relevance >= threshold, bool(item["relevant"])
        outcome = ("tp" if relevant else "fp") if candidate else ("fn" if relevant else "tn")
        for key in ("all", item["set"], item["lang"]):
            counts[key][outcome] += 1
        if outcome in ("fp", "fn"):
            misses.append(f"  {outcome} {item['id']:<16} {tagging.relevance:.3f} {tagging.reasons}")
    print(f"\n{len(items)} stories ({RELEVANCE_SET.name}), candidate: relevance >= {threshold}")
    splits = sorted(key for key in counts if key in ("dev", "test"))
    for key in ["all", *splits, *sorted(set(counts) - {"all", *splits})]:
        print(f"  {key:<8} {_prf(counts[key])}")
    print(f"  tag(): {per_item * 1000:.2f} ms per story")
    if misses:
        print("misses (outcome, id, relevance, reasons):", *misses, sep="\n")


def _prf(count: Counter[str]) -> str:
    tp, fp, fn = count["tp"], count["fp"], count["fn"]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P {p:.3f}  R {r:.3f}  F1 {f:.3f}  (tp {tp}, fp {fp}, fn {fn})"


def main() -> None:
    cases = load_cases() if EXTRACT_CASES.is_dir() else []
    if cases:
        bench_text(cases)
        bench_archive(cases)
    else:
        print(f"missing: {EXTRACT_CASES}")
    bench_language()
    bench_dates(cases)
    bench_topics()


if __name__ == "__main__":
    main()
