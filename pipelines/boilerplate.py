"""Boilerplate: what news pages wrap around an article, and how to take it off again.

Two passes, both site-independent; what is particular to a site comes in its rules:

- :func:`prune_tree` runs on the parsed page before trafilatura and removes elements that are
  never the article — navigation, asides, photo captions, share bars, related-story blocks,
  cookie banners, tag lists, bylines and date blocks — recognised by tag and by the words in
  their ``class``/``id``; a site's rules (``SiteRules.prune``, from the config) add the
  selectors the generic words cannot know. An element that holds the headline or a large
  share of the page's paragraph text is never pruned, so a wrapper whose class happens to
  say ``related`` cannot take the article with it.
- :func:`clean_lines` runs on trafilatura's text, one paragraph per line, and removes what
  survives: lines that are only a date or a "Last update", photo credits and captions, share
  bars, cookie notices, tag lines, lone bylines, "Related stories" / "Read more" link lists,
  and everything from "Media contacts" / "About UNICEF" / "###" to the end of a press release.

Patterns cover en fr es pt ru ar zh kk ky uz tg tk and are compiled once, at import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree
from lxml.html import HtmlElement

from pipelines.dateline import KIND_LABELS, has_year, is_date_text, is_dateline, split_date_label
from pipelines.tables import read_table

__all__ = [
    "Cleaned",
    "clean_lines",
    "find_date_text",
    "find_standfirst",
    "is_boilerplate_line",
    "is_date_only",
    "names_the_site",
    "prune_tree",
    "site_names",
]

# --- element pruning ------------------------------------------------------------------------

# Tags whose whole subtree is never article text.
_PRUNE_TAGS = frozenset(
    {"nav", "aside", "figcaption", "form", "button", "noscript", "select", "dialog", "iframe"}
)
# Words of a class or id (split on - and _) that mark boilerplate containers.
_PRUNE_WORDS = frozenset(
    {
        "share", "sharing", "sharebar", "social", "socials", "sharethis", "addthis",
        "related", "recommended", "more-stories", "readmore", "read-more",
        "cookie", "cookies", "consent", "gdpr", "eu-cookie-compliance",
        "breadcrumb", "breadcrumbs", "newsletter", "subscribe", "subscription",
        "tags", "tag-list", "taglist", "topics", "keywords", "categories",
        "caption", "credit", "credits", "photo-credit", "byline", "author", "authors",
        "date", "dateline", "datetime", "posted-on", "meta", "print", "toolbar", "skip-link",
        "visually-hidden", "sr-only", "popup", "modal", "advert", "advertisement", "ads",
        "comments", "disclaimer", "twitter-tweet", "instagram-media", "tiktok-embed", "fb-post",
    }
)  # fmt: skip
_PRUNE_COMPOUND = ("more-stories", "read-more", "photo-credit", "posted-on", "tag-list",
                   "skip-link", "visually-hidden", "sr-only", "eu-cookie-compliance",
                   "twitter-tweet", "instagram-media", "tiktok-embed", "fb-post")  # fmt: skip
_CLASS_SPLIT = re.compile(r"[\s_-]+")
_CAMEL = re.compile(r"([a-z])([A-Z])")
# Ancestors that put an element outside the article (a page-wide <form> does not).
_CHROME_TAGS = frozenset({"nav", "aside", "footer", "figcaption", "dialog", "noscript"})
# Class words of the element that prints the page's date ("news-date-time", "posted-on").
_DATE_CLASS_WORDS = frozenset(
    {"date", "dateline", "datetime", "posted-on", "time", "published", "created", "submitted",
     "updated", "update"}
)  # fmt: skip
_MAX_DATE_CHARS = 120
_DATE_REACH_ABOVE = 12  # elements before the headline where a date block may sit
_DATE_TAGS = frozenset({"p", "span", "div", "time", "li", "dd", "small", "em", "strong"})
# Containers whose dates belong to other stories.
_CHROME_WORDS = frozenset({"related", "recommended", "more-stories", "sidebar", "widget", "card"})
# An element with more than this share of the page's paragraph text is the article, not chrome.
_MAX_PRUNED_SHARE = 0.35

# Prefixes of run-together class words: "relatedposts", "sharedaddy", "cookielawinfo".
_PRUNE_PREFIXES = ("related", "share", "sharing", "cookie", "newsletter", "breadcrumb")
_STANDFIRST_WORDS = frozenset(
    {"standfirst", "lead", "lede", "subtitle", "subheading", "intro", "summary", "excerpt",
     "chapo", "chapeau", "dek", "deck", "teaser", "sapo", "entradilla", "bajada", "anons"}
)  # fmt: skip
_STANDFIRST_TAGS = frozenset({"p", "div", "section", "h2", "span"})
_STANDFIRST_MIN, _STANDFIRST_MAX = 40, 900
_STANDFIRST_REACH = 40  # elements after the headline within which a generic standfirst sits


def _class_words(node: HtmlElement) -> frozenset[str]:
    """The words of the element's class and id: "news-date_time newsDate" → news, date, time."""
    names = node.get("class"), node.get("id")
    return _words_of(*names) if any(names) else frozenset()


@lru_cache(maxsize=4096)
def _words_of(class_: str | None, id_: str | None) -> frozenset[str]:
    """Pages repeat their class names: each pair is split once."""
    raw = _CAMEL.sub(r"\1 \2", f"{class_ or ''} {id_ or ''}").lower()
    words = set(_CLASS_SPLIT.split(raw))
    words.update(part for part in _PRUNE_COMPOUND if part in raw)
    words.discard("")
    return frozenset(words)


def _is_boilerplate_element(node: HtmlElement) -> bool:
    tag = node.tag
    if not isinstance(tag, str):
        return False  # comments and processing instructions
    if tag in _PRUNE_TAGS:
        return True
    class_, id_ = node.get("class"), node.get("id")
    if (class_ or id_) and _names_boilerplate(class_, id_):
        return node.get("role") != "main"
    return False


@lru_cache(maxsize=4096)
def _names_boilerplate(class_: str | None, id_: str | None) -> bool:
    """Whether a class and id name a boilerplate container; judged once per distinct pair."""
    words = _words_of(class_, id_)
    return bool(words & _PRUNE_WORDS) or any(w.startswith(_PRUNE_PREFIXES) for w in words)


def _paragraph_chars(node: HtmlElement) -> int:
    return sum(len(p.text_content()) for p in node.iter("p"))


def prune_tree(tree: HtmlElement, drop: Sequence[str] = (), prune: Sequence[str] = ()) -> list[str]:
    """Remove boilerplate elements from ``tree`` in place; what was removed, in page order.

    ``drop`` and ``prune`` are CSS selectors of the site's rules (``SiteRules``): what
    ``drop`` finds goes as it stands; what ``prune`` finds goes unless it holds the article,
    as the generic rules (see the module docstring).
    """
    root = tree.getroottree().getroot()
    total = max(_paragraph_chars(tree), 1)
    forced = [node for selector in drop for node in tree.cssselect(selector)]
    marked = [node for selector in prune for node in tree.cssselect(selector)]
    guessed = [node for node in tree.iter() if _is_boilerplate_element(node)]
    forced_ids = {id(node) for node in forced}
    guessed_ids = {id(node) for node in guessed}
    removed: list[str] = []
    for node in forced + marked + guessed:
        if node is root or root not in node.iterancestors():
            continue  # the root itself, or inside an element removed already
        if id(node) not in forced_ids and not _safe_to_prune(node, total):
            continue
        if id(node) in guessed_ids and _holds_prose(node):
            continue  # a class word is a guess: "print-step", "date-outer" hold real paragraphs
        removed.append(" ".join(node.text_content().split()))
        node.drop_tree()  # its tail text stays in the parent
    return removed


def find_date_text(tree: HtmlElement, headline: HtmlElement | None) -> str | None:
    """The text of the element that dates the article, or None.

    The ``<time>``, "date"-class or date-only element nearest the headline (below it first,
    then above), else the first ``<time>`` or "date" block in ``<article>``/``<main>``. Read
    before pruning; dates inside navigation, asides and related lists do not count.
    """
    if headline is not None and _attached(headline, tree):
        for node in (*_BELOW(headline), *reversed(_ABOVE(headline))):
            text = _date_text(node, by_text=True)
            if text:
                return text
        return None
    for node in _IN_ARTICLE(tree):
        text = _date_text(node, by_text=False)
        if text:
            return text
    return None


# The elements (and comments) after the headline in page order, its own first, and those
# before it, its ancestors included; XPath finds them without walking the page in Python.
_BELOW = etree.XPath(
    f"(descendant::*|descendant::comment()|following::*|following::comment())"
    f"[position() <= {_STANDFIRST_REACH}]"
)
_ABOVE = etree.XPath(
    f"(ancestor::*|preceding::*|preceding::comment())[position() > last() - {_DATE_REACH_ABOVE}]"
)
_IN_ARTICLE = etree.XPath("//*[ancestor::article or ancestor::main]")


def _attached(node: HtmlElement, tree: HtmlElement) -> bool:
    """Whether ``node`` is still part of ``tree`` (pruning may have taken it)."""
    return node.getroottree().getroot() is tree.getroottree().getroot()


def _date_text(node: HtmlElement, by_text: bool) -> str | None:
    if not isinstance(node.tag, str):
        return None
    marked = _is_date_element(node)
    if not marked and not (by_text and node.tag in _DATE_TAGS):
        return None  # the cheap tests first: most elements end here
    text = " ".join(node.text_content().split())
    if not 0 < len(text) <= _MAX_DATE_CHARS or _in_chrome(node):
        return None
    return text if marked or is_date_only(text) else None


def _is_date_element(node: HtmlElement) -> bool:
    if not isinstance(node.tag, str):
        return False
    return node.tag == "time" or bool(_class_words(node) & _DATE_CLASS_WORDS)


def _in_chrome(node: HtmlElement) -> bool:
    return any(
        a.tag in _CHROME_TAGS or _class_words(a) & _CHROME_WORDS for a in node.iterancestors()
    )


def _safe_to_prune(node: HtmlElement, total: int) -> bool:
    if node.tag in ("html", "body", "main", "article"):
        return False
    if node.tag == "h1" or next(node.iter("h1"), None) is not None:
        return False
    return _paragraph_chars(node) <= _MAX_PRUNED_SHARE * total


# Text that reads as the article's own prose: this much of it outside links. A class word
# ("print", "date", "meta") guesses at boilerplate; a block holding prose is not pruned on a
# guess (trafilatura and the line rules still judge it).
_PROSE_CHARS = 400


def _holds_prose(node: HtmlElement) -> bool:
    if node.tag in _PRUNE_TAGS and node.tag != "form":
        return False  # nav, aside, figcaption...: never the article, whatever they hold; a
        # <form> can be the whole page (ASP.NET sites wrap everything in one)
    text = len("".join(node.itertext()).strip())
    if text < _PROSE_CHARS:
        return False
    linked = sum(len("".join(a.itertext())) for a in node.iter("a"))
    return text - linked >= _PROSE_CHARS and linked < text / 3


def find_standfirst(
    tree: HtmlElement, headline: HtmlElement | None = None, selectors: Sequence[str] = ()
) -> list[str]:
    """The standfirst's paragraphs (the lead under the headline), or ``[]``.

    What the site's ``selectors`` (``SiteRules.standfirst``) find is trusted; an element
    found by its class words alone ("lead", "subtitle", "chapo", …) must follow the
    ``headline`` closely.
    """
    for selector in selectors:
        for node in tree.cssselect(selector):
            if paragraphs := _standfirst_paragraphs(node):
                return paragraphs
    if headline is None or not _attached(headline, tree):
        return []  # no headline, or one pruned away
    for node in _BELOW(headline):
        if node.tag not in _STANDFIRST_TAGS or not _class_words(node) & _STANDFIRST_WORDS:
            continue
        if paragraphs := _standfirst_paragraphs(node):
            return paragraphs
    return []


def _standfirst_paragraphs(node: HtmlElement) -> list[str]:
    if any(ancestor.tag in _CHROME_TAGS for ancestor in node.iterancestors()):
        return []
    inner = [" ".join(p.text_content().split()) for p in node.iter("p")]
    paragraphs = [p for p in inner if p] or [" ".join(node.text_content().split())]
    length = sum(len(p) for p in paragraphs)
    if len(paragraphs) > 3 or not _STANDFIRST_MIN <= length <= _STANDFIRST_MAX:
        return []  # a container of the body, or a label, not a lead
    return paragraphs


# --- line cleanup ---------------------------------------------------------------------------


# The rules' phrases in every language: pipelines/data/boilerplate.toml (its header says how
# they are written).
PHRASES_TABLE = Path(__file__).with_name("data") / "boilerplate.toml"
_PHRASES: dict[str, dict[str, list[str]]] = read_table(PHRASES_TABLE)
_APOSTROPHES = "'’‘ʻ"


def _phrases(table: str, *keys: str) -> list[str]:
    """The phrases of a table of the phrase file: under ``keys``, or under every key."""
    entry = _PHRASES[table]
    return [phrase for key in keys or entry for phrase in entry[key]]


def _alternation(phrases: Iterable[str]) -> str:
    """One alternation of plain phrases, longest first: ' matches any apostrophe, a trailing
    * any ending."""
    patterns = set()
    for phrase in phrases:
        body = re.escape(phrase.removesuffix("*"))
        body = re.sub(f"[{_APOSTROPHES}]", f"[{_APOSTROPHES}]", body)
        patterns.add(body + (r"\w*" if phrase.endswith("*") else ""))
    return "|".join(sorted(patterns, key=lambda p: (-len(p), p)))


def _line_pattern(phrases: Iterable[str], inline: bool = False) -> re.Pattern[str]:
    """A whole line that is one of ``phrases`` (case-insensitive), maybe with a colon.

    With ``inline``, the phrase may also be followed by a colon and more text on that line.
    """
    end = r"\s*(?:[:：.]?\W*$|[:：]\s*\S)" if inline else r"\s*[:：.]?\W*$"
    return re.compile(rf"^\W*(?:{_alternation(phrases)}){end}", re.IGNORECASE)


# Headings after which a press release is over: contacts, notes to editors, "About UNICEF".
_TAIL_HEADINGS = _line_pattern(_phrases("tail_headings"), inline=True)
_TAIL_START, _TAIL_LINES = 0.4, 8  # where in the text a tail heading may start
_TAIL_MARKS = re.compile(
    rf"^\s*(?:#{{3,}}|-+\s*ends?\s*-+|{_alternation(_phrases('tail_marks'))})\s*$",
    re.IGNORECASE,
)
# Opening words of the agencies' standard closing paragraphs ("UNICEF works in ...").
_ABOUT_PARAGRAPH = re.compile(rf"^(?:{_alternation(_phrases('about_openings'))})", re.IGNORECASE)

# Headings of link lists: the heading and the headline-like lines under it go.
_LIST_HEADINGS = _line_pattern(_phrases("list_headings"))
# "More from UNICEF", "Другие материалы ЮНИСЕФ", "ЮНИСЕФ-тің басқа материалдары".
_MORE_FROM = re.compile(
    rf"^\W*(?:(?:{_alternation(_phrases('more_from', 'before'))})\s+\S+(?:\s+\S+)?"
    rf"|\S+\s+(?:{_alternation(_phrases('more_from', 'after'))}))\W*$",
    re.IGNORECASE,
)
# "Sign up for our newsletter", "Подпишитесь на нашу рассылку".
_NEWSLETTER = re.compile(
    rf"^\W*(?:{_alternation(_phrases('newsletter'))}).{{0,100}}$", re.IGNORECASE
)
# A single line pointing elsewhere: "Read more: ...", "Читайте также: ...".
_POINTER_LINE = re.compile(
    rf"^\W*(?:{_alternation(_phrases('pointer_labels'))})\s*[:：]\s*\S.{{0,200}}$", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"[.!?。！？؟…:;][\"'»”’)\]]*\s*$")

# Photo captions and credits.
_CREDIT_LABEL = re.compile(
    rf"^\W*(?:{_alternation(_phrases('credit_labels'))})\s*[:：/]\s*\S", re.IGNORECASE
)
_CREDIT_END = re.compile(
    # "(c)" and the word "copyright" only where a credit can start: "… Erdogans Copyright
    # und die Kraft der Minze." is a sentence
    r"(?:©|(?:^|(?<=[.!?:;|/–—(\-]))\s*(?:\(c\)|copyright))\s*[\w .,'’/&()\-]{2,80}$"
    rf"|\b(?-i:{_alternation(_phrases('credit_agencies'))})\b"  # as written: "und", "Unicode"
    r"(?:[ \w.-]{0,40})?/[\w .\-/]{1,59}\w$"
    rf"|\(?(?:{_alternation(_phrases('photo_words'))})\s*[:：]\s*[^.]{{2,60}}\)?$",
    re.IGNORECASE,
)
_MAX_CAPTION = 320
# A credit after this much text ends a paragraph ("... opened the park (Photo: City)"), not a
# caption: the line stays.
_MAX_CAPTION_TEXT = 200
# The sign-off of a government press release: "Пресс-служба Министерства просвещения",
# "Source: UNICEF Kazakhstan".
_SIGN_OFF = re.compile(_alternation(_phrases("sign_off")), re.IGNORECASE)
_SOURCE_LABEL = re.compile(
    rf"^\W*(?:{_alternation(_phrases('source_labels'))})\s*[:：]", re.IGNORECASE
)
_SIGN_OFF_LINES, _MAX_SIGN_OFF = 2, 160
# "The views expressed in this blog are those of the authors."
_DISCLAIMER = re.compile(rf"^\W*(?:{_alternation(_phrases('disclaimer'))})", re.IGNORECASE)

# Share bars: a line made only of these words.
_SHARE_WORD = re.compile(
    rf"(?<![^\W_])(?:{_alternation(_phrases('share', 'all'))})(?![^\W_])", re.IGNORECASE
)
# A share bar is share words alone, with any punctuation between: one anchored pass that
# stops at the first other word (a paragraph costs one step, not a scan).
_SHARE_BAR = re.compile(
    rf"[\W_]*(?:(?:{_alternation(_phrases('share'))})(?![^\W_])[\W_]*)+", re.IGNORECASE
)

# Cookie notices: a cookie word and a word about the website on one short line.
_COOKIE = re.compile(_alternation(_phrases("cookie", "cookie")), re.IGNORECASE)
_WEB = re.compile(_alternation(_phrases("cookie", "website")), re.IGNORECASE)
_COOKIE_BUTTONS = _line_pattern(_phrases("cookie_buttons"))

# Tag and topic lines: "Tags: education, Kazakhstan".
_TAG_LINE = re.compile(
    rf"^\W*(?:{_alternation(_phrases('tag_labels'))})\s*[:：]\s*\S.{{0,250}}$", re.IGNORECASE
)
_TAG_LABEL_ALONE = _line_pattern(_phrases("tag_labels_alone"))

# Lone bylines: "By Jane Doe", "Автор: Айгуль Ахметова".
_BYLINE = re.compile(
    rf"^\W*(?:{_alternation(_phrases('byline_labels'))})(?:\s*[:：]\s*|\s+)(?P<name>[^\d:：]{{2,90}})$",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"^[A-ZÀ-ÖØ-ÞА-ЯЁӘҒҚҢӨҰҮҺІЎҚҲ\u0600-\u06ff\u4e00-\u9fff]")

# Dates ("Last update: 12 March 2024", "Published: 12.03.2024", "March 2024"): how they are
# written, in every language, is pipelines/dateline.py's alone (its tables are
# pipelines/data/dates.toml); the line rules below only say what may stand beside a date.
_SEGMENTS = re.compile(r"\s*(?:\||•|·|—|–|,|\s-\s)\s*")
# Types a site prints next to the date ("Press release | 12 March 2024"): dateline's kinds.
_KIND_LABEL = _line_pattern([*KIND_LABELS, *_phrases("beside_date")])
_READING_TIME = re.compile(
    rf"^\W*(?:\d+\s*(?:{_alternation(_phrases('reading_time', 'minutes'))})\.?\s*"
    rf"(?:{_alternation(_phrases('reading_time', 'reading'))})?"
    rf"|(?:{_alternation(_phrases('reading_time', 'labels'))})\s*[:：]?.{{0,20}})\W*$",
    re.IGNORECASE,
)
_MAX_DATE_WORDS = 12
_OPENS_PARAGRAPH = re.compile(r"\s[–—-]\s*$")

# View counters and copyright notices.
_COUNTER = re.compile(
    rf"^\W*(?:{_alternation(_phrases('counter_labels'))})\s*[:：]?\s*[\d\s\u00a0.,]+$",
    re.IGNORECASE,
)
_COPY_NOTICE = re.compile(_alternation(_phrases("copyright")), re.IGNORECASE)
# "Back to the list", "← All news".
_BACK_LINK = re.compile(
    rf"^\W*(?:{_alternation(_phrases('back_links', 'back'))})\w*\W?.{{0,40}}$"
    rf"|^\W*(?:{_alternation(_phrases('back_links', 'all_news'))})\W*$",
    re.IGNORECASE,
)
# Single lines of page chrome.
_CHROME = _line_pattern(_phrases("chrome"))


def is_date_only(line: str, language: str | None = None) -> bool:
    """A line that says when, and nothing else: a date, "Last update: …", "Press release | …".

    ``pipelines.dateline.is_dateline`` decides first; the checks here add date lines with a
    place or a kind label ("Bishkek | 12 March 2025"). A line ending in a dash opens the first
    paragraph ("NEW YORK, 12 March 2025 –") and stays.
    """
    words = line.split()
    if not words or len(words) > _MAX_DATE_WORDS or _OPENS_PARAGRAPH.search(line):
        return False
    if is_dateline(line, language) or is_date_text(line, language):
        return True
    if labelled := split_date_label(line):
        rest, colon = labelled
        if is_date_text(rest, language) or (colon and has_year(rest) and len(words) <= 8):
            return True
    segments = [s for s in _SEGMENTS.split(line.strip()) if s]
    if len(segments) < 2 or not any(is_date_text(s, language) for s in segments):
        return False
    return all(is_date_text(s, language) or _KIND_LABEL.match(s) or _is_place(s) for s in segments)


def _is_place(text: str) -> bool:
    """A short capitalised place name ("Bishkek", "NEW YORK", "Душанбе, Таджикистан")."""
    words = text.replace(",", " ").split()
    return 0 < len(words) <= 4 and all(_NAME_WORD.match(w) for w in words)


def site_names() -> str:
    """The names the sites append to their titles, as one alternation."""
    return _alternation(_phrases("site_names"))


_OFFICIAL_SITE = re.compile(_alternation(_phrases("official_site")), re.IGNORECASE)


def names_the_site(text: str) -> bool:
    """Text that presents the site ("Official site of ..."), not a story."""
    return _OFFICIAL_SITE.search(text) is not None


def is_photo_credit(line: str) -> bool:
    if len(line) > _MAX_CAPTION:
        return False
    stripped = line.strip()
    if stripped.startswith(("©", "(c) ", "Copyright ")) or _CREDIT_LABEL.match(stripped):
        return True
    credit = _CREDIT_END.search(stripped)
    return credit is not None and credit.start() < _MAX_CAPTION_TEXT


def is_share_bar(line: str) -> bool:
    """Share words alone, one of them more than a word of the text ("Ok.", "X")."""
    return _SHARE_BAR.fullmatch(line) is not None and _SHARE_WORD.search(line) is not None


def is_cookie_notice(line: str) -> bool:
    if _COOKIE_BUTTONS.match(line):
        return True
    return len(line) < 500 and bool(_COOKIE.search(line) and _WEB.search(line))


def is_tag_line(line: str) -> bool:
    return bool(_TAG_LINE.match(line) or _TAG_LABEL_ALONE.match(line))


def is_byline(line: str) -> bool:
    match = _BYLINE.match(line.strip())
    if not match or _SENTENCE_END.search(match.group("name")):
        return False
    words = match.group("name").replace(",", " ").split()
    return 0 < len(words) <= 10 and _NAME_WORD.match(words[0]) is not None


_LINE_CHECKS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("photo credit", is_photo_credit),
    ("share bar", is_share_bar),
    ("cookie notice", is_cookie_notice),
    ("tags", is_tag_line),
    ("byline", is_byline),
    ("pointer", lambda line: bool(_POINTER_LINE.match(line))),
    ("reading time", lambda line: bool(_READING_TIME.match(line))),
    ("newsletter", lambda line: bool(_NEWSLETTER.match(line))),
    ("counter", lambda line: bool(_COUNTER.match(line))),
    ("copyright", lambda line: len(line) < _MAX_CAPTION and bool(_COPY_NOTICE.search(line))),
    ("disclaimer", lambda line: len(line) < _MAX_CAPTION and bool(_DISCLAIMER.match(line))),
    ("chrome", lambda line: bool(_CHROME.match(line) or _BACK_LINK.match(line))),
)


def is_boilerplate_line(line: str, language: str | None = None) -> str | None:
    """Why ``line`` on its own is not article text ("date", "photo credit", …), or None."""
    if is_date_only(line, language):
        return "date"
    for reason, check in _LINE_CHECKS:
        if check(line):
            return reason
    return None


@dataclass
class Cleaned:
    lines: list[str]
    removed: list[tuple[str, str]] = field(default_factory=list)  # (reason, line)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def removed_as(self, reason: str) -> list[str]:
        return [line for why, line in self.removed if why == reason]


def clean_lines(
    lines: Sequence[str],
    *,
    title: str | None = None,
    standfirst: Sequence[str] = (),
    language: str | None = None,
) -> Cleaned:
    """The article's paragraphs from extracted ``lines``, with what was removed and why.

    The ``standfirst`` paragraphs come first, once, whether or not the extractor found them.
    """
    result = Cleaned([" ".join(line.split()) for line in lines])
    result.lines = [line for line in result.lines if line]
    _drop_title(result, title)
    _drop_leading_labels(result)
    _cut_tail(result)
    _drop_link_lists(result)
    _drop_sign_off(result)
    kept: list[str] = []
    for line in result.lines:
        reason = is_boilerplate_line(line, language)
        if reason:
            result.removed.append((reason, line))
        else:
            kept.append(line)
    result.lines = kept
    _put_standfirst_first(result, standfirst)
    _drop_repeats(result)
    return result


def _drop_title(result: Cleaned, title: str | None) -> None:
    if not title:
        return
    key = _key(title)
    kept = [line for line in result.lines[:5] if _key(line) != key]
    result.removed += [("title", line) for line in result.lines[:5] if _key(line) == key]
    result.lines = kept + result.lines[5:]


def _drop_leading_labels(result: Cleaned) -> None:
    """The kind of page ("Press release", "Article", "Story") printed above the headline."""
    while result.lines and _KIND_LABEL.match(result.lines[0]):
        result.removed.append(("label", result.lines.pop(0)))


def _cut_tail(result: Cleaned) -> None:
    """Everything from a contacts / "About …" heading or a closing "###" to the end.

    A heading counts in the last part of the text only, where press releases keep them.
    """
    lines = result.lines
    for index, line in enumerate(lines):
        if index == 0:
            continue
        late = index >= _TAIL_START * len(lines) or len(lines) - index <= _TAIL_LINES
        heading = late and _TAIL_HEADINGS.match(line)
        about = index >= len(lines) - 4 and _ABOUT_PARAGRAPH.match(line)
        if heading or about or _TAIL_MARKS.match(line):
            result.removed += [("press-release tail", rest) for rest in lines[index:]]
            result.lines = lines[:index]
            return


def _drop_sign_off(result: Cleaned) -> None:
    """A closing "Press service of the Ministry …" or "Source: …" line (not a sentence)."""
    while len(result.lines) > 1:
        found = [line for line in result.lines[-_SIGN_OFF_LINES:] if _is_sign_off(line)]
        if not found:
            return
        result.removed.append(("sign-off", found[-1]))
        result.lines.remove(found[-1])


def _is_sign_off(line: str) -> bool:
    if len(line) > _MAX_SIGN_OFF:
        return False
    if _SOURCE_LABEL.match(line):
        return True
    return bool(_SIGN_OFF.search(line)) and not _SENTENCE_END.search(line)


def _drop_link_lists(result: Cleaned) -> None:
    """A "Related stories" heading and the headlines and dates listed under it."""
    kept: list[str] = []
    in_list = False
    for line in result.lines:
        if _LIST_HEADINGS.match(line) or _MORE_FROM.match(line):
            in_list = True
            result.removed.append(("related", line))
            continue
        if in_list and (_is_headline_like(line) or is_date_only(line)):
            result.removed.append(("related", line))
            continue
        in_list = False
        kept.append(line)
    result.lines = kept


def _is_headline_like(line: str) -> bool:
    return len(line) <= 180 and not _SENTENCE_END.search(line)


def _put_standfirst_first(result: Cleaned, standfirst: Sequence[str]) -> None:
    paragraphs = [" ".join(p.split()) for p in standfirst if p.strip()]
    if not paragraphs:
        return
    whole = _key(" ".join(paragraphs))
    head = result.lines[:8]
    inside = [line for line in head if len(_key(line)) >= 20 and _key(line) in whole]
    result.lines = paragraphs + [line for line in result.lines if line not in inside]


def _drop_repeats(result: Cleaned) -> None:
    seen: set[str] = set()
    kept: list[str] = []
    for line in result.lines:
        key = _key(line)
        if len(key) >= 30 and key in seen:
            result.removed.append(("repeat", line))
            continue
        seen.add(key)
        kept.append(line)
    result.lines = kept


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()
