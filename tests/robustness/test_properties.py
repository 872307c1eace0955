"""Properties that hold for any input: URL cleaning, date parsing and the taggers never raise
on arbitrary text, canonical URLs are a fixed point, and every date is timezone-aware."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines import dates, dedup
from pipelines.dateline import find_dateline, is_dateline, parse_date_text
from pipelines.extract import strip_controls
from pipelines.language import UND, detect_fields, detect_language, normalise_tag
from pipelines.topics import tag

# Modest budgets: the whole file runs in well under half a minute.
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any code point, surrogates and controls included, and text weighted toward what pages hold:
# several scripts, digits, punctuation, bidi and zero-width characters, controls.
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=200)
PIECES = st.sampled_from(
    [
        "2025", "12", "03", "/", "-", ".", ":", "+", "T", "Z", " ", "\n", "\t", "\x00", "\x85",
        "\u202e", "\u2066", "\u200b", "\ufeff", "\ufffd", "марта", "March", "mars", "ж.",
        "г.", "年", "月", "日", "١٥", "مايو", "наурыз", "mart", "yil", "Last update", "Обновлено",
        "+14:00", "-23:59", "+2400", "-2500", "+24:00", "GMT+25", "0000", "9999", "99999",
        "0001", "1945", "1", "31", "02", "30", "UTC", "Jan", "Sat,", "00:00",
        "учатся", "教育", "التعليم", "Қазақстан", "peace", "education", "UNICEF", "ﬁ", "Ⅻ",
    ]
)  # fmt: skip
OFFSETS = st.builds(
    "{}{:02d}{}{:02d}".format,
    st.sampled_from("+-"),
    st.integers(0, 99),
    st.sampled_from(["", ":"]),
    st.integers(0, 99),
)
NUMBERS = st.integers(-1, 100_000).map(str)
# Words of dates: numbers, month names, offsets (a day or more, too), joined by what
# separates them, and arbitrary text.
DATELIKE = st.lists(st.one_of(PIECES, NUMBERS, OFFSETS), min_size=1, max_size=8).flatmap(
    lambda parts: st.sampled_from([" ", "", "-", "/", ".", "T", ", "]).map(
        lambda separator: separator.join(parts)
    )
)
TEXTLIKE = st.one_of(
    ANY_TEXT, DATELIKE, st.lists(st.one_of(PIECES, ANY_TEXT), max_size=30).map("".join)
)

URL_PIECES = st.sampled_from(
    [
        "http", "https", "HTTPS", "ftp", "javascript", ":", "//", "/", "///", "?", "#", "&",
        "=", "[", "]", "[::1]", "@", "%", "%2F", "%zz", "+", ";", " ", "\n", "\t", "www.",
        "news.un.org", "NEWS.UN.ORG", "пример.рф", "xn--", ":443", ":80", ":99999", "utm_source",
        "ref", "hub", "amp", "a", "b", "..", ".", "\u2100", "\uff0f", "\x00", "\u202e",
    ]
)  # fmt: skip
URLISH = st.one_of(ANY_TEXT, st.lists(st.one_of(URL_PIECES, ANY_TEXT), max_size=25).map("".join))
LANGUAGE_HINTS = st.lists(st.one_of(st.sampled_from(["en", "ru", "kk", "uz-Latn", "ar", "zh"]),
                                    ANY_TEXT), max_size=3)  # fmt: skip
NOW = datetime(2025, 11, 1, 12, 0, tzinfo=UTC)


# ---- URLs ----------------------------------------------------------------------------------


@FAST
@given(URLISH)
def test_canonical_url_never_raises_and_is_a_fixed_point(url: str) -> None:
    once = dedup.canonical_url(url)
    assert dedup.canonical_url(once) == once


@FAST
@given(URLISH, URLISH)
def test_canonical_url_with_any_declared_canonical_never_raises(url: str, declared: str) -> None:
    once = dedup.canonical_url(url, declared)
    assert dedup.canonical_url(once) == once


@FAST
@given(URLISH)
def test_clean_url_never_raises_and_is_a_fixed_point(url: str) -> None:
    once = dedup.clean_url(url)
    assert dedup.clean_url(once) == once


@FAST
@given(URLISH, st.dictionaries(ANY_TEXT, URLISH, max_size=4))
def test_story_id_never_raises(url: str, translations: dict[str, str]) -> None:
    assert dedup.story_id(dedup.canonical_url(url), translations).startswith("s")


@FAST
@given(TEXTLIKE)
def test_text_fingerprints_never_raise(text: str) -> None:
    assert len(dedup.content_hash(text)) == 32
    signature = dedup.minhash(text)
    assert signature == "" or dedup.similarity(signature, signature) == 1.0


# ---- dates ---------------------------------------------------------------------------------


@FAST
@given(TEXTLIKE)
def test_parse_date_gives_an_aware_datetime_or_none(text: str) -> None:
    parsed = dates.parse_date(text)
    assert parsed is None or parsed.utcoffset() is not None


@FAST
@given(URLISH)
def test_url_date_gives_an_iso_date_or_none(url: str) -> None:
    found = dates.url_date(url)
    assert found is None or date.fromisoformat(found)


CANDIDATES = st.lists(
    st.tuples(
        st.sampled_from(["published", "updated"]),
        TEXTLIKE,
        st.sampled_from(["rule", "json-ld:datePublished", "meta:date", "feed", "url", "?", ""]),
    ),
    max_size=6,
)


@FAST
@given(CANDIDATES)
def test_choose_dates_gives_aware_iso_dates_in_range_or_none(
    candidates: list[tuple[str, str, str]],
) -> None:
    published, updated = dates.choose_dates(candidates, NOW)
    for chosen in (published, updated):
        if chosen is not None:
            moment = datetime.fromisoformat(chosen.value)
            assert moment.utcoffset() is not None
            assert dates.EARLIEST <= moment <= NOW + dates.FUTURE_SLACK
    if published and updated:
        assert datetime.fromisoformat(updated.value) > datetime.fromisoformat(published.value)


LANGUAGES = st.one_of(st.none(), st.sampled_from(["en", "en-US", "ru", "kk", "uz-Latn", "uz-Cyrl",
                                                  "ar", "fa", "zh", "fr", "es", "tg", "tk"]),
                      ANY_TEXT)  # fmt: skip


@FAST
@given(TEXTLIKE, LANGUAGES)
def test_dateline_functions_never_raise(text: str, language: str | None) -> None:
    found = find_dateline(text, language)
    if found is not None:
        start, end = found.span
        assert 0 <= start <= end
        assert found.published is None or isinstance(found.published, date)
        assert found.updated is None or isinstance(found.updated, date)
    day = parse_date_text(text, language)
    assert day is None or isinstance(day, date)
    assert is_dateline(text, language) in (True, False)


# ---- taggers -------------------------------------------------------------------------------


@SLOW
@given(TEXTLIKE, TEXTLIKE)
def test_topic_tagger_never_raises(title: str, text: str) -> None:
    tagging = tag(title, text)
    assert 0.0 <= tagging.relevance <= 1.0


@SLOW
@given(TEXTLIKE, LANGUAGE_HINTS)
def test_language_detection_never_raises(text: str, hints: list[str]) -> None:
    detection = detect_language(text, hints)
    assert 0.0 <= detection.confidence <= 1.0
    assert detection.language == UND or detection.language == normalise_tag(detection.language)


@SLOW
@given(TEXTLIKE, TEXTLIKE, LANGUAGE_HINTS)
def test_field_detection_never_raises(title: str, body: str, hints: list[str]) -> None:
    title_language, body_language = detect_fields(title, body, hints)
    assert title_language.language and body_language.language


TAGLIKE = st.from_regex(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,3}", fullmatch=True)
NORMAL_TAG = re.compile(r"[a-z]{2,3}(-[A-Z][a-z]{3})?")


@FAST
@given(st.one_of(ANY_TEXT, TAGLIKE))
def test_normalise_tag_gives_a_normal_tag_or_und_for_anything(value: str) -> None:
    normal = normalise_tag(value)
    assert NORMAL_TAG.fullmatch(normal), normal  # "und" included
    assert normalise_tag(normal) == normal


@FAST
@given(TEXTLIKE)
def test_stripped_text_has_no_controls_left_and_stays_stripped(text: str) -> None:
    stripped = strip_controls(text)
    assert strip_controls(stripped) == stripped
    assert not any(c in stripped for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert all(c in "\n\t" or not (c < " " or "\x7f" <= c <= "\x9f") for c in stripped)
    stripped.encode("utf-8")  # no lone surrogate left
