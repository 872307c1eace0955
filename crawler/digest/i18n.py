"""The site's interface languages: their strings (gettext), data (TOML) and CLDR names and
dates (Babel).

The interface strings are gettext messages (see `messages`: English msgids, a ``.po`` per
language, plural forms). Each interface language also has ``site_templates/i18n/<code>.toml``
with four tables of data: ``[meta]`` (its own name, writing direction, Babel locale),
``[topics]`` (a label for each topic slug), ``[sources]`` (the publishers' names as they
write them in that language) and ``[regions]`` (the taxonomy's regions CLDR does not name,
such as "europe-central-asia"). Every TOML file must have exactly the keys of the English one.

Names of languages, countries and regions and the date formats come from Babel (CLDR) rather
than hand-written tables: CLDR names every ISO 3166 country and BCP-47 language (with its
script, as in "ouzbek (latin)") in all seven interface languages, with the grammar a fixed
pattern gets wrong (Russian month genitive: "11 марта 2025 г."). Topic labels are this
project's own vocabulary, so they are translated in the catalogues.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, get_month_names
from markupsafe import Markup, escape

from pipelines.tables import TableError, read_table

from .errors import CatalogueError
from .messages import load_translations, plural_samples

UI_LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "ru", "ar", "zh", "ko")
DEFAULT_UI = "en"
CATALOGUE_FOLDER = "i18n"
TABLES = ("meta", "topics", "sources", "regions")
META_KEYS = frozenset({"name", "dir", "locale"})


def office_territory(name: str) -> str | None:
    """The territory code of a country named as in a source's slug ("kazakhstan" → "KZ")."""
    return _office_territories().get(name)


@cache
def _office_territories() -> dict[str, str]:
    english = Locale("en").territories
    return {
        re.sub(r"[^a-z]+", "-", name.lower()).strip("-"): code
        for code, name in english.items()
        if code.isalpha()
    }


# Region slugs used by the taxonomy, mapped to their UN M49 codes so CLDR can name them.
REGION_CODES: Mapping[str, str] = {
    "central-asia": "143",
    "eastern-europe": "151",
    "western-asia": "145",
    "southern-asia": "034",
    "eastern-asia": "030",
    "south-eastern-asia": "035",
    "europe": "150",
    "asia": "142",
    "africa": "002",
    "sub-saharan-africa": "202",
    "latin-america": "419",
    "world": "001",
}
_PLACEHOLDER = re.compile(r"\{(\w*)\}")


def ui_tree(tag: str) -> str:
    """The interface tree a story's page lives in: its own language's when the site has
    that interface ("ru", "zh-Hant"), else the default ("kk", "uz-Latn", unknown)."""
    primary = tag.split("-", 1)[0].lower()
    return primary if primary in UI_LANGUAGES else DEFAULT_UI


@dataclass
class Catalogue:
    """One interface language: its strings, its labels, and cached CLDR lookups in its locale.

    The gettext methods fill a message's %(placeholders)s from keyword arguments, as Jinja's
    newstyle gettext does in templates (`template_functions`)."""

    code: str
    name: str
    dir: str
    locale: Locale
    messages: gettext.NullTranslations
    topics: Mapping[str, str]
    sources: Mapping[str, str]
    regions: Mapping[str, str] = field(default_factory=dict)
    _languages: dict[str, str] = field(default_factory=dict, repr=False)
    _dates: dict[tuple[int, int, int], str] = field(default_factory=dict, repr=False)
    _months: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def rtl(self) -> bool:
        return self.dir == "rtl"

    def gettext(self, message: str, **values: Any) -> str:
        return self.messages.gettext(message) % values

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        return self.messages.ngettext(singular, plural, n) % values

    def pgettext(self, context: str, message: str, **values: Any) -> str:
        return self.messages.pgettext(context, message) % values

    @cached_property
    def template_functions(self) -> dict[str, Callable[..., Markup]]:
        """The functions Jinja's i18n extension calls (`{% trans %}`, `_()`, `gettext`,
        `ngettext`, `pgettext`), for a page's context: a page is rendered without Jinja
        globals, and in one language of seven. A translation is text, escaped like any text;
        its placeholders' values are escaped too."""
        messages = self.messages

        def gettext(message: str, **values: Any) -> Markup:
            return escape(messages.gettext(message)) % values

        def ngettext(singular: str, plural: str, n: int, **values: Any) -> Markup:
            return escape(messages.ngettext(singular, plural, n)) % {"num": n, **values}

        def pgettext(context: str, message: str, **values: Any) -> Markup:
            return escape(messages.pgettext(context, message)) % values

        return {"gettext": gettext, "_": gettext, "ngettext": ngettext, "pgettext": pgettext}

    @cached_property
    def plural_samples(self) -> tuple[tuple[str, int], ...]:
        """Each CLDR plural category of this language with a count in it, for the search
        page's script (which picks a category with the browser's Intl.PluralRules)."""
        return plural_samples(self.locale)

    def language(self, tag: str, *, inline: bool = False) -> str:
        """The name of a language (BCP-47 tag) in this interface language.

        Standalone labels start with a capital; `inline` keeps CLDR's case for use inside a
        sentence ("Articles en russe").
        """
        if not tag:
            return self.gettext("Language unknown")
        name = self._languages.get(tag)
        if name is None:
            name = self._languages[tag] = self._language_name(tag)
        return name if inline else _capitalise(name)

    def topic(self, slug: str) -> str:
        return self.topics.get(slug) or _humanise(slug)

    def source(self, slug: str) -> str:
        """A source's name: the catalogue's, else for a country office ("unicef-kazakhstan")
        its agency's and its country's ("UNICEF Kazakhstan"), else the slug."""
        named = self.sources.get(slug)
        if named:
            return named
        agency, _, country = slug.partition("-")
        territory = office_territory(country)
        if agency in self.sources and territory and territory in self.locale.territories:
            # Translators: a country office of an agency, e.g. "UNICEF Kazakhstan".
            return self.pgettext(
                "country office", "%(agency)s %(country)s",
                agency=self.sources[agency], country=self.locale.territories[territory],
            )  # fmt: skip
        return slug or self.gettext("Unknown source")

    def country(self, code: str) -> str:
        """A country (ISO 3166 alpha-2) or region slug, named in this interface language."""
        return self.country_name(code) or _humanise(code)

    def country_name(self, code: str) -> str | None:
        """The name CLDR (or, for a region it lacks, ``[regions]``) gives, else None."""
        territory = REGION_CODES.get(code.lower(), code.upper())
        return self.regions.get(code.lower()) or self.locale.territories.get(territory)

    def date(self, moment: datetime) -> str:
        """The day, in the publisher's own offset, written the way this language writes dates."""
        key = (moment.year, moment.month, moment.day)
        label = self._dates.get(key)
        if label is None:
            label = self._dates[key] = format_date(moment.date(), "long", locale=self.locale)
        return label

    def month(self, year_month: str, *, inline: bool = False) -> str:
        """ "2025-03" → "March 2025" / "mars 2025" (inline) / "2025年3月"."""
        label = self._months.get(year_month)
        if label is None:
            year, month = (int(part) for part in year_month.split("-"))
            moment = datetime(year, month, 1)  # noqa: DTZ001 - a calendar month, no moment
            label = format_skeleton("yMMMM", moment, locale=self.locale)
            self._months[year_month] = label
        return label if inline else _capitalise(label)

    def month_abbreviation(self, year_month: str, *, with_year: bool = False) -> str:
        """ "2025-03" → "Mar" / "Mar 2025" (`with_year`) / "3月" / "2025年3月": short, for a
        chart's axis, in CLDR's stand-alone form."""
        year, month = (int(part) for part in year_month.split("-"))
        if with_year:
            moment = datetime(year, month, 1)  # noqa: DTZ001 - a calendar month, no moment
            return _capitalise(format_skeleton("yMMM", moment, locale=self.locale))
        names = get_month_names("abbreviated", context="stand-alone", locale=self.locale)
        return _capitalise(names[month])

    def _language_name(self, tag: str) -> str:
        try:
            return Locale.parse(tag.replace("-", "_")).get_display_name(self.locale) or tag
        except (ValueError, UnknownLocaleError):
            return self.locale.languages.get(tag.split("-")[0].lower(), tag)


def load_catalogues(templates_folder: Path) -> dict[str, Catalogue]:
    """Every interface language's catalogue: its data checked against the English one, its
    messages compiled (and checked against the .pot)."""
    folder = templates_folder / CATALOGUE_FOLDER
    raw = {code: _read(folder / f"{code}.toml") for code in UI_LANGUAGES}
    reference = raw[DEFAULT_UI]
    for code, tables in raw.items():
        check_catalogue(code, tables, reference)
    locales = {code: _locale(code, tables["meta"]) for code, tables in raw.items()}
    translations = load_translations(templates_folder, locales)
    return {
        code: Catalogue(
            code=code,
            name=tables["meta"]["name"],
            dir=tables["meta"]["dir"],
            locale=locales[code],
            messages=translations[code],
            topics=dict(tables["topics"]),
            sources=dict(tables["sources"]),
            regions=dict(tables["regions"]),
        )
        for code, tables in raw.items()
    }


def check_catalogue(
    code: str, tables: Mapping[str, Mapping[str, Any]], reference: Mapping[str, Mapping[str, Any]]
) -> None:
    """Refuse a catalogue whose tables, keys or placeholders differ from the reference."""
    for table in TABLES:
        mine, theirs = tables.get(table), reference.get(table)
        if not isinstance(mine, Mapping) or not isinstance(theirs, Mapping):
            raise CatalogueError(f"{code}.toml: missing table [{table}]")
        missing = sorted(set(theirs) - set(mine))
        extra = sorted(set(mine) - set(theirs))
        if missing or extra:
            raise CatalogueError(f"{code}.toml [{table}]: missing {missing}, unexpected {extra}")
        for key, value in mine.items():
            if not isinstance(value, str) or not value.strip():
                raise CatalogueError(f"{code}.toml [{table}] {key}: not a non-empty string")
            if _placeholders(value) != _placeholders(theirs[key]):
                raise CatalogueError(f"{code}.toml [{table}] {key}: placeholders differ from en")
    if not META_KEYS <= set(tables["meta"]):
        raise CatalogueError(f"{code}.toml [meta] needs {sorted(META_KEYS)}")


def _read(path: Path) -> dict[str, Any]:
    try:
        return read_table(path)
    except TableError as exc:
        raise CatalogueError(str(exc)) from exc


def _locale(code: str, meta: Mapping[str, str]) -> Locale:
    if meta["dir"] not in ("ltr", "rtl"):
        raise CatalogueError(f"{code}.toml [meta] dir must be ltr or rtl")
    try:
        return Locale.parse(meta["locale"])
    except (ValueError, UnknownLocaleError) as exc:
        raise CatalogueError(f"{code}.toml [meta] locale: {exc}") from exc


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _humanise(slug: str) -> str:
    return _capitalise(slug.replace("-", " ").replace("_", " ").strip())
