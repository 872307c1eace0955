"""The desk's pages and forms. Each view parses what the editor sent, calls
``crawler.curation`` (which holds the decisions, their rules and all the reading), and lays
out the answer; a refused edit (``CurationError``) is the page again with the message.

Routes:
  GET  /                      the queue: filters, search, sort, pages, bulk actions
  POST /decide                a bulk decision on the selected items (approve, reject with a
                              reason, feature, back to candidates)
  GET  /item/ID               one item: flags, story, edit form, its journal
  POST /item/ID/status        a decision on the item's story, then the next item
  POST /item/ID/edit          corrections, checked against the taxonomy
  GET  /story/ID              every version of a story, with its lead
  POST /story/ID/status       a decision on the whole story
  POST /story/ID/lead         choose the lead version
  POST /story/ID/merge        merge another story into this one
  POST /story/ID/split        split a version off into a story of its own
  GET  /journal               the desk's decision log
  GET  /sources               each source's health from the last runs
  GET  /static/site.css       the digest's own stylesheet (the desk shares its look)
  GET|POST /login, POST /logout   only with a password
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from werkzeug.wrappers import Response as Answer

from crawler import curation, store
from crawler.desk.app import (
    SITE_STATIC,
    TOO_MANY_TRIES,
    check_password,
    current_desk,
    db,
    reply,
    safe_back,
)

desk = Blueprint("desk", __name__)

PER_PAGE = 50
MAX_PAGE = 1_000_000
SORTS = ("relevance", "newest", "oldest")
ACTIONS = {"approve": "approved", "reject": "rejected", "feature": "featured",
           "candidate": "candidate"}  # fmt: skip
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "ckb", "dv", "sd", "ug", "yi"})
_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


@desk.app_template_global()
def text_dir(language: str | None) -> str:
    """``rtl`` for a right-to-left language, else ``auto`` (the browser reads the text)."""
    base = (language or "").split("-")[0].lower()
    return "rtl" if base in RTL_LANGUAGES else "auto"


@desk.app_template_global()
def web_link(url: str | None) -> str | None:
    """``url`` if it is an http(s) address, else None (a ``javascript:`` or ``data:`` URL from
    an import is never rendered as a link)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


@desk.app_context_processor
def _helpers() -> dict[str, Any]:
    return {
        "signed_in": bool(current_desk().password and session.get("signed_in")),
        "editor": current_desk().editor,
    }


# -- the queue ------------------------------------------------------------------------


def _page_number(raw: str | None) -> int:
    """The page asked for: 1 unless a plain number, at most ``MAX_PAGE``."""
    if raw is None or not re.fullmatch(r"[0-9]+", raw):
        return 1
    if len(raw) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return min(max(1, int(raw)), MAX_PAGE)


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def queue_filters(args: Mapping[str, str]) -> dict[str, Any]:
    """The queue's filters from a query string, each checked for its shape only (the
    values themselves are whatever the store holds)."""
    status = args.get("status", "candidate")
    statuses = store.STATUSES if status == "all" else (status,)
    if status != "all" and status not in store.STATUSES:
        statuses = ("candidate",)
    text = {k: (args.get(k) or "").strip()[:200] or None
            for k in ("source", "language", "topic", "country", "flag")}  # fmt: skip
    if text["flag"] not in curation.FLAGS:
        text["flag"] = None
    sort = args.get("sort") if args.get("sort") in SORTS else "relevance"
    query = (args.get("q") or "").strip()[:500] or None
    return {
        "statuses": tuple(statuses),
        **text,
        "since": _day(args.get("since")),
        "until": _day(args.get("until")),
        "query": query,
        "sort": sort,
    }


def _queue_page(args: Mapping[str, str]) -> Any:
    """The queue's page ``args`` ask for (past the end: the last page)."""
    return curation.queue(
        db(),
        **queue_filters(args),
        page=_page_number(args.get("page")),
        per_page=PER_PAGE,
        threshold=current_desk().threshold,
    )


@desk.get("/")
def queue() -> str:
    args = request.args.to_dict()
    found = _queue_page(args)
    filters = queue_filters(args)
    here = request.full_path.rstrip("?")
    base = {k: v for k, v in args.items() if k != "page" and v}
    return render_template(
        "list.html",
        found=found,
        filters=filters,
        args=args,
        status=args.get("status", "candidate"),
        statuses=("all", *store.STATUSES),
        facets=curation.facets(db(), filters["statuses"], threshold=current_desk().threshold),
        flags=curation.FLAGS,
        sorts=SORTS,
        here=here,
        page_link=lambda n: "/?" + urlencode({**base, "page": n}),
    )


@desk.post("/decide")
def decide_many() -> Answer:
    ids = [i for i in request.form.getlist("id") if _ID.fullmatch(i)]
    back = safe_back(request.form.get("back"))
    action = request.form.get("action", "")
    if action not in ACTIONS:
        return reply(400, f"unknown action {action!r}")
    if not ids:
        return reply(400, "no item selected: tick the items to decide on")
    changes = curation.Changes(status=ACTIONS[action], reason=_reason())
    _decide(ids, changes)
    return redirect(back, 303)


def _reason() -> str | None:
    return (request.form.get("reason") or "").strip()[:500] or None


def _decide(ids: Sequence[str], changes: Any) -> list[str]:
    """One decision through the curation core; a refused one is a 400 with its message (a
    busy database propagates: the app answers 503)."""
    desk_ = current_desk()
    try:
        changed: list[str] = curation.decide(
            db(), list(ids), changes, editor=desk_.editor, now=desk_.now(), taxonomy=_taxonomy()
        )
    except curation.CurationError as exc:
        abort(reply(400, str(exc)))
    return changed


def _taxonomy() -> Any:
    desk_ = current_desk()
    if desk_.taxonomy is not None:
        return desk_.taxonomy
    from pipelines.topics import load_taxonomy

    return load_taxonomy()


# -- one item ---------------------------------------------------------------------------


def _item_or_404(item_id: str) -> dict[str, Any]:
    item = store.get_item(db(), item_id) if _ID.fullmatch(item_id) else None
    if item is None:
        abort(reply(404, "no such item"))
    return item


def neighbours(back: str, item_id: str) -> tuple[str | None, str | None]:
    """The items before and after ``item_id`` in the queue ``back`` shows (its filters and
    page), for j/k and for "after a decision, the next item"."""
    args = dict(parse_qsl(urlsplit(back).query))
    if urlsplit(back).path != "/":
        return None, None
    ids = [item["id"] for item in _queue_page(args).items]
    if item_id not in ids:
        return None, ids[0] if ids else None
    at = ids.index(item_id)
    return (ids[at - 1] if at else None), (ids[at + 1] if at + 1 < len(ids) else None)


def _item_page(item: dict[str, Any], back: str, error: str | None = None,
               form: Mapping[str, str] | None = None, status: int = 200) -> Answer:  # fmt: skip
    before, after = neighbours(back, item["id"])
    story = curation.story(db(), item["story_id"])
    page = render_template(
        "item.html",
        item=item,
        flags=curation.quality_flags(item, threshold=current_desk().threshold),
        flag_help=curation.FLAGS,
        story=story,
        journal=curation.journal(db(), item_id=item["id"]),
        statuses=store.STATUSES,
        choices=curation.taxonomy_choices(_taxonomy()),
        back=back,
        before=before,
        after=after,
        error=error,
        form=form or {},
    )
    return Response(page, status=status, mimetype="text/html")


@desk.get("/item/<item_id>")
def item(item_id: str) -> Answer:
    found = _item_or_404(item_id)
    return _item_page(found, safe_back(request.args.get("back")))


def _item_link(item_id: str, back: str) -> str:
    return f"/item/{item_id}?{urlencode({'back': back})}" if back != "/" else f"/item/{item_id}"


@desk.post("/item/<item_id>/status")
def item_status(item_id: str) -> Answer:
    """A decision on one item's story; then the next item: the one after it in the queue it
    was opened from (``back``), or the queue itself."""
    found = _item_or_404(item_id)
    back = safe_back(request.form.get("back"))
    status = request.form.get("status", "")
    _, after = neighbours(back, found["id"]) if request.form.get("then") == "next" else (None, None)
    own_reason = f"reason-{found['id']}"  # a row's own field in the queue
    reason = (
        (request.form.get(own_reason) or "").strip()[:500] or None
        if own_reason in request.form
        else _reason()
    )
    _decide([found["id"]], curation.Changes(status=status, reason=reason))
    if request.form.get("then") == "next":
        return redirect(_item_link(after, back) if after else back, 303)
    nxt = request.args.get("next", "")
    if nxt and _ID.fullmatch(nxt) and "#" not in back:
        return redirect(f"{back}#item-{nxt}", 303)
    return redirect(back if request.form.get("back") else f"/item/{found['id']}", 303)


def edit_changes(form: Mapping[str, str]) -> Any:
    """The corrections as sent: an emptied title or summary goes back to the crawled one
    (""), topics and countries are comma-separated."""

    def listed(name: str) -> tuple[str, ...]:
        return tuple(v.strip() for v in form.get(name, "").split(",") if v.strip())

    return curation.Changes(
        title=form.get("edited_title", "").strip(),
        summary=form.get("edited_summary", "").strip(),
        topics=listed("edited_topics"),
        countries=listed("edited_countries"),
        note=form.get("notes", "").strip(),
    )


@desk.post("/item/<item_id>/edit")
def item_edit(item_id: str) -> Answer:
    found = _item_or_404(item_id)
    back = safe_back(request.form.get("back"))
    desk_ = current_desk()
    try:
        curation.decide(
            db(),
            [found["id"]],
            edit_changes(request.form),
            editor=desk_.editor,
            now=desk_.now(),
            taxonomy=_taxonomy(),
        )
    except curation.CurationError as exc:
        return _item_page(found, back, error=str(exc), form=request.form, status=400)
    return redirect(_item_link(found["id"], back), 303)


# -- stories ----------------------------------------------------------------------------


def _story_or_404(story_id: str) -> Any:
    if not _ID.fullmatch(story_id):
        abort(reply(404, "no such story"))
    try:
        found = curation.story(db(), story_id)
    except curation.CurationError:
        abort(reply(404, "no such story"))
    if not found.versions:
        abort(reply(404, "no such story"))
    return found


@desk.get("/story/<story_id>")
def story(story_id: str) -> str:
    found = _story_or_404(story_id)
    return render_template(
        "story.html",
        story=found,
        story_id=story_id,
        statuses=store.STATUSES,
        error=request.args.get("error"),
    )


def _story_action(story_id: str, action: Any) -> Answer:
    _story_or_404(story_id)
    desk_ = current_desk()
    try:
        target = action(desk_)
    except curation.CurationError as exc:
        return reply(400, str(exc))
    return redirect(url_for("desk.story", story_id=target or story_id), 303)


@desk.post("/story/<story_id>/status")
def story_status(story_id: str) -> Answer:
    found = _story_or_404(story_id)
    changes = curation.Changes(status=request.form.get("status", ""), reason=_reason())
    _decide([found.lead_id], changes)
    return redirect(url_for("desk.story", story_id=story_id), 303)


@desk.post("/story/<story_id>/lead")
def story_lead(story_id: str) -> Answer:
    item_id = request.form.get("item_id", "")
    return _story_action(
        story_id, lambda d: curation.set_lead(db(), item_id, editor=d.editor, now=d.now())
    )


@desk.post("/story/<story_id>/merge")
def story_merge(story_id: str) -> Answer:
    other = (request.form.get("from_story") or "").strip()
    if not _ID.fullmatch(other):
        return reply(400, "name the story to merge into this one (its id, as on its page)")

    def merge(d: Any) -> None:
        curation.merge_stories(db(), story_id, other, editor=d.editor, now=d.now())

    return _story_action(story_id, merge)


@desk.post("/story/<story_id>/split")
def story_split(story_id: str) -> Answer:
    item_id = request.form.get("item_id", "")
    return _story_action(
        story_id, lambda d: curation.split_version(db(), item_id, editor=d.editor, now=d.now())
    )


# -- journal, sources, sign-in ----------------------------------------------------------


@desk.get("/journal")
def journal() -> str:
    return render_template("journal.html", entries=curation.journal(db(), limit=500))


@desk.get("/sources")
def sources() -> str:
    desk_ = current_desk()
    health = curation.source_health(db(), desk_.sources, desk_.now())
    return render_template("sources.html", health=health)


@desk.get("/static/site.css")
def site_style() -> Answer:
    return send_from_directory(SITE_STATIC, "style.css")


@desk.route("/login", methods=["GET", "POST"])
def login() -> Answer:
    back = safe_back(request.values.get("next"))
    if not current_desk().password:
        return redirect(back, 303)
    error = None
    if request.method == "POST":
        guard, address, now = (
            current_desk().sign_ins,
            request.remote_addr or "?",
            current_desk().now(),
        )
        wait = guard.wait(address, now)
        if wait is not None:
            minutes = max(1, -(-int(wait.total_seconds()) // 60))
            retry = {"Retry-After": str(max(1, int(wait.total_seconds())))}
            return reply(429, TOO_MANY_TRIES.format(minutes=minutes), retry)
        if check_password(request.form.get("password", "")):
            guard.succeeded(address)
            session.clear()
            session["signed_in"] = True
            return redirect(back, 303)
        guard.failed(address, now)
        error = "wrong password"
    page = render_template("login.html", back=back, error=error)
    return Response(page, status=401 if error else 200, mimetype="text/html")


@desk.post("/logout")
def logout() -> Answer:
    session.clear()
    return redirect(url_for("desk.login"), 303)
