"""The Jinja environment and the page renderers: view models in, HTML text out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .context import ItemView
from .errors import TemplatesNotFoundError

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "site_templates"
STATIC_FOLDER = "static"
INDEX_TEMPLATE = "index.html"
ITEM_TEMPLATE = "item.html"


@dataclass(frozen=True)
class Theme:
    """The templates folder and the one Environment loaded from it."""

    folder: Path
    env: Environment


@dataclass(frozen=True)
class StaticAsset:
    path: str
    data: bytes


def load_theme(templates_dir: Path | None = None) -> Theme:
    folder = (templates_dir or TEMPLATES_DIR).resolve()
    if not folder.is_dir():
        raise TemplatesNotFoundError(f"templates folder not found: {folder}")
    return Theme(folder=folder, env=create_environment(folder))


def create_environment(folder: Path) -> Environment:
    return Environment(
        loader=FileSystemLoader(folder),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_index(theme: Theme, items: Sequence[ItemView], *, site_title: str) -> str:
    template = theme.env.get_template(INDEX_TEMPLATE)
    return template.render(site_title=site_title, root="", items=items)


def render_item(theme: Theme, item: ItemView, *, site_title: str) -> str:
    template = theme.env.get_template(ITEM_TEMPLATE)
    return template.render(site_title=site_title, root=_root_of(item.path), item=item)


def static_assets(theme: Theme) -> tuple[StaticAsset, ...]:
    """Every file under the theme's static/ folder, with its site path, in a stable order."""
    folder = theme.folder / STATIC_FOLDER
    if not folder.is_dir():
        return ()
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    return tuple(
        StaticAsset(path=path.relative_to(theme.folder).as_posix(), data=path.read_bytes())
        for path in files
        if not path.name.startswith(".")
    )


def _root_of(page_path: str) -> str:
    """The relative prefix from a page back to the site root: "" or "../" per folder level."""
    return "../" * page_path.count("/")
