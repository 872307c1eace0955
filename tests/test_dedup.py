"""Canonical URLs, content hashes and story ids."""

from __future__ import annotations

import pytest

from pipelines.dedup import canonical_url, content_hash, story_id


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://news.un.org/en/story/2025/03/1161234#comments",
            "https://news.un.org/en/story/2025/03/1161234",
        ),
        (
            "http://News.UN.org/en/story/2025/03/1161234/",
            "https://news.un.org/en/story/2025/03/1161234",
        ),
        (
            "https://www.unesco.org/en/articles/x?hub=66&utm_source=tw",
            "https://www.unesco.org/en/articles/x",
        ),
        (
            "https://www.unicef.org/press-releases/x?fbclid=1&page=2",
            "https://www.unicef.org/press-releases/x?page=2",
        ),
    ],
)
def test_tracking_presentation_and_fragment_are_removed(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_rel_canonical_on_the_same_site_is_honoured() -> None:
    url = "https://www.unesco.org/en/articles/x?hub=701"
    assert (
        canonical_url(url, "https://www.unesco.org/en/articles/x")
        == "https://www.unesco.org/en/articles/x"
    )


def test_rel_canonical_to_another_site_is_ignored() -> None:
    url = "https://news.un.org/en/story/2025/03/1"
    assert canonical_url(url, "https://evil.example/x") == url


def test_hash_ignores_case_spacing_and_punctuation() -> None:
    assert content_hash("Children's  rights,\nfirst!") == content_hash("children s rights first")
    assert content_hash("children's rights") != content_hash("children's duties")


def test_translations_listing_each_other_share_one_story_id() -> None:
    en = "https://news.un.org/en/story/2025/03/1"
    ru = "https://news.un.org/ru/story/2025/03/2"
    alternates = {"en": en, "ru": ru}
    assert story_id(en, alternates) == story_id(ru, alternates)
    assert story_id(en, {}) != story_id(ru, {})
