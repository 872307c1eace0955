"""The only code that touches the output folder.

Two pages mapping to one file are refused (compared case-insensitively, as a FAT-formatted
USB stick or macOS would). Every file is
written atomically (temp file in the same folder + `os.replace`) and only when its bytes
changed, so a rebuild with nothing new writes nothing. (A file that is not there yet is
created in place.)

A manifest remembers, for each file of the last build, the fingerprint of what it was made
from and the digest of its bytes. With it a rebuild skips rendering a page whose inputs did
not change (`is_current`), and tells a page whose bytes did not change without reading the
old file (`write`). Each part of the build (one interface language, the machine-readable
files, the search index) keeps its own manifest, so parts can be built in parallel.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import OutputCollisionError, UnsafeOutputPathError

logger = logging.getLogger(__name__)

FILE_MODE = 0o644
MANIFEST_FOLDER = ".digest"
MANIFEST_VERSION = 2
STATE_FILE = "state.json"
# Paths every page of ours has: ASCII segments not starting with a dot (checked fast).
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*")


@dataclass
class Manifest:
    """What one part of the last build wrote: path → (input fingerprint, output digest)."""

    build: str = ""
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Manifest | None:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            logger.warning("ignoring unreadable build manifest %s: %s", path, exc)
            return None
        if not isinstance(raw, dict) or raw.get("version") != MANIFEST_VERSION:
            return None
        pages = {key: tuple(value.split(" ", 1)) for key, value in raw["pages"].items()}
        return cls(build=str(raw.get("build", "")), pages=pages)

    def dumps(self) -> bytes:
        pages = {key: f"{source} {digest}" for key, (source, digest) in sorted(self.pages.items())}
        document = {"version": MANIFEST_VERSION, "build": self.build, "pages": pages}
        # A line per page, by json's C encoder (an indent would take the pure-Python one).
        return json.dumps(document, ensure_ascii=False, separators=(",\n", ":")).encode("utf-8")


def load_state(out_dir: Path) -> dict[str, object]:
    """What the last complete build recorded about itself (empty when unknown)."""
    try:
        state = json.loads((out_dir / MANIFEST_FOLDER / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def save_state(out_dir: Path, state: dict[str, object]) -> None:
    data = json.dumps(state, sort_keys=True, indent=1).encode("utf-8")
    replace_atomically(out_dir / MANIFEST_FOLDER / STATE_FILE, data)


def forget_state(out_dir: Path) -> None:
    """Drop the record before a build changes anything, so a failed build is never trusted."""
    with contextlib.suppress(FileNotFoundError):
        (out_dir / MANIFEST_FOLDER / STATE_FILE).unlink()


def drop_manifests(out_dir: Path, keep: set[str]) -> None:
    """Remove the manifests of parts a build no longer has (e.g. of another shard count)."""
    for path in (out_dir / MANIFEST_FOLDER).glob("*.json"):
        if path.name != STATE_FILE and path.stem not in keep:
            path.unlink(missing_ok=True)


class SiteWriter:
    """Writes files below `out_dir`, given paths relative to it with POSIX separators.

    `part` names the manifest this writer reads and, on `finish`, replaces; `build` is the
    fingerprint of everything that is not a page's own data (templates, catalogues, code,
    settings): when it differs from the manifest's, no page counts as current.
    """

    def __init__(self, out_dir: Path, *, part: str | None = None, build: str = "") -> None:
        self.out_dir = out_dir
        self.part = part
        self.written = 0
        self.unchanged = 0
        self.removed = 0
        self.pages_touched = False  # an .html file written or removed (search must re-index)
        self._done: dict[str, str] = {}  # the file system's key of each path → the path
        previous = Manifest.load(self.manifest_path) if part else None
        self.previous = previous
        self._trusted = previous is not None and previous.build == build
        self.manifest = Manifest(build=build)

    @property
    def manifest_path(self) -> Path:
        return self.out_dir / MANIFEST_FOLDER / f"{self.part}.json"

    def would_keep(self, path: str, source: str) -> bool:
        """True when the last build made `path` from `source` (nothing is marked)."""
        if not (self._trusted and source and self.previous):
            return False
        previous = self.previous.pages.get(path)
        return previous is not None and previous[0] == source

    def is_current(self, path: str, source: str) -> bool:
        """True, and the file counts as kept, when the last build made `path` from `source`."""
        if not self.would_keep(path, source):
            return False
        assert self.previous is not None
        previous = self.previous.pages[path]
        self._mark_done(path)
        self.manifest.pages[path] = previous
        self.unchanged += 1
        return True

    def write(self, path: str, data: bytes, source: str = "") -> bool:
        """Write `data` to `path` unless the file already holds these bytes; True if written."""
        self._mark_done(path)
        digest = hashlib.sha256(data).hexdigest()[:24]  # SHA-NI: twice blake2b's speed here
        self.manifest.pages[path] = (source, digest)
        previous = self.previous.pages.get(path) if self.previous else None
        target = self._target(path)
        if previous is not None and previous[1] == digest and os.path.exists(target):
            self.unchanged += 1
            return False
        if previous is None:
            # Not ours before: usually a new file, created in place (half as many file system
            # operations as a rename; a build that dies mid-write leaves a file no manifest
            # vouches for, so the next build compares its bytes and rewrites it).
            if _create(target, data):
                self._wrote(path)
                return True
            if _holds_bytes(target, data):
                self.unchanged += 1
                return False
        replace_atomically(target, data)
        self._wrote(path)
        return True

    def _wrote(self, path: str) -> None:
        self.written += 1
        self.pages_touched = self.pages_touched or path.endswith(".html")
        logger.debug("wrote %s", path)

    def prune_stale(self) -> int:
        """Remove files the last build wrote (per the manifest) that this build did not."""
        if self.previous is None:
            return 0
        stale = [path for path in self.previous.pages if _key(path) not in self._done]
        for path in sorted(stale):
            self._remove(self._target(path))
        return len(stale)

    def prune(
        self,
        folder: str,
        suffixes: tuple[str, ...],
        *,
        recursive: bool = False,
        only: Callable[[str], bool] | None = None,
    ) -> int:
        """Remove files in `folder` ending in one of `suffixes` that this build did not write
        (and, with `only`, for whose path relative to the output folder `only` is true)."""
        removed = 0
        for relative in _files_below(self.out_dir, _checked(folder), recursive):
            mine = only is None or only(relative)
            if mine and relative.endswith(suffixes) and _key(relative) not in self._done:
                self._remove(self._target(relative))
                removed += 1
        return removed

    def finish(self) -> None:
        """Record this build's manifest (last, so an interrupted build trusts nothing new)."""
        if self.part is None:
            return
        replace_atomically(self.manifest_path, self.manifest.dumps())

    def _remove(self, target: str) -> None:
        path = Path(target)
        try:
            path.unlink()
        except FileNotFoundError:
            return
        self.removed += 1
        self.pages_touched = self.pages_touched or target.endswith(".html")
        logger.info("removed stale file %s", path)
        parent = path.parent
        while parent != self.out_dir and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent

    def _mark_done(self, path: str) -> None:
        """Refuse a second file at one path (as a case-insensitive file system sees paths)."""
        key = _key(path)
        if key in self._done:
            raise OutputCollisionError(
                f"two pages map to one file: {self._done[key]!r} and {path!r}"
            )
        self._done[key] = path

    def _target(self, path: str) -> str:
        """The file for a checked relative path (a string: pathlib costs more than a write)."""
        return os.path.join(self.out_dir, *_checked(path).split("/"))


def _files_below(out_dir: Path, folder: str, recursive: bool) -> Iterator[str]:
    """Paths (relative to `out_dir`) of the files in `folder`, not following links."""
    try:
        entries = list(os.scandir(os.path.join(out_dir, folder)))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        relative = f"{folder}/{entry.name}"
        if entry.is_file(follow_symlinks=False):
            yield relative
        elif recursive and entry.is_dir(follow_symlinks=False):
            yield from _files_below(out_dir, relative, recursive)


def _checked(path: str) -> str:
    if _PLAIN_PATH.fullmatch(path):
        return path
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
    """The path as a case-insensitive file system would see it (the path itself if the same,
    so a million claimed paths are not held twice)."""
    key = unicodedata.normalize("NFC", _checked(path)).casefold()
    return path if key == path else key


def _holds_bytes(target: str, data: bytes) -> bool:
    try:
        if os.stat(target).st_size != len(data):
            return False
        with open(target, "rb") as stream:
            return stream.read() == data
    except FileNotFoundError:
        return False


def _create(target: str, data: bytes) -> bool:
    """Write `data` to a new file `target`; False, touching nothing, when it exists."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(target, flags, FILE_MODE)
    except FileExistsError:
        return False
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            handle = os.open(target, flags, FILE_MODE)
        except FileExistsError:
            return False
    try:
        try:
            os.fchmod(handle, FILE_MODE)
            _write_all(handle, data)
        finally:
            os.close(handle)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(target)
        raise
    return True


def _write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view) :]


def replace_atomically(target: str | Path, data: bytes) -> None:
    """Write `data` beside `target` under a temporary name, then rename it into place.

    The temporary name is fixed per process (O_EXCL still refuses a clash): cheaper than
    `tempfile.mkstemp`'s random names, which matters at a million files.
    """
    folder = os.path.dirname(target)
    temporary = os.path.join(folder, f".{os.path.basename(target)}.{os.getpid()}.tmp")
    if not _create(temporary, data):
        raise FileExistsError(f"temporary file left by this process: {temporary}")
    try:
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
