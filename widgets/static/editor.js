// The trainer's editor: choose a scenario, then a screen, then edit its texts. Each text is
// sent when it is left (change event); the learner's screen beside the form (a ScreenView) is
// then drawn again. Findings of the check are listed with their line numbers.

let counter = 0;

function box(kind, title, ...children) {
  return h("section", { class: `bas-box bas-box--${kind}`, "aria-label": title },
    h("p", { class: "bas-box-title" }, title), ...children);
}

export default {
  render({ model, el }) {
    const id = `bas-edit-${++counter}`;
    el.classList.add("bas-host");
    const root = h("section", { class: "bas bas-console bas-editor-panel", "aria-labelledby": `${id}-h1` });
    el.append(root);
    const send = (m) => model.send(m);

    const messages = () => {
      const out = h("div", {});
      if (model.get("status")) out.append(h("div", { class: "bas-live", role: "status" }, box("info", "Information", h("p", { class: "bas-editor-message" }, model.get("status")))));
      if (model.get("error")) out.append(h("div", { class: "bas-live", role: "alert" }, box("problem", "Un problème est survenu", h("p", { class: "bas-editor-message" }, model.get("error")))));
      return out;
    };

    const findings = () => {
      const list = model.get("findings") || [];
      if (!list.length) return null;
      return h("section", { class: "bas-editor-findings", "aria-labelledby": `${id}-findings` },
        h("h2", { id: `${id}-findings`, class: "bas-subtitle" }, "Résultat de la vérification"),
        h("ul", {}, list.map((f) => h("li", { class: `bas-finding bas-finding--${f.severity}` },
          h("strong", {}, `${f.severity === "error" ? "Erreur" : "Attention"}, ligne ${f.line} : `),
          f.message, f.fix ? h("span", { class: "bas-help" }, ` — ${f.fix}`) : null))));
    };

    const choose = () => {
      const choices = model.get("choices") || [];
      const select = h("select", { id: `${id}-scenario`, class: "bas-input bas-select", name: "scenario" },
        h("option", { value: "" }, "— Choisir —"),
        choices.map((c) => h("option", { value: c.id, selected: c.id === model.get("scenario") }, c.title)));
      return h("form", { class: "bas-editor-choose", onsubmit: (e) => { e.preventDefault(); send({ action: "open", scenario: select.value }); } },
        h("div", { class: "bas-field" }, h("label", { class: "bas-label", for: select.id }, "Scénario"), select),
        h("div", { class: "bas-actions" }, h("button", { type: "submit", class: "bas-button bas-button--secondary", "data-action": "open" }, "Ouvrir")));
    };

    const screens = () => {
      const list = model.get("screens") || [];
      const select = h("select", { id: `${id}-screen`, class: "bas-input bas-select", name: "screen",
        onchange: () => send({ action: "screen", index: Number(select.value) }) },
        list.map((s) => h("option", { value: s.index, selected: s.index === model.get("screen") }, `${s.index + 1}. ${s.title}`)));
      return h("div", { class: "bas-field" }, h("label", { class: "bas-label", for: select.id }, "Écran à modifier"), select);
    };

    const texts = () => {
      const groups = [];
      let current = null;
      (model.get("items") || []).forEach((item, i) => {
        if (!current || current.group !== item.group) {
          current = { group: item.group, node: h("fieldset", { class: "bas-editor-group" }, h("legend", {}, item.group_label)) };
          groups.push(current);
        }
        const inputId = `${id}-t${i}`;
        const attrs = { id: inputId, class: "bas-input", name: item.path.join("."), "data-path": JSON.stringify(item.path),
          onchange: (e) => send({ action: "set", path: item.path, value: e.target.value }) };
        const input = item.multiline ? h("textarea", { ...attrs, rows: 2 }) : h("input", { ...attrs, type: "text" });
        input.value = item.value || "";
        current.node.append(h("div", { class: "bas-field" }, h("label", { class: "bas-label", for: inputId }, item.label), input));
      });
      return h("div", { class: "bas-editor-texts" }, groups.map((g) => g.node));
    };

    const actions = () => {
      const variant = h("input", { id: `${id}-variant`, class: "bas-input", type: "text", name: "variant", autocomplete: "off" });
      return h("div", { class: "bas-editor-actions" },
        h("p", { class: "bas-help", role: "status" }, model.get("changed") ? "Des modifications ne sont pas encore enregistrées." : "Aucune modification en attente."),
        h("div", { class: "bas-actions" },
          h("button", { type: "button", class: "bas-button bas-button--secondary", "data-action": "validate", onclick: () => send({ action: "validate" }) }, "Vérifier"),
          h("button", { type: "button", class: "bas-button bas-button--primary", "data-action": "save", onclick: () => send({ action: "save" }) }, "Enregistrer")),
        h("form", { class: "bas-editor-variant", onsubmit: (e) => { e.preventDefault(); send({ action: "variant", id: variant.value }); } },
          h("div", { class: "bas-field" }, h("label", { class: "bas-label", for: variant.id }, "Identifiant de la nouvelle variante"),
            h("p", { class: "bas-help" }, "Minuscules, chiffres et tirets, par exemple caf-prime-activite-2."), variant),
          h("div", { class: "bas-actions" }, h("button", { type: "submit", class: "bas-button bas-button--secondary", "data-action": "variant" }, "Enregistrer comme variante"))));
    };

    const draw = () => {
      const active = document.activeElement;
      const focused = active && root.contains(active) ? active.id : null;
      const parts = [h("h1", { id: `${id}-h1`, class: "bas-title" }, "Adapter un scénario"), messages(), choose()];
      if (model.get("scenario")) parts.push(screens(), texts(), findings(), actions());
      root.replaceChildren(...parts.filter(Boolean));
      if (focused) { const again = root.querySelector(`#${CSS.escape(focused)}`); if (again) again.focus(); }
    };

    draw();
    for (const name of ["choices", "scenario", "screens", "screen", "items", "findings", "changed", "error", "status"]) {
      model.on(`change:${name}`, draw);
    }
  },
};
