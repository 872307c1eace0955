"""Extraction: the article alone, its summary and its title, on real-world shaped pages.

Each folder in ``tests/fixtures/extract/`` holds one page (``page.html``, or ``archived.txt`` naming
a page of the sample archive), the URL it came from
(``url.txt``), the article text written out by hand (``gold.txt``: standfirst first, one
paragraph per line) and ``expected.json`` with the decisive snippets: title, how the summary
starts, what the text must contain (start, middle, end) and the boilerplate that must be gone.
``bench/quality.py`` prints the same cases as precision/recall/F1 tables.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from lxml import html as lxml_html

from bench.quality import Case, load_cases, token_scores
from pipelines import process_page
from pipelines.boilerplate import (
    clean_lines,
    find_standfirst,
    is_boilerplate_line,
    is_date_only,
    prune_tree,
)
from pipelines.extract import ExtractionError, choose_summary, extract, strip_site_suffix
from pipelines.rules import SiteRules

CASES = load_cases()
# Every case scores 1.000 today (bench/quality.py); the margin absorbs harmless changes in
# trafilatura's whitespace and list rendering, not a lost paragraph or a kept caption.
MIN_F1 = 0.95
NOW = datetime(2025, 12, 31, tzinfo=UTC)


def by_name(cases: list[Case]) -> list[Any]:
    """The cases as pytest params, each named after its folder."""
    return [pytest.param(case, id=case.name) for case in cases]


def test_the_labelled_set_covers_the_sources_and_sites_without_rules() -> None:
    groups = [case.group for case in CASES]
    assert len(CASES) >= 30
    assert {"un-news", "unesco", "unicef", "undp", "no-rules"} <= set(groups)
    assert len([g for g in groups if g != "no-rules"]) >= 24
    assert groups.count("no-rules") >= 6


@pytest.mark.parametrize("case", by_name(CASES))
def test_fixture_snippets_agree_with_the_gold_text(case: Case) -> None:
    for snippet in case.expected["must_contain"]:
        assert snippet in case.gold, snippet
    for snippet in case.expected["must_not_contain"]:
        assert snippet not in case.gold, snippet


@pytest.mark.parametrize("case", by_name(CASES))
def test_text_is_the_article_alone(case: Case) -> None:
    page = extract(case.html, case.url, case.rules)

    for snippet in case.expected["must_contain"]:
        assert snippet in page.text, snippet
    for snippet in case.expected["must_not_contain"]:
        assert snippet not in page.text, snippet
    assert token_scores(page.text, case.gold).f1 >= MIN_F1


@pytest.mark.parametrize("case", by_name(CASES))
def test_title_is_the_headline_without_site_name(case: Case) -> None:
    assert extract(case.html, case.url, case.rules).title == case.expected["title"]


@pytest.mark.parametrize("case", by_name(CASES))
def test_summary_is_the_standfirst_or_first_paragraph(case: Case) -> None:
    summary = extract(case.html, case.url, case.rules).description or ""

    assert summary.startswith(case.expected["summary_start"])
    assert not summary.endswith(("…", "..."))


@pytest.mark.parametrize("case", by_name([c for c in CASES if c.expected.get("published")]))
def test_published_date_of_the_record(case: Case) -> None:
    record = process_page(case.html, case.url, rules=case.rules, now=lambda: NOW)

    assert (record["published"] or "")[:10] == case.expected["published"]


def case_named(name: str) -> Case:
    return next(case for case in CASES if case.name == name)


def test_standfirst_is_the_summary_and_not_repeated() -> None:
    case = case_named("un-news-en-kyrgyzstan-online-safety")
    lead = case.gold.splitlines()[0]

    page = extract(case.html, case.url, case.rules)

    assert page.description == page.standfirst == lead
    assert page.text.splitlines()[0] == lead
    assert page.text.count(lead[:60]) == 1


def test_standfirst_the_extractor_misses_is_put_first() -> None:
    case = case_named("undp-pt-brazil-indigenous-schools")
    lead = "Iniciativa conecta 85 escolas em territórios indígenas"

    page = extract(case.html, case.url, case.rules)

    assert page.text.startswith(lead)
    assert page.text.count(lead) == 1


def test_record_summary_is_not_the_cut_off_meta_description() -> None:
    case = case_named("undp-en-kyrgyzstan-green-schools")

    record = process_page(case.html, case.url, rules=case.rules, now=lambda: NOW)

    assert record["summary"].endswith("funded by the Government of Japan.")


def test_visible_dateline_becomes_a_date_candidate() -> None:
    case = case_named("norules-ministry-kg-ky")

    page = extract(case.html, case.url, case.rules)

    assert ("published", "2025-09-26", "dateline") in page.date_candidates


@pytest.mark.parametrize(("lang", "day"), [("en-US", "2025-03-04"), ("en-GB", "2025-04-03")])
def test_a_numeric_dateline_is_read_by_the_region_of_the_pages_language(
    lang: str, day: str
) -> None:
    body = "<p>" + "Children learn about peace and rights in school every day. " * 8 + "</p>"
    html = f"""<html lang="{lang}"><head><title>T</title></head><body><article>
<h1>School news in the valley</h1><p>03/04/2025</p>{body}{body}</article></body></html>"""

    page = extract(html, "https://example.org/news/a")

    assert [d for d in page.date_candidates if d[2] == "dateline"][0] == (
        "published",
        day,
        "dateline",
    )


# --- unit tests of the cleanup, per language -------------------------------------------------

LAST_UPDATE_LINES = [
    ("en", "Last update: 14 March 2025"),
    ("en", "26 May 2025 - Last update: 29 May 2025"),
    ("fr", "Dernière mise à jour : 20 février 2025"),
    ("es", "Última actualización: 22 de abril de 2025"),
    ("pt", "Atualizado em 29 de maio de 2025"),
    ("ru", "Последнее обновление: 5 июня 2025"),
    ("ar", "آخر تحديث: ١٨ أبريل ٢٠٢٥"),
    ("zh", "最后更新：2025年9月2日"),
    ("kk", "Жаңартылды: 29 мамыр 2025 ж."),
    ("ky", "2025-жылдын 4-марты"),
    ("uz", "12-mart, 2025-yil"),
    ("tg", "12 марти соли 2025"),
    ("tk", "2025-nji ýylyň 12-nji marty"),
    ("en", "Press release | 12 March 2025 | Bishkek"),
    ("ru", "26.09.2025, 14:20"),
]


@pytest.mark.parametrize(("language", "line"), LAST_UPDATE_LINES)
def test_last_update_line_is_removed(language: str, line: str) -> None:
    assert is_boilerplate_line(line, language) == "date"


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "NEW YORK, 12 March 2025 – One in three children in Central Asia misses out."),
        ("en", "By 2030, the city plans to give every school a library."),
        ("en", "2024 in numbers"),
        ("ru", "ЖЕНЕВА, 2 октября 2025 года –"),
        ("ru", "12 марта 2025 г. в Бишкеке открылся форум."),
        ("fr", "Le rapport publié le 12 mars 2025 montre une baisse de la scolarisation."),
    ],
)
def test_line_that_holds_more_than_a_date_stays(language: str, line: str) -> None:
    assert not is_date_only(line, language)
    assert is_boilerplate_line(line, language) is None


PHOTO_CREDITS = [
    "© UNICEF/UN0712345/Omarov",
    "Pupils at a school in Osh take part in a pilot lesson. © UNICEF/Timur Asanov",
    "Participants at the forum in Dushanbe, Tajikistan. UN News/Nargis Rahimova",
    "Photo: UNDP Kazakhstan",
    "Photo credit: UNESCO/Dana Akhmetova",
    "Crédit photo : UNICEF/Dejongh",
    "Foto: PNUD Brasil/Bruno Kelly",
    "Фото: ЮНИСЕФ Кыргызстан/2025/Токтосунов",
    "Сурет: Bilim Zhanalyk",
    "Сүрөт: БУУӨП Кыргызстан",
    "Surat: BMGÖM Türkmenistan",
    "Акс: БРСММ дар Тоҷикистон",
    "الصورة: اليونسكو/أحمد الخطيب",
    "图片：教科文组织/阿依古丽·努尔兰",
]


@pytest.mark.parametrize("line", PHOTO_CREDITS)
def test_photo_credit_is_removed(line: str) -> None:
    assert is_boilerplate_line(line) == "photo credit"


@pytest.mark.parametrize(
    "line",
    [
        "Facebook Twitter Print Email",
        "Share this story",
        "Share: Facebook | X | LinkedIn | WhatsApp",
        "Partager Facebook LinkedIn X",
        "Поделиться ВКонтакте Telegram",
        "Бөлісу: Facebook Telegram WhatsApp",
        "مشاركة",
        "分享 微博 微信",
    ],
)
def test_share_bar_is_removed(line: str) -> None:
    assert is_boilerplate_line(line) == "share bar"


@pytest.mark.parametrize(
    ("heading", "contact"),
    [
        ("Media contacts", "Anna Lindgren, UNICEF, alindgren@unicef.org"),
        ("For more information, please contact:", "Jane Doe, UNDP, jane.doe@undp.org"),
        ("Contacts presse", "Fatou Diallo, UNICEF Dakar, fdiallo@unicef.org"),
        ("Contactos de prensa", "Carla Ruiz, UNICEF Nueva York, cruiz@unicef.org"),
        ("Contatos de imprensa", "Ana Souza, PNUD Brasil, ana.souza@undp.org"),
        ("Контакты для СМИ", "Айгерим Сулейменова, ЮНИСЕФ Казахстан"),
        ("БАҚ үшін байланыс", "Айгерим Сулейменова, ЮНИСЕФ Қазақстан"),
        ("ЖМК үчүн байланыштар", "Айжан Кадырова, aizhan.kadyrova@undp.org"),
        ("OAV uchun aloqa:", "Nodira Yusupova, nyusupova@unicef.org"),
        ("Тамос барои ВАО:", "Фарангис Раҳимова, frahimova@unicef.org"),
        ("جهات الاتصال الإعلامية", "ليلى حداد، اليونيسف"),
        ("媒体联系人", "王芳，儿基会"),
        ("###", "About UNICEF"),
    ],
)
def test_media_contacts_tail_is_cut(heading: str, contact: str) -> None:
    body = [
        f"Paragraph {n} of the press release, with its facts and its quotes." for n in (1, 2, 3)
    ]

    cleaned = clean_lines([*body, heading, contact, "Follow UNICEF on X and Instagram"])

    assert cleaned.lines == body
    assert ("press-release tail", heading) in cleaned.removed


def test_contacts_on_the_heading_line_are_cut_too() -> None:
    body = ["The first paragraph.", "The second paragraph.", "The third paragraph."]
    line = "Тамос барои ВАО: Фарангис Раҳимова, frahimova@unicef.org"

    assert clean_lines([*body, line]).lines == body


@pytest.mark.parametrize(
    "about",
    [
        "UNICEF works in some of the world’s toughest places, to reach the world’s most "
        "disadvantaged children.",
        "ЮНИСЕФ работает в самых труднодоступных районах мира, чтобы помочь детям.",
        "UNDP works in about 170 countries and territories, helping to eradicate poverty.",
    ],
)
def test_about_paragraph_at_the_end_is_cut(about: str) -> None:
    body = ["Paragraph one of the story.", "Paragraph two.", "Paragraph three.", "Four."]

    assert clean_lines([*body, about]).lines == body


def test_tail_heading_early_in_the_text_is_kept() -> None:
    lines = ["Lead.", "Contacts"] + [f"Paragraph {n} of a long story." for n in range(10)]

    assert clean_lines(lines).lines == lines


def test_related_list_goes_and_the_paragraph_after_it_stays() -> None:
    lines = [
        "The first paragraph of the story.",
        "Related stories",
        "Central Asian teachers meet in Almaty",
        "18 September 2025",
        "Young people draft a charter on human rights education",
        "The story goes on after the box, in a full sentence.",
    ]

    cleaned = clean_lines(lines)

    assert cleaned.lines == [lines[0], lines[-1]]


@pytest.mark.parametrize(
    "line",
    [
        "Read more: Global citizenship education remains an afterthought",
        "À lire aussi : Journée internationale de l’éducation",
        "Читайте также: Как в Кыргызстане готовят детей к школе",
        "Leia também: Jovens da Amazônia debatem educação climática",
        "اقرأ أيضاً: تدريب 200 معلم على التربية الإعلامية",
    ],
)
def test_read_more_pointer_is_removed(line: str) -> None:
    assert is_boilerplate_line(line) == "pointer"


@pytest.mark.parametrize(
    "line",
    [
        "We use cookies to improve your experience on our website. By continuing, you agree.",
        "This site uses cookies. By continuing to browse the site you are agreeing to our use.",
        "Мы используем файлы cookie, чтобы улучшить работу сайта.",
        "Utilizamos cookies para mejorar su experiencia en nuestro sitio web.",
        "我们使用cookie来改善您在本网站的体验。",
    ],
)
def test_cookie_notice_is_removed(line: str) -> None:
    assert is_boilerplate_line(line) == "cookie notice"


def test_sentence_about_a_cookie_sale_stays() -> None:
    line = "“We use the money from the cookie sale to buy books,” said Zarina, 12."

    assert is_boilerplate_line(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "Tags: education, Kazakhstan",
        "Mots-clés : citoyenneté mondiale, Sénégal",
        "Etiquetas: convivencia, cultura de paz",
        "Темы: Раннее развитие, Образование",
        "Тегтер: балалар құқықтары, ЮНИСЕФ",
        "الوسوم: الحوار، المدارس",
    ],
)
def test_tag_line_is_removed(line: str) -> None:
    assert is_boilerplate_line(line) == "tags"


@pytest.mark.parametrize(
    "line",
    [
        "By Madina Yusupova and Tom Hendriks",
        "Автор: Бермет Асанова",
        "Авторы: Әлия Нұрланқызы",
        "Par Mamadou Baldé",
        "Escrito por: Lucía Quispe",
        "بقلم: ريم حداد",
    ],
)
def test_lone_byline_is_removed(line: str) -> None:
    assert is_boilerplate_line(line) == "byline"


@pytest.mark.parametrize(
    "line",
    [
        "By the end of May, the school will open a library run by its pupils.",
        "Par ailleurs, le programme sera étendu à la région de Maradi.",
        "Por ello, la organización pide más fondos.",
    ],
)
def test_sentence_that_starts_like_a_byline_stays(line: str) -> None:
    assert is_boilerplate_line(line) is None


def test_press_service_sign_off_is_removed_but_an_attribution_stays() -> None:
    body = ["The ministry announced new councils.", "Elections take place in October."]
    attribution = "Об этом сообщила пресс-служба министерства."

    assert (
        clean_lines([*body, "Maktabgacha va maktab ta’limi vazirligi matbuot xizmati"]).lines
        == body
    )
    assert clean_lines([*body, attribution]).lines == [*body, attribution]


def test_repeated_paragraph_is_kept_once() -> None:
    paragraph = "A paragraph that the page prints twice, once in a teaser and once in the body."

    assert clean_lines([paragraph, "Another paragraph.", paragraph]).lines == [
        paragraph,
        "Another paragraph.",
    ]


# --- title and summary ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Story title | UN News", "Story title"),
        ("Titre de l’article - ONU Info", "Titre de l’article"),
        ("Заголовок | Новости ООН", "Заголовок"),
        ("标题 | 联合国新闻", "标题"),
        ("عنوان الخبر | أخبار الأمم المتحدة", "عنوان الخبر"),
        ("Press release title | UNICEF Kazakhstan", "Press release title"),
        ("Solar for schools | United Nations Development Programme", "Solar for schools"),
        ("Education - the key to the future", "Education - the key to the future"),
    ],
)
def test_site_suffix_is_stripped_from_the_title(title: str, expected: str) -> None:
    assert strip_site_suffix(title) == expected


def test_full_headline_with_nested_spans_is_the_title() -> None:
    html = (
        "<html><head><title>Short | UN News</title></head><body><article>"
        "<h1><span>Young people</span> <em>draft</em> a charter</h1>"
        "<p>" + "The forum met in Geneva to discuss human rights education. " * 5 + "</p>"
        "</article></body></html>"
    )

    assert extract(html, "https://news.un.org/en/story/2025/06/1").title == (
        "Young people draft a charter"
    )


def test_cut_off_description_gives_way_to_the_first_paragraph() -> None:
    first = "Bishkek, 11 June 2025 – One hundred and twenty rural schools now make electricity."
    description = "Bishkek, 11 June 2025 – One hundred and twenty rural schools now…"

    assert choose_summary([], description, [first, "More."]) == first
    assert choose_summary([], first[:40], [first, "More."]) == first


def test_site_blurb_or_title_as_description_is_not_the_summary() -> None:
    lines = ["Schools in Osh elect student councils to run their libraries.", "More."]

    assert choose_summary([], "Official website of the Ministry of Education", lines) == lines[0]
    assert choose_summary([], "Osh Schools Network", lines, site="Osh Schools Network") == lines[0]
    assert choose_summary([], "Student councils", lines, title="Student councils") == lines[0]


def test_written_description_is_the_summary() -> None:
    lines = ["In 25 schools of Muynak and Kungrad districts, eco-classes opened this week.", "x"]
    description = "Eco-classes opened in 25 schools of Muynak and Kungrad districts."

    assert choose_summary([], description, lines) == description


# --- pruning ----------------------------------------------------------------------------------


def test_pruning_spares_a_wrapper_that_holds_the_article() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {n} of the article, long enough to count.</p>" for n in range(8)
    )
    html = (
        '<html><body><div class="related-content-wrapper"><h1>Title</h1>'
        f'{paragraphs}</div><div class="related"><a href="#">Other story</a></div></body></html>'
    )
    tree = lxml_html.fromstring(html)

    prune_tree(tree)

    assert "Paragraph 7 of the article" in tree.text_content()
    assert "Other story" not in tree.text_content()


def test_site_drop_rules_are_obeyed() -> None:
    case = case_named("norules-ngo-blog-en-wordpress")
    rules = SiteRules(drop=("h2.wp-block-heading",))

    page = extract(case.html, case.url, rules)

    assert "One supportive teacher makes all the difference" not in page.text
    assert "In almost every successful school" in page.text


@pytest.mark.parametrize(
    "line",
    [
        "– „Ok.“",  # dialogue, not the Odnoklassniki button or a cookie banner's
        "X",
        "Gemeinsam mit Kindern der Kita, der Grundschule und des Jugendclubs eröffnete der"
        " Oberbürgermeister am Freitag den neuen Nordpark, der nach zwei Jahren Bauzeit allen"
        " Generationen offensteht, mit einem Fest auf der großen Wiese (Foto: Stadt Nordhausen)",
        "Deniz Yücel saß im Gefängnis. Im Gespräch erzählt er über angstvolle Momente, über"
        " seine Zelle und die Wärter, über die langen Nächte ohne Licht, über die Briefe seiner"
        " Frau, über Erdogans Copyright und die besondere Kraft der Minze.",
        "Python 3 normalises everything to Unicode/UTF-8 by default",
    ],
)
def test_line_rules_keep_real_paragraphs_from_real_pages(line: str) -> None:
    assert is_boilerplate_line(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "Facebook X LinkedIn",
        "Children in a classroom in Bishkek. © UNICEF/UN0123456/Ahmed",
        "UN Photo/Eskinder Debebe",
    ],
)
def test_line_rules_still_take_share_bars_and_captions(line: str) -> None:
    assert is_boilerplate_line(line) is not None


def test_three_asterisks_are_a_section_break_not_the_end_of_a_press_release() -> None:
    lines = [f"Paragraph {n} of a long article about reading, with enough words." for n in range(6)]
    cleaned = clean_lines([*lines[:4], "***", "A new section after the break.", *lines[4:]])

    assert "A new section after the break." in cleaned.lines
    assert lines[5] in cleaned.lines


def test_a_data_table_in_the_article_is_part_of_its_text() -> None:
    """Results and figures in a table are the story (real pages lost them: tables were off)."""
    paragraphs = "".join(
        f"<p>Paragraph {n} of the report on enrolment, long enough to be read as text.</p>"
        for n in range(5)
    )
    html = (
        f"<html><body><article><h1>Enrolment by region</h1>{paragraphs}<table>"
        "<tr><th>Region</th><th>Girls enrolled</th></tr>"
        "<tr><td>Sughd</td><td>41,200</td></tr><tr><td>Khatlon</td><td>38,900</td></tr>"
        "</table></article></body></html>"
    )

    text = extract(html, "https://example.org/news/enrolment").text

    assert "Khatlon" in text and "38,900" in text


def test_a_page_wide_form_holding_the_article_is_not_pruned() -> None:
    """ASP.NET sites wrap the whole page in one <form>; a real forum page lost its posts."""
    posts = "".join(
        f"<div class='post'>Post {n}: the app store stopped working over mobile data after the"
        " update, and no setting I changed explains it.</div>"
        for n in range(6)
    )
    html = (
        f"<html><body><h1>Thread</h1><form id='aspnetForm'>{posts}</form>"
        "<form class='search'><input name='q'><button>Search</button></form></body></html>"
    )
    tree = lxml_html.fromstring(html)

    prune_tree(tree)

    assert "Post 5: the app store" in tree.text_content()
    assert tree.find(".//input") is None


def test_a_site_prune_rule_takes_its_block_but_never_the_article() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {n} of the article, long enough to count.</p>" for n in range(8)
    )
    html = (
        f'<html><body><div class="box"><h1>Title</h1>{paragraphs}</div>'
        '<div class="box"><p>Media contacts: Jane Doe, +1 212 000 0000</p></div></body></html>'
    )
    tree = lxml_html.fromstring(html)

    prune_tree(tree, prune=(".box",))

    assert "Paragraph 7 of the article" in tree.text_content()
    assert "Media contacts" not in tree.text_content()


def test_a_site_standfirst_rule_is_trusted_wherever_it_sits() -> None:
    html = (
        '<html><body><p class="summary-of-story">The lead of the story, printed above the '
        "headline by this site.</p><h1>Headline</h1><p>Body.</p></body></html>"
    )
    tree = lxml_html.fromstring(html)

    assert find_standfirst(tree, tree.find(".//h1"), (".summary-of-story",)) == [
        "The lead of the story, printed above the headline by this site."
    ]
    assert find_standfirst(tree, tree.find(".//h1")) == []


def test_generic_standfirst_must_follow_the_headline() -> None:
    html = (
        "<html><body><article><h1>Headline</h1>"
        '<p class="lead">A standfirst right under the headline, long enough to be one.</p>'
        "</article></body></html>"
    )
    tree = lxml_html.fromstring(html)

    assert find_standfirst(tree, tree.find(".//h1")) == [
        "A standfirst right under the headline, long enough to be one."
    ]
    assert find_standfirst(tree, None) == []


def test_page_of_boilerplate_only_raises() -> None:
    html = (
        '<html><body><div class="cookie-banner"><p>This website uses cookies. By continuing to '
        "browse it you accept them.</p></div><p>Share this: Facebook Twitter</p></body></html>"
    )

    with pytest.raises(ExtractionError):
        extract(html, "https://example.org/news/1")


def test_a_stray_typographic_quote_does_not_make_a_real_page_look_crowded() -> None:
    """Real pages write ``content=“x"``: counting attributes must not join every tag after it
    into one (a real news page was refused as "a tag with 1,562 attributes")."""
    links = "".join(f'<li><a href="/story/{n}" class="c">Story {n}</a></li>' for n in range(1200))
    html = (
        '<html><head><meta name=“google-site-verification” content=“xtk" />'
        "<title>Pupils vote on their school's future</title></head><body>"
        f"<nav><ul>{links}</ul></nav><article><h1>Pupils vote on their school's future</h1>"
        "<p>For the first time, pupils at the school will vote on how it is run, after a"
        " year of debates on rights and responsibilities in class.</p>"
        "<p>Teachers said the vote was part of the school's citizenship education.</p>"
        "</article></body></html>"
    )

    record = process_page(html, "https://example.org/2023/11/08/vote")

    assert record["text"].startswith("For the first time, pupils")


@pytest.mark.parametrize("wrapper", ["kb-tip-print-step", "date-outer", "entry-meta-body"])
def test_a_class_word_alone_never_prunes_the_article_prose(wrapper: str) -> None:
    """A class word ("print", "date", "meta") is a guess at boilerplate: real sites wrap their
    paragraphs in such blocks (seen on real pages of trafilatura's evaluation set)."""
    steps = "".join(
        f'<div class="{wrapper}"><p>Step {n}: pupils in the programme learned about peace,'
        " rights and how to settle a quarrel without a fight, and their teachers kept notes"
        " on what changed in class.</p><p>In the weeks after, the pupils said they argued"
        " less, and listened more to one another in the playground.</p><p>Their parents"
        " noticed it at home too, the head teacher said at the end of the school year, and"
        " the school will run the programme again with the next classes.</p></div>"
        for n in range(4)
    )  # each block a quarter of the text: none is "most of the article" on its own
    html = (
        "<html><body><article><h1>Pupils learn to settle quarrels</h1>"
        f'<div class="post-date">3 March 2025</div>{steps}</article></body></html>'
    )

    found = extract(html, "https://example.org/2025/03/quarrels")

    assert found.text.count("Step") == 4
    assert "3 March 2025" not in found.text
