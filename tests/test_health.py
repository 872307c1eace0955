"""Source health: a source that stops yielding is flagged the same day."""

from __future__ import annotations

from datetime import datetime, timedelta

from crawler.health import assess


def test_a_source_that_stored_new_items_is_ok(now: datetime) -> None:
    health = assess("unesco", {"requests": 12, "stored": 5, "new": 2}, now, now)
    assert (health.state, health.healthy) == ("ok", True)


def test_nothing_new_but_304s_is_ok(now: datetime) -> None:
    assert assess(
        "un-news", {"requests": 9, "not_modified": 8}, now - timedelta(days=1), now
    ).healthy


def test_all_entry_points_failing_is_failing(now: datetime) -> None:
    health = assess("undp", {"requests": 4, "entry_points_failed": 3}, now, now)
    assert health.state == "failing" and "3 feeds" in health.detail


def test_pages_fetched_but_no_article_found_is_empty(now: datetime) -> None:
    health = assess("unicef", {"requests": 40, "stored": 0}, now, now)
    assert health.state == "empty" and "site changed" in health.detail


def test_no_new_item_for_two_weeks_is_stale(now: datetime) -> None:
    health = assess(
        "unicef-kazakhstan", {"requests": 4, "not_modified": 3}, now - timedelta(days=20), now
    )
    assert health.state == "stale"


def test_a_source_never_crawled_says_so(now: datetime) -> None:
    assert assess("undp-turkmenistan", None, None, now).state == "never crawled"


def test_pages_that_all_failed_make_the_source_failing_not_empty(now: datetime) -> None:
    health = assess("unesco", {"requests": 30, "stored": 0, "failed": 12}, now, now)
    assert health.state == "failing" and "all 12 pages" in health.detail
