"""Each story's citation (RIS, BibTeX, CSL-JSON) beside its JSON: read back by the libraries
researchers' tools use, linked from the story page, rewritten only when the story changes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import bibtexparser
import lxml.html
import pytest
import rispy
from bibtexparser.bparser import BibTexParser

from crawler.digest import build_site
from crawler.digest.citation import citation_key

from .test_digest import NOW, make_item

CHINESE = make_item(
    "c9f0a1b2c3d4",
    title="全球公民教育：学生讨论气候变化",
    summary="教科文组织支持的课程。",
    language="zh",
    url="https://news.un.org/zh/story/2025/03/1",
    authors=["王小明"],
)
SPECIAL = make_item(
    "5pec1a1ch4r5",
    title="R&D {budget} 50% of $10_000 #1 ~ ^ \\ for schools",
    edited_title="Éducation & citoyenneté: 50% {more} in Côte d’Ivoire",
    summary="Costs & benefits: 100% of_schools.",
    authors=["Jane Doe", "María José Pérez"],
)
PLAIN = make_item("a1b2c3d4e5f6", url="https://news.un.org/en/story/a1b2c3d4e5f6")


def build(items: list[dict[str, Any]], out: Path) -> Any:
    return build_site(items, out, now=NOW, search=False)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    out = tmp_path / "site"
    build([CHINESE, SPECIAL, PLAIN], out)
    return out


def read(site: Path, item_id: str, suffix: str) -> str:
    return (site / "items" / f"{item_id}{suffix}").read_text(encoding="utf-8")


def parse_bibtex(text: str) -> dict[str, str]:
    parser = BibTexParser(common_strings=False, ignore_nonstandard_types=False)
    entries = bibtexparser.loads(text, parser=parser).entries
    assert len(entries) == 1
    entry: dict[str, str] = entries[0]
    return entry


def test_every_story_has_its_citation_files_beside_its_json(site: Path) -> None:
    for item in (CHINESE, SPECIAL, PLAIN):
        for suffix in (".json", ".ris", ".bib", ".csl.json"):
            assert (site / "items" / f"{item['id']}{suffix}").is_file()


def test_the_story_page_links_to_its_citation_files(site: Path) -> None:
    page = lxml.html.document_fromstring((site / "en/items/a1b2c3d4e5f6.html").read_bytes())
    links = page.xpath('//section[@class="cite"]//a/@href')
    assert links == [f"../../items/a1b2c3d4e5f6{s}" for s in (".ris", ".bib", ".csl.json")]
    for link in links:
        assert (site / "en/items" / link).resolve().is_file()


def test_the_cite_block_speaks_the_interface_language(site: Path) -> None:
    page = lxml.html.document_fromstring((site / "zh/items/c9f0a1b2c3d4.html").read_bytes())
    assert page.xpath('string(//h2[@id="cite-heading"])') == "引用本文"


def test_ris_parses_with_the_fields_of_a_news_story(site: Path) -> None:
    (entry,) = rispy.loads(read(site, "c9f0a1b2c3d4", ".ris"))
    assert entry["type_of_reference"] == "NEWS"
    assert entry["id"] == citation_key("c9f0a1b2c3d4")
    assert entry["title"] == "全球公民教育：学生讨论气候变化"
    assert entry["authors"] == ["王小明"]
    assert entry["publisher"] == "UN News"
    assert entry["secondary_title"] == "UN News"
    assert entry["language"] == "zh"
    assert entry["date"] == "2025/03/11"
    assert entry["year"] == "2025"
    assert entry["urls"] == ["https://news.un.org/zh/story/2025/03/1"]
    assert entry["access_date"] == "2025/03/11"
    assert entry["abstract"] == "教科文组织支持的课程。"


def test_ris_cites_the_editors_title(site: Path) -> None:
    (entry,) = rispy.loads(read(site, "5pec1a1ch4r5", ".ris"))
    assert entry["title"] == "Éducation & citoyenneté: 50% {more} in Côte d’Ivoire"
    assert entry["authors"] == ["Jane Doe", "María José Pérez"]


def test_bibtex_parses_and_escapes_special_characters(site: Path) -> None:
    text = read(site, "5pec1a1ch4r5", ".bib")
    assert "Côte d’Ivoire" in text  # UTF-8, not LaTeX accents
    entry = parse_bibtex(text)
    assert entry["ENTRYTYPE"] == "online"
    assert entry["ID"] == "gced5pec1a1ch4r5"
    assert entry["title"] == r"{Éducation \& citoyenneté: 50\% \{more\} in Côte d’Ivoire}"
    assert entry["author"] == "{Jane Doe} and {María José Pérez}"
    assert entry["abstract"] == r"Costs \& benefits: 100\% of\_schools."
    assert entry["publisher"] == "UN News"
    assert entry["url"] == "https://news.un.org/en/story/5pec1a1ch4r5"
    assert (entry["date"], entry["year"], entry["urldate"]) == ("2025-03-11", "2025", "2025-03-11")
    assert entry["langid"] == "en"


def test_bibtex_of_a_chinese_story_keeps_its_characters(site: Path) -> None:
    entry = parse_bibtex(read(site, "c9f0a1b2c3d4", ".bib"))
    assert entry["title"] == "{全球公民教育：学生讨论气候变化}"
    assert entry["author"] == "{王小明}"


CSL_TYPES = {
    "id": str,
    "type": str,
    "title": str,
    "container-title": str,
    "publisher": str,
    "URL": str,
    "language": str,
    "issued": dict,
    "accessed": dict,
    "abstract": str,
    "author": list,
}


@pytest.mark.parametrize("item", [CHINESE, SPECIAL, PLAIN], ids=lambda item: item["id"])
def test_csl_json_has_the_required_keys_and_types(site: Path, item: dict[str, Any]) -> None:
    records = json.loads(read(site, item["id"], ".csl.json"))
    assert isinstance(records, list) and len(records) == 1
    record = records[0]
    assert record["id"] == citation_key(item["id"])
    assert record["type"] == "article-newspaper"
    assert set(record) <= set(CSL_TYPES)
    for key, value in record.items():
        assert isinstance(value, CSL_TYPES[key]), key
    for key in ("issued", "accessed"):
        (parts,) = record[key]["date-parts"]
        assert parts == [2025, 3, 11]
    assert all(set(name) == {"literal"} for name in record.get("author", []))
    assert record["container-title"] == "UN News"


def test_unchanged_stories_citations_are_not_rewritten(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build([CHINESE, PLAIN], out)
    files = [out / "items" / f"{i}{s}" for i in ("c9f0a1b2c3d4", "a1b2c3d4e5f6")
             for s in (".ris", ".bib", ".csl.json")]  # fmt: skip
    for path in files:
        os.utime(path, ns=(1, 1))
    report = build([CHINESE, {**PLAIN, "edited_title": "A better title"}], out)
    assert report.written > 0
    rewritten = {path.name for path in files if path.stat().st_mtime_ns != 1}
    assert rewritten == {"a1b2c3d4e5f6.ris", "a1b2c3d4e5f6.bib", "a1b2c3d4e5f6.csl.json"}
    assert "A better title" in read(out, "a1b2c3d4e5f6", ".bib")
