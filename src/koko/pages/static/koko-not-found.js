// The static site's 404 page: it cannot compute on the server, so it lists here the pages whose path or
// name is closest to the address asked for, from the search index the site ships (/-/search-index.js,
// window.KOKO_SEARCH). The server's 404 does the same with difflib (koko.pages.browse.suggestions); the
// measure here is the similarity of letter pairs (Dice), so the two may order close calls differently.
"use strict";
(function () {
  var MAX = 5, CUTOFF = 0.6;

  function fold(text) {
    return text.toLowerCase().replace(/ß/g, "ss").normalize("NFD").replace(/\p{M}/gu, "");
  }

  function pairs(text) {
    var found = {};
    for (var i = 0; i < text.length - 1; i++) found[text.slice(i, i + 2)] = (found[text.slice(i, i + 2)] || 0) + 1;
    return found;
  }

  function dice(a, b) {
    if (a === b) return 1;
    if (a.length < 2 || b.length < 2) return 0;
    var pa = pairs(a), pb = pairs(b), shared = 0;
    Object.keys(pa).forEach(function (k) { if (pb[k]) shared += Math.min(pa[k], pb[k]); });
    return (2 * shared) / (a.length + b.length - 2);
  }

  function last(path) {
    var parts = path.replace(/\/+$/, "").split("/");
    return fold(parts[parts.length - 1].replace(/-/g, " "));
  }

  function suggest(box, index) {
    var lang = box.dataset.lang, li = lang === "en" ? 1 : 0;
    var asked = fold(decodeURIComponent(window.location.pathname)).replace(/\/+$/, ""), tail = last(asked);
    var scored = index.docs.map(function (doc) {
      var title = doc.t[li], score = Math.max(dice(asked, fold(doc.u)), dice(tail, last(doc.u)), dice(tail, fold(title)));
      return { score: score, title: title, href: doc.u };
    }).filter(function (s) { return s.score >= CUTOFF; });
    scored.sort(function (a, b) { return b.score - a.score || (fold(a.title) < fold(b.title) ? -1 : 1); });
    if (!scored.length) return;
    var list = document.createElement("ul");
    list.className = "suggestions";
    scored.slice(0, MAX).forEach(function (s) {
      var item = document.createElement("li"), link = document.createElement("a");
      link.href = lang === "en" ? s.href + "?lang=en" : s.href;
      link.textContent = s.title;
      item.append(link);
      list.append(item);
    });
    var heading = document.createElement("h2");
    heading.textContent = box.dataset.heading;
    box.append(heading, list);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("not-found-suggestions");
    if (box && window.KOKO_SEARCH) suggest(box, window.KOKO_SEARCH);
  });
})();
