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
    const checks = field.checks || [];
    out.push(h("div", { class: "bas-help bas-rules", id: `${base}-rules` },
      h("p", {}, "Le mot de passe doit contenir :"),
      h("ul", {}, field.rules.map((rule, i) => h("li", { "data-check": checks[i] || null },
        h("span", { class: "bas-rule-mark", "aria-hidden": "true" }), rule,
        h("span", { class: "bas-sr bas-rule-state" }))))));
  }
  if (field.kind === "consent" && field.statement) {
    out.push(h("p", { class: "bas-statement", id: `${base}-statement` }, field.statement));
  }
  return out;
}

/** Whether a password meets one rule of the list ("min:8", "upper"…). */
function meets(check, value) {
  const [name, arg] = String(check).split(":");
  switch (name) {
    case "min": return value.length >= Number(arg);
    case "max": return value.length > 0 && value.length <= Number(arg);
    case "upper": return /\p{Lu}/u.test(value);
    case "lower": return /\p{Ll}/u.test(value);
    case "digit": return /\p{Nd}/u.test(value);
    case "special": return /[^\p{L}\p{Nd}\s]/u.test(value);
    default: return false;
  }
}

/** Tick each rule of a password as it is met; screen readers hear « (respecté) » on the list. */
function watchRules(input, rules) {
  const update = () => {
    for (const li of rules.querySelectorAll("li[data-check]")) {
      const ok = meets(li.dataset.check, input.value);
      li.classList.toggle("bas-rule--met", ok);
      li.querySelector(".bas-rule-mark").textContent = ok ? "✓" : "•";
      li.querySelector(".bas-rule-state").textContent = ok ? " (respecté)" : "";
    }
  };
  input.addEventListener("input", update);
  update();
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
  } else if (field.kind === "message") {
    control = h("textarea", {
      id: base, name: base, class: "bas-input bas-textarea", rows: 8,
      autocomplete: field.autocomplete || "off", spellcheck: "true",
      "aria-required": field.required ? "true" : null, "data-describedby": described.join(" ") || null,
    });
    control.value = str(field.value);
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
      const rules = parts.find((p) => p.id === `${base}-rules`);
      if (rules) watchRules(input, rules);
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
    p.textContent = frenchText(`Erreur : ${message}`);
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
  for (const node of wrapper.querySelectorAll("input, select, textarea")) {
    if (node.type === "radio") continue;
    if (message) node.setAttribute("aria-invalid", "true");
    else node.removeAttribute("aria-invalid");
  }
}

/** Empty a field the learner filled with what looked like real personal data. */
function clearField(root, base) {
  const wrapper = root.querySelector(`#${base}-field`);
  if (!wrapper) return;
  for (const input of wrapper.querySelectorAll("input, select, textarea")) {
    if (input.type === "radio" || input.type === "checkbox") input.checked = false;
    else input.value = "";
  }
}

