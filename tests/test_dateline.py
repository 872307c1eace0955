"""Datelines: the visible date of a news page read in the page's language, and dateline lines
told apart from article text."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from pipelines.dateline import (
    DATES_TABLE,
    Dateline,
    find_dateline,
    is_date_text,
    is_dateline,
    opening_dateline,
    parse_date_text,
    split_date_label,
)

FIXTURES = Path(__file__).parent / "fixtures" / "dates"


def _rows(name: str) -> list[pytest.ParameterSet]:
    """The rows of a labelled TSV file (comments and blank lines skipped), one param each,
    named by language and line number so a failure points at its line."""
    path = FIXTURES / name
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    params = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        row = dict(zip(header, line.split("\t"), strict=True))
        params.append(pytest.param(*row.values(), id=f"{row['language']}-line{number}"))
    return params


def _day(value: str) -> date | None:
    return None if value in ("", "none") else date.fromisoformat(value)


def _expected(value: str) -> tuple[date | None, date | None] | None:
    """ "2025-05-26", "2025-05-26|2025-05-29" (published|updated), "none|2025-05-29", "none"."""
    if value == "none":
        return None
    published, _, updated = value.partition("|")
    return _day(published), _day(updated)


def _read(text: str, language: str | None = None) -> tuple[date | None, date | None] | None:
    found = find_dateline(text, language)
    return None if found is None else (found.published, found.updated)


# --- the labelled datelines ------------------------------------------------------------------


@pytest.mark.parametrize(("language", "text", "expected"), _rows("labelled.tsv"))
def test_labelled_dateline_is_read(language: str, text: str, expected: str) -> None:
    assert _read(text, language) == _expected(expected)


@pytest.mark.parametrize(("language", "line", "verdict"), _rows("lines.tsv"))
def test_labelled_line_is_told_from_article_text(language: str, line: str, verdict: str) -> None:
    assert is_dateline(line, language) is (verdict == "yes")


# --- every month name, in every form a page uses ---------------------------------------------

MONTH_NAMES = [
    ("en", "{} 15, 2025", "January February March April May June July August September October "
     "November December"),
    ("en", "15 {} 2025", "Jan. Feb. Mar. Apr. May Jun. Jul. Aug. Sept. Oct. Nov. Dec."),
    ("en", "15 {} 2025", "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"),
    ("fr", "15 {} 2025", "janvier février mars avril mai juin juillet août septembre octobre "
     "novembre décembre"),
    ("fr", "15 {} 2025", "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc."),
    ("es", "15 de {} de 2025", "enero febrero marzo abril mayo junio julio agosto septiembre "
     "octubre noviembre diciembre"),
    ("es", "15 {} 2025", "ene. feb. mar. abr. may. jun. jul. ago. sept. oct. nov. dic."),
    ("pt", "15 de {} de 2025", "janeiro fevereiro março abril maio junho julho agosto setembro "
     "outubro novembro dezembro"),
    ("pt", "15 {} 2025", "jan fev mar abr mai jun jul ago set out nov dez"),
    ("de", "15. {} 2025", "Januar Februar März April Mai Juni Juli August September Oktober "
     "November Dezember"),
    ("de", "15. {} 2025", "Jan. Feb. Mär. Apr. Mai Jun. Jul. Aug. Sep. Okt. Nov. Dez."),
    ("tr", "15 {} 2025", "Ocak Şubat Mart Nisan Mayıs Haziran Temmuz Ağustos Eylül Ekim Kasım "
     "Aralık"),
    ("tr", "15 {} 2025", "OCAK ŞUBAT MART NİSAN MAYIS HAZİRAN TEMMUZ AĞUSTOS EYLÜL EKİM KASIM "
     "ARALIK"),
    ("ru", "15 {} 2025 г.", "января февраля марта апреля мая июня июля августа сентября "
     "октября ноября декабря"),
    ("ru", "{} 15, 2025", "Январь Февраль Март Апрель Май Июнь Июль Август Сентябрь Октябрь "
     "Ноябрь Декабрь"),
    ("ru", "15 {} 2025 г.", "янв. февр. мар. апр. мая июн. июл. авг. сент. окт. нояб. дек."),
    ("uk", "15 {} 2025 р.", "січня лютого березня квітня травня червня липня серпня вересня "
     "жовтня листопада грудня"),
    ("uk", "{} 15, 2025", "Січень Лютий Березень Квітень Травень Червень Липень Серпень "
     "Вересень Жовтень Листопад Грудень"),
    ("uk", "15 {} 2025", "січ. лют. бер. квіт. трав. черв. лип. серп. вер. жовт. лист. груд."),
    ("ar", "١٥ {} ٢٠٢٥", "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر "
     "ديسمبر"),
    ("ar", "15 {} 2025", "كانون الثاني,شباط,آذار,نيسان,أيار,حزيران,تموز,آب,أيلول,تشرين الأول,"
     "تشرين الثاني,كانون الأول"),
    ("ar", "15 {} 2025", "جانفي فيفري مارس أفريل ماي جوان جويلية أوت سبتمبر أكتوبر نوفمبر ديسمبر"),
    ("fa", "۱۵ {} ۲۰۲۵", "ژانویه فوریه مارس آوریل مه ژوئن ژوئیه اوت سپتامبر اکتبر نوامبر دسامبر"),
    ("zh", "二〇二五年{}月十五日", "一 二 三 四 五 六 七 八 九 十 十一 十二"),
    ("ja", "２０２５年{}月１５日", "１ ２ ３ ４ ５ ６ ７ ８ ９ １０ １１ １２"),
    ("ko", "2025년 {}월 15일", "1 2 3 4 5 6 7 8 9 10 11 12"),
    ("kk", "15 {} 2025 ж.", "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан "
     "қараша желтоқсан"),
    ("kk", "2025 жылғы 15 {}", "қаңтарда ақпанда наурызда сәуірде мамырда маусымда шілдеде "
     "тамызда қыркүйекте қазанда қарашада желтоқсанда"),
    ("ky", "2025-жылдын 15-{}", "январы февралы марты апрели майы июну июлу августу сентябры "
     "октябры ноябры декабры"),
    ("ky", "15-{}, 2025-ж.", "январь февраль март апрель май июнь июль август сентябрь октябрь "
     "ноябрь декабрь"),
    ("uz-Latn", "2025-yil 15-{}", "yanvar fevral mart aprel may iyun iyul avgust sentyabr "
     "oktyabr noyabr dekabr"),
    ("uz-Latn", "2025-yil 15-{}", "yanvarda fevralda martda aprelda mayda iyunda iyulda "
     "avgustda sentabrda oktabrda noyabrda dekabrda"),
    ("uz-Cyrl", "15 {} 2025 йил", "январь февраль март апрель май июнь июль август сентябрь "
     "октябрь ноябрь декабрь"),
    ("tg", "15 {} 2025", "январи феврали марти апрели майи июни июли августи сентябри октябри "
     "ноябри декабри"),
    ("tg", "15 {} соли 2025", "январ феврал март апрел май июн июл август сентябр октябр ноябр "
     "декабр"),
    ("tk", "2025-nji ýylyň 15-nji {}", "ýanwary fewraly marty apreli maýy iýuny iýuly awgusty "
     "sentýabry oktýabry noýabry dekabry"),
    ("tk", "15-nji {} 2025", "ýanwar fewral mart aprel maý iýun iýul awgust sentýabr oktýabr "
     "noýabr dekabr"),
]  # fmt: skip


def _month_cases() -> list[pytest.ParameterSet]:
    cases = []
    for language, template, names in MONTH_NAMES:
        months = names.split(",") if "," in names else names.split()
        assert len(months) == 12, (language, template)
        for number, name in enumerate(months, start=1):
            text = template.format(name)
            cases.append(pytest.param(language, text, number, id=f"{language}-{text}"))
    return cases


@pytest.mark.parametrize(("language", "text", "month"), _month_cases())
def test_every_month_name_is_read(language: str, text: str, month: int) -> None:
    assert parse_date_text(text, language) == date(2025, month, 15)
    assert is_dateline(text, language)


SOLAR_HIJRI_1404 = [
    ("فروردین", date(2025, 3, 21)), ("اردیبهشت", date(2025, 4, 21)),
    ("خرداد", date(2025, 5, 22)), ("تیر", date(2025, 6, 22)), ("مرداد", date(2025, 7, 23)),
    ("شهریور", date(2025, 8, 23)), ("مهر", date(2025, 9, 23)), ("آبان", date(2025, 10, 23)),
    ("آذر", date(2025, 11, 22)), ("دی", date(2025, 12, 22)), ("بهمن", date(2026, 1, 21)),
    ("اسفند", date(2026, 2, 20)),
]  # fmt: skip


@pytest.mark.parametrize(("month", "first_day"), SOLAR_HIJRI_1404)
def test_persian_solar_hijri_months_become_gregorian_dates(month: str, first_day: date) -> None:
    assert parse_date_text(f"۱ {month} ۱۴۰۴", "fa") == first_day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۱ فروردین ۱۳۹۹", date(2020, 3, 20)),
        ("۱ فروردین ۱۴۰۳", date(2024, 3, 20)),
        ("۳۰ اسفند ۱۴۰۳", date(2025, 3, 20)),  # 1403 is a leap year
        ("۱ حمل ۱۴۰۴", date(2025, 3, 21)),  # Dari month name
        ("۱۴۰۴/۰۳/۰۸", date(2025, 5, 29)),
    ],
)
def test_solar_hijri_new_years_and_leap_days_fall_on_their_gregorian_dates(
    text: str, expected: date
) -> None:
    assert parse_date_text(text, "fa") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和7年3月12日", date(2025, 3, 12)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
    ],
)
def test_japanese_era_years_are_counted_from_the_era(text: str, expected: date) -> None:
    assert parse_date_text(text, "ja") == expected


# --- behaviours ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "published", "updated"),
    [
        ("en", "26 May 2025 - Last update: 29 May 2025", date(2025, 5, 26), date(2025, 5, 29)),
        ("en", "Last updated: 29 May 2025 | Published: 26 May 2025", date(2025, 5, 26),
         date(2025, 5, 29)),
        ("fr", "Publié le 26 mai 2025 - Mis à jour le 29 mai 2025", date(2025, 5, 26),
         date(2025, 5, 29)),
        ("fr", "Mis à jour le 3 juin 2025", None, date(2025, 6, 3)),
        ("ru", "Опубликовано: 26 мая 2025 г. | Обновлено: 29 мая 2025 г.", date(2025, 5, 26),
         date(2025, 5, 29)),
        ("ar", "نشر في ٢٦ أيار/مايو ٢٠٢٥ - آخر تحديث: ٢٩ أيار/مايو ٢٠٢٥", date(2025, 5, 26),
         date(2025, 5, 29)),
        ("zh", "发布时间：2025年5月26日 更新时间：2025年5月29日", date(2025, 5, 26),
         date(2025, 5, 29)),
        ("ja", "2025年5月26日 公開 / 2025年5月29日 更新", date(2025, 5, 26), date(2025, 5, 29)),
        ("kk", "Жарияланды: 26 мамыр 2025\nЖаңартылды: 29 мамыр 2025", date(2025, 5, 26),
         date(2025, 5, 29)),
        ("tk", "Täzelendi: 29-njy maý 2025 ý.", None, date(2025, 5, 29)),
    ],
)  # fmt: skip
def test_last_update_is_kept_apart_from_published(
    language: str, text: str, published: date | None, updated: date | None
) -> None:
    found = find_dateline(text, language)
    assert found is not None
    assert (found.published, found.updated) == (published, updated)


def test_a_later_date_in_the_text_is_not_taken_for_an_update() -> None:
    found = find_dateline("26 May 2025\nThe forum will meet again on 29 May 2025.", "en")
    assert found == Dateline(date(2025, 5, 26), None, (0, 11))


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ar", "١٥ مايو ٢٠٢٥"),
        ("ar", "١٥ أيار/مايو ٢٠٢٥"),
        ("ar", "١٥/٠٥/٢٠٢٥"),
        ("ar", "٢٠٢٥-٠٥-١٥"),
        ("fa", "۱۵ مه ۲۰۲۵"),
        ("fa", "۱۵ می ۲۰۲۵"),
        ("ar", "15 مايو ٢٠٢٥"),  # mixed digits, as pasted text sometimes has
    ],
)
def test_arabic_indic_digits(language: str, text: str) -> None:
    found = find_dateline(text, language)
    assert found == Dateline(date(2025, 5, 15), None, (0, len(text)))
    assert is_dateline(text, language)


@pytest.mark.parametrize("language", [None, "", "en", "en-GB", "fr", "ru", "kk", "uz-Latn", "ar"])
def test_day_first_is_the_default_outside_english_us(language: str | None) -> None:
    assert parse_date_text("03/04/2025", language) == date(2025, 4, 3)


@pytest.mark.parametrize("language", ["en-US", "en_US", "en-Latn-US", "EN-us"])
def test_english_us_reads_numeric_dates_month_first(language: str) -> None:
    assert parse_date_text("03/04/2025", language) == date(2025, 3, 4)


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("fr", "03/15/2025", date(2025, 3, 15)),  # no 15th month: month first after all
        ("en-US", "15/03/2025", date(2025, 3, 15)),  # no 15th month: day first after all
        ("en-US", "03.04.2025", date(2025, 4, 3)),  # dotted dates are day first everywhere
        ("en-US", "2025-03-04", date(2025, 3, 4)),  # year first is always year-month-day
    ],
)
def test_the_possible_reading_wins_when_the_preferred_one_is_impossible(
    language: str, text: str, expected: date
) -> None:
    assert parse_date_text(text, language) == expected


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "NEW YORK, 12 March 2025 – UNICEF said on Wednesday that schools must reopen."),
        ("en", "The forum opened on 12 March 2025 in Almaty."),
        ("en", "Published 12 March 2025 by UNICEF Kazakhstan"),
        ("fr", "Le rapport publié le 12 mars 2025 montre une baisse."),
        ("ru", "12 марта 2025 г. в Бишкеке открылся форум."),
        ("kk", "АСТАНА, 2025 жылғы 5 ақпан – ЮНИСЕФ баяндама жариялады."),
        ("zh", "2025年3月12日，联合国儿童基金会发布报告。"),
        ("ar", "نيويورك، 5 كانون الأول/ديسمبر 2024 - قالت اليونيسف"),
        ("tk", "AŞGABAT, 12-nji mart 2025 – UNICEF hasabat çap etdi."),
    ],
)
def test_a_sentence_with_a_date_is_not_a_dateline_line(language: str, line: str) -> None:
    assert find_dateline(line, language) is not None
    assert not is_dateline(line, language)


@pytest.mark.parametrize(
    "text",
    [
        "12 million children",
        "SDG 4.7",
        "in 2025 alone",
        "March 2025",
        "UNICEF/UN0712345/2025",
        "Resolution 79/12 of 2025",
        "",
    ],
)
def test_numbers_that_are_not_dates_give_no_dateline(text: str) -> None:
    assert find_dateline(text) is None
    assert not is_dateline(text)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "31 February 2025"),
        ("en", "29 February 2025"),  # 2025 is not a leap year
        ("en", "31 April 2025"),
        ("en", "32 March 2025"),
        ("en", "0 March 2025"),
        ("ru", "30 февраля 2025 г."),
        ("de", "29.02.2025"),
        ("fr", "31/06/2025"),
        ("en", "13/13/2025"),
        ("zh", "2025年2月30日"),
        ("ko", "2025년 13월 1일"),
        ("fa", "۳۰ اسفند ۱۴۰۴"),  # 1404 is not a leap year
        ("fa", "۳۱ مهر ۱۴۰۴"),  # the second half of the year has 30-day months
        ("en", "12 March 1944"),
        ("en", "1 January 2101"),
    ],
)
def test_impossible_dates_are_rejected(language: str, text: str) -> None:
    assert parse_date_text(text, language) is None
    assert find_dateline(text, language) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("29 February 2024", date(2024, 2, 29)), ("1 January 1945", date(1945, 1, 1)),
     ("31 December 2100", date(2100, 12, 31))],
)  # fmt: skip
def test_the_edges_of_the_calendar_and_the_range_are_accepted(text: str, expected: date) -> None:
    assert parse_date_text(text) == expected


def test_an_impossible_date_does_not_hide_the_next_one() -> None:
    assert parse_date_text("31 February 2025 / 28 February 2025") == date(2025, 2, 28)


@pytest.mark.parametrize(
    ("language", "before", "dateline", "after"),
    [
        ("en", "NEW YORK, ", "12 March 2025", " – Children ..."),
        ("en", "", "Published on 1 October 2024", ""),
        ("en", "", "Tuesday, 15 April 2025, 10:30 GMT", " | 3 min read"),
        ("en", "", "26 May 2025 - Last update: 29 May 2025", "\nText"),
        ("ar", "", "الأربعاء، ١٢ آذار/مارس ٢٠٢٥", " – نيويورك"),
        ("ru", "", "Дата публикации: 26.06.2025 г.", "\nЖЕНЕВА"),
        ("zh", "", "新闻稿 发布时间：２０２５年５月２６日 10:00", "\n正文"),
    ],
)
def test_the_span_covers_labels_dates_and_times_in_the_original_text(
    language: str, before: str, dateline: str, after: str
) -> None:
    found = find_dateline(before + dateline + after, language)
    assert found is not None
    assert found.span == (len(before), len(before) + len(dateline))


def test_the_first_date_in_a_text_is_the_dateline() -> None:
    text = "Story\n17 October 2025\nThe forum, first held on 2 June 2023, met again."
    assert find_dateline(text, "en") == Dateline(date(2025, 10, 17), None, (6, 21))


# --- the grammar the line cleanup asks: partial dates, labels, opening datelines -------------


@pytest.mark.parametrize(
    ("language", "text", "verdict"),
    [
        ("en", "14 February 2025", True),
        ("en", "March 2024", True),
        ("en", "Tuesday, 12 March 2025 10:00 GMT", True),
        ("zh", "2025年3月", True),
        ("ru", "26.09.2025, 14:20", True),
        ("ru", "12 марта 2025 года", True),
        ("ar", "١٨ أبريل ٢٠٢٥", True),
        ("uz", "12-mart, 2025-yil", True),
        ("en", "2024 in numbers", False),
        ("en", "By 2030, the city plans more", False),
        ("en", "market 2025", False),
        ("en", "May", False),
    ],
)
def test_date_text_is_a_date_or_part_of_one_and_nothing_else(
    language: str, text: str, verdict: bool
) -> None:
    assert is_date_text(text, language) is verdict


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Last update: 12 March 2025", ("12 March 2025", True)),
        ("Опубликовано 12.03.2025", ("12.03.2025", False)),
        ("Дата: 2025", ("2025", True)),
        ("Erschienen am: 13.10.2021", ("13.10.2021", True)),
        ("Story: the 2025 plan", None),  # a kind of page, not a date label
        ("Press release | 12 March 2025", None),
    ],
)
def test_date_label_is_split_from_its_date(line: str, expected: tuple[str, bool] | None) -> None:
    assert split_date_label(line) == expected


@pytest.mark.parametrize(
    ("language", "paragraph", "expected"),
    [
        ("en", "15 April 2025 | SDGs Young people from 40 countries met", date(2025, 4, 15)),
        ("en", "NEW YORK, 12 March 2025 – One in three children", date(2025, 3, 12)),
        ("ru", "12 марта 2025 г. – В Бишкеке открылся форум", date(2025, 3, 12)),
        ("en", "On 12 March 2025 the minister said", None),
        ("en", "15 April 2025 young people met", None),
    ],
)
def test_a_dateline_opening_a_paragraph_is_read(
    language: str, paragraph: str, expected: date | None
) -> None:
    found = opening_dateline(paragraph, language)
    assert (found.published if found else None) == expected


def test_every_language_in_the_table_names_twelve_months() -> None:
    tables = tomllib.loads(DATES_TABLE.read_text(encoding="utf-8"))
    for section in ("months", "month_stems", "solar_months"):
        for language, months in tables[section].items():
            assert len(months) == 12, (section, language)
