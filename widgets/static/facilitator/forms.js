// The facilitator pages' form helpers: fields with their error paragraphs, choices, selects.

/** Fill a select with options (or optgroups), keeping the chosen value when it still exists. */
function fillSelect(select, items) {
  const kept = select.value;
  const nodes = [];
  const groups = new Map();
  for (const item of items) {
    const option = h("option", { value: item.value }, item.label);
    if (item.group) {
      if (!groups.has(item.group)) {
        const group = h("optgroup", { label: item.group });
        groups.set(item.group, group);
        nodes.push(group);
      }
      groups.get(item.group).append(option);
    } else nodes.push(option);
  }
  select.replaceChildren(...nodes);
  if (items.some((i) => String(i.value) === kept)) select.value = kept;
}

function durationLabel(minutes) {
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${hours} h ${String(rest).padStart(2, "0")}` : `${hours} h`;
}

/** A field: label, optional help, the control and its error paragraph (tied by aria-describedby). */
function field(id, label, control, help) {
  const error = h("p", { class: "bas-error-text", id: `${id}-error`, hidden: true });
  const helpNode = help ? h("p", { class: "bas-help", id: `${id}-help` }, help) : null;
  control.setAttribute("aria-describedby", [help ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(" "));
  const node = h("div", { class: "bas-field" }, h("label", { class: "bas-label", for: id }, label), helpNode, control, error);
  return { node, error, control };
}

/** A fieldset of checkboxes or radios, with its error paragraph. */
function choices(id, legend, type, name, items, checked) {
  const error = h("p", { class: "bas-error-text", id: `${id}-error`, hidden: true });
  const node = h("fieldset", { class: "bas-fieldset bas-field", id, "aria-describedby": `${id}-error` },
    h("legend", { class: "bas-legend" }, legend),
    h("div", { class: "bas-choices bas-choices--columns" }, items.map((item, i) => h("div", { class: "bas-check" },
      h("input", { type, class: "bas-check-input", name, id: `${id}-${i}`, value: item.value, checked: checked.includes(item.value) }),
      h("label", { class: "bas-check-label", for: `${id}-${i}` }, item.label,
        item.help ? h("span", { class: "bas-option-help" }, item.help) : null)))),
    error);
  return { node, error, control: node };
}

function checkedValues(root, name) {
  return [...root.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
}
