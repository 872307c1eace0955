"""Full-text search with Pagefind, run as the binary shipped in the `pagefind-bin-extended`
wheel (no download at run time).

Every story's page is indexed (each story has one, in its own language's tree), and only
its `data-pagefind-body` article.
Filters are codes (language "ru", topic "child-protection", ...), labelled by the search page.

All stories go into one index, built as if Chinese (`--force-language zh`): Pagefind keeps a
separate index per page language, a search only reads one, and merged indexes share the
first one's stemmer, so a Russian word stemmed at indexing would not match the unstemmed
query. One index over every language makes a query search them all. The extended binary
segments Chinese (and Japanese) text into words wherever it appears, and text in other
scripts is split at word boundaries as usual; nothing is stemmed, but Pagefind matches word
prefixes, so "образован" finds "образование".

Pagefind writes to a temporary folder; the writer copies only changed files into
`pagefind/` and removes the bundle's stale files.
"""

from __future__ import annotations

import logging
import subprocess
import tempfile
import time
from pathlib import Path

from .errors import SearchIndexError
from .writer import SiteWriter

logger = logging.getLogger(__name__)

BUNDLE_FOLDER = "pagefind"
INDEX_LANGUAGE = "zh"
TIMEOUT_SECONDS = 3600


def pagefind_executable() -> Path:
    """The Pagefind binary from the installed wheel, extended (CJK) build preferred."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:
        try:
            from pagefind_bin import get_executable
        except ImportError as exc:
            raise SearchIndexError(
                "Pagefind is not installed: pip install pagefind pagefind-bin-extended"
            ) from exc
        logger.warning("pagefind-bin-extended missing: Chinese text will not be segmented")
    return Path(get_executable())


def index_site(out_dir: Path, glob: str, writer: SiteWriter) -> float:
    """Index the pages matching `glob` and sync the bundle into `pagefind/`; seconds taken."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gced-pagefind-") as temporary:
        bundle = Path(temporary) / BUNDLE_FOLDER
        command = [
            str(pagefind_executable()),
            "--site", str(out_dir),
            "--glob", glob,
            "--force-language", INDEX_LANGUAGE,
            "--output-path", str(bundle),
            "--quiet",
        ]  # fmt: skip
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SearchIndexError(f"Pagefind could not index {out_dir}: {exc}") from exc
        if done.returncode != 0 or not (bundle / "pagefind.js").is_file():
            logger.debug("pagefind said: %s", done.stderr or done.stdout)
            cause = _cause(done.stderr or done.stdout) or f"exit status {done.returncode}"
            raise SearchIndexError(f"Pagefind could not index {out_dir}: {cause}")
        logger.debug("pagefind: %s", done.stdout.strip())
        for path in sorted(bundle.rglob("*")):
            if path.is_file():
                relative = path.relative_to(bundle).as_posix()
                writer.write(f"{BUNDLE_FOLDER}/{relative}", path.read_bytes())
    writer.prune_stale()
    if writer.previous is None:
        writer.prune(BUNDLE_FOLDER, ("",), recursive=True)
    return time.perf_counter() - started


def _cause(output: str) -> str:
    """The line of Pagefind's output that says what went wrong (its notes are not causes)."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if not line.startswith("Note:")]
    return (errors or lines or [""])[-1][:300]
