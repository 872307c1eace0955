"""Duplicates and translations: canonical URLs, content hashes and story ids."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import numpy.typing as npt

# Query parameters that track the visitor or change only the presentation, never the article.
_DROP_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|yclid|igshid|ref|ref_src|"
    r"hub|view_mode|amp|output|print|share|s_cid)$",
    re.IGNORECASE,
)

# What a URL starts and ends without: whitespace and the C0 controls (urllib and browsers
# drop those too).
_ENDS = re.compile(r"^[\s\x00-\x20]+|[\s\x00-\x20]+$")
_DEFAULT_PORT = re.compile(r"(?::(?:443|80))+$")
_TRAILING = re.compile(r"[/\s\x00-\x20]+$")  # a path's trailing slashes (and spaces)


def _trim(url: str) -> str:
    return _ENDS.sub("", url)


def clean_url(url: str) -> str:
    """The URL to fetch: fragment, tracking and presentation parameters removed.

    What urllib cannot read (``http://[::1``, a host with ``℀``) comes back trimmed only.
    """
    url = _trim(url)
    try:
        parts = urlsplit(url)
        query = urlencode(
            sorted(
                (k, v)
                for k, v in parse_qsl(parts.query, keep_blank_values=True)
                if not _DROP_PARAMS.match(k)
            )
        )
    except ValueError:  # UnicodeEncodeError too: a lone surrogate in the query
        return url
    path = parts.path
    if not parts.netloc and path.startswith("//"):  # it would read as a host the next time
        path = "/" + path.lstrip("/")
    return _trim(urlunsplit((parts.scheme, parts.netloc, path, query, "")))


def canonical_url(url: str, declared: str | None = None) -> str:
    """The URL that names the article: ``rel=canonical`` if on the same site, cleaned.

    Fragments, tracking and presentation parameters are removed; the scheme and host are
    lowercased, ``http`` becomes ``https``, and a trailing slash is dropped.
    """
    chosen = declared if declared and _same_site(url, declared) else url
    try:
        parts = urlsplit(clean_url(chosen))
    except ValueError:
        return _trim(chosen)
    path = _TRAILING.sub("", re.sub(r"/{2,}", "/", parts.path)) or "/"
    scheme = "https" if parts.scheme in ("http", "https") else parts.scheme
    host = _DEFAULT_PORT.sub("", parts.netloc.lower())
    return _trim(urlunsplit((scheme, host, path, parts.query, "")))


def _same_site(url: str, other: str) -> bool:
    def site(u: str) -> str | None:
        try:
            host = urlsplit(u).netloc.lower()
        except ValueError:
            return None
        return host.removeprefix("www.")

    return site(url) is not None and site(url) == site(other)


def _utf8(text: str) -> bytes:
    """``text`` as UTF-8, a lone surrogate (which a str can hold) included as is."""
    return text.encode("utf-8", "surrogatepass")


def normalise_text(text: str) -> str:
    """Text reduced to what makes it the same article: case, accents of form, spacing."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\W_]+", " ", text).strip()


def content_hash(text: str) -> str:
    return _content_hash(_utf8(normalise_text(text)))


def fingerprints(text: str) -> tuple[str, str]:
    """``(content_hash(text), minhash(text))``, the text normalised once for both."""
    data = _utf8(normalise_text(text))
    return _content_hash(data), _minhash(data)


def _content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def story_id(canonical: str, translations: Mapping[str, str]) -> str:
    """One id for a story in all its languages.

    Pages that list each other as hreflang alternates list the same set of URLs, so the id is
    taken from that set (with the page itself); a page without alternates is its own story.
    """
    members = {canonical_url(u) for u in translations.values()} | {canonical}
    digest = hashlib.sha1(_utf8("\n".join(sorted(members)))).hexdigest()
    return "s" + digest[:11]


# ---- near-duplicates and translations ------------------------------------------------------

# MinHash: 64 permutations, banded 16 x 4 for lookup (pairs above ~0.5 Jaccard meet in a
# band); two texts whose estimated shingle overlap reaches NEAR_DUPLICATE are one text.
MINHASH_SIZE = 64
MINHASH_BANDS = 16
NEAR_DUPLICATE = 0.7
SHINGLE_WORDS = 3
# Permutation i is x -> (a_i * x + b_i) mod PRIME over 32-bit shingle hashes x. With a_i,
# b_i and x below 2**32, a_i * x + b_i stays below 2**64: uint64 holds it exactly.
PRIME = (1 << 61) - 1
_LIMIT32 = 1 << 32


def _parameter(name: str, index: int, low: int) -> int:
    """A fixed number in [low, 2**32) named by ``name`` and ``index``: the same in every
    process and version, and unrelated to any other name or index (blake2b of the name)."""
    digest = hashlib.blake2b(f"gced-news minhash {name} {index}".encode(), digest_size=8)
    return low + int.from_bytes(digest.digest(), "big") % (_LIMIT32 - low)


PERMUTATIONS: tuple[tuple[int, int], ...] = tuple(
    (_parameter("a", i, 1), _parameter("b", i, 0)) for i in range(MINHASH_SIZE)
)
_A = np.array([a for a, _ in PERMUTATIONS], dtype=np.uint64)[:, None]
_B = np.array([b for _, b in PERMUTATIONS], dtype=np.uint64)[:, None]
_PRIME = np.uint64(PRIME)
_SHIFT = np.uint64(61)
_CHUNK = 512  # shingles per block: 64 x 512 permuted values (256 kB) stay in the CPU's cache

# Shingle hashes: a polynomial hash of the shingle's UTF-8 bytes modulo 2**64 (uint64
# arithmetic wraps by design here), mixed by the SplitMix64 finaliser, top 32 bits kept.
_BASE = 0x9E3779B97F4A7C15  # odd, so it has an inverse modulo 2**64
_BASE_INVERSE = pow(_BASE, -1, 1 << 64)
_WORD = re.compile(r"\w+", re.UNICODE)
_NOT_DIGIT = re.compile(r"\D")
_NUMBER = re.compile(r"\d[\d.,\s]*\d|\d")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹０１２３４５６７８９", "0123456789" * 3)


def _powers(base: int, count: int) -> npt.NDArray[np.uint64]:
    """base**0 .. base**(count - 1) modulo 2**64."""
    powers = np.full(count, base, dtype=np.uint64)
    powers[0] = 1
    return np.cumprod(powers, dtype=np.uint64)


def _mix(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """SplitMix64's finaliser: every input bit reaches every output bit."""
    values = values ^ (values >> np.uint64(30))
    values *= np.uint64(0xBF58476D1CE4E5B9)
    values ^= values >> np.uint64(27)
    values *= np.uint64(0x94D049BB133111EB)
    values ^= values >> np.uint64(31)
    return values


def shingle_hashes(text: str, size: int = SHINGLE_WORDS) -> npt.NDArray[np.uint64]:
    """A 32-bit hash of each run of ``size`` words of the normalised text (the whole text
    when shorter), computed from its UTF-8 bytes: the same in every process."""
    return _shingle_hashes(_utf8(normalise_text(text)), size)


def _shingle_hashes(data: bytes, size: int = SHINGLE_WORDS) -> npt.NDArray[np.uint64]:
    """Shingle hashes of normalised text's UTF-8 bytes (words joined by single spaces)."""
    if not data:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(data, dtype=np.uint8).astype(np.uint64)
    spaces = np.flatnonzero(codes == ord(" "))
    starts = np.concatenate(([0], spaces + 1))
    ends = np.concatenate((spaces, [len(codes)]))
    if len(starts) < size:
        starts, ends = starts[:1], ends[-1:]
    else:
        starts, ends = starts[: len(starts) - size + 1], ends[size - 1 :]
    prefix = np.zeros(len(codes) + 1, dtype=np.uint64)
    np.cumsum(codes * _powers(_BASE, len(codes)), out=prefix[1:])
    # sum of byte[i] * BASE**(i - start) over the shingle's bytes, wherever it stands
    spans = (prefix[ends] - prefix[starts]) * _powers(_BASE_INVERSE, len(codes))[starts]
    return _mix(spans) >> np.uint64(32)


def _permuted_minimum(hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """For each permutation, the least (a * x + b) mod PRIME over the hashes x."""
    least = np.full(MINHASH_SIZE, PRIME, dtype=np.uint64)
    block = np.empty((MINHASH_SIZE, _CHUNK), dtype=np.uint64)
    high = np.empty_like(block)
    for first in range(0, len(hashes), _CHUNK):
        chunk = hashes[first : first + _CHUNK]
        values, carry = block[:, : len(chunk)], high[:, : len(chunk)]
        np.multiply(_A, chunk, out=values)  # below 2**64 - 2**33: no overflow
        values += _B
        np.right_shift(values, _SHIFT, out=carry)  # v = carry * 2**61 + low = carry + low
        values &= _PRIME
        values += carry  # below PRIME + 8
        values[values >= _PRIME] -= _PRIME
        np.minimum(least, values.min(axis=1), out=least)
    return least


def minhash(text: str) -> str:
    """The MinHash signature of a text's word 3-shingles, as hex (64 values of 16 digits);
    empty for a text without a word."""
    return _minhash(_utf8(normalise_text(text)))


def _minhash(data: bytes) -> str:
    hashes = _shingle_hashes(data)
    if not len(hashes):
        return ""
    return _permuted_minimum(hashes).astype(">u8").tobytes().hex()


# A new item is compared with the same stored items (its day's, in other languages) as the
# items stored before it: each stored item's values and numbers are worked out once, not
# once per comparison (at 100 comparisons per item, that was most of a crawl's storing).
_REMEMBERED = 8192


@lru_cache(maxsize=_REMEMBERED)
def _values(signature: str) -> tuple[int, ...]:
    return tuple(int(signature[i : i + 16], 16) for i in range(0, len(signature), 16))


@lru_cache(maxsize=_REMEMBERED)
def _array(signature: str) -> npt.NDArray[np.uint64]:
    try:
        return np.frombuffer(bytes.fromhex(signature), dtype=">u8")
    except ValueError:  # not a signature: nothing to compare
        return np.zeros(0, dtype=">u8")


def similarity(a: str, b: str) -> float:
    """Estimated Jaccard overlap of two texts' shingles from their signatures."""
    va, vb = _array(a), _array(b)
    if not len(va) or len(va) != len(vb):
        return 0.0
    return int(np.count_nonzero(va == vb)) / len(va)


def minhash_bands(signature: str) -> list[int]:
    """One 63-bit key per band of the signature, for indexed lookup of likely near-duplicates."""
    values = _values(signature)
    if not values:
        return []
    rows = len(values) // MINHASH_BANDS
    keys = []
    for band in range(MINHASH_BANDS):
        chunk = ",".join(str(v) for v in values[band * rows : (band + 1) * rows])
        keys.append(
            int.from_bytes(hashlib.blake2b(chunk.encode(), digest_size=8).digest(), "big") >> 1
        )
    return keys


@lru_cache(maxsize=_REMEMBERED)
def numbers(text: str) -> frozenset[str]:
    """The numbers a text states (digits of any script, separators dropped): facts that
    survive translation, such as "4,200", "17%", "2030"."""
    found = set()
    for match in _NUMBER.findall(text.translate(_DIGITS)):
        digits = _NOT_DIGIT.sub("", match)
        if len(digits) >= 2:
            found.add(digits)
    return frozenset(found)


def translation_evidence(a: Mapping[str, object], b: Mapping[str, object]) -> str | None:
    """Why two records in different languages tell one story, or None.

    Used only where hreflang links are missing: same publisher's day (±1 day) and either
    the same lead image, or most of the same distinctive numbers (at least four).
    """
    if not a.get("language") or a.get("language") == b.get("language"):
        return None
    if not _close_days(a.get("published"), b.get("published")):
        return None
    if a.get("image") and a.get("image") == b.get("image"):
        return "same date and image"
    na, nb = numbers(str(a.get("text") or "")), numbers(str(b.get("text") or ""))
    common = na & nb
    if len(common) >= 4 and len(common) >= 0.6 * min(len(na), len(nb)):
        return f"same date and numbers ({', '.join(sorted(common)[:6])})"
    return None


def _close_days(a: object, b: object) -> bool:
    if not isinstance(a, str) or not isinstance(b, str):
        return False
    try:
        da, db_ = date.fromisoformat(a[:10]), date.fromisoformat(b[:10])
    except ValueError:
        return False
    return abs((da - db_).days) <= 1


# What `choose_story` reads of a stored candidate (the store fetches these alone).
EVIDENCE_FIELDS = (
    "story_id", "canonical_url", "translations", "content_hash", "minhash", "language",
    "published", "image", "text",
)  # fmt: skip


def choose_story(
    record: Mapping[str, object], candidates: Iterable[Mapping[str, object]]
) -> tuple[str, str] | None:
    """The story a new record joins, and why, from stored candidates; None: a story of its own.

    Evidence, strongest first: a hreflang link between the two, the same text, a
    near-identical text (MinHash), then cross-language evidence for translations.
    """
    translations = {canonical_url(u) for u in _as_dict(record.get("translations")).values()}
    own = record.get("canonical_url")
    found: list[tuple[int, str, str]] = []
    for other in candidates:
        story = str(other["story_id"])
        other_links = {canonical_url(u) for u in _as_dict(other.get("translations")).values()}
        if other.get("canonical_url") in translations or own in other_links:
            found.append((0, story, "hreflang"))
        elif record.get("content_hash") and record.get("content_hash") == other.get("content_hash"):
            found.append((1, story, "same text"))
        elif (overlap := _overlap(record, other)) >= NEAR_DUPLICATE:
            found.append((2, story, f"near-identical text ({overlap:.0%} overlap)"))
        elif reason := translation_evidence(record, other):
            found.append((3, story, f"translation: {reason}"))
    if not found:
        return None
    _, story, reason = min(found)
    return story, reason


def _as_dict(value: object) -> Mapping[str, str]:
    return value if isinstance(value, Mapping) else {}


def _overlap(a: Mapping[str, object], b: Mapping[str, object]) -> float:
    ha, hb = a.get("minhash"), b.get("minhash")
    if not isinstance(ha, str) or not isinstance(hb, str):
        return 0.0
    return similarity(ha, hb)
