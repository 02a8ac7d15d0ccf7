// The trainer's page menu: one button per part; the part shown has aria-pressed="true".
// Buttons are built once and updated in place, so the focus stays on the one pressed.

export default {
  render({ model, el }) {
    el.classList.add("bas-host");
    const nav = h("nav", { class: "bas bas-console bas-trainer-nav", "aria-label": "Parties de la page" });
    el.append(nav);
    let buttons = [];

    const build = () => {
      buttons = (model.get("sections") || []).map((s) => h("button", {
        type: "button", class: "bas-button", "data-section": s.value,
        onclick: () => model.send({ action: "show", section: s.value }) }, s.label));
      nav.replaceChildren(h("ul", { class: "bas-trainer-tabs" }, buttons.map((b) => h("li", {}, b))));
      update();
    };

    const update = () => {
      const current = model.get("current");
      for (const b of buttons) {
        const on = b.dataset.section === current;
        b.setAttribute("aria-pressed", on ? "true" : "false");
        b.classList.toggle("bas-button--primary", on);
        b.classList.toggle("bas-button--secondary", !on);
      }
    };

    build();
    model.on("change:sections", build);
    model.on("change:current", update);
  },
};
