"""Decoding a page's bytes as a browser would: BOM, header charset, meta charset, detection."""

from __future__ import annotations

import codecs
import random

import pytest

from pipelines import ExtractionError, process_fetched, process_page
from pipelines.decode import decode_page

URL = "https://news.un.org/en/story/2025/01/1"


def page(title: str, paragraph: str, head: str = "") -> str:
    return (
        f"<html><head>{head}<title>{title}</title></head><body><article><h1>{title}</h1>"
        f"<p>{paragraph}</p></article></body></html>"
    )


FRENCH = page(
    "Plan d'éducation",
    "Le plan d'éducation à la citoyenneté mondiale a été présenté à Paris, où élèves et "
    "enseignants ont débattu de la paix et des droits de l'homme.",
)
RUSSIAN = page(
    "Дети Кыргызстана учатся безопасности",
    "Дети Кыргызстана учатся безопасности в интернете. Программа ЮНИСЕФ помогает школам "
    "по всей стране готовить учителей и родителей.",
)
KAZAKH = page(
    "Балалар интернетте қауіпсіздікті үйренеді",
    "Қазақстандағы балалар интернетте қауіпсіздікті үйренеді. ЮНИСЕФ бағдарламасы "
    "мектептерге және ата-аналарға көмектеседі.",
)
ARABIC = page(
    "التعليم من أجل المواطنة العالمية",
    "قالت منظمة اليونسكو إن التعليم من أجل المواطنة العالمية يساعد الشباب على فهم العالم "
    "والعمل من أجل السلام.",
)
CHINESE = page(
    "全球公民教育",
    "联合国教科文组织表示，全球公民教育帮助年轻人了解世界，促进和平与可持续发展。"
    "各国教师参加了培训。",
)
JAPANESE = page(
    "地球市民教育",
    "ユネスコによると、地球市民教育は若者が世界を理解し、平和と持続可能な開発を促進するのに"
    "役立ちます。",
)
RUSSIAN_WITH_META = RUSSIAN.replace("<head>", '<head><meta charset="windows-1251">')
RUSSIAN_WITH_PRAGMA = RUSSIAN.replace(
    "<head>", '<head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
)


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        pytest.param(
            FRENCH.encode("latin-1"), "text/html; charset=utf-8", FRENCH,
            id="latin-1-labelled-utf-8",
        ),
        pytest.param(
            RUSSIAN.encode("cp1251"), "text/html; charset=utf-8", RUSSIAN,
            id="cp1251-labelled-utf-8",
        ),
        pytest.param(
            codecs.BOM_UTF8 + FRENCH.encode(), "text/html; charset=iso-8859-1", FRENCH,
            id="utf-8-bom-labelled-latin-1",
        ),
        pytest.param(FRENCH.encode("utf-16"), "text/html", FRENCH, id="utf-16-bom"),
        pytest.param(
            ARABIC.encode("utf-16-be"), "text/html; charset=utf-16be", ARABIC,
            id="utf-16be-labelled-no-bom",
        ),
        pytest.param(RUSSIAN_WITH_META.encode("cp1251"), None, RUSSIAN_WITH_META,
                     id="meta-charset-only"),
        pytest.param(RUSSIAN_WITH_PRAGMA.encode("cp1251"), "text/html", RUSSIAN_WITH_PRAGMA,
                     id="meta-http-equiv-only"),
        pytest.param(
            RUSSIAN_WITH_META.encode("cp1251"), "text/html; charset=utf-8", RUSSIAN_WITH_META,
            id="wrong-header-right-meta",
        ),
        pytest.param(RUSSIAN.encode("cp1251"), None, RUSSIAN, id="detected-russian-cp1251"),
        pytest.param(KAZAKH.encode(), None, KAZAKH, id="detected-kazakh-utf-8"),
        pytest.param(ARABIC.encode("cp1256"), None, ARABIC, id="detected-arabic-windows-1256"),
        pytest.param(CHINESE.encode("gb18030"), None, CHINESE, id="detected-chinese-gb18030"),
        pytest.param(JAPANESE.encode("shift_jis"), None, JAPANESE, id="detected-shift-jis"),
        pytest.param(
            JAPANESE.encode("shift_jis"), "text/html; charset=Shift_JIS", JAPANESE,
            id="labelled-shift-jis",
        ),
        pytest.param(
            CHINESE.encode("gb18030"), "text/html; charset=gb2312", CHINESE,
            id="gb2312-label-means-gb18030",
        ),
        pytest.param(FRENCH.encode("latin-1"), None, FRENCH, id="detected-french-latin-1"),
        pytest.param(
            FRENCH.replace("citoyenneté", "citoyenneté “mondiale”").encode("cp1252"),
            "text/html; charset=iso-8859-1",
            FRENCH.replace("citoyenneté", "citoyenneté “mondiale”"),
            id="iso-8859-1-label-means-windows-1252",
        ),
        pytest.param(KAZAKH.encode(), "text/html; charset=bogus-encoding", KAZAKH,
                     id="unknown-label-ignored"),
        pytest.param(b"", "text/html", "", id="empty-body"),
        pytest.param(
            FRENCH.encode(), "text/html; charset=iso-8859-1", FRENCH,
            id="utf-8-labelled-latin-1",
        ),
        pytest.param(
            RUSSIAN.encode(), "text/html; charset=windows-1251", RUSSIAN,
            id="utf-8-labelled-windows-1251",
        ),
        pytest.param(
            KAZAKH.replace("<head>", '<head><meta charset="koi8-r">').encode(), None,
            KAZAKH.replace("<head>", '<head><meta charset="koi8-r">'),
            id="utf-8-with-a-wrong-single-byte-meta",
        ),
    ],
)  # fmt: skip
def test_page_bytes_decode_to_their_text(
    body: bytes, content_type: str | None, expected: str
) -> None:
    assert decode_page(body, content_type) == expected


def test_a_utf_8_page_with_one_broken_sequence_stays_utf_8() -> None:
    body = RUSSIAN.encode().replace(b"</p>", b"\xd0</p>")
    text = decode_page(body, "text/html; charset=utf-8")
    assert "Дети Кыргызстана" in text
    assert "\ufffd</p>" in text


def test_utf_7_is_never_honoured() -> None:
    """UTF-7 can spell "<script>" in plain ASCII; browsers dropped it, so do we."""
    body = page("Title", "+ADw-script+AD4-alert(1)+ADw-/script+AD4- and the rest.").encode()
    assert "<script>" not in decode_page(body, "text/html; charset=utf-7")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(random.Random(10).randbytes(200_000), id="random-bytes"),
        pytest.param(
            bytes(b for b in random.Random(11).randbytes(300_000) if b)[:200_000],
            id="random-bytes-without-nul",
        ),
        pytest.param(b"<html><body>" + b"\x00" * 5_000 + b"</body></html>", id="nul-laden"),
        pytest.param(FRENCH.encode().replace(b" ", b"\x00\x00\x00"), id="nul-for-every-space"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + random.Random(12).randbytes(10_000), id="png"),
    ],
)
@pytest.mark.parametrize("content_type", ["text/html", "text/html; charset=utf-8", None])
def test_bytes_that_are_not_text_are_not_a_page(body: bytes, content_type: str | None) -> None:
    with pytest.raises(ExtractionError, match="not a text page"):
        decode_page(body, content_type)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [(FRENCH, "latin-1"), (RUSSIAN, "cp1251"), (ARABIC, "cp1256"), (CHINESE, "gb18030")],
    ids=["fr", "ru", "ar", "zh"],
)
def test_a_crawl_and_the_extract_command_read_mislabelled_bytes_alike(
    text: str, encoding: str
) -> None:
    body = text.encode(encoding)
    crawled = process_fetched(body, URL, None, content_type="text/html; charset=utf-8")
    saved = process_page(body, URL)
    assert crawled["title"] == saved["title"]
    assert "\ufffd" not in crawled["title"] + crawled["text"]
    assert crawled["text"] == saved["text"]


def test_a_page_of_random_bytes_served_as_html_is_rejected() -> None:
    body = random.Random(3).randbytes(200 * 1024)
    with pytest.raises(ExtractionError, match="not a text page"):
        process_fetched(body, URL, None, content_type="text/html")
