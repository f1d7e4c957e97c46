// The brochure reader (koko.pages.reader): marks the lines a link asks for where no server did, as on the
// static site, which ignores the query string. ?from=89&to=92 or the fragment #L89-L92 mark lines 89–92;
// without this script, CSS :target marks the first line of #L89.
"use strict";
(function () {
  function range() {
    var params = new URLSearchParams(window.location.search);
    var match = /^#L(\d+)(?:-L?(\d+))?$/.exec(window.location.hash);
    var from = parseInt(params.get("from"), 10), to = parseInt(params.get("to"), 10);
    if (match && match[2]) { from = parseInt(match[1], 10); to = parseInt(match[2], 10); }
    if (isNaN(from)) return null;
    if (isNaN(to)) to = from;
    return from <= to ? [from, to] : [to, from];
  }

  function mark() {
    if (document.querySelector(".brochure-text mark")) return; // the server marked them
    var found = range();
    document.querySelectorAll(".brochure-text .line.marked").forEach(function (line) { line.classList.remove("marked"); });
    if (!found) return;
    var first = null;
    for (var n = found[0]; n <= found[1]; n++) {
      var line = document.getElementById("L" + n);
      if (!line) continue;
      line.classList.add("marked");
      first = first || line;
    }
    var note = document.querySelector(".passage-note[data-marked]");
    if (first && note) {
      var link = document.createElement("a");
      link.href = "#L" + found[0];
      link.textContent = found[0] === found[1] ? note.dataset.line + " " + found[0] : note.dataset.lines + " " + found[0] + "–" + found[1];
      note.textContent = note.dataset.marked + ": ";
      note.appendChild(link);
      note.hidden = false;
    }
    if (first && !document.querySelector(":target")) first.scrollIntoView();
  }

  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("hashchange", mark);
})();
