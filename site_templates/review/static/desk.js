// The desk's keyboard: j/k move, x selects, a/r/f decide, o opens, / searches, ? helps.
// In the queue the current item is highlighted; a decision returns to the queue at the next
// item (#item-ID). On an item's page j/k go to the next or previous item of its queue.
"use strict";
(function () {
  const items = () => Array.from(document.querySelectorAll("article.item"));
  let current = -1;

  function select(index) {
    const all = items();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((el, i) => el.classList.toggle("current", i === current));
    all[current].scrollIntoView({ block: "nearest" });
  }

  function here() {
    if (current >= 0) return items()[current];
    return document.querySelector("article.item-page");
  }

  function act(status) {
    const el = here();
    if (!el) return;
    const button = el.querySelector("button.act-" + status) ||
      (el.classList.contains("item-page") && document.querySelector("#decide button.act-" + status));
    if (!button) return;
    if (status === "rejected") {
      const reason = el.querySelector("input.reason") || document.querySelector("#decide input.reason");
      if (reason) { reason.focus(); return; }
    }
    button.click();
  }

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  document.addEventListener("keydown", (event) => {
    if (event.target.matches && event.target.matches("input.reason") && event.key === "Enter") {
      event.preventDefault();
      const box = event.target.closest("article, form");
      const reject = box && box.querySelector("button.act-rejected");
      if (reject) reject.click();
      return;
    }
    if (event.key === "Escape") {
      document.getElementById("keys-help").hidden = true;
      if (typing(event.target)) event.target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const page = document.querySelector("article.item-page");
    switch (event.key) {
      case "j":
        if (page) { const n = document.getElementById("next-item"); if (n) n.click(); }
        else select(current + 1);
        break;
      case "k":
        if (page) { const p = document.getElementById("prev-item"); if (p) p.click(); }
        else select(current - 1);
        break;
      case "x": { const el = here(); const box = el && el.querySelector("input[name=id]");
        if (box) box.checked = !box.checked; break; }
      case "a": act("approved"); break;
      case "f": act("featured"); break;
      case "r": act("rejected"); break;
      case "o": case "Enter": { const el = here(); const link = el && el.querySelector("a.open");
        if (link) link.click(); else return; break; }
      case "/": { const q = document.getElementById("q"); if (q) q.focus(); else return; break; }
      case "?": { const help = document.getElementById("keys-help"); help.hidden = !help.hidden; break; }
      default: return;
    }
    event.preventDefault();
  });

  const all = document.getElementById("select-all");
  if (all) all.addEventListener("change", () => {
    document.querySelectorAll("article.item input[name=id]").forEach((box) => { box.checked = all.checked; });
  });

  const wanted = location.hash.startsWith("#item-") ? location.hash.slice(6) : null;
  if (items().length) {
    const at = wanted ? items().findIndex((el) => el.dataset.id === wanted) : -1;
    select(at >= 0 ? at : 0);
  }
})();
