"""The interface strings: gettext catalogues, compiled from their ``.po`` files when the theme
loads (no ``.mo`` file is kept anywhere).

The templates and this package mark their strings in English (``{% trans %}``, ``_()``,
``gettext``/``ngettext``/``pgettext``, ``N_`` for a string translated later); ``make
messages`` extracts them with Babel into ``site_templates/locale/messages.pot`` and merges
that into each language's ``locale/<code>/LC_MESSAGES/messages.po``, which translators edit
(Poedit, Weblate). English is the source language: its strings are the msgids, so it has no
``.po`` of its own.

A catalogue is refused, naming its file and the message, unless it translates every message
of the ``.pot`` (no fuzzy entry, every plural form), with the msgid's placeholders only, and
a Plural-Forms rule that picks the same form for whole numbers as CLDR's categories do (the
search page's script picks its form by CLDR category in the browser: `plural_samples`).
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.core import UnknownLocaleError
from babel.messages.catalog import Catalog, Message, TranslationError
from babel.messages.checkers import num_plurals, python_format
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po

from .errors import CatalogueError

LOCALE_FOLDER = "locale"
DOMAIN = "messages"
TEMPLATE = f"{LOCALE_FOLDER}/{DOMAIN}.pot"
SOURCE_LANGUAGE = "en"
# CLDR's plural categories, in its order (and gettext's, for the forms Babel writes).
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
# The whole numbers searched for a sample of each category: every count up to 999 and a
# million (French and Spanish "many": "1 000 000 d’articles").
_SAMPLES = (*range(1000), 1_000_000)
_RULE_CHECKED = range(1000)


def N_(message: str) -> str:
    """Mark a string for extraction where it is looked up later (gettext_noop)."""
    return message


def catalogue_path(code: str) -> str:
    """Where a language's catalogue is, relative to the templates folder."""
    return f"{LOCALE_FOLDER}/{code}/LC_MESSAGES/{DOMAIN}.po"


def load_translations(
    folder: Path, locales: Mapping[str, Locale]
) -> dict[str, gettext.NullTranslations]:
    """Each language's compiled catalogue (English: its own msgids), checked against the .pot."""
    template = read_catalogue(folder, TEMPLATE, None)
    return {
        code: gettext.NullTranslations()
        if code == SOURCE_LANGUAGE
        else compile_catalogue(folder, catalogue_path(code), template, locale)
        for code, locale in locales.items()
    }


def read_catalogue(folder: Path, name: str, locale: Locale | None) -> Catalog:
    try:
        with (folder / name).open("rb") as handle:
            return read_po(handle, locale=locale, abort_invalid=True)
    except (OSError, PoFileError, UnknownLocaleError, ValueError) as exc:
        raise CatalogueError(f"{name}: cannot read catalogue: {exc}") from exc


def compile_catalogue(
    folder: Path, name: str, template: Catalog, locale: Locale
) -> gettext.GNUTranslations:
    """One .po checked against the .pot and compiled in memory."""
    catalog = read_catalogue(folder, name, locale)
    check_catalogue(name, catalog, template, locale)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def check_catalogue(name: str, catalog: Catalog, template: Catalog, locale: Locale) -> None:
    """Refuse a catalogue that leaves a message of the .pot untranslated or translates it
    wrongly (placeholders, number of plural forms), or whose plural rule is not CLDR's."""
    for wanted in template:
        if not wanted.id:
            continue  # the header
        label = describe(wanted)
        message = catalog.get(wanted.id, wanted.context)
        if message is None or message.id != wanted.id:
            raise CatalogueError(f"{name}: {label} is missing (run `make messages`)")
        if message.fuzzy:
            raise CatalogueError(f"{name}: {label} is fuzzy (review it, then unmark it)")
        forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        empty = [f"msgstr[{i}]" for i, form in enumerate(forms) if not (form and form.strip())]
        if empty:
            which = f" ({', '.join(empty)} empty)" if message.pluralizable else ""
            raise CatalogueError(f"{name}: {label} is not translated{which}")
        if "python-format" in wanted.flags:
            message.flags.add("python-format")  # checked whatever the translator's tool kept
        for checker in (num_plurals, python_format):  # Babel's own checks
            try:
                checker(catalog, message)
            except TranslationError as exc:
                raise CatalogueError(f"{name}: {label}: {exc}") from exc
    check_plural_rule(name, catalog, locale)


def check_plural_rule(name: str, catalog: Catalog, locale: Locale) -> None:
    """The catalogue's Plural-Forms must give every whole number the form CLDR's category
    gives it (the form of its category's sample)."""
    rule = gettext.c2py(catalog.plural_expr)
    samples = dict(plural_samples(locale))
    for n in _RULE_CHECKED:
        if rule(n) != rule(samples[locale.plural_form(n)]):
            raise CatalogueError(
                f"{name}: Plural-Forms {catalog.plural_forms!r} disagrees with CLDR's plural "
                f"rule for {locale} at {n} (write the header Babel writes for {locale})"
            )


def plural_samples(locale: Locale) -> tuple[tuple[str, int], ...]:
    """Each CLDR plural category whole numbers fall in, with its smallest whole number:
    ("one", 1), ("few", 2), ("many", 0) in Russian."""
    samples: dict[str, int] = {}
    for n in _SAMPLES:
        samples.setdefault(locale.plural_form(n), n)
    return tuple(sorted(samples.items(), key=lambda item: PLURAL_CATEGORIES.index(item[0])))


def describe(message: Message) -> str:
    """A message as a translator finds it: its msgid (and msgctxt)."""
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    context = f" (msgctxt {message.context!r})" if message.context else ""
    return f"msgid {msgid!r}{context}"
