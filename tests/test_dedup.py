"""Canonical URLs, content hashes, story ids and MinHash signatures."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import pytest

from pipelines.dedup import (
    MINHASH_SIZE,
    NEAR_DUPLICATE,
    PERMUTATIONS,
    PRIME,
    canonical_url,
    content_hash,
    fingerprints,
    minhash,
    minhash_bands,
    shingle_hashes,
    similarity,
    story_id,
)


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


WORDS = (
    "children school teachers rights education learning inclusive classroom minister budget "
    "programme region district family parents community health water climate girls boys "
    "refugees support training data report agency government partners village city youth "
    "teacher pupils books language science nutrition vaccine clinic emergency flood drought "
    "peace citizenship dialogue culture heritage media safety protection disability equity"
).split()


def article(seed: int, sentences: int = 40) -> list[str]:
    """Sentences of a made-up article: the same seed, the same sentences."""
    rng = random.Random(seed)
    return [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 24))).capitalize() + "."
        for _ in range(sentences)
    ]


def shared_bands(a: str, b: str) -> int:
    return sum(x == y for x, y in zip(minhash_bands(a), minhash_bands(b), strict=True))


def test_texts_differing_by_one_sentence_share_most_bands() -> None:
    sentences = article(1)
    edited = [*sentences[:20], "A new sentence was added by the editor here.", *sentences[20:]]
    original, copy = minhash(" ".join(sentences)), minhash(" ".join(edited))
    assert similarity(original, copy) >= NEAR_DUPLICATE
    assert shared_bands(original, copy) >= 10


def test_unrelated_texts_share_no_band() -> None:
    first, second = minhash(" ".join(article(1))), minhash(" ".join(article(2)))
    assert similarity(first, second) < 0.1
    assert shared_bands(first, second) == 0


def test_a_signature_is_the_same_in_another_process() -> None:
    text = " ".join(article(3)) + " Élèves, 日本語 and ünïcode."
    program = "import sys; from pipelines.dedup import minhash; print(minhash(sys.argv[1]))"
    other = subprocess.run(
        [sys.executable, "-c", program, text],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    assert other.stdout.strip() == minhash(text)


def test_signatures_do_not_change_between_versions() -> None:
    # Stored fingerprints are compared with new ones: a change here needs a store migration.
    assert minhash("Children have the right to learn")[:32] == "01875a968920803e007db04f4309e3e9"


def test_the_permutations_are_distinct_and_unrelated() -> None:
    a_values = [a for a, _ in PERMUTATIONS]
    b_values = [b for _, b in PERMUTATIONS]
    assert len(PERMUTATIONS) == MINHASH_SIZE
    assert len(set(a_values) | set(b_values)) == 2 * MINHASH_SIZE
    assert len({a - b for a, b in PERMUTATIONS}) == MINHASH_SIZE  # b is not a shifted a
    assert all(0 < a < 2**32 and 0 <= b < 2**32 for a, b in PERMUTATIONS)


def test_permuting_a_32_bit_hash_never_overflows_64_bits() -> None:
    largest = max(a for a, _ in PERMUTATIONS) * (2**32 - 1) + max(b for _, b in PERMUTATIONS)
    assert largest < 2**64
    assert PRIME == 2**61 - 1


def test_a_text_without_words_has_no_signature() -> None:
    assert minhash("") == ""
    assert minhash(" — !? ") == ""
    assert minhash_bands("") == []


def test_a_text_shorter_than_a_shingle_still_has_a_signature() -> None:
    assert len(minhash("Peace")) == MINHASH_SIZE * 16
    assert minhash("Peace") != minhash("War")


def test_a_long_signature_is_the_least_permuted_value_of_every_shingle() -> None:
    text = " ".join(article(4, sentences=120))  # over 2,000 shingles: several blocks
    hashes = [int(x) for x in shingle_hashes(text)]
    expected = [min((a * x + b) % PRIME for x in hashes) for a, b in PERMUTATIONS]
    assert len(hashes) > 2000
    assert minhash(text) == "".join(f"{value:016x}" for value in expected)


@pytest.mark.parametrize("text", ["Pupils learn about peace.\nTeachers too.", "", "   ", "Мир"])
def test_fingerprints_are_the_content_hash_and_the_minhash(text: str) -> None:
    assert fingerprints(text) == (content_hash(text), minhash(text))
