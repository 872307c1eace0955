"""Full-text search with Pagefind, run as the binary shipped in the `pagefind-bin-extended`
wheel (no download at run time).

One story page per (story, language) is indexed (see `search_pages`), only its
`data-pagefind-body` article. Filters are codes (language "ru", topic "child-protection",
...), labelled by the search page.

**One bundle per language, one query over all of them.** Pagefind stems words at indexing by
the page's language, and stems a query inside its WebAssembly, which is compiled per language
(`wasm.ru.pagefind` holds the Russian stemmer). `mergeIndex` instances never load a
WebAssembly of their own: they run on the primary instance's (pagefind_web_js
`coupled_search.ts`, `mergeIndex` calls `init(..., {load_wasm: false})`), so a query is stemmed
by the first index's stemmer alone. The primary here is a one-page stub bundle in `pagefind/`
built as language "unknown", whose WebAssembly stems nothing; every language's bundle
(`pagefind/<tag>/`, built with `--force-language <tag>`, so Russian pages are stemmed as
Russian, Chinese ones segmented) is merged into it. The unstemmed query word then meets the
stemmed index through Pagefind's word matching (`find_word_extensions` in pagefind_web
`search.rs`): index words that extend the query word, or else the longest index word that the
query word extends — "образования" finds the stem "образован", and so "образование". The
browser tests pin that.

**Only the bundles a query can match are loaded** (`search.json` tells the browser each
bundle's script and languages): a query in Cyrillic letters loads the Cyrillic-script
languages, a Chinese one the Han-script bundles, a language filter that language's; a query
with Latin letters (names and acronyms appear in every language) loads every bundle.

**Which bundles hold a word** (`pagefind/words/`, and `pagefind/delta-words/` for the
delta): for every word the bundles' pages hold (read from Pagefind's own fragments, so what
it indexed), its first one to three letters, lower case, are keys to the bundles holding such
a word, in files named by the hex UTF-8 of a key's first two letters. The search page reads
the file of each query word's first letters and merges only the bundles listed, so a query
in Latin letters no longer loads every language ("education" loads the bundles with a word in
"edu"; a Russian page naming "UNICEF" keeps the Russian bundle in a search for "UNICEF").
Three letters, not more, because a query word meets a stem shorter than itself through
Pagefind's prefix fallback ("детей" finds the stem "дет"). Chinese and Korean words go by
script, as before.

**Base and delta.** A full run indexes every bundle (the base). Later builds with few changed
story pages (`DELTA_SHARE`) index only the changed pages, into `pagefind/delta-<tag>/`
bundles, and list the base's superseded and removed pages in `search.json` (`hidden`), which
the search page drops from results: an edit reaches the search in a second or two instead of a
full re-index. Each bundle is indexed by its own Pagefind run, one at a time, so the indexer
holds one language's pages at once, never the whole site.

Pagefind writes to a temporary folder; the writer copies only changed files into
`pagefind/` and removes the bundle's stale files.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import subprocess
import tempfile
import threading
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SearchIndexError
from .writer import MANIFEST_FOLDER, SiteWriter, replace_atomically

logger = logging.getLogger(__name__)

BUNDLE_FOLDER = "pagefind"
MANIFEST_NAME = "search.json"  # in the bundle folder: what the search page loads first
STATE_NAME = "search-index.state"  # JSON, in the build's own folder (not a part's manifest)
STUB_LANGUAGE = "unknown"  # no stemmer: the primary's WebAssembly leaves queries as typed
STUB_WORD = "gcedsearchstub"  # the stub page's one word (its result is dropped in search.js)
DELTA_PREFIX = "delta-"
WORDS_FOLDER = "words"  # key → bundles lookup, in the bundle folder (delta: "delta-words")
WORD_KEY_LENGTH = 3
# Words as the search page splits a query: letters and digits, joined by hyphens or apostrophes.
_TOKEN = re.compile(r"[\w\-'’]+")
_PART = re.compile(r"[\-'’]+")
_UNSEGMENTED = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")  # CJK, Hangul
# A build with at most this share of the indexed pages changed (or DELTA_MIN pages) adds a
# delta to the base instead of indexing everything again.
DELTA_SHARE = 0.02
DELTA_MIN = 200
TIMEOUT_SECONDS = 3600
STATE_VERSION = 1

# Languages Pagefind stems (pagefind_web's Cargo features); others are split into words only.
STEMMED = frozenset(
    "ar hy eu ca da nl en fi fr de el hi hu id ga it lt ne no pt ro ru sr es sv ta tr yi".split()
)
SEGMENTED = frozenset({"zh", "ja"})  # the extended binary cuts these into words
CYRILLIC = frozenset("ru uk be bg mk kk ky tg mn tt ba uz-cyrl sr-cyrl".split())
ARABIC = frozenset("ar fa ur ps ug".split())
# Files the search page needs from a merged bundle (the stub ships the script and wasm).
BUNDLE_FILES = ("pagefind-entry.json", ".pf_meta", "index/", "filter/", "fragment/")
STUB_FILES = ("pagefind.js", "pagefind-worker.js", "wasm.unknown.pagefind", *BUNDLE_FILES)


@dataclass(frozen=True)
class IndexedPage:
    """A story page to index: its path from the site root, language tag and bytes' digest."""

    path: str
    language: str
    digest: str


@dataclass
class SearchRun:
    """What one indexing did: "full" or "delta", pages indexed, seconds, and the indexer's
    (Pagefind's) largest peak memory of its runs, in KiB."""

    kind: str
    pages: int
    seconds: float
    peak_kb: int = 0
    bundles: list[str] = field(default_factory=list)


def bundle_tag(language: str) -> str:
    """The Pagefind language a page is indexed as: the language itself where Pagefind stems
    it ("ru", "pt" for "pt-BR"), else its lower-case tag ("kk", "uz-latn"; "und" unknown)."""
    tag = language.lower() or "und"
    base = tag.split("-")[0]
    return base if base in STEMMED or base in SEGMENTED else tag


def bundle_script(tag: str) -> str:
    """The script of a bundle's language, as the search page routes queries by it."""
    if tag in CYRILLIC:
        return "Cyrl"
    if tag in ARABIC:
        return "Arab"
    if tag in SEGMENTED:
        return "Hani"
    if tag == "ko":
        return "Hang"
    return "Latn"


def pagefind_executable() -> Path:
    """The Pagefind binary from the installed wheel, extended (CJK) build preferred."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:
        try:
            from pagefind_bin import get_executable
        except ImportError as exc:
            raise SearchIndexError(
                "Pagefind is not installed: pip install pagefind pagefind-bin-extended"
            ) from exc
        logger.warning("pagefind-bin-extended missing: Chinese text will not be segmented")
    return Path(get_executable())


def index_site(
    out_dir: Path,
    pages: Sequence[IndexedPage],
    writer: SiteWriter,
    *,
    months: Sequence[str] = (),
    full: bool = False,
) -> SearchRun:
    """Index `pages` (paths below `out_dir`) into `pagefind/`: as a delta over the last base
    when few changed since it, else in full (`full` forces that). `months` ("2025-03", the
    month filter's values) go to the search page's manifest for its month range."""
    started = time.perf_counter()
    state = _load_state(out_dir)
    recorded = state.get("base") if state else None
    base: dict[str, list[str]] = recorded if isinstance(recorded, dict) else {}
    current = {page.path: page for page in pages}
    changed = [page for page in pages if base.get(page.path, [""])[0] != page.digest]
    removed = [path for path in base if path not in current]
    small = len(changed) + len(removed) <= max(DELTA_MIN, DELTA_SHARE * len(base))
    if not full and state and small and _bundle_intact(out_dir, state, writer):
        run = _index_delta(out_dir, changed, removed, state, writer, months)
    else:
        run = _index_full(out_dir, pages, writer, months)
    run.seconds = time.perf_counter() - started
    return run


def _index_full(
    out_dir: Path, pages: Sequence[IndexedPage], writer: SiteWriter, months: Sequence[str]
) -> SearchRun:
    groups = _by_bundle(pages)
    run = SearchRun("full", len(pages), 0.0)
    ids: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="gced-pagefind-") as temporary:
        work = Path(temporary)
        run.peak_kb = _index_stub(work, writer)
        bundles = []
        words: list[set[str]] = []
        for tag in sorted(groups):
            peak, found, held = _index_bundle(out_dir, work, tag, tag, groups[tag], writer)
            run.peak_kb = max(run.peak_kb, peak)
            ids.update(found)
            bundles.append(_bundle_entry(tag, tag, groups[tag]))
            words.append(held)
    _write_lookup(WORDS_FOLDER, dict(enumerate(words)), writer)
    run.bundles = [str(entry["path"]) for entry in bundles]
    manifest = {"bundles": bundles, "hidden": [], "months": sorted(months), "words": True}
    writer.write(f"{BUNDLE_FOLDER}/{MANIFEST_NAME}", _json(manifest))
    state = {
        "version": STATE_VERSION,
        "bundles": bundles,
        "base": {page.path: [page.digest, ids.get(page.path, "")] for page in pages},
    }
    _save_state(out_dir, state)
    _finish(writer)
    return run


def _index_delta(
    out_dir: Path,
    changed: Sequence[IndexedPage],
    removed: Sequence[str],
    state: Mapping[str, object],
    writer: SiteWriter,
    months: Sequence[str],
) -> SearchRun:
    base = state["base"]
    assert isinstance(base, dict)
    bundles = list(state["bundles"])  # type: ignore[call-overload]
    _keep_base(writer)
    groups = _by_bundle(changed)
    run = SearchRun("delta", len(changed), 0.0)
    words: dict[int, set[str]] = {}
    with tempfile.TemporaryDirectory(prefix="gced-pagefind-") as temporary:
        work = Path(temporary)
        for tag in sorted(groups):
            name = f"{DELTA_PREFIX}{tag}"
            # "ru-x-delta": stemmed as Russian, its results' ids apart from the base's
            peak, _ids, held = _index_bundle(
                out_dir, work, name, f"{tag}-x-delta", groups[tag], writer
            )
            run.peak_kb = max(run.peak_kb, peak)
            words[len(bundles)] = held
            bundles.append(_bundle_entry(name, tag, groups[tag], delta=True))
    _write_lookup(f"{DELTA_PREFIX}{WORDS_FOLDER}", words, writer)
    superseded = [page.path for page in changed if page.path in base] + list(removed)
    hidden = sorted({base[path][1] for path in superseded if base[path][1]})
    run.bundles = [str(entry["path"]) for entry in bundles]
    manifest = {"bundles": bundles, "hidden": hidden, "months": sorted(months), "words": True}
    writer.write(f"{BUNDLE_FOLDER}/{MANIFEST_NAME}", _json(manifest))
    _finish(writer)
    return run


def _finish(writer: SiteWriter) -> None:
    writer.prune_stale()
    if writer.previous is None:
        writer.prune(BUNDLE_FOLDER, ("",), recursive=True)


def _keep_base(writer: SiteWriter) -> None:
    """Count the base bundles' files (all but deltas, their lookup and the manifest) as kept."""
    previous = writer.previous
    assert previous is not None
    for path, (source, _digest) in previous.pages.items():
        if _source(path) == "base" and not path.endswith(f"/{MANIFEST_NAME}"):
            writer.is_current(path, source)


def _bundle_intact(out_dir: Path, state: Mapping[str, object], writer: SiteWriter) -> bool:
    """The base can take a delta: its manifest and files are those the state describes."""
    if state.get("version") != STATE_VERSION or writer.previous is None:
        return False
    if not writer.would_keep(f"{BUNDLE_FOLDER}/pagefind.js", "base"):
        return False
    return (out_dir / BUNDLE_FOLDER / "pagefind.js").is_file()


def _by_bundle(pages: Iterable[IndexedPage]) -> dict[str, list[IndexedPage]]:
    groups: dict[str, list[IndexedPage]] = defaultdict(list)
    for page in pages:
        groups[bundle_tag(page.language)].append(page)
    return dict(groups)


def _bundle_entry(
    name: str, tag: str, pages: Sequence[IndexedPage], delta: bool = False
) -> dict[str, object]:
    return {
        "path": f"{name}/",
        "script": bundle_script(tag),
        "languages": sorted({page.language.lower() for page in pages}),
        "pages": len(pages),
        "delta": delta,
    }


def _index_stub(work: Path, writer: SiteWriter) -> int:
    """The primary bundle: one page of one word, language "unknown" (see the module's note)."""
    site = work / "stub"
    site.mkdir()
    page = f'<html lang="en"><body><main data-pagefind-body>{STUB_WORD}</main></body></html>'
    (site / "stub.html").write_text(page, encoding="utf-8")
    bundle, peak = _run_pagefind(site, "*.html", STUB_LANGUAGE, work / "stub-out")
    _copy_bundle(bundle, BUNDLE_FOLDER, STUB_FILES, writer)
    return peak


def _index_bundle(
    out_dir: Path,
    work: Path,
    name: str,
    language: str,
    pages: Sequence[IndexedPage],
    writer: SiteWriter,
) -> tuple[int, dict[str, str], set[str]]:
    """Index one bundle's pages, linked into a folder of their own under their site paths
    (so results keep the pages' own URLs); (peak KiB, page path → Pagefind's page id, the
    words its pages hold)."""
    site = work / f"site-{name}"
    pages_dir = out_dir.absolute()  # a link's relative target would be read from its folder
    for page in pages:
        link = site / page.path
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(pages_dir / page.path, link)
    bundle, peak = _run_pagefind(site, "**/*.html", language, work / f"out-{name}")
    ids, words = _copy_bundle(bundle, f"{BUNDLE_FOLDER}/{name}", BUNDLE_FILES, writer)
    return peak, ids, words


def words_of(text: str) -> set[str]:
    """The words of `text` as the search page splits a query: lower case, NFC, each word
    with hyphens or apostrophes also in its parts and joined; Chinese, Japanese and Korean
    text left out (those queries go by script)."""
    return words_from(tokens_of(text))


def tokens_of(text: str) -> set[str]:
    """The distinct tokens of `text`, lower case (cheap: a bundle's pages are split this way,
    and `words_from` runs once over all their tokens)."""
    return set(_TOKEN.findall(text.lower()))


def words_from(tokens: Iterable[str]) -> set[str]:
    """`words_of` for tokens from `tokens_of`."""
    words: set[str] = set()
    for raw in tokens:
        token = unicodedata.normalize("NFC", raw)
        parts = [part for part in _PART.split(token) if part]
        if len(parts) > 1:
            words.add("".join(parts))
        words.update(parts)
    return {word for word in words if not _UNSEGMENTED.search(word)}


def word_keys(words: Iterable[str]) -> set[str]:
    """Each word's first one to `WORD_KEY_LENGTH` letters."""
    return {word[:n] for word in words for n in range(1, min(len(word), WORD_KEY_LENGTH) + 1)}


def lookup_file(key: str) -> str:
    """The lookup file holding `key`: named by the hex UTF-8 of its first two letters."""
    return key[:2].encode("utf-8").hex() + ".json"


def _write_lookup(folder: str, words: Mapping[int, set[str]], writer: SiteWriter) -> None:
    """`folder`'s lookup files: key → the numbers (in search.json's bundle list) of the
    bundles holding a word with that start."""
    files: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for number, held in sorted(words.items()):
        for key in word_keys(held):
            files[lookup_file(key)].setdefault(key, []).append(number)
    for name, keys in files.items():
        path = f"{BUNDLE_FOLDER}/{folder}/{name}"
        writer.write(path, _json(dict(sorted(keys.items()))), _source(path))


def _run_pagefind(site: Path, glob: str, language: str, bundle: Path) -> tuple[Path, int]:
    """Run Pagefind over `site` into `bundle`; (bundle, Pagefind's peak RSS in KiB)."""
    command = [
        str(pagefind_executable()),
        "--site", str(site),
        "--glob", glob,
        "--force-language", language,
        "--output-path", str(bundle),
        "--quiet",
    ]  # fmt: skip
    with tempfile.TemporaryFile() as output:
        try:
            process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        except OSError as exc:
            raise SearchIndexError(f"Pagefind could not index {site}: {exc}") from exc
        # wait4 gives this child's own peak memory (RUSAGE_CHILDREN mixes in the build's
        # workers); the timer kills a run that hangs.
        timer = threading.Timer(TIMEOUT_SECONDS, process.kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        said = output.read().decode("utf-8", "replace")
    if process.returncode != 0 or not (bundle / "pagefind-entry.json").is_file():
        logger.debug("pagefind said: %s", said)
        cause = _cause(said) or f"exit status {process.returncode}"
        raise SearchIndexError(f"Pagefind could not index {site}: {cause}")
    logger.debug("pagefind: %s", said.strip())
    return bundle, usage.ru_maxrss


def _copy_bundle(
    bundle: Path, folder: str, wanted: tuple[str, ...], writer: SiteWriter
) -> tuple[dict[str, str], set[str]]:
    """Copy the files of `bundle` the search page needs into `folder`; the page path → id
    of each page indexed, and the words the pages hold (read from their fragments: what
    Pagefind indexed)."""
    ids: dict[str, str] = {}
    tokens: set[str] = set()
    source = _source(folder)
    for path in sorted(bundle.rglob("*")):
        relative = path.relative_to(bundle).as_posix()
        if not path.is_file() or not any(_matches(relative, name) for name in wanted):
            continue
        data = path.read_bytes()
        writer.write(f"{folder}/{relative}", data, source)
        if relative.startswith("fragment/"):
            fragment = json.loads(gzip.decompress(data).removeprefix(b"pagefind_dcd"))
            ids[fragment["url"].lstrip("/")] = path.stem
            tokens |= tokens_of(fragment.get("content", ""))
    return ids, words_from(tokens)


def _source(path: str) -> str:
    """What a bundle file is made from, as its manifest records it: "delta" or "base" (a
    delta keeps every file of the base's, see `_keep_base`)."""
    return "delta" if path.startswith(f"{BUNDLE_FOLDER}/{DELTA_PREFIX}") else "base"


def _matches(relative: str, name: str) -> bool:
    if name.endswith("/"):
        return relative.startswith(name)
    if name.startswith("."):
        return relative.endswith(name) and "/" not in relative
    return relative == name


def _json(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _state_path(out_dir: Path) -> Path:
    return out_dir / MANIFEST_FOLDER / STATE_NAME


def _load_state(out_dir: Path) -> dict[str, object] | None:
    try:
        state = json.loads(_state_path(out_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and state.get("version") == STATE_VERSION else None


def _save_state(out_dir: Path, state: Mapping[str, object]) -> None:
    path = _state_path(out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_atomically(path, _json(state))


def forget_index(out_dir: Path) -> None:
    """Drop the base's record (the bundle went): the next indexing is a full one."""
    _state_path(out_dir).unlink(missing_ok=True)


def _cause(output: str) -> str:
    """The line of Pagefind's output that says what went wrong (its notes are not causes)."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if not line.startswith("Note:")]
    return (errors or lines or [""])[-1][:300]
