"""Dates: ``published`` and ``updated`` chosen apart, each from the best evidence, with its source.

Evidence, strongest first: a configured site rule, JSON-LD, article meta tags, a ``<time>``
element in the article, the visible dateline in the page's language, the feed entry, the
sitemap's lastmod (for ``updated``), the URL, trafilatura's guess. A date in the future or
before 1945 is rejected. Values are timezone-aware ISO 8601 (naive dates are taken as UTC).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dateutil import parser as dateutil_parser

EARLIEST = datetime(1945, 1, 1, tzinfo=UTC)
# A page dated up to a day ahead is a timezone artefact, not the future.
FUTURE_SLACK = timedelta(days=1)

# trafilatura's guess comes last but one: on pages without metadata it often knows only the
# month (and says the 1st), where the visible dateline gives the day.
_RANK = (
    "rule",
    "json-ld",
    "meta",
    "time[datetime]",
    "dateline",
    "feed",
    "sitemap",
    "url",
    "trafilatura",
)
_URL_DATE = re.compile(r"/((?:19|20)\d\d)/(0[1-9]|1[0-2])(?:/(0[1-9]|[12]\d|3[01]))?/")


@dataclass(frozen=True)
class Dated:
    value: str  # ISO 8601, timezone-aware
    source: str  # where it came from: "json-ld:datePublished", "feed", "url", ...


def parse_date(value: str) -> datetime | None:
    """A timezone-aware datetime from an ISO or common textual date, or None (also for a
    text without a whole date: "10:00", "March 2025")."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = dateutil_parser.parse(value, default=_DEFAULTS[0], tzinfos=_stated_offset)
            other = dateutil_parser.parse(value, default=_DEFAULTS[1], tzinfos=_stated_offset)
        except (ValueError, OverflowError):
            return None
        if parsed.date() != other.date():  # the year, month or day came from the default
            return None
    try:
        offset = parsed.utcoffset()
    except ValueError:  # dateutil takes "+2400"; a datetime's offset must be under a day
        return None
    return parsed if offset is not None else parsed.replace(tzinfo=UTC)


# dateutil fills what a text leaves out from a default (today, unless told): a text read
# the same with two defaults that differ in year, month and day states a whole date.
_DEFAULTS = (datetime(2001, 1, 1), datetime(2002, 2, 2))  # noqa: DTZ001 - dateutil's defaults


def _stated_offset(name: str | None, offset: int | None) -> int | None:
    """The zone dateutil gives a date: the offset the text states ("+0300", "GMT"), else none
    (the date is then taken as UTC). A zone name alone ("EST", "B") is not guessed at:
    dateutil would read it as this machine's zone if the names match, or warn."""
    return offset


def url_date(url: str) -> str | None:
    """``/2025/03/11/`` in a URL, as an ISO date; a URL giving only the month gives none
    (the 1st would be a made-up day)."""
    match = _URL_DATE.search(url)
    if not match or not match.group(3):
        return None
    return f"{match.group(1)}-{match.group(2)}-{match.group(3)}"


def _rank(source: str) -> int:
    family = source.split(":", 1)[0]
    return _RANK.index(family) if family in _RANK else len(_RANK)


def plausible(moment: datetime, now: datetime) -> bool:
    return EARLIEST <= moment <= now + FUTURE_SLACK


def choose_dates(
    candidates: Iterable[tuple[str, str, str]], now: datetime
) -> tuple[Dated | None, Dated | None]:
    """The best (published, updated) from (kind, value, source) candidates."""
    best: dict[str, tuple[int, datetime, str]] = {}
    for kind, value, source in candidates:
        moment = parse_date(value)
        if moment is None or not plausible(moment, now):
            continue
        rank = _rank(source)
        if kind not in best or rank < best[kind][0]:
            best[kind] = (rank, moment, source)
    if "updated" in best and "published" in best and best["updated"][1] <= best["published"][1]:
        del best["updated"]
    return _dated(best.get("published")), _dated(best.get("updated"))


def _dated(found: tuple[int, datetime, str] | None) -> Dated | None:
    if found is None:
        return None
    _, moment, source = found
    return Dated(moment.isoformat(), source)
