// The search page: Pagefind's JavaScript API over the bundle shipped with the site.
// Each story is indexed once, from its page in its own language's tree; results link there.
// Listings and every other page work without JavaScript; only this page needs it.
// A classic script, not a module: Chromium refuses module scripts from file://, and from disk
// this one still has to say how to serve the site. Pagefind comes in by dynamic import().

const form = document.querySelector("form.search");
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");
const RESULTS_SHOWN = 20;
const pluralRules = new Intl.PluralRules(document.documentElement.lang);
let pagefind = null;
let latest = 0;

async function loadPagefind() {
  if (!pagefind) {
    const url = new URL(form.dataset.bundle + "pagefind.js", document.baseURI).href;
    const module = await import(url);
    await module.options({ excerptLength: 30 });
    await module.init();
    pagefind = module;
  }
  return pagefind;
}

// Chinese is written without spaces: split a query into words as the index did.
function segmented(query) {
  if (!/\p{Script=Han}/u.test(query) || typeof Intl.Segmenter === "undefined") {
    return query;
  }
  const words = new Intl.Segmenter("zh", { granularity: "word" }).segment(query);
  return [...words].filter((part) => part.isWordLike).map((part) => part.segment).join(" ");
}

function chosenFilters() {
  const chosen = {};
  for (const select of form.querySelectorAll("select[data-filter]")) {
    if (select.value) {
      chosen[select.dataset.filter] = select.value;
    }
  }
  return chosen;
}

// Keep only text and <mark> from Pagefind's excerpt: nothing else reaches the page.
function excerptNodes(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const nodes = [];
  for (const node of template.content.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(node.textContent));
    }
  }
  return nodes;
}

// "5 stories found" in the page's language: the form (data-results-one, -few, -many, ...) of
// the count's CLDR plural category, as the site's catalogue translates it.
function resultsLine(count) {
  const category = pluralRules.select(count);
  const key = "results" + category[0].toUpperCase() + category.slice(1);
  const line = form.dataset[key] ?? form.dataset.resultsOther;
  return line.replaceAll("{count}", String(count));
}

function resultItem(result) {
  const item = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  // Pagefind's URLs start at the site root ("/ru/items/x.html"); the site may be served
  // from a sub-folder or a disk, so links go through this page's own path to the root.
  const page = result.url.replace(/^\/+/, "").split("#")[0];
  link.href = form.dataset.root + (page.endsWith(".html") ? page : page + ".html");
  link.textContent = result.meta.title || page;
  const excerpt = document.createElement("p");
  excerpt.className = "excerpt";
  excerpt.append(...excerptNodes(result.excerpt || ""));
  for (const element of [link, excerpt]) {
    if (result.meta.lang) {
      element.lang = result.meta.lang;
    }
    element.dir = "auto";
  }
  heading.append(link);
  item.append(heading, excerpt);
  return item;
}

// Opened from disk (file://), the browser will not load Pagefind's files: the page says how
// to serve the site instead of a search box that does nothing.
const fromDisk = location.protocol === "file:";

async function runSearch() {
  if (fromDisk) {
    statusLine.textContent = form.dataset.needsHttp;
    return;
  }
  const mine = ++latest;
  const query = form.elements.q.value.trim();
  const filters = chosenFilters();
  const params = new URLSearchParams({ ...(query ? { q: query } : {}), ...filters });
  history.replaceState(null, "", params.size ? "?" + params : location.pathname);
  if (!query && !Object.keys(filters).length) {
    statusLine.textContent = "";
    list.replaceChildren();
    return;
  }
  statusLine.textContent = form.dataset.loading;
  let engine;
  try {
    engine = await loadPagefind();
  } catch (error) {
    statusLine.textContent = form.dataset.unavailable;
    return;
  }
  const response = await engine.search(query ? segmented(query) : null, { filters });
  if (mine !== latest || !response) {
    return; // a newer search has started
  }
  const shown = await Promise.all(response.results.slice(0, RESULTS_SHOWN).map((r) => r.data()));
  if (mine !== latest) {
    return;
  }
  list.replaceChildren(...shown.map(resultItem));
  statusLine.textContent = shown.length ? resultsLine(response.results.length) : form.dataset.none;
}

let pending = null;
function searchSoon() {
  clearTimeout(pending);
  pending = setTimeout(runSearch, 200);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(pending);
  runSearch();
});
form.elements.q.addEventListener("input", searchSoon);
for (const select of form.querySelectorAll("select[data-filter]")) {
  select.addEventListener("change", runSearch);
}

// A shared link (search.html?q=...&language=ru) opens with its search run.
const initial = new URLSearchParams(location.search);
form.elements.q.value = initial.get("q") || "";
for (const select of form.querySelectorAll("select[data-filter]")) {
  const wanted = initial.get(select.dataset.filter);
  if (wanted && [...select.options].some((option) => option.value === wanted)) {
    select.value = wanted;
  }
}
if (initial.size || fromDisk) {
  runSearch();
}
