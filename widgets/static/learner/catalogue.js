// The list of exercises: grouped by theme (a button per theme), a card per scenario, a persona
// to choose and a "Commencer" button. A learner on a phone finds an exercise in two taps.

let counter = 0;

/** Fewer exercises than this, or one theme only: the cards are shown without the themes. */
const GROUP_FROM = 5;

function card(s, id, send, level) {
  const titleId = `${id}-title`;
  const name = `${id}-persona`;
  const personas = s.personas || [];
  let choice;
  if (personas.length > 1) {
    choice = h("fieldset", { class: "bas-fieldset" },
      h("legend", { class: "bas-legend" }, "Avec quel personnage ?"),
      h("div", { class: "bas-choices" }, personas.map((p, i) => h("div", { class: "bas-check" },
        h("input", { type: "radio", class: "bas-check-input", name, id: `${name}-${i}`, value: p.id, checked: i === 0 }),
        h("label", { for: `${name}-${i}`, class: "bas-check-label" }, p.first_name,
          p.story ? h("span", { class: "bas-option-help" }, p.story) : null)))));
  } else if (personas.length === 1) {
    const p = personas[0];
    choice = h("p", { class: "bas-card-persona" }, `Vous jouez le rôle de ${p.first_name}. `, p.story || "");
  }
  let node = null;
  const start = () => {
    const checked = node.querySelector(`input[name="${name}"]:checked`);
    const persona = checked ? checked.value : personas.length ? personas[0].id : null;
    send({ action: "start", scenario: s.id, persona });
  };
  node = h("li", { class: "bas-card" },
    h("article", { "aria-labelledby": titleId },
      h(`h${level}`, { id: titleId, class: "bas-card-title" }, s.title),
      h("p", { class: "bas-card-service" }, s.service),
      h("p", {}, s.summary),
      h("ul", { class: "bas-card-meta" },
        h("li", {}, `Durée : ${s.duration}`),
        h("li", {}, `Niveau : ${s.level}`),
        s.local ? h("li", { class: "bas-card-origin" }, s.origin + (s.overrides ? ` — ${s.overrides}` : "")) : null),
      (s.skills || []).length ? h("p", { class: "bas-card-skills" }, `Compétences : ${s.skills.join(" ; ")}.`) : null,
      choice,
      h("button", { type: "button", class: "bas-button bas-button--primary", onclick: start },
        "Commencer", h("span", { class: "bas-sr" }, ` : ${s.title}`))));
  return node;
}

export default {
  render({ model, el }) {
    const id = `bas-catalogue-${++counter}`;
    el.classList.add("bas-host");
    const title = h("h1", { id: `${id}-h1`, class: "bas-title", tabindex: "-1" }, "Choisissez un exercice");
    const message = h("div", { class: "bas-live", role: "status" });
    const problem = h("div", { class: "bas-live", role: "status" });
    const list = h("div", { class: "bas-catalogue-list" });
    // A region landmark: Voilà renders widgets in its own shell, outside the page's <main>.
    const root = h("section", { class: "bas bas-catalogue", "aria-labelledby": `${id}-h1` },
      h("div", { class: "bas-notice", role: "note" },
        h("p", { class: "bas-notice-title" }, "Simulation — rien n'est envoyé"),
        h("p", {}, "Ici, vous vous entraînez sur des copies de sites publics. Rien n'est envoyé. Vous pouvez vous tromper sans risque.")),
      title,
      h("p", { class: "bas-intro" }, "Chaque exercice est une démarche en ligne. Vous jouez le rôle d'un personnage fictif, avec ses papiers."),
      message, problem, list);
    el.append(root);
    const send = (m) => model.send(m);

    const flat = (scenarios) => h("ul", { class: "bas-cards" },
      scenarios.map((s, i) => card(s, `${id}-${i}`, send, 2)));

    // One button per theme opens its cards (and closes the others'); the cards' titles are h3.
    const grouped = (scenarios) => {
      const themes = [];
      scenarios.forEach((s, i) => {
        let theme = themes.find((t) => t.key === s.category);
        if (!theme) themes.push(theme = { key: s.category, label: s.category_label, cards: [] });
        theme.cards.push(card(s, `${id}-${i}`, send, 3));
      });
      const buttons = [];
      const sections = themes.map((t, n) => {
        const headingId = `${id}-theme-${n}`;
        const heading = h("h2", { id: headingId, class: "bas-theme-title", tabindex: "-1" }, t.label);
        const section = h("section", { class: "bas-theme", id: `${headingId}-cards`, "aria-labelledby": headingId, hidden: true },
          heading, h("ul", { class: "bas-cards" }, t.cards));
        const count = t.cards.length > 1 ? `${t.cards.length} exercices` : "1 exercice";
        const button = h("button", {
          type: "button", class: "bas-theme-button", "aria-expanded": "false", "aria-controls": section.id,
        }, h("span", { class: "bas-theme-name" }, t.label), " ", h("span", { class: "bas-theme-count" }, count));
        button.addEventListener("click", () => {
          const open = button.getAttribute("aria-expanded") !== "true";
          buttons.forEach((b, i) => {
            b.setAttribute("aria-expanded", String(open && b === button));
            sections[i].hidden = !(open && b === button);
          });
          if (open) {
            section.scrollIntoView({ block: "start" });
            heading.focus({ preventScroll: true });
          }
        });
        buttons.push(button);
        return section;
      });
      return [h("nav", { class: "bas-themes", "aria-labelledby": `${id}-themes` },
        h("h2", { id: `${id}-themes`, class: "bas-themes-title" }, "Choisissez un thème"),
        h("ul", { class: "bas-theme-list" }, buttons.map((b) => h("li", {}, b)))),
      ...sections];
    };

    // A diagnostic (« Par où commencer ? ») comes first, above the themes, in its own list.
    const startHere = (diagnostics) => h("ul", { class: "bas-cards bas-cards--start" },
      diagnostics.map((s, i) => card(s, `${id}-start-${i}`, send, 2)));

    const drawCards = () => {
      const all = model.get("scenarios") || [];
      const first = all.some((s) => s.diagnostic) ? [startHere(all.filter((s) => s.diagnostic))] : [];
      const scenarios = all.filter((s) => !s.diagnostic);
      const themes = new Set(scenarios.map((s) => s.category));
      if (!all.length) {
        list.replaceChildren(h("p", {}, "Aucun exercice n'est disponible pour l'instant. Prévenez l'animateur."));
      } else if (!scenarios.length) {
        list.replaceChildren(...first);
      } else if (scenarios.length < GROUP_FROM || themes.size < 2) {
        list.replaceChildren(...first, flat(scenarios));
      } else {
        list.replaceChildren(...first, ...grouped(scenarios));
      }
    };
    const drawMessage = () => {
      const text = model.get("message");
      message.replaceChildren(...(text ? [h("div", { class: "bas-box bas-box--info" }, h("p", {}, text))] : []));
    };
    const drawProblem = () => {
      const text = model.get("problem");
      problem.replaceChildren(...(text ? [h("div", { class: "bas-box bas-box--warning" }, h("p", {}, text))] : []));
    };
    drawCards();
    drawMessage();
    drawProblem();
    if (model.get("focus_title")) {
      const tryFocus = (n) => {
        if (title.isConnected) {
          root.scrollIntoView({ block: "start" });
          title.focus({ preventScroll: true });
        } else if (n > 0) requestAnimationFrame(() => tryFocus(n - 1));
      };
      tryFocus(20);
    }
    model.on("change:scenarios", drawCards);
    model.on("change:message", drawMessage);
    model.on("change:problem", drawProblem);
    return () => {
      model.off("change:scenarios", drawCards);
      model.off("change:message", drawMessage);
      model.off("change:problem", drawProblem);
    };
  },
};
