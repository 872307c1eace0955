"""Golden files: a small store, built into a site, gives exactly the pages checked in under
tests/golden/site/ — the home pages in English and Arabic, one story's page, one topic
listing, one language's Atom feed, sitemap.xml and the search page.

They pin the site's output while its assembly changes: a restructured build must give the
same bytes. After a change of the output that is meant, regenerate them with
``.venv/bin/python tests/golden/regenerate.py``, read ``git diff tests/golden`` and commit
it with the change.
"""

from __future__ import annotations

import difflib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler import store
from crawler.digest import ITEM_FIELDS, build_site
from tests.conftest import FIXED_NOW
from tests.test_store import record

GOLDEN = Path(__file__).with_name("golden") / "site"
REGENERATE = ".venv/bin/python tests/golden/regenerate.py"
BASE_URL = "https://gced-news.example.org"
EDITOR = "golden"

UN = "https://news.un.org"
STORY_EN = f"{UN}/en/story/2025/10/1163001"
STORY_RU = f"{UN}/ru/story/2025/10/1163001"
STORY_AR = f"{UN}/ar/story/2025/10/1163001"
EDITED = "https://www.unicef.org/tajikistan/press-releases/safe-schools-dushanbe"
HIGH_CANDIDATE = "https://www.undp.org/kyrgyzstan/news/young-peacebuilders-osh"
LOW_CANDIDATE = "https://www.undp.org/uzbekistan/news/solar-panels-tashkent-hospital"
KAZAKH = "https://www.unicef.org/kazakhstan/kk/press-releases/balalar-quqyqtary"
REJECTED = "https://news.un.org/en/story/2025/10/1163099"


def story_records() -> list[dict[str, Any]]:
    """The stories of the golden store, as a crawl hands them to the store: one story told
    in English, Russian and Arabic (hreflang-linked), a UNICEF release the editor retitles,
    an unreviewed candidate above the threshold and one below it, a Kazakh release (a
    language without an interface of its own) and a story the editor rejects."""
    translations = {"en": STORY_EN, "ru": STORY_RU, "ar": STORY_AR}

    def told_in(lang: str, url: str, **fields: Any) -> dict[str, Any]:
        links = {code: link for code, link in translations.items() if code != lang}
        return record(url=url, canonical_url=url, language=lang, title_language=lang,
                      translations=links, content_hash=f"golden-{lang}", story_id=None,
                      topics=["global-citizenship", "youth-participation"],
                      countries=["KZ", "central-asia"], relevance=0.8, **fields)  # fmt: skip

    return [
        told_in("en", STORY_EN,
                title="Young people in Kazakhstan learn to be global citizens",
                published="2025-10-14T08:00:00+00:00",
                summary="Schools in Almaty and Astana teach global citizenship.",
                text="Schools in Almaty and Astana teach global citizenship.\n"
                     "Pupils discuss human rights & peace <every week>."),
        told_in("ru", STORY_RU,
                title="Молодёжь Казахстана учится быть гражданами мира",
                summary="Школы Алматы и Астаны учат глобальной гражданственности.",
                text="Школы Алматы и Астаны учат глобальной гражданственности.\n"
                     "Ученики обсуждают права человека и мир.",
                published="2025-10-14T09:30:00+00:00"),
        told_in("ar", STORY_AR,
                title="شباب كازاخستان يتعلمون المواطنة العالمية",
                summary="مدارس ألماتي وأستانا تعلم المواطنة العالمية.",
                text="مدارس ألماتي وأستانا تعلم المواطنة العالمية.\nيناقش التلاميذ حقوق الإنسان.",
                published="2025-10-14T11:00:00+00:00"),
        record(url=EDITED, canonical_url=EDITED, source="unicef", language="en",
               title="Press release | UNICEF Tajikistan: safe schools",
               summary="UNICEF and the Ministry open safe schools in Dushanbe.",
               text="UNICEF and the Ministry open safe schools in Dushanbe.\n"
                    "Teachers learn to protect children from violence.",
               published="2025-09-30T06:00:00+05:00", published_source="meta:article",
               topics=["child-protection", "violence-against-children"], countries=["TJ"],
               relevance=0.7, translations={}, content_hash="golden-edited", story_id=None,
               authors=["UNICEF Tajikistan"], image="https://www.unicef.org/tajikistan/safe.jpg"),
        record(url=HIGH_CANDIDATE, canonical_url=HIGH_CANDIDATE, source="undp", language="en",
               title="Young peacebuilders meet in Osh",
               summary="A youth forum on peace education in southern Kyrgyzstan.",
               text="A youth forum on peace education in southern Kyrgyzstan.",
               published="2025-10-02T08:00:00+06:00", topics=["peace-education"],
               countries=["KG"], relevance=0.45, translations={}, content_hash="golden-high",
               story_id=None),
        record(url=LOW_CANDIDATE, canonical_url=LOW_CANDIDATE, source="undp", language="en",
               title="Solar panels for a hospital in Tashkent",
               summary="A school nearby is mentioned in passing.",
               text="Solar panels power a hospital; a school nearby is mentioned in passing.",
               published="2025-10-20T08:00:00+05:00", topics=[], countries=["UZ"],
               relevance=0.1, translations={}, content_hash="golden-low", story_id=None),
        record(url=KAZAKH, canonical_url=KAZAKH, source="unicef", language="kk",
               title_language="kk", title="Балалар құқықтары мектепте",
               summary="Мектептерде балалар құқықтары туралы сабақтар өтеді.",
               text="Мектептерде балалар құқықтары туралы сабақтар өтеді.",
               published="2025-08-05T10:00:00+05:00", topics=["global-citizenship"],
               countries=["KZ"], relevance=0.5, translations={}, content_hash="golden-kk",
               story_id=None),
        record(url=REJECTED, canonical_url=REJECTED, title="Casino bonus for global citizens",
               summary="Spam.", text="Spam.", published="2025-10-25T08:00:00+00:00",
               relevance=0.6, translations={}, content_hash="golden-rejected", story_id=None),
    ]  # fmt: skip


# The editor's decisions, by canonical URL.
DECISIONS: dict[str, dict[str, Any]] = {
    STORY_EN: {"status": "featured"},
    STORY_RU: {"status": "approved"},
    STORY_AR: {"status": "approved"},
    EDITED: {
        "status": "approved",
        "edited_title": "Safe schools open in Dushanbe",
        "edited_summary": "Fifty schools in Dushanbe become safe places to learn.",
        "edited_topics": ["child-protection"],
    },
    KAZAKH: {"status": "approved"},
    REJECTED: {"status": "rejected"},
}  # the two UNDP stories stay unreviewed candidates


def fill_store(db: Any, now: datetime) -> None:
    for item in story_records():
        store.upsert_record(db, item, now)
    for url, fields in DECISIONS.items():
        stored = store.get_by_url(db, url)
        assert stored is not None, url
        store.set_editor_fields(db, stored["id"], fields, EDITOR, now)


def build_from_store(db: Any, out: Path, now: datetime, workers: int | None = None) -> Path:
    """Build the site as `gced-news build` does (crawler/cli.py), with the default
    [site] settings, a base URL, the given clock and no Pagefind index."""
    build_site(
        store.iter_items(db, statuses=("candidate", "approved", "featured"), ordered=False,
                         fields=ITEM_FIELDS),
        out,
        now=now,
        base_url=BASE_URL,
        search=False,
        items_version=store.items_version(db),
        workers=workers,
    )  # fmt: skip
    return out


def build_golden_site(folder: Path, now: datetime = FIXED_NOW, workers: int | None = None) -> Path:
    """A fresh store in `folder`, filled with the golden stories, built into folder/site
    (`workers`: the build's processes; by default one, as for any small site)."""
    db = store.open_db(folder / "news.db")
    try:
        fill_store(db, now)
        return build_from_store(db, folder / "site", now, workers)
    finally:
        db.close()


ITEM_EN = store.item_id(STORY_EN)
PAGES = (
    "en/index.html",
    "ar/index.html",
    f"en/items/{ITEM_EN}.html",
    "en/topic/global-citizenship/index.html",
    "feeds/language/en.xml",
    "sitemap.xml",
    "en/search.html",
)


def compared(site: Path, page: str) -> str:
    """The page as compared. Nothing is normalised: the build takes no clock, version or
    code hash into its output (the pages' dates are the stories' own), so every byte counts."""
    return (site / page).read_bytes().decode("utf-8")


def difference(site: Path, page: str) -> str:
    """A unified diff from the golden file to the built page; empty when they are the same."""
    golden = GOLDEN / page
    expected = golden.read_bytes().decode("utf-8") if golden.is_file() else ""
    actual = compared(site, page)
    lines = difflib.unified_diff(
        expected.splitlines(keepends=True),
        actual.splitlines(keepends=True),
        fromfile=f"tests/golden/site/{page}",
        tofile=f"built/{page}",
    )
    return "".join(lines)


@pytest.fixture(scope="module", params=[1, 2], ids=["one-process", "forked-workers"])
def site(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """The golden site, built in one process (as small sites are) and by forked workers (as
    large ones are): both must give the golden bytes."""
    return build_golden_site(tmp_path_factory.mktemp("golden"), workers=request.param)


@pytest.mark.parametrize("page", PAGES)
def test_page_is_byte_for_byte_its_golden_file(site: Path, page: str) -> None:
    assert (GOLDEN / page).is_file(), f"no golden file for {page}: run {REGENERATE}"
    diff = difference(site, page)
    if diff:
        pytest.fail(
            f"{page} differs from tests/golden/site/{page}:\n{diff}\n"
            f"If this change of the output is intended, run {REGENERATE}, "
            "check `git diff tests/golden` and commit the golden files with the change.",
            pytrace=False,
        )


def test_golden_folder_holds_exactly_the_compared_pages() -> None:
    held = sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file())

    assert held == sorted(PAGES), f"stale or missing golden files: run {REGENERATE}"


def test_the_store_gives_the_pages_what_they_are_meant_to_show(site: Path) -> None:
    english, arabic = compared(site, "en/index.html"), compared(site, "ar/index.html")
    item = compared(site, f"en/items/{ITEM_EN}.html")

    assert '<html lang="ar" dir="rtl"' in arabic
    assert "Safe schools open in Dushanbe" in english  # the editor's title ...
    assert "Press release | UNICEF Tajikistan" not in english  # ... over the scraped one
    assert "Young peacebuilders meet in Osh" in english  # a candidate above the threshold,
    assert '<article class="card unreviewed">' in english  # marked,
    assert "Solar panels" not in english  # and one below it
    assert "Casino" not in english  # rejected
    assert f"../../ru/items/{store.item_id(STORY_RU)}.html" in item  # its translations
    assert f"../../ar/items/{store.item_id(STORY_AR)}.html" in item


def test_a_title_changed_in_the_store_shows_in_a_compared_page(tmp_path: Path) -> None:
    """The comparison can fail. The crawl that finds the new title is stamped a day later,
    as the next night's would be: the store's items_version tells changes apart by their
    time stamps, so a change stamped with the same fixed moment would look like none and
    the build would rightly skip."""
    site = build_golden_site(tmp_path)
    db = store.open_db(tmp_path / "news.db")
    next_night = FIXED_NOW + timedelta(days=1)
    new_title = "A headline the golden files do not hold"
    try:
        changed = {**story_records()[0], "title": new_title}
        assert store.upsert_record(db, changed, next_night) == "updated"
        build_from_store(db, site, next_night)
    finally:
        db.close()

    diffs = {page: difference(site, page) for page in PAGES}
    shown = {
        page
        for page, diff in diffs.items()
        if any(line.startswith("+") and new_title in line for line in diff.splitlines())
    }

    assert {"en/index.html", f"en/items/{ITEM_EN}.html", "feeds/language/en.xml"} <= shown
