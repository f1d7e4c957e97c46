// Search on the static site: the rules of koko.pages.search, run in the browser over the index that
// `koko site` writes to /-/search-index.js (window.KOKO_SEARCH). The server computes each query word's
// Snowball stem; here a word's stem is looked up among the stems of the words the data contains, so a
// word form that never occurs in the data is found by prefix only (docs/search.md).
"use strict";
(function () {
  var WORD = /[\p{L}\p{N}]+/gu;
  var NAME = 0, QUOTE = 2, MAX_QUERY = 200, MAX_WORDS = 8;

  function fold(word) {
    return word.toLowerCase().replace(/ß/g, "ss").normalize("NFD").replace(/\p{M}/gu, "");
  }

  function tokens(text, stems) {
    var found = [], match;
    WORD.lastIndex = 0;
    while ((match = WORD.exec(text)) !== null) {
      var form = fold(match[0]);
      found.push({ start: match.index, end: match.index + match[0].length, form: form, stem: stems[form] });
    }
    return found;
  }

  function queryWords(query, stems, prefix) {
    var words = [], seen = {};
    tokens(query.slice(0, MAX_QUERY), {}).forEach(function (t) {
      if (seen[t.form]) return;
      seen[t.form] = true;
      var variants = {};
      if (Object.prototype.hasOwnProperty.call(stems, t.form)) variants[stems[t.form]] = true;
      var bare = t.form.slice(0, -1);
      if (t.form.endsWith("s") && t.form.length > prefix + 1 && Object.prototype.hasOwnProperty.call(stems, bare)) {
        variants[stems[bare]] = true;
      }
      words.push({ form: t.form, stems: variants });
    });
    return words.slice(0, MAX_WORDS);
  }

  function finds(word, form, stem, prefix) {
    return word.stems[stem] === true || (word.form.length >= prefix && form.startsWith(word.form));
  }

  function compare(a, b) {
    for (var i = 0; i < a.length; i++) {
      if (a[i] < b[i]) return -1;
      if (a[i] > b[i]) return 1;
    }
    return 0;
  }

  function search(index, words, lang) {
    var li = lang === "en" ? 1 : 0, prefix = index.prefix, hits = [];
    if (!words.length) return hits;
    index.docs.forEach(function (doc) {
      var fields = doc.f.map(function (f) {
        var toks = tokens(f[2], index.stems);
        var has = words.map(function (w) {
          return toks.some(function (t) { return finds(w, t.form, t.stem, prefix); });
        });
        return { kind: f[0], lang: f[1], text: f[2], tokens: toks, has: has };
      });
      var title = doc.t[li];
      function key(f) { return [f.kind, f.text === title ? 0 : 1, f.tokens.length]; }
      function better(a, b) { return compare(key(a), key(b)) < 0; }
      var best = null, tier;
      fields.forEach(function (f) { if (f.has.every(Boolean) && (best === null || better(f, best))) best = f; });
      if (best !== null) {
        tier = best.kind;
      } else if (words.every(function (w, i) { return fields.some(function (f) { return f.has[i]; }); })) {
        fields.forEach(function (f) { if (f.has.some(Boolean) && (best === null || better(f, best))) best = f; });
        tier = QUOTE + 1;
      } else {
        return;
      }
      var exact = tier === NAME && best.tokens.map(function (t) { return t.form; }).join(" ") === words.map(function (w) { return w.form; }).join(" ") ? 0 : 1;
      hits.push({ doc: doc, field: best, rank: [tier, doc.o, exact, best.tokens.length, doc.t[li], doc.u] });
    });
    return hits.sort(function (a, b) { return compare(a.rank, b.rank); });
  }

  function passage(field, words, context, prefix) {
    var toks = field.tokens, text = field.text;
    var found = [];
    toks.forEach(function (t, i) { if (words.some(function (w) { return finds(w, t.form, t.stem, prefix); })) found.push(i); });
    if (!found.length) return [[text, false]];
    var first = Math.max(0, found[0] - context), last = Math.min(toks.length - 1, found[0] + 2 * context);
    var start = first === 0 ? 0 : toks[first].start, end = last === toks.length - 1 ? text.length : toks[last].end;
    var parts = start > 0 ? [["… ", false]] : [], position = start;
    found.forEach(function (i) {
      var t = toks[i];
      if (t.start < start || t.end > end) return;
      parts.push([text.slice(position, t.start), false], [text.slice(t.start, t.end), true]);
      position = t.end;
    });
    parts.push([text.slice(position, end), false]);
    if (end < text.length) parts.push([" …", false]);
    return parts.filter(function (p) { return p[0]; });
  }

  function withLanguage(path, lang) {
    if (lang !== "en") return path;
    var hash = path.indexOf("#"), location = hash < 0 ? path : path.slice(0, hash), fragment = hash < 0 ? "" : path.slice(hash);
    return location + (location.indexOf("?") < 0 ? "?" : "&") + "lang=en" + fragment;
  }

  function element(name, attributes, children) {
    var node = document.createElement(name);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    (children || []).forEach(function (child) { node.append(child); });
    return node;
  }

  function segments(parts) {
    return parts.map(function (p) { return p[1] ? element("mark", {}, [p[0]]) : document.createTextNode(p[0]); });
  }

  function paragraph(text) {
    return element("p", { "class": "search-note" }, [text]);
  }

  function render(box, index, query) {
    var lang = box.dataset.lang, li = lang === "en" ? 1 : 0, words = queryWords(query, index.stems, index.prefix);
    var out = [];
    if (!query) {
      out.push(paragraph(box.dataset.hint));
    } else if (!words.length) {
      out.push(paragraph("»" + query + "« — " + box.dataset.hint));
    } else {
      if (query.length > MAX_QUERY) out.push(paragraph(box.dataset.cut));
      var hits = search(index, words, lang);
      if (!hits.length) {
        out.push(paragraph(box.dataset.none + " »" + query + "«. " + box.dataset.hint));
      } else {
        var count = hits.length + " " + box.dataset.count + (hits.length > index.max ? ", " + box.dataset.first + " " + index.max : "");
        out.push(element("p", { "class": "search-count" }, [count]));
        var where = box.dataset.found.split("|"), list = element("ol", { "class": "search-hits" });
        hits.slice(0, index.max).forEach(function (hit) {
          var title = hit.doc.t[li], same = hit.field.kind === NAME && hit.field.text === title;
          var parts = passage(hit.field, words, index.context, index.prefix);
          var item = element("li", {}, [
            element("a", { href: withLanguage(hit.doc.u, lang) }, same ? segments(parts) : [title]),
            " ",
            element("span", { "class": "search-kind" }, [hit.doc.k[li]]),
          ]);
          if (!same) {
            var quote = element("q", hit.field.lang && hit.field.lang !== lang ? { lang: hit.field.lang } : {}, segments(parts));
            item.append(element("p", { "class": "search-passage" }, [element("span", { "class": "search-where" }, [where[hit.field.kind] + ":"]), " ", quote]));
          }
          list.append(item);
        });
        out.push(list);
      }
    }
    box.replaceChildren.apply(box, out);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("search-results");
    if (!box || !window.KOKO_SEARCH) return;
    var query = (new URLSearchParams(window.location.search).get("q") || "").trim();
    document.querySelectorAll("input[name=q]").forEach(function (input) { input.value = query.slice(0, MAX_QUERY); });
    render(box, window.KOKO_SEARCH, query);
  });
})();
