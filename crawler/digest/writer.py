"""The only code that touches the output folder.

Pages are claimed before they are written, so two pages mapping to one file are refused
(compared case-insensitively, as a FAT-formatted USB stick or macOS would). Every file is
written atomically (temp file in the same folder + `os.replace`) and only when its bytes
changed, so a rebuild with nothing new writes nothing.
"""

from __future__ import annotations

import logging
import os
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from .errors import OutputCollisionError, UnsafeOutputPathError

logger = logging.getLogger(__name__)

FILE_MODE = 0o644


class SiteWriter:
    """Writes files below `out_dir`, given paths relative to it with POSIX separators."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.written = 0
        self.unchanged = 0
        self.removed = 0
        self._claimed: dict[str, str] = {}
        self._done: set[str] = set()

    def claim(self, paths: Iterable[str]) -> None:
        """Reserve output paths up front, so a collision is refused before any file is written."""
        for path in paths:
            self._claim(path)

    def write(self, path: str, data: bytes) -> bool:
        """Write `data` to `path` unless the file already holds these bytes; True if written."""
        key = _key(path)
        if key in self._done:
            raise OutputCollisionError(f"{path!r} would overwrite {self._claimed[key]!r}")
        if key not in self._claimed:
            self._claim(path)
        self._done.add(key)
        target = self.out_dir.joinpath(*PurePosixPath(path).parts)
        if _holds_bytes(target, data):
            self.unchanged += 1
            return False
        _replace_atomically(target, data)
        self.written += 1
        logger.debug("wrote %s", target)
        return True

    def prune(self, folder: str, suffix: str) -> int:
        """Remove files directly in `folder` ending in `suffix` that this build did not write."""
        directory = self.out_dir.joinpath(*PurePosixPath(_checked(folder)).parts)
        if not directory.is_dir():
            return 0
        removed = 0
        for path in sorted(directory.iterdir()):
            stale = path.name.endswith(suffix) and _key(f"{folder}/{path.name}") not in self._done
            if stale and path.is_file():
                path.unlink()
                removed += 1
                logger.info("removed stale page %s", path)
        self.removed += removed
        return removed

    def _claim(self, path: str) -> None:
        key = _key(path)
        if key in self._claimed:
            raise OutputCollisionError(
                f"two pages map to one file: {self._claimed[key]!r} and {path!r}"
            )
        self._claimed[key] = path


def _checked(path: str) -> str:
    parts = PurePosixPath(path).parts
    unsafe = (
        not parts
        or path.startswith("/")
        or "\\" in path
        or any(part in ("", ".", "..") for part in parts)
    )
    if unsafe:
        raise UnsafeOutputPathError(f"refusing to write outside the output folder: {path!r}")
    return path


def _key(path: str) -> str:
    return unicodedata.normalize("NFC", _checked(path)).casefold()


def _holds_bytes(target: Path, data: bytes) -> bool:
    try:
        if target.stat().st_size != len(data):
            return False
        return target.read_bytes() == data
    except FileNotFoundError:
        return False


def _replace_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        temporary.chmod(FILE_MODE)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
