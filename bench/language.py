"""Benchmark language detection against langdetect, py3langid alone and CLD2 alone.

Run by hand: ``.venv/bin/python bench/language.py``. Reads the labelled set in
``tests/fixtures/language/labelled.tsv`` and prints per-language accuracy for
titles and bodies, accuracy on title prefixes (first three words), and
milliseconds per article (a title plus a ~3,000-character body). Prints figures
only; nothing here asserts.

The other detectors cannot name a script, so for them a bare "uz" counts as a
match for both uz-Latn and uz-Cyrl; our detector must give the script subtag.
"""

import csv
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import langdetect
import py3langid
import pycld2
from langdetect import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from pipelines.language import UND, detect_fields, detect_language, normalise_tag

LABELLED = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "language" / "labelled.tsv"
BODY_CHARS = 3000
PREFIX_WORDS = 3
MIN_TIMING_SECONDS = 1.0

Row = tuple[str, str, tuple[str, ...], str]  # expected, kind, hints, text
Detector = Callable[[str, Sequence[str]], str]


def load_rows(path: Path = LABELLED) -> list[Row]:
    """Rows of the labelled set; '#' lines are section comments."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return [
        (r["expected_tag"], r["kind"], tuple(h for h in r["hint"].split(",") if h), r["text"])
        for r in reader
    ]


def ours(text: str, hints: Sequence[str]) -> str:
    return detect_language(text, hints).language


def ours_without_hints(text: str, hints: Sequence[str]) -> str:
    return detect_language(text).language


def with_langdetect(text: str, hints: Sequence[str]) -> str:
    try:
        return langdetect.detect(text)
    except LangDetectException:
        return UND


def with_py3langid(text: str, hints: Sequence[str]) -> str:
    return py3langid.classify(text)[0]


def with_cld2(text: str, hints: Sequence[str]) -> str:
    try:
        _, _, details = pycld2.detect(text, isPlainText=True, bestEffort=True)
    except pycld2.error:
        return UND
    return details[0][1] if details[0][1] != "un" else UND


DETECTORS: dict[str, Detector] = {
    "ours": ours,
    "ours-nohint": ours_without_hints,
    "langdetect": with_langdetect,
    "py3langid": with_py3langid,
    "cld2": with_cld2,
}


def matches(expected: str, got: str, strict: bool) -> bool:
    """Compare tags; other detectors' bare "uz" matches either Uzbek script."""
    tag = normalise_tag(got) if got else UND
    if tag == expected:
        return True
    return not strict and tag == "uz" and expected.startswith("uz-")


def accuracy_table(rows: list[Row], kind: str) -> dict[str, dict[str, tuple[int, int]]]:
    """{language: {detector: (correct, total)}} for one kind of row."""
    table: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for expected, row_kind, hints, text in rows:
        if row_kind != kind:
            continue
        for name, detector in DETECTORS.items():
            cell = table[expected][name]
            cell[0] += matches(expected, detector(text, hints), name.startswith("ours"))
            cell[1] += 1
    return {lang: {n: (c[0], c[1]) for n, c in cells.items()} for lang, cells in table.items()}


def print_table(title: str, table: dict[str, dict[str, tuple[int, int]]]) -> None:
    names = list(DETECTORS)
    print(f"\n{title}")
    print(f"{'lang':<8} {'n':>4} " + " ".join(f"{n:>11}" for n in names))
    totals = {n: [0, 0] for n in names}
    for lang in sorted(table):
        cells = table[lang]
        count = cells[names[0]][1]
        print(f"{lang:<8} {count:>4} " + " ".join(f"{_pct(*cells[n]):>11}" for n in names))
        for n in names:
            totals[n][0] += cells[n][0]
            totals[n][1] += cells[n][1]
    count = totals[names[0]][1]
    print(f"{'ALL':<8} {count:>4} " + " ".join(f"{_pct(*totals[n]):>11}" for n in names))


def _pct(correct: int, total: int) -> str:
    return f"{correct / total:.3f}" if total else "-"


def prefix_rows(rows: list[Row], words: int) -> list[Row]:
    """Titles cut to their first words (CJK: characters), a harder short-title set."""
    cut = []
    for expected, kind, hints, text in rows:
        parts = text.split()
        if kind != "title" or expected == UND:
            continue
        if expected in ("zh", "ja"):
            cut.append((expected, kind, hints, text[: words * 2]))
        elif len(parts) > words:
            cut.append((expected, kind, hints, " ".join(parts[:words])))
    return cut


def articles(rows: list[Row]) -> list[tuple[str, str, tuple[str, ...]]]:
    """One article per language: its first title and its bodies repeated to ~3,000 chars."""
    titles: dict[str, tuple[str, tuple[str, ...]]] = {}
    bodies: dict[str, list[str]] = defaultdict(list)
    for expected, kind, hints, text in rows:
        if kind == "title" and expected not in titles:
            titles[expected] = (text, hints)
        elif kind == "body":
            bodies[expected].append(text)
    result = []
    for lang, texts in bodies.items():
        body = " ".join(texts)
        while len(body) < BODY_CHARS:
            body = f"{body} {body}"
        title, hints = titles[lang]
        result.append((title, body[:BODY_CHARS], hints))
    return result


def ms_per_article(name: str, items: list[tuple[str, str, tuple[str, ...]]]) -> float:
    """Median over rounds of the mean time to detect one title and one body."""
    detector = DETECTORS[name]

    def one_round() -> None:
        for title, body, hints in items:
            if name == "ours":
                detect_fields(title, body, hints)
            else:
                detector(title, hints)
                detector(body, hints)

    one_round()  # load models outside the timing
    rounds: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < MIN_TIMING_SECONDS or len(rounds) < 3:
        t0 = time.perf_counter()
        one_round()
        rounds.append((time.perf_counter() - t0) * 1000 / len(items))
    return statistics.median(rounds)


def main() -> None:
    DetectorFactory.seed = 0
    rows = load_rows()
    print(f"labelled set: {LABELLED} ({len(rows)} rows)")
    print("ours = detect_language with page hints; ours-nohint = without hints")
    print_table("TITLES: accuracy by language", accuracy_table(rows, "title"))
    print_table("BODIES: accuracy by language", accuracy_table(rows, "body"))
    prefixes = prefix_rows(rows, PREFIX_WORDS)
    print_table(
        f"TITLE PREFIXES (first {PREFIX_WORDS} words, stress test)",
        accuracy_table(prefixes, "title"),
    )
    items = articles(rows)
    print(f"\nSPEED: ms per article (title + {BODY_CHARS}-char body, {len(items)} languages)")
    timings = {name: ms_per_article(name, items) for name in DETECTORS}
    reference = timings["langdetect"]
    for name, ms in timings.items():
        print(f"{name:<12} {ms:8.3f} ms/article   {reference / ms:6.1f}x langdetect's speed")


if __name__ == "__main__":
    main()
