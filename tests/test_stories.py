"""Duplicates and translations end in one story; unrelated stories of the same day do not."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from crawler import store
from pipelines.dedup import content_hash, minhash, numbers

EN_TEXT = (
    "UNICEF and the Ministry of Education opened 120 inclusive classrooms in 14 regions, "
    "reaching 3,400 children with disabilities. The programme trained 860 teachers and will "
    "expand to 45 more schools in 2026, with a budget of 2.5 million dollars."
)
RU_TEXT = (
    "ЮНИСЕФ и Министерство просвещения открыли 120 инклюзивных классов в 14 регионах, "
    "охватив 3 400 детей с инвалидностью. Программа подготовила 860 учителей и в 2026 году "
    "охватит ещё 45 школ; бюджет составит 2,5 млн долларов."
)


def record(url: str, text: str, language: str = "en", **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "url": url,
        "canonical_url": url,
        "source": "unicef",
        "title": text[:40],
        "text": text,
        "language": language,
        "published": "2025-05-26T09:00:00+05:00",
        "content_hash": content_hash(text),
        "minhash": minhash(text),
        "story_id": "own-" + url[-6:],
        "translations": {},
    }
    base.update(fields)
    return base


@pytest.fixture
def db(tmp_path: Path) -> Any:
    return store.open_db(tmp_path / "news.db")


def story_of(db: Any, url: str) -> tuple[str, str | None]:
    item = store.get_by_url(db, url)
    assert item is not None
    return item["story_id"], item["story_reason"]


def test_same_press_release_on_global_and_country_site_is_one_story(db: Any, now: datetime) -> None:
    store.upsert_record(db, record("https://www.unicef.org/press-releases/inclusive", EN_TEXT), now)
    store.upsert_record(
        db, record("https://www.unicef.org/kazakhstan/en/press-releases/inclusive", EN_TEXT), now
    )
    first = story_of(db, "https://www.unicef.org/press-releases/inclusive")
    second = story_of(db, "https://www.unicef.org/kazakhstan/en/press-releases/inclusive")
    assert second == (first[0], "same text")


LONG_TEXT = "\n".join(
    [
        EN_TEXT,
        "Teachers said the new classrooms changed how pupils learn together. Ramps, accessible "
        "toilets and learning materials in braille and sign language were installed in every "
        "school, and parents joined committees that follow each child's progress.",
        "The Minister of Education said the government would include inclusive education in "
        "the national budget from next year, so that every district can open at least one "
        "resource centre for children with special educational needs.",
        "UNICEF called on local authorities to collect better data on children with "
        "disabilities, many of whom are still not registered and never attend school, and to "
        "involve young people with disabilities in planning the services meant for them.",
        "The programme is funded by the European Union and implemented with civil society "
        "organizations of persons with disabilities, which trained school staff and helped "
        "families apply for the support they are entitled to under the law.",
    ]
)


def test_a_lightly_edited_copy_is_a_near_duplicate(db: Any, now: datetime) -> None:
    edited = LONG_TEXT.replace("opened", "have opened").replace("dollars.", "US dollars.")
    store.upsert_record(db, record("https://www.unicef.org/press-releases/a", LONG_TEXT), now)
    store.upsert_record(db, record("https://www.undp.org/news/b", edited), now)
    story, reason = story_of(db, "https://www.undp.org/news/b")
    assert story == story_of(db, "https://www.unicef.org/press-releases/a")[0]
    assert reason is not None and reason.startswith("near-identical text")


def test_hreflang_translations_join_one_story(db: Any, now: datetime) -> None:
    en, ru = "https://www.undp.org/kyrgyzstan/news/x", "https://www.undp.org/ru/kyrgyzstan/news/x"
    store.upsert_record(db, record(en, EN_TEXT, translations={"ru": ru}), now)
    store.upsert_record(db, record(ru, RU_TEXT, "ru", translations={"en": en}), now)
    assert story_of(db, ru) == (story_of(db, en)[0], "hreflang")


def test_translation_without_hreflang_is_found_by_date_and_numbers(db: Any, now: datetime) -> None:
    en, ru = "https://www.unicef.org/kazakhstan/en/x", "https://www.unicef.org/kazakhstan/ru/y"
    store.upsert_record(db, record(en, EN_TEXT), now)
    store.upsert_record(db, record(ru, RU_TEXT, "ru"), now)
    story, reason = story_of(db, ru)
    assert story == story_of(db, en)[0]
    assert reason is not None and reason.startswith("translation: same date and numbers")


def test_unrelated_stories_of_the_same_day_stay_apart(db: Any, now: datetime) -> None:
    other = (
        "Wheat prices fell by 3 per cent in May as harvests in the northern hemisphere "
        "came in above forecasts, the Food and Agriculture Organization said on Friday."
    )
    store.upsert_record(db, record("https://news.un.org/en/story/2025/05/1", EN_TEXT), now)
    store.upsert_record(db, record("https://news.un.org/ru/story/2025/05/2", other, "ru"), now)
    third = "The Security Council extended the mandate of the mission in South Sudan for a year."
    store.upsert_record(db, record("https://news.un.org/en/story/2025/05/3", third), now)
    stories = {
        story_of(db, f"https://news.un.org/{p}")[0]
        for p in ("en/story/2025/05/1", "ru/story/2025/05/2")
    }
    assert len(stories) == 2
    assert story_of(db, "https://news.un.org/en/story/2025/05/3")[1] is None


def test_a_stored_item_keeps_its_story_when_crawled_again(db: Any, now: datetime) -> None:
    url = "https://www.unicef.org/press-releases/inclusive"
    store.upsert_record(db, record(url, EN_TEXT), now)
    store.upsert_record(db, record("https://www.unicef.org/kazakhstan/en/x", EN_TEXT), now)
    assert (
        store.upsert_record(db, record("https://www.unicef.org/kazakhstan/en/x", EN_TEXT), now)
        == "unchanged"
    )


def test_numbers_are_read_in_any_digits() -> None:
    assert numbers("١٢٠ فصلا و 3,400 طفل") == {"120", "3400"}
