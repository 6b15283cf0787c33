// Underlines trust findings and vague terms in textareas and contenteditable fields, after a pause in
// typing. Everything drawn lives in one shadow root laid over the page (underlines never touch the
// page's DOM or its text); the page's own events and typing are never blocked or delayed.
"use strict";

(() => {
  if (window.__pmAssistant) return;
  window.__pmAssistant = true;

  const PAUSE_MS = 600;
  const MAX_CHARS = 50000;
  const NOTICE_MS = 8000;
  const COLOURS = {
    // The app's colours (app/components.py): a tint behind the phrase and a stronger line under it.
    error: { tint: "#ffd6d6", line: "#d93025" },
    warning: { tint: "#ffe9b3", line: "#e8a200" },
    suggestion: { tint: "#e3ecff", line: "#3b6fd8" },
    vague: { tint: "#f1f1f1", line: "#888888" },
  };
  const STYLE = `
    :host { all: initial; }
    .layer { position: fixed; inset: 0; pointer-events: none; z-index: 2147483646; }
    .marks { mix-blend-mode: multiply; } /* the tint darkens the page's text instead of veiling it */
    .pm-mark { position: fixed; pointer-events: none; border-bottom: 2px solid; border-radius: 1px; }
    .pm-mark.vague { border-bottom-style: dotted; }
    .pm-popup, .pm-badge, .pm-notice { pointer-events: auto; font: 13px/1.4 system-ui, sans-serif; color: #222;
      background: #fff; border: 1px solid #ccc; border-radius: 6px; box-shadow: 0 2px 8px rgba(0,0,0,.15); }
    .pm-popup { position: fixed; max-width: 22rem; padding: .6rem .7rem; }
    .pm-popup .title { font-weight: 600; margin-bottom: .3rem; }
    .pm-popup .why { color: #444; margin-bottom: .4rem; }
    .pm-replacement { display: block; width: 100%; text-align: left; margin-top: .25rem; padding: .3rem .45rem;
      font: inherit; background: #f4f8ff; border: 1px solid #c9d8f5; border-radius: 4px; cursor: pointer; }
    .pm-replacement:hover { background: #e3ecff; }
    .pm-badge { position: fixed; padding: .15rem .5rem; font-size: 12px; white-space: nowrap; opacity: .92; }
    .pm-badge a { color: #3b6fd8; text-decoration: none; margin-left: .4rem; }
    .pm-notice { position: fixed; right: 16px; bottom: 16px; padding: .45rem .7rem; font-size: 12px; color: #555;
      transition: opacity .6s; }
    .pm-notice.gone { opacity: 0; pointer-events: none; }
  `;

  const host = document.createElement("pm-assistant-overlay");
  const shadow = host.attachShadow({ mode: "open" });
  shadow.innerHTML = `<style>${STYLE}</style><div class="layer marks"></div><div class="layer"></div>`;
  const marksLayer = shadow.querySelector(".marks");
  const layer = shadow.querySelector(".layer:not(.marks)");
  const fields = new Map(); // field element -> { timer, seq, text, marks, analysis, appUrl }
  const noticesShown = new Set();
  let popup = null;
  let redrawQueued = false;

  function attachHost() {
    if (!host.isConnected) (document.body || document.documentElement).appendChild(host);
  }

  // ------------------------------------------------------------------ which elements are checked
  function editableRoot(target) {
    if (!(target instanceof Element)) return null;
    if (target.tagName === "TEXTAREA") return target.readOnly || target.disabled ? null : target;
    if (!target.isContentEditable) return null;
    let root = target;
    while (root.parentElement && root.parentElement.isContentEditable) root = root.parentElement;
    return root;
  }

  function textOf(field) {
    return field.tagName === "TEXTAREA" ? field.value : PMText.editableModel(field).text;
  }

  // ------------------------------------------------------------------ asking the server
  function schedule(field) {
    const state = fields.get(field) || { seq: 0, marks: [], analysis: null };
    fields.set(field, state);
    clearTimeout(state.timer);
    state.marks = [];
    closePopup();
    queueRedraw();
    state.timer = setTimeout(() => check(field, state), PAUSE_MS);
  }

  function check(field, state) {
    const text = textOf(field);
    const seq = ++state.seq;
    if (!text.trim() || text.length > MAX_CHARS) return;
    let reply;
    try {
      reply = chrome.runtime.sendMessage({ type: "analyze", text });
    } catch (_error) {
      return; // the extension was reloaded; this page's script is orphaned
    }
    reply.then((answer) => {
      if (seq !== state.seq || textOf(field) !== text) return; // typed on meanwhile: a newer check follows
      if (!answer || !answer.ok) return notice(answer ? answer.reason : "unreachable", answer && answer.detail);
      state.text = text;
      state.appUrl = answer.appUrl;
      state.analysis = answer.data;
      state.marks = marksOf(text, answer.data);
      queueRedraw();
    }, () => {});
  }

  function marksOf(text, analysis) {
    const at = PMText.codePointIndex(text);
    const trust = (analysis.findings || []).map((f) => ({
      kind: f.severity, rule: f.rule_id, start: at(f.start), end: at(f.end),
      title: f.message, why: f.why, replacements: f.replacements || [],
    }));
    const vague = (analysis.ambiguities || []).map((a) => ({
      kind: "vague", rule: a.rule_id, start: at(a.start), end: at(a.end),
      title: a.message, why: a.question, replacements: [],
    }));
    return [...trust, ...vague];
  }

  function notice(reason, detail) {
    if (noticesShown.has(reason)) return;
    noticesShown.add(reason);
    attachHost();
    const text = {
      unreachable: "PM assistant: the local server is not running, so nothing is checked. Start it with `assistant serve`.",
      unauthorized: "PM assistant: the server refused the token. Set it in the extension's options.",
      "not-local": "PM assistant: the server URL in the options is not on this machine, so nothing is sent.",
      slow: "PM assistant: the local server is taking too long to answer; underlines may lag.",
    }[reason] || `PM assistant: the server could not check this text (${detail || reason}).`;
    const box = document.createElement("div");
    box.className = "pm-notice";
    box.setAttribute("role", "status");
    box.dataset.reason = reason;
    box.textContent = text;
    shadow.appendChild(box);
    setTimeout(() => box.classList.add("gone"), NOTICE_MS);
  }

  // ------------------------------------------------------------------ where a span is on screen
  function spanRects(field, start, end) {
    if (field.tagName === "TEXTAREA") return textareaRects(field, start, end);
    const model = PMText.editableModel(field);
    const from = PMText.domPosition(model, start);
    const to = PMText.domPosition(model, end);
    if (!from || !to) return [];
    const range = document.createRange();
    range.setStart(from.node, from.offset);
    range.setEnd(to.node, to.offset);
    return [...range.getClientRects()];
  }

  const mirror = document.createElement("div");
  const COPIED = ["boxSizing", "width", "height", "fontFamily", "fontSize", "fontWeight", "fontStyle", "letterSpacing",
    "lineHeight", "textTransform", "wordSpacing", "textIndent", "paddingTop", "paddingRight", "paddingBottom",
    "paddingLeft", "borderTopWidth", "borderRightWidth", "borderBottomWidth", "borderLeftWidth", "tabSize"];

  function textareaRects(field, start, end) {
    // A hidden copy of the textarea laid exactly over it: the same box, font and wrapping, scrolled alike.
    const style = getComputedStyle(field);
    const box = field.getBoundingClientRect();
    for (const name of COPIED) mirror.style[name] = style[name];
    Object.assign(mirror.style, {
      position: "fixed", left: `${box.left}px`, top: `${box.top}px`, visibility: "hidden", overflow: "hidden",
      whiteSpace: "pre-wrap", overflowWrap: "break-word", borderStyle: "solid", margin: "0",
    });
    const value = field.value;
    mirror.textContent = "";
    mirror.append(value.slice(0, start));
    const span = document.createElement("span");
    span.textContent = value.slice(start, end);
    mirror.append(span, value.slice(end) + "\u200b");
    shadow.appendChild(mirror);
    mirror.scrollTop = field.scrollTop;
    mirror.scrollLeft = field.scrollLeft;
    const rects = [...span.getClientRects()];
    mirror.remove();
    return rects.filter((r) => r.bottom > box.top && r.top < box.bottom);
  }

  // ------------------------------------------------------------------ drawing
  function queueRedraw() {
    if (redrawQueued) return;
    redrawQueued = true;
    requestAnimationFrame(() => {
      redrawQueued = false;
      redraw();
    });
  }

  function redraw() {
    layer.textContent = "";
    marksLayer.textContent = "";
    for (const [field, state] of fields) {
      if (!field.isConnected) {
        fields.delete(field);
        continue;
      }
      if (!state.marks.length && !state.analysis) continue;
      attachHost();
      state.marks.forEach((mark, index) => {
        const colour = COLOURS[mark.kind] || COLOURS.suggestion;
        for (const rect of spanRects(field, mark.start, mark.end)) {
          const line = document.createElement("div");
          line.className = `pm-mark ${mark.kind === "vague" ? "vague" : "trust"}`;
          line.dataset.rule = mark.rule;
          line.dataset.index = String(index);
          Object.assign(line.style, {
            left: `${rect.left}px`, top: `${rect.top}px`, width: `${rect.width}px`, height: `${rect.height}px`,
            background: colour.tint, borderBottomColor: colour.line,
          });
          marksLayer.appendChild(line);
        }
      });
      if (state.analysis && field === document.activeElement) drawBadge(field, state);
    }
    if (popup) layer.appendChild(popup.element);
  }

  function drawBadge(field, state) {
    const missing = (state.analysis.context || []).filter((c) => !c.present);
    const complexity = state.analysis.complexity || [];
    const badge = document.createElement("div");
    badge.className = "pm-badge";
    badge.addEventListener("mousedown", (e) => e.preventDefault()); // the field keeps focus, the link its click
    const summary = document.createElement("span");
    summary.textContent = `${missing.length} missing context · ${complexity.length} likely complexity`;
    summary.title = [
      missing.length ? `Missing: ${missing.map((c) => c.label).join(", ")}` : "No context missing",
      complexity.length ? `Likely complexity: ${complexity.map((c) => c.title).join(", ")}` : "No complexity flags",
    ].join("\n");
    const link = document.createElement("a");
    link.href = state.appUrl;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.textContent = "Open in app ↗";
    badge.append(summary, link);
    const box = field.getBoundingClientRect();
    Object.assign(badge.style, { right: `${Math.max(window.innerWidth - box.right, 0)}px`, top: `${box.bottom + 2}px` });
    layer.appendChild(badge);
  }

  // ------------------------------------------------------------------ explaining and applying
  function caretIndex(field) {
    if (field.tagName === "TEXTAREA") return field.selectionStart === field.selectionEnd ? field.selectionStart : -1;
    const selection = window.getSelection();
    if (!selection || !selection.isCollapsed || !field.contains(selection.anchorNode)) return -1;
    return PMText.indexOf(PMText.editableModel(field), selection.anchorNode, selection.anchorOffset);
  }

  function onClick(event) {
    if (event.composedPath().includes(host)) return;
    const field = editableRoot(event.target);
    const state = field && fields.get(field);
    closePopup();
    if (!state || !state.marks.length || textOf(field) !== state.text) return;
    const caret = caretIndex(field);
    const index = state.marks.findIndex((m) => m.start <= caret && caret <= m.end);
    if (index >= 0) openPopup(field, state, index);
  }

  function openPopup(field, state, index) {
    const mark = state.marks[index];
    const element = document.createElement("div");
    element.className = "pm-popup";
    element.dataset.rule = mark.rule;
    element.addEventListener("mousedown", (e) => e.preventDefault()); // keep the field's focus and caret
    const title = document.createElement("div");
    title.className = "title";
    title.textContent = mark.title;
    const why = document.createElement("div");
    why.className = "why";
    why.textContent = mark.kind === "vague" ? `Engineers will ask: ${mark.why}` : mark.why;
    element.append(title, why);
    const original = state.text.slice(mark.start, mark.end);
    for (const replacement of mark.replacements) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "pm-replacement";
      const fitted = PMText.fitReplacement(original, replacement);
      button.textContent = fitted;
      button.addEventListener("click", () => {
        closePopup();
        apply(field, mark, fitted);
      });
      element.appendChild(button);
    }
    const rect = spanRects(field, mark.start, mark.end)[0] || field.getBoundingClientRect();
    Object.assign(element.style, { left: `${rect.left}px`, top: `${rect.bottom + 6}px` });
    popup = { element };
    queueRedraw();
  }

  function closePopup() {
    if (!popup) return;
    popup.element.remove();
    popup = null;
  }

  function apply(field, mark, replacement) {
    const text = textOf(field);
    let end = mark.end;
    if (/[.?!]$/.test(replacement) && /[.?!]/.test(text.charAt(end))) end += 1; // no "?." after a sentence
    field.focus();
    if (field.tagName === "TEXTAREA") {
      field.setSelectionRange(mark.start, end);
      if (!document.execCommand("insertText", false, replacement)) {
        field.setRangeText(replacement, mark.start, end, "end");
        field.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertReplacementText" }));
      }
      return;
    }
    const model = PMText.editableModel(field);
    const from = PMText.domPosition(model, mark.start);
    const to = PMText.domPosition(model, end);
    if (!from || !to) return;
    const range = document.createRange();
    range.setStart(from.node, from.offset);
    range.setEnd(to.node, to.offset);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    if (!document.execCommand("insertText", false, replacement)) {
      range.deleteContents();
      range.insertNode(document.createTextNode(replacement));
      field.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertReplacementText" }));
    }
  }

  // ------------------------------------------------------------------ events (all passive)
  document.addEventListener("input", (event) => {
    const field = editableRoot(event.target);
    if (field) schedule(field);
  }, true);
  document.addEventListener("focusin", (event) => {
    const field = editableRoot(event.target);
    if (field && !fields.has(field)) schedule(field);
    else queueRedraw();
  }, true);
  document.addEventListener("focusout", () => queueRedraw(), true);
  document.addEventListener("click", onClick, true);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closePopup();
  }, true);
  window.addEventListener("scroll", queueRedraw, { capture: true, passive: true });
  window.addEventListener("resize", queueRedraw, { passive: true });
})();
