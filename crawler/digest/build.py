"""The build: collect the items once, then write each part of the site, then index it.

Parts are independent — one tree per interface language (listings, home and fixed pages),
sixteen shards of the stories (each story's page, in its own tree, and its JSON), and the root
files (language chooser, feeds, sitemap, static) — so they run in forked worker processes on
a large site; each part has its own writer and manifest, and renders the pages site.py
declares for it through the one loop, `page.render_pages`. Pagefind runs last, and only when
an indexed page changed.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import logging
import multiprocessing
import os
import resource
import signal
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .context import THUMBS_FOLDER, Collection, TextStore, Visibility, collect
from .i18n import UI_LANGUAGES
from .machine import ROOT_INDEX, Root
from .page import Page, render_pages
from .pages import CardSkeletons, PageRenderer, Settings, Tree, item_shard
from .render import Theme, load_theme
from .search import BUNDLE_FOLDER, IndexedPage, SearchRun, forget_index, index_site
from .site import item_pages, root_pages, tree_pages
from .writer import (
    MANIFEST_FOLDER,
    Manifest,
    SiteWriter,
    drop_manifests,
    forget_state,
    load_state,
    save_state,
)

logger = logging.getLogger(__name__)

NO_BASE_URL = (
    "feeds and the sitemap have relative links, which feed readers and search engines do not"
    " follow: set base_url in the [site] table of the config to the site's public address"
    ' (e.g. base_url = "https://example.org/gced-news/")'
)

ROOT_PART = "root"
SEARCH_PART = "search"
# Item pages and JSON, in parts of stable membership (see pages.item_shard), small enough that
# the workers finish together: one worker builds the trees, the others start on the shards,
# and whoever is free takes the next shard.
ITEM_SHARDS = 16
# Below this many stories, forking workers costs more than it saves.
PARALLEL_FROM = 2_000
# The count is in the name: with another count, no part reads a manifest of other members.
ITEM_PARTS = tuple(f"items-{shard}-of-{ITEM_SHARDS}" for shard in range(ITEM_SHARDS))


@dataclass(frozen=True)
class BuildReport:
    """What a build did. `search_seconds` is None when Pagefind did not run (`search` says
    why: "indexed", "unchanged" — no indexed page changed —, "empty" — no story shown, nothing
    to index — or "off")."""

    written: int
    unchanged: int
    index_path: Path
    removed: int = 0
    items: int = 0
    seconds: float = 0.0
    search: str = "off"
    search_seconds: float | None = None
    search_kind: str = ""  # "full" (every bundle) or "delta" (changed pages), when indexed
    search_pages: int = 0  # pages Pagefind indexed
    search_peak_kb: int = 0  # the largest peak RSS of a Pagefind run
    workers_peak_kb: int = 0  # the largest peak RSS of a forked worker (0: none forked)
    collect_seconds: float = 0.0  # reading and indexing the items, before the parts
    parts_seconds: float = 0.0  # writing the parts (wall time, all workers)


@dataclass(frozen=True)
class PartResult:
    part: str
    written: int
    unchanged: int
    removed: int
    index_changed: bool
    seconds: float
    pid: int
    max_rss_kb: int


@dataclass(frozen=True)
class _Job:
    out_dir: Path
    collection: Collection
    theme: Theme
    settings: Settings
    cards: CardSkeletons  # each worker fills its own copy, for the trees it builds
    thumbnails: Path | None = None  # the crawl's thumbnail store (None: no thumbnails shown)


_JOB: _Job | None = None  # set before workers fork, so they inherit it instead of a pickle


def build_site(
    items: Iterable[Mapping[str, Any]],
    out_dir: Path,
    *,
    now: datetime,
    site_title: str = "GCED News Digest",
    templates_dir: Path | None = None,
    show_candidates: bool = True,
    candidate_threshold: float = 0.2,
    search: bool = True,
    base_url: str | None = None,
    workers: int | None = None,
    items_version: str | None = None,
    thumbnails: Path | None = None,
) -> BuildReport:
    """Build the site into `out_dir`, writing only files whose bytes changed.

    `now` must be timezone-aware; pages do not show it, so rebuilding the same items writes
    nothing. Pages no longer produced (e.g. of an item since rejected) are removed.
    `show_candidates`/`candidate_threshold`: whether unreviewed candidates with at least that
    relevance are shown (marked "Unreviewed"). `search`: run Pagefind when an item page
    changed. `base_url`: the site's public address, for absolute links in feeds and the
    sitemap. `workers`: processes for the parts (default: 2 from 2,000 stories).
    `items_version`: a token from the store that changes whenever any item or editor decision
    may have changed; when it equals the last complete build's (and templates, settings and
    code are the same), the build returns at once without reading `items`.
    `thumbnails`: the crawl's thumbnail store; the thumbnails of the stories shown are copied
    into `thumbs/` and shown on their cards and pages (an item whose thumbnail is not in
    the store shows none). None: no thumbnails.
    """
    if now.tzinfo is None:
        raise ValueError("now must be a timezone-aware datetime")
    started = time.perf_counter()
    if not base_url:
        logger.warning(NO_BASE_URL)
    theme = load_theme(templates_dir)
    settings = Settings(
        site_title=site_title,
        visibility=Visibility(show_candidates, candidate_threshold),
        base_url=base_url,
    )
    state_key = _state_key(theme, settings, search)
    previous = load_state(out_dir)
    if (
        items_version is not None
        and previous.get("key") == state_key
        and (previous.get("items_version") == items_version)
    ):
        return _unchanged_report(out_dir, previous, search, started)
    forget_state(out_dir)
    texts = TextStore(spool=True)
    try:
        collection = collect(_with_thumbnails(items, thumbnails), settings.visibility, texts)
        collected = time.perf_counter()
        job = _Job(out_dir, collection, theme, settings, CardSkeletons(theme), thumbnails)
        if workers is None:
            workers = 2 if len(collection.views) >= PARALLEL_FROM else 1
        parts = [*UI_LANGUAGES, *ITEM_PARTS, ROOT_PART]
        results = _run_parts(job, parts, workers)
        parts_done = time.perf_counter()
        drop_manifests(out_dir, keep={*parts, SEARCH_PART})
    finally:
        texts.close()
    outcome, run, search_totals = _search(job, results, search)
    written = sum(r.written for r in results) + search_totals[0]
    unchanged = sum(r.unchanged for r in results) + search_totals[1]
    removed = sum(r.removed for r in results) + search_totals[2]
    report = BuildReport(
        written=written,
        unchanged=unchanged,
        index_path=out_dir / ROOT_INDEX,
        removed=removed,
        items=len(collection.views),
        seconds=time.perf_counter() - started,
        search=outcome,
        search_seconds=run.seconds if run else None,
        search_kind=run.kind if run else "",
        search_pages=run.pages if run else 0,
        search_peak_kb=run.peak_kb if run else 0,
        workers_peak_kb=max((r.max_rss_kb for r in results if r.pid != os.getpid()), default=0),
        collect_seconds=collected - started,
        parts_seconds=parts_done - collected,
    )
    save_state(out_dir, {
        "key": state_key, "items_version": items_version, "items": report.items,
        "files": report.written + report.unchanged,
    })  # fmt: skip
    logger.info(
        "built %s: %d items, %d files written, %d unchanged, %d removed in %.1fs; search %s",
        out_dir, report.items, written, unchanged, removed, report.seconds, outcome,
    )  # fmt: skip
    return report


def _with_thumbnails(
    items: Iterable[Mapping[str, Any]], folder: Path | None
) -> Iterator[Mapping[str, Any]]:
    """The items, each whose thumbnail is not in the store at `folder` (or without a store)
    as without one: a page never shows a picture the site does not have."""
    for item in items:
        stored = item.get("thumbnail")
        if stored and (folder is None or not os.path.isfile(os.path.join(folder, str(stored)))):
            if folder is not None:
                logger.warning(
                    "thumbnail %s of item %s is not in %s", stored, item.get("id"), folder
                )
            item = {**item, "thumbnail": None}
        yield item


def _run_parts(job: _Job, parts: list[str], workers: int) -> list[PartResult]:
    """Run every part, in `workers` forked processes when more than one. The first worker
    takes the trees (so the cards are rendered once, not once per worker), the second the
    root; then each takes item shards from a shared counter until none is left."""
    global _JOB, _LANES
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        _JOB = job
        try:
            return [_run_part(part) for part in parts]
        finally:
            _JOB = None
    trees = [part for part in parts if part in UI_LANGUAGES]
    shards = [part for part in parts if part in ITEM_PARTS]
    others = [part for part in parts if part not in trees and part not in shards]
    context = multiprocessing.get_context("fork")
    lanes = [trees, others, *([] for _ in range(workers - 2))]
    _JOB, _LANES = job, _Lanes(tuple(shards), context.Value("i", 0))
    gc.collect()
    gc.freeze()  # keep the inherited objects' pages shared with the workers
    try:
        with context.Pool(workers, initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
            done = pool.map(_run_lane, lanes, chunksize=1)
        return [result for lane in done for result in lane]
    finally:
        gc.unfreeze()
        _JOB = _LANES = None


def _die_with_parent(parent: int) -> None:
    """A worker is killed with its parent (Linux): a build killed with SIGKILL leaves no
    orphan writing files into the site or holding what its parent held."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError) as exc:
            logger.debug("build worker cannot ask to die with its parent: %s", exc)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class _Lanes:
    shared: tuple[str, ...]  # parts any worker takes, in order, once its own are done
    taken: Any  # a multiprocessing Value: how many of `shared` have been taken


_LANES: _Lanes | None = None


def _run_lane(own: list[str]) -> list[PartResult]:
    lanes = _LANES
    assert lanes is not None, "the lanes are set before workers fork"
    results = [_run_part(part) for part in own]
    while True:
        with lanes.taken.get_lock():
            index = lanes.taken.value
            lanes.taken.value = index + 1
        if index >= len(lanes.shared):
            return results
        results.append(_run_part(lanes.shared[index]))


def _run_part(part: str) -> PartResult:
    job = _JOB
    assert job is not None, "the build job is set before parts run"
    started = time.perf_counter()
    writer = SiteWriter(job.out_dir, part=part, build=_build_fingerprint(job, part))
    render_pages(_part_pages(job, part), writer)
    _prune(writer, part)
    writer.finish()
    return PartResult(
        part=part,
        written=writer.written,
        unchanged=writer.unchanged,
        removed=writer.removed,
        index_changed=part in ITEM_PARTS and writer.pages_touched,
        seconds=time.perf_counter() - started,
        pid=os.getpid(),
        max_rss_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    )


def _part_pages(job: _Job, part: str) -> Iterator[Page]:
    """The pages of one part, as site.py declares them."""
    if part == ROOT_PART:
        return root_pages(Root(job.collection, job.theme, job.settings, job.thumbnails))
    if part in ITEM_PARTS:
        trees = {
            code: Tree(job.collection, PageRenderer(job.theme, job.settings, code))
            for code in UI_LANGUAGES
        }
        root = Root(job.collection, job.theme, job.settings)
        return item_pages(root, trees, ITEM_PARTS.index(part), ITEM_SHARDS)
    renderer = PageRenderer(job.theme, job.settings, part)
    return tree_pages(Tree(job.collection, renderer, job.cards))


def _prune(writer: SiteWriter, part: str) -> None:
    writer.prune_stale()
    if writer.previous is not None:
        return
    # No manifest (first build here, or one from an older layout): sweep our own folders.
    if part == ROOT_PART:
        writer.prune("items", (".html",))  # item pages of the single-language layout
        writer.prune("feeds", (".xml",), recursive=True)
        writer.prune(THUMBS_FOLDER, (".jpg",))
    elif part in ITEM_PARTS:
        shard = ITEM_PARTS.index(part)

        def in_shard(path: str) -> bool:  # the id is the name before its first dot
            return item_shard(path.rsplit("/", 1)[-1].split(".", 1)[0], ITEM_SHARDS) == shard

        writer.prune("items", (".json", ".ris", ".bib"), only=in_shard)  # and .csl.json
        for code in UI_LANGUAGES:
            writer.prune(f"{code}/items", (".html",), only=in_shard)
    else:
        items = f"{part}/items/"  # the item shards' pages
        writer.prune(part, (".html",), recursive=True, only=lambda p: not p.startswith(items))


def _search(
    job: _Job, results: list[PartResult], wanted: bool
) -> tuple[str, SearchRun | None, tuple[int, int, int]]:
    """Index the search when a story page changed: (outcome, the run, written/unchanged/removed)."""
    if not wanted:
        return "off", None, (0, 0, 0)
    writer = SiteWriter(job.out_dir, part=SEARCH_PART, build="pagefind")
    if not job.collection.views:
        # Nothing shown yet (a new install): Pagefind refuses an empty site, and there is
        # nothing to search; the search page says so. An older bundle goes.
        writer.prune_stale()
        writer.prune(BUNDLE_FOLDER, ("",), recursive=True)
        writer.finish()
        forget_index(job.out_dir)
        return "empty", None, (0, 0, writer.removed)
    bundle_present = (job.out_dir / BUNDLE_FOLDER / "pagefind.js").is_file()
    if writer.previous is not None and bundle_present and not any(r.index_changed for r in results):
        return "unchanged", None, (0, 0, 0)
    months = sorted({view.month for view in job.collection.views if view.month})
    run = index_site(job.out_dir, search_pages(job.out_dir, job.collection), writer,
                     months=months)  # fmt: skip
    writer.finish()
    return "indexed", run, (writer.written, writer.unchanged, writer.removed)


def search_pages(out_dir: Path, collection: Collection) -> list[IndexedPage]:
    """The story pages to index: one per (story, language), the version that language's
    listing shows (`Collection.shown`) — copies of a release from a global site and a
    country office share a story and a language, and one is enough —, each with its bytes'
    digest from its part's manifest (what tells a changed page)."""
    views = collection.views
    chosen = [
        views[collection.shown(number, "", "language", key)]
        for number, story in enumerate(collection.stories)
        for key in dict.fromkeys(views[i].lang.key for i in story.members)
    ]
    digests: dict[str, str] = {}
    for part in ITEM_PARTS:
        manifest = Manifest.load(out_dir / MANIFEST_FOLDER / f"{part}.json")
        if manifest is not None:
            digests.update((path, entry[1]) for path, entry in manifest.pages.items())
    return [
        IndexedPage(view.page, view.lang.code, digests.get(view.page, ""))
        for view in sorted(chosen, key=lambda view: view.page)
    ]


def _state_key(theme: Theme, settings: Settings, search: bool) -> str:
    text = f"{theme.fingerprint}\0{settings!r}\0{search}"
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def _unchanged_report(
    out_dir: Path, state: Mapping[str, Any], search: bool, started: float
) -> BuildReport:
    files, items = state.get("files"), state.get("items")
    logger.info("built %s: items unchanged since the last build, nothing to do", out_dir)
    return BuildReport(
        written=0,
        unchanged=files if isinstance(files, int) else 0,
        index_path=out_dir / ROOT_INDEX,
        items=items if isinstance(items, int) else 0,
        seconds=time.perf_counter() - started,
        search="unchanged" if search else "off",
    )


def _build_fingerprint(job: _Job, part: str) -> str:
    text = f"{job.theme.fingerprint}\0{job.settings!r}\0{part}"
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
