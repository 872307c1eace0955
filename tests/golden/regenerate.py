"""Rewrite the golden files of tests/test_golden.py from the current build.

Run by hand from the project folder, after a change of the site's output that is meant:

    .venv/bin/python tests/golden/regenerate.py

It builds the golden store into a temporary folder, replaces tests/golden/site/ with the
compared pages, and prints their paths. Then read `git diff tests/golden` (every changed
line should be one the change meant) and commit the golden files with the change.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.test_golden import GOLDEN, PAGES, build_golden_site, compared  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = build_golden_site(Path(folder))
        if GOLDEN.exists():
            shutil.rmtree(GOLDEN)
        for page in PAGES:
            target = GOLDEN / page
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(compared(site, page).encode("utf-8"))
            sys.stdout.write(f"{target.relative_to(ROOT)}\n")


if __name__ == "__main__":
    main()
