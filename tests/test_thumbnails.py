"""Thumbnails of the stories' lead images: made from the image's bytes, fetched by a real
crawl through the replay archive, kept by the store, copied into the site and shown."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from PIL import Image

from crawler import store
from crawler.digest import build_site
from pipelines import process_page
from pipelines.thumbnail import THUMBNAIL_BOX, ThumbnailError, make_thumbnail
from tests.test_digest import NOW, make_item
from tests.test_store import record as store_record


def picture(size: tuple[int, int] = (1200, 600), kind: str = "JPEG", mode: str = "RGB") -> bytes:
    image = Image.new(mode, size, (30, 120, 200, 255) if mode == "RGBA" else (30, 120, 200))
    out = BytesIO()
    image.save(out, kind)
    return out.getvalue()


# ---- the thumbnail of one image -----------------------------------------------------------


def test_a_large_photo_becomes_a_small_jpeg_named_after_its_bytes() -> None:
    thumbnail = make_thumbnail(picture((1200, 600)), "image/jpeg")

    assert (thumbnail.width, thumbnail.height) == (400, 200)
    with Image.open(BytesIO(thumbnail.data)) as image:
        assert (image.format, image.size) == ("JPEG", (400, 200))
    assert re.fullmatch(r"([0-9a-f]{2})/\1[0-9a-f]{38}\.jpg", thumbnail.name)
    assert make_thumbnail(picture((1200, 600)), "image/jpeg").name == thumbnail.name


def test_a_small_transparent_png_is_not_enlarged_and_lies_on_white() -> None:
    thumbnail = make_thumbnail(picture((120, 90), "PNG", "RGBA"), "image/png")

    assert (thumbnail.width, thumbnail.height) == (120, 90)
    assert max(thumbnail.width, thumbnail.height) <= max(THUMBNAIL_BOX)


@pytest.mark.parametrize(
    ("body", "content_type", "cause"),
    [
        (picture()[:400], "image/jpeg", "corrupt image"),
        (b"\x00\x01 not an image at all", None, "not an image Pillow can read"),
        (b"<!DOCTYPE html><html><body>Not found</body></html>", "image/jpeg", "markup"),
        (picture(), "text/html; charset=utf-8", "not an image (text/html)"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "image/svg+xml", "SVG"),
        (b"", "image/jpeg", "empty"),
    ],
    ids=["truncated", "garbage", "html-as-image", "html-type", "svg", "empty"],
)
def test_what_is_no_raster_image_gives_no_thumbnail_and_says_why(
    body: bytes, content_type: str | None, cause: str
) -> None:
    with pytest.raises(ThumbnailError, match=re.escape(cause)):
        make_thumbnail(body, content_type)


def test_an_image_over_pillows_pixel_limit_is_a_decompression_bomb(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)

    with pytest.raises(ThumbnailError, match="decompression bomb"):
        make_thumbnail(picture((200, 100)), "image/jpeg")  # twice the limit: refused
    with pytest.raises(ThumbnailError, match="decompression bomb"):
        make_thumbnail(picture((120, 100)), "image/jpeg")  # over it: Pillow only warns


# ---- the alt text the page gives ----------------------------------------------------------

PAGE = """<html lang="en"><head><title>Schools reopen | UN News</title>
<meta property="og:image" content="https://media.example.org/photo-1.jpg/image1170x530.jpg">
{meta}</head><body><article><h1>Schools reopen in Bishkek</h1>
<img src="/logo.svg" alt="UN News">
<figure><img src="https://media.example.org/photo-1.jpg/image770x420.jpg" alt="{img_alt}"></figure>
<p>Teachers welcomed pupils back on Monday, the ministry said, after a month of repairs to
heating in forty schools across the city and its suburbs.</p></article></body></html>"""
URL = "https://news.un.org/en/story/2025/03/1160001"


@pytest.mark.parametrize(
    ("meta", "img_alt", "expected"),
    [
        (
            '<meta property="og:image:alt" content="Pupils in a classroom">',
            "x",
            "Pupils in a classroom",
        ),
        ('<meta name="twitter:image:alt" content="A teacher">', "Other", "A teacher"),
        ("", "Pupils back at their desks.", "Pupils back at their desks."),
        ('<meta property="og:image:alt" content="photo">', "IMG_2041.jpg", None),
        ("", "", None),
    ],
    ids=["og", "twitter", "img-of-another-rendition", "says-nothing", "none"],
)
def test_the_alt_text_is_what_the_page_says_the_image_shows(
    meta: str, img_alt: str, expected: str | None
) -> None:
    record = process_page(PAGE.format(meta=meta, img_alt=img_alt), URL, source="un-news")

    assert record["image"] == "https://media.example.org/photo-1.jpg/image1170x530.jpg"
    assert record["image_alt"] == expected
    assert record["thumbnail"] is None  # processing never fetches


# ---- a real crawl over a replay archive ---------------------------------------------------

SITE = "https://news.example.org"
CDN = "https://cdn.example-media.org"  # another host than the pages': an agency's CDN


def article(n: int, image: str) -> bytes:
    return (
        f'<html lang="en"><head><title>Peace education, part {n}</title>'
        f'<meta property="og:image" content="{image}">'
        f'<meta property="og:image:alt" content="Pupils of school {n} in a circle">'
        f'<meta property="article:published_time" content="2025-05-0{n}T09:00:00Z"></head>'
        f"<body><article><h1>Peace education, part {n}</h1><p>Teachers in district {n}"
        " trained in peace education and global citizenship this week, the ministry said,"
        " and pupils took part in debates on human rights and tolerance.</p>"
        "</article></body></html>"
    ).encode()


IMAGES: dict[str, tuple[int, dict[str, str], bytes | None]] = {
    "good": (200, {"Content-Type": "image/jpeg"}, picture((1000, 500))),
    "png": (200, {"Content-Type": "image/png"}, picture((300, 200), "PNG", "RGBA")),
    "corrupt": (200, {"Content-Type": "image/jpeg"}, picture()[:300]),
    "missing": (404, {"Content-Type": "text/html"}, b"<html><body>Not found</body></html>"),
    "page": (
        200,
        {"Content-Type": "text/html"},
        b"<html><body>A page, not a picture</body></html>",
    ),
}


def image_url(name: str) -> str:
    return f"{CDN}/pictures/{name}.jpg"


def write_archive(folder: Path, images: dict[str, Any]) -> Path:
    """A feed of one story per image, each page's og:image at the CDN, and the images."""
    entries: list[dict[str, Any]] = []
    folder.mkdir(parents=True, exist_ok=True)

    def add(url: str, status: int, headers: dict[str, str], body: bytes | None) -> None:
        name = None
        if body is not None:
            name = f"body-{len(entries)}"
            (folder / name).write_bytes(body)
        entries.append({"url": url, "status": status, "headers": headers, "body": name})

    links = "".join(
        f"<item><title>Part {n}</title><link>{SITE}/news/{n}</link>"
        "<pubDate>Tue, 06 May 2025 09:00:00 +0000</pubDate></item>"
        for n in range(1, len(images) + 1)
    )
    feed = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><link>{SITE}/</link>'
        f"<language>en</language>{links}</channel></rss>"
    ).encode()
    add(f"{SITE}/feed.xml", 200, {"Content-Type": "application/rss+xml"}, feed)
    for n, (name, (status, headers, body)) in enumerate(images.items(), start=1):
        add(f"{SITE}/news/{n}", 200, {"Content-Type": "text/html; charset=utf-8"},
            article(n, image_url(name)))  # fmt: skip
        add(image_url(name), status, headers, body)
    lines = "".join(json.dumps(entry) + "\n" for entry in entries)
    (folder / "index.jsonl").write_text(lines, encoding="utf-8")
    return folder


def crawl_config(tmp_path: Path, thumbnails: bool = True) -> Path:
    path = tmp_path / "crawl.toml"
    path.write_text(
        f"""
[crawl]
obey_robots_txt = false
thumbnails = {"true" if thumbnails else "false"}

[sources.example]
spider = "generic"
languages = ["en"]
allowed_domains = ["news.example.org"]
feeds = ["{SITE}/feed.xml"]
""",
        encoding="utf-8",
    )
    return path


def stored(tmp_path: Path) -> dict[str, dict[str, Any]]:
    with sqlite3.connect(tmp_path / "data/news.db") as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute("select * from items").fetchall()
    return {row["image"].rsplit("/", 1)[-1].removesuffix(".jpg"): dict(row) for row in rows}


@pytest.fixture
def crawled(tmp_path: Path, cli_run: Any) -> tuple[Path, Any]:
    archive = write_archive(tmp_path / "archive", IMAGES)
    result = cli_run("crawl", "--archive", str(archive), config=crawl_config(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return archive, result


def test_a_crawl_keeps_a_thumbnail_of_each_storys_lead_image_from_another_host(
    tmp_path: Path, crawled: tuple[Path, Any]
) -> None:
    items = stored(tmp_path)

    assert sorted(items) == sorted(IMAGES), "every story stored, with a thumbnail or not"
    for name, size in (("good", (400, 200)), ("png", (300, 200))):
        item = items[name]
        assert (item["thumbnail_width"], item["thumbnail_height"]) == size
        kept = tmp_path / "data/thumbnails" / item["thumbnail"]
        with Image.open(kept) as image:
            assert (image.format, image.size) == ("JPEG", size)
        assert item["image_alt"].startswith("Pupils of school")
    # Only thumbnails are kept: no full-size image anywhere in the store.
    kept_files = [p for p in (tmp_path / "data/thumbnails").rglob("*") if p.is_file()]
    assert len(kept_files) == 2


def test_an_image_that_fails_is_one_line_and_its_story_is_stored_without_one(
    tmp_path: Path, crawled: tuple[Path, Any]
) -> None:
    _, result = crawled
    items = stored(tmp_path)
    for name, cause in (
        ("corrupt", "corrupt image"),
        ("missing", "HTTP 404"),
        ("page", "not an image (markup"),
    ):
        assert items[name]["thumbnail"] is None
        lines = [line for line in result.stderr.splitlines() if image_url(name) in line]
        assert len(lines) == 1, lines
        assert "no thumbnail for" in lines[0] and cause in lines[0]
    assert "level=ERROR" not in result.stderr
    assert "thumbnails: 2 made, 0 already kept, 3 failed" in result.stdout


def test_a_second_crawl_does_not_fetch_an_image_it_already_has(
    tmp_path: Path, crawled: tuple[Path, Any], cli_run: Any
) -> None:
    """A new story showing a picture a stored one has (a translation, say): not fetched."""
    archive, _ = crawled
    before = stored(tmp_path)["good"]
    entries = [json.loads(line) for line in (archive / "index.jsonl").read_text().splitlines()]
    feed = archive / entries[0]["body"]
    item = f"<item><title>Again</title><link>{SITE}/news/again</link></item>"
    feed.write_bytes(feed.read_bytes().replace(b"</channel>", item.encode() + b"</channel>"))
    (archive / "again").write_bytes(article(8, image_url("good")))
    again = {"url": f"{SITE}/news/again", "status": 200, "headers": {}, "body": "again"}
    with (archive / "index.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(again) + "\n")

    result = cli_run("crawl", "--archive", str(archive), config=crawl_config(tmp_path))

    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "data/news.db") as conn:
        (thumbnail,) = conn.execute(
            "select thumbnail from items where url = ?", [f"{SITE}/news/again"]
        ).fetchone()
    assert thumbnail == before["thumbnail"]
    assert "thumbnails: 0 made, 1 already kept, 0 failed" in result.stdout
    assert "1 requests" not in result.stdout and image_url("good") not in result.stderr


def test_thumbnails_can_be_turned_off(tmp_path: Path, cli_run: Any) -> None:
    archive = write_archive(tmp_path / "archive", {"good": IMAGES["good"]})
    config = crawl_config(tmp_path, thumbnails=False)

    result = cli_run("crawl", "--archive", str(archive), config=config)

    assert result.returncode == 0, result.stderr
    assert stored(tmp_path)["good"]["thumbnail"] is None
    assert not (tmp_path / "data/thumbnails").exists()


# ---- the store ----------------------------------------------------------------------------


def record(**fields: Any) -> dict[str, Any]:
    """The store tests' record, with a lead image and its thumbnail."""
    return store_record(**{
        "image": "https://media.example.org/a.jpg", "image_alt": "Pupils",
        "thumbnail": "ab/ab" + "0" * 38 + ".jpg", "thumbnail_width": 400, "thumbnail_height": 225,
        **fields,
    })  # fmt: skip


def test_the_migration_adds_the_thumbnail_fields_to_a_database_of_the_last_version(
    tmp_path: Path,
) -> None:
    path = tmp_path / "news.db"
    db = store.open_db(path)
    db.execute("drop index idx_items_image")
    for column in ("image_alt", "thumbnail", "thumbnail_width", "thumbnail_height"):
        db.execute(f"alter table items drop column {column}")
    db.execute("delete from _sqlite_migrations where name = 'm006_thumbnails'")
    db.conn.commit()
    db.close()

    db = store.open_db(path)

    columns = db.table("items").columns_dict
    assert (columns["thumbnail"], columns["thumbnail_width"], columns["image_alt"]) == (
        str,
        int,
        str,
    )
    assert ["image"] in [index.columns for index in db.table("items").indexes]


def test_reprocessing_without_a_thumbnail_keeps_the_stored_one_of_the_same_image(
    tmp_path: Path, now: Any
) -> None:
    db = store.open_db(tmp_path / "news.db")
    store.upsert_record(db, record(), now)
    reprocessed = record(thumbnail=None, thumbnail_width=None, thumbnail_height=None)

    assert store.upsert_record(db, reprocessed, now + timedelta(days=1)) == "unchanged"
    assert store.get_by_url(db, record()["canonical_url"])["thumbnail"] == record()["thumbnail"]
    assert store.thumbnail_of_image(db, record()["image"]) == {
        "thumbnail": record()["thumbnail"], "thumbnail_width": 400, "thumbnail_height": 225,
    }  # fmt: skip


def test_a_new_lead_image_without_a_thumbnail_drops_the_old_one(tmp_path: Path, now: Any) -> None:
    db = store.open_db(tmp_path / "news.db")
    store.upsert_record(db, record(), now)
    changed = record(
        image="https://media.example.org/b.jpg",
        thumbnail=None, thumbnail_width=None, thumbnail_height=None,
    )  # fmt: skip

    assert store.upsert_record(db, changed, now) == "updated"
    assert store.get_by_url(db, record()["canonical_url"])["thumbnail"] is None


# ---- the site -----------------------------------------------------------------------------


def thumbnail_store(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """A thumbnail store holding one thumbnail, and the item fields that name it."""
    folder = tmp_path / "thumbnails"
    thumbnail = make_thumbnail(picture((800, 450)), "image/jpeg")
    (folder / thumbnail.name).parent.mkdir(parents=True)
    (folder / thumbnail.name).write_bytes(thumbnail.data)
    fields = {
        "image": "https://media.example.org/a.jpg",
        "image_alt": "Pupils in a classroom",
        "thumbnail": thumbnail.name,
        "thumbnail_width": thumbnail.width,
        "thumbnail_height": thumbnail.height,
    }
    return folder, fields


def test_the_site_copies_the_thumbnails_it_shows_and_cards_and_pages_show_them(
    tmp_path: Path,
) -> None:
    folder, fields = thumbnail_store(tmp_path)
    items = [make_item("with-picture", **fields), make_item("without-picture")]
    out = tmp_path / "site"

    build_site(items, out, now=NOW, search=False, thumbnails=folder)

    copied = out / "thumbs" / fields["thumbnail"].split("/")[1]
    assert copied.read_bytes() == (folder / fields["thumbnail"]).read_bytes()
    for page, root in (
        ("en/index.html", "../"),
        ("en/topic/global-citizenship/index.html", "../../../"),
        ("en/items/with-picture.html", "../../"),
    ):
        tree = lxml.html.document_fromstring((out / page).read_text(encoding="utf-8"))
        (img,) = tree.xpath("//img[@class='thumb']")
        assert img.get("src") == root + "thumbs/" + copied.name
        assert (out / page).parent.joinpath(img.get("src")).resolve() == copied.resolve()
        assert (img.get("alt"), img.get("width"), img.get("height")) == (
            "Pupils in a classroom", "400", "225",
        )  # fmt: skip
        assert img.get("loading") == "lazy"
        assert "media.example.org" not in (out / page).read_text(encoding="utf-8")
    published = json.loads((out / "items" / "with-picture.json").read_text(encoding="utf-8"))
    assert (published["thumbnail"], published["image_alt"]) == (
        f"../thumbs/{copied.name}", "Pupils in a classroom"
    )  # the JSON's links lead from items/, as its page link does
    assert (out / "items" / published["thumbnail"]).resolve() == copied.resolve()


def test_a_card_shows_another_versions_picture_when_its_own_has_none(tmp_path: Path) -> None:
    folder, fields = thumbnail_store(tmp_path)
    items = [
        make_item("en-version", story_id="s", **fields),
        make_item("ru-version", story_id="s", language="ru", title="Права детей"),
    ]
    build_site(items, tmp_path / "site", now=NOW, search=False, thumbnails=folder)

    home = lxml.html.document_fromstring((tmp_path / "site/ru/index.html").read_bytes())
    (card,) = home.cssselect("article.card")
    (img,) = card.xpath(".//img[@class='thumb']")
    assert card.cssselect("h3 a")[0].get("href") == "../ru/items/ru-version.html"
    assert (img.get("alt"), img.get("lang")) == ("Pupils in a classroom", "en")  # its words' own
    story_page = (tmp_path / "site/ru/items/ru-version.html").read_text(encoding="utf-8")
    assert "class=\"thumb\"" not in story_page  # a version's page shows its own picture only


def test_a_rebuild_writes_no_thumbnail_again_and_prunes_one_no_longer_shown(
    tmp_path: Path,
) -> None:
    folder, fields = thumbnail_store(tmp_path)
    out = tmp_path / "site"
    build_site([make_item("a", **fields)], out, now=NOW, search=False, thumbnails=folder)
    copied = out / "thumbs" / fields["thumbnail"].split("/")[1]
    stamp = copied.stat().st_mtime_ns

    again = build_site([make_item("a", **fields)], out, now=NOW, search=False, thumbnails=folder)
    assert again.written == 0 and copied.stat().st_mtime_ns == stamp

    build_site([make_item("a", **fields, status="rejected"), make_item("b")], out, now=NOW,
               search=False, thumbnails=folder)  # fmt: skip
    assert not copied.exists()


@pytest.mark.parametrize(
    ("name", "present"),
    [
        ("../secret.jpg", True),  # an edited or imported value leading out of the store
        ("ab/ab" + "0" * 38 + ".png", True),  # no name the crawl writes
        ("cd/cd" + "1" * 38 + ".jpg", False),  # a safe name, but the file is gone
    ],
    ids=["outside", "not-a-thumbnail-name", "missing"],
)
def test_a_thumbnail_by_an_unsafe_name_or_not_in_the_store_is_not_shown(
    tmp_path: Path, name: str, present: bool
) -> None:
    folder, fields = thumbnail_store(tmp_path)
    if present:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes((folder / fields["thumbnail"]).read_bytes())
    out = tmp_path / "site"

    build_site(
        [make_item("a", **{**fields, "thumbnail": name})],
        out,
        now=NOW,
        search=False,
        thumbnails=folder,
    )

    assert "<img" not in (out / "en/items/a.html").read_text(encoding="utf-8")
    assert not (out / "thumbs").exists()
