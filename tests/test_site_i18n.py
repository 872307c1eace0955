"""The seven interface languages: complete data catalogues (the interface strings' gettext
catalogues: tests/test_messages.py), one tree each, every story's page in
the tree of its own language, a switcher that keeps the place (or comes nearest to it),
right-to-left Arabic, and names shown in the reader's language."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from crawler.digest import CatalogueError, build_site
from crawler.digest.i18n import TABLES, UI_LANGUAGES, _placeholders, load_catalogues
from crawler.digest.render import TEMPLATES_DIR
from pipelines.topics import load_taxonomy
from tests.test_digest import NOW, make_item, parse

CATALOGUES = TEMPLATES_DIR / "i18n"
KAZAKHSTAN = ["KZ", "central-asia"]


def catalogue(code: str) -> dict[str, dict[str, str]]:
    with (CATALOGUES / f"{code}.toml").open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("i18n") / "site"
    items = [
        # One story told in English, French and Arabic (none of the other four languages).
        make_item("en1", topics=["child-protection"], countries=KAZAKHSTAN, story_id="rights"),
        make_item("fr1", language="fr", title="Les droits de l’enfant", countries=KAZAKHSTAN,
                  story_id="rights"),
        make_item("ar1", language="ar", title="حقوق الطفل", countries=KAZAKHSTAN,
                  story_id="rights"),
        # A story of its own in each other interface language: ru1, es1, zh1, ko1 ...
        *(make_item(f"ru{n}", language="ru", title=f"Новость {n}", countries=KAZAKHSTAN)
          for n in range(60)),
        make_item("es1", language="es", title="Derechos del niño", countries=KAZAKHSTAN),
        make_item("zh1", language="zh", title="儿童权利", countries=KAZAKHSTAN),
        make_item("ko1", language="ko", title="아동의 권리", countries=KAZAKHSTAN),
        # ... and stories in languages the site has no interface in, or in none known.
        make_item("kk1", language="kk", title="Балалар құқықтары", topics=["child-labour"]),
        make_item("uz1", language="uz-Latn", title="Bolalar huquqlari"),
        make_item("unknown1", language=None, title="Untold"),
    ]  # fmt: skip
    build_site(items, out, now=NOW, search=False)
    return out


@pytest.mark.parametrize("code", [code for code in UI_LANGUAGES if code != "en"])
def test_every_catalogue_has_exactly_the_keys_and_placeholders_of_the_english_one(
    code: str,
) -> None:
    english, other = catalogue("en"), catalogue(code)

    for table in TABLES:
        assert set(other[table]) == set(english[table]), (code, table)
        for key, text in other[table].items():
            assert _placeholders(text) == _placeholders(english[table][key]), (code, key)


@pytest.mark.parametrize("code", UI_LANGUAGES)
def test_no_catalogue_text_is_blank(code: str) -> None:
    blank = [
        (table, key)
        for table in TABLES
        for key, text in catalogue(code)[table].items()
        if not text.strip()
    ]

    assert blank == []


@pytest.mark.parametrize("code", UI_LANGUAGES)
def test_every_topic_of_the_taxonomy_has_a_label_in_every_catalogue(code: str) -> None:
    topics = {concept.key for concept in load_taxonomy() if concept.kind == "topic"}

    assert topics <= set(catalogue(code)["topics"])


@pytest.mark.parametrize("code", UI_LANGUAGES)
def test_every_country_and_region_of_the_taxonomy_is_named_in_every_interface(
    code: str,
) -> None:
    L = load_catalogues(TEMPLATES_DIR)[code]
    keys = {concept.key for concept in load_taxonomy() if concept.kind == "country"}

    unnamed = sorted(key for key in keys if not L.country_name(key))

    assert unnamed == []
    assert "europe-central-asia" in keys


@pytest.mark.parametrize(
    ("code", "name"),
    [("en", "Europe and Central Asia"), ("ru", "Европа и Центральная Азия"),
     ("ar", "أوروبا وآسيا الوسطى"), ("zh", "欧洲和中亚")],
)  # fmt: skip
def test_region_cldr_lacks_is_named_from_the_catalogue(code: str, name: str) -> None:
    assert load_catalogues(TEMPLATES_DIR)[code].country("europe-central-asia") == name


def test_catalogue_missing_a_key_is_refused_naming_it(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(TEMPLATES_DIR, theme)
    korean = theme / "i18n" / "ko.toml"
    korean.write_text(
        "\n".join(line for line in korean.read_text("utf-8").splitlines()
                  if not line.startswith("bullying")),
        encoding="utf-8",
    )  # fmt: skip

    with pytest.raises(CatalogueError, match=r"ko\.toml \[topics\]: missing \['bullying'\]"):
        build_site([], tmp_path / "site", now=NOW, templates_dir=theme, search=False)


@pytest.mark.parametrize("code", UI_LANGUAGES)
def test_each_tree_is_in_its_language_and_direction(site: Path, code: str) -> None:
    story = site / code / "items" / f"{code}1.html"  # a story in the tree's own language
    for page in [site / code / "index.html", story]:
        html = parse(page)
        assert html.get("lang") == code
        assert html.get("dir") == ("rtl" if code == "ar" else "ltr")


@pytest.mark.parametrize(
    ("item", "tree"),
    [("en1", "en"), ("fr1", "fr"), ("ar1", "ar"), ("ru1", "ru"), ("es1", "es"), ("zh1", "zh"),
     ("ko1", "ko"), ("kk1", "en"), ("uz1", "en"), ("unknown1", "en")],
)  # fmt: skip
def test_story_page_lives_in_its_languages_tree(site: Path, item: str, tree: str) -> None:
    pages = [path.relative_to(site).as_posix() for path in site.glob(f"*/items/{item}.html")]

    assert pages == [f"{tree}/items/{item}.html"]  # and no copy in any other tree


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("en", ["Kazakh", "Child labour", "Language"]),
        ("fr", ["Kazakh", "Travail des enfants", "Langue"]),
        ("es", ["Kazajo", "Trabajo infantil", "Idioma"]),
        ("ru", ["Казахский", "Детский труд", "Язык"]),
        ("ar", ["الكازاخستانية", "عمل الأطفال", "اللغة"]),
        ("zh", ["哈萨克语", "童工", "语言"]),
        ("ko", ["카자흐어", "아동노동", "언어"]),
    ],
)
def test_language_names_and_topic_labels_are_in_the_page_language(
    site: Path, code: str, expected: list[str]
) -> None:
    # The Kazakh story's card in this tree, and the facts of this tree's own story.
    language, topic, label = expected
    card = parse(site / code / "language" / "kk" / "index.html").cssselect(".card")[0]
    story = parse(site / code / "items" / f"{code}1.html").cssselect(".facts")[0]

    assert language in card.text_content()
    assert topic in card.text_content()
    assert label in [dt.text for dt in story.cssselect("dt")]


def test_a_story_with_no_tree_of_its_own_reads_in_the_english_interface(site: Path) -> None:
    page = parse(site / "en" / "items" / "kk1.html")

    assert (page.get("lang"), page.cssselect("h1")[0].get("lang")) == ("en", "kk")
    for label in ["Kazakh", "Child labour", "Language"]:
        assert label in page.cssselect(".facts")[0].text_content()


@pytest.mark.parametrize(
    ("code", "country", "region"),
    [("en", "Kazakhstan", "Central Asia"), ("ru", "Казахстан", "Центральная Азия"),
     ("zh", "哈萨克斯坦", "中亚"), ("ar", "كازاخستان", "وسط آسيا")],
)  # fmt: skip
def test_country_and_region_names_are_in_the_page_language(
    site: Path, code: str, country: str, region: str
) -> None:
    facts = parse(site / code / "items" / f"{code}1.html").cssselect(".facts")[0].text_content()

    assert country in facts
    assert region in facts


@pytest.mark.parametrize(
    "path",
    ["index.html", "language/ru/index.html", "language/ru/page-2.html",
     "topic/child-protection/index.html", "browse.html", "search.html", "about.html",
     "stats.html"],
)  # fmt: skip
def test_language_switcher_leads_to_the_same_page_in_every_tree(site: Path, path: str) -> None:
    for code in UI_LANGUAGES:
        page = site / code / path
        links = parse(page).cssselect(".language-switcher a")
        assert [a.get("hreflang") for a in links] == list(UI_LANGUAGES)
        for link in links:
            target = (page.parent / link.get("href")).resolve()
            assert target == (site / link.get("hreflang") / path).resolve()
            assert target.is_file()
        current = [a.get("hreflang") for a in links if a.get("aria-current")]
        assert current == [code]


@pytest.mark.parametrize(
    ("path", "translations", "elsewhere"),
    [
        ("en/items/en1.html", ["fr/items/fr1.html", "ar/items/ar1.html"], "language/en/index.html"),
        ("ar/items/ar1.html", ["en/items/en1.html", "fr/items/fr1.html"], "language/ar/index.html"),
        ("ru/items/ru1.html", [], "language/ru/index.html"),
        ("en/items/kk1.html", [], "language/kk/index.html"),
        ("en/items/uz1.html", [], "language/uz-latn/index.html"),
        ("en/items/unknown1.html", [], "index.html"),
    ],
)
def test_story_switcher_leads_to_its_translations_else_to_its_languages_listing(
    site: Path, path: str, translations: list[str], elsewhere: str
) -> None:
    page = site / path
    tree = path.split("/")[0]
    links = parse(page).cssselect(".language-switcher a")

    versions = {version.split("/")[0]: version for version in [path, *translations]}
    assert [(a.get("hreflang"), a.get("href")) for a in links] == [
        (code, f"../../{versions.get(code, f'{code}/{elsewhere}')}") for code in UI_LANGUAGES
    ]
    assert [a.get("hreflang") for a in links if a.get("aria-current")] == [tree]
    for link in links:
        assert (page.parent / link.get("href")).resolve().is_file(), link.get("href")


@pytest.mark.parametrize("path", ["index.html", "language/ru/page-2.html", "browse.html"])
def test_pages_announce_their_translations_with_hreflang(site: Path, path: str) -> None:
    root = "../" * (path.count("/") + 1)
    head = parse(site / "fr" / path).xpath("//head/link[@hreflang]")

    assert [(link.get("hreflang"), link.get("href")) for link in head] == [
        (code, f"{root}{code}/{path}") for code in UI_LANGUAGES
    ]


@pytest.mark.parametrize(
    ("path", "announced"),
    [
        ("fr/items/fr1.html", ["en/items/en1.html", "fr/items/fr1.html", "ar/items/ar1.html"]),
        ("en/items/kk1.html", ["en/items/kk1.html"]),
    ],
)
def test_story_pages_announce_only_their_real_translations_with_hreflang(
    site: Path, path: str, announced: list[str]
) -> None:
    head = parse(site / path).xpath("//head/link[@hreflang]")

    assert [(link.get("hreflang"), link.get("href")) for link in head] == [
        (version.split("/")[0], f"../../{version}") for version in announced
    ]
    for link in head:
        assert (site / path).parent.joinpath(link.get("href")).resolve().is_file()


def test_root_page_lists_every_language_and_redirects_nowhere(site: Path) -> None:
    root = parse(site / "index.html")

    assert root.xpath("//meta[@http-equiv='refresh']") == []
    assert [s.get("src") for s in root.xpath("//script")] == ["static/root.js"]
    assert root.xpath("//script")[0].text is None  # the CSP forbids inline script
    assert (site / "static" / "root.js").is_file()
    links = root.cssselect(".language-list a")
    assert [a.get("href") for a in links] == [f"{code}/index.html" for code in UI_LANGUAGES]
    assert links[UI_LANGUAGES.index("ar")].get("dir") == "rtl"


def test_month_listing_title_uses_the_month_name_inside_the_sentence(site: Path) -> None:
    assert parse(site / "fr" / "month" / "2025-03" / "index.html").cssselect("h1")[0].text == (
        "Articles publiés en mars 2025"
    )
    assert parse(site / "ru" / "month" / "2025-03" / "index.html").cssselect("h1")[0].text == (
        "Материалы за март 2025\u202fг."
    )
