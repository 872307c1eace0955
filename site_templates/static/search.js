// The search page: Pagefind's JavaScript API over the bundles shipped with the site.
// One bundle per language (stemmed as that language), merged into a one-word stub bundle whose
// WebAssembly stems nothing (crawler/digest/search.py says why); a query loads only the
// bundles it can match. One page per (story, language) is indexed; results show one entry per
// story, linking to its page in its own language's tree.
// Listings and every other page work without JavaScript; only this page needs it.
// A classic script, not a module: Chromium refuses module scripts from file://, and from disk
// this one still has to say how to serve the site. Pagefind comes in by dynamic import().

const form = document.querySelector("form.search");
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");
const RESULTS_SHOWN = 20;
const FRAGMENTS_AT_ONCE = 10;
const pageLanguage = document.documentElement.lang;
const pluralRules = new Intl.PluralRules(pageLanguage);
let pagefind = null;
let manifest = null; // pagefind/search.json: the bundles, the base's hidden pages, the months
let hidden = new Set();
const merged = new Set();
let latest = 0;

async function loadPagefind() {
  if (!pagefind) {
    const bundle = new URL(form.dataset.bundle, document.baseURI).href;
    const response = await fetch(bundle + "search.json");
    if (!response.ok) {
      throw new Error(`search.json: ${response.status}`);
    }
    manifest = await response.json();
    hidden = new Set(manifest.hidden);
    const module = await import(bundle + "pagefind.js");
    await module.options({ excerptLength: 30 });
    await module.init();
    pagefind = module;
  }
  return pagefind;
}

// The scripts a query is written in: a word in Cyrillic letters can only be in a Cyrillic-script
// language's pages; Latin letters and digits (names, acronyms, years) can be in any.
function queryScripts(query) {
  const scripts = new Set();
  for (const char of query) {
    if (/\p{Script=Cyrillic}/u.test(char)) {
      scripts.add("Cyrl");
    } else if (/\p{Script=Arabic}/u.test(char)) {
      scripts.add("Arab");
    } else if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(char)) {
      scripts.add("Hani");
    } else if (/\p{Script=Hangul}/u.test(char)) {
      scripts.add("Hang");
    } else if (/[\p{L}\p{N}]/u.test(char)) {
      scripts.add("any");
    }
  }
  return scripts;
}

// A query's words as the index's lookup keys them (crawler/digest/search.py, words_of and
// word_keys): lower case, NFC, hyphenated and apostrophised words also in parts and joined;
// each word's first three letters. Chinese, Japanese and Korean words go by script instead.
const TOKEN = /[\p{L}\p{N}_\-'’]+/gu;
const UNSEGMENTED = /[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]/u;
const lookupFiles = new Map();

function lookupKeys(query) {
  const keys = new Set();
  for (const token of query.normalize("NFC").toLowerCase().match(TOKEN) || []) {
    const parts = token.split(/[\-'’]+/).filter((part) => part);
    const words = parts.length > 1 ? [...parts, parts.join("")] : parts;
    for (const word of words) {
      if (!UNSEGMENTED.test(word)) {
        keys.add(Array.from(word).slice(0, 3).join(""));
      }
    }
  }
  return [...keys];
}

// One lookup file ({key: [bundle numbers]}), named by the hex UTF-8 of a key's first two
// letters; a missing file holds nothing.
async function lookupFile(folder, key) {
  const bytes = new TextEncoder().encode(Array.from(key).slice(0, 2).join(""));
  const name = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("") + ".json";
  const url = new URL(form.dataset.bundle + folder + "/" + name, document.baseURI).href;
  if (!lookupFiles.has(url)) {
    lookupFiles.set(url, fetch(url).then((response) => (response.ok ? response.json() : {})));
  }
  return lookupFiles.get(url);
}

// The numbers of the bundles holding a word that starts as one of the query's words do, or
// null when the lookup cannot tell (no lookup in the index, or no word to look up).
async function bundlesHolding(query) {
  const keys = lookupKeys(query);
  if (!manifest.words || !keys.length) {
    return null;
  }
  const folders = ["words"];
  if (manifest.bundles.some((bundle) => bundle.delta)) {
    folders.push("delta-words");
  }
  const numbers = new Set();
  for (const folder of folders) {
    const files = await Promise.all(keys.map((key) => lookupFile(folder, key)));
    keys.forEach((key, i) => (files[i][key] || []).forEach((n) => numbers.add(n)));
  }
  return numbers;
}

// Merge the bundles this search can find anything in (each once: later searches keep them):
// those the lookup says hold the query's words, and for Chinese, Japanese or Korean words
// those of that script; without a lookup, those of the query's scripts.
async function mergeBundles(engine, query, filters) {
  const scripts = queryScripts(query);
  const language = filters.language;
  const holding = query ? await bundlesHolding(query) : null;
  const wanted = manifest.bundles.filter(
    (bundle, number) =>
      (!language || bundle.languages.includes(language)) &&
      (!query ||
        (holding
          ? holding.has(number) || ["Hani", "Hang"].some((s) => scripts.has(s) && bundle.script === s)
          : scripts.has("any") || scripts.has(bundle.script))),
  );
  const base = new URL(form.dataset.bundle, document.baseURI).href;
  const fresh = wanted.filter((bundle) => !merged.has(bundle.path));
  fresh.forEach((bundle) => merged.add(bundle.path));
  // baseUrl "/": results' URLs from the site root, as the primary's ("/ru/items/x.html").
  await Promise.all(fresh.map((bundle) => engine.mergeIndex(base + bundle.path, { baseUrl: "/" })));
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
// its months; search.json says which months exist (no filter file is loaded for it). null: no range; []: nothing can match.
function monthRange() {
  const from = form.elements.from.value;
  const to = form.elements.to.value;
  if (!from && !to) {
    return null;
  }
  return manifest.months.filter((month) => (!from || month >= from) && (!to || month <= to));
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
  return countLine(count, "results");
}

// "120 matching pages; each story is listed once": when more stories match than were looked
// at, the exact count of matching pages (a story has one in each of its languages).
function pagesLine(count) {
  return countLine(count, "pages");
}

function countLine(count, kind) {
  const category = pluralRules.select(count);
  const key = kind + category[0].toUpperCase() + category.slice(1);
  const line = form.dataset[key] ?? form.dataset[kind + "Other"];
  return line.replaceAll("{count}", String(count));
}

// Pagefind's results without the stub's page and the base's pages a delta replaced or removed.
function visible(results) {
  return results.filter((result) => !result.id.startsWith("unknown_") && !hidden.has(result.id));
}

// The bundle a result comes from: its id is "<bundle language>_<hash>" ("ru_3f2a…",
// "ru-x-delta_…").
function bundleOf(result) {
  return result.id.slice(0, result.id.lastIndexOf("_"));
}

// Results in the order asked for, each with its data (loaded a few at a time, only as many as
// are shown). Relevance: Pagefind's own order. Newest first: Pagefind sorts within each merged
// bundle only (its score becomes the rank in that bundle), so the bundles' lists are merged here
// by date, peeking at each list's next result.
async function* ordered(results, newest) {
  if (!newest) {
    for (let start = 0; start < results.length; start += FRAGMENTS_AT_ONCE) {
      const batch = results.slice(start, start + FRAGMENTS_AT_ONCE);
      const data = await Promise.all(batch.map((result) => result.data()));
      yield* data;
    }
    return;
  }
  const lists = new Map();
  for (const result of results) {
    const bundle = bundleOf(result);
    lists.set(bundle, [...(lists.get(bundle) || []), result]);
  }
  const heads = [];
  for (const entries of lists.values()) {
    entries.sort((a, b) => b.score - a.score);
    heads.push({ entries, next: 1, data: await entries[0].data() });
  }
  while (heads.length) {
    heads.sort((a, b) => (b.data.meta.date || "").localeCompare(a.data.meta.date || ""));
    const head = heads[0];
    yield head.data;
    if (head.next < head.entries.length) {
      head.data = await head.entries[head.next++].data();
    } else {
      heads.shift();
    }
  }
}

// One entry per story (its pages share meta.story): the first met, in the order asked for, or
// a later-met version in the page's language, which takes its place. {stories, complete}:
// complete when every result was looked at, so the stories were counted exactly.
async function storiesOf(results, newest) {
  const stories = new Map();
  let seen = 0;
  for await (const data of ordered(results, newest)) {
    seen += 1;
    const key = data.meta.story || data.url;
    const kept = stories.get(key);
    if (!kept) {
      if (stories.size >= RESULTS_SHOWN) {
        break;
      }
      stories.set(key, data);
    } else if (data.meta.lang === pageLanguage && kept.meta.lang !== pageLanguage) {
      stories.set(key, data);
    }
  }
  return { stories: [...stories.values()], complete: seen === results.length };
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
  await mergeBundles(engine, query, filters);
  const months = monthRange();
  if (months && !months.length) {
    if (mine === latest) {
      list.replaceChildren();
      statusLine.textContent = form.dataset.none;
    }
    return;
  }
  const options = { filters: months ? { ...filters, month: { any: months } } : filters };
  const newest = extra.sort === "newest";
  if (newest) {
    options.sort = { date: "desc" };
  }
  const response = await engine.search(query ? segmented(query) : null, options);
  if (mine !== latest || !response) {
    return; // a newer search has started
  }
  const results = visible(response.results);
  const { stories, complete } = await storiesOf(results, newest);
  if (mine !== latest) {
    return;
  }
  list.replaceChildren(...stories.map(resultItem));
  if (!stories.length) {
    statusLine.textContent = form.dataset.none;
  } else {
    statusLine.textContent = complete
      ? resultsLine(stories.length)
      : pagesLine(results.length);
  }
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
