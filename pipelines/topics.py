"""Topics, countries and relevance from an editable multilingual taxonomy.

The taxonomy is a TOML file (``pipelines/data/taxonomy.toml`` by default; its header
comments are the editor's guide)::

    [topics.youth-participation]
    label = "Youth participation"
    group = "gced"
    terms.en = ["youth participation", "youth-led"]   # strong: one match tags the record
    terms.ru = ["участи* молодежи"]                     # a trailing * matches any ending
    weak_terms.en = ["young people"]                    # counts only near a `near` word
    near.en = ["participat*", "voice*"]                 # (default: the [context] list)

    [countries.KZ]
    label = "Kazakhstan"
    terms.kk = ["Қазақ*"]

    [scope.education]                                  # in scope, but tags no topic:
    label = "Education"                                # counts towards relevance only
    terms.en = ["school*", "teacher*"]

    [not-a-story]                                      # tenders, vacancies, logistics:
    terms.en = ["invitation to bid", "vacancy"]        # relevance 0 and no topics

Terms match case-insensitively on word boundaries (inside the text for Chinese, Japanese
and Korean; Arabic terms also after the proclitics و ف ب ك ل and the article). Where terms
overlap, the longest match starting first wins. The terms are compiled once per version of
the file into trie-shaped patterns, a few per script, so tagging an article (a title and a
3,000-character body) takes about a millisecond.

Relevance adds up the evidence of every topic and scope entry: a strong term in the title
weighs ``TITLE_WEIGHT``, in the body ``BODY_WEIGHT`` (+0.25 per repeat, up to 2); a weak term
half of that and only when the same topic has a strong match or a `near` word shares its
sentence; one topic adds at most ``TOPIC_CAP``; the sum maps onto 0..1 as
``1 - 0.8 ** total``. A single strong term once in the body is a mention in passing and
stays under 0.2 (the default candidate threshold), as do weak terms without any strong
term. A page whose title holds a `not-a-story` term, or whose body holds two of them, is a
notice (tender, vacancy, request for proposals, logistics): no topics, relevance 0.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

DEFAULT_TAXONOMY = Path(__file__).with_name("data") / "taxonomy.toml"

# A term found in the title counts this much more than one in the body.
TITLE_WEIGHT = 3.0
BODY_WEIGHT = 0.75  # one mention in the body: 1 - 0.8**0.75 = 0.15, under the default 0.2
WEAK_WEIGHT = 0.5
REPEAT_BONUS = 0.25
BODY_CAP = 2.0
TOPIC_CAP = 6.0
SATURATION = 0.8
MIN_STEM = 3
FIRST_CHARS_PER_PATTERN = 32  # smaller: more patterns to scan; larger: longer alternations

NOTICE_TERMS_IN_TEXT = 2  # distinct not-a-story terms that make a body a notice

EDUCATION = "education"  # the owner of the shared [context] words
IGNORED = None  # the owner of [ignore] phrases: a match that is read as nothing
NOTICE = "not-a-story"  # the owner of [not-a-story] phrases, and their reasons' prefix
_ENTRY_FIELDS = {
    "topic": {"label", "group", "terms", "weak_terms", "near"},
    "scope": {"label", "group", "terms", "weak_terms", "near"},
    "country": {"label", "group", "terms"},
}
_KINDS = (("topic", "topics"), ("scope", "scope"), ("country", "countries"))
_TABLES = {"topics", "scope", "countries", "context", "ignore", NOTICE}
_LANG_KEY = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z]{2,4})?$")

_CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_JOINER = re.compile(r"[\s\-]+")
_WORD_CHAR = re.compile(r"\w")
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)|[。！？؟\n]")
_FOLDS = {
    "ё": "е",
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ى": "ي",
    "ة": "ه",
    "ـ": "",  # tatweel
    **{chr(c): "" for c in range(0x064B, 0x0653)},  # Arabic short vowels
    **dict.fromkeys("’‘ʼʻ`´", "'"),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"),
}
_FOLD = re.compile("[" + re.escape("".join(_FOLDS)) + "]")

# Regex fragments ("atoms") a term is built from; see _atoms().
_WORD_START = "word"  # the start guards, rendered by _pattern()
_ARABIC_START = "arabic"
_NO_GUARD = ""
_ARABIC_PROCLITICS = "(?:[وف]?(?:لل|[بكل]?(?:ال)?))"
_WORD_END = r"(?!\w)"
_STEM = r"\w*"
_SPACED_JOIN = r"[\s\-]+"
_CJK_JOIN = r"[\s\-]*"
_SPECIAL_ORDER = {_SPACED_JOIN: 1, _CJK_JOIN: 1, _STEM: 2, _WORD_END: 3}

Atoms = tuple[str, ...]
_Path = tuple[Atoms, Sequence[Any]]  # a term's atoms and what a match of it stands for


class TaxonomyError(ValueError):
    """A taxonomy file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Term:
    text: str  # as written in the taxonomy file, shown in reasons
    lang: str
    weak: bool = False


@dataclass(frozen=True)
class Concept:
    kind: str  # "topic" | "scope" (counts towards relevance, tags nothing) | "country"
    key: str  # topic slug, ISO 3166 code or region slug
    label: str
    terms: tuple[Term, ...]
    group: str = ""
    near: tuple[Term, ...] = ()  # words a weak term must share a sentence with


@dataclass(frozen=True)
class Tagging:
    topics: list[str]
    countries: list[str]
    relevance: float
    reasons: list[str]
    scores: dict[str, float] = field(default_factory=dict)  # topic/scope → share of evidence


@dataclass(frozen=True, eq=False)
class _Pattern:
    pattern: re.Pattern[str]
    owners: tuple[tuple[Any, ...], ...]  # group number - 1 → what the matched term stands for


@dataclass(frozen=True, eq=False)
class _Matcher:
    """Trie patterns grouped by the script their terms start with; a group is skipped when
    the text holds none of its first characters."""

    groups: tuple[tuple[re.Pattern[str], tuple[_Pattern, ...]], ...]

    def find(self, text: str) -> list[tuple[tuple[Any, ...], int, int]]:
        """(owners, start, end) of non-overlapping matches; where matches overlap, the one
        starting first wins, then the longest."""
        found = []
        for firsts, patterns in self.groups:
            if not firsts.search(text):
                continue
            for compiled in patterns:
                owners = compiled.owners
                for match in compiled.pattern.finditer(text):
                    group = match.lastindex or 1  # every term is a group of the pattern
                    found.append((match.start(), -match.end(), owners[group - 1]))
        found.sort(key=lambda hit: hit[:2])
        kept, reached = [], 0
        for start, neg_end, owners in found:
            if start >= reached:
                kept.append((owners, start, -neg_end))
                reached = -neg_end
        return kept


@dataclass(frozen=True, eq=False)
class Taxonomy:
    """The loaded taxonomy: its concepts and the patterns compiled from them."""

    path: Path | None
    concepts: tuple[Concept, ...]
    terms: _Matcher
    context: _Matcher
    notices: tuple[Term, ...] = ()

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts)

    def __len__(self) -> int:
        return len(self.concepts)


# ---- Loading -------------------------------------------------------------------------------


def load_taxonomy(path: Path | str = DEFAULT_TAXONOMY) -> Taxonomy:
    """The taxonomy in ``path``, compiled once per version of the file."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise TaxonomyError(f"{path}: cannot read taxonomy: {exc}") from exc
    return _load(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _load(path: Path, _mtime_ns: int, _size: int) -> Taxonomy:
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TaxonomyError(f"{path}: cannot read taxonomy: {exc}") from exc
    try:
        return _parse(raw, path)
    except TaxonomyError as exc:
        raise TaxonomyError(f"{path}: {exc}") from None


def labels(path: Path | str = DEFAULT_TAXONOMY) -> dict[str, str]:
    return {concept.key: concept.label for concept in load_taxonomy(path)}


def compile_taxonomy(
    concepts: Iterable[Concept],
    context: Sequence[Term] = (),
    ignore: Sequence[Term] = (),
    path: Path | None = None,
    notices: Sequence[Term] = (),
) -> Taxonomy:
    """Concepts and shared lists → a :class:`Taxonomy` ready for :func:`tag`."""
    concepts = tuple(concepts)
    term_paths: dict[Atoms, list[tuple[int | str | None, int]]] = defaultdict(list)
    context_paths: dict[Atoms, list[tuple[Any, str]]] = defaultdict(list)
    for index, concept in enumerate(concepts):
        for term_index, term in enumerate(concept.terms):
            term_paths[_atoms(term.text)].append((index, term_index))
        for term in concept.near:
            context_paths[_atoms(term.text)].append((index, term.text))
    for term in context:
        context_paths[_atoms(term.text)].append((EDUCATION, term.text))
    for term in ignore:  # the longest match wins, so an ignored phrase hides what it holds
        term_paths[_atoms(term.text)] = [(IGNORED, 0)]
    for term_index, term in enumerate(notices):
        term_paths[_atoms(term.text)] = [(NOTICE, term_index)]
    context_paths = _with_shorter_owners(context_paths)
    for term in ignore:
        context_paths[_atoms(term.text)] = [(IGNORED, term.text)]
    return Taxonomy(
        path=path,
        concepts=concepts,
        terms=_matcher(term_paths),
        context=_matcher(context_paths),
        notices=tuple(notices),
    )


def _with_shorter_owners(
    paths: Mapping[Atoms, Sequence[Any]],
) -> dict[Atoms, list[Any]]:
    """Context words of different owners may overlap ("pupils" near violence, "pupil*" for
    education); the longest match wins the span, so it also takes the owners of every
    other word that would match all of it."""
    merged = {atoms: list(owners) for atoms, owners in paths.items()}
    compiled = {atoms: re.compile("".join(atoms[1:])) for atoms in paths}
    for atoms in paths:
        sample = _sample(atoms)
        for other, pattern in compiled.items():
            if other != atoms and other[:2] == atoms[:2] and pattern.fullmatch(sample):
                merged[atoms].extend(o for o in paths[other] if o not in merged[atoms])
    return merged


def _sample(atoms: Atoms) -> str:
    """The shortest text a path matches: its letters, one space per joiner."""
    joiners = {_SPACED_JOIN: " ", _CJK_JOIN: ""}
    return "".join(joiners.get(a, "" if a in _SPECIAL_ORDER else a.lstrip("\\")) for a in atoms[1:])


def _parse(raw: dict[str, Any], path: Path) -> Taxonomy:
    unknown = sorted(set(raw) - _TABLES)
    if unknown:
        raise TaxonomyError(f"unknown table {unknown[0]!r} (expected one of {sorted(_TABLES)})")
    concepts = [
        _concept(kind, key, entry)
        for kind, name in _KINDS
        for key, entry in _table(raw.get(name, {}), name).items()
    ]
    context, ignore, notices = (
        _terms(_table(raw.get(name, {}), name).get("terms", {}), name)
        for name in ("context", "ignore", NOTICE)
    )
    return compile_taxonomy(concepts, context, ignore, path, notices)


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TaxonomyError(f"{where} must be a table")
    return value


def _concept(kind: str, key: str, entry: Any) -> Concept:
    where = f"{kind} {key!r}"
    entry = _table(entry, where)
    unknown = sorted(set(entry) - _ENTRY_FIELDS[kind])
    if unknown:
        allowed = ", ".join(sorted(_ENTRY_FIELDS[kind]))
        raise TaxonomyError(f"{where} has unknown field {unknown[0]!r} (allowed: {allowed})")
    strong = _terms(entry.get("terms", {}), where)
    if not strong:
        raise TaxonomyError(f"{where} has no terms")
    weak = _terms(entry.get("weak_terms", {}), where, weak=True)
    label = entry.get("label", key)
    group = entry.get("group", "")
    if not isinstance(label, str) or not isinstance(group, str):
        raise TaxonomyError(f"{where}: label and group must be text")
    near = _terms(entry.get("near", {}), where)
    return Concept(kind, key, label, _unique(strong + weak), group, near)


def _terms(by_lang: Any, where: str, weak: bool = False) -> tuple[Term, ...]:
    if not isinstance(by_lang, dict):
        raise TaxonomyError(f"{where}: terms must be a table of languages, e.g. terms.en = [...]")
    terms: list[Term] = []
    for lang, values in by_lang.items():
        if not _LANG_KEY.match(lang):
            raise TaxonomyError(f"{where}: {lang!r} is not a language tag such as en or uz-Cyrl")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise TaxonomyError(f"{where}: terms.{lang} must be a list of strings")
        for value in values:
            problem = _term_problem(value)
            if problem:
                raise TaxonomyError(f"{where}: terms.{lang}: {value!r} {problem}")
            terms.append(Term(value.strip(), lang, weak))
    return tuple(terms)


def _term_problem(value: str) -> str | None:
    words = [w for w in _JOINER.split(_normalise(value)) if w]
    if not words or not any(ch.isalnum() for ch in "".join(words)):
        return "is empty"
    if not _WORD_CHAR.match(words[0]):
        return "must start with a letter or digit"
    for word in words:
        if "*" in word.rstrip("*") or word.endswith("**"):
            return "has a * that is not at the end of a word"
        if word.endswith("*"):
            if _CJK.search(word):
                return "is a stem (*) in Chinese, Japanese or Korean, which match inside words"
            if len(words) == 1 and len(word) - 1 < MIN_STEM:
                return f"is a stem shorter than {MIN_STEM} letters"
    return None


def _unique(terms: tuple[Term, ...]) -> tuple[Term, ...]:
    """The first of terms that match the same way (a name shared by several languages)."""
    seen: dict[Atoms, Term] = {}
    for term in terms:
        seen.setdefault(_atoms(term.text), term)
    return tuple(seen.values())


# ---- Compiling -----------------------------------------------------------------------------


def _normalise(text: str) -> str:
    """Case, ё, Arabic letter variants, apostrophes and dashes folded the same way."""
    return _FOLD.sub(_fold, unicodedata.normalize("NFC", text).lower())


def _fold(match: re.Match[str]) -> str:
    return _FOLDS[match.group()]


@cache
def _atoms(term: str) -> Atoms:
    """A term as a sequence of regex fragments: a start guard, then one per character."""
    words = [w for w in _JOINER.split(_normalise(term)) if w]
    cjk = bool(_CJK.search(term))
    arabic = not cjk and bool(_ARABIC.search(term))
    if arabic and words[0].startswith("ال") and len(words[0]) > 3:
        words[0] = words[0][2:]  # the article is part of the proclitic guard
    atoms = [_NO_GUARD if cjk else _ARABIC_START if arabic else _WORD_START]
    for position, word in enumerate(words):
        if position:
            atoms.append(_CJK_JOIN if cjk else _SPACED_JOIN)
        atoms.extend(re.escape(ch) for ch in word.rstrip("*"))
        if word.endswith("*"):
            atoms.append(_STEM)
    if not cjk and not words[-1].endswith("*"):
        atoms.append(_WORD_END)
    return tuple(atoms)


def _matcher(paths: Mapping[Atoms, Sequence[Any]]) -> _Matcher:
    """Terms (as atom paths) → trie patterns, one group per script of the first letter."""
    by_script: dict[tuple[str, str], list[_Path]] = defaultdict(list)
    for atoms, owners in paths.items():
        first = atoms[1].lstrip("\\")[:1]
        by_script[atoms[0], _script(first)].append((atoms[1:], owners))
    groups = []
    for (start, _script_name), script_paths in sorted(by_script.items()):
        firsts = sorted({atoms[0] for atoms, _ in script_paths})
        filter_chars = firsts + (["و", "ف", "ب", "ك", "ل"] if start == _ARABIC_START else [])
        patterns = tuple(
            _pattern(start, chunk) for chunk in _chunks(script_paths, FIRST_CHARS_PER_PATTERN)
        )
        groups.append((re.compile("[" + "".join(filter_chars) + "]"), patterns))
    return _Matcher(tuple(groups))


def _script(char: str) -> str:
    """The script of a character, as its Unicode name begins: LATIN, CYRILLIC, CJK..."""
    return unicodedata.name(char, "OTHER").split(" ")[0]


def _chunks(paths: list[_Path], size: int) -> Iterator[list[_Path]]:
    """Paths in chunks of ``size`` first characters: a long alternation is tried one
    branch after the other at every candidate position."""
    by_first: dict[str, list[_Path]] = defaultdict(list)
    for atoms, owners in paths:
        by_first[atoms[0]].append((atoms, owners))
    firsts = sorted(by_first)
    for offset in range(0, len(firsts), size):
        yield [path for first in firsts[offset : offset + size] for path in by_first[first]]


def _pattern(start: str, paths: list[_Path]) -> _Pattern:
    order: list[tuple[Any, ...]] = []
    body = _render(_trie(paths), order)
    firsts = "".join(sorted({atoms[0] for atoms, _ in paths}))
    if start == _WORD_START:  # \b with a look at the next letter is cheaper than (?<!\w)
        body = rf"\b(?=[{firsts}])" + body
    elif start == _ARABIC_START:
        body = r"\b" + _ARABIC_PROCLITICS + body
    return _Pattern(re.compile(body), tuple(order))


_END = ""  # trie key of the node where a term ends


def _trie(paths: Sequence[_Path]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for atoms, owners in paths:
        node = root
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[_END] = tuple(owners)
    return root


def _render(node: dict[str, Any], order: list[tuple[Any, ...]]) -> str:
    """The trie as nested alternations, longer continuations first; an empty group marks
    the end of each term, so ``match.lastindex`` says which term matched."""
    branches = []
    for atom in sorted((a for a in node if a != _END), key=_atom_order):
        branches.append(atom + _render(node[atom], order))
    if _END in node:
        order.append(node[_END])
        branches.append("()")
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _atom_order(atom: str) -> tuple[int, str]:
    return _SPECIAL_ORDER.get(atom, 0), atom


# ---- Tagging -------------------------------------------------------------------------------


@dataclass
class _Evidence:
    """What one concept collected in one article."""

    title: dict[int, str] = field(default_factory=dict)  # term index → near word ("" if none)
    text: dict[int, int] = field(default_factory=dict)  # term index → count
    text_near: dict[int, str] = field(default_factory=dict)

    @property
    def strong(self) -> bool:
        """Whether a strong term was found (weak hits are kept with their near word, or "")."""
        return any(near == "" for near in (*self.title.values(), *self.text_near.values()))


def tag(
    title: str,
    text: str,
    concepts: Taxonomy | Iterable[Concept] | None = None,
) -> Tagging:
    """Topics, countries, relevance and its reasons for one article."""
    taxonomy = _taxonomy(concepts)
    hits, notices = _collect(taxonomy, {"title": title or "", "text": text or ""})
    notice = _notice_reasons(taxonomy, notices)
    scored = [
        (_score(concept, hits[index]), index)
        for index, concept in enumerate(taxonomy.concepts)
        if index in hits and not (notice and concept.kind != "country")
    ]
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    topics, countries, reasons, scores = [], [], list(notice), {}
    strong = False
    for score, index in scored:
        concept = taxonomy.concepts[index]
        if concept.kind == "country":
            countries.append(concept.key)
        else:
            topics += [concept.key] if concept.kind == "topic" else []
            scores[concept.key] = round(score, 3)
            strong = strong or hits[index].strong
        reasons.extend(_reasons(concept, hits[index]))
    total = sum(scores.values())
    if not strong:
        total = min(total, BODY_WEIGHT)  # weak terms alone: never more than a passing mention
    relevance = 1.0 - SATURATION**total if total else 0.0
    return Tagging(topics, countries, round(relevance, 3), reasons, scores)


def _notice_reasons(taxonomy: Taxonomy, notices: dict[str, set[int]]) -> list[str]:
    """``not-a-story: term (title|text)`` when the page is a notice, else nothing."""
    title, text = notices.get("title", set()), notices.get("text", set())
    if not title and len(text) < NOTICE_TERMS_IN_TEXT:
        return []
    return [
        f"{NOTICE}: {taxonomy.notices[index].text} ({where})"
        for where, found in (("title", title), ("text", text))
        for index in sorted(found)
    ]


def _taxonomy(concepts: Taxonomy | Iterable[Concept] | None) -> Taxonomy:
    if concepts is None:
        return load_taxonomy()
    if isinstance(concepts, Taxonomy):
        return concepts
    return compile_taxonomy(concepts)


def _collect(
    taxonomy: Taxonomy, fields: dict[str, str]
) -> tuple[dict[int, _Evidence], dict[str, set[int]]]:
    """Counted evidence per concept index, weak terms kept only where they qualify; and
    the not-a-story terms found in each field."""
    evidence: dict[int, _Evidence] = defaultdict(_Evidence)
    notices: dict[str, set[int]] = defaultdict(set)
    weak: list[tuple[int, int, str, str]] = []  # concept, term, field, near word
    for where, raw in fields.items():
        text = _normalise(raw)
        pending = []  # weak hits of this field: concept, term, start, end
        for owners, start, end in taxonomy.terms.find(text):
            if owners[0][0] is IGNORED:
                continue
            if owners[0][0] == NOTICE:
                notices[where].add(owners[0][1])
                continue
            for index, term_index in owners:
                if taxonomy.concepts[index].terms[term_index].weak:
                    pending.append((index, term_index, start, end))
                else:
                    _add(evidence[index], term_index, where, "")
        if pending:
            nearby = _near_words(taxonomy, text, pending)
            for (index, term_index, _start, _end), near in zip(pending, nearby, strict=True):
                weak.append((index, term_index, where, near))
    qualified = set(evidence)
    for index, term_index, where, near in weak:
        if index in qualified or near:
            _add(evidence[index], term_index, where, "" if index in qualified else near)
    return evidence, notices


def _near_words(taxonomy: Taxonomy, text: str, hits: list[tuple[int, int, int, int]]) -> list[str]:
    """For each weak hit (concept, term, start, end), the first word of its concept's `near`
    list (or the shared education context) in the same sentence and outside the hit ("école
    maternelle" is not near "école*"), or ""."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    sentences: dict[int, list[tuple[int, int, Any, str]]] = defaultdict(list)
    for owners, start, end in taxonomy.context.find(text):
        if owners[0][0] is IGNORED:
            continue
        sentence = sentences[bisect_right(ends, start)]
        sentence.extend((start, end, owner, word) for owner, word in owners)
    found = []
    for index, _term_index, start, end in hits:
        owner = index if taxonomy.concepts[index].near else EDUCATION
        words = sentences.get(bisect_right(ends, start), [])
        found.append(
            next((w for s, e, o, w in words if o == owner and (e <= start or s >= end)), "")
        )
    return found


def _add(evidence: _Evidence, term_index: int, where: str, near: str) -> None:
    if where == "title":
        evidence.title.setdefault(term_index, near)
    else:
        evidence.text[term_index] = evidence.text.get(term_index, 0) + 1
        evidence.text_near.setdefault(term_index, near)


def _score(concept: Concept, evidence: _Evidence) -> float:
    total = 0.0
    for term_index in evidence.title:
        total += TITLE_WEIGHT * _weight(concept.terms[term_index])
    for term_index, count in evidence.text.items():
        body = min(BODY_WEIGHT + REPEAT_BONUS * (count - 1), BODY_CAP)
        total += body * _weight(concept.terms[term_index])
    return min(total, TOPIC_CAP)


def _weight(term: Term) -> float:
    return WEAK_WEIGHT if term.weak else 1.0


def _reasons(concept: Concept, evidence: _Evidence) -> list[str]:
    """``topic: term (title|text)``, weak terms marked with the word that let them count."""
    reasons = []
    for term_index, near in evidence.title.items():
        reasons.append(f"{concept.key}: {_shown(concept.terms[term_index], near)} (title)")
    for term_index, count in evidence.text.items():
        shown = _shown(concept.terms[term_index], evidence.text_near[term_index])
        repeat = f" ×{count}" if count > 1 else ""
        reasons.append(f"{concept.key}: {shown} (text){repeat}")
    return reasons


def _shown(term: Term, near: str) -> str:
    if not term.weak:
        return term.text
    return f"{term.text} [weak, near {near}]" if near else f"{term.text} [weak]"
