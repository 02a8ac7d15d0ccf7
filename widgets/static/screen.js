// One screen of the simulated site, rendered as a single accessible form (plain DOM, no framework).

const SIMULATION_TITLE = "Simulation — rien n'est envoyé";
const GROUP_KINDS = new Set(["date", "address", "radio", "checkboxes", "yesno", "upload"]);
const RADIO_KINDS = new Set(["radio", "yesno", "upload"]);

/** French plural: 0 and 1 take the singular. */
function plural(n, one, many) {
  return Math.abs(n) <= 1 ? one : many;
}

/** Put ``node`` in a live slot only when its text changed, so nothing is announced twice. */
function fill(slot, node) {
  const sig = node ? node.textContent : "";
  if (slot.dataset.sig === sig) return false;
  slot.dataset.sig = sig;
  slot.replaceChildren(...(node ? [node] : []));
  return true;
}

function whenConnected(el, fn, tries = 20) {
  if (el.isConnected) fn();
  else if (tries > 0) requestAnimationFrame(() => whenConnected(el, fn, tries - 1));
}

function str(value) {
  return value === null || value === undefined ? "" : String(value);
}

// --- fields -------------------------------------------------------------------------------

function firstInputId(field, base) {
  if (field.kind === "date") return `${base}-day`;
  if (field.kind === "address") return `${base}-street`;
  if (GROUP_KINDS.has(field.kind)) return `${base}-0`;
  return base;
}

function labelContent(field) {
  return [field.label, field.required ? h("span", { class: "bas-required" }, " (obligatoire)") : null];
}

/** Paragraphs shown before the input: help or expected format, password rules, statement. */
function describers(field, base, view) {
  const out = [];
  const help = field.help || field.format;
  if (field.kind === "upload") {
    const who = (view.persona && view.persona.first_name) || "votre personnage";
    out.push(h("p", { class: "bas-help", id: `${base}-help` },
      `Choisir un document de ${who}. C'est un document fictif : aucun fichier n'est envoyé.`,
      help ? ` ${help}` : null));
  } else if (help) {
    out.push(h("p", { class: "bas-help", id: `${base}-help` }, help));
  }
  if (field.kind === "password" && Array.isArray(field.rules) && field.rules.length) {
    out.push(h("div", { class: "bas-help", id: `${base}-rules` },
      h("p", {}, "Le mot de passe doit contenir :"),
      h("ul", {}, field.rules.map((rule) => h("li", {}, rule)))));
  }
  if (field.kind === "consent" && field.statement) {
    out.push(h("p", { class: "bas-statement", id: `${base}-statement` }, field.statement));
  }
  return out;
}

function textInput(field, base, described) {
  const attrs = {
    id: base, name: base, type: "text", class: "bas-input",
    autocomplete: field.autocomplete, value: str(field.value),
    "aria-required": field.required ? "true" : null,
    "data-describedby": described.join(" ") || null,
  };
  switch (field.kind) {
    case "email":
      Object.assign(attrs, { type: "email", inputmode: "email", spellcheck: "false", autocapitalize: "none" });
      break;
    case "phone":
      Object.assign(attrs, { type: "tel", inputmode: "tel" });
      break;
    case "password":
      Object.assign(attrs, { type: "password", spellcheck: "false", autocapitalize: "none", value: null });
      break;
    case "amount":
      Object.assign(attrs, { inputmode: "decimal" });
      break;
    case "nir":
    case "code":
    case "number":
      Object.assign(attrs, { inputmode: "numeric", spellcheck: "false", autocapitalize: "none" });
      if (field.kind === "code" && !field.autocomplete) attrs.autocomplete = "one-time-code";
      break;
    case "iban":
      Object.assign(attrs, { spellcheck: "false", autocapitalize: "characters" });
      break;
    default:
      break;
  }
  return h("input", attrs);
}

/** A field of a single control: label, describers, control, error slot, hint slot. */
function singleField(field, base, view) {
  const parts = describers(field, base, view);
  const described = parts.map((p) => p.id);
  let control;
  if (field.kind === "select") {
    control = h("select", {
      id: base, name: base, class: "bas-input bas-select", autocomplete: field.autocomplete,
      "aria-required": field.required ? "true" : null, "data-describedby": described.join(" ") || null,
    },
    h("option", { value: "" }, "Choisissez dans la liste"),
    (field.options || []).map((o) => h("option", { value: o.value, selected: field.value === o.value }, o.label)));
  } else if (field.kind === "consent") {
    const box = h("input", {
      id: base, name: base, type: "checkbox", class: "bas-check-input", checked: field.value === true,
      "aria-required": field.required ? "true" : null, "data-describedby": described.join(" ") || null,
    });
    return h("div", { class: "bas-field", id: `${base}-field`, "data-field": field.id },
      parts,
      h("div", { class: "bas-check" }, box, h("label", { for: base, class: "bas-check-label" }, labelContent(field))),
      h("div", { class: "bas-error-slot" }),
      h("div", { class: "bas-live", role: "status", id: `${base}-hint` }));
  } else {
    if (field.kind === "amount") {
      described.push(`${base}-unit`);
    }
    control = textInput(field, base, described);
    if (field.kind === "amount") {
      control = h("div", { class: "bas-input-unit" }, control,
        h("span", { class: "bas-unit", id: `${base}-unit` }, field.unit || "€"));
    } else if (field.kind === "password") {
      const input = control;
      const toggle = h("button", {
        type: "button", class: "bas-button bas-button--secondary bas-button--small",
        "aria-pressed": "false", "aria-controls": base,
      }, "Afficher le mot de passe");
      toggle.addEventListener("click", () => {
        const show = input.type === "password";
        input.type = show ? "text" : "password";
        toggle.setAttribute("aria-pressed", String(show));
      });
      control = h("div", { class: "bas-password" }, input, toggle);
    }
  }
  return h("div", { class: "bas-field", id: `${base}-field`, "data-field": field.id },
    h("label", { for: base, class: "bas-label" }, labelContent(field)),
    parts,
    control,
    h("div", { class: "bas-error-slot" }),
    h("div", { class: "bas-live", role: "status", id: `${base}-hint` }));
}

function choiceList(field, base, type, options, checked) {
  return h("div", { class: "bas-choices" }, options.map((o, i) => {
    const id = `${base}-${i}`;
    const helpId = o.help ? `${id}-help` : null;
    return h("div", { class: "bas-check" },
      h("input", {
        id, type, name: base, value: o.value, class: "bas-check-input",
        checked: checked(o.value), "aria-describedby": helpId,
      }),
      h("label", { for: id, class: "bas-check-label" }, o.label,
        o.help ? h("span", { class: "bas-option-help", id: helpId }, o.help) : null));
  }));
}

/** A field of grouped controls in a fieldset: date, address, radio, checkboxes, yes/no, upload. */
function groupField(field, base, view) {
  const parts = describers(field, base, view);
  const value = field.value;
  let body;
  const part = (suffix, label, attrs) => h("div", { class: `bas-part bas-part--${suffix}` },
    h("label", { for: `${base}-${suffix}`, class: "bas-label bas-label--part" }, label),
    h("input", {
      id: `${base}-${suffix}`, name: `${base}-${suffix}`, type: "text", class: "bas-input",
      ...attrs,
    }));
  if (field.kind === "date") {
    const v = value && typeof value === "object" ? value : {};
    const bday = field.autocomplete === "bday";
    const numeric = { inputmode: "numeric", spellcheck: "false" };
    body = h("div", { class: "bas-date" },
      part("day", "Jour", { ...numeric, maxlength: 2, value: str(v.day), autocomplete: bday ? "bday-day" : null }),
      part("month", "Mois", { ...numeric, maxlength: 2, value: str(v.month), autocomplete: bday ? "bday-month" : null }),
      part("year", "Année", { ...numeric, maxlength: 4, value: str(v.year), autocomplete: bday ? "bday-year" : null }));
  } else if (field.kind === "address") {
    const v = value && typeof value === "object" ? value : {};
    body = h("div", { class: "bas-address" },
      part("street", "Numéro et nom de la rue", { value: str(v.street), autocomplete: "street-address" }),
      part("postcode", "Code postal", { value: str(v.postcode), autocomplete: "postal-code", inputmode: "numeric", maxlength: 5 }),
      part("city", "Ville", { value: str(v.city), autocomplete: "address-level2" }));
  } else if (field.kind === "checkboxes") {
    const chosen = new Set(Array.isArray(value) ? value : []);
    body = choiceList(field, base, "checkbox", field.options || [], (v) => chosen.has(v));
  } else if (field.kind === "yesno") {
    const options = [{ value: "oui", label: "Oui" }, { value: "non", label: "Non" }];
    const current = value === true ? "oui" : value === false ? "non" : value;
    body = choiceList(field, base, "radio", options, (v) => current === v);
  } else if (field.kind === "upload") {
    const docs = (field.documents || []).map((d) => ({ value: d.id, label: d.title, help: d.kind }));
    body = docs.length
      ? choiceList(field, base, "radio", docs, (v) => value === v)
      : h("p", {}, "Aucun document disponible. Prévenez l'animateur.");
  } else {
    body = choiceList(field, base, "radio", field.options || [], (v) => value === v);
  }
  const described = parts.map((p) => p.id);
  return h("div", { class: "bas-field", id: `${base}-field`, "data-field": field.id },
    h("fieldset", {
      class: "bas-fieldset", id: `${base}-group`,
      "data-describedby": described.join(" ") || null,
      "aria-describedby": described.join(" ") || null,
      role: RADIO_KINDS.has(field.kind) ? "radiogroup" : null,
      "aria-required": RADIO_KINDS.has(field.kind) && field.required ? "true" : null,
    },
    h("legend", { class: "bas-legend" }, labelContent(field)),
    parts,
    body,
    h("div", { class: "bas-error-slot" })),
    h("div", { class: "bas-live", role: "status", id: `${base}-hint` }));
}

function renderField(field, screenId, view) {
  const base = `bas-${screenId}-${field.id}`;
  return GROUP_KINDS.has(field.kind) ? groupField(field, base, view) : singleField(field, base, view);
}

/** The value of one field, in the shape the Runner expects. */
function readField(root, field, base) {
  const byId = (id) => root.querySelector(`#${id}`);
  const val = (id) => (byId(id) ? byId(id).value : "");
  switch (field.kind) {
    case "date":
      return { day: val(`${base}-day`), month: val(`${base}-month`), year: val(`${base}-year`) };
    case "address":
      return { street: val(`${base}-street`), postcode: val(`${base}-postcode`), city: val(`${base}-city`) };
    case "radio":
    case "yesno":
    case "upload": {
      const checked = root.querySelector(`input[name="${base}"]:checked`);
      return checked ? checked.value : null;
    }
    case "checkboxes":
      return [...root.querySelectorAll(`input[name="${base}"]:checked`)].map((i) => i.value);
    case "consent":
      return byId(base) ? byId(base).checked : false;
    default:
      return val(base);
  }
}

/** Show or clear a field's error in place: text, aria-invalid, aria-describedby. */
function applyFieldError(root, field, base) {
  const wrapper = root.querySelector(`#${base}-field`);
  if (!wrapper) return;
  const errorId = `${base}-error`;
  const slot = wrapper.querySelector(".bas-error-slot");
  const message = field.error;
  if (message) {
    const p = slot.querySelector("p") || h("p", { class: "bas-error-text", id: errorId });
    p.textContent = `Erreur : ${message}`;
    if (!p.isConnected) slot.append(p);
  } else {
    slot.replaceChildren();
  }
  wrapper.classList.toggle("bas-field--error", Boolean(message));
  const described = wrapper.querySelector(GROUP_KINDS.has(field.kind) ? `#${base}-group` : `#${base}`);
  if (described) {
    const own = (described.dataset.describedby || "").split(" ").filter(Boolean);
    const ids = message ? [...own, errorId] : own;
    if (ids.length) described.setAttribute("aria-describedby", ids.join(" "));
    else described.removeAttribute("aria-describedby");
  }
  for (const node of wrapper.querySelectorAll("input, select")) {
    if (node.type === "radio") continue;
    if (message) node.setAttribute("aria-invalid", "true");
    else node.removeAttribute("aria-invalid");
  }
}

/** Empty a field the learner filled with what looked like real personal data. */
function clearField(root, base) {
  const wrapper = root.querySelector(`#${base}-field`);
  if (!wrapper) return;
  for (const input of wrapper.querySelectorAll("input, select")) {
    if (input.type === "radio" || input.type === "checkbox") input.checked = false;
    else input.value = "";
  }
}

// --- boxes --------------------------------------------------------------------------------

function box(kind, title, ...children) {
  return h("div", { class: `bas-box bas-box--${kind}` },
    title ? h("p", { class: "bas-box-title" }, title) : null, ...children);
}

function errorSummary(view) {
  const errors = view.errors || [];
  const screenId = view.screen.id;
  const count = errors.length;
  const titleId = `bas-${screenId}-summary-title`;
  const fields = Object.fromEntries((view.screen.fields || []).map((f) => [f.id, f]));
  const node = h("div", { class: "bas-error-summary", tabindex: "-1", "aria-labelledby": titleId },
    h("h2", { id: titleId, class: "bas-error-summary-title" },
      `Il y a ${count} ${plural(count, "erreur", "erreurs")}`),
    h("p", {}, count > 1 ? "Corrigez-les pour continuer." : "Corrigez-la pour continuer."),
    h("ul", {}, errors.map((e) => {
      const field = fields[e.field_id] || { kind: "text" };
      const target = firstInputId(field, `bas-${screenId}-${e.field_id}`);
      return h("li", {}, h("a", {
        href: `#${target}`,
        onclick: (event) => {
          const input = document.getElementById(target);
          if (!input) return;
          event.preventDefault();
          input.focus();
          input.scrollIntoView({ block: "center" });
        },
      }, `${e.label} : ${e.message}`));
    })));
  return node;
}

function hintBox(hint) {
  const title = hint.count > 1 ? `Indice ${hint.level} sur ${hint.count}` : "Indice";
  return box("hint", title, h("p", {}, hint.text));
}

function closing(view, send) {
  const ui = view.ui || {};
  const receipt = view.receipt || {};
  const parts = [];
  if (view.screen.role === "receipt" || receipt.number) {
    parts.push(box("success", "Votre démarche est terminée.",
      receipt.number ? h("p", {}, "Votre numéro de dossier : ", h("strong", { class: "bas-number" }, receipt.number)) : null));
  }
  for (const paragraph of view.screen.body || []) parts.push(h("p", {}, paragraph));
  const close = ui.closing;
  if (close) {
    const titleId = `bas-${view.screen.id}-closing`;
    parts.push(h("section", { class: "bas-closing", "aria-labelledby": titleId },
      h("h2", { id: titleId }, close.title),
      h("ul", {}, (close.lines || []).map((line) => h("li", {}, line)))));
  }
  parts.push(h("p", { class: "bas-sandbox-note" }, "C'était une simulation : rien n'a été envoyé."));
  parts.push(h("div", { class: "bas-actions" },
    h("button", { type: "button", class: "bas-button bas-button--primary", onclick: () => send({ action: "restart" }) }, "Recommencer"),
    h("button", { type: "button", class: "bas-button bas-button--secondary", onclick: () => send({ action: "catalogue" }) }, "Choisir un autre exercice")));
  return parts;
}

function review(view, send) {
  return (view.review || []).map((section) => {
    const titleId = `bas-review-${section.screen_id}`;
    return h("section", { class: "bas-review", "aria-labelledby": titleId },
      h("h2", { id: titleId, class: "bas-review-title" }, section.title),
      h("dl", { class: "bas-review-list" }, (section.items || []).map((item) => [
        h("dt", {}, item.label), h("dd", {}, item.display)])),
      h("button", {
        type: "button", class: "bas-link",
        onclick: () => send({ action: "back", to: section.screen_id }),
      }, "Modifier", h("span", { class: "bas-sr" }, ` : ${section.title}`)));
  });
}

// --- the screen ---------------------------------------------------------------------------

function build(root, view, send, dom) {
  const screen = view.screen;
  const step = view.step || {};
  const finished = screen.role === "receipt" || view.status === "finished";
  const fields = screen.fields || [];
  const titleId = `bas-${screen.id}-title`;
  dom.title = h("h1", { id: titleId, tabindex: "-1", class: "bas-title" }, screen.title);
  dom.cookies = h("div", { class: "bas-cookies-slot" });
  dom.summary = h("div", { class: "bas-live", role: "alert" });
  dom.warning = h("div", { class: "bas-live", role: "alert" });
  dom.status = h("div", { class: "bas-live", role: "status" });
  dom.problem = h("div", { class: "bas-live", role: "alert" });
  dom.form = h("form", { class: "bas-form", novalidate: true, "aria-labelledby": titleId });

  const content = [];
  if (screen.intro) content.push(h("p", { class: "bas-intro" }, screen.intro));
  if (finished) {
    content.push(...closing(view, send));
  } else {
    for (const paragraph of screen.body || []) content.push(h("p", {}, paragraph));
    if (screen.role === "review") content.push(...review(view, send));
    if (fields.length) content.push(h("div", { class: "bas-fields" }, fields.map((f) => renderField(f, screen.id, view))));
    if (fields.length) {
      content.push(h("div", { class: "bas-help-row" },
        h("button", {
          type: "button", class: "bas-button bas-button--help",
          onclick: () => send({ action: "hint", field: dom.lastField || null }),
        }, "J'ai besoin d'aide")));
    }
    content.push(dom.status, dom.problem);
    content.push(h("div", { class: "bas-actions" },
      h("button", { type: "submit", class: "bas-button bas-button--primary" }, screen.continue_label || "Continuer"),
      screen.can_go_back
        ? h("button", { type: "button", class: "bas-button bas-button--secondary", onclick: () => send({ action: "back" }) }, "Retour")
        : null));
  }
  if (finished) content.push(dom.status, dom.problem);

  dom.form.append(
    step.count ? h("div", { class: "bas-step" },
      h("p", { class: "bas-step-label" }, step.label || `Étape ${step.index} sur ${step.count}`),
      h("progress", { max: step.count, value: step.index, "aria-hidden": "true" })) : null,
    dom.title,
    dom.summary,
    dom.warning,
    ...content);
  dom.form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (finished) return;
    const values = {};
    for (const f of fields) values[f.id] = readField(dom.form, f, `bas-${screen.id}-${f.id}`);
    send({ action: "submit", values });
  });
  dom.form.addEventListener("focusin", (event) => {
    const wrapper = event.target.closest && event.target.closest("[data-field]");
    if (wrapper) dom.lastField = wrapper.dataset.field;
  });

  const scenario = view.scenario || {};
  root.setAttribute("aria-label", scenario.service ? `Site simulé : ${scenario.service}` : "Site simulé");
  root.replaceChildren(
    h("div", { class: "bas-notice", role: "note" },
      h("p", { class: "bas-notice-title" }, SIMULATION_TITLE),
      h("p", {}, view.notice || "Rien n'est envoyé."),
      scenario.title ? h("p", {}, `Exercice : ${scenario.title}`) : null),
    h("div", { class: "bas-site" },
      h("div", { class: "bas-site-header" }, h("p", { class: "bas-service" }, scenario.service || "")),
      dom.cookies,
      dom.form));
}

function cookieBanner(send) {
  const titleId = "bas-cookies-title";
  return h("section", { class: "bas-cookies", "aria-labelledby": titleId },
    h("p", { class: "bas-box-title", id: titleId }, "Ce site utilise des cookies"),
    h("p", {}, "Les cookies servent à mesurer la visite du site. Vous pouvez les accepter ou les refuser."),
    h("p", {}, "Ici, c'est un exercice : votre choix n'est pas gardé."),
    h("div", { class: "bas-actions bas-actions--equal" },
      h("button", { type: "button", class: "bas-button bas-button--secondary", onclick: () => send({ action: "cookies", accept: true }) }, "Tout accepter"),
      h("button", { type: "button", class: "bas-button bas-button--secondary", onclick: () => send({ action: "cookies", accept: false }) }, "Tout refuser")));
}

/** Update what changes without a new screen: errors, summary, alerts, hints, cookie banner. */
function refresh(view, send, dom) {
  const ui = view.ui || {};
  const screen = view.screen;
  const fields = screen.fields || [];
  const failedSubmit = ui.action === "submit" && ui.failed;
  for (const field of fields) {
    const base = `bas-${screen.id}-${field.id}`;
    applyFieldError(dom.form, field, base);
    // Only right after the check that found it: later updates must not wipe new typing.
    const checked = ui.action === "submit" || ui.action === "check";
    if (checked && field.error_kind === "personal_data") clearField(dom.form, base);
  }

  const errors = view.errors || [];
  let focusTarget = null;
  if (errors.length && (failedSubmit || dom.summary.firstChild)) {
    if (failedSubmit) dom.summary.dataset.sig = "";
    fill(dom.summary, errorSummary(view));
    if (failedSubmit) focusTarget = dom.summary.firstChild;
  } else if (!errors.length) {
    fill(dom.summary, null);
  }

  if (view.warning) {
    const changed = fill(dom.warning, box("warning", "Attention à vos données", h("p", {}, view.warning)));
    dom.warning.firstChild.setAttribute("tabindex", "-1");
    if ((changed || failedSubmit) && !focusTarget) focusTarget = dom.warning.firstChild;
  } else {
    fill(dom.warning, null);
  }

  if (view.cookies && !dom.cookies.firstChild) {
    dom.cookies.append(cookieBanner(send));
  } else if (!view.cookies && dom.cookies.firstChild) {
    const hadFocus = dom.cookies.contains(document.activeElement);
    dom.cookies.replaceChildren();
    if (hadFocus) focusTarget = dom.title;
  }

  const hint = view.hint;
  let hintSlot = null;
  for (const field of fields) {
    const slot = dom.form.querySelector(`#bas-${screen.id}-${field.id}-hint`);
    if (!slot) continue;
    if (hint && hint.field_id === field.id) {
      hintSlot = slot;
      if (ui.action === "hint") slot.dataset.sig = "";
      fill(slot, hintBox(hint));
    } else {
      fill(slot, null);
    }
  }
  if (hint && !hintSlot) {
    if (ui.action === "hint") dom.status.dataset.sig = "";
    fill(dom.status, hintBox(hint));
    hintSlot = dom.status;
  } else {
    if (ui.action === "hint") dom.status.dataset.sig = "";
    fill(dom.status, ui.notice ? box("info", null, h("p", {}, ui.notice)) : null);
  }
  if (ui.action === "hint" && hintSlot && hintSlot.firstChild) {
    hintSlot.firstChild.scrollIntoView({ block: "nearest" });
  }

  fill(dom.problem, ui.problem ? box("problem", "Un problème est survenu", h("p", {}, ui.problem)) : null);

  if (focusTarget) {
    focusTarget.setAttribute("tabindex", "-1");
    // Show the top of the box (its title), even when it is taller than the screen.
    focusTarget.scrollIntoView({ block: "start" });
    focusTarget.focus({ preventScroll: true });
  }
}

export default {
  render({ model, el }) {
    // A region landmark: Voilà renders widgets in its own shell, outside the page's <main>.
    const root = document.createElement("section");
    root.className = "bas bas-screen";
    root.setAttribute("aria-label", "Site simulé");
    el.classList.add("bas-host");
    el.append(root);
    const state = { key: null, timer: null, screenId: null };
    let dom = {};
    // The session warning lives at the end of the page's body so that it stays in view:
    // Jupyter's containers clip or scroll anything fixed or sticky inside them.
    const portal = h("div", { class: "bas bas-timeout", role: "alert" });
    const hideTimeout = () => {
      fill(portal, null);
      portal.remove();
    };

    const send = (message) => model.send({ ...message, from: state.screenId });

    const showTimeout = () => {
      const previous = document.activeElement;
      const button = h("button", { type: "button", class: "bas-button bas-button--primary" }, "Prolonger ma session");
      button.addEventListener("click", () => {
        hideTimeout();
        startTimer();
        send({ action: "extend" });
        const back = previous && previous.isConnected && previous !== document.body ? previous : dom.title;
        back.focus();
      });
      if (!portal.isConnected) document.body.append(portal);
      fill(portal, box("timeout", "Votre session va bientôt expirer",
        h("p", {}, "Vous avez encore du temps. Appuyez sur le bouton pour continuer. Vos réponses sont gardées."),
        button));
      // Bring the button within reach, unless the learner is typing in a field.
      const typing = previous && previous.matches && previous.matches("input, select, textarea");
      if (!typing) button.focus({ preventScroll: true });
    };

    const startTimer = () => {
      hideTimeout();
      clearTimeout(state.timer);
      state.timer = null;
      const after = Number((model.get("view") || {}).timeout_after);
      if (after > 0) state.timer = setTimeout(showTimeout, after * 1000);
    };

    const lost = () => !document.activeElement || document.activeElement === document.body;

    // A new screen: show its top and put focus on its title. On the first render, only when
    // focus was lost (the page just loaded, or the button that opened the exercise is gone).
    const focusTitle = (first) => whenConnected(root, () => setTimeout(() => {
      if (first && !lost()) return;
      const top = first ? el.closest(".bas-app") || root : root;
      top.scrollIntoView({ block: "start" });
      if (dom.title && dom.title.isConnected) dom.title.focus({ preventScroll: true });
    }, 0));

    const update = () => {
      const view = model.get("view") || {};
      if (!view.screen) {
        root.replaceChildren(h("p", { class: "bas-screen-loading" }, "Chargement…"));
        state.key = null;
        return;
      }
      const ui = view.ui || {};
      const key = `${ui.run || 0}|${view.screen.id}|${view.status}`;
      if (key !== state.key) {
        const first = state.key === null;
        state.key = key;
        state.screenId = view.screen.id;
        dom = {};
        build(root, view, send, dom);
        refresh(view, send, dom);
        startTimer();
        focusTitle(first);
      } else {
        refresh(view, send, dom);
      }
    };

    model.on("change:view", update);
    update();
    return () => {
      model.off("change:view", update);
      clearTimeout(state.timer);
      hideTimeout();
    };
  },
};
