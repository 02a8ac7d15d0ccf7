// The editor's preview: the learner's screen (the ScreenView of the panel's "preview" trait,
// drawn through anywidget's host) in a sticky column beside the form with its own scroll on a
// wide screen; right after the text box being edited on a narrow one. The field whose text
// has the focus is scrolled into the preview's view and outlined, and so is its hint.
// Prepended to editor.js (one module): editor.js calls previewPane().

const WIDE_SCREEN = "(min-width: 56.25em)"; // 900 px at the default text size, less when zoomed

/** The element that scrolls the page around ``node``. */
function pageScroller(node) {
  for (let n = node.parentElement; n; n = n.parentElement) {
    const overflow = getComputedStyle(n).overflowY;
    if ((overflow === "auto" || overflow === "scroll") && n.scrollHeight > n.clientHeight) return n;
  }
  return document.scrollingElement || document.documentElement;
}

/** What the text at ``item`` changes in the preview: ``area`` (a field, the title…), ``detail``. */
function previewSpot(screen, item) {
  const path = item.path || [];
  if (path[0] === "screens" && path[2] === "fields") {
    const field = screen.querySelector(`[data-field="${CSS.escape(String(item.group))}"]`);
    if (!field) return { area: null, detail: null };
    const which = { hints: '[id$="-hint"]', hints_by_persona: '[id$="-hint"]', help: ".bas-help", statement: ".bas-statement", errors: ".bas-error-text" }[path[4]];
    const detail = which ? field.querySelector(which) : null;
    return { area: field, detail: detail && detail.textContent.trim() ? detail : null };
  }
  if (path[0] === "screens") {
    const key = path[2];
    let node = null;
    if (key === "intro") node = screen.querySelector(".bas-intro");
    else if (key === "continue_label") node = screen.querySelector('.bas-actions [type="submit"]');
    else if (key === "body") node = screen.querySelectorAll(".bas-form > p:not([class])")[path[3]];
    return { area: node || screen.querySelector("h1"), detail: null };
  }
  return { area: screen.querySelector(".bas-form") || screen, detail: null }; // a diagnostic's
}

/** Scroll ``box`` (not the page) so that ``area``, and ``detail`` above all, are in view. */
function scrollWithin(box, area, detail) {
  const frame = box.getBoundingClientRect();
  const top = Math.max(frame.top, 0) + 8;
  const bottom = Math.min(frame.bottom, window.innerHeight) - 8;
  let delta = area.getBoundingClientRect().top - top;
  if (detail) {
    const end = detail.getBoundingClientRect().bottom;
    if (end - delta > bottom) delta = end - bottom;
  }
  box.scrollTop += delta;
}

/**
 * Make the preview pane of the panel (``model``), drawn once and kept across the form's redraws.
 * Returns ``node`` (to put in the layout), ``place(layout, anchor)`` and ``show(item)``.
 */
function previewPane(model, host, uid) {
  const wide = window.matchMedia(WIDE_SCREEN);
  const mountPoint = h("div", {}); // the ScreenView's own element (it styles it)
  const screenBox = h("div", { class: "bas-editor-preview-scroll" }, mountPoint);
  const node = h("div", { class: "bas-editor-preview", role: "group", "aria-labelledby": `${uid}-preview-h` },
    h("h2", { id: `${uid}-preview-h`, class: "bas-subtitle bas-editor-preview-title" }, "Aperçu de l'écran"),
    h("p", { class: "bas-help" }, "Tel que les apprenants le voient. Le champ modifié est encadré."),
    h("p", { class: "bas-help bas-editor-playing" }, model.get("playing") || ""),
    screenBox);
  // Which persona is played: the hints shown are its own (hints_by_persona) if it has some.
  model.on("change:playing", () => { node.querySelector(".bas-editor-playing").textContent = frenchText(model.get("playing") || ""); });
  let item = null; // the text being edited: { group, path }
  let shown = null;
  const mount = async (ref) => {
    if (!ref || !host || ref === shown) return;
    shown = ref;
    const widget = await host.getWidget(ref);
    await widget.render({ el: mountPoint });
    const screenModel = await host.getModel(ref);
    // Drawn again after an edit or a hint: outline the same spot again (the form keeps focus).
    screenModel.on("change:view", () => requestAnimationFrame(() => reveal(false)));
  };
  mount(model.get("preview")).catch((e) => console.warn("bas: preview", e));
  model.on("change:preview", () => mount(model.get("preview")).catch((e) => console.warn("bas: preview", e)));

  const reveal = (scroll = true) => {
    for (const n of screenBox.querySelectorAll(".bas-editor-target")) n.classList.remove("bas-editor-target");
    const screen = screenBox.querySelector(".bas-screen");
    if (!item || !screen) return;
    const { area, detail } = previewSpot(screen, item);
    if (!area) return;
    area.classList.add("bas-editor-target");
    if (detail) detail.classList.add("bas-editor-target");
    const inForm = document.activeElement && !node.contains(document.activeElement);
    if (scroll || inForm) scrollWithin(screenBox, area, detail);
  };

  /** Put the pane in the layout's second column, or after ``anchor`` on a narrow screen. */
  const place = (layout, anchor) => {
    if (wide.matches || !anchor) {
      if (node.parentNode !== layout) layout.append(node);
      return;
    }
    if (anchor.nextSibling !== node) anchor.after(node);
  };

  /** The text box of ``item`` got the focus (``box``): move the pane there, show its spot. */
  const follow = (layout, box, next) => {
    item = next;
    const before = box.getBoundingClientRect().top;
    place(layout, box.closest(".bas-field"));
    const moved = box.getBoundingClientRect().top - before;
    const scroller = pageScroller(box);
    if (moved) scroller.scrollBy(0, moved); // the text box stays where the eyes are
    requestAnimationFrame(() => {
      reveal(true);
      if (wide.matches) return;
      // Narrow: the text (its label too) and the preview under it in view, the text first.
      const field = box.closest(".bas-field") || box;
      const top = Math.max(scroller === document.scrollingElement ? 0 : scroller.getBoundingClientRect().top, 0);
      const overflow = node.getBoundingClientRect().bottom - window.innerHeight + 8;
      const room = field.getBoundingClientRect().top - top - 8;
      if (overflow > 0 && room > 0) scroller.scrollBy(0, Math.min(overflow, room));
    });
  };

  return { node, place, follow, reveal, wide };
}
