"""Dates: published and updated apart, each from the best evidence, implausible ones rejected."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipelines.dates import choose_dates, parse_date, url_date


def test_json_ld_beats_the_feed_and_the_url(now: datetime) -> None:
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
        "2025-03-11T04:01:55+00:00",
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
    ],
)
def test_url_dates(url: str, expected: str | None) -> None:
    assert url_date(url) == expected
