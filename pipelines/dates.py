"""Dates: ``published`` and ``updated`` chosen apart, each from the best evidence, with its source.

Evidence comes from a configured site rule, JSON-LD, article meta tags, a ``<time>`` element
in the article, the visible dateline in the page's language, the feed entry, the sitemap's
lastmod (for ``updated``), the URL and trafilatura's guess. A date in the future or before
1945 is rejected. Values are timezone-aware ISO 8601, with the offset the publisher stated
(naive dates are taken as UTC).

``published`` is the day the most evidence agrees on, each kind of evidence voting once with
its weight: one stale field (a JSON-LD ``datePublished`` left from a first draft, the first
``<time>`` of a related-stories list) does not outvote the meta tags and the dateline the
reader sees. A site rule always wins. Among the evidence for the chosen day, the strongest
gives the value (so its time and offset are kept).

A time stated in UTC ("Z", "+00:00", "GMT") is a moment, not the publisher's day: when the
publisher's own evidence (the visible dateline, the URL's day, a date with its local offset)
names the day before (for a time before noon) or after (from noon) and none names the UTC day,
that local day is the one. A UTC time of exactly 20:00–23:00 with no local evidence at all is
a local midnight east of Greenwich converted to UTC (a CMS storing a day as a moment): the
day is the next one, with the offset that makes it midnight.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from dateutil import parser as dateutil_parser

from pipelines.dateline import parse_date_text

EARLIEST = datetime(1945, 1, 1, tzinfo=UTC)
# A page dated up to a day ahead is a timezone artefact, not the future.
FUTURE_SLACK = timedelta(days=1)

# Strongest first: the order breaks ties between days, and picks the value among the
# evidence for the chosen day. trafilatura's guess comes last: on pages without metadata it
# often knows only the month (and says the 1st), where the visible dateline gives the day.
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
# The vote of each kind of evidence for a day. The URL and trafilatura's guess (htmldate's
# reading, often of the URL itself) together must not outvote the visible dateline.
_WEIGHT = {
    "rule": 100,
    "json-ld": 4,
    "meta": 4,
    "time[datetime]": 4,
    "dateline": 4,
    "feed": 3,
    "sitemap": 1,
    "url": 2,
    "trafilatura": 1,
}
# Evidence in the publisher's own terms, whose day is the publisher's day (a machine date
# counts too when it states a non-UTC offset or none).
_LOCAL_FAMILIES = frozenset({"dateline", "url", "time[datetime]", "meta", "json-ld", "feed"})
_MIDNIGHT_HOURS = range(20, 24)  # UTC hours that are a local midnight at UTC+1..+4
_URL_DATE = re.compile(r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])(?:/(0?[1-9]|[12]\d|3[01]))?(?=/|$|[?#])")
# Numeric dates day first when written with dots or dashes (12.03.2025, 12-03-2025 10:29):
# only slashes are read month first in a machine field (03/12/2025 12:43:42).
_DAY_FIRST = re.compile(r"^\D{0,12}\d{1,2}\s*[.-]\s*\d{1,2}\s*[.-]\s*\d{2,4}(?!\d)")
_HAS_TIME = re.compile(r"\d[:h]\d\d")


@dataclass(frozen=True)
class Dated:
    value: str  # ISO 8601, timezone-aware
    source: str  # where it came from: "json-ld:datePublished", "feed", "url", ...


def parse_date(value: str) -> datetime | None:
    """A timezone-aware datetime from an ISO or common textual date, or None (also for a
    text without a whole date: "10:00", "March 2025").

    Machine forms (ISO 8601, RFC 822, "2022/05/10 17:36:11") are read with their time and
    offset; a written date dateutil cannot read ("3 de mayo de 2022", "Di., 25.01.2022 - 14:45",
    "12 марта 2025 г.") is read by :mod:`pipelines.dateline`, the one grammar of written dates.
    """
    value = value.strip()
    if not value:
        return None
    parsed = _parse_iso(value) or _parse_machine(value) or _parse_written(value)
    if parsed is None:
        return None
    try:
        offset = parsed.utcoffset()
    except ValueError:  # dateutil takes "+2400"; a datetime's offset must be under a day
        return None
    return parsed if offset is not None else parsed.replace(tzinfo=UTC)


def _parse_iso(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _parse_machine(value: str) -> datetime | None:
    day_first = bool(_DAY_FIRST.match(value))
    try:
        parsed = dateutil_parser.parse(
            value, default=_DEFAULTS[0], dayfirst=day_first, tzinfos=_stated_offset
        )
        other = dateutil_parser.parse(
            value, default=_DEFAULTS[1], dayfirst=day_first, tzinfos=_stated_offset
        )
    except (ValueError, OverflowError):
        return None
    if parsed.date() != other.date():  # the year, month or day came from the default
        return None
    return parsed


def _parse_written(value: str) -> datetime | None:
    day = parse_date_text(value)
    return datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None


# dateutil fills what a text leaves out from a default (today, unless told): a text read
# the same with two defaults that differ in year, month and day states a whole date.
_DEFAULTS = (datetime(2001, 1, 1), datetime(2002, 2, 2))  # noqa: DTZ001 - dateutil's defaults


def _stated_offset(name: str | None, offset: int | None) -> int | None:
    """The zone dateutil gives a date: the offset the text states ("+0300", "GMT"), else none
    (the date is then taken as UTC). A zone name alone ("EST", "B") is not guessed at:
    dateutil would read it as this machine's zone if the names match, or warn."""
    return offset


def url_date(url: str) -> str | None:
    """``/2025/03/11/`` (or ``/2017/7/12/``) in a URL, as an ISO date; a URL giving only the
    month gives none (the 1st would be a made-up day)."""
    match = _URL_DATE.search(url)
    if not match or not match.group(3):
        return None
    return f"{match.group(1)}-{int(match.group(2)):02d}-{int(match.group(3)):02d}"


def _family(source: str) -> str:
    return source.split(":", 1)[0]


def _rank(source: str) -> int:
    family = _family(source)
    return _RANK.index(family) if family in _RANK else len(_RANK)


def plausible(moment: datetime, now: datetime) -> bool:
    return EARLIEST <= moment <= now + FUTURE_SLACK


@dataclass(frozen=True)
class _Evidence:
    source: str
    moment: datetime
    utc_time: bool  # a time stated in UTC: a moment, not the publisher's day
    local_offset: timedelta | None = None  # a non-UTC offset the value states

    @property
    def day(self) -> str:
        return self.moment.date().isoformat()


def _evidence(value: str, source: str, now: datetime) -> _Evidence | None:
    moment = parse_date(value)
    if moment is None or not plausible(moment, now):
        return None
    offset = moment.utcoffset()
    utc_time = offset == timedelta(0) and _states_utc(value)
    return _Evidence(source, moment, utc_time, offset if offset else None)


def _states_utc(value: str) -> bool:
    """A value with a time and an explicit UTC offset ("Z", "+00:00", "GMT", "UTC")."""
    text = value.strip().upper()
    if not _HAS_TIME.search(text):
        return False
    return text.endswith(("Z", "+00:00", "+0000", "GMT", "UTC", "+00"))


def choose_dates(
    candidates: Iterable[tuple[str, str, str]], now: datetime
) -> tuple[Dated | None, Dated | None]:
    """The best (published, updated) from (kind, value, source) candidates."""
    found: dict[str, list[_Evidence]] = {"published": [], "updated": []}
    for kind, value, source in candidates:
        if kind in found and (evidence := _evidence(value, source, now)):
            found[kind].append(evidence)
    published = _vote(found["published"])
    updated = min(found["updated"], key=lambda e: _rank(e.source), default=None)
    if published and updated and updated.moment <= published.moment:
        updated = None
    return _dated(published), _dated(updated)


def _vote(evidence: list[_Evidence]) -> _Evidence | None:
    """The evidence that gives ``published``: the strongest for the day most evidence names."""
    if not evidence:
        return None
    evidence = _in_publisher_offset(evidence)
    local_days = {
        e.day for e in evidence if not e.utc_time and _family(e.source) in _LOCAL_FAMILIES
    }
    dated = [(e, _publisher_day(e, local_days)) for e in evidence]
    votes: dict[str, dict[str, int]] = {}  # day → the weight of each family naming it
    best_rank: dict[str, int] = {}  # day → the rank of its strongest evidence
    for e, day in dated:
        family = _family(e.source)
        by_family = votes.setdefault(day, {})
        by_family[family] = max(by_family.get(family, 0), _WEIGHT.get(family, 0))
        best_rank[day] = min(best_rank.get(day, len(_RANK)), _rank(e.source))
    winner = max(votes, key=lambda day: (sum(votes[day].values()), -best_rank[day]))
    backing = sorted((e for e, day in dated if day == winner), key=lambda e: _rank(e.source))
    stated = [e for e in backing if e.day == winner]
    return stated[0] if stated else _at_local_midnight(backing[0])


def _in_publisher_offset(evidence: list[_Evidence]) -> list[_Evidence]:
    """UTC times shown in the offset the page's other dates state, if they state one."""
    offsets = [e.local_offset for e in evidence if e.local_offset is not None]
    if not offsets:
        return evidence
    offset = timezone(max(set(offsets), key=offsets.count))
    return [
        _Evidence(e.source, e.moment.astimezone(offset), False, offset.utcoffset(None))
        if e.utc_time
        else e
        for e in evidence
    ]


def _publisher_day(evidence: _Evidence, local_days: set[str]) -> str:
    """The day a piece of evidence names in the publisher's terms (see the module's notes)."""
    day = evidence.day
    if not evidence.utc_time or day in local_days:
        return day
    moment = evidence.moment
    before, after = (moment - timedelta(days=1)).date(), (moment + timedelta(days=1)).date()
    if moment.hour < 12 and before.isoformat() in local_days:
        return before.isoformat()
    if moment.hour >= 12 and after.isoformat() in local_days:
        return after.isoformat()
    if (
        not local_days
        and moment.hour in _MIDNIGHT_HOURS
        and (moment.minute, moment.second) == (0, 0)
    ):
        return after.isoformat()
    return day


def _at_local_midnight(evidence: _Evidence) -> _Evidence:
    """A UTC moment that is a local midnight, with the offset that makes it one (23:00Z is
    midnight at +01:00)."""
    offset = timezone(timedelta(hours=24 - evidence.moment.hour))
    return _Evidence(evidence.source, evidence.moment.astimezone(offset), False)


def _dated(found: _Evidence | None) -> Dated | None:
    if found is None:
        return None
    return Dated(found.moment.isoformat(), found.source)
