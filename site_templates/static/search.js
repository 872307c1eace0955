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

// The month range (from and to, "2025-03") as Pagefind's own filter: any of the indexed
// months inside it. Pagefind matches filter values exactly, so a range becomes the list of
// its months; the index says which months exist. null: no range; []: nothing can match.
async function monthRange(engine) {
  const from = form.elements.from.value;
  const to = form.elements.to.value;
  if (!from && !to) {
    return null;
  }
  const known = (await engine.filters()).month || {};
  return Object.keys(known).filter((month) => (!from || month >= from) && (!to || month <= to));
}

function rangeParams() {
  const chosen = {};
  for (const name of ["from", "to", "sort"]) {
    if (form.elements[name].value) {
      chosen[name] = form.elements[name].value;
    }
  }
  return chosen;
}

// A source's or language's name in the page's language, from the filter's own options;
// otherwise the name the story's page gave.
function filterLabel(result, kind, fallback) {
  const value = (result.filters?.[kind] || [])[0];
  const option = value && form.querySelector(`select[data-filter="${kind}"] option[value="${CSS.escape(value)}"]`);
  return option ? option.textContent : fallback || "";
}

const dateFormat = new Intl.DateTimeFormat(document.documentElement.lang, {
  dateStyle: "long",
  timeZone: "UTC",
});

// "10 March 2025 · UNICEF · Russian" under a result's title.
function resultFacts(result) {
  const facts = document.createElement("p");
  facts.className = "meta";
  const parts = [];
  if (result.meta.date) {
    const time = document.createElement("time");
    time.dateTime = result.meta.date;
    time.textContent = dateFormat.format(new Date(result.meta.date + "T00:00:00Z"));
    parts.push(time);
  }
  for (const [kind, fallback] of [["source", result.meta.source], ["language", result.meta.language]]) {
    const label = filterLabel(result, kind, fallback);
    if (label) {
      const span = document.createElement("span");
      span.className = kind;
      span.textContent = label;
      parts.push(span);
    }
  }
  parts.forEach((part, index) => facts.append(...(index ? [" · ", part] : [part])));
  return facts;
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
  item.append(heading, resultFacts(result), excerpt);
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
  const extra = rangeParams();
  const params = new URLSearchParams({ ...(query ? { q: query } : {}), ...filters, ...extra });
  history.replaceState(null, "", params.size ? "?" + params : location.pathname);
  if (!query && !Object.keys(filters).length && !extra.from && !extra.to) {
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
  const months = await monthRange(engine);
  if (months && !months.length) {
    if (mine === latest) {
      list.replaceChildren();
      statusLine.textContent = form.dataset.none;
    }
    return;
  }
  const options = { filters: months ? { ...filters, month: { any: months } } : filters };
  if (extra.sort === "newest") {
    options.sort = { date: "desc" };
  }
  const response = await engine.search(query ? segmented(query) : null, options);
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
for (const control of form.querySelectorAll("select, input[data-range]")) {
  control.addEventListener("change", runSearch);
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
for (const name of ["from", "to"]) {
  if (/^\d{4}-\d{2}$/.test(initial.get(name) || "")) {
    form.elements[name].value = initial.get(name);
  }
}
if (initial.get("sort") === "newest") {
  form.elements.sort.value = "newest";
}
if (initial.size || fromDisk) {
  runSearch();
}
