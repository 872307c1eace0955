"""Topics, countries and relevance with reasons, from the multilingual taxonomy."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.topics import TaxonomyError, load_taxonomy, tag


@pytest.mark.parametrize(
    ("title", "text", "topic"),
    [
        ("Global citizenship education reaches rural schools", "", "global-citizenship"),
        ("", "Новая программа по медиаграмотности для школьников.", "media-information-literacy"),
        ("", "La lutte contre le travail des enfants progresse.", "child-labour"),
        ("", "El ciberacoso afecta a uno de cada tres estudiantes.", "bullying"),
        ("", "دعت اليونيسف إلى إنهاء العنف ضد الأطفال في المدارس.", "violence-against-children"),
        ("", "联合国儿童基金会呼吁加强儿童保护。", "child-protection"),
    ],
)
def test_topic_terms_match_in_each_language(title: str, text: str, topic: str) -> None:
    assert topic in tag(title, text).topics


def test_russian_stems_match_inflected_forms() -> None:
    assert "KZ" in tag("", "Школы Казахстана внедряют новые курсы").countries


def test_relevance_has_the_matched_terms_as_reasons_and_titles_weigh_more() -> None:
    in_title = tag("Child labour falls in Uzbekistan", "")
    in_text = tag("Cotton harvest report", "Child labour falls in Uzbekistan.")
    assert in_title.relevance > in_text.relevance > 0
    assert "child-labour: child labour (title)" in in_title.reasons
    assert in_title.countries == ["UZ"]


def test_off_topic_story_has_no_relevance() -> None:
    result = tag("Security Council debates shipping lanes", "Freight rates rose by 4 per cent.")
    assert (result.topics, result.relevance) == ([], 0.0)


def test_a_taxonomy_entry_without_terms_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.toml"
    path.write_text('[topics.empty]\nlabel = "Empty"\n', encoding="utf-8")
    with pytest.raises(TaxonomyError, match="empty"):
        load_taxonomy(path)
