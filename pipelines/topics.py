"""Topics, countries and relevance from an editable multilingual taxonomy.

The taxonomy is a TOML file (``pipelines/data/taxonomy.toml`` by default)::

    [topics.child-protection]
    label = "Child protection"
    terms.en = ["child protection", "violence against children"]
    terms.ru = ["защит* детей"]          # a trailing * matches any word ending

    [countries.KZ]
    label = "Kazakhstan"
    terms.en = ["Kazakhstan"]

Terms match case-insensitively on word boundaries (inside the text for scripts written
without spaces, such as Chinese). Each record gets the topics and countries matched, and a
relevance score with the matched terms as reasons, so an editor sees why.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_TAXONOMY = Path(__file__).with_name("data") / "taxonomy.toml"

# A term found in the title counts this much more than one in the body.
TITLE_WEIGHT = 3.0
_NO_SPACES = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


class TaxonomyError(ValueError):
    """A taxonomy file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Concept:
    kind: str  # "topic" | "country"
    key: str  # topic slug or ISO 3166 code
    label: str
    patterns: tuple[tuple[str, re.Pattern[str]], ...]  # (term, compiled)


@dataclass(frozen=True)
class Tagging:
    topics: list[str]
    countries: list[str]
    relevance: float
    reasons: list[str]


def _compile(term: str) -> re.Pattern[str]:
    stem = term.endswith("*")
    body = re.escape(term.rstrip("*").strip()).replace(r"\ ", r"\s+")
    if _NO_SPACES.search(term):
        return re.compile(body, re.IGNORECASE)
    tail = r"\w*" if stem else ""
    return re.compile(rf"(?<!\w){body}{tail}(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=8)
def load_taxonomy(path: Path = DEFAULT_TAXONOMY) -> tuple[Concept, ...]:
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TaxonomyError(f"{path}: cannot read taxonomy: {exc}") from exc
    concepts: list[Concept] = []
    for kind, table in (("topic", raw.get("topics", {})), ("country", raw.get("countries", {}))):
        for key, entry in table.items():
            terms = entry.get("terms")
            if not isinstance(terms, dict) or not terms:
                raise TaxonomyError(f"{path}: {kind} {key!r} has no terms")
            patterns = tuple(
                (term, _compile(term)) for lang_terms in terms.values() for term in lang_terms
            )
            concepts.append(Concept(kind, key, entry.get("label", key), patterns))
    return tuple(concepts)


def labels(path: Path = DEFAULT_TAXONOMY) -> dict[str, str]:
    return {concept.key: concept.label for concept in load_taxonomy(path)}


def tag(title: str, text: str, concepts: Iterable[Concept] | None = None) -> Tagging:
    """Topics, countries, relevance and its reasons for one article."""
    concepts = load_taxonomy() if concepts is None else concepts
    topics: list[str] = []
    countries: list[str] = []
    reasons: list[str] = []
    score = 0.0
    for concept in concepts:
        hits = _hits(concept, title or "", text or "")
        if not hits:
            continue
        (topics if concept.kind == "topic" else countries).append(concept.key)
        if concept.kind == "topic":
            score += sum(weight for _, _, weight in hits)
        reasons.extend(f"{concept.key}: {term} ({where})" for term, where, _ in hits)
    return Tagging(topics, countries, round(_saturate(score), 3), reasons)


def _hits(concept: Concept, title: str, text: str) -> list[tuple[str, str, float]]:
    hits = []
    for term, pattern in concept.patterns:
        if pattern.search(title):
            hits.append((term, "title", TITLE_WEIGHT))
        elif pattern.search(text):
            count = len(pattern.findall(text))
            hits.append((term, "text", min(1.0 + 0.25 * (count - 1), 2.0)))
    return hits


def _saturate(score: float) -> float:
    """Map a raw score onto 0..1: one body mention ~0.2, a title mention ~0.5."""
    return 1.0 - 0.8**score if score else 0.0
