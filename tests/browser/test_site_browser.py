"""The built site in headless Chromium: pages render in both directions, search finds stories
in Russian and Chinese (from any tree, each at its one page in its own language's tree) and
counts them in the plural form of the page's language, filters narrow the results, and the
language switcher keeps the place."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from crawler.digest.render import load_theme
from tests.browser.conftest import CHINESE_WORD, RUSSIAN_WORD

RESULTS = "#search-results li"


def search(page: Any, base_url: str, tree: str, query: str) -> list[str]:
    page.goto(f"{base_url}/{tree}/search.html")
    page.fill("#search-query", query)
    page.press("#search-query", "Enter")
    page.wait_for_selector(RESULTS)
    return result_links(page)


def result_links(page: Any) -> list[str]:
    return [str(link) for link in page.locator(f"{RESULTS} h2 a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )]  # fmt: skip


def test_english_home_page_renders(page: Any, base_url: str, artifacts: Path) -> None:
    page.goto(f"{base_url}/")  # the root offers the languages; English is chosen here
    page.click(".language-list a[hreflang='en']")

    page.wait_for_url(f"{base_url}/en/index.html")
    assert page.locator("h1").inner_text() == "GCED News Digest"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "ltr"
    assert page.locator(".card").count() == 12  # thirteen versions, twelve stories
    assert page.locator(".card.featured h3").first.inner_text().startswith("Global citizenship")
    page.screenshot(path=str(artifacts / "home-en.png"), full_page=True)


def test_arabic_home_page_reads_right_to_left(page: Any, base_url: str, artifacts: Path) -> None:
    page.goto(f"{base_url}/ar/index.html")

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert page.locator("#latest-heading").inner_text() == "أحدث الأخبار"
    russian_title = page.locator("h3[lang=ru]").first
    assert russian_title.evaluate("element => getComputedStyle(element).direction") == "ltr"
    page.screenshot(path=str(artifacts / "home-ar.png"), full_page=True)


@pytest.mark.parametrize(
    ("path", "tree", "lang", "direction", "language_name"),
    [("ar/items/ar-rights.html", "ar", "ar", "rtl", "العربية"),
     ("en/items/kk-children.html", "en", "kk", "ltr", "Kazakh")],  # no Kazakh tree: English
)  # fmt: skip
def test_item_page_shows_the_story_in_its_own_language(
    page: Any,
    base_url: str,
    artifacts: Path,
    path: str,
    tree: str,
    lang: str,
    direction: str,
    language_name: str,
) -> None:
    page.goto(f"{base_url}/{path}")

    assert page.locator("html").get_attribute("lang") == tree
    heading = page.locator("h1")
    assert heading.get_attribute("lang") == lang
    assert heading.evaluate("element => getComputedStyle(element).direction") == direction
    assert page.locator(".facts").inner_text().count(language_name) == 1
    page.screenshot(path=str(artifacts / f"item-{tree}-{lang}.png"), full_page=True)


@pytest.mark.parametrize(
    ("tree", "query", "expected", "story_tree"),
    [("en", RUSSIAN_WORD, "ru-teens", "ru"), ("ru", RUSSIAN_WORD, "ru-teens", "ru"),
     ("en", CHINESE_WORD, "zh-bullying", "zh"), ("zh", CHINESE_WORD, "zh-bullying", "zh"),
     ("ar", "报告", "zh-", "zh"), ("fr", "Қазақстандағы", "kk-children", "en")],
)  # fmt: skip
def test_search_finds_a_story_by_a_word_of_its_text(
    page: Any, base_url: str, tree: str, query: str, expected: str, story_tree: str
) -> None:
    links = search(page, base_url, tree, query)

    assert links
    assert all(link.startswith(f"../{story_tree}/items/{expected}") for link in links), links
    page.locator(f"{RESULTS} h2 a").first.click()
    page.wait_for_url(f"{base_url}/{story_tree}/items/{expected}*.html")
    assert page.locator("html").get_attribute("lang") == story_tree


def test_russian_story_found_from_the_english_search_opens_in_the_russian_tree(
    page: Any, base_url: str
) -> None:
    links = search(page, base_url, "en", RUSSIAN_WORD)

    assert links == ["../ru/items/ru-teens.html"]
    page.locator(f"{RESULTS} h2 a").first.click()
    page.wait_for_url(f"{base_url}/ru/items/ru-teens.html")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == "Права подростков в Казахстане"


RESULTS_LINE = ("%(number)s story found", "%(number)s stories found")
# search.js's own choice of line, by the browser's Intl.PluralRules, for each count (a classic
# script's top-level function is the page's).
RESULTS_LINES = "counts => counts.map(resultsLine)"


@pytest.mark.parametrize(
    ("tree", "lines"),
    [
        ("ru", {1: "Найден 1 материал", 2: "Найдено 2 материала", 5: "Найдено 5 материалов",
                11: "Найдено 11 материалов", 21: "Найден 21 материал",
                100: "Найдено 100 материалов"}),
        ("ar", {0: "لم يُعثر على أي خبر", 1: "تم العثور على خبر واحد", 2: "تم العثور على خبرين",
                3: "تم العثور على 3 أخبار", 5: "تم العثور على 5 أخبار",
                11: "تم العثور على 11 خبرًا", 21: "تم العثور على 21 خبرًا",
                100: "تم العثور على 100 خبر", 102: "تم العثور على 102 خبر"}),
        ("en", {1: "1 story found", 2: "2 stories found"}),
        ("fr", {1: "1 article trouvé", 2: "2 articles trouvés"}),
    ],
)  # fmt: skip
def test_search_script_counts_results_in_the_plural_form_of_the_page_language(
    page: Any, base_url: str, tree: str, lines: dict[int, str]
) -> None:
    page.goto(f"{base_url}/{tree}/search.html")

    assert page.evaluate(RESULTS_LINES, list(lines)) == list(lines.values())


@pytest.mark.parametrize("tree", ["ru", "ar"])
def test_search_status_says_how_many_stories_were_found_as_the_catalogue_does(
    page: Any, base_url: str, tree: str
) -> None:
    search(page, base_url, tree, "UNICEF")
    status = page.locator("#search-status").inner_text()

    found = int(re.findall(r"\d+", status)[0])
    assert found >= 10
    expected = load_theme().catalogues[tree].ngettext(*RESULTS_LINE, found, number=found)
    assert status == expected


def test_filter_narrows_the_results(page: Any, base_url: str, artifacts: Path) -> None:
    everywhere = search(page, base_url, "en", "UNICEF")

    page.select_option("#filter-language", "ru")
    page.wait_for_function(
        "count => document.querySelectorAll('#search-results li').length < count",
        arg=len(everywhere),
    )
    russian = result_links(page)

    assert len(everywhere) >= 10
    assert sorted(russian) == ["../ru/items/ru-rights.html", "../ru/items/ru-schools.html",
                               "../ru/items/ru-teens.html"]  # fmt: skip
    assert "language=ru" in page.url
    page.screenshot(path=str(artifacts / "search-en.png"), full_page=True)


def test_filters_work_from_the_keyboard(page: Any, base_url: str) -> None:
    search(page, base_url, "fr", "UNICEF")

    page.focus("#filter-language")
    page.keyboard.press("ArrowDown")  # the first language offered
    page.wait_for_function("document.querySelector('#filter-language').value !== ''")
    chosen = page.eval_on_selector("#filter-language", "select => select.value")
    page.wait_for_function(
        "lang => { const links = [...document.querySelectorAll('#search-results h2 a')];"
        " return links.length > 0 && links.every(a => a.lang === lang); }", arg=chosen,
    )  # fmt: skip


def test_language_switcher_keeps_the_place(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/en/topic/child-protection/index.html")
    english = page.locator("h1").inner_text()

    page.click(".language-switcher a[hreflang=ru]")

    page.wait_for_url(f"{base_url}/ru/topic/child-protection/index.html")
    assert page.locator("h1").inner_text() == "Тема: Защита детей" != english
    page.click(".language-switcher a[hreflang=ko]")
    page.wait_for_url(f"{base_url}/ko/topic/child-protection/index.html")
    page.click(".card h2 a >> nth=0")  # the newest: a Chinese story, with its page in /zh/
    page.wait_for_url(f"{base_url}/zh/items/zh-education.html")
    # No Arabic version of the story: the nearest place is the Arabic list of Chinese stories.
    page.click(".language-switcher a[hreflang=ar]")
    page.wait_for_url(f"{base_url}/ar/language/zh/index.html")
    assert page.locator(".card h2 a[href='../../../zh/items/zh-education.html']").count() == 1


def test_language_switcher_leads_from_a_story_to_its_translation(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/ru/items/ru-rights.html")

    page.click(".language-switcher a[hreflang=ar]")

    page.wait_for_url(f"{base_url}/ar/items/ar-rights.html")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    page.click(".language-switcher a[hreflang=ru]")
    page.wait_for_url(f"{base_url}/ru/items/ru-rights.html")


def test_listings_work_without_javascript(browser: Any, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    try:
        tab.goto(f"{base_url}/es/browse.html")
        tab.click("a[href='language/ru/index.html']")
        tab.wait_for_url(f"{base_url}/es/language/ru/index.html")  # count() does not wait
        assert tab.locator(".card").count() == 3
        tab.goto(f"{base_url}/es/search.html")
        assert "JavaScript" in tab.locator("noscript").inner_text()
    finally:
        context.close()


@pytest.mark.parametrize(("locale", "offered"), [("ru-RU", "ru"), ("zh-TW", "zh"), ("fr", "fr")])
def test_root_page_offers_the_readers_language_first_and_stays(
    browser: Any, base_url: str, locale: str, offered: str
) -> None:
    context = browser.new_context(locale=locale)
    tab = context.new_page()
    try:
        tab.goto(f"{base_url}/index.html")
        suggested = tab.locator(".language-list li.suggested")
        suggested.wait_for()
        assert suggested.count() == 1
        assert suggested.get_attribute("data-lang") == offered
        first = tab.locator(".language-list li").first
        assert first.get_attribute("data-lang") == offered
        assert tab.locator(".language-list li").count() == 7
        assert tab.url == f"{base_url}/index.html"  # offered, not redirected to
    finally:
        context.close()


def test_root_page_offers_nothing_for_a_language_without_an_interface(
    browser: Any, base_url: str
) -> None:
    context = browser.new_context(locale="de-DE")
    tab = context.new_page()
    try:
        tab.goto(f"{base_url}/index.html")
        tab.wait_for_load_state("load")
        assert tab.evaluate("navigator.languages[0]") == "de-DE"
        assert tab.locator(".language-list li.suggested").count() == 0
        assert tab.locator(".language-list li").first.get_attribute("data-lang") == "en"
    finally:
        context.close()


def test_root_page_lists_every_language_without_javascript(browser: Any, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, locale="ru-RU")
    tab = context.new_page()
    try:
        tab.goto(f"{base_url}/index.html")
        codes = [li.get_attribute("data-lang") for li in tab.locator(".language-list li").all()]
        assert codes == ["en", "fr", "es", "ru", "ar", "zh", "ko"]
        assert tab.locator(".language-list li.suggested").count() == 0
        tab.click("a[hreflang='ru']")
        tab.wait_for_url(f"{base_url}/ru/index.html")
    finally:
        context.close()


RESULT_FACTS = """items => items.map(item => ({
  href: item.querySelector('h2 a').getAttribute('href'),
  date: item.querySelector('.meta time')?.getAttribute('datetime'),
  shown: item.querySelector('.meta').innerText,
}))"""


def result_facts(page: Any) -> list[dict[str, str]]:
    return list(page.locator(RESULTS).evaluate_all(RESULT_FACTS))


def test_search_results_show_date_source_and_language(page: Any, base_url: str) -> None:
    search(page, base_url, "en", RUSSIAN_WORD)

    (fact,) = result_facts(page)
    assert fact["date"] == "2025-04-13"
    assert fact["shown"] == "April 13, 2025 · UN News · Russian"  # in the page's language


def test_search_results_sort_newest_first(page: Any, base_url: str) -> None:
    search(page, base_url, "en", "UNICEF")
    relevance = result_facts(page)

    page.select_option("#search-sort", "newest")
    page.wait_for_url("**sort=newest*")
    page.wait_for_function(
        """() => {
          const dates = [...document.querySelectorAll('#search-results li .meta time')]
            .map(time => time.getAttribute('datetime'));
          return dates.length > 1 && dates.every((d, i) => i === 0 || dates[i - 1] >= d);
        }"""
    )
    newest = result_facts(page)

    dates = [fact["date"] for fact in newest]
    assert len(newest) == len(relevance) >= 10
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == "2025-09-18"  # ar-rights, the newest story with the word


def test_date_range_narrows_the_results(page: Any, base_url: str, artifacts: Path) -> None:
    everywhere = search(page, base_url, "en", "UNICEF")

    page.fill("#search-from", "2025-03")
    page.fill("#search-to", "2025-04")
    page.wait_for_function(
        "count => document.querySelectorAll('#search-results li').length < count",
        arg=len(everywhere),
    )
    dates = [fact["date"] for fact in result_facts(page)]

    assert dates
    assert all("2025-03-01" <= date <= "2025-04-30" for date in dates), dates
    assert {"2025-03-12", "2025-04-13"} <= set(dates)  # en-labour, ru-teens
    assert "from=2025-03" in page.url and "to=2025-04" in page.url
    page.screenshot(path=str(artifacts / "search-range-en.png"), full_page=True)
