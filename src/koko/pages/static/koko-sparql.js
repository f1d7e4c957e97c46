// The SPARQL page's editor: CodeMirror 6 (vendor/codemirror-6.0.2, see docs/third-party.md) in place of
// the plain text area, which stays in the form and is what gets submitted. Without this script the
// page is the plain form, and works the same.
"use strict";

(function () {
  const CM = window.KokoCodeMirror;
  const area = document.getElementById("query");
  const dataBlock = document.getElementById("sparql-editor-data");
  if (!CM || !area || !dataBlock) return;
  const data = JSON.parse(dataBlock.textContent);
  const form = area.form;

  // The same scan as koko.pages.sparql_editor: IRIs, strings and comments hide what looks like a prefix.
  const OPAQUE = /<[^<>"{}|^`\\\s]*>|"""(?:[^"\\]|\\.|"(?!""))*"""|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*/g;
  const DECLARED = /\bPREFIX\s+([A-Za-z][\w.-]*)?:/gi;
  const USED = /(?<![\w?$:.\-@])([A-Za-z][\w.-]*):/g;

  function missingPrefixes(text) {
    const plain = text.replace(OPAQUE, " ");
    const declared = new Set(Array.from(plain.matchAll(DECLARED), (m) => m[1]));
    const used = new Set(Array.from(plain.matchAll(USED), (m) => m[1]));
    return Array.from(used).filter((name) => name in data.prefixes && !declared.has(name)).sort();
  }

  // PREFIX lines for our prefixes the query uses undeclared, after its leading comments (as the server does).
  function declarePrefixes(view) {
    const doc = view.state.doc;
    const missing = missingPrefixes(doc.toString());
    if (!missing.length) return;
    let line = 1;
    while (line <= doc.lines && (!doc.line(line).text.trim() || doc.line(line).text.trim().startsWith("#"))) line++;
    const at = line <= doc.lines ? doc.line(line).from : doc.length;
    const text = missing.map((name) => `PREFIX ${name}: <${data.prefixes[name]}>`).join("\n");
    view.dispatch({ changes: { from: at, insert: at === doc.length && at > 0 ? "\n" + text : text + "\n" } });
  }

  const KEYWORDS = ["SELECT", "WHERE", "FILTER", "OPTIONAL", "ORDER BY", "GROUP BY", "LIMIT", "OFFSET", "DISTINCT",
    "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "UNION", "MINUS", "VALUES", "BIND", "COUNT", "LANG", "STR", "CONTAINS"];
  const options = [
    ...data.terms.map((t) => ({ label: t.label, type: t.type, detail: t.detail, info: t.info || undefined, boost: t.label.startsWith("koko:") ? 2 : 0 })),
    ...Object.keys(data.prefixes).map((name) => ({ label: name + ":", type: "namespace", detail: data.prefixes[name], boost: -1 })),
    ...KEYWORDS.map((word) => ({ label: word, type: "keyword", boost: -2 })),
  ].map((option) => ({
    ...option,
    apply(view, completion, from, to) {
      view.dispatch({ changes: { from, to, insert: completion.label }, selection: { anchor: from + completion.label.length } });
      if (completion.type !== "keyword") declarePrefixes(view);
    },
  }));

  function complete(context) {
    const word = context.matchBefore(/[A-Za-z][\w.-]*:?[\w.-]*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    return { from: word.from, options, validFor: /^[A-Za-z][\w.-]*:?[\w.-]*$/ };
  }

  // The editor lives in a shadow root: style-mod, CodeMirror's style injector, then puts its styles into a
  // constructed style sheet (adoptedStyleSheets), which the page's CSP (style-src 'self') does not govern,
  // where in the document itself it would add a <style> element that the policy blocks.
  const host = document.createElement("div");
  host.id = "query-editor";
  area.insertAdjacentElement("afterend", host);
  const shadow = host.attachShadow({ mode: "open" });
  const theme = CM.EditorView.theme({
    "&": { backgroundColor: "#fff", fontSize: "0.9em" },
    "&.cm-focused": { outline: "none" },
    ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", minHeight: "14em", maxHeight: "32em" },
    // The lint underline is a data: SVG image, which img-src 'self' blocks: a wavy text underline instead.
    ".cm-lintRange-error": { backgroundColor: "#fdd8d4", backgroundImage: "none", textDecoration: "underline wavy #b3261e" },
  });
  const view = new CM.EditorView({
    doc: area.value,
    root: shadow,
    parent: shadow,
    extensions: [
      // Before basicSetup, whose own Mod-Enter (insert a blank line) it overrides.
      CM.keymap.of([{ key: "Mod-Enter", run: () => { form.requestSubmit(); return true; } }]),
      CM.basicSetup,
      theme,
      CM.StreamLanguage.define(CM.sparql),
      CM.autocompletion({ override: [complete] }),
      CM.EditorView.lineWrapping,
      CM.EditorView.updateListener.of((update) => { if (update.docChanged) area.value = update.state.doc.toString(); }),
      // An id reference does not cross the shadow root, so the label is given by its text.
      CM.EditorView.contentAttributes.of({ "aria-label": document.querySelector("label[for=query]").textContent }),
    ],
  });
  area.hidden = true;
  document.querySelector("label[for=query]").addEventListener("click", () => view.focus());
  for (const hint of document.querySelectorAll(".sparql-editor-keys")) hint.hidden = false;

  form.addEventListener("submit", () => {
    declarePrefixes(view);
    area.value = view.state.doc.toString();
  });

  // The server's parse error: mark the spot in the editor and put the cursor there.
  const error = document.getElementById("error");
  if (error && error.dataset.line) {
    const doc = view.state.doc;
    const line = doc.line(Math.min(Math.max(Number(error.dataset.line), 1), doc.lines));
    const from = Math.min(line.from + Math.max(Number(error.dataset.column) - 1, 0), line.to);
    // The token at the position, or the character before the line's end when the parser stopped there.
    const token = /^[^\s{}()<>,;]+/.exec(line.text.slice(from - line.from));
    const range = token ? { from, to: from + token[0].length } : { from: Math.max(from - 1, line.from), to: from };
    view.dispatch(CM.setDiagnostics(view.state, [{ ...range, severity: "error", message: error.textContent }]));
    view.dispatch({ selection: { anchor: from }, scrollIntoView: true });
    for (const context of document.querySelectorAll(".error-context")) context.hidden = true;
  }

  // The examples fill the editor; their own form still runs them directly.
  const examples = document.getElementById("example");
  if (examples) {
    examples.addEventListener("change", () => {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: examples.value }, selection: { anchor: 0 } });
      view.focus();
    });
  }
})();
