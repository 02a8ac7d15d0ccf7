// The persona's card: who the learner plays, contact details, fictional documents one tap away.
// In the exercise's sticky bar it is a button with the first name; the card opens under the bar.

let counter = 0;

const PERSON_ICON = '<circle cx="12" cy="8" r="4"/><path d="M4 21a8 8 0 0 1 16 0"/>';

/** An icon drawn with the text's colour, hidden from screen readers. */
function icon(paths) {
  const node = h("span", { class: "bas-icon", "aria-hidden": "true" });
  node.innerHTML = `<svg viewBox="0 0 24 24" focusable="false">${paths}</svg>`;
  return node;
}

/** A button that shows or hides the panel after it (disclosure pattern). */
function disclosure(label, panel, name = null) {
  // ``name`` says whose it is for screen readers; the visible label stays short (no wrapping).
  const button = h("button", {
    type: "button", class: "bas-button bas-button--disclosure", "aria-expanded": "false", "aria-controls": panel.id,
    "aria-label": name,
  }, label);
  panel.hidden = true;
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    panel.hidden = !open;
  });
  return h("div", { class: "bas-disclosure" }, button, panel);
}

function documentCard(doc, id) {
  const lines = Object.entries(doc.lines || {});
  return h("div", { class: "bas-document", id },
    h("span", { class: "bas-specimen", "aria-hidden": "true", "data-mark": "SPECIMEN" }),
    h("p", { class: "bas-document-fictif" }, "Document fictif — SPECIMEN"),
    h("p", { class: "bas-document-title" }, doc.title),
    h("dl", { class: "bas-document-lines" }, lines.map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)])));
}

export default {
  render({ model, el }) {
    const id = `bas-persona-${++counter}`;
    el.classList.add("bas-host");
    const word = h("span", { class: "bas-bar-word" });
    const toggle = h("button", {
      type: "button", class: "bas-button bas-button--bar bas-persona-toggle",
      "aria-expanded": "false", "aria-controls": `${id}-card`,
    }, icon(PERSON_ICON), h("span", { class: "bas-sr" }, "Votre personnage : "), word);
    const card = h("div", { class: "bas-persona-card bas-bar-panel", id: `${id}-card`, hidden: true });
    const root = h("section", { class: "bas bas-persona", "aria-label": "Votre personnage" }, toggle, card);
    el.append(root);

    const setOpen = (open, focusBack) => {
      toggle.setAttribute("aria-expanded", String(open));
      card.hidden = !open;
      if (!open && focusBack) toggle.focus();
    };
    toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true", false));
    card.addEventListener("keydown", (event) => {
      if (event.key === "Escape") setOpen(false, true);
    });

    const draw = () => {
      const p = model.get("persona") || {};
      const docs = model.get("documents") || [];
      root.hidden = !p.first_name;
      if (!p.first_name) {
        card.replaceChildren();
        return;
      }
      word.textContent = p.first_name;
      const name = `${p.first_name} ${p.last_name || ""}`.trim();
      const age = Number.isInteger(p.age) ? `, ${p.age} ans` : "";
      const details = h("dl", { class: "bas-details", id: `${id}-details` },
        (p.details || []).map((d) => [h("dt", {}, d.label), h("dd", {}, d.value)]));
      const docList = h("div", { class: "bas-documents", id: `${id}-documents` },
        h("p", { class: "bas-persona-note" }, "Ces documents sont fictifs. Ouvrez celui dont vous avez besoin."),
        docs.map((doc, i) => disclosure(doc.title, documentCard(doc, `${id}-doc-${i}`))));
      card.replaceChildren(
        h("p", { class: "bas-persona-name" }, `Vous êtes ${name}${age}`),
        p.story ? h("p", { class: "bas-persona-story" }, p.story) : null,
        h("p", { class: "bas-persona-note" }, "Personnage fictif : utilisez ses informations, jamais les vôtres."),
        h("div", { class: "bas-persona-tools" },
          disclosure("Coordonnées", details, `Coordonnées de ${p.first_name}`),
          docs.length ? disclosure(`Documents (${docs.length})`, docList,
            `Documents de ${p.first_name} (${docs.length})`) : null),
        h("button", { type: "button", class: "bas-button bas-button--secondary bas-bar-panel-close",
          onclick: () => setOpen(false, true) }, "Fermer la fiche"));
    };

    draw();
    model.on("change:persona", draw);
    model.on("change:documents", draw);
    return () => {
      model.off("change:persona", draw);
      model.off("change:documents", draw);
    };
  },
};
