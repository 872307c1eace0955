// The root page: offers the reader's language first. The list of languages is there without
// JavaScript and nothing redirects; this script only marks the interface language that
// best matches the browser's preferred languages (navigator.languages, Accept-Language)
// and moves it to the head of the list, so the reader sees it and chooses.

const list = document.querySelector(".language-list");

function preferredEntry() {
  const entries = new Map(
    Array.from(list.querySelectorAll("li[data-lang]"), (li) => [li.dataset.lang, li]),
  );
  const wanted = navigator.languages && navigator.languages.length
    ? navigator.languages
    : [navigator.language || ""];
  for (const tag of wanted) {
    const entry = entries.get(tag.split("-")[0].toLowerCase());
    if (entry) {
      return entry;
    }
  }
  return null;
}

const entry = list ? preferredEntry() : null;
if (entry) {
  entry.classList.add("suggested");
  list.prepend(entry);
}
