// The editor's hints for one persona (hints_by_persona): under a field's common hints, a folded
// part a persona of the scenario (<details>, opened with the keyboard too). Inside, the
// persona's own hint boxes, each with a button that removes it, and a button that takes them
// all away; or, when it has none, a button that gives it its own hints (a copy of the common
// ones). The parts stay open across the form's redraws. Prepended to editor.js (one module):
// editor.js calls personaHints().

/**
 * Make the persona parts of the panel (``model``); ``uid``: the panel's id prefix.
 * Returns ``parts(group, textBox)`` (the parts of a field, ``textBox(item)`` drawing a box) and
 * ``focusAfter(root)`` (the element to focus when the focused one is gone after a redraw).
 */
function personaHints(model, uid) {
  const open = new Set(); // the parts unfolded: "group/persona"
  let next = null; // what to focus once the part is drawn again: { key, what }
  const send = (m) => model.send(m);
  const key = (part) => `${part.group}/${part.persona}`;
  const partId = (part) => `${uid}-ph-${part.group}-${part.persona}`;

  const parts = (group, textBox) => {
    const items = model.get("items") || [];
    return (model.get("persona_parts") || []).filter((p) => p.group === group).map((part) => {
      const pid = partId(part);
      const boxes = items.map((item, i) => [item, i])
        .filter(([item]) => item.persona === part.persona && item.group === group)
        .map(([item, i], j) => {
          const field = textBox(item, i);
          if (item.remove) {
            field.append(h("div", { class: "bas-actions" }, h("button", {
              type: "button", id: `${pid}-rm${j}`, class: "bas-button bas-button--secondary bas-button--small",
              "aria-label": item.remove, "data-action": "remove_persona_hint",
              onclick: () => { next = { key: key(part), what: "box", until: Date.now() + 3000 }; send({ action: "set", path: item.path, value: "" }); },
            }, "Retirer")));
          }
          return field;
        });
      const buttons = [];
      if (part.add) {
        buttons.push(h("button", { type: "button", id: `${pid}-add`, class: "bas-button bas-button--secondary bas-button--small", "data-action": "persona_hints_start",
          onclick: () => { open.add(key(part)); next = { key: key(part), what: "box", until: Date.now() + 3000 }; send({ action: "persona_hints_start", index: part.field, persona: part.persona }); } }, part.add));
      }
      if (part.remove) {
        buttons.push(h("button", { type: "button", id: `${pid}-del`, class: "bas-button bas-button--secondary bas-button--small", "data-action": "persona_hints_remove",
          // Asked first (« Oui, supprimer » or « Annuler »): the focus comes back here after.
          onclick: () => { next = { key: key(part), what: "summary", until: Date.now() + 10 * 60000 }; send({ action: "persona_hints_remove", index: part.field, persona: part.persona }); } }, part.remove));
      }
      const details = h("details", { class: "bas-editor-persona-hints", id: pid, "data-part": key(part), "data-own": part.own ? "yes" : "no" },
        h("summary", { id: `${pid}-s` }, part.title),
        h("p", { class: "bas-help" }, part.note),
        ...boxes,
        buttons.length ? h("div", { class: "bas-actions" }, ...buttons) : null);
      details.open = open.has(key(part));
      details.addEventListener("toggle", () => { if (details.open) open.add(key(part)); else open.delete(key(part)); });
      return details;
    });
  };

  /** After a redraw that removed the focused button: the part's first box, or its summary. */
  const focusAfter = (root) => {
    if (!next || next.until < Date.now()) return null;
    const want = next;
    next = null;
    const part = [...root.querySelectorAll("details.bas-editor-persona-hints")].find((d) => d.dataset.part === want.key);
    if (!part) return null;
    if (want.what === "box") return part.querySelector("textarea, input") || part.querySelector("summary");
    return part.querySelector("button[data-action=persona_hints_start]") || part.querySelector("summary");
  };

  return { parts, focusAfter };
}
