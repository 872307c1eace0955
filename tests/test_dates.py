"""Dates: published and updated apart, each from the best evidence, implausible ones rejected."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from pipelines import process_page
from pipelines.dates import choose_dates, parse_date, url_date
from pipelines.extract import extract


def test_json_ld_beats_the_feed_and_the_url_in_the_feed_s_offset(now: datetime) -> None:
    """JSON-LD gives the moment; it is written in the offset the publisher's feed states."""
    published, _ = choose_dates(
        [
            ("published", "2025-03-12", "url"),
            ("published", "Tue, 11 Mar 2025 00:01:55 -0400", "feed"),
            ("published", "2025-03-11T04:01:55Z", "json-ld:datePublished"),
        ],
        now,
    )
    assert published is not None
    assert (published.value, published.source) == (
        "2025-03-11T00:01:55-04:00",
        "json-ld:datePublished",
    )


def test_updated_is_kept_apart_from_published(now: datetime) -> None:
    published, updated = choose_dates(
        [
            ("published", "2025-05-26T09:00:00+05:00", "meta:article:published_time"),
            ("updated", "2025-05-29T10:00:00+05:00", "meta:article:modified_time"),
        ],
        now,
    )
    assert published is not None and updated is not None
    assert published.value.startswith("2025-05-26") and updated.value.startswith("2025-05-29")


def test_updated_not_after_published_is_dropped(now: datetime) -> None:
    _, updated = choose_dates(
        [
            ("published", "2025-05-26T09:00:00Z", "json-ld"),
            ("updated", "2025-05-26T09:00:00Z", "json-ld"),
        ],
        now,
    )
    assert updated is None


@pytest.mark.parametrize("value", ["2031-01-01T00:00:00Z", "1930-05-01", "not a date"])
def test_future_ancient_and_unreadable_dates_are_rejected(value: str, now: datetime) -> None:
    assert choose_dates([("published", value, "json-ld")], now) == (None, None)


def test_naive_dates_are_taken_as_utc() -> None:
    parsed = parse_date("2025-03-11 10:00")
    assert parsed is not None and parsed.utcoffset() is not None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.un.org/ru/story/2025/03/1161234", None),
        ("https://example.org/2024/11/05/story", "2024-11-05"),
        ("https://www.unesco.org/en/articles/some-slug", None),
        ("https://www.befifty.de/home/2017/7/12/unter-uns-montauk", "2017-07-12"),
    ],
)
def test_url_dates(url: str, expected: str | None) -> None:
    assert url_date(url) == expected


def _published(candidates: list[tuple[str, str, str]], now: datetime) -> tuple[str, str]:
    published, _ = choose_dates(candidates, now)
    assert published is not None
    return published.value, published.source


def test_a_stale_json_ld_date_is_outvoted_by_the_meta_tags_and_the_dateline(
    now: datetime,
) -> None:
    candidates = [
        ("published", "2023-11-03T10:25:56+01:00", "json-ld:datePublished"),
        ("published", "2023-11-06T15:25:00+01:00", "meta:article:published_time"),
        ("published", "2023-11-06", "dateline"),
    ]
    assert _published(candidates, now) == (
        "2023-11-06T15:25:00+01:00",
        "meta:article:published_time",
    )


def test_json_ld_alone_against_the_dateline_keeps_json_ld(now: datetime) -> None:
    candidates = [
        ("published", "2025-05-26T09:00:00+05:00", "json-ld:datePublished"),
        ("published", "2025-05-29", "dateline"),
    ]
    assert _published(candidates, now)[1] == "json-ld:datePublished"


def test_a_related_story_s_time_element_is_outvoted_by_the_dateline(now: datetime) -> None:
    candidates = [
        ("published", "2020-12-03 07:32:49", "time[datetime]"),
        ("published", "2023-10-31", "trafilatura"),
        ("published", "2023-10-31", "dateline"),
    ]
    assert _published(candidates, now) == ("2023-10-31T00:00:00+00:00", "dateline")


def test_the_url_and_trafilatura_together_do_not_outvote_the_dateline(now: datetime) -> None:
    candidates = [
        ("published", "2021-03-08", "trafilatura"),
        ("published", "2021-03-14", "dateline"),
        ("published", "2021-03-08", "url"),
    ]
    assert _published(candidates, now)[0].startswith("2021-03-14")


def test_a_site_rule_wins_over_every_other_evidence(now: datetime) -> None:
    candidates = [
        ("published", "2025-03-01", "rule"),
        ("published", "2025-03-02T10:00:00+01:00", "json-ld:datePublished"),
        ("published", "2025-03-02T10:00:00+01:00", "meta:article:published_time"),
        ("published", "2025-03-02", "dateline"),
    ]
    assert _published(candidates, now)[1] == "rule"


def test_a_utc_time_is_written_in_the_offset_the_page_states(now: datetime) -> None:
    """22:04Z is 00:04 the next day in Linz: the publisher's day, not the UTC one."""
    candidates = [
        ("published", "2019-10-18T22:04:00Z", "json-ld:datePublished"),
        ("published", "Sat, 19 Oct 2019 00:04:00 +0200", "meta:date"),
    ]
    assert _published(candidates, now) == ("2019-10-19T00:04:00+02:00", "json-ld:datePublished")


def test_a_utc_time_an_evening_earlier_in_the_americas_keeps_its_day_there(
    now: datetime,
) -> None:
    """21:30Z is 14:30 the same day at -07:00: a <time> of the next morning is not the day."""
    candidates = [
        ("published", "2020-08-14T21:30:04+00:00", "json-ld:datePublished"),
        ("published", "2020-08-14T21:30:04+00:00", "meta:article:published_time"),
        ("published", "2020-08-15T09:35:53-07:00", "time[datetime]"),
    ]
    assert _published(candidates, now) == ("2020-08-14T14:30:04-07:00", "json-ld:datePublished")


def test_a_utc_time_after_midnight_gives_way_to_the_day_the_dateline_shows(
    now: datetime,
) -> None:
    candidates = [
        ("published", "2022-05-04T00:44:52.000Z", "json-ld:datePublished"),
        ("published", "2022-05-03", "dateline"),
    ]
    assert _published(candidates, now) == ("2022-05-03T00:00:00+00:00", "dateline")


def test_a_utc_time_on_the_dateline_s_day_stays(now: datetime) -> None:
    candidates = [
        ("published", "2019-10-19T03:00:00.000Z", "json-ld:datePublished"),
        ("published", "2019-10-18T20:00:25.850Z", "meta:date"),
        ("published", "2019-10-19", "dateline"),
    ]
    assert _published(candidates, now)[0].startswith("2019-10-19T03:00:00")


def test_a_utc_hour_alone_is_not_shifted(now: datetime) -> None:
    candidates = [
        ("published", "2020-01-19T12:25:36Z", "json-ld:datePublished"),
        ("published", "2020-01-20", "trafilatura"),
    ]
    assert _published(candidates, now)[0] == "2020-01-19T12:25:36+00:00"


def test_a_local_midnight_stored_in_utc_is_the_next_day(now: datetime) -> None:
    candidates = [("published", "2022-11-06T23:00:00.000Z", "meta:article:published_time")]
    assert _published(candidates, now)[0] == "2022-11-07T00:00:00+01:00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.12.2022, 07:00:03", "2022-12-10T07:00:03+00:00"),  # dots: day first
        ("01-11-2023 10:29", "2023-11-01T10:29:00+00:00"),  # dashes: day first
        ("11/01/2023 12:43:42", "2023-11-01T12:43:42+00:00"),  # slashes in a machine field
        ("Wed, 04 May 2022 00:25:56 GMT", "2022-05-04T00:25:56+00:00"),
        ("3 de mayo de 2022", "2022-05-03T00:00:00+00:00"),  # written: the dateline grammar
        ("Di., 25.01.2022 - 14:45", "2022-01-25T00:00:00+00:00"),
        ("12 марта 2025 г.", "2025-03-12T00:00:00+00:00"),
    ],
)
def test_machine_and_written_dates_are_read(value: str, expected: str) -> None:
    parsed = parse_date(value)
    assert parsed is not None and parsed.isoformat() == expected


PAGES = Path(__file__).parent / "fixtures" / "dates" / "pages"


def test_un_news_first_paragraph_dateline_gives_the_day_not_the_url_month(now: datetime) -> None:
    """Issue 11: "15 April 2025 | SDGs …" opening the story is its date; the URL's month
    (trafilatura's guess, the 1st) is not."""
    html = (PAGES / "un-news-opening-dateline.html").read_text(encoding="utf-8")
    url = "https://news.un.org/en/story/2025/04/1162001"
    assert ("published", "2025-04-15", "dateline") in extract(html, url).date_candidates
    record = process_page(html, url, now=lambda: now)
    assert (record["published"], record["published_source"]) == (
        "2025-04-15T00:00:00+00:00",
        "dateline",
    )
    guessed = [("published", "2025-04-01", "trafilatura"), ("published", "2025-04-15", "dateline")]
    assert _published(guessed, now)[0].startswith("2025-04-15")


def test_page_whose_json_ld_disagrees_with_its_meta_and_dateline_gets_their_day(
    now: datetime,
) -> None:
    html = (PAGES / "stale-json-ld.html").read_text(encoding="utf-8")
    record = process_page(html, "https://example.de/schulen-lernen-frieden", now=lambda: now)
    assert (record["published"], record["published_source"]) == (
        "2023-11-06T15:25:00+01:00",
        "meta:article:published_time",
    )
