"""The editor's decisions, whichever way they come (the web desk, ``gced-news curate``, an
import): what a decision may say, what it applies to, and the log it leaves.

A *story* is every version of one piece of news (translations and duplicates, from every
agency: the items sharing a ``story_id``). A status applies to the whole story, topics and
countries to every version, an edited title or summary to the versions in the item's
language (its duplicates), a note to the item alone. Each item changed leaves one row in
the decision log, whose detail holds each field as ``[old, new]``; :func:`journal` reads
the log as lines ("2026-12-04 10:26 anna: status candidate -> rejected (reason: off-topic)").

All SQL is in :mod:`crawler.store`; every write is one ``store.writing()`` transaction.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from crawler import store
from crawler.health import Health, assess
from pipelines.topics import Taxonomy, load_taxonomy

STATUSES = store.STATUSES

# The quality flags, and what each says.
FLAGS: dict[str, str] = {
    "short-body": "the text is empty or under 400 characters: a teaser, or the extraction missed",
    "no-date": "no publication date was found",
    "weak-date": "the date comes only from the URL, the sitemap or a guess, not the page",
    "language-mismatch": "the title and the body are in different languages",
    "low-language-confidence": "the body's language is unknown or was detected with doubt",
    "borderline-relevance": "relevance is within 0.05 of the candidate threshold",
    "possible-duplicate": "joined its story on a near-identical text or an inferred translation",
    "generic-extraction": "no site rule matched the page: extracted by the generic rules alone",
}
SHORT_BODY = 400  # characters
WEAK_DATE_SOURCES = frozenset({"url", "sitemap", "trafilatura"})
LOW_LANGUAGE_CONFIDENCE = 0.6
BORDERLINE = 0.05
# How an item joined its story when the evidence is a likeness, not a link or the same text.
_LIKELY_JOINS = ("near-identical", "translation:")
# Joins that make a version a copy of another, not an original.
_COPY_JOINS = ("same text", "near-identical")
# A value longer than this is cut in a journal line (the log keeps it whole).
LINE_VALUE_CHARS = 100


class CurationError(ValueError):
    """A decision that cannot be taken, in one line for the editor."""


@dataclass(frozen=True)
class Changes:
    """What a decision changes; None leaves a field alone. ``""`` for title, summary or
    note (and ``()`` for topics or countries) clears the editor's value: the crawled one
    shows again (the note goes)."""

    status: str | None = None  # candidate | approved | rejected | featured
    reason: str | None = None  # why (for a rejection, say): logged with the decision
    title: str | None = None
    summary: str | None = None
    topics: tuple[str, ...] | None = None
    countries: tuple[str, ...] | None = None
    note: str | None = None  # replaces the item's notes

    @property
    def empty(self) -> bool:
        return all(
            getattr(self, name) is None
            for name in ("status", "title", "summary", "topics", "countries", "note")
        )


@dataclass(frozen=True)
class Story:
    story_id: str
    versions: list[dict[str, Any]]  # earliest first, each with ``lead`` (bool)
    lead_id: str


@dataclass(frozen=True)
class QueuePage:
    items: list[dict[str, Any]]  # each with ``flags`` (list) and ``story_size``
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class Entry:
    """One line of the decision log."""

    at: str  # ISO 8601, UTC
    editor: str
    item_id: str
    action: str  # decide | lead | merge | split | move | edit (the desk before issue 13)
    text: str  # what was done: "status candidate -> rejected (reason: off-topic)"
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def line(self) -> str:
        """ "2026-12-04 10:26 anna: status candidate -> rejected (reason: off-topic)"."""
        return f"{self.at[:10]} {self.at[11:16]} {self.editor}: {self.text}"


@dataclass(frozen=True)
class SourceHealth:
    """One source for the desk's panel: its health, items stored, pages failing now, and
    per recent crawl (newest first) what it stored."""

    source: str
    state: str  # as crawler.health: ok | failing | empty | stale | never crawled
    detail: str
    items: int
    failing_pages: int
    zero_yield_runs: int  # of the recent crawls covering it, how many stored nothing
    recent: list[dict[str, Any]]  # {"finished", "new", "stored", "failed", "requests"}


# ---- Checking a decision ------------------------------------------------------------------


def taxonomy_choices(taxonomy: Taxonomy | None = None) -> dict[str, list[tuple[str, str]]]:
    """(slug, label) of the topics and of the countries and regions an editor may choose."""
    choices = _choices(taxonomy or load_taxonomy())
    return {kind: list(pairs) for kind, pairs in choices.items()}


@lru_cache(maxsize=4)
def _choices(taxonomy: Taxonomy) -> dict[str, tuple[tuple[str, str], ...]]:
    return {
        "topics": tuple(sorted((c.key, c.label) for c in taxonomy if c.kind == "topic")),
        "countries": tuple(sorted((c.key, c.label) for c in taxonomy if c.kind == "country")),
    }


@lru_cache(maxsize=8)
def _known(choices: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Each slug and label, as the editor may write it, to its slug."""
    known: dict[str, str] = {}
    for slug, label in choices:
        known[_key(label)] = slug
        known[_key(slug)] = slug
    return known


def check_changes(changes: Changes, taxonomy: Taxonomy | None = None) -> Changes:
    """``changes`` normalised (text stripped, topics and countries as the taxonomy's slugs,
    each once), or CurationError naming the first value refused, with suggestions."""
    status = changes.status.strip().lower() if changes.status is not None else None
    if status is not None and status not in STATUSES:
        raise CurationError(f"unknown status {status!r} (one of {', '.join(STATUSES)})")
    choices = _choices(taxonomy or load_taxonomy())
    return replace(
        changes,
        status=status,
        reason=_one_line(changes.reason) or None,
        title=_one_line(changes.title),
        summary=_one_line(changes.summary),
        note=changes.note.strip() if changes.note is not None else None,
        topics=_slugs(changes.topics, choices["topics"], "topic"),
        countries=_slugs(changes.countries, choices["countries"], "country"),
    )


def _one_line(value: str | None) -> str | None:
    """Runs of white space (line breaks too) as one space, none at the ends."""
    return " ".join(value.split()) if value is not None else None


def _slugs(
    values: Sequence[str] | None, choices: tuple[tuple[str, str], ...], kind: str
) -> tuple[str, ...] | None:
    if values is None:
        return None
    known = _known(choices)
    slugs: list[str] = []
    for raw in values:
        if not raw.strip():
            continue
        found = known.get(_key(raw))
        if found is None:
            raise CurationError(_unknown(raw.strip(), kind, known))
        if found not in slugs:
            slugs.append(found)
    return tuple(slugs)


def _key(value: str) -> str:
    return re.sub(r"[\s_-]+", "-", value.strip().lower())


def _unknown(value: str, kind: str, known: Mapping[str, str]) -> str:
    wanted = _key(value)
    scored = sorted(
        ((difflib.SequenceMatcher(None, wanted, name).ratio(), name) for name in known),
        reverse=True,
    )
    best = scored[0][0] if scored else 0.0
    # The close matches, but only those nearly as close as the closest.
    close = [name for ratio, name in scored[:3] if ratio >= max(0.6, best - 0.05)]
    suggested = list(dict.fromkeys(known[match] for match in close))
    if suggested:
        names = " or ".join(repr(slug) for slug in suggested)
        return f"unknown {kind} {value!r} (did you mean {names}?)"
    plural = "countries or regions" if kind == "country" else "topics"
    return f"unknown {kind} {value!r} (not among the taxonomy's {plural})"


# ---- Deciding -------------------------------------------------------------------------------


def decide(
    db: Any,
    item_ids: Sequence[str],
    changes: Changes,
    *,
    editor: str,
    now: datetime,
    whole_story: bool = True,
    taxonomy: Taxonomy | None = None,
) -> list[str]:
    """Apply ``changes`` to the items ``item_ids`` and to the versions of their stories
    they reach (see the module's docstring; ``whole_story=False``: to the items alone), in
    one transaction; the ids of the items changed. Each item changed leaves one decision
    row. Changes are checked first (:func:`check_changes`); an unknown id is a
    CurationError, and nothing is applied."""
    changes = check_changes(changes, taxonomy)
    if not editor.strip():
        raise CurationError("a decision needs the editor's name")
    ids = list(dict.fromkeys(item_ids))
    changed: list[str] = []
    with store.writing(db):
        items = store.items_by_id(db, ids)
        missing = [key for key in ids if key not in items]
        if missing:
            raise CurationError(f"no item {missing[0]!r}")
        stories = {items[key]["story_id"] for key in ids} if whole_story else set()
        versions = {v["id"]: v for v in store.story_versions(db, stories)} | items
        planned: dict[str, dict[str, Any]] = {}
        for key in ids:
            for target, fields in _reach(items[key], versions, changes, whole_story):
                planned.setdefault(target, {}).update(fields)
        for target, fields in planned.items():
            detail = _differences(versions[target], fields)
            if not detail:
                continue
            store.update_editor_fields(db, target, fields)
            if changes.reason:
                detail["reason"] = changes.reason
            if target not in ids:
                detail["with"] = next(k for k in ids if _reaches(items[k], versions[target]))
            store.record_decision(db, target, "decide", editor, detail, now)
            changed.append(target)
    return changed


def _reach(
    item: Mapping[str, Any],
    versions: Mapping[str, dict[str, Any]],
    changes: Changes,
    whole_story: bool,
) -> Iterable[tuple[str, dict[str, Any]]]:
    """(item id, editor fields) for each item the changes on ``item`` reach."""
    story = [v for v in versions.values() if v["story_id"] == item["story_id"]]
    same = [v for v in story if v["language"] == item["language"]]
    story_wide: dict[str, Any] = {}
    if changes.status is not None:
        story_wide["status"] = changes.status
    if changes.topics is not None:
        story_wide["edited_topics"] = list(changes.topics) or None
    if changes.countries is not None:
        story_wide["edited_countries"] = list(changes.countries) or None
    language_wide: dict[str, Any] = {}
    if changes.title is not None:
        language_wide["edited_title"] = changes.title or None
    if changes.summary is not None:
        language_wide["edited_summary"] = changes.summary or None
    for group, fields in ((story, story_wide), (same, language_wide)):
        for version in group if whole_story else [item]:
            if fields:
                yield version["id"], dict(fields)
    if changes.note is not None:
        yield item["id"], {"notes": changes.note or None}


def _reaches(item: Mapping[str, Any], version: Mapping[str, Any]) -> bool:
    return bool(item["story_id"] == version["story_id"])


# Editor field → (name in the log, the crawled field it stands in for).
_LOGGED = {
    "status": ("status", None),
    "edited_title": ("title", "title"),
    "edited_summary": ("summary", "summary"),
    "edited_topics": ("topics", "topics"),
    "edited_countries": ("countries", "countries"),
    "notes": ("note", None),
}


def _differences(item: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    """The detail of a decision: each field it changes as [old, new], as the reader saw it
    (an edit in place of the crawled value); ``restored``: fields back to the crawled value."""
    detail: dict[str, Any] = {}
    restored = []
    for name, new in fields.items():
        if item.get(name) == new:
            continue
        logged, crawled = _LOGGED[name]
        old_shown = item.get(name) if item.get(name) is not None or not crawled else item[crawled]
        new_shown = new if new is not None or not crawled else item[crawled]
        detail[logged] = [old_shown, new_shown]
        if new is None and crawled:
            restored.append(logged)
    if restored:
        detail["restored"] = restored
    return detail


# ---- Stories --------------------------------------------------------------------------------


def story(db: Any, story_id: str) -> Story:
    """Every version of the story ``story_id``, earliest first, and its lead version."""
    versions = store.story_versions(db, [story_id])
    if not versions:
        raise CurationError(f"no story {story_id!r}")
    lead = _lead(versions)
    for version in versions:
        version["lead"] = version["id"] == lead
    return Story(story_id, versions, lead)


def _lead(versions: Sequence[Mapping[str, Any]]) -> str:
    """The editor's lead, else the earliest published original (not a copy of another)."""
    for version in versions:
        if version.get("story_lead"):
            return str(version["id"])
    originals = [v for v in versions if not (v.get("story_reason") or "").startswith(_COPY_JOINS)]
    earliest = min(
        originals or versions,
        key=lambda v: (v.get("published") is None, v.get("published") or v["first_seen"], v["id"]),
    )
    return str(earliest["id"])


def set_lead(db: Any, item_id: str, *, editor: str, now: datetime) -> None:
    """``item_id`` becomes the version its story leads with; logged on that item."""
    with store.writing(db):
        item = _one(db, item_id)
        current = story(db, item["story_id"])
        if current.lead_id == item_id and item.get("story_lead"):
            return
        store.set_story_lead(db, item["story_id"], item_id)
        detail = {"lead": [current.lead_id, item_id], "story": item["story_id"]}
        store.record_decision(db, item_id, "lead", editor, detail, now)


def merge_stories(
    db: Any, into_story_id: str, from_story_id: str, *, editor: str, now: datetime
) -> list[str]:
    """Every version of ``from_story_id`` joins ``into_story_id`` (whose lead stays); one
    decision row per version moved; their ids."""
    if into_story_id == from_story_id:
        raise CurationError(f"story {into_story_id!r} cannot be merged into itself")
    with store.writing(db):
        story(db, into_story_id)
        moved = [v["id"] for v in story(db, from_story_id).versions]
        store.move_to_story(db, moved, into_story_id, f"merged by {editor}")
        for key in moved:
            detail = {"story": [from_story_id, into_story_id]}
            store.record_decision(db, key, "merge", editor, detail, now)
    return moved


def split_version(db: Any, item_id: str, *, editor: str, now: datetime) -> str:
    """``item_id`` leaves its story for a story of its own; the new story's id (the item's
    id, or with a number when taken). Logged on the item."""
    with store.writing(db):
        item = _one(db, item_id)
        old = item["story_id"]
        if len(store.story_versions(db, [old])) < 2:
            raise CurationError(f"item {item_id!r} is the only version of its story")
        taken = store.story_ids_in_use(db, [item_id, *(f"{item_id}-{n}" for n in range(2, 50))])
        new = next(
            name
            for name in (item_id, *(f"{item_id}-{n}" for n in range(2, 50)))
            if name not in taken
        )
        store.move_to_story(db, [item_id], new, f"split by {editor}")
        store.record_decision(db, item_id, "split", editor, {"story": [old, new]}, now)
    return new


def clear_lead(db: Any, item_id: str, *, editor: str, now: datetime) -> None:
    """``item_id`` is no longer its story's chosen lead (the earliest original leads
    again); logged on that item when it was."""
    with store.writing(db):
        item = _one(db, item_id)
        if not item.get("story_lead"):
            return
        store.update_editor_fields(db, item_id, {"story_lead": None})
        detail = {"lead": [item_id, None], "story": item["story_id"]}
        store.record_decision(db, item_id, "lead", editor, detail, now)


def move_version(db: Any, item_id: str, story_id: str, *, editor: str, now: datetime) -> None:
    """``item_id`` joins the story ``story_id`` (a story of other versions, or a new one:
    an import restores a story as exported); logged on the item."""
    with store.writing(db):
        item = _one(db, item_id)
        old = item["story_id"]
        if old == story_id:
            return
        store.move_to_story(db, [item_id], story_id, f"moved by {editor}")
        store.record_decision(db, item_id, "move", editor, {"story": [old, story_id]}, now)


def _one(db: Any, item_id: str) -> dict[str, Any]:
    found = store.items_by_id(db, [item_id]).get(item_id)
    if found is None:
        raise CurationError(f"no item {item_id!r}")
    return found


# ---- Quality flags --------------------------------------------------------------------------


def quality_flags(item: Mapping[str, Any], *, threshold: float) -> list[str]:
    """The quality flags of a stored item (names of FLAGS), given the candidate threshold."""
    joined = _flags(
        len(item.get("text") or ""),
        item.get("published"),
        item.get("published_source"),
        item.get("language"),
        item.get("title_language"),
        item.get("language_confidence"),
        item.get("relevance"),
        item.get("story_reason"),
        item.get("extraction"),
        threshold,
    )
    return joined.split(",") if joined else []


def _flags(
    text_length: int,
    published: str | None,
    published_source: str | None,
    language: str | None,
    title_language: str | None,
    language_confidence: float | None,
    relevance: float | None,
    story_reason: str | None,
    extraction: str | None,
    threshold: float,
) -> str:
    """The flags, comma-separated: the one rule, for Python and (as ``item_flags``) SQL."""
    found = []
    if text_length < SHORT_BODY:
        found.append("short-body")
    if not published:
        found.append("no-date")
    elif (published_source or "").split(":")[0] in WEAK_DATE_SOURCES:
        found.append("weak-date")
    known = {tag for tag in (language, title_language) if tag and tag != "und"}
    if len(known) == 2:
        found.append("language-mismatch")
    if not language or language == "und" or (language_confidence or 0) < LOW_LANGUAGE_CONFIDENCE:
        found.append("low-language-confidence")
    if relevance is not None and abs(relevance - threshold) <= BORDERLINE + 1e-9:
        found.append("borderline-relevance")
    if (story_reason or "").startswith(_LIKELY_JOINS):
        found.append("possible-duplicate")
    if extraction == "generic":
        found.append("generic-extraction")
    return ",".join(found)


# ---- The queue ------------------------------------------------------------------------------


def queue(
    db: Any,
    *,
    statuses: Iterable[str] | None = ("candidate",),
    source: str | None = None,
    language: str | None = None,
    topic: str | None = None,
    country: str | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
    flag: str | None = None,
    query: str | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 50,
    threshold: float = 0.2,
) -> QueuePage:
    """One page of the items to curate (``statuses`` None: all), filtered, sorted by
    relevance, newest or oldest; a page past the last is the last. ``query``: words all
    found in the title, summary, text, edited title or summary, or notes."""
    if flag is not None and flag not in FLAGS:
        raise CurationError(f"unknown flag {flag!r} (one of {', '.join(FLAGS)})")
    if sort not in store.QUEUE_ORDER:
        raise CurationError(f"unknown sort {sort!r} (one of {', '.join(store.QUEUE_ORDER)})")
    per_page = max(1, per_page)
    filters = {
        "statuses": None if statuses is None else list(statuses),
        "source": source,
        "language": language,
        "topic": topic,
        "country": country,
        "since": str(since) if since else None,
        "until": str(until) if until else None,
        "flag": flag,
        "query": _fts_query(query) if query and query.strip() else None,
    }

    def fetch(number: int) -> tuple[list[dict[str, Any]], int]:
        return store.curation_queue(
            db,
            flags=_flags,
            threshold=threshold,
            sort=sort,
            limit=per_page,
            offset=(number - 1) * per_page,
            **filters,
        )

    page = max(1, page)
    items, total = fetch(page)
    pages = max(1, math.ceil(total / per_page))
    if page > pages:
        page = pages
        items, total = fetch(page)
    for item in items:
        item["flags"] = item["flags"].split(",") if item["flags"] else []
    return QueuePage(items, total, page, pages)


def _fts_query(text: str) -> str:
    """Each word of ``text`` quoted: found in any order, never read as FTS syntax."""
    words = [word.replace('"', "") for word in text.split()]
    return " ".join(f'"{word}"' for word in words if word)


def facets(
    db: Any, statuses: Iterable[str] | None = ("candidate",), *, threshold: float = 0.2
) -> dict[str, list[tuple[str, int]]]:
    """For the queue's filters: each source, language, topic, country and flag among the
    items with ``statuses``, with how many, most first."""
    return store.curation_facets(
        db, None if statuses is None else list(statuses), flags=_flags, threshold=threshold
    )


# ---- The journal ----------------------------------------------------------------------------


def journal(
    db: Any, *, item_id: str | None = None, limit: int | None = None, oldest_first: bool = False
) -> list[Entry]:
    """The decision log (of one item, or the whole desk), newest first, as lines."""
    rows = store.decision_rows(db, item_id=item_id, limit=limit, oldest_first=oldest_first)
    return [
        Entry(
            at=row["at"],
            editor=row["editor"],
            item_id=row["item_id"],
            action=row["action"],
            text=describe(row["action"], row["detail"]),
            detail=row["detail"],
        )
        for row in rows
    ]


def describe(action: str, detail: Mapping[str, Any]) -> str:
    """One decision in words: "status candidate -> rejected (reason: off-topic)"."""
    if action == "lead":
        old, new = detail["lead"]
        if new is None:
            return f"no longer the lead of story {detail['story']}"
        return f"made the lead of story {detail['story']} (was {old})"
    if action == "move":
        old, new = detail["story"]
        return f"moved from story {old} to story {new}"
    if action == "merge":
        old, new = detail["story"]
        return f"merged story {old} into {new}"
    if action == "split":
        old, new = detail["story"]
        return f"split off story {old} into a story of its own, {new}"
    if action == "decide":
        return _describe_changes(detail)
    return _describe_legacy(action, detail)


def _describe_changes(detail: Mapping[str, Any]) -> str:
    restored = set(detail.get("restored", ()))
    parts = []
    for name in ("status", "title", "summary", "topics", "countries", "note"):
        if name not in detail:
            continue
        old, new = detail[name]
        if name == "status":
            parts.append(f"status {old} -> {new}")
            continue
        tail = " (as crawled)" if name in restored else ""
        parts.append(f"{name} {_shown(old)} -> {_shown(new)}{tail}")
    text = "; ".join(parts)
    if detail.get("reason"):
        text += f" (reason: {detail['reason']})"
    if detail.get("with"):
        text += f" (with its story, decided on {detail['with']})"
    return text


def _describe_legacy(action: str, detail: Mapping[str, Any]) -> str:
    """A decision of the desk before issue 13: only the new values, set ones only."""
    names = {"edited_title": "title", "edited_summary": "summary", "edited_topics": "topics"}
    parts = [
        f"{names.get(name, name)} -> {_shown(value)}"
        for name, value in detail.items()
        if value is not None and value != []
    ]
    return "; ".join(parts) or f"{action}: cleared the edits"


def _shown(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "(none)"
    if isinstance(value, str) and value in STATUSES:
        return value
    text = " ".join(str(value).split())
    if len(text) > LINE_VALUE_CHARS:
        text = text[: LINE_VALUE_CHARS - 1] + "…"
    return f"'{text}'"


# ---- Sources --------------------------------------------------------------------------------


def source_health(db: Any, config_sources: Iterable[Any], now: datetime) -> list[SourceHealth]:
    """Each configured source (anything with a ``name``) as the desk's panel shows it."""
    fetches, last_new = store.last_fetches(db), store.last_new_by_source(db)
    items, failing = store.items_per_source(db), store.failing_pages_by_source(db)
    reports = store.crawl_reports(db)
    panel = []
    for source in config_sources:
        name = source.name
        found: Health = assess(name, fetches.get(name), last_new.get(name), now.astimezone(UTC))
        recent = [
            {
                "finished": report["finished"],
                **{k: report["fetches"][name].get(k, 0) for k in _RUN_COUNTS},
            }
            for report in reports
            if name in report.get("fetches", {})
        ]
        panel.append(
            SourceHealth(
                source=name,
                state=found.state,
                detail=found.detail,
                items=items.get(name, 0),
                failing_pages=failing.get(name, 0),
                zero_yield_runs=sum(1 for run in recent if not _yielded(run)),
                recent=recent,
            )
        )
    return panel


_RUN_COUNTS = ("requests", "new", "stored", "failed", "not_modified", "skipped_known")


def _yielded(run: Mapping[str, int]) -> bool:
    """A crawl found the source's articles: stored, unchanged (304) or known already."""
    return bool(run["stored"] or run["not_modified"] or run["skipped_known"])
