"""The pipelines' language tables: a broken one is named, with its cause."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.tables import TableError, read_table


def test_a_table_is_read_as_toml(tmp_path: Path) -> None:
    path = tmp_path / "dates.toml"
    path.write_text('[months]\nen = ["January"]\n', encoding="utf-8")
    assert read_table(path) == {"months": {"en": ["January"]}}


@pytest.mark.parametrize(
    ("content", "cause"),
    [("[months\nen = 1\n", "Expected ']'"), (None, "No such file")],
)
def test_a_broken_or_missing_table_is_an_error_naming_the_file(
    tmp_path: Path, content: str | None, cause: str
) -> None:
    path = tmp_path / "boilerplate.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(TableError) as caught:
        read_table(path)
    assert str(caught.value).startswith(f"{path}: cannot read: ")
    assert cause in str(caught.value)
