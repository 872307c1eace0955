"""The statistics page: stories per month by source and by language, as SVG drawn at build
time with a title, a description and the same figures in a table."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from crawler.digest import build_site
from crawler.digest.charts import LABEL_WIDTH, monthly_chart
from crawler.digest.render import load_theme
from tests.test_digest import NOW, make_item

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def stats(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("stats") / "site"
    items = [
        make_item("a", published="2025-01-05T10:00:00+00:00", source="unicef"),
        make_item("b", published="2025-01-20T10:00:00+00:00", source="undp", language="ru"),
        make_item("c", published="2025-03-02T10:00:00+00:00", source="unicef", language="ar"),
        make_item("undated", published=None),
    ]
    build_site(items, out, now=NOW, search=False)
    return out


def charts(page: Path) -> list[lxml.html.HtmlElement]:
    return lxml.html.document_fromstring(page.read_bytes()).cssselect("figure.chart-figure")


def test_two_charts_each_an_accessible_svg_with_a_table_of_its_figures(stats: Path) -> None:
    figures = charts(stats / "en" / "stats.html")

    assert [f.cssselect("h2")[0].text for f in figures] == [
        "Stories per month by source",
        "Stories per month by language",
    ]
    for figure in figures:
        svg = figure.xpath(".//*[local-name()='svg']")[0]
        assert svg.get("role") == "img"
        title_id, desc_id = svg.get("aria-labelledby").split()
        assert figure.xpath(f".//*[@id='{title_id}']")[0].text
        assert (
            "3 months, from January 2025 to March 2025"
            in figure.xpath(f".//*[@id='{desc_id}']")[0].text
        )
        rows = figure.cssselect("tbody tr")
        assert [row.cssselect("th")[0].text for row in rows] == [
            "January 2025", "February 2025", "March 2025"
        ]  # fmt: skip
        assert [row.cssselect("td")[-1].text for row in rows] == ["2", "0", "1"]


def test_chart_series_are_named_in_the_page_language(stats: Path) -> None:
    by_source, by_language = charts(stats / "ru" / "stats.html")

    assert [li.text_content() for li in by_source.cssselect(".legend li")] == ["ПРООН", "ЮНИСЕФ"]
    assert [th.text for th in by_language.cssselect("thead th")] == [
        "Месяц", "Английский", "Арабский", "Русский", "Всего"
    ]  # fmt: skip


def test_a_bar_segment_per_source_and_month_with_a_tooltip(stats: Path) -> None:
    by_source = charts(stats / "en" / "stats.html")[0]

    tips = [title.text for title in by_source.xpath(".//*[local-name()='rect']/*")]
    assert tips == ["January 2025: UNDP: 1", "January 2025: UNICEF: 1", "March 2025: UNICEF: 1"]


def month_labels(svg: lxml.html.HtmlElement) -> list[tuple[float, str]]:
    """The x axis's labels: where each is anchored, and its text."""
    return [(float(t.get("x")), t.text) for t in svg.xpath(".//*[@class='axis month']")]


@pytest.mark.parametrize(
    ("code", "expected"),
    [("en", ["Jan 2025", "Feb", "Mar"]), ("ru", ["Янв. 2025\u202fг.", "Февр.", "Март"]),
     ("ar", ["يناير 2025", "فبراير", "مارس"]), ("zh", ["2025年1月", "2月", "3月"])],
)  # fmt: skip
def test_chart_labels_its_months_in_the_page_language(
    stats: Path, code: str, expected: list[str]
) -> None:
    for figure in charts(stats / code / "stats.html"):
        svg = figure.xpath(".//*[local-name()='svg']")[0]
        assert [text for _, text in month_labels(svg)] == expected


def test_long_chart_labels_every_january_and_its_labels_do_not_collide() -> None:
    months = [f"{year}-{month:02d}" for year in (2023, 2024, 2025) for month in range(1, 13)]
    L = load_theme().catalogues["fr"]

    chart = monthly_chart(
        chart_id="c", title="t", months=months, series=[("a", "A")],
        counts={("a", month): 1 for month in months}, L=L,
    )  # fmt: skip

    labels = month_labels(lxml.html.fragment_fromstring(str(chart.svg)))
    texts = [text for _, text in labels]
    assert {"Janv. 2023", "Janv. 2024", "Janv. 2025"} <= set(texts)
    assert 3 < len(labels) < len(months)
    positions = [x for x, _ in labels]
    assert all(b - a >= LABEL_WIDTH for a, b in zip(positions, positions[1:], strict=False))


def test_site_without_dated_stories_says_so(tmp_path: Path) -> None:
    build_site([make_item("x", published=None)], tmp_path, now=NOW, search=False)

    page = (tmp_path / "en" / "stats.html").read_text(encoding="utf-8")
    assert "No dated stories yet." in page
    assert "<svg" not in page
