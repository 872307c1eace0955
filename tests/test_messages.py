"""The interface strings as gettext catalogues: the .pot lists what the code and templates
mark, every language's .po translates all of it, counts take each language's plural form in
built pages, and a broken .po is refused naming its file and the message."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from crawler.digest import CatalogueError, build_site
from crawler.digest.i18n import UI_LANGUAGES
from crawler.digest.messages import SOURCE_LANGUAGE, TEMPLATE, catalogue_path
from crawler.digest.render import TEMPLATES_DIR, load_theme
from tests.conftest import ROOT, subprocess_env
from tests.test_digest import NOW, make_item, parse

TRANSLATED = [code for code in UI_LANGUAGES if code != SOURCE_LANGUAGE]


def read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def messages(catalog: Catalog) -> set[tuple[str | None, str | tuple[str, ...]]]:
    """(msgctxt, msgid or (msgid, msgid_plural)) of every message but the header."""
    return {
        (message.context, message.id if isinstance(message.id, str) else tuple(message.id))
        for message in catalog
        if message.id
    }


def test_pot_lists_exactly_the_strings_the_code_and_templates_mark(tmp_path: Path) -> None:
    extracted = tmp_path / "messages.pot"
    result = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-o", str(extracted), "."],
        cwd=ROOT, env=subprocess_env(ROOT), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr

    committed = messages(read(TEMPLATES_DIR / TEMPLATE))
    found = messages(read(extracted))
    assert (sorted(found - committed, key=str), sorted(committed - found, key=str)) == ([], []), (
        "site_templates/locale/messages.pot is out of date: run `make messages`"
    )


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_of_the_pot_is_translated_in_every_form(code: str) -> None:
    template = read(TEMPLATES_DIR / TEMPLATE)
    catalog = read(TEMPLATES_DIR / catalogue_path(code))

    problems = []
    for wanted in template:
        if not wanted.id:
            continue
        message = catalog.get(wanted.id, wanted.context)
        forms = [] if message is None else message.string
        forms = [forms] if isinstance(forms, str) else list(forms)
        expected = catalog.num_plurals if wanted.pluralizable else 1
        if message is None or message.fuzzy or len(forms) != expected or not all(forms):
            problems.append(wanted.id)
    assert problems == []


def test_english_is_the_source_language_with_no_catalogue_of_its_own() -> None:
    assert not (TEMPLATES_DIR / catalogue_path("en")).exists()
    assert sorted(path.parts[-3] for path in TEMPLATES_DIR.glob(catalogue_path("*"))) == sorted(
        TRANSLATED
    )


@cache
def site_with_stories(count: int, tmp: Path) -> Path:
    out = tmp / f"site-{count}"
    items = [make_item(f"s{n}", language="ru", title=f"Новость {n}") for n in range(count)]
    build_site(items, out, now=NOW, search=False)
    return out


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], Path]:
    folder = tmp_path_factory.mktemp("plurals")
    return lambda count: site_with_stories(count, folder)


@pytest.mark.parametrize(
    ("code", "count", "sentence"),
    [
        ("ru", 1, "На сайте 1 материал."),
        ("ru", 2, "На сайте 2 материала."),
        ("ru", 5, "На сайте 5 материалов."),
        ("ru", 11, "На сайте 11 материалов."),
        ("ru", 21, "На сайте 21 материал."),
        ("ru", 100, "На сайте 100 материалов."),
        ("ar", 0, "لا توجد أخبار معروضة في هذا الموقع."),
        ("ar", 1, "يعرض هذا الموقع خبرًا واحدًا."),
        ("ar", 2, "يعرض هذا الموقع خبرين."),
        ("ar", 3, "يعرض هذا الموقع 3 أخبار."),
        ("ar", 5, "يعرض هذا الموقع 5 أخبار."),
        ("ar", 11, "يعرض هذا الموقع 11 خبرًا."),
        ("ar", 21, "يعرض هذا الموقع 21 خبرًا."),
        ("ar", 100, "يعرض هذا الموقع 100 خبر."),
        ("ar", 102, "يعرض هذا الموقع 102 خبر."),
        ("en", 1, "1 story is shown on this site."),
        ("en", 21, "21 stories are shown on this site."),
    ],
)
def test_statistics_page_counts_the_stories_in_the_plural_form_of_its_language(
    sites: Callable[[int], Path], code: str, count: int, sentence: str
) -> None:
    page = parse(sites(count) / code / "stats.html")

    assert page.cssselect("main > p")[0].text == sentence


@pytest.mark.parametrize(
    ("code", "forms"),
    [
        ("en", {"one": "{count} story found", "other": "{count} stories found"}),
        ("ru", {"one": "Найден {count} материал", "few": "Найдено {count} материала",
                "many": "Найдено {count} материалов"}),
        ("ar", {"zero": "لم يُعثر على أي خبر", "one": "تم العثور على خبر واحد",
                "two": "تم العثور على خبرين", "few": "تم العثور على {count} أخبار",
                "many": "تم العثور على {count} خبرًا", "other": "تم العثور على {count} خبر"}),
        ("zh", {"other": "结果：{count}"}),
    ],
)  # fmt: skip
def test_search_page_gives_its_script_the_results_line_for_each_plural_category(
    sites: Callable[[int], Path], code: str, forms: dict[str, str]
) -> None:
    form = parse(sites(1) / code / "search.html").cssselect("form.search")[0]

    given = {
        name.removeprefix("data-results-"): value
        for name, value in form.attrib.items()
        if name.startswith("data-results-")
    }
    assert given == forms


def theme_copy(tmp_path: Path) -> Path:
    theme = tmp_path / "theme"
    shutil.copytree(TEMPLATES_DIR, theme)
    return theme


def edit(theme: Path, code: str, old: str, new: str) -> None:
    path = theme / catalogue_path(code)
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.mark.parametrize(
    ("code", "old", "new", "error"),
    [
        ('ru', 'msgstr "Обзор"', 'msgstr ""',
         "msgid 'Browse' is not translated"),
        ('fr', 'msgid "Browse"', 'msgid "Browse the site"',
         "msgid 'Browse' is missing"),
        ('es', '#, python-format\nmsgid "Stories in %(name)s"',
         '#, fuzzy, python-format\nmsgid "Stories in %(name)s"',
         "msgid 'Stories in %\\(name\\)s' is fuzzy"),
        ('fr', 'msgstr "Articles en %(name)s"', 'msgstr "Articles en %(nom)s"',
         "msgid 'Stories in %\\(name\\)s': unknown named placeholder 'nom'"),
        ('ru', 'msgstr[2] "На сайте %(count)s материалов."\n', '',
         r"msgid '%\(count\)s story is shown on this site\.' is not translated \(msgstr\[2\]"),
    ],
)  # fmt: skip
def test_broken_catalogue_is_refused_naming_its_file_and_the_message(
    tmp_path: Path, code: str, old: str, new: str, error: str
) -> None:
    theme = theme_copy(tmp_path)
    edit(theme, code, old, new)

    with pytest.raises(CatalogueError, match=re.escape(catalogue_path(code)) + ": " + error):
        load_theme(theme)


def test_plural_rule_that_disagrees_with_cldr_is_refused(tmp_path: Path) -> None:
    theme = theme_copy(tmp_path)
    russian = theme / catalogue_path("ru")
    text = russian.read_text("utf-8")
    header = re.search(r'"Plural-Forms: .*?;\\n"\n', text, re.S)
    assert header is not None
    # "11 материал": the last digit alone, forgetting eleven to fourteen.
    rule = "nplurals=3; plural=(n%10==1 ? 0 : n%10>=2 && n%10<=4 ? 1 : 2);"
    russian.write_text(text.replace(header[0], f'"Plural-Forms: {rule}\\n"\n'), "utf-8")

    with pytest.raises(CatalogueError, match=r"ru/LC_MESSAGES/messages\.po: Plural-Forms .* at 11"):
        load_theme(theme)
