"""Language detection for multilingual UN news titles and bodies.

Combines two models shipped in their wheels, CLD2 (``pycld2``) and ``py3langid``,
with script and alphabet heuristics for the languages the models confuse
(Kazakh, Kyrgyz, Uzbek in both scripts, Tajik, Turkmen, Ukrainian, Russian,
Arabic, Persian, Urdu, Chinese, Japanese, Korean). Page hints (URL segment,
``<html lang>``, hreflang, feed language) act as priors: they break ties and
support weak results but cannot outvote clear evidence in the text.
"""

import re
import threading
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pycld2
from py3langid.langid import MODEL_FILE, LanguageIdentifier

__all__ = ["UND", "Detection", "detect_fields", "detect_language", "normalise_tag"]

UND = "und"

# --- tuning -------------------------------------------------------------------

_LANGID_WEIGHT = 1.0  # py3langid probability (sums to 1 over languages)
_CLD2_WEIGHT = 0.7  # CLD2 share of text, when CLD2 calls its result reliable
_CLD2_UNRELIABLE = 0.4  # factor applied to CLD2 when it is not reliable
_CLD2_FULL_CHARS = 20  # CLD2 guesses wildly on very short text: full weight from here
_UNEXPECTED_FACTOR = 0.5  # votes for languages these sites rarely publish in
_FOREIGN_PENALTY = 1.2  # letters outside a language's alphabet
_FOREIGN_FULL = 0.04  # foreign-letter density that earns the full penalty
_MARKER_BONUS = 0.6  # letters or spellings specific to one language
_ABSENCE_BONUS = 0.2  # a relative's letters are missing: weaker evidence
_MARKER_FULL = 0.03  # marker density that earns the full bonus
_HINT_BONUS = 0.35  # prior for the strongest hint; later hints decay
_HINT_DECAY = 0.6
_SHORT_LETTERS = 40  # below this, a single foreign letter already counts
_MISSING_PENALTY = 0.6  # a long text lacks all of a language's characteristic letters
_CJK_WEIGHT = 2.5  # a Han/kana/Hangul character counts as this many letters
_HAN_ONLY_SENTENCE = 10  # Japanese this long without kana is unheard of: it is Chinese
_TITLE_BODY_MIN_CONFIDENCE = 0.5  # body result used as a title prior above this
_LANGID_CHARS = 400  # py3langid is the slow part: it sees at most this much
# On long text a clear, reliable CLD2 result stands in for both models.
_CLD2_ALONE_CHARS = 250
_CLD2_ALONE_SHARE = 0.8
_CLD2_CHARS = 1500  # CLD2 is fast, and sure of a language well before this much
_PROFILE_CHARS = 1000  # letters counted for scripts, alphabets and markers
_MAX_CHARS = _CLD2_CHARS + 500  # longer texts are truncated before anything else
_LANGID_TOP = 6
# Model votes on texts of 1 or 2 words are scaled down: such texts are often
# names or labels ("UNICEF Кыргызстан"), where the page's hints should decide.
_TRUST_BY_WORDS = (0.5, 0.75)

# --- tags -----------------------------------------------------------------------

# Country codes that sites use as language segments, old and ISO 639-2/3 codes.
_TAG_ALIASES: dict[str, str] = dict(
    pair.split(":")
    for pair in (
        "kz:kk kg:ky tj:tg ua:uk cn:zh jp:ja kr:ko iw:he in:id ji:yi jw:jv mo:ro "
        "eng:en rus:ru kaz:kk kir:ky uzb:uz uzn:uz uzs:uz tgk:tg tuk:tk ukr:uk tur:tr "
        "ara:ar arb:ar ary:ar arz:ar fas:fa per:fa pes:fa prs:fa urd:ur zho:zh chi:zh "
        "cmn:zh yue:zh wuu:zh jpn:ja kor:ko fra:fr fre:fr spa:es por:pt deu:de ger:de "
        "ita:it bel:be mon:mn aze:az hin:hi ben:bn pus:ps tat:tt bak:ba"
    ).split()
)
_SCRIPT_SUBTAG_LANGS = frozenset({"uz"})  # the only language we report per script
_UNDEFINED_TAGS = frozenset({"", "und", "mul", "zxx", "mis", "x-default", "*", "xx", "un"})
_TAG_SPLIT = re.compile(r"[-_\s]+")
_PRIMARY_TAG = re.compile(r"^[a-z]{2,3}$")

# --- scripts ----------------------------------------------------------------------

# fmt: off
_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "Latn"), (0x0370, 0x03FF, "Grek"), (0x0400, 0x052F, "Cyrl"),
    (0x0530, 0x058F, "Armn"), (0x0590, 0x05FF, "Hebr"), (0x0600, 0x06FF, "Arab"),
    (0x0750, 0x077F, "Arab"), (0x08A0, 0x08FF, "Arab"), (0x0900, 0x097F, "Deva"),
    (0x0980, 0x09FF, "Beng"), (0x0A00, 0x0A7F, "Guru"), (0x0A80, 0x0AFF, "Gujr"),
    (0x0B00, 0x0B7F, "Orya"), (0x0B80, 0x0BFF, "Taml"), (0x0C00, 0x0C7F, "Telu"),
    (0x0C80, 0x0CFF, "Knda"), (0x0D00, 0x0D7F, "Mlym"), (0x0D80, 0x0DFF, "Sinh"),
    (0x0E00, 0x0E7F, "Thai"), (0x0E80, 0x0EFF, "Laoo"), (0x0F00, 0x0FFF, "Tibt"),
    (0x1000, 0x109F, "Mymr"), (0x10A0, 0x10FF, "Geor"), (0x1100, 0x11FF, "Hang"),
    (0x1200, 0x139F, "Ethi"), (0x1780, 0x17FF, "Khmr"), (0x1E00, 0x1EFF, "Latn"),
    (0x1F00, 0x1FFF, "Grek"), (0x3040, 0x30FF, "Kana"), (0x3130, 0x318F, "Hang"),
    (0x31F0, 0x31FF, "Kana"), (0x3400, 0x4DBF, "Hani"), (0x4E00, 0x9FFF, "Hani"),
    (0xAC00, 0xD7AF, "Hang"), (0xF900, 0xFAFF, "Hani"), (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"), (0xFF66, 0xFF9F, "Kana"), (0x20000, 0x3FFFF, "Hani"),
)
# fmt: on
_RANGE_STARTS = [start for start, _, _ in _SCRIPT_RANGES]
_CJK = frozenset({"Hani", "Kana", "Hang"})

# Scripts used by one language only (among those news sites publish in).
_SCRIPT_LANGUAGE: dict[str, str] = dict(
    pair.split(":")
    for pair in (
        "Hang:ko Kana:ja Grek:el Armn:hy Geor:ka Thai:th Laoo:lo Khmr:km Mymr:my Sinh:si "
        "Taml:ta Telu:te Knda:kn Mlym:ml Gujr:gu Guru:pa Orya:or Tibt:bo"
    ).split()
)

# Script of languages that detectors or hints may name; others are unconstrained.
_LANG_SCRIPT: dict[str, str] = {
    **{
        lang: "Latn"
        for lang in (
            "en fr es pt de it nl tr tk uz-Latn az pl cs sk sl hr bs sq ro hu fi et lv lt "
            "sv da no nb nn is ga cy eu ca gl id ms vi tl sw af ha yo ig so zu xh mt eo la "
            "lb oc br fy rw mg ht qu jv su ceb"
        ).split()
    },
    **{lang: "Cyrl" for lang in "ru uk be bg mk sr kk ky tg uz-Cyrl mn tt ba".split()},
    **{lang: "Arab" for lang in "ar fa ur ps sd ug ckb uz-Arab".split()},
    **{lang: "Hebr" for lang in "he yi".split()},
    **{lang: "Deva" for lang in "hi mr ne sa".split()},
    "zh": "Hani",
    "ja": "Jpan",
    "ko": "Hang",
    "bn": "Beng",
    "am": "Ethi",
    **{lang: script for script, lang in _SCRIPT_LANGUAGE.items() if script != "Kana"},
}

# Languages that UN, UNESCO, UNICEF and UNDP sites publish in; other model votes
# count for less (short texts otherwise drift to Occitan, Bashkir, Abkhaz ...).
_EXPECTED = frozenset(
    "en fr es ar zh ru pt de it nl ja ko tr uk kk ky uz-Latn uz-Cyrl tg tk fa ur ps hi bn "
    "id ms vi th sw am ha so mn az ka hy el he ro pl sr be".split()
)

# --- alphabets and markers ---------------------------------------------------------

_RU = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_LATIN = "abcdefghijklmnopqrstuvwxyz"
_ARABIC_BASE = "ءآأؤإئابتثجحخدذرزسشصضطظعغفقلمنهوـ"


def _alphabet(base: str, add: str = "", drop: str = "") -> frozenset[str]:
    return frozenset(base + add) - frozenset(drop)


# Letters each language normally writes; a text that keeps using letters outside
# a language's alphabet is not in that language.
_ALPHABETS: dict[str, dict[str, frozenset[str]]] = {
    "Cyrl": {
        "ru": _alphabet(_RU),
        "uk": _alphabet(_RU, "ґєії", "ёъыэ"),
        "be": _alphabet(_RU, "іў", "иъщ"),
        "bg": _alphabet(_RU, "", "ёыэ"),
        "kk": _alphabet(_RU, "әғқңөұүһі"),
        "ky": _alphabet(_RU, "ңөү"),
        "tg": _alphabet(_RU, "ғӣқӯҳҷ", "щыь"),
        "uz-Cyrl": _alphabet(_RU, "ўқғҳ", "щы"),
        "mn": _alphabet(_RU, "өү"),
        "tt": _alphabet(_RU, "әөүҗңһ"),
        "ba": _alphabet(_RU, "әөүғҡңҙҫһ"),
    },
    "Latn": {
        "en": _alphabet(_LATIN),
        "tk": _alphabet(_LATIN, "çäžňöşüý", "cqvx"),
        "tr": _alphabet(_LATIN, "çğıöşüâîû", "qwx"),
        "uz-Latn": _alphabet(_LATIN, "", "w"),
        "az": _alphabet(_LATIN, "çəğıöşü", "w"),
    },
    "Arab": {
        "ar": _alphabet(_ARABIC_BASE, "ةكىي"),
        # Persian sites often type Arabic yeh and kaf (ي ك) for ی ک
        "fa": _alphabet(_ARABIC_BASE, "پچژکگیۀيكى"),
        "ur": _alphabet(_ARABIC_BASE, "پچژکگیٹڈڑںےہھۃۂۓ"),
    },
}

# Markers: letters that only one language of its script group uses (unless a
# blocker shows another language), and letters that point to one language when
# its close relative's letters are absent (weaker evidence).
_MARKERS: dict[str, dict[str, tuple[str, str]]] = {
    "Cyrl": {"kk": ("әұ", ""), "tg": ("ӣӯҷ", ""), "uz-Cyrl": ("ў", "іӣӯҷ"), "uk": ("їєґ", "")},
    "Latn": {"tk": ("ňý", "ěřůďť"), "tr": ("ğı", "ə"), "az": ("ə", "")},
    "Arab": {"ar": ("ة", "پچژگ"), "ur": ("ٹڈڑںےہھ", "")},
}
# A text of some length in these languages always has some of their letters.
_REQUIRED_LETTERS: dict[str, dict[str, str]] = {
    "Cyrl": {
        "kk": "әғқңөұүһі",
        "ky": "ңөү",
        "tg": "ғӣқӯҳҷ",
        "uz-Cyrl": "ўқғҳ",
        "uk": "іїєґ",
        "be": "іў",
    },
    "Latn": {"tk": "äçňöşüýž", "tr": "çğıöşü", "az": "çəğıöşü"},
    "Arab": {"ur": "ٹڈڑںےہھ", "ps": "ټډړږښګڼېۍځڅ"},
}
_ABSENCE_MARKERS: dict[str, dict[str, tuple[str, str]]] = {
    "Cyrl": {"ky": ("ңөү", "әғқұһіў")},
    "Arab": {"fa": ("پچژگکی", "ٹڈڑںےہھ")},
}

# Uzbek Latin writes oʻ and gʻ with a turned comma (or an apostrophe look-alike).
_UZ_APOSTROPHE = re.compile(r"(?<=[oOgG])[ʻʼ‘’'`]")
_UZ_MARKER = re.compile(r"[oOgG][ʻʼ‘’'`](?=[a-zA-Z])")

# Han characters that only Chinese uses (simplified, then traditional forms that
# Japanese writes differently), and kanji forms that only Japanese uses.
_CHINESE_ONLY = frozenset(
    "们这说对时发为个动儿经东车门问间关开长书业见进过还实现权应气变联织组员设计议论坛项"
    "农妇获绿导护热胁习约种剧级师亿极协纳课训练吁际别传带卫从费资县乡读语话让认识该请"
    "贫边岁头几众无样报显质环态务处总统达标确龄层紧灾难饥饿临饮洁爱军战亚购"
    "國兒續惡聯會學體發對經關變總權氣來這們說與數處應實點當讓聽覺歲戰團醫區縣"
)
_JAPANESE_ONLY = frozenset(
    "児対発権気関経変総続験広図円駅働込県歳様楽薬営戦済読転伝実売仏辺沢処拠単観価齢"
)

_URL = re.compile(r"(?:https?://|www\.)\S+|[^\s@]+@[^\s@]+", re.IGNORECASE)
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]+\b")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Detection:
    """A language tag (BCP-47, or ``"und"``) with a 0..1 confidence.

    ``method`` says what decided: "empty", "script", "han", "han+hint" or "scored".
    """

    language: str
    confidence: float
    method: str = ""


@dataclass(frozen=True)
class _Profile:
    """Letter counts of a text, by letter and by script."""

    letters: Counter[str]
    scripts: Counter[str]
    script: str
    total: int


# --- public API -------------------------------------------------------------------


def normalise_tag(tag: str) -> str:
    """Normalise a language tag or locale ("en-US", "ru_RU", "uz-latn") to our tags."""
    parts = [p for p in _TAG_SPLIT.split(tag.strip().lower()) if p]
    if not parts or "-".join(parts) in _UNDEFINED_TAGS:
        return UND
    primary = _TAG_ALIASES.get(parts[0], parts[0])
    if not _PRIMARY_TAG.match(primary) or primary in _UNDEFINED_TAGS:
        return UND
    if primary in _SCRIPT_SUBTAG_LANGS:
        script = next((p for p in parts[1:] if p in ("latn", "cyrl", "arab")), "")
        return f"{primary}-{script.title()}" if script else primary
    return primary


def detect_language(text: str, hints: Sequence[str] = ()) -> Detection:
    """Detect the language of ``text``; ``hints`` are claimed tags, strongest first."""
    cleaned = _clean(text)
    profile = _profile(cleaned[:_PROFILE_CHARS])
    if profile.total == 0:
        return Detection(UND, 0.0, "empty")
    priors = _hint_priors(hints)
    if profile.script in _CJK:
        return _detect_cjk(profile, priors)
    if profile.script in _SCRIPT_LANGUAGE:
        return Detection(_SCRIPT_LANGUAGE[profile.script], 0.99, "script")
    return _detect_scored(cleaned, profile, priors)


def detect_fields(title: str, body: str, hints: Sequence[str] = ()) -> tuple[Detection, Detection]:
    """Detect title and body; a confident body result is the title's first hint."""
    body_detection = detect_language(body, hints)
    title_hints = tuple(hints)
    if body_detection.language != UND and body_detection.confidence >= _TITLE_BODY_MIN_CONFIDENCE:
        title_hints = (body_detection.language, *title_hints)
    return detect_language(title, title_hints), body_detection


# --- preparation ------------------------------------------------------------------


def _clean(text: str) -> str:
    """Drop URLs, control characters and (in mixed-case text) Latin acronyms."""
    text = text[:_MAX_CHARS]
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    if "@" in text or "://" in text or "www." in text:
        text = _URL.sub(" ", text)
    text = " ".join(text.split())
    if text.isupper():
        return text.lower()
    without_acronyms = " ".join(_ACRONYM.sub(" ", text).split())
    return without_acronyms if any(c.isalpha() for c in without_acronyms) else text


@lru_cache(maxsize=8192)
def _char_script(char: str) -> str:
    index = bisect_right(_RANGE_STARTS, ord(char)) - 1
    if index >= 0:
        start, end, script = _SCRIPT_RANGES[index]
        if start <= ord(char) <= end:
            return script
    return "Zyyy"


def _profile(sample: str) -> _Profile:
    """Count letters by script; CJK characters weigh more than alphabet letters."""
    chars = Counter(sample.lower())
    letters: Counter[str] = Counter({c: n for c, n in chars.items() if c.isalpha()})
    scripts: Counter[str] = Counter()
    for char, count in letters.items():
        script = _char_script(char)
        if script != "Zyyy":
            scripts[script] += count
    weighted = {s: n * (_CJK_WEIGHT if s in _CJK else 1) for s, n in scripts.items()}
    if not weighted:
        return _Profile(letters, scripts, "Zyyy", 0)
    script = max(weighted, key=weighted.__getitem__)
    cjk = sum(n for s, n in weighted.items() if s in _CJK)
    if script in _CJK or cjk > max(weighted.values()):
        script = _cjk_script(scripts)
    return _Profile(letters, scripts, script, sum(scripts.values()))


def _cjk_script(scripts: Counter[str]) -> str:
    """Hangul or kana in a CJK text decide Korean or Japanese; otherwise Han."""
    han, kana, hangul = scripts["Hani"], scripts["Kana"], scripts["Hang"]
    cjk = han + kana + hangul
    if hangul >= 0.3 * cjk:
        return "Hang"
    if kana >= max(2, 0.1 * cjk) or (kana and kana >= 0.2 * cjk):
        return "Kana"
    return "Hani"


# --- hints ------------------------------------------------------------------------


def _hint_priors(hints: Iterable[str]) -> dict[str, float]:
    """Map hints to prior weights, the strongest first and each language once."""
    priors: dict[str, float] = {}
    weight = _HINT_BONUS
    for hint in (hints,) if isinstance(hints, str) else hints:
        tag = normalise_tag(hint) if hint else UND
        if tag != UND and tag not in priors:
            priors[tag] = weight
            weight *= _HINT_DECAY
    return priors


def _prior(priors: dict[str, float], lang: str) -> float:
    """Prior for ``lang``; a bare "uz" hint supports either script."""
    base = lang.split("-")[0]
    return max(priors.get(lang, 0.0), priors.get(base, 0.0) if base != lang else 0.0)


# --- CJK ----------------------------------------------------------------------------


def _detect_cjk(profile: _Profile, priors: dict[str, float]) -> Detection:
    """Hangul → ko, kana → ja; Han-only text is Chinese unless the evidence says Japanese."""
    if profile.script == "Hang":
        return Detection("ko", 0.99, "script")
    if profile.script == "Kana":
        return Detection("ja", 0.99, "script")
    letters = profile.letters
    chinese = sum(n for c, n in letters.items() if c in _CHINESE_ONLY)
    japanese = sum(n for c, n in letters.items() if c in _JAPANESE_ONLY)
    if japanese > chinese:
        return Detection("ja", 0.8, "han")
    if chinese or profile.total >= _HAN_ONLY_SENTENCE:
        return Detection("zh", 0.95 if chinese else 0.8, "han")
    if _prior(priors, "ja") > _prior(priors, "zh"):
        return Detection("ja", 0.6, "han+hint")
    return Detection("zh", 0.6, "han")


# --- scored detection -------------------------------------------------------------------


def _detect_scored(text: str, profile: _Profile, priors: dict[str, float]) -> Detection:
    """Combine model votes, alphabet evidence and hints for one script."""
    script = profile.script
    scores = _model_votes(text, script)
    for lang, bonus in _letter_evidence(text, profile).items():
        scores[lang] = scores.get(lang, 0.0) + bonus
    for lang in _hint_candidates(priors, script):
        scores.setdefault(lang, 0.0)
    for lang in scores:
        scores[lang] += _prior(priors, lang)
    if not scores:
        return Detection(UND, 0.0, "no-candidate")
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    best, best_score = ranked[0]
    if best_score <= 0:
        return Detection(UND, 0.0, "no-evidence")
    return Detection(best, _confidence(ranked), "scored")


def _hint_candidates(priors: dict[str, float], script: str) -> list[str]:
    """Hinted languages that can be written in ``script``."""
    candidates = []
    for tag in priors:
        lang = _script_variant(tag, script)
        if _LANG_SCRIPT.get(lang) == script:
            candidates.append(lang)
    return candidates


def _script_variant(tag: str, script: str) -> str:
    """Pick the script subtag for languages written in several scripts."""
    base = tag.split("-")[0]
    if base in _SCRIPT_SUBTAG_LANGS and script in ("Latn", "Cyrl", "Arab"):
        variant = f"{base}-{script}"
        return variant if variant in _LANG_SCRIPT else base
    return tag


def _compatible(lang: str, script: str) -> bool:
    known = _LANG_SCRIPT.get(lang)
    return known is None or known == script


def _model_votes(text: str, script: str) -> dict[str, float]:
    """Weighted votes from py3langid and CLD2, restricted to the text's script."""
    votes: dict[str, float] = {}
    model_text = _model_text(text, script)
    reliable, results = _cld2_detect(model_text[:_CLD2_CHARS])
    if _cld2_is_enough(model_text, reliable, results):
        cld2_weight = _LANGID_WEIGHT + _CLD2_WEIGHT
    else:
        trust = _length_trust(model_text)
        for code, prob in _langid_rank(model_text[:_LANGID_CHARS]):
            _add_vote(votes, code, script, trust * _LANGID_WEIGHT * prob)
        cld2_weight = trust * _CLD2_WEIGHT * (1.0 if reliable else _CLD2_UNRELIABLE)
        cld2_weight *= min(1.0, len(model_text) / _CLD2_FULL_CHARS)
    for code, share in results:
        _add_vote(votes, code, script, cld2_weight * share)
    return votes


def _cld2_is_enough(text: str, reliable: bool, results: list[tuple[str, float]]) -> bool:
    """CLD2 is accurate on long text; py3langid is then only asked when CLD2 hesitates."""
    return (
        reliable
        and len(text) >= _CLD2_ALONE_CHARS
        and bool(results)
        and results[0][1] >= _CLD2_ALONE_SHARE
    )


def _length_trust(text: str) -> float:
    """How far to trust model votes: one or two words are weak evidence."""
    words = len(_WORD.findall(text, 0, 200))
    return _TRUST_BY_WORDS[max(words, 1) - 1] if words <= len(_TRUST_BY_WORDS) else 1.0


def _add_vote(votes: dict[str, float], code: str, script: str, weight: float) -> None:
    lang = _script_variant(normalise_tag(code), script)
    if lang != UND and weight > 0 and _compatible(lang, script):
        factor = 1.0 if lang in _EXPECTED else _UNEXPECTED_FACTOR
        votes[lang] = votes.get(lang, 0.0) + weight * factor


def _model_text(text: str, script: str) -> str:
    """Unify Uzbek apostrophes so that both models see one spelling."""
    return _UZ_APOSTROPHE.sub("'", text) if script == "Latn" else text


def _letter_evidence(text: str, profile: _Profile) -> dict[str, float]:
    """Penalties for letters outside each alphabet, bonuses for marker letters."""
    script = profile.script
    total = profile.scripts[script]
    letters = profile.letters
    evidence: dict[str, float] = {}
    own = {c for c in letters if _char_script(c) == script}  # the script's letters only
    for lang, alphabet in _ALPHABETS.get(script, {}).items():
        foreign = sum(letters[c] for c in own - alphabet)
        if foreign >= 2 or (foreign and total < _SHORT_LETTERS):
            evidence[lang] = -_FOREIGN_PENALTY * min(1.0, foreign / total / _FOREIGN_FULL)
    if total >= _SHORT_LETTERS:
        for lang, required in _REQUIRED_LETTERS.get(script, {}).items():
            if not any(letters[c] for c in required):
                evidence[lang] = evidence.get(lang, 0.0) - _MISSING_PENALTY
    for table, weight in ((_MARKERS, _MARKER_BONUS), (_ABSENCE_MARKERS, _ABSENCE_BONUS)):
        for lang, (markers, blockers) in table.get(script, {}).items():
            if not any(letters[c] for c in blockers):
                found = sum(letters[c] for c in markers)
                _add_bonus(evidence, lang, weight, found / total)
    if script == "Latn":
        found = len(_UZ_MARKER.findall(text, 0, _PROFILE_CHARS))
        _add_bonus(evidence, "uz-Latn", _MARKER_BONUS, 2 * found / total)
    return evidence


def _add_bonus(evidence: dict[str, float], lang: str, weight: float, density: float) -> None:
    if density > 0:
        bonus = weight * min(1.0, density / _MARKER_FULL)
        evidence[lang] = evidence.get(lang, 0.0) + bonus


def _confidence(ranked: list[tuple[str, float]]) -> float:
    """Confidence from the winner's score and its margin over the runner-up."""
    best = ranked[0][1]
    runner_up = max(ranked[1][1], 0.0) if len(ranked) > 1 else 0.0
    strength = min(1.0, best / (_LANGID_WEIGHT + _CLD2_WEIGHT))
    margin = (best - runner_up) / best
    return round(max(0.01, min(0.99, 0.5 * strength + 0.5 * margin)), 3)


# --- models -----------------------------------------------------------------------------

_lock = threading.Lock()
_identifier: LanguageIdentifier | None = None


def _langid() -> LanguageIdentifier:
    """The py3langid identifier, loaded on first use, once per process (~1 s)."""
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _identifier


def _langid_rank(text: str) -> list[tuple[str, float]]:
    """Top py3langid languages with probabilities."""
    if not text:
        return []
    return _langid().rank(text)[:_LANGID_TOP]


def _cld2_detect(text: str) -> tuple[bool, list[tuple[str, float]]]:
    """CLD2 result: reliability and (code, share of text) for up to three languages."""
    try:
        reliable, _, details = pycld2.detect(text, isPlainText=True, bestEffort=True)
    except (pycld2.error, UnicodeError):
        return False, []
    return reliable, [(code, percent / 100) for _, code, percent, _ in details if code != "un"]
