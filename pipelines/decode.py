"""Decoding: a fetched page's bytes → its text, as a browser would read them.

The order is the browser's: a byte order mark; then the charset of the Content-Type header;
then a ``<meta charset>`` (or ``http-equiv`` Content-Type, or an XML declaration) in the first
4 KB; then a guess. One exception: bytes that are well-formed UTF-8 with multi-byte characters
are read as UTF-8 even under a single-byte label (which any bytes decode with), since a server
saying iso-8859-1 for a UTF-8 page is common and the reverse accident all but impossible.
A label is honoured only when the bytes decode with it without error, so
latin-1 bytes served as ``charset=utf-8`` are read as windows-1252, not stored with U+FFFD in
place of their accents (a UTF-8 page with a few broken sequences stays UTF-8, with U+FFFD for
them, as a browser shows it). Labels mean what the WHATWG Encoding standard says they mean
(``iso-8859-1`` and ``ascii`` are windows-1252, ``gb2312`` is GB18030, ``utf-7`` is refused):
w3lib, Scrapy's own encoding library, reads the labels. The guess is UTF-8 if the bytes are
mostly valid UTF-8, else charset_normalizer's (trafilatura's detector), ties going to the encoding
more common on the web.

A body that is not text — random or binary bytes, NUL-laden, mostly control characters or
undecodable — raises :class:`ExtractionError`: it is rejected as not a page.
"""

from __future__ import annotations

import re
from functools import cache

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
)

from pipelines.extract import ExtractionError

__all__ = ["decode_page"]

# Labels the Encoding standard maps to its "replacement" decoder (the content is not shown):
# stateful ISO-2022 encodings can smuggle markup past a filter. Python decodes them; we don't
# trust them, and guess instead.
_REFUSED = {"iso2022_kr", "iso2022_cn", "iso2022_cn_ext", "hz", "hz_gb_2312"}
# The Encoding standard's "utf-16" is little-endian; Python would guess the byte order.
_WIDE = {"utf-16": "utf-16-le", "utf-32": "utf-32-le"}
# For a tie in the detector's scores: the legacy encodings most used on the web first.
_COMMON = ("cp1252", "cp1251", "gb18030", "cp932", "euc_kr", "cp1250", "cp1256", "big5")

# Characters no text holds in number: C0 and C1 controls other than tab, newline, form feed and
# carriage return, and U+FFFD (what a decoder leaves for bytes it could not read).
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
_MOST_NOT_TEXT = 0.01  # share of such characters above which a body is not text
_ALLOWED_NOT_TEXT = 8  # a few stray ones are allowed in a short page
_NON_ASCII = re.compile("[^\x00-\x7f]")
_WELL_FORMED_PER_BROKEN = 10


def decode_page(body: bytes, content_type: str | None = None) -> str:
    """The text of a page's ``body``, served with the ``content_type`` header (if known).

    Raises :class:`ExtractionError` when the bytes are not text in any encoding.
    """
    if not body:
        return ""
    bom, mark = read_bom(body)
    if bom and mark:
        return _text(body[len(mark) :].decode(bom, errors="replace"), bom)
    utf8 = _strict(body, "utf-8")
    for label in (http_content_type_encoding(content_type), html_body_declared_encoding(body)):
        encoding = _usable(label, body)
        if encoding and utf8 is not None and _single_byte(encoding) and _NON_ASCII.search(utf8):
            # A single-byte label decodes any bytes, so it proves nothing; bytes that are
            # well-formed UTF-8 with multi-byte characters are no accident: a server saying
            # iso-8859-1 for a UTF-8 page (common) would otherwise give "Ã©ducation".
            return _text(utf8, "utf-8")
        if encoding and (text := _strict(body, encoding)) is not None and _is_text(text):
            return text
    text = body.decode("utf-8", errors="replace")
    if _mostly_utf8(text) and _is_text(text):
        return text
    for encoding in _detected(body):
        if (guess := _strict(body, encoding)) is not None and _is_text(guess):
            return guess
    return _text(text, "utf-8")


def _usable(label: str | None, body: bytes) -> str | None:
    """The encoding a label names, if it is one we read; a UTF-16 or UTF-32 label (which
    w3lib has already resolved) only for a body that has the zero bytes those encodings have."""
    if not label or label in _REFUSED:
        return None
    encoding = _WIDE.get(label, label)
    if encoding.startswith(("utf-16", "utf-32")) and b"\x00" not in body[:1024]:
        return None
    return encoding


@cache
def _single_byte(encoding: str) -> bool:
    """True for an encoding that reads every byte as one character (windows-1252, KOI8-R...)."""
    try:
        return len(bytes(range(0x80, 0x100)).decode(encoding, errors="replace")) == 0x80
    except LookupError:
        return False


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _mostly_utf8(text: str) -> bool:
    """True when UTF-8 ``text`` decoded with few errors: many more well-formed multi-byte
    characters than broken ones (a UTF-8 page cut short, or with one stray latin-1 byte).
    Latin-1 or windows-1251 bytes read as UTF-8 make almost no well-formed character."""
    broken = text.count("\ufffd")
    return _NON_ASCII.subn("", text)[1] - broken >= _WELL_FORMED_PER_BROKEN * broken


def _detected(body: bytes) -> list[str]:
    """charset_normalizer's candidates, best first; equal scores go to the more common
    encoding (French latin-1 scores the same as windows-1250)."""
    results = list(from_bytes(body))
    if not results:
        return []
    best = results[0]
    tied = [r.encoding for r in results if (r.chaos, r.coherence) == (best.chaos, best.coherence)]
    tied.sort(key=lambda name: _COMMON.index(name) if name in _COMMON else len(_COMMON))
    return [*tied, *(r.encoding for r in results if r.encoding not in tied)]


def _not_text(text: str) -> int:
    """How many control characters and undecodable bytes ``text`` has, 0 if few enough."""
    found = _NOT_TEXT.subn("", text)[1]
    return found if found > max(_ALLOWED_NOT_TEXT, len(text) * _MOST_NOT_TEXT) else 0


def _is_text(text: str) -> bool:
    return not _not_text(text)


def _text(text: str, encoding: str) -> str:
    """``text``, unless it is mostly control characters and undecodable bytes."""
    if found := _not_text(text):
        raise ExtractionError(
            f"not a text page: {found} of {len(text)} characters are controls or "
            f"undecodable as {encoding}"
        )
    return text
