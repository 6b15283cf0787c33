// Text helpers for the content script, free of any page state: offsets, the text of an editable element,
// and how a replacement is fitted into the sentence. The server counts code points; JavaScript strings
// count UTF-16 units, so every offset from the server goes through codePointIndex first.
"use strict";

var PMText = (() => {
  /** A function from a code-point offset in `text` to the UTF-16 index of the same place. */
  function codePointIndex(text) {
    const starts = [];
    for (let i = 0; i < text.length; i++) {
      starts.push(i);
      const code = text.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) i++;
    }
    starts.push(text.length);
    return (offset) => starts[Math.min(Math.max(offset, 0), starts.length - 1)];
  }

  const BLOCKS = new Set(["ADDRESS", "ARTICLE", "BLOCKQUOTE", "DIV", "H1", "H2", "H3", "H4", "H5", "H6", "LI", "OL", "P", "PRE", "SECTION", "TABLE", "TR", "UL"]);

  /**
   * The text of a contenteditable element as the PM sees it (a line break for <br> and between blocks),
   * with the text node behind every stretch of it, so an offset can be turned back into a DOM position.
   */
  function editableModel(root) {
    const parts = [];
    let text = "";
    const newline = () => {
      if (text && !text.endsWith("\n")) text += "\n";
    };
    const walk = (node) => {
      for (let child = node.firstChild; child; child = child.nextSibling) {
        if (child.nodeType === Node.TEXT_NODE) {
          parts.push({ node: child, start: text.length });
          text += child.nodeValue;
        } else if (child.nodeType === Node.ELEMENT_NODE) {
          if (child.tagName === "BR") {
            text += "\n";
            continue;
          }
          const block = BLOCKS.has(child.tagName);
          if (block) newline();
          walk(child);
          if (block) newline();
        }
      }
    };
    walk(root);
    return { text, parts };
  }

  /** The DOM position (text node and offset) of a UTF-16 index of an editableModel's text. */
  function domPosition(model, index) {
    let best = null;
    for (const part of model.parts) {
      if (part.start > index) break;
      best = part;
    }
    if (!best) return null;
    const offset = Math.min(index - best.start, best.node.nodeValue.length);
    return { node: best.node, offset };
  }

  /** The UTF-16 index, in an editableModel's text, of a DOM position (e.g. the caret). */
  function indexOf(model, node, offset) {
    if (node.nodeType === Node.TEXT_NODE) {
      const part = model.parts.find((p) => p.node === node);
      return part ? part.start + offset : -1;
    }
    const after = node.childNodes[offset];
    for (const part of model.parts) {
      if (after && (after === part.node || after.contains(part.node))) return part.start;
      if (!after && node.contains(part.node)) continue;
    }
    const inside = model.parts.filter((p) => node.contains(p.node));
    if (!after && inside.length) {
      const last = inside[inside.length - 1];
      return last.start + last.node.nodeValue.length;
    }
    return -1;
  }

  /**
   * A replacement as it should stand where the phrase was: without the trailing "…" that marks a
   * continuation, and with the first letter's case of the text it replaces (sentence start or not).
   */
  function fitReplacement(original, replacement) {
    let fitted = replacement.replace(/\s*(…|\.\.\.)\s*$/, "").trim();
    if (!fitted) return replacement;
    const first = original.charAt(0);
    const startsWord = /^[A-Z][a-z]/.test(fitted) && !/^I\b/.test(fitted);
    if (first && first === first.toLowerCase() && first !== first.toUpperCase() && startsWord) {
      fitted = fitted.charAt(0).toLowerCase() + fitted.slice(1);
    } else if (first && first !== first.toLowerCase()) {
      fitted = fitted.charAt(0).toUpperCase() + fitted.slice(1);
    }
    return fitted;
  }

  return { codePointIndex, editableModel, domPosition, indexOf, fitReplacement };
})();
