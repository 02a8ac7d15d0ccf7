// The persona's card: who the learner plays, contact details, fictional documents one tap away.

let counter = 0;

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
    h("span", { class: "bas-specimen", "aria-hidden": "true" }, "SPECIMEN"),
    h("p", { class: "bas-document-fictif" }, "Document fictif — SPECIMEN"),
    h("p", { class: "bas-document-title" }, doc.title),
    h("dl", { class: "bas-document-lines" }, lines.map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)])));
}

export default {
  render({ model, el }) {
    const id = `bas-persona-${++counter}`;
    el.classList.add("bas-host");
    const root = h("section", { class: "bas bas-persona", "aria-label": "Votre personnage" });
    el.append(root);

    const draw = () => {
      const p = model.get("persona") || {};
      const docs = model.get("documents") || [];
      if (!p.first_name) {
        root.replaceChildren();
        return;
      }
      const name = `${p.first_name} ${p.last_name || ""}`.trim();
      const age = Number.isInteger(p.age) ? `, ${p.age} ans` : "";
      const details = h("dl", { class: "bas-details", id: `${id}-details` },
        (p.details || []).map((d) => [h("dt", {}, d.label), h("dd", {}, d.value)]));
      const docList = h("div", { class: "bas-documents", id: `${id}-documents` },
        h("p", { class: "bas-persona-note" }, "Ces documents sont fictifs. Ouvrez celui dont vous avez besoin."),
        docs.map((doc, i) => disclosure(doc.title, documentCard(doc, `${id}-doc-${i}`))));
      root.replaceChildren(
        h("p", { class: "bas-persona-name" }, `Vous êtes ${name}${age}`),
        p.story ? h("p", { class: "bas-persona-story" }, p.story) : null,
        h("p", { class: "bas-persona-note" }, "Personnage fictif : utilisez ses informations, jamais les vôtres."),
        h("div", { class: "bas-persona-tools" },
          disclosure("Coordonnées", details, `Coordonnées de ${p.first_name}`),
          docs.length ? disclosure(`Documents (${docs.length})`, docList,
            `Documents de ${p.first_name} (${docs.length})`) : null));
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
