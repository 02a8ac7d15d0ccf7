// The trainer's editor: choose a scenario, then a screen, then edit its texts. Each text is
// sent when it is left (change event); the learner's screen beside the form (a ScreenView, see
// editor_preview.js) is then drawn again. A text box that gets the focus brings its field (and
// its hint, shown) into the preview's view, outlined. Findings of the check are listed with
// their line numbers.
// Under each field's common hints, a folded part a persona: its own hints
// (editor_persona_hints.js).
// Structure: fields and screens are added, moved up or down and removed with buttons whose
// accessible names say what they do ("Monter le champ « Nom »"); a removal asks first.

let counter = 0;

function box(kind, title, ...children) {
  return h("section", { class: `bas-box bas-box--${kind}`, "aria-label": title },
    h("p", { class: "bas-box-title" }, title), ...children);
}

export default {
  render({ model, el, host }) {
    const id = `bas-edit-${++counter}`;
    el.classList.add("bas-host");
    const root = h("section", { class: "bas bas-console bas-editor-panel", "aria-labelledby": `${id}-h1` });
    el.append(root);
    const send = (m) => model.send(m);
    const pane = previewPane(model, host, id);
    const personas = personaHints(model, id);
    const layout = h("div", { class: "bas-editor-layout" });
    let editing = null; // the id of the text box last focused
    let restoring = false; // draw() gives the focus back: nothing to send
    const anchor = () => {
      const box = editing && root.querySelector(`#${CSS.escape(editing)}`);
      const screen = root.querySelector(`#${id}-screen`);
      return (box || screen) ? (box || screen).closest(".bas-field") : null;
    };
    const onWidth = () => {
      if (model.get("scenario")) pane.place(layout, anchor());
    };
    pane.wide.addEventListener("change", onWidth);
    model.on("change:screen", () => { editing = null; }); // before draw: another screen's texts
    // Narrow: the pane sits right after the text being edited; Tab steps over it to the next text.
    root.addEventListener("keydown", (e) => {
      if (e.key !== "Tab" || pane.wide.matches || !root.contains(pane.node) || pane.node.contains(e.target)) return;
      const all = [...root.querySelectorAll("input, select, textarea, button, a[href]")]
        .filter((n) => !pane.node.contains(n) && !n.disabled && n.getClientRects().length);
      const next = all[all.indexOf(e.target) + (e.shiftKey ? -1 : 1)];
      if (!next || all.indexOf(e.target) < 0) return;
      const after = (a, b) => Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
      const over = e.shiftKey ? after(next, pane.node) && after(pane.node, e.target) : after(e.target, pane.node) && after(pane.node, next);
      if (!over) return;
      e.preventDefault();
      next.focus();
    });
    root.addEventListener("focusin", (e) => {
      const box = e.target;
      if (!box.dataset || !box.dataset.path || pane.node.contains(box)) return;
      const path = JSON.parse(box.dataset.path);
      editing = box.id;
      pane.follow(layout, box, { group: box.dataset.group, path });
      // A hint or an error message is shown in the preview first (the kernel draws it).
      const hint = ["hints", "errors"].includes(path[path.length - 2]) || path[path.length - 3] === "hints_by_persona";
      if (!restoring && hint) send({ action: "focus", path });
    });

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

    const button = (label, name, action, extra = {}) => h("button", { type: "button",
      class: "bas-button bas-button--secondary bas-button--small", "aria-label": name, "data-action": action, ...extra }, label);

    // The question box is kept while its question stays: a redraw between the press and the
    // release of « Oui, supprimer » (a text sent on blur) must not swallow the click.
    let asked = { question: null, node: null };
    const confirmBox = () => {
      const question = (model.get("confirm") || {}).question;
      if (!question) {
        asked = { question: null, node: null };
        return null;
      }
      if (asked.question === question) return asked.node;
      asked = { question, node: null, fresh: true };
      return asked.node = h("section", { class: "bas-editor-confirm", role: "alertdialog", "aria-labelledby": `${id}-confirm-q` },
        h("p", { id: `${id}-confirm-q`, class: "bas-editor-message" }, question),
        h("div", { class: "bas-actions" },
          h("button", { type: "button", id: `${id}-confirm-yes`, class: "bas-button bas-button--primary", "data-action": "confirm", onclick: () => send({ action: "confirm" }) }, "Oui, supprimer"),
          h("button", { type: "button", id: `${id}-confirm-no`, class: "bas-button bas-button--secondary", "data-action": "cancel", onclick: () => send({ action: "cancel" }) }, "Annuler")));
    };

    const screenTools = () => {
      const list = model.get("screens") || [];
      const i = model.get("screen");
      const cur = list[i];
      if (!cur) return null;
      const name = `l'écran « ${cur.title} »`;
      const title = h("input", { id: `${id}-new-screen`, class: "bas-input", type: "text", name: "new-screen", autocomplete: "off" });
      return h("section", { class: "bas-editor-structure", "aria-labelledby": `${id}-screen-tools` },
        h("h2", { id: `${id}-screen-tools`, class: "bas-subtitle" }, "Organisation des écrans"),
        h("div", { class: "bas-actions" },
          button("Monter l'écran", `Monter ${name}`, "move_screen", { id: `${id}-sup`, disabled: i === 0, onclick: () => send({ action: "move_screen", delta: -1 }) }),
          button("Descendre l'écran", `Descendre ${name}`, "move_screen", { id: `${id}-sdown`, disabled: i === list.length - 1, onclick: () => send({ action: "move_screen", delta: 1 }) }),
          button("Supprimer l'écran", `Supprimer ${name}`, "remove_screen", { id: `${id}-sdel`, onclick: () => send({ action: "remove_screen" }) })),
        h("form", { class: "bas-editor-add", onsubmit: (e) => { e.preventDefault(); send({ action: "add_screen", title: title.value }); } },
          h("div", { class: "bas-field" }, h("label", { class: "bas-label", for: title.id }, `Titre du nouvel écran (ajouté après « ${cur.title} »)`), title),
          h("div", { class: "bas-actions" }, h("button", { type: "submit", class: "bas-button bas-button--secondary", "data-action": "add_screen" }, "Ajouter l'écran"))));
    };

    const fieldTools = () => {
      const fields = model.get("fields") || [];
      const kind = h("select", { id: `${id}-new-kind`, class: "bas-input bas-select", name: "new-kind" },
        (model.get("kinds") || []).map((k) => h("option", { value: k.value }, k.label)));
      const label = h("input", { id: `${id}-new-label`, class: "bas-input", type: "text", name: "new-label", autocomplete: "off" });
      return h("section", { class: "bas-editor-structure", "aria-labelledby": `${id}-field-tools` },
        h("h2", { id: `${id}-field-tools`, class: "bas-subtitle" }, "Champs de l'écran"),
        fields.length ? h("ol", { class: "bas-editor-fields" }, fields.map((f, i) => {
          const name = `le champ « ${f.label} »`;
          return h("li", { class: "bas-editor-field" },
            h("span", {}, h("strong", {}, f.label), ` — ${f.kind_label}`),
            h("span", { class: "bas-actions" },
              button("Monter", `Monter ${name}`, "move_field", { id: `${id}-fup-${f.id}`, disabled: i === 0, onclick: () => send({ action: "move_field", index: i, delta: -1 }) }),
              button("Descendre", `Descendre ${name}`, "move_field", { id: `${id}-fdown-${f.id}`, disabled: i === fields.length - 1, onclick: () => send({ action: "move_field", index: i, delta: 1 }) }),
              button("Supprimer", `Supprimer ${name}`, "remove_field", { id: `${id}-fdel-${f.id}`, onclick: () => send({ action: "remove_field", index: i }) })));
        })) : h("p", { class: "bas-help" }, "Cet écran n'a pas de champ."),
        h("form", { class: "bas-editor-add", onsubmit: (e) => { e.preventDefault(); send({ action: "add_field", kind: kind.value, label: label.value }); } },
          h("div", { class: "bas-field" }, h("label", { class: "bas-label", for: kind.id }, "Type du nouveau champ"), kind),
          h("div", { class: "bas-field" }, h("label", { class: "bas-label", for: label.id }, "Libellé du nouveau champ"), label),
          h("div", { class: "bas-actions" }, h("button", { type: "submit", class: "bas-button bas-button--secondary", "data-action": "add_field" }, "Ajouter le champ"))));
    };

    const textBox = (item, i) => {
      const inputId = `${id}-t${i}`;
      // Sent when it is left (once), or when a redraw took its place before that (draw keeps it).
      const commit = (e) => {
        const box = e.target;
        if (box.value === box.dataset.sent) return;
        box.dataset.sent = box.value;
        send({ action: "set", path: item.path, value: box.value });
      };
      const attrs = { id: inputId, class: "bas-input", name: item.path.join("."), "data-path": JSON.stringify(item.path), "data-group": item.group,
        onchange: commit, onblur: commit };
      const input = item.multiline ? h("textarea", { ...attrs, rows: 2 }) : h("input", { ...attrs, type: "text" });
      input.value = item.value || "";
      input.dataset.sent = input.value;
      return h("div", { class: "bas-field" }, h("label", { class: "bas-label", for: inputId }, item.label), input);
    };

    const texts = () => {
      const groups = [];
      let current = null;
      const items = model.get("items") || [];
      const commonHint = (item) => item && !item.persona && item.path[item.path.length - 2] === "hints";
      items.forEach((item, i) => {
        if (!current || current.group !== item.group) {
          current = { group: item.group, node: h("fieldset", { class: "bas-editor-group" }, h("legend", {}, item.group_label)) };
          groups.push(current);
        }
        if (item.persona) return; // drawn in its persona's part
        current.node.append(textBox(item, i));
        // The last common hint of a field: each persona's part follows.
        const later = items.slice(i + 1).find((n) => !n.persona);
        if (commonHint(item) && !(commonHint(later) && later.group === item.group)) current.node.append(...personas.parts(item.group, textBox));
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
      // A text being typed when the kernel's answer to an earlier action arrives: kept as typed,
      // caret included, in the box of the same text (its index, so its id, may have moved).
      const typing = focused && active.dataset.path ? { path: active.dataset.path, value: active.value,
        dirty: active.value !== active.dataset.sent, start: active.selectionStart, end: active.selectionEnd } : null;
      const parts = [h("h1", { id: `${id}-h1`, class: "bas-title" }, "Adapter un scénario"), messages(), choose()];
      if (model.get("scenario")) {
        const form = [screens(), confirmBox(), screenTools(), fieldTools(), texts(), findings(), actions()];
        layout.replaceChildren(h("div", { class: "bas-editor-form" }, form.filter(Boolean)));
        parts.push(layout);
      }
      root.replaceChildren(...parts.filter(Boolean));
      if (model.get("scenario")) {
        pane.place(layout, anchor());
        requestAnimationFrame(() => pane.reveal(false));
      }
      // A new question takes the focus to its safe answer; afterwards the focus stays put.
      const fresh = Boolean((model.get("confirm") || {}).question && asked.fresh);
      asked.fresh = false;
      const sameText = typing && [...root.querySelectorAll("[data-path]")].find((n) => n.dataset.path === typing.path);
      let again = fresh ? root.querySelector(`#${id}-confirm-no`) : sameText || (focused ? root.querySelector(`#${CSS.escape(focused)}`) : null);
      if (!fresh && !again) again = personas.focusAfter(root); // a persona's part changed
      if (again && again.disabled) {
        // "Monter" is disabled once at the top: keep the focus on the same item's "Descendre".
        const other = again.id.replace(/-(f|s)(up|down)/, (_, k, d) => `-${k}${d === "up" ? "down" : "up"}`);
        again = root.querySelector(`#${CSS.escape(other)}`);
      }
      restoring = true;
      if (again && !again.disabled) again.focus();
      restoring = false;
      if (again && again === sameText) {
        if (typing.dirty) again.value = typing.value;
        if (again.value === typing.value) again.setSelectionRange(typing.start, typing.end);
      }
    };

    draw();
    for (const name of ["choices", "scenario", "screens", "screen", "items", "persona_parts", "fields", "kinds", "confirm", "findings", "changed", "error", "status"]) {
      model.on(`change:${name}`, draw);
    }
    return () => pane.wide.removeEventListener("change", onWidth);
  },
};
