"""The whole path for UN News, offline: the real spider, middlewares and pipelines over the
bundled sample archive, run as the `gced-news` command in its own process."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from tests.conftest import SAMPLE_ARCHIVE, run_cli

EXPECTED = json.loads((SAMPLE_ARCHIVE / "EXPECTED.json").read_text(encoding="utf-8"))


def rows(db: Path, sql: str) -> list[dict[str, Any]]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(sql)]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working folder after one nightly run of UN News over the sample archive."""
    work = tmp_path_factory.mktemp("nightly")
    result = run_cli("crawl", "--source", "un-news", "--archive", str(SAMPLE_ARCHIVE), cwd=work)
    assert result.returncode == 0, result.stderr
    (work / "first-report.txt").write_text(result.stdout, encoding="utf-8")
    return work


def test_every_sample_story_is_stored_with_its_title_language_and_date(crawled: Path) -> None:
    stored = {
        row["canonical_url"]: row for row in rows(crawled / "data/news.db", "select * from items")
    }
    assert len(stored) == len(EXPECTED)
    for story in EXPECTED:
        row = stored[story["url"]]
        assert row["title"] == story["title"]
        assert row["language"] == story["language"], story["url"]
        assert row["published"][:10] == story["published"], story["url"]
        assert row["source"] == "un-news"


def test_text_is_the_article_without_the_headline(crawled: Path) -> None:
    stored = {
        row["canonical_url"]: row for row in rows(crawled / "data/news.db", "select * from items")
    }
    for story in EXPECTED:
        text = stored[story["url"]]["text"]
        assert " ".join(story["first_words"].split()) in " ".join(text.split()), story["url"]
        assert not text.startswith(story["title"]), story["url"]


def test_stories_in_six_languages(crawled: Path) -> None:
    languages = {
        row["language"] for row in rows(crawled / "data/news.db", "select language from items")
    }
    assert {"en", "ru", "fr", "es", "ar", "zh"} <= languages


def test_translations_linked_by_hreflang_share_a_story_id(crawled: Path) -> None:
    stored = {
        row["canonical_url"]: row for row in rows(crawled / "data/news.db", "select * from items")
    }
    pairs = [(s["url"], s["translation_of"]) for s in EXPECTED if s["translation_of"]]
    assert pairs
    for url, other in pairs:
        assert stored[url]["story_id"] == stored[other]["story_id"]
        assert other in json.loads(stored[url]["translations"]).values()


def report_row(report: str, source: str, language: str) -> dict[str, int]:
    """The counts of one row of the crawl report's table, by column heading (whatever the
    spacing between the columns)."""
    lines = report.splitlines()
    (header,) = [line.split() for line in lines if line.split()[:2] == ["source", "lang"]]
    (cells,) = [line.split() for line in lines if line.split()[:2] == [source, language]]
    return dict(zip(header[2:], map(int, cells[2:]), strict=True))


def test_report_counts_new_pages_per_language_and_the_failures(crawled: Path) -> None:
    report = (crawled / "first-report.txt").read_text(encoding="utf-8")
    assert "total: 22 new, 0 updated, 0 unchanged, 0 no-article, 2 failed" in report
    assert report_row(report, "un-news", "ru") == {
        "new": 4, "updated": 0, "unchanged": 0, "no-article": 0, "failed": 0
    }  # fmt: skip
    assert "2 pages failed" in report


def test_second_run_adds_nothing_changes_nothing_and_gets_304s(
    crawled: Path, tmp_path: Path
) -> None:
    work = tmp_path / "again"
    shutil.copytree(crawled, work)
    before = rows(work / "data/news.db", "select * from items order by id")
    result = run_cli("crawl", "--source", "un-news", "--archive", str(SAMPLE_ARCHIVE), cwd=work)
    assert result.returncode == 0, result.stderr
    assert rows(work / "data/news.db", "select * from items order by id") == before
    # The two broken pages are asked for again, and fail again; nothing else is.
    assert "total: 0 new, 0 updated, 0 unchanged, 0 no-article, 2 failed" in result.stdout
    # robots.txt and eight feeds: six answered 304; the es and fr feeds, whose pages failed,
    # kept no validators and are read whole, their stored stories skipped (known), and the
    # two broken story pages are asked for again through their redirects (the 500 retried).
    assert "un-news: 14 requests, 6 not modified (304)" in result.stdout


def test_failed_pages_are_remembered_and_tried_again(crawled: Path) -> None:
    failed = rows(
        crawled / "data/news.db", "select url, outcome from seen where outcome = 'failed'"
    )
    assert sorted(row["url"] for row in failed) == [
        "https://news.un.org/feed/view/es/story/2025/10/1541377",
        "https://news.un.org/feed/view/fr/story/2025/10/1158136",
    ]


def test_build_lists_the_relevant_stories_with_links_to_their_pages(
    crawled: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    result = run_cli("build", "--out", str(out), cwd=crawled)
    assert result.returncode == 0, result.stderr
    assert f"index: {out / 'index.html'}" in result.stdout
    home = lxml.html.parse(str(out / "en" / "index.html")).getroot()
    cards = home.cssselect("article.card")
    links = [card.cssselect("h2 a, h3 a")[0].get("href") for card in cards]
    stories = {frozenset({s["url"], s.get("translation_of")}) for s in EXPECTED if s["on_topic"]}
    assert len(links) == len(set(links)) >= len(stories)
    assert all((out / "en" / link).is_file() for link in links)
    versions = {a.get("href") for a in home.cssselect("article.card .versions a")}
    assert versions and not versions & set(links)  # one card per story, its versions as links
    languages = {card.cssselect("[lang]")[0].get("lang") for card in cards}
    assert {"en", "ru", "fr", "es", "ar", "zh"} <= languages
    root = lxml.html.parse(str(out / "index.html")).getroot()
    latest = root.cssselect("ul.root-latest a")
    assert latest and all((out / a.get("href")).is_file() for a in latest)
    assert {"en", "ru", "fr", "es", "ar", "zh"} <= {a.get("lang") for a in latest}


def test_reprocess_reads_the_raw_archive_and_changes_nothing(crawled: Path, tmp_path: Path) -> None:
    work = tmp_path / "reprocess"
    shutil.copytree(crawled, work)
    before = rows(work / "data/news.db", "select * from items order by id")
    result = run_cli("reprocess", cwd=work)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0 new, 0 updated, 22 unchanged, 0 no-article, 0 failed"
    assert rows(work / "data/news.db", "select * from items order by id") == before
