"""The editor's decisions (crawler.curation): checked, applied to a story's versions, logged
as a journal; stories merged and split; quality flags; the queue and its facets."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler import curation, store
from crawler.curation import Changes, CurationError
from tests.test_store import record

EN = "https://news.un.org/en/story/2025/03/1161234"
RU = "https://news.un.org/ru/story/2025/03/1161235"
KY = "https://www.unicef.org/kyrgyzstan/ky/story-1"
COPY = "https://www.unicef.org/press-releases/story-1"
OTHER = "https://www.undp.org/news/other"


def story_records() -> list[dict[str, Any]]:
    """One story in English (and a copy of it at another agency), Russian and Kyrgyz; and
    an unrelated story."""
    long_text = "Pupils in Bishkek discuss global citizenship in class. " * 12
    return [
        record(url=EN, canonical_url=EN, translations={"ru": RU, "ky": KY}, text=long_text),
        record(
            url=RU,
            canonical_url=RU,
            title="Школы Казахстана учат глобальной гражданственности",
            language="ru",
            title_language="ru",
            translations={"en": EN},
            content_hash="ru",
            text="Текст. " * 100,
            published="2025-03-11T09:00:00+00:00",
        ),
        record(
            url=KY,
            canonical_url=KY,
            title="Кыргызча аталыш",
            language="ky",
            title_language="ky",
            translations={"en": EN},
            content_hash="ky",
            source="unicef",
            published="2025-03-12T09:00:00+00:00",
        ),
        record(
            url=COPY,
            canonical_url=COPY,
            source="unicef",
            translations={},
            text=long_text,
            published="2025-03-12T10:00:00+00:00",
        ),
        record(
            url=OTHER,
            canonical_url=OTHER,
            title="Teachers in Uzbekistan",
            translations={},
            content_hash="other",
            story_id="s2",
            topics=["peace-education"],
            countries=["UZ"],
            published="2025-04-01T00:00:00+00:00",
            relevance=0.9,
        ),
    ]


def key(url: str) -> str:
    return store.item_id(url)


@pytest.fixture
def db(tmp_path: Path, now: datetime) -> Any:
    database = store.open_db(tmp_path / "news.db")
    for item in story_records():
        store.upsert_record(database, item, now)
    return database


def statuses(db: Any) -> dict[str, str]:
    return {row["id"]: row["status"] for row in db["items"].rows}


def test_the_fixture_makes_one_story_of_four_versions_and_another_of_one(db: Any) -> None:
    stories = {row["id"]: row["story_id"] for row in db["items"].rows}
    assert len({stories[key(u)] for u in (EN, RU, KY, COPY)}) == 1
    assert stories[key(OTHER)] != stories[key(EN)]


def test_featuring_one_version_features_its_translations_and_copies(db: Any, now: datetime) -> None:
    changed = curation.decide(db, [key(EN)], Changes(status="featured"), editor="anna", now=now)
    assert sorted(changed) == sorted(key(u) for u in (EN, RU, KY, COPY))
    found = statuses(db)
    assert {found[key(u)] for u in (EN, RU, KY, COPY)} == {"featured"}
    assert found[key(OTHER)] == "candidate"
    assert db["decisions"].count == 4


def test_a_decision_on_one_version_alone_leaves_the_others(db: Any, now: datetime) -> None:
    curation.decide(
        db, [key(RU)], Changes(status="rejected"), editor="anna", now=now, whole_story=False
    )
    assert statuses(db)[key(RU)] == "rejected"
    assert statuses(db)[key(EN)] == "candidate"


def test_an_edited_title_reaches_the_duplicates_in_the_same_language_only(
    db: Any, now: datetime
) -> None:
    curation.decide(db, [key(EN)], Changes(title="  A better  title "), editor="anna", now=now)
    titles = {row["id"]: row["edited_title"] for row in db["items"].rows}
    assert titles[key(EN)] == titles[key(COPY)] == "A better title"
    assert titles[key(RU)] is None and titles[key(KY)] is None


def test_topics_reach_every_version_and_a_note_the_item_alone(db: Any, now: datetime) -> None:
    changes = Changes(topics=("Peace education", "sdg_4_7"), countries=("kg",), note="check")
    curation.decide(db, [key(KY)], changes, editor="anna", now=now)
    for url in (EN, RU, KY, COPY):
        item = store.get_item(db, key(url))
        assert item is not None
        assert item["edited_topics"] == ["peace-education", "sdg-4-7"]
        assert item["edited_countries"] == ["KG"]
        assert item["notes"] == ("check" if url == KY else None)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (Changes(topics=("peace-educaton",)), "unknown topic 'peace-educaton' (did you mean"),
        (Changes(countries=("Kyrgystan",)), "unknown country 'Kyrgystan' (did you mean 'KG'"),
        (Changes(topics=("education",)), "unknown topic 'education'"),
        (Changes(status="published"), "unknown status 'published'"),
    ],
)
def test_a_value_outside_the_taxonomy_is_refused_and_nothing_changes(
    db: Any, now: datetime, changes: Changes, message: str
) -> None:
    with pytest.raises(CurationError, match=message.replace("(", r"\(")) as caught:
        curation.decide(db, [key(EN)], changes, editor="anna", now=now)
    assert "\n" not in str(caught.value)
    assert db["decisions"].count == 0


def test_the_suggestion_names_the_slug_meant(db: Any) -> None:
    with pytest.raises(CurationError) as caught:
        curation.check_changes(Changes(topics=("peace-educaton",)))
    assert str(caught.value) == "unknown topic 'peace-educaton' (did you mean 'peace-education'?)"


def test_an_unknown_id_applies_nothing(db: Any, now: datetime) -> None:
    with pytest.raises(CurationError, match="no item 'nope'"):
        curation.decide(db, [key(EN), "nope"], Changes(status="approved"), editor="a", now=now)
    assert set(statuses(db).values()) == {"candidate"}


def test_every_decision_changes_the_items_version(db: Any, now: datetime) -> None:
    before = store.items_version(db)
    curation.decide(db, [key(OTHER)], Changes(note="x"), editor="anna", now=now)
    after_note = store.items_version(db)
    curation.set_lead(db, key(RU), editor="anna", now=now)
    after_lead = store.items_version(db)
    assert len({before, after_note, after_lead}) == 3


def test_the_journal_reads_like_lines_an_editor_wrote(db: Any, now: datetime) -> None:
    curation.decide(
        db,
        [key(OTHER)],
        Changes(status="rejected", reason="off-topic"),
        editor="anna",
        now=now,
    )
    later = now + timedelta(minutes=5)
    curation.decide(db, [key(OTHER)], Changes(title="Y"), editor="anna", now=later)
    lines = [entry.line for entry in curation.journal(db, item_id=key(OTHER))]
    assert lines == [
        "2025-11-01 12:05 anna: title 'Teachers in Uzbekistan' -> 'Y'",
        "2025-11-01 12:00 anna: status candidate -> rejected (reason: off-topic)",
    ]


def test_a_cleared_edit_is_logged_as_back_to_the_crawled_value(db: Any, now: datetime) -> None:
    curation.decide(db, [key(OTHER)], Changes(title="Y"), editor="anna", now=now)
    curation.decide(db, [key(OTHER)], Changes(title=""), editor="anna", now=now)
    assert store.get_item(db, key(OTHER))["edited_title"] is None  # type: ignore[index]
    newest = curation.journal(db, item_id=key(OTHER))[0]
    assert newest.text == "title 'Y' -> 'Teachers in Uzbekistan' (as crawled)"


def test_the_same_decision_again_changes_and_logs_nothing(db: Any, now: datetime) -> None:
    curation.decide(db, [key(OTHER)], Changes(status="approved"), editor="anna", now=now)
    assert curation.decide(db, [key(OTHER)], Changes(status="approved"), editor="a", now=now) == []
    assert db["decisions"].count == 1


def test_the_desk_journal_names_the_versions_a_story_decision_reached(
    db: Any, now: datetime
) -> None:
    curation.decide(db, [key(EN)], Changes(status="approved"), editor="anna", now=now)
    texts = {entry.item_id: entry.text for entry in curation.journal(db)}
    assert texts[key(EN)] == "status candidate -> approved"
    assert texts[key(RU)] == f"status candidate -> approved (with its story, decided on {key(EN)})"


def test_a_legacy_desk_decision_reads_without_empty_fields(db: Any, now: datetime) -> None:
    fields = {"edited_title": "T", "edited_summary": None, "edited_topics": None, "notes": None}
    store.set_editor_fields(db, key(OTHER), fields, "old", now)
    assert curation.journal(db)[0].text == "title -> 'T'"


# ---- Stories ----


def test_a_story_lists_every_version_with_its_language_and_the_earliest_original_leads(
    db: Any,
) -> None:
    found = curation.story(db, store.get_item(db, key(EN))["story_id"])  # type: ignore[index]
    assert [v["language"] for v in found.versions] == ["en", "ru", "ky", "en"]
    assert found.lead_id == key(EN)
    assert [v["id"] for v in found.versions if v["lead"]] == [key(EN)]


def test_the_editor_chooses_the_lead(db: Any, now: datetime) -> None:
    curation.set_lead(db, key(KY), editor="anna", now=now)
    story_id = store.get_item(db, key(EN))["story_id"]  # type: ignore[index]
    assert curation.story(db, story_id).lead_id == key(KY)
    curation.set_lead(db, key(RU), editor="anna", now=now)
    assert curation.story(db, story_id).lead_id == key(RU)
    assert curation.journal(db)[0].text == f"made the lead of story {story_id} (was {key(KY)})"


def test_merging_and_splitting_stories_is_logged(db: Any, now: datetime) -> None:
    main = store.get_item(db, key(EN))["story_id"]  # type: ignore[index]
    other = store.get_item(db, key(OTHER))["story_id"]  # type: ignore[index]
    assert curation.merge_stories(db, main, other, editor="anna", now=now) == [key(OTHER)]
    assert len(curation.story(db, main).versions) == 5
    assert curation.journal(db, item_id=key(OTHER))[0].text == f"merged story {other} into {main}"

    new = curation.split_version(db, key(COPY), editor="anna", now=now)
    assert new == key(COPY)
    assert [v["id"] for v in curation.story(db, new).versions] == [key(COPY)]
    assert len(curation.story(db, main).versions) == 4
    with pytest.raises(CurationError, match="only version"):
        curation.split_version(db, key(COPY), editor="anna", now=now)


def test_a_status_after_a_merge_reaches_the_merged_versions(db: Any, now: datetime) -> None:
    main = store.get_item(db, key(EN))["story_id"]  # type: ignore[index]
    other = store.get_item(db, key(OTHER))["story_id"]  # type: ignore[index]
    curation.merge_stories(db, main, other, editor="anna", now=now)
    curation.decide(db, [key(EN)], Changes(status="rejected"), editor="anna", now=now)
    assert set(statuses(db).values()) == {"rejected"}


# ---- Quality flags ----


@pytest.mark.parametrize(
    ("fields", "flag"),
    [
        ({"text": "Short."}, "short-body"),
        ({"published": None}, "no-date"),
        ({"published_source": "url"}, "weak-date"),
        ({"title_language": "kk", "language": "ru"}, "language-mismatch"),
        ({"language_confidence": 0.3}, "low-language-confidence"),
        ({"language": "und"}, "low-language-confidence"),
        ({"relevance": 0.23}, "borderline-relevance"),
        ({"story_reason": "near-identical text (93% overlap)"}, "possible-duplicate"),
        ({"story_reason": "translation: same day, shared names"}, "possible-duplicate"),
        ({"extraction": "generic"}, "generic-extraction"),
    ],
)
def test_each_quality_flag_names_what_is_doubtful(fields: dict[str, Any], flag: str) -> None:
    sound = {**record(text="Words. " * 100, relevance=0.8), "extraction": "site-rules"}
    assert curation.quality_flags(sound, threshold=0.2) == []
    assert flag in curation.quality_flags({**sound, **fields}, threshold=0.2)
    assert set(curation.FLAGS) >= set(curation.quality_flags({**sound, **fields}, threshold=0.2))


def test_the_queue_filters_by_flag_as_quality_flags_computes_them(db: Any) -> None:
    everything = curation.queue(db, statuses=None, per_page=100)
    for item in everything.items:
        assert item["flags"] == curation.quality_flags(item, threshold=0.2)
    short = curation.queue(db, statuses=None, flag="short-body")
    assert {i["id"] for i in short.items} == {
        i["id"] for i in everything.items if "short-body" in i["flags"]
    }
    assert 0 < short.total < everything.total


# ---- The queue ----


def test_the_queue_shows_each_items_story_size_and_pages(db: Any) -> None:
    page = curation.queue(db, per_page=2)
    assert (page.total, page.pages, page.page) == (5, 3, 1)
    assert page.items[0]["id"] == key(OTHER)  # most relevant first
    sizes = {i["id"]: i["story_size"] for i in curation.queue(db, per_page=10).items}
    assert sizes[key(OTHER)] == 1 and sizes[key(EN)] == 4
    assert curation.queue(db, per_page=2, page=99).page == 3


def test_the_queue_finds_words_of_the_editors_title_and_notes(db: Any, now: datetime) -> None:
    curation.decide(db, [key(OTHER)], Changes(title="Zebra crossing"), editor="a", now=now)
    curation.decide(db, [key(KY)], Changes(note="ask the office"), editor="a", now=now)
    assert [i["id"] for i in curation.queue(db, query="zebra").items] == [key(OTHER)]
    assert [i["id"] for i in curation.queue(db, query='office "ask').items] == [key(KY)]


def test_the_queue_filters_by_edited_topic_and_country_and_dates(db: Any, now: datetime) -> None:
    curation.decide(db, [key(OTHER)], Changes(countries=("KG",)), editor="a", now=now)
    assert [i["id"] for i in curation.queue(db, country="KG").items] == [key(OTHER)]
    assert [i["id"] for i in curation.queue(db, topic="peace-education").items] == [key(OTHER)]
    assert [i["id"] for i in curation.queue(db, since="2025-04-01").items] == [key(OTHER)]
    assert key(OTHER) not in {i["id"] for i in curation.queue(db, until="2025-03-31").items}


def test_the_queue_sorts_newest_or_oldest(db: Any) -> None:
    newest = [i["id"] for i in curation.queue(db, sort="newest").items]
    assert newest[0] == key(OTHER)
    assert [i["id"] for i in curation.queue(db, sort="oldest").items] == newest[::-1]


def test_facets_count_the_values_of_the_queue(db: Any) -> None:
    found = curation.facets(db, ("candidate",))
    assert dict(found["source"]) == {"un-news": 3, "unicef": 2}
    assert dict(found["language"]) == {"en": 3, "ru": 1, "ky": 1}
    assert dict(found["country"])["UZ"] == 1
    assert dict(found["flag"])["short-body"] == 2


def test_taxonomy_choices_hold_topics_and_countries_with_labels() -> None:
    choices = curation.taxonomy_choices()
    assert ("peace-education", "Peace education") in choices["topics"]
    assert "KG" in dict(choices["countries"])
    assert "education" not in dict(choices["topics"])


# ---- Sources ----


def test_the_source_panel_tells_items_failures_and_zero_yield_runs(db: Any, now: datetime) -> None:
    from types import SimpleNamespace

    for day, fetches in enumerate(
        [
            {"un-news": {"requests": 9, "stored": 3, "new": 3}, "unicef": {"requests": 5}},
            {"un-news": {"requests": 9, "not_modified": 4}, "unicef": {"requests": 6}},
        ]
    ):
        stamp = now - timedelta(days=2 - day)
        run = store.start_run(db, "crawl", stamp)
        store.finish_run(db, run, "ok", {"fetches": fetches}, stamp)
    store.mark_seen(db, EN, EN, None, "new", now, source="un-news")
    store.mark_failed(db, "https://www.unicef.org/x", "unicef", "HTTP 500", {}, now)
    sources = [SimpleNamespace(name=name) for name in ("un-news", "unicef", "undp")]

    panel = {row.source: row for row in curation.source_health(db, sources, now)}

    assert (panel["un-news"].state, panel["un-news"].items) == ("ok", 3)
    assert panel["un-news"].zero_yield_runs == 0
    assert [run["stored"] for run in panel["un-news"].recent] == [0, 3]
    assert (panel["unicef"].state, panel["unicef"].failing_pages) == ("empty", 1)
    assert panel["unicef"].zero_yield_runs == 2
    assert panel["undp"].state == "never crawled" and panel["undp"].recent == []
