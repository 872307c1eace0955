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

from lxml import etree
from lxml.html import HtmlElement

from pipelines.dateline import has_year, is_date_text, is_dateline, split_date_label

__all__ = [
    "Cleaned",
    "clean_lines",
    "find_date_text",
    "find_standfirst",
    "is_boilerplate_line",
    "is_date_only",
    "prune_tree",
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
        _drop_keeping_tail(node)
    return removed


def find_date_text(tree: HtmlElement, headline: HtmlElement | None) -> str | None:
    """The text of the element that dates the article, or None.

    The ``<time>``, "date"-class or date-only element nearest the headline (below it first,
    then above), else the first ``<time>`` or "date" block in ``<article>``/``<main>``. Read
    before pruning; dates inside navigation, asides and related lists do not count.
    """
    if headline is not None and headline.getroottree().getroot() is tree.getroottree().getroot():
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
    if node.tag in _PRUNE_TAGS:
        return False  # nav, aside, figcaption...: never the article, whatever they hold
    text = len("".join(node.itertext()).strip())
    if text < _PROSE_CHARS:
        return False
    linked = sum(len("".join(a.itertext())) for a in node.iter("a"))
    return text - linked >= _PROSE_CHARS and linked < text / 3


def _drop_keeping_tail(node: HtmlElement) -> None:
    """Remove ``node`` but keep the text that follows it inside its parent."""
    parent = node.getparent()
    if node.tail and node.tail.strip():
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


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
    if headline is None or headline.getroottree().getroot() is not tree.getroottree().getroot():
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


def _alternation(phrases: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(p) for p in phrases), key=len, reverse=True))


def _line_pattern(phrases: Iterable[str], inline: bool = False) -> re.Pattern[str]:
    """A whole line that is one of ``phrases`` (case-insensitive), maybe with a colon.

    With ``inline``, the phrase may also be followed by a colon and more text on that line.
    """
    end = r"\s*(?:[:：.]?\W*$|[:：]\s*\S)" if inline else r"\s*[:：.]?\W*$"
    return re.compile(rf"^\W*(?:{_alternation(phrases)}){end}", re.IGNORECASE)


# Headings after which a press release is over: contacts, notes to editors, "About UNICEF".
_TAIL_HEADINGS = _line_pattern(
    [
        # en
        "media contacts", "media contact", "press contacts", "press contact", "media enquiries",
        "media inquiries", "for more information, please contact", "for more information contact",
        "for further information, please contact", "for further information", "contacts",
        "notes to editors", "note to editors", "notes for editors", "about unicef", "about undp",
        "about unesco", "about the united nations development programme", "about un news",
        # fr
        "contacts presse", "contact presse", "contacts médias", "contact médias",
        "pour plus d'informations, veuillez contacter",
        "pour plus d’informations, veuillez contacter",
        "note aux rédactions", "notes aux rédactions", "note aux rédacteurs",
        "à propos de l'unicef", "à propos de l’unicef", "à propos du pnud", "à propos de l'unesco",
        "à propos de l’unesco",
        # es
        "contactos de prensa", "contacto de prensa", "contactos para los medios",
        "contacto para medios", "para más información, por favor contacte",
        "para más información, contactar con", "notas para los editores", "nota para los editores",
        "nota a los editores", "acerca de unicef", "sobre unicef", "acerca del pnud",
        "sobre el pnud", "acerca de la unesco", "sobre la unesco",
        # pt
        "contatos de imprensa", "contato para a imprensa", "contatos para a imprensa",
        "informações para a imprensa", "notas aos editores", "sobre o unicef", "sobre o pnud",
        "sobre a unesco",
        # ru
        "медиаконтакты", "контакты для сми", "контакты для прессы", "контакты для медиа",
        "для получения дополнительной информации обращайтесь",
        "для дополнительной информации обращайтесь",
        "примечание для редакторов", "примечания для редакторов", "о юнисеф", "о проон",
        "о программе развития оон", "о юнеско",
        # ar
        "جهات الاتصال الإعلامية", "للتواصل الإعلامي", "للاستفسارات الإعلامية",
        "لمزيد من المعلومات، يرجى الاتصال", "ملاحظات للمحررين", "نبذة عن اليونيسف",
        "حول اليونيسف", "عن اليونيسف", "عن برنامج الأمم المتحدة الإنمائي", "عن اليونسكو",
        # zh
        "媒体联系人", "媒体联络", "媒体联系", "编辑注意事项", "关于联合国儿童基金会", "关于儿基会",
        "关于开发署", "关于联合国开发计划署", "关于教科文组织",
        # kk
        "бақ өкілдері үшін байланыс", "бақ үшін байланыс", "бақ үшін байланыстар",
        "бұқаралық ақпарат құралдары үшін байланыс",
        "юнисеф туралы", "бұұдб туралы", "юнеско туралы", "редакторларға арналған ескертпе",
        # ky
        "жалпыга маалымдоо каражаттары үчүн байланыш", "маалымат каражаттары үчүн байланыш",
        "басма сөз үчүн байланыш", "жмк үчүн байланыштар", "жмк үчүн байланыш",
        "юнисеф жөнүндө", "бүүөп жөнүндө",
        "буунун өнүктүрүү программасы жөнүндө",
        "юнеско жөнүндө",
        # uz (Latin and Cyrillic)
        "ommaviy axborot vositalari uchun aloqa", "oav uchun aloqa", "media bilan aloqa",
        "matbuot uchun aloqa", "unicef haqida", "yunisef haqida", "bmttd haqida", "undp haqida",
        "yunesko haqida", "оав учун алоқа", "юнисеф ҳақида", "бмттд ҳақида",
        # tg
        "тамос барои васоити ахбори омма", "тамос барои вао", "дар бораи юнисеф",
        "дар бораи барномаи рушди созмони милали муттаҳид", "дар бораи юнеско",
        # tk
        "köpçülikleýin habar beriş serişdeleri üçin habarlaşmak", "metbugat üçin habarlaşmak",
        "unisef barada", "ýunisef barada", "bmg-niň ösüş maksatnamasy barada",
    ],
    inline=True,
)  # fmt: skip
_TAIL_START, _TAIL_LINES = 0.4, 8  # where in the text a tail heading may start
_TAIL_MARKS = re.compile(r"^\s*(?:#{3,}|-+\s*ends?\s*-+|\*{3}|end|конец|fin)\s*$", re.IGNORECASE)
# Opening words of the agencies' standard closing paragraphs ("UNICEF works in ...").
_ABOUT_PARAGRAPH = re.compile(
    r"^(?:UNICEF works in|UNICEF, the United Nations Children|UNICEF promotes the rights|"
    r"UNDP works in|UNDP is the leading United Nations|UNESCO is the United Nations|"
    r"L['’]UNICEF travaille|L['’]UNICEF œuvre|UNICEF trabaja|El UNICEF trabaja|O UNICEF trabalha|"
    r"ЮНИСЕФ работает|ЮНИСЕФ осуществляет|ЮНИСЕФ әлемнің|ЮНИСЕФ дүйнөнүн|UNICEF dunyoning|"
    r"ЮНИСЕФ дар|تعمل اليونيسف|联合国儿童基金会在世界|儿基会在世界|"
    r"For more information about (?:UNICEF|UNDP|UNESCO)|Follow (?:UNICEF|UNDP|UNESCO) on)",
    re.IGNORECASE,
)

# Headings of link lists: the heading and the headline-like lines under it go.
_LIST_HEADINGS = _line_pattern(
    [
        "related stories", "related story", "related news", "related content", "related articles",
        "related topics", "related items", "related links", "related", "read more", "read also",
        "see also", "more from unicef", "more from undp", "more from unesco", "more on this topic",
        "you might also like", "you may also like", "explore further", "explore more",
        "latest news", "more stories", "further reading", "recommended",
        "à lire aussi", "lire aussi", "voir aussi", "articles liés", "sur le même sujet",
        "dans la même rubrique", "noticias relacionadas", "lea también", "lee también",
        "ver también", "contenido relacionado", "artículos relacionados", "notícias relacionadas",
        "leia também", "veja também", "conteúdo relacionado", "читайте также", "читайте еще",
        "похожие новости", "по теме", "связанные материалы", "другие новости", "смотрите также",
        "последние новости", "أخبار ذات صلة", "اقرأ أيضا", "اقرأ أيضاً", "مواضيع ذات صلة",
        "相关新闻", "相关报道", "延伸阅读", "相关内容", "тақырыпқа қатысты", "ұқсас жаңалықтар",
        "сондай-ақ оқыңыз", "байланысты жаңалықтар", "тектеш жаңылыктар", "окшош жаңылыктар",
        "ошондой эле окуңуз", "похожие материалы", "связанные темы", "другие материалы",
        "қатысты тақырыптар", "қатысты материалдар", "тиешелүү материалдар", "тиешелүү темалар",
        "tegishli mavzular", "tegishli materiallar", "мавзӯъҳои марбут", "degişli maglumatlar",
        "thèmes associés", "contenu associé", "contenus associés", "articles connexes",
        "temas relacionados", "mais do pnud", "more from unicef", "more from un news",
        "مواد ذات صلة", "tegishli yangiliklar", "o‘xshash yangiliklar",
        "o'xshash yangiliklar", "shuningdek o‘qing", "shuningdek o'qing", "хабарҳои марбут",
        "инчунин хонед", "degişli habarlar", "şeýle hem okaň",
    ]
)  # fmt: skip
# "More from UNICEF", "Другие материалы ЮНИСЕФ", "ЮНИСЕФ-тің басқа материалдары".
_MORE_FROM = re.compile(
    r"^\W*(?:(?:more from|plus de contenus de|plus d['’]articles de|más de|mais de|"
    r"другие материалы|маводи дигари)\s+\S+(?:\s+\S+)?"
    r"|\S+\s+(?:басқа материалдары|башка материалдары|boshqa materiallari))\W*$",
    re.IGNORECASE,
)
# "Sign up for our newsletter", "Подпишитесь на нашу рассылку".
_NEWSLETTER = re.compile(
    r"^\W*(?:sign up for|subscribe to|get (?:free|the latest)|abonnez-vous|inscrivez-vous|"
    r"suscríbase|suscríbete|assine|inscreva-se|подпишитесь|подписаться|жазылыңыз|"
    r"obuna bo[ʻ‘']ling|обуна шавед|ýazylyň|اشترك|订阅).{0,100}$",
    re.IGNORECASE,
)
# A single line pointing elsewhere: "Read more: ...", "Читайте также: ...".
_POINTER_LINE = re.compile(
    r"^\W*(?:read more|read also|see also|related|lire aussi|à lire aussi|voir aussi|"
    r"lea también|lee también|ver también|leia também|veja também|читайте также|"
    r"смотрите также|اقرأ أيضا|اقرأ أيضاً|延伸阅读|сондай-ақ оқыңыз|ошондой эле окуңуз|"
    r"shuningdek o[‘']qing|инчунин хонед)\s*[:：]\s*\S.{0,200}$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?。！？؟…:;][\"'»”’)\]]*\s*$")

# Photo captions and credits.
_CREDIT_LABEL = re.compile(
    r"^\W*(?:photos?|photo credit|image|images|picture|credit|credits|crédit photo|"
    r"crédits photo|crédit|foto|fotos|fotografía|crédito|crédito da foto|фото|фотография|"
    r"фото на обложке|сурет|суреттер|сүрөт|сүрөттөр|surat|suratlar|сурат|акс|аксҳо|"
    r"صورة|الصورة|صور|图片|图|照片|摄影|photo by|photo de|foto de|foto:)\s*[:：/]\s*\S",
    re.IGNORECASE,
)
_CREDIT_END = re.compile(
    r"(?:©|\(c\)|copyright)\s*[\w .,'’/&()\-]{2,80}$"
    r"|\b(?:UN|UNICEF|UNDP|UNESCO|ЮНИСЕФ|ПРООН|ООН|BMTTD|ЮНЕСКО|UN Photo|UN News|UN Women)"
    r"(?:[ \w.-]{0,40})?/[\w .\-/]{1,59}\w$"
    r"|\(?(?:photo|foto|фото|сурет|сүрөт|surat|акс)\s*[:：]\s*[^.]{2,60}\)?$",
    re.IGNORECASE,
)
_MAX_CAPTION = 320
# The sign-off of a government press release: "Пресс-служба Министерства просвещения",
# "Source: UNICEF Kazakhstan".
_SIGN_OFF = re.compile(
    r"(?:press (?:service|office)|пресс-служб|пресс-центр|matbuot xizmati|baspasöz|"
    r"баспасөз қызмет|басма сөз кызмат|маалымат кызмат|хадамоти матбуот|metbugat gullug|"
    r"service de presse|oficina de prensa|gabinete de imprensa|المكتب الإعلامي|新闻办)",
    re.IGNORECASE,
)
_SOURCE_LABEL = re.compile(
    r"^\W*(?:source|источник|manba|дереккөз|булак|манбаъ|çeşme|fuente|fonte)\s*[:：]",
    re.IGNORECASE,
)
_SIGN_OFF_LINES, _MAX_SIGN_OFF = 2, 160
# "The views expressed in this blog are those of the authors."
_DISCLAIMER = re.compile(
    r"^\W*(?:the views expressed|views expressed|the opinions expressed|les opinions exprimées|"
    r"les points de vue exprimés|las opiniones expresadas|as opiniões expressas|"
    r"мнени[ея],? выраженн|мнение автора может не совпадать|الآراء الواردة|"
    r"本文仅代表作者|пікірі редакция)",
    re.IGNORECASE,
)

# Share bars: a line made only of these words.
_SHARE_PHRASES = (
    "share this story", "share this page", "share this article", "share this", "share on",
    "copy link", "copy the link", "follow us", "partager sur", "compartir en",
    "поделиться в", "поделиться", "facebook", "twitter", "x", "linkedin", "whatsapp",
    "telegram", "email", "e-mail", "mail", "print", "share", "tweet", "reddit", "pinterest",
    "vk", "vkontakte", "вконтакте", "одноклассники", "ok", "instagram", "youtube", "flickr",
    "tiktok", "weibo", "wechat", "partager", "imprimer", "courriel", "compartir", "imprimir",
    "correo", "печать", "распечатать", "مشاركة", "طباعة", "البريد الإلكتروني", "بريد",
    "分享", "打印", "电子邮件", "微博", "微信", "бөлісу", "басып шығару", "бөлүшүү",
    "басып чыгаруу", "ulashish", "chop etish", "мубодила", "чоп кардан", "paýlaş", "paylaş",
    "çap et", "compartilhar", "partilhar", "copiar link", "copier le lien", "скопировать ссылку",
)  # fmt: skip
# A share bar is share words alone, with any punctuation between: one anchored pass that
# stops at the first other word (a paragraph costs one step, not a scan).
_SHARE_BAR = re.compile(
    rf"[\W_]*(?:(?:{_alternation(_SHARE_PHRASES)})(?![^\W_])[\W_]*)+", re.IGNORECASE
)

# Cookie notices: a cookie word and a word about the website on one short line.
_COOKIE = re.compile(r"cookie|куки|ملفات تعريف الارتباط|ملفات الكوكيز|kuki", re.IGNORECASE)
_WEB = re.compile(
    r"(?:web)?site|browse|browsing|navigat|navega|experience|expérience|experiencia|"
    r"experiência|privacy|confidentialit|privacidad|privacidade|policy|politique|política|"
    r"settings|paramètres|сайт|браузер|политик|sayt|saýt|الموقع|تجربت|网站|本站|浏览",
    re.IGNORECASE,
)
_COOKIE_BUTTONS = _line_pattern(
    ["accept", "accept all", "accept all cookies", "i agree", "agree", "decline", "reject all",
     "ok", "got it", "more info", "manage cookies", "cookie settings", "j'accepte", "accepter",
     "aceptar", "принять", "согласен", "قبول", "接受"]
)  # fmt: skip

# Tag and topic lines: "Tags: education, Kazakhstan".
_TAG_LINE = re.compile(
    r"^\W*(?:tags?|topics?|keywords|themes?|subjects?|categor(?:y|ies)|filed under|sdgs?|"
    r"mots-clés|mots clés|thèmes|sujets|étiquettes|etiquetas|temas|palabras clave|categorías|"
    r"tópicos|palavras-chave|categorias|теги|тэги|темы|тема|ключевые слова|рубрики?|"
    r"категории|الوسوم|الكلمات المفتاحية|المواضيع|الموضوعات|标签|关键词|主题|"
    r"тегтер|тақырыптар|тақырып|кілт сөздер|темалар|теглар|teglar|mavzular|mavzu|"
    r"kalit so[‘']zlar|калидвожаҳо|мавзӯъҳо|мавзӯъ|bellikler|temalar|açar sözler)"
    r"\s*[:：]\s*\S.{0,250}$",
    re.IGNORECASE,
)
_TAG_LABEL_ALONE = _line_pattern(
    ["tags", "topics", "keywords", "sdgs", "mots-clés", "etiquetas", "temas", "теги", "тэги",
     "темы", "الوسوم", "标签", "тегтер", "teglar", "bellikler"]
)  # fmt: skip

# Lone bylines: "By Jane Doe", "Автор: Айгуль Ахметова".
_BYLINE = re.compile(
    r"^\W*(?:(?:written |posted |story |text |words )?by|(?:écrit |publié |rédigé )?par|"
    r"(?:escrito |publicado |redactado )?por|de|автор(?:ы)?|текст|"
    r"بقلم|作者|记者|文|жазған|автору|жазган|muallif|матн|муаллиф|awtor|autor(?:a|es)?|"
    r"author(?:s)?|reporter)(?:\s*[:：]\s*|\s+)(?P<name>[^\d:：]{2,90})$",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"^[A-ZÀ-ÖØ-ÞА-ЯЁӘҒҚҢӨҰҮҺІЎҚҲ\u0600-\u06ff\u4e00-\u9fff]")

# Dates ("Last update: 12 March 2024", "Published: 12.03.2024", "March 2024"): how they are
# written, in every language, is pipelines/dateline.py's alone (its tables are
# pipelines/data/dates.toml); the line rules below only say what may stand beside a date.
_SEGMENTS = re.compile(r"\s*(?:\||•|·|—|–|,|\s-\s)\s*")
# Types a site prints next to the date: "Press release | 12 March 2024".
_KIND_LABEL = _line_pattern(
    ["press release", "news", "story", "stories", "blog", "article", "news release",
     "statement", "feature", "communiqué de presse", "actualités", "comunicado de prensa",
     "noticia", "noticias", "historia", "nota à imprensa", "notícia", "пресс-релиз", "новости",
     "история", "статья", "заявление", "بيان صحفي", "قصة", "أخبار", "مقال", "新闻稿", "新闻",
     "故事", "文章", "event", "événement", "evento", "событие", "оқиға", "окуя", "hikoya", "мақала",
     "баспасөз релизі", "жаңалықтар", "пресс-релиз", "жаңылыктар", "matbuot relizi",
     "yangiliklar", "хабарҳо", "habarlar", "reading time", "min read"]
)  # fmt: skip
_READING_TIME = re.compile(
    r"^\W*(?:\d+\s*(?:min(?:ute)?s?|мин(?:ут[аы]?)?|daqiqa|دقائق|分钟)\.?\s*(?:read|de lecture|"
    r"de lectura|чтения|оқу|окуу|o[‘']qish)?|(?:reading time|temps de lecture|tiempo de lectura|"
    r"время чтения)\s*[:：]?.{0,20})\W*$",
    re.IGNORECASE,
)
_MAX_DATE_WORDS = 12
_OPENS_PARAGRAPH = re.compile(r"\s[–—-]\s*$")

# View counters and copyright notices.
_COUNTER = re.compile(
    r"^\W*(?:views?|просмотр\w*|прочитано|оқылды|қаралды|көрүүлөр|ko[‘ʻ']rishlar(?: soni)?|"
    r"шумораи дидан|дидашуда|görülen|visitas|vues|lecturas|visualizações|مشاهدات|阅读|浏览)"
    r"\s*[:：]?\s*[\d\s\u00a0.,]+$",
    re.IGNORECASE,
)
_COPY_NOTICE = re.compile(
    r"all rights reserved|tous droits réservés|todos los derechos reservados|"
    r"todos os direitos reservados|все права защищены|при (?:полном или частичном )?"
    r"(?:копировании|использовании)|гиперссылка|гиперсілтеме|барлық құқықтар қорғалған|"
    r"бардык укуктар корголгон|barcha huquqlar himoyalangan|جميع الحقوق محفوظة|版权所有",
    re.IGNORECASE,
)
# "Back to the list", "← All news".
_BACK_LINK = re.compile(
    r"^\W*(?:(?:back|return) to (?:the )?(?:list|news|top|home|all|overview)|"
    r"retour (?:à la liste|aux actualités)|volver a (?:la lista|noticias)|voltar para a lista|"
    r"(?:возврат|вернуться|назад) к (?:списку|новостям)|бозгашт ба рӯйхат|"
    r"ro[‘ʻ']yxatga qaytish|тизмеге кайтуу|тізімге қайту)\w*\W?.{0,40}$"
    r"|^\W*(?:all news|toutes les actualités|todas las noticias|все новости|барлық жаңалықтар|"
    r"бардык жаңылыктар|barcha yangiliklar|ҳамаи хабарҳо|ähli habarlar)\W*$",
    re.IGNORECASE,
)
# Single lines of page chrome.
_CHROME = _line_pattern(
    ["skip to main content", "skip to content", "back to top", "top of page", "advertisement",
     "реклама", "наверх", "listen", "listen to this article", "download", "play video",
     "loading", "menu", "search", "close", "en savoir plus", "подробнее", "more", "view more",
     "see more", "show more", "load more", "audio", "video", "photo gallery", "gallery"]
)  # fmt: skip


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


def is_photo_credit(line: str) -> bool:
    if len(line) > _MAX_CAPTION:
        return False
    stripped = line.strip()
    return stripped.startswith(("©", "(c) ", "Copyright ")) or bool(
        _CREDIT_LABEL.match(stripped) or _CREDIT_END.search(stripped)
    )


def is_share_bar(line: str) -> bool:
    return _SHARE_BAR.fullmatch(line) is not None


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
