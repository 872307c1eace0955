"""Datelines: the date a news page shows in its own language, read when no machine date exists.

A dateline is a short line such as "26 May 2025 - Last update: 29 May 2025", "12 марта 2025 г.",
"2025年3月12日" or "2025-жылдын 12-марты", or the date that opens a paragraph ("NEW YORK,
12 March 2025 – ..."). This module reads such dates in English, French, Spanish, Portuguese,
German, Turkish, Russian, Ukrainian, Arabic (Gulf/Egyptian, Levantine and Maghreb month names),
Persian (Gregorian and Solar Hijri months), Chinese, Japanese (also Reiwa/Heisei/Showa years),
Korean, Kazakh, Kyrgyz, Uzbek (Latin and Cyrillic), Tajik and Turkmen, with Arabic-Indic,
Persian and full-width digits, and tells the lines that are only a dateline from text.

All matching runs on a copy of the text whose characters are mapped one to one (digits to ASCII,
Arabic letter variants to one form, invisible marks to spaces), so every span found indexes the
caller's text. Dates before 1945 or after 2100 and impossible days (31 February) are rejected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

from pipelines.tables import read_table

__all__ = [
    "KIND_LABELS",
    "Dateline",
    "find_dateline",
    "has_year",
    "is_date_text",
    "is_dateline",
    "opening_dateline",
    "parse_date_text",
    "split_date_label",
]

EARLIEST_YEAR = 1945
LATEST_YEAR = 2100

# Regions whose English writes numeric dates month first (03/04/2025 = March 4).
_MONTH_FIRST_REGIONS = frozenset({"US", "PH"})
# How far (characters) an update date may sit from the published date to count as one dateline.
_COMPANION_GAP = 80
# How far before a date its label may start.
_LEAD_REACH = 80


@dataclass(frozen=True)
class Dateline:
    published: date | None
    updated: date | None  # from "Last update: …" / "Mis à jour le …" / "Обновлено …" etc.
    span: tuple[int, int]  # the whole dateline in the input text: labels, dates and times


# --- text preparation ------------------------------------------------------------------------

_CHAR_MAP: dict[str, str] = {
    **{chr(0x0660 + n): str(n) for n in range(10)},  # Arabic-Indic digits
    **{chr(0x06F0 + n): str(n) for n in range(10)},  # Persian digits
    **{chr(0xFF10 + n): str(n) for n in range(10)},  # full-width digits
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ک": "ك", "ة": "ه", "ۀ": "ه",
    "／": "/", "：": ":", "，": ",", "．": ".", "－": "-", "（": "(", "）": ")", "、": ",",
    "’": "'", "‘": "'", "ʼ": "'", "ʻ": "'", "`": "'", "´": "'",
    "\u200b": " ", "\u200c": " ", "\u200d": " ", "\u200e": " ", "\u200f": " ", "\u061c": " ",
    "\u2066": " ", "\u2067": " ", "\u2068": " ", "\u2069": " ", "\ufeff": " ",
}  # fmt: skip
_TRANSLATION = str.maketrans(_CHAR_MAP)
assert all(len(value) == 1 for value in _CHAR_MAP.values())  # spans must survive the mapping


def _prepare(text: str) -> str:
    """``text`` with the same length, in the one form the patterns are written for."""
    return text.translate(_TRANSLATION)


def _fold(word: str) -> str:
    """A lookup key: case-folded, Turkish dotted and dotless i made plain, spaces single."""
    folded = _prepare(word).casefold().replace("\u0307", "").replace("ı", "i")
    return " ".join(folded.split())


def _is_cjk(char: str) -> bool:
    return ord(char) >= 0x2E80 or 0x1100 <= ord(char) < 0x1200


def _phrases(phrases: Iterable[str]) -> str:
    """One alternation of phrases, longest first; phrases in alphabetic scripts match whole words.

    The word-start check comes before the alternation, so the engine tries the phrases only
    where a word begins (a big alternation tried at every position is slow)."""
    variants = {_prepare(phrase).lower() for phrase in phrases}
    variants |= {variant.replace("ı", "i") for variant in variants}
    worded: list[str] = []
    cjk: list[str] = []
    for phrase in sorted(variants, key=lambda p: (-len(p), p)):
        body = r"\s+".join(re.escape(word) for word in phrase.split())
        (cjk if _is_cjk(phrase[0]) else worded).append(body)
    alternatives = []
    if worded:
        alternatives.append(rf"(?<![^\W\d_])(?=[^\W\d_])(?:{'|'.join(worded)})(?![^\W\d_])")
    if cjk:
        alternatives.append(f"(?:{'|'.join(cjk)})")
    return "|".join(alternatives)


# --- the tables: pipelines/data/dates.toml --------------------------------------------------

DATES_TABLE = Path(__file__).with_name("data") / "dates.toml"


_TABLES = read_table(DATES_TABLE)


def _groups(table: dict[str, list[str]]) -> list[str]:
    """Every phrase of a table keyed by language (or by a group of languages)."""
    return [phrase for phrases in table.values() for phrase in phrases]


# Twelve entries per language, January first; "|" separates the forms of one month.
_MONTH_FORMS: dict[str, tuple[str, ...]] = {
    lang: tuple(months) for lang, months in _TABLES["months"].items()
}
# Forms that take case and possessive endings: each matches with any letters after it.
_MONTH_STEMS: dict[str, tuple[str, ...]] = {
    lang: tuple(months) for lang, months in _TABLES["month_stems"].items()
}
_SOLAR_MONTH_FORMS: tuple[str, ...] = tuple(_TABLES["solar_months"]["fa"])
if any(len(months) != 12 for months in (*_MONTH_FORMS.values(), *_MONTH_STEMS.values())):
    raise ValueError(f"{DATES_TABLE}: a language without twelve months")

GREGORIAN, SOLAR_HIJRI = "gregorian", "solar-hijri"
_Month = tuple[str, int]  # (calendar, month number)


def _index(tables: Iterable[tuple[str, tuple[str, ...]]]) -> dict[str, _Month]:
    """Month forms by lookup key; a form that two tables read differently is a table error."""
    index: dict[str, _Month] = {}
    for calendar, months in tables:
        for number, forms in enumerate(months, start=1):
            for form in forms.split("|"):
                key = _fold(form)
                if index.setdefault(key, (calendar, number)) != (calendar, number):
                    raise ValueError(f"month form {form!r} is read as two different months")
    return index


_FULL_NAMES = _index(
    [(GREGORIAN, months) for months in _MONTH_FORMS.values()] + [(SOLAR_HIJRI, _SOLAR_MONTH_FORMS)]
)
_STEM_NAMES = _index((GREGORIAN, months) for months in _MONTH_STEMS.values())
_STEMS_LONGEST_FIRST = sorted(_STEM_NAMES.items(), key=lambda item: -len(item[0]))


def _all_forms(tables: Iterable[tuple[str, ...]]) -> list[str]:
    return [form for months in tables for forms in months for form in forms.split("|")]


def _month_of(token: str) -> _Month | None:
    """The month a matched month token names: a listed form, or a stem with an ending."""
    key = _fold(token.rstrip("."))
    if key in _FULL_NAMES:
        return _FULL_NAMES[key]
    for stem, month in _STEMS_LONGEST_FIRST:
        if key.startswith(stem):
            return month
    return None


# --- weekdays, labels, times ------------------------------------------------------------------

_WEEKDAYS = _groups(_TABLES["weekdays"])
_CJK_WEEKDAY = (
    r"星期[一二三四五六日天]|[周週][一二三四五六日]|[月火水木金土日]曜日?|[월화수목금토일]요일"
    r"|\(\s*[月火水木金土日월화수목금토일]\s*\)"
)

_DATE_LABELS = _groups(_TABLES["labels"]["published"])  # "Published:", "Опубликовано"
KIND_LABELS = _groups(_TABLES["labels"]["kinds"])  # "Press release", "Пресс-релиз"
_PUBLISHED_LABELS = _DATE_LABELS + KIND_LABELS
_UPDATED_LABELS = _groups(_TABLES["labels"]["updated"])  # "Last update:", "Обновлено"
_CONNECTORS = _TABLES["words"]["connectors"]  # "on", "le", "de", "kuni"
_DATE_WORDS = _TABLES["words"]["date_words"]  # "de", "года", "жылғы", "yil"

_UPDATED = _phrases(_UPDATED_LABELS)
_PUBLISHED = _phrases(_PUBLISHED_LABELS)
_WEEKDAY = rf"(?:{_phrases(_WEEKDAYS)})(?:\.(?!\d))?|{_CJK_WEEKDAY}"
_CONNECTOR = _phrases(_CONNECTORS)
_GAP = rf"[\s:.,،;|·•/\-–—()]|{_CONNECTOR}"

_TIME_ZONE = r"GMT|UTC|EST|EDT|CET|CEST|EET|EEST|MSK|BST"
_TIME = (
    r"(?:(?:at|à|a\s+las|às|um|в|saat|الساعة|ساعت)\s+)?"
    r"(?<!\d)\d{1,2}(?::\d{2}(?::\d{2})?|\s?h\s?\d{2})(?!\d)"
    r"(?:\s*[ap]\.?\s?m\.?(?![^\W\d_]))?(?:\s*Uhr)?"
    rf"(?:\s*\(?(?:{_TIME_ZONE})(?:\s*[+-]\s*\d{{1,2}}(?::?\d{{2}})?)?\)?)?"
)

_LEAD = re.compile(
    rf"(?:(?P<upd>{_UPDATED})|(?P<pub>{_PUBLISHED})|{_WEEKDAY})(?:{_GAP})*$", re.IGNORECASE
)
_ROLE_AFTER = re.compile(  # "2025年5月29日 更新", not the "更新时间：" that labels the next date
    rf"\s*(?:{_CJK_WEEKDAY})?\s*(?:(?P<upd>更新)|(?P<pub>公開|掲載|発表|发布|發布|發佈))(?![^\W\d_])"
)
_TIME_AFTER = re.compile(rf"\s*(?:[,|·•/–—-]\s*)?{_TIME}", re.IGNORECASE)
_FILLER = re.compile(rf"{_TIME}|{_UPDATED}|{_PUBLISHED}|{_WEEKDAY}|{_CONNECTOR}", re.IGNORECASE)
_CONTENT = re.compile(r"[^\W_]")  # a letter or a digit

# --- date patterns ----------------------------------------------------------------------------

_NOT_AFTER_NUMBER = r"(?<!\d)(?<!\d[.,:/])"
_DAY = (
    r"(?P<d>[0-3]?\d)(?!\d)"
    r"(?:st|nd|rd|th|er|ᵉʳ|º|°|ª|\.º|-?(?:nji|njy|inji|ynjy|unjy|ünji)"
    r"|-(?:го|ого|е|ум|уми|юм|юми|ші|шы|чи)|\.)?"
)
_SUFFIXED_DAY = r"(?P<d>[0-3]?\d)(?!\d)(?:-?[^\W\d_]{1,4})?"
_MONTH_TOKEN = (
    rf"(?:(?:{_phrases(_all_forms([*_MONTH_FORMS.values(), _SOLAR_MONTH_FORMS]))})\.?"
    rf"|(?:{'|'.join(re.escape(stem) for stem, _ in _STEMS_LONGEST_FIRST)})[^\W\d_]*)"
)
_MONTH = rf"(?P<mn>{_MONTH_TOKEN})(?:\s*[/(]\s*(?P<mn2>{_MONTH_TOKEN})\s*\)?)?"
_SEP_DAY_MONTH = r"(?:\s*[-‐–.,/]\s*|\s+)(?:(?:de|of|du)\s+)?"
_SEP_MONTH_YEAR = r"(?:\s*[,،]\s*|\s*-\s*|\s+)?(?:(?:de|del|of|соли|سال|ماه|عام)\s+)*"
_YEAR = r"(?P<y>\d{4})(?!\d)"
_YEAR_WORD = (
    r"\s*-?\s*(?:(?:nji|njy)\s*)?"
    r"(?:(?:жыл|yil|йил|ýyl)[^\W\d_]*|(?:ж|y|й|ý)\.)"
)
_YEAR_TAIL = (
    r"(?:\s*-?\s*(?:(?:nji|njy)\s*)?"
    r"(?:(?:года|годе|году|год|року|рік|г)(?![^\W\d_])\.?"
    r"|(?:жыл|yil|йил|ýyl)[^\W\d_]*\.?|(?:р|ж|й|y|ý|с)\.|م(?![^\W\d_]))"
    r"|'(?:te|ta|de|da|ten|tan|den|dan)(?![^\W\d_]))?"
)
_CJK_DIGIT = "〇零○一二三四五六七八九"
_CJK_SMALL = rf"\d{{1,2}}|[一二三四五六七八九]?十[一二三四五六七八九]?|[{_CJK_DIGIT[3:]}]"
_JAPANESE_ERAS = {"令和": 2019, "平成": 1989, "昭和": 1926}
_HAS_NUMBER = re.compile(rf"\d|[{_CJK_DIGIT}十元]")  # every date holds one

_DAY_MONTH_YEAR = re.compile(
    rf"{_NOT_AFTER_NUMBER}{_DAY}{_SEP_DAY_MONTH}{_MONTH}{_SEP_MONTH_YEAR}{_YEAR}{_YEAR_TAIL}",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"(?<![^\W\d_]){_MONTH}\s*{_DAY}(?:\s*[,،]\s*|\s+)(?:de\s+)?{_YEAR}{_YEAR_TAIL}", re.IGNORECASE
)
_YEAR_DAY_MONTH = re.compile(  # 2025 жылғы 12 наурыз, 2025-yil 12-mart, 2025-nji ýylyň 12-nji marty
    rf"{_NOT_AFTER_NUMBER}{_YEAR}{_YEAR_WORD}\s*,?\s*{_DAY}{_SEP_DAY_MONTH}{_MONTH}", re.IGNORECASE
)
_YEAR_MONTH_DAY = re.compile(  # 2025 жылғы наурыздың 12-сі
    rf"{_NOT_AFTER_NUMBER}{_YEAR}{_YEAR_WORD}\s*,?\s*{_MONTH}\s+{_SUFFIXED_DAY}", re.IGNORECASE
)
_CJK = re.compile(
    rf"(?:(?P<era>{'|'.join(_JAPANESE_ERAS)})\s*(?P<era_year>\d{{1,2}}|元)"
    rf"|(?<!\d)(?P<y>\d{{4}}|[{_CJK_DIGIT}]{{4}}))\s*年\s*"
    rf"(?P<m>{_CJK_SMALL})\s*月\s*(?P<d>{_CJK_SMALL})\s*[日号號]"
)
_KOREAN = re.compile(r"(?<!\d)(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일")
_NUMERIC_YEAR_FIRST = re.compile(  # 2025-03-12, 2025/03/12, 2025. 3. 12., 1404/03/08
    rf"{_NOT_AFTER_NUMBER}(?P<y>\d{{4}})\s*(?P<sep>[-/.])\s*(?P<m>\d{{1,2}})\s*(?P=sep)\s*"
    r"(?P<d>\d{1,2})(?!\d)(?:\.(?!\d))?"
    r"(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_NUMERIC_YEAR_LAST = re.compile(  # 12.03.2025, 12/03/2025, 03/12/2025 (en-US)
    rf"{_NOT_AFTER_NUMBER}(?P<a>\d{{1,2}})(?P<sep>[-/.])(?P<b>\d{{1,2}})(?P=sep)(?P<y>\d{{4}})"
    rf"(?!\d)(?![-/.]\d){_YEAR_TAIL}",
    re.IGNORECASE,
)


# --- calendars --------------------------------------------------------------------------------

_JALAALI_BREAKS = (
    -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262,
    2324, 2394, 2456, 3178,
)  # fmt: skip


def _nowruz(year: int) -> date:
    """The Gregorian date of 1 Farvardin of a Solar Hijri year (the jalaali-js algorithm)."""
    gregorian_year = year + 621
    leap_days, previous, jump = -14, _JALAALI_BREAKS[0], 0
    for current in _JALAALI_BREAKS[1:]:
        jump = current - previous
        if year < current:
            break
        leap_days += jump // 33 * 8 + jump % 33 // 4
        previous = current
    since = year - previous
    leap_days += since // 33 * 8 + (since % 33 + 3) // 4
    if jump % 33 == 4 and jump - since == 4:
        leap_days += 1
    gregorian_leaps = gregorian_year // 4 - (gregorian_year // 100 + 1) * 3 // 4 - 150
    return date(gregorian_year, 3, 20 + leap_days - gregorian_leaps)


def _solar_hijri(year: int, month: int, day: int) -> date:
    """The Gregorian date of a Solar Hijri date; ValueError for one that does not exist."""
    if not 1300 <= year < 1500 or not 1 <= month <= 12:
        raise ValueError(f"no Solar Hijri month {year}/{month}")
    start = _nowruz(year)
    if month < 12:
        length = 31 if month <= 6 else 30
    else:
        length = (_nowruz(year + 1) - start).days - 336
    if not 1 <= day <= length:
        raise ValueError(f"no day {day} in Solar Hijri month {year}/{month}")
    return start + timedelta(days=(month - 1) * 31 - month // 7 * (month - 7) + day - 1)


def _make_date(calendar: str, year: int, month: int, day: int) -> date | None:
    """The date, if it exists and falls within 1945–2100."""
    convert = _solar_hijri if calendar == SOLAR_HIJRI else date
    try:
        value = convert(year, month, day)
    except ValueError:
        return None
    return value if EARLIEST_YEAR <= value.year <= LATEST_YEAR else None


def _numeric_calendar(year: int) -> str:
    """Years 1300–1499 in numbers are Solar Hijri (1404/03/08); Gregorian ones that early are
    out of range anyway."""
    return SOLAR_HIJRI if 1300 <= year < 1500 else GREGORIAN


# --- readers: one match in, one date (or None) out --------------------------------------------


def _read_named(match: re.Match[str], month_first: bool) -> date | None:
    month = _month_of(match["mn"])
    if month is None or (match["mn2"] is not None and _month_of(match["mn2"]) != month):
        return None
    calendar, number = month
    return _make_date(calendar, int(match["y"]), number, int(match["d"]))


def _cjk_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    digits = {char: value for value, char in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0}
    if "十" in text:
        tens, _, units = text.partition("十")
        return (digits[tens] if tens else 1) * 10 + (digits[units] if units else 0)
    return int("".join(str(digits[char]) for char in text))


def _read_cjk(match: re.Match[str], month_first: bool) -> date | None:
    if match["era"]:
        era_year = 1 if match["era_year"] == "元" else int(match["era_year"])
        year = _JAPANESE_ERAS[match["era"]] + era_year - 1
    else:
        year = _cjk_number(match["y"])
    return _make_date(GREGORIAN, year, _cjk_number(match["m"]), _cjk_number(match["d"]))


def _read_year_first(match: re.Match[str], month_first: bool) -> date | None:
    year = int(match["y"])
    return _make_date(_numeric_calendar(year), year, int(match["m"]), int(match["d"]))


def _read_year_last(match: re.Match[str], month_first: bool) -> date | None:
    """Day first unless the language writes month first (dots are always day first); when
    one reading is impossible, the other."""
    first, second, year = int(match["a"]), int(match["b"]), int(match["y"])
    readings = [(first, second), (second, first)]  # (day, month)
    if month_first and match["sep"] != ".":
        readings.reverse()
    for day, month in readings:
        if found := _make_date(_numeric_calendar(year), year, month, day):
            return found
    return None


_Reader = Callable[[re.Match[str], bool], date | None]
_PATTERNS: tuple[tuple[re.Pattern[str], _Reader], ...] = (
    (_DAY_MONTH_YEAR, _read_named),
    (_MONTH_DAY_YEAR, _read_named),
    (_YEAR_DAY_MONTH, _read_named),
    (_YEAR_MONTH_DAY, _read_named),
    (_CJK, _read_cjk),
    (_KOREAN, _read_year_first),
    (_NUMERIC_YEAR_FIRST, _read_year_first),
    (_NUMERIC_YEAR_LAST, _read_year_last),
)


class _Found(NamedTuple):
    start: int
    end: int
    value: date


def _month_first(language: str | None) -> bool:
    """Whether a BCP-47 tag names English as written where numeric dates go month first."""
    if not language:
        return False
    subtags = re.split(r"[-_]", language)
    regions = {tag.upper() for tag in subtags[1:] if len(tag) == 2 and tag.isalpha()}
    return subtags[0].lower() == "en" and bool(regions & _MONTH_FIRST_REGIONS)


def _find_dates(prepared: str, language: str | None) -> list[_Found]:
    """Every valid date expression in the prepared text, in order, none overlapping."""
    if not _HAS_NUMBER.search(prepared):
        return []
    month_first = _month_first(language)
    candidates = [
        _Found(match.start(), match.end(), value)
        for pattern, read in _PATTERNS
        for match in pattern.finditer(prepared)
        if (value := read(match, month_first)) is not None
    ]
    chosen: list[_Found] = []
    for candidate in sorted(candidates, key=lambda found: (found.start, -found.end)):
        if not chosen or candidate.start >= chosen[-1].end:
            chosen.append(candidate)
    return chosen


# --- labels around a date ---------------------------------------------------------------------


def _lead(prepared: str, floor: int, start: int) -> tuple[int, str | None]:
    """Where the labels and weekday just before ``start`` begin, and the role the nearest
    label gives the date ("published" or "updated"), looking no further back than ``floor``."""
    role = None
    while match := _LEAD.search(prepared, max(floor, start - _LEAD_REACH), start):
        if match.start() == start:
            break
        if role is None and (match["upd"] or match["pub"]):
            role = "updated" if match["upd"] else "published"
        start = match.start()
    return start, role


def _time_end(prepared: str, end: int) -> int:
    """The end of the time that follows a date ("12 March 2025, 10:30 GMT"), or ``end``."""
    time = _TIME_AFTER.match(prepared, end)
    return time.end() if time else end


def _role_after(prepared: str, end: int) -> tuple[int, str] | None:
    """The end of a role word after a date ("2025年5月29日 更新") and the role it gives."""
    word = _ROLE_AFTER.match(prepared, end)
    if word is None:
        return None
    return word.end(), "updated" if word["upd"] else "published"


def _only_labels(fragment: str) -> bool:
    """Whether a piece of text holds nothing but labels, weekdays, times and punctuation."""
    return _CONTENT.search(_FILLER.sub(" ", fragment)) is None


def _companion(prepared: str, end: int, following: _Found) -> tuple[int, str] | None:
    """The end and role of a date that continues the dateline ending at ``end``, if it does."""
    gap = prepared[end : following.start]
    if len(gap) > _COMPANION_GAP or gap.count("\n") > 1 or not _only_labels(gap):
        return None
    _, role = _lead(prepared, end, following.start)
    return _role_and_end(prepared, following.end, role)


def _role_and_end(prepared: str, end: int, role: str | None) -> tuple[int, str]:
    """A date's role, from the label before it or else a role word after it (else
    "published"), and where the date with its time and that word ends."""
    end = _time_end(prepared, end)
    if role is None and (after := _role_after(prepared, end)):
        return after
    return end, role or "published"


# --- public API -------------------------------------------------------------------------------


def find_dateline(text: str, language: str | None = None) -> Dateline | None:
    """The first date expression in `text` (a short line or a paragraph start), in any supported
    language; `language` (BCP-47, e.g. "ru", "kk", "uz-Latn") is a hint that resolves ambiguity
    (e.g. 03/04/2025 day-first vs month-first).

    A date right after an update label ("Last update:", "Mis à jour le", "Обновлено") is the
    ``updated`` date; a second date that follows within the same dateline with the other role
    ("26 May 2025 - Last update: 29 May 2025") fills the other field. The span runs from the
    first label or weekday before the date to the end of the last date, its time included.
    """
    prepared = _prepare(text)
    found = _find_dates(prepared, language)
    if not found:
        return None
    first = found[0]
    start, role = _lead(prepared, prepared.rfind("\n", 0, first.start) + 1, first.start)
    end, role = _role_and_end(prepared, first.end, role)
    dates = {role: first.value}
    if len(found) > 1 and (companion := _companion(prepared, end, found[1])):
        companion_end, companion_role = companion
        if companion_role not in dates:
            dates[companion_role] = found[1].value
            end = companion_end
    return Dateline(dates.get("published"), dates.get("updated"), (start, end))


def parse_date_text(text: str, language: str | None = None) -> date | None:
    """One date written out: "15 April 2025", "April 15, 2025", "12 марта 2025 г.", "2025年3月12日",
    "١٥ مايو ٢٠٢٥", "12 наурыз 2025 ж.", "2025-жылдын 12-марты", "12-mart 2025-yil", "12 марти
    2025", "12-nji mart 2025", "12 de marzo de 2025", "12 mars 2025", "12 de março de 2025",
    "2025년 3월 12일", "12.03.2025", "2025-03-12" …; the first one when the text holds several.
    """
    found = _find_dates(_prepare(text), language)
    return found[0].value if found else None


def is_dateline(line: str, language: str | None = None) -> bool:
    """True for a line that is only a date expression (with optional label words such as
    "Published", "Опубликовано", "Last update:", "Дата публикации"; a location prefix as in
    "NEW YORK, 12 March 2025 –" is not only a date), used to drop dateline lines from article
    text, e.g. "26 May 2025 - Last update: 29 May 2025", "12 марта 2025 г.", "2025年3月12日",
    "Mis à jour le 3 juin 2025"."""
    prepared = _prepare(line)
    found = _find_dates(prepared, language)
    if not found:
        return False
    rest = list(prepared)
    for date_found in found:
        rest[date_found.start : date_found.end] = " " * (date_found.end - date_found.start)
    return _only_labels("".join(rest))


# --- partial dates and labels, for telling date lines from text -------------------------------

_YEAR_NUMBER = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_NUMERIC_START = re.compile(
    r"^\s*(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|(?:19|20)\d\d\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)"
)
_DATE_PIECE = re.compile(
    rf"{_TIME}|(?:{_MONTH_TOKEN})|{_WEEKDAY}|{_CONNECTOR}|(?:{_phrases(_DATE_WORDS)})\.?"
    r"|[\s,./\-–—:]+|\d+|[年月日号]",  # punctuation apart from numbers: "…, 10:00 GMT" is a time
    re.IGNORECASE,
)
_DATE_LABEL = re.compile(
    rf"^\W*(?:{_phrases([*_DATE_LABELS, *_UPDATED_LABELS])})\s*(?P<colon>:)?\s*(?=\S)",
    re.IGNORECASE,
)
# What may follow the date that opens a paragraph: "15 April 2025 | SDGs …", "… 2025 – The".
_OPENING_END = re.compile(r"\s*[|–—:-]|\s*$")
_OPENING_PLACE = re.compile(r"^[^\W\d_][^\d,|–—:]{0,40}?,\s*$")  # "NEW YORK, ", "Бишкек, "


def is_date_text(text: str, language: str | None = None) -> bool:
    """Text that says when and nothing else, a whole date or a part: "14 February 2025",
    "March 2024", "2025年3月", "26.09.2025, 14:20", "Tuesday, 12 March 2025 10:00 GMT",
    "12 марта 2025 года". Labels are not date text (see :func:`split_date_label`)."""
    prepared = _prepare(text).strip(" ,.|·•–—-()[]")
    if not prepared or not (_YEAR_NUMBER.search(prepared) or _NUMERIC_START.match(prepared)):
        return False
    if _find_dates(prepared, language):
        rest = list(prepared)
        for found in _find_dates(prepared, language):
            rest[found.start : found.end] = " " * (found.end - found.start)
        prepared = "".join(rest)
    return not _DATE_PIECE.sub(" ", prepared).strip()


def has_year(text: str) -> bool:
    """Whether the text names a year from 1900 to 2099, in any digits ("Дата: ٢٠٢٥")."""
    return bool(_YEAR_NUMBER.search(_prepare(text)))


def split_date_label(line: str) -> tuple[str, bool] | None:
    """("rest", colon) for a line that opens with a date label ("Last update: 12 March",
    "Опубликовано 12.03.2025", "Дата: …"): the text after the label and whether a colon
    followed it; None for a line without one. Kinds of page ("Press release") are no labels."""
    prepared = _prepare(line)
    label = _DATE_LABEL.match(prepared)
    if label is None:
        return None
    return line[label.end() :], label["colon"] is not None


def opening_dateline(paragraph: str, language: str | None = None) -> Dateline | None:
    """The dateline that opens a paragraph, if it does: "15 April 2025 | SDGs Young people …",
    "NEW YORK, 12 March 2025 – One in three …", "12 марта 2025 г. – …". A date inside a
    sentence ("On 12 March 2025 the minister said …") opens nothing."""
    found = find_dateline(paragraph[:200], language)
    if found is None:
        return None
    start, end = found.span
    lead = _prepare(paragraph[:start])
    if lead.strip() and not _OPENING_PLACE.match(lead):
        return None
    if not _OPENING_END.match(paragraph, end):
        return None
    return found
