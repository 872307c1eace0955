"""The tables written in many languages beside the code (``pipelines/data/*.toml``), read
with an error that names the file and the cause."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any


class TableError(ValueError):
    """A data file of the pipelines that cannot be read; the message names it."""


def read_table(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TableError(f"{path}: cannot read: {exc}") from exc
