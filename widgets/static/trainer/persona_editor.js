// The trainer's persona editor: the list, a draft (sex and age), the texts and a preview of the
// papers (identity card, RIB) as definition lists.

let counter = 0;

function box(kind, text) {
  return text ? [h("div", { class: `bas-box bas-box--${kind}` },
    ...text.split("\n").map((line) => h("p", {}, line)))] : [];
}

export default {
  render({ model, el }) {
    const id = `bas-personas-${++counter}`;
    el.classList.add("bas-host");
    const status = h("div", { class: "bas-live", role: "status" });
    const error = h("div", { class: "bas-live", role: "alert", id: `${id}-error` });
    const list = h("div", {});
    const form = h("div", {});
    const root = h("section", { class: "bas bas-console bas-personas", "aria-labelledby": `${id}-h1` },
      h("h1", { id: `${id}-h1`, class: "bas-title" }, "Personas fictifs"),
      status, error, list, form);
    el.append(root);
    const send = (m) => model.send(m);

    // --- a new draft, and the list ---------------------------------------------------------
    const sexId = `${id}-sex`;
    const ageId = `${id}-age`;
    const sex = h("select", { id: sexId, class: "bas-input" },
      h("option", { value: "F" }, "Femme"), h("option", { value: "M" }, "Homme"));
    const age = h("input", { id: ageId, class: "bas-input", type: "number", min: "0", max: "110", value: "35", inputmode: "numeric" });
    const draftBox = h("form", { class: "bas-persona-draft", "aria-labelledby": `${id}-new` },
      h("h2", { id: `${id}-new`, class: "bas-subtitle" }, "Nouveau persona"),
      h("p", { class: "bas-help" }, "Un personnage cohérent est tiré au hasard (un nouveau à chaque clic) : vous modifiez ensuite ses textes."),
      h("div", { class: "bas-field" }, h("label", { class: "bas-label", for: sexId }, "Sexe"), sex),
      h("div", { class: "bas-field" }, h("label", { class: "bas-label", for: ageId }, "Âge (en années)"), age),
      h("div", { class: "bas-actions" },
        h("button", { type: "submit", class: "bas-button bas-button--primary" }, "Tirer un nouveau persona")));
    draftBox.addEventListener("submit", (e) => {
      e.preventDefault();
      send({ action: "draft", sex: sex.value, age: Number.parseInt(age.value, 10) });
    });

    const drawList = () => {
      const personas = model.get("personas") || [];
      list.replaceChildren(
        draftBox,
        h("h2", { class: "bas-subtitle" }, "Personas existants"),
        h("p", { class: "bas-help" }, `Les personas sont enregistrés dans : ${model.get("folder")}`),
        personas.length
          ? h("ul", { class: "bas-persona-list" }, personas.map((p) => h("li", {},
            h("button", { type: "button", class: "bas-link", onclick: () => send({ action: "open", persona: p.id }) },
              `Modifier ${p.name}`),
            p.story ? h("span", { class: "bas-help" }, ` — ${p.story}`) : null)))
          : h("p", {}, "Aucun persona pour l'instant."));
    };

    // --- the form and the preview ----------------------------------------------------------
    const inputs = {};
    const texts = () => Object.fromEntries(Object.entries(inputs).map(([k, i]) => [k, i.value]));
    const drawForm = (focus = true) => {
      const editing = model.get("editing") || {};
      for (const key of Object.keys(inputs)) delete inputs[key];
      if (!editing.id) { form.replaceChildren(); return; }
      const fields = (model.get("fields") || []).map((f) => {
        const fid = `${id}-f-${f.key}`;
        const attrs = { id: fid, class: "bas-input", name: f.key, "aria-describedby": `${id}-error` };
        const input = f.multiline
          ? h("textarea", { ...attrs, rows: "3" })
          : h("input", { ...attrs, type: f.key === "email" ? "email" : f.key === "phone" ? "tel" : "text",
            autocomplete: "off", spellcheck: f.key === "story" ? "true" : "false" });
        input.value = (editing.texts || {})[f.key] || "";
        inputs[f.key] = input;
        return h("div", { class: "bas-field" }, h("label", { class: "bas-label", for: fid }, f.label), input);
      });
      const formEl = h("form", { "aria-labelledby": `${id}-edit` },
        h("h2", { id: `${id}-edit`, class: "bas-subtitle", tabindex: "-1" },
          editing.new ? "Nouveau persona (pas encore enregistré)" : `Persona « ${editing.id} »`),
        h("p", { class: "bas-help" }, editing.sex === "F" ? `Femme, née le ${editing.birth}` : `Homme, né le ${editing.birth}`),
        ...fields,
        h("div", { class: "bas-actions" },
          h("button", { type: "submit", class: "bas-button bas-button--primary" }, "Enregistrer"),
          h("button", { type: "button", class: "bas-button", onclick: () => send({ action: "preview", texts: texts() }) }, "Mettre à jour l'aperçu"),
          h("button", { type: "button", class: "bas-button", onclick: () => send({ action: "close" }) }, "Fermer")));
      formEl.addEventListener("submit", (e) => { e.preventDefault(); send({ action: "save", texts: texts() }); });
      const preview = h("section", { "aria-labelledby": `${id}-preview` },
        h("h2", { id: `${id}-preview`, class: "bas-subtitle" }, "Aperçu des papiers (spécimen)"),
        ...(model.get("documents") || []).map((d) => h("div", { class: "bas-box" },
          h("h3", { class: "bas-box-title" }, `${d.title} (${d.kind_label})`),
          h("dl", { class: "bas-persona-doc" }, ...d.lines.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])))));
      form.replaceChildren(formEl, preview);
      const heading = formEl.querySelector("h2");
      if (focus === true && heading && heading.isConnected) heading.focus({ preventScroll: false });
    };
    const drawDocuments = () => {
      // Redraw only the preview, keeping what is typed.
      const values = texts();
      drawForm(false);
      for (const [k, v] of Object.entries(values)) if (inputs[k]) inputs[k].value = v;
    };
    const drawMessages = () => {
      status.replaceChildren(...box("success", model.get("status")));
      error.replaceChildren(...box("problem", model.get("error")));
    };

    const onEditing = () => drawForm(true);
    drawList();
    drawForm(false);
    drawMessages();
    model.on("change:personas", drawList);
    model.on("change:folder", drawList);
    model.on("change:editing", onEditing);
    model.on("change:documents", drawDocuments);
    model.on("change:status", drawMessages);
    model.on("change:error", drawMessages);
    return () => {
      model.off("change:personas", drawList);
      model.off("change:folder", drawList);
      model.off("change:editing", onEditing);
      model.off("change:documents", drawDocuments);
      model.off("change:status", drawMessages);
      model.off("change:error", drawMessages);
    };
  },
};
