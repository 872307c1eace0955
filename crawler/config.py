"""Load and validate the TOML configuration into frozen dataclasses.

Where the config comes from, first found wins: an explicit path (``--config``), the
``GCED_NEWS_CONFIG`` environment variable (read by the CLI, passed in here), ``./gced-news.toml``,
else the built-in defaults alone. The file found is read over the built-in defaults
(``crawler/defaults/gced-news.toml``): a key it sets replaces the default, a source it names
replaces that source whole. Any unknown or mistyped key is a :class:`ConfigError` naming the
key and the file.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cssselect import SelectorError
from lxml.cssselect import CSSSelector
from lxml.etree import XPathError

from pipelines.rules import SiteRules
from spiders.sources import DEFAULT_NEXT_PAGE, SourceConfig

DEFAULTS_PATH = Path(__file__).with_name("defaults") / "gced-news.toml"
LOCAL_CONFIG = Path("gced-news.toml")
SPIDERS = ("un_news", "unesco", "unicef", "undp", "generic")


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Paths:
    database: Path
    site: Path
    archive: Path
    state: Path
    thumbnails: Path  # the crawl's thumbnails of lead images, content-addressed


@dataclass(frozen=True)
class CrawlSettings:
    user_agent: str
    download_delay: float
    concurrent_requests_per_domain: int
    max_page_bytes: int
    download_timeout: float
    obey_robots_txt: bool
    log_level: str
    workers: int  # processes that extract and tag pages (0: one per core)
    process_timeout: float  # seconds processing one page may take (0: no limit)
    thumbnails: bool  # fetch each story's lead image and keep a small thumbnail of it


@dataclass(frozen=True)
class SiteSettings:
    title: str
    base_url: str
    show_candidates: bool
    candidate_threshold: float


@dataclass(frozen=True)
class ScheduleSettings:
    cron: str
    timezone: str


@dataclass(frozen=True)
class DeskSettings:
    """The editor's desk: a password asked before any page ("" and no file: none, for a
    desk only its editor can reach), given here or in a file (its first line)."""

    password: str
    password_file: str

    def read_password(self, origin: str) -> str | None:
        """The password, or None when none is set; ConfigError when the file cannot be read
        or is empty."""
        if self.password:
            return self.password
        if not self.password_file:
            return None
        path = Path(self.password_file)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(
                f"{origin}: desk.password_file {path}: cannot read it: {exc}"
            ) from exc
        if not lines or not lines[0].strip():
            raise ConfigError(f"{origin}: desk.password_file {path} is empty")
        return lines[0].strip()


@dataclass(frozen=True)
class Config:
    paths: Paths
    crawl: CrawlSettings
    site: SiteSettings
    schedule: ScheduleSettings
    sources: Mapping[str, SourceConfig]
    origin: str = "built-in defaults"
    desk: DeskSettings = DeskSettings(password="", password_file="")
    site_rules: Mapping[str, SiteRules] = field(default_factory=dict)  # by host

    def rules_for(self, url: str) -> SiteRules:
        """The site rules of ``url``'s host (a rule for unicef.org serves www.unicef.org)."""
        return host_rules(self.site_rules, urlsplit(url).hostname or "")

    def source(self, name: str) -> SourceConfig:
        try:
            return self.sources[name]
        except KeyError:
            known = ", ".join(sorted(self.sources))
            raise ConfigError(f"unknown source {name!r} (configured: {known})") from None

    def enabled_sources(self) -> list[SourceConfig]:
        return [s for s in self.sources.values() if s.enabled]


def host_rules(site_rules: Mapping[str, SiteRules], *hosts: str) -> SiteRules:
    """The rules of ``hosts`` and of the domains above them, each once, the most specific on
    top."""
    names = [host.lower().removeprefix("www.") for host in hosts]
    found = SiteRules()
    for key in sorted(site_rules, key=len):
        if any(name == key or name.endswith("." + key) for name in names):
            found = site_rules[key].over(found)
    return found


def find_config_path(explicit: str | Path | None, env_value: str | None) -> Path | None:
    """The config file to read, or None for the built-in defaults alone."""
    if explicit:
        return Path(explicit)
    if env_value:
        return Path(env_value)
    if LOCAL_CONFIG.is_file():
        return LOCAL_CONFIG
    return None


def load_config(path: str | Path | None = None) -> Config:
    """Read the defaults, then ``path`` over them, and validate the result."""
    defaults = _read_toml(DEFAULTS_PATH)
    if path is None:
        return _build(defaults, str(DEFAULTS_PATH), "built-in defaults")
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    user = _read_toml(path)
    return _build(_merge(defaults, user), str(path), str(path))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (TOML must be): {exc.reason}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config: {exc.strerror}") from exc


def _merge(defaults: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    merged = {
        key: dict(value) if isinstance(value, dict) else value for key, value in defaults.items()
    }
    for key, value in user.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _build(raw: dict[str, Any], file: str, origin: str) -> Config:
    _check_keys(
        raw, {"paths", "crawl", "site", "schedule", "desk", "sources", "site_rules"}, file, ""
    )
    site_rules = {
        host.lower().removeprefix("www."): _rules(table, file, f"site_rules.{host}")
        for host, table in _tables(raw, "site_rules", file).items()
    }
    sources_raw = _table(raw, "sources", file, "")
    sources = {
        name: _with_site_rules(_source(name, table, file), site_rules)
        for name, table in sources_raw.items()
    }
    return Config(
        site_rules=site_rules,
        paths=_section(Paths, raw, "paths", file, convert=Path),
        crawl=_section(CrawlSettings, raw, "crawl", file),
        site=_section(SiteSettings, raw, "site", file),
        schedule=_section(ScheduleSettings, raw, "schedule", file),
        desk=_section(DeskSettings, raw, "desk", file),
        sources=sources,
        origin=origin,
    )


def _section(cls: type, raw: dict[str, Any], name: str, file: str, convert: Any = None) -> Any:
    table = _table(raw, name, file, "")
    names = {f.name for f in fields(cls)}
    _check_keys(table, names, file, name + ".")
    missing = names - table.keys()
    if missing:
        raise ConfigError(f"{file}: [{name}] lacks {', '.join(sorted(missing))}")
    values = {}
    for f in fields(cls):
        value = table[f.name]
        _check_type(value, f.type, file, f"{name}.{f.name}")
        values[f.name] = convert(value) if convert else value
    return cls(**values)


_SOURCE_KEYS = {
    "spider": "str",
    "languages": "list",
    "allowed_domains": "list",
    "feeds": "list",
    "sitemaps": "list",
    "listings": "list",
    "article_patterns": "list",
    "next_page": "str",
    "agency": "str",
    "country": "str",
    "enabled": "bool",
    "rules": "dict",
}


def _source(name: str, table: Any, file: str) -> SourceConfig:
    where = f"sources.{name}"
    if not isinstance(table, dict):
        raise ConfigError(f"{file}: {where} must be a table")
    _check_keys(table, set(_SOURCE_KEYS), file, where + ".")
    for key, kind in _SOURCE_KEYS.items():
        if key in table:
            _check_type(table[key], kind, file, f"{where}.{key}")
    for key in ("spider", "languages", "allowed_domains"):
        if key not in table:
            raise ConfigError(f"{file}: {where} lacks the key {key!r}")
    if table["spider"] not in SPIDERS:
        raise ConfigError(
            f"{file}: {where}.spider is {table['spider']!r}; expected one of {', '.join(SPIDERS)}"
        )
    if not (table.get("feeds") or table.get("sitemaps") or table.get("listings")):
        raise ConfigError(f"{file}: {where} needs at least one of feeds, sitemaps or listings")
    for pattern in table.get("article_patterns", ()):
        _check_regex(pattern, file, f"{where}.article_patterns")
    if "next_page" in table:
        _check_selector(table["next_page"], file, f"{where}.next_page")
    return SourceConfig(
        name=name,
        spider=table["spider"],
        languages=tuple(table["languages"]),
        allowed_domains=tuple(table["allowed_domains"]),
        feeds=tuple(table.get("feeds", ())),
        sitemaps=tuple(table.get("sitemaps", ())),
        listings=tuple(table.get("listings", ())),
        article_patterns=tuple(table.get("article_patterns", ())),
        next_page=table.get("next_page", DEFAULT_NEXT_PAGE),
        agency=table.get("agency", ""),
        country=table.get("country"),
        enabled=table.get("enabled", True),
        rules=_rules(table.get("rules", {}), file, where + ".rules"),
    )


_RULE_SELECTOR = ("title", "published", "body")
_RULE_SELECTORS = ("drop", "prune", "standfirst")


def _with_site_rules(source: SourceConfig, site_rules: Mapping[str, SiteRules]) -> SourceConfig:
    """The source with the rules of its hosts under its own."""
    return replace(source, rules=source.rules.over(host_rules(site_rules, *source.allowed_domains)))


def _rules(table: dict[str, Any], file: str, where: str) -> SiteRules:
    _check_keys(table, {*_RULE_SELECTOR, *_RULE_SELECTORS}, file, where + ".")
    for key in _RULE_SELECTOR:
        if key in table:
            _check_type(table[key], "str", file, f"{where}.{key}")
            _check_selector(table[key], file, f"{where}.{key}")
    for key in _RULE_SELECTORS:
        if key in table:
            _check_type(table[key], "list", file, f"{where}.{key}")
            for selector in table[key]:
                _check_selector(selector, file, f"{where}.{key}")
    return SiteRules(
        title=table.get("title"),
        published=table.get("published"),
        body=table.get("body"),
        **{key: tuple(table.get(key, ())) for key in _RULE_SELECTORS},
    )


def _check_regex(pattern: str, file: str, key: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ConfigError(f"{file}: {key}: invalid regular expression {pattern!r}: {exc}") from exc


def _check_selector(selector: str, file: str, key: str) -> None:
    """A CSS selector that lxml can use (site rules and pagers are applied with cssselect)."""
    try:
        CSSSelector(selector, translator="html")
    except (SelectorError, XPathError) as exc:
        raise ConfigError(f"{file}: {key}: invalid CSS selector {selector!r}: {exc}") from exc


def _table(raw: dict[str, Any], name: str, file: str, prefix: str) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{file}: {prefix}{name} must be a table")
    return value


def _tables(raw: dict[str, Any], name: str, file: str) -> dict[str, dict[str, Any]]:
    """A table of tables (``[site_rules."unicef.org"]``)."""
    outer = _table(raw, name, file, "")
    return {key: _table(outer, key, file, name + ".") for key in outer}


def _check_keys(table: Mapping[str, Any], allowed: set[str], file: str, prefix: str) -> None:
    for key in table:
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise ConfigError(f"{file}: unknown key {prefix}{key!r} (known: {known})")


_PY_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "Path": (str,),
    "bool": (bool,),
    "int": (int,),
    "float": (int, float),
    "list": (list,),
    "dict": (dict,),
}


def _check_type(value: Any, kind: Any, file: str, key: str) -> None:
    kind = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
    expected = _PY_TYPES.get(kind)
    if expected is None:
        return
    if isinstance(value, bool) and bool not in expected:
        expected = ()
    if not isinstance(value, expected):
        raise ConfigError(f"{file}: {key} must be {kind}, not {type(value).__name__} ({value!r})")
    if isinstance(value, list) and not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{file}: {key} must be a list of strings")
