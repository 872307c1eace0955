"""Benchmark the site build on synthetic items: full build, no-change rebuild, one-edit rebuild.

Run by hand: ``.venv/bin/python bench/site.py [--sizes 1000,10000,100000]``. For each size it
generates that many multilingual items (titles and ~2,000-character texts in 12 languages,
4 sources, topics, countries, three years of dates, stories shared by translations) into a
temporary SQLite database through ``crawler.store``, then builds the site from
``crawler.store.iter_items`` in a child process per build, so the peak memory printed is
that build's own: the main process's (VmHWM), the largest build worker's (whose figure
includes the pages it shares with the main process, so their sum is an upper bound), and
the largest child's of any kind (Pagefind, when it ran). It prints
wall time, Pagefind time, files written, the site's size, the bytes one query loads from the
search page's load to its results (measured in headless Chromium when Playwright and
/usr/bin/chromium are there, else estimated from the bundle), the seconds from one stored edit
to the search showing it (the rebuild's process; the search then indexes a delta), and the
indexer's (Pagefind's) peak memory. Prints figures only.

Targets on a 2-core machine: 100,000 items built within 60 s (Pagefind reported apart) and
1 GB; a rebuild with nothing changed within 5 s, writing no file; one query <= 300 KB; one
edit in the search within 10 s; the indexer <= 2 GB.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import http.server
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler import store  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
SHOWN = ("candidate", "approved", "featured")
SOURCES = {"un-news": 0.35, "unesco": 0.25, "unicef": 0.25, "undp": 0.15}
LANGUAGES = {
    "en": 0.28, "ru": 0.14, "fr": 0.10, "es": 0.10, "ar": 0.08, "zh": 0.07,
    "kk": 0.05, "ky": 0.04, "uz-Latn": 0.04, "uz-Cyrl": 0.03, "tg": 0.04, "tk": 0.03,
}  # fmt: skip
TOPICS = [
    "global-citizenship", "peace-education", "human-rights-education",
    "sustainable-development-education", "intercultural-education",
    "media-information-literacy", "preventing-violent-extremism", "gender-equality-education",
    "youth-participation", "sdg-4-7", "violence-against-children", "child-protection",
    "bullying", "child-labour", "early-childhood", "inclusive-education",
    "children-participation", "birth-registration",
]  # fmt: skip
COUNTRIES = ["KZ", "KG", "TJ", "TM", "UZ", "central-asia"]
WORDS = {
    "en": "children education rights school teachers peace citizenship global learning young "
    "people community protection violence support programme report government schools "
    "students future inclusive digital climate skills families health girls boys",
    "ru": "дети образование права школа учителя мир гражданственность глобальный обучение "
    "молодежь сообщество защита насилие поддержка программа доклад правительство школы "
    "учащиеся будущее инклюзивный цифровой климат навыки семьи здоровье девочки мальчики",
    "fr": "enfants éducation droits école enseignants paix citoyenneté mondiale apprentissage "
    "jeunes communauté protection violence soutien programme rapport gouvernement écoles "
    "élèves avenir inclusive numérique climat compétences familles santé filles garçons",
    "es": "niños educación derechos escuela docentes paz ciudadanía mundial aprendizaje "
    "jóvenes comunidad protección violencia apoyo programa informe gobierno escuelas "
    "estudiantes futuro inclusiva digital clima habilidades familias salud niñas",
    "ar": "الأطفال التعليم الحقوق المدرسة المعلمون السلام المواطنة العالمية التعلم الشباب "
    "المجتمع الحماية العنف الدعم البرنامج التقرير الحكومة المدارس الطلاب المستقبل الشامل "
    "الرقمي المناخ المهارات الأسر الصحة الفتيات",
    "zh": "儿童 教育 权利 学校 教师 和平 公民 全球 学习 青年 社区 保护 暴力 支持 方案 报告 "
    "政府 学生 未来 包容 数字 气候 技能 家庭 健康 女童 男童 发展 合作 国家",
    "kk": "балалар білім құқықтар мектеп мұғалімдер бейбітшілік азаматтық жаһандық оқыту "
    "жастар қоғамдастық қорғау зорлық қолдау бағдарлама баяндама үкімет мектептер "
    "оқушылар болашақ инклюзивті цифрлық климат дағдылар отбасылар денсаулық қыздар",
    "ky": "балдар билим укуктар мектеп мугалимдер тынчтык жарандык глобалдык окутуу "
    "жаштар коомчулук коргоо зомбулук колдоо программа баяндама өкмөт мектептер "
    "окуучулар келечек инклюзивдүү санариптик климат көндүмдөр үй-бүлөлөр ден-соолук",
    "uz-Latn": "bolalar taʼlim huquqlar maktab oʻqituvchilar tinchlik fuqarolik global "
    "oʻrganish yoshlar jamiyat himoya zoʻravonlik yordam dastur hisobot hukumat maktablar "
    "oʻquvchilar kelajak inklyuziv raqamli iqlim koʻnikmalar oilalar salomatlik qizlar",
    "uz-Cyrl": "болалар таълим ҳуқуқлар мактаб ўқитувчилар тинчлик фуқаролик глобал "
    "ўрганиш ёшлар жамият ҳимоя зўравонлик ёрдам дастур ҳисобот ҳукумат мактаблар "
    "ўқувчилар келажак инклюзив рақамли иқлим кўникмалар оилалар саломатлик қизлар",
    "tg": "кӯдакон маориф ҳуқуқҳо мактаб муаллимон сулҳ шаҳрвандӣ ҷаҳонӣ омӯзиш ҷавонон "
    "ҷомеа ҳифз зӯроварӣ дастгирӣ барнома гузориш ҳукумат мактабҳо хонандагон оянда "
    "фарогир рақамӣ иқлим малакаҳо оилаҳо саломатӣ духтарон писарон",
    "tk": "çagalar bilim hukuklar mekdep mugallymlar parahatçylyk raýatlyk global öwrenmek "
    "ýaşlar jemgyýet gorag zorluk goldaw maksatnama hasabat hökümet mekdepler okuwçylar "
    "geljek inklýuziw sanly howa endikler maşgalalar saglyk gyzlar oglanlar",
}
NO_SPACES = {"zh"}
YEARS = 3


def generate(db_path: Path, count: int, seed: int = 7) -> float:
    """Fill a new database with `count` items through `crawler.store`; seconds taken."""
    started = time.perf_counter()
    rng = random.Random(seed)
    db = store.open_db(db_path)
    now = datetime(2025, 11, 1, tzinfo=UTC)
    first_day = now - timedelta(days=365 * YEARS)
    languages, weights = list(LANGUAGES), list(LANGUAGES.values())
    sources, source_weights = list(SOURCES), list(SOURCES.values())
    story: list[tuple[str, str]] = []  # (language, canonical url) of the current story
    records: list[dict[str, Any]] = []
    for n in range(count):
        language = rng.choices(languages, weights)[0]
        source = rng.choices(sources, source_weights)[0]
        if not story or rng.random() > 0.3:
            story = []  # a new story; 30% of items are another language of the previous one
        url = f"https://{source}.example.org/{language.lower()}/story/{n}"
        published = first_day + timedelta(seconds=rng.randrange(365 * YEARS * 86400))
        translations = dict(story)
        record = _record(rng, n, language, source, url, published, translations, now)
        # Stored undated first: the store looks for translations among every item of the
        # same day with a scan per insert (quadratic at 100,000); the date comes in an update.
        store.upsert_record(db, {**record, "published": None}, now)
        records.append(record)
        story.append((language, url))
    for record in records:
        store.upsert_record(db, record, now)
    _decide(db, rng, now)
    db.conn.close()
    return time.perf_counter() - started


def _record(
    rng: random.Random,
    n: int,
    language: str,
    source: str,
    url: str,
    published: datetime,
    translations: dict[str, str],
    now: datetime,
) -> dict[str, Any]:
    words = WORDS[language].split()
    joiner = "" if language in NO_SPACES else " "
    paragraphs = []
    length = 0
    while length < 2000:
        sentence = joiner.join(rng.choice(words) for _ in range(rng.randint(8, 16)))
        paragraph = (". " if joiner else "。").join([sentence] * 2) + ("." if joiner else "。")
        paragraphs.append(paragraph[:1].upper() + paragraph[1:])
        length += len(paragraph)
    text = "\n".join(paragraphs)
    title = joiner.join(rng.choice(words) for _ in range(rng.randint(5, 9)))
    updated = published + timedelta(days=1) if rng.random() < 0.2 else None
    return {
        "url": url,
        "canonical_url": url,
        "source": source,
        "title": f"{title[:1].upper()}{title[1:]} {n}",
        "text": text,
        "summary": paragraphs[0][:200] if rng.random() < 0.7 else None,
        "published": published.isoformat(timespec="seconds"),
        "published_source": "meta",
        "updated": updated.isoformat(timespec="seconds") if updated else None,
        "updated_source": "meta" if updated else None,
        "authors": [f"Author {rng.randint(1, 200)}"] if rng.random() < 0.4 else [],
        "image": None,
        "language": language,
        "title_language": language,
        "language_confidence": 0.99,
        "topics": rng.sample(TOPICS, rng.choice([1, 1, 2, 2, 3])),
        "countries": rng.sample(COUNTRIES, rng.choice([0, 0, 1, 1, 2])),
        "relevance": round(rng.random(), 3),
        "relevance_reasons": [],
        "content_hash": hashlib.sha1(text.encode()).hexdigest(),
        "story_id": None,
        "translations": {lang: link for lang, link in translations.items() if lang != language},
        "crawled_at": now.isoformat(),
    }


def _decide(db: Any, rng: random.Random, now: datetime) -> None:
    """Editor decisions: 75% approved, 3% featured, 10% rejected, the rest left candidates."""
    for item in list(store.iter_items(db)):
        roll = rng.random()
        status = "approved" if roll < 0.75 else "featured" if roll < 0.78 else (
            "rejected" if roll < 0.88 else None
        )  # fmt: skip
        if status:
            store.set_editor_fields(db, item["id"], {"status": status}, "bench", now)


def child_build(db_path: Path, out: Path, search: bool, versioned: bool) -> None:
    """One build, in this (child) process; prints its report and memory as JSON."""
    from crawler.digest import ITEM_FIELDS, build_site

    db = store.open_db(db_path)
    started = time.perf_counter()
    report = build_site(
        store.iter_items(db, statuses=SHOWN, ordered=False, fields=ITEM_FIELDS),
        out, now=datetime.now(UTC),
        search=search,
        items_version=store.items_version(db) if versioned else None,
    )  # fmt: skip
    wall = time.perf_counter() - started
    own = peak_rss_kb()
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({
        "wall": wall, "written": report.written, "unchanged": report.unchanged,
        "removed": report.removed, "items": report.items, "search": report.search,
        "search_seconds": report.search_seconds, "rss_kb": own, "children_rss_kb": children,
        "workers_rss_kb": report.workers_peak_kb, "collect_seconds": report.collect_seconds,
        "parts_seconds": report.parts_seconds, "search_kind": report.search_kind,
        "search_pages": report.search_pages, "search_peak_kb": report.search_peak_kb,
    }))  # fmt: skip


def peak_rss_kb() -> int:
    """This process's peak RSS. Linux keeps ru_maxrss across exec (a child would report the
    bench's own peak), so read VmHWM, which starts afresh with the new program."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1])


def run_build(db_path: Path, out: Path, search: bool, versioned: bool = True) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", str(db_path), str(out)]
    if not search:
        command.append("--no-search")
    if not versioned:
        command.append("--no-version")
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_wall"] = time.perf_counter() - started
    return result


def edit_one(db_path: Path) -> None:
    db = store.open_db(db_path)
    item = next(store.iter_items(db, statuses=("approved",)))
    fields = {"edited_title": f"Edited at {time.time():.0f}"}
    store.set_editor_fields(db, item["id"], fields, "bench", datetime.now(UTC))
    db.conn.close()


def site_size(out: Path) -> tuple[int, int, int]:
    """(files, bytes, bytes of the Pagefind bundle)."""
    files = total = bundle = 0
    for path in out.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            files += 1
            total += size
            if path.relative_to(out).parts[0] == "pagefind":
                bundle += size
    return files, total, bundle


def query_payload(out: Path, query: str) -> tuple[int, int, str]:
    """Bytes and requests one search loads, from the search page's load to its results,
    measured in Chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return (*_estimated_payload(out), "estimated (no Playwright)")
    if not CHROMIUM.exists():
        return (*_estimated_payload(out), "estimated (no Chromium)")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(out))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sizes: list[int] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"]
            )
            page = browser.new_page()
            url = f"http://127.0.0.1:{server.server_address[1]}/en/search.html"
            # Every byte from the page's own load to the first results: the page, its style
            # and script, Pagefind's script, worker and WebAssembly, search.json, each merged
            # bundle's entry, metadata and index chunks, and the fragments of shown results.
            page.on(
                "requestfinished",
                lambda request: sizes.append(request.sizes()["responseBodySize"]),
            )
            page.goto(url)
            page.fill("#search-query", query)
            page.press("#search-query", "Enter")
            page.wait_for_selector("#search-results li", timeout=60_000)
            page.wait_for_load_state("networkidle")
            browser.close()
    finally:
        server.shutdown()
    return sum(sizes), len(sizes), "measured in Chromium"


def _estimated_payload(out: Path) -> tuple[int, int]:
    """Every bundle's metadata and first index chunk, the stub's script and WebAssembly, and
    ten fragments: an upper bound of what a query in Latin letters loads."""
    bundle = out / "pagefind"
    fixed = ["pagefind.js", "pagefind-worker.js", "wasm.unknown.pagefind", "search.json"]
    total = sum((bundle / name).stat().st_size for name in fixed if (bundle / name).exists())
    meta = sorted(bundle.glob("**/*.pf_meta"))
    index = [next(iter(sorted(path.parent.glob("index/*.pf_index"))), None) for path in meta]
    fragments = sorted(bundle.glob("*/fragment/*.pf_fragment"))[:10]
    paths = [*meta, *(path for path in index if path), *fragments]
    total += sum(path.stat().st_size for path in paths)
    return total, len(fixed) + len(paths)


def cpu_probe_ms() -> float:
    """The best of five timings of a fixed pure-Python loop: this VM's speed at the moment.
    It swings between about 80 and 160 ms here, and the build's wall time swings with it."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        sum(n * n for n in range(2_000_000))
        best = min(best, time.perf_counter() - started)
    return best * 1000


def bench(count: int, workdir: Path, search: bool) -> None:
    db_path = workdir / f"items-{count}.sqlite"
    out = workdir / f"site-{count}"
    # An earlier run's site is deleted after this run's figures, not before: on ext4 without
    # a journal, creating files just after deleting some 100,000 costs several times more
    # (the allocator skips recently deleted inodes), which would be charged to this build.
    earlier = workdir / f"site-{count}.earlier"
    if out.exists():
        shutil.rmtree(earlier, ignore_errors=True)
        out.rename(earlier)
    if not db_path.exists():
        # In a process of its own, so the builds do not start from its memory.
        command = [sys.executable, __file__, "--generate", str(db_path), str(count)]
        started = time.perf_counter()
        subprocess.run(command, check=True, cwd=ROOT)
        seconds = time.perf_counter() - started
        print(f"\n== {count:,} items (generated through crawler.store in {seconds:.1f} s)")
    else:
        print(f"\n== {count:,} items (database reused: {db_path})")
    print(f"  CPU probe before the full build: {cpu_probe_ms():.0f} ms (lower is faster)")
    full = run_build(db_path, out, search)
    files, size, bundle = site_size(out)
    _line("full build", full)
    print(f"  site: {files:,} files, {size / 2**20:,.1f} MiB "
          f"(Pagefind bundle {bundle / 2**20:,.1f} MiB)")  # fmt: skip
    _line("rebuild, nothing changed", run_build(db_path, out, search))
    _line("rebuild, nothing changed, no items version", run_build(db_path, out, search, False))
    edit_one(db_path)
    edited = run_build(db_path, out, search)
    _line("rebuild, one title edited", edited)
    if search:
        print(
            f"  one edit to the search: {edited['process_wall']:.1f} s from the edit stored to "
            f"the search updated (the build's process, start to end; indexing "
            f"{edited['search_seconds'] or 0:.1f} s, {edited['search_kind'] or 'none'}, "
            f"{edited['search_pages']:,} pages)"
        )
        print(
            f"  indexer peak memory: {full['search_peak_kb'] / 1024:,.0f} MiB at the full index "
            f"({full['search_pages']:,} pages), {edited['search_peak_kb'] / 1024:,.0f} MiB at "
            f"the edit; full index {full['search_seconds'] or 0:.1f} s"
        )
    if search:
        for query in ("education", "儿童", "образование", "образования"):
            payload, requests, how = query_payload(out, query)
            print(f"  one query {query!r}: {payload / 1024:,.0f} KiB in {requests} requests, "
                  f"from the page's load to its results ({how})")
    shutil.rmtree(earlier, ignore_errors=True)


def _line(label: str, result: dict[str, Any]) -> None:
    search = (
        f", Pagefind {result['search_seconds']:.1f} s" if result["search_seconds"] else
        f", Pagefind {result['search']}"
    )  # fmt: skip
    site_seconds = result["wall"] - (result["search_seconds"] or 0)
    phases = (
        f": collect {result['collect_seconds']:.1f} s, parts {result['parts_seconds']:.1f} s"
        if result["parts_seconds"] else ""
    )  # fmt: skip
    print(
        f"  {label}: {result['wall']:.1f} s wall (site {site_seconds:.1f} s{phases}{search}); "
        f"{result['written']:,} written, {result['unchanged']:,} unchanged, "
        f"{result['removed']:,} removed; peak RSS: main {result['rss_kb'] / 1024:,.0f} MiB, "
        f"largest build worker {result['workers_rss_kb'] / 1024:,.0f} MiB, "
        f"largest child (Pagefind when it ran) {result['children_rss_kb'] / 1024:,.0f} MiB"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--generate":
        generate(Path(sys.argv[2]), int(sys.argv[3]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_build(
            Path(sys.argv[2]), Path(sys.argv[3]), "--no-search" not in sys.argv,
            "--no-version" not in sys.argv,
        )  # fmt: skip
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated counts")
    parser.add_argument("--workdir", type=Path, help="keep databases and sites here")
    parser.add_argument("--no-search", action="store_true", help="skip Pagefind")
    args = parser.parse_args()
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size]
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        for count in sizes:
            bench(count, args.workdir, not args.no_search)
        return
    with tempfile.TemporaryDirectory(prefix="gced-bench-") as temporary:
        for count in sizes:
            bench(count, Path(temporary), not args.no_search)


if __name__ == "__main__":
    main()
