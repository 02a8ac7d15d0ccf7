// The room board: one tile per learner, keyed by participant id and updated in place (texts
// only), so that an open observation form, a focused button or a screen reader's position stay.

let counter = 0;

function setText(node, text) {
  const value = text == null ? "" : frenchText(text);
  if (node.textContent !== value) node.textContent = value;
}

function makeTile(tile, base, model, send) {
  const pid = tile.id;
  const tid = `${base}-p${pid}`;
  const refs = {};
  refs.name = h("span", {});
  refs.number = h("span", { class: "bas-tile-number" });
  // Why this tile is among the first (« Main levée », « 3 erreurs sur cet écran »…): in words.
  refs.reason = h("p", { class: "bas-tile-reason", hidden: true });
  refs.state = h("p", { class: "bas-tile-state" });
  // Where the learner is on the exercise's path: a bar, and its words (« Écran 3 sur 7 »).
  refs.progressText = h("p", { class: "bas-tile-progress-text", id: `${tid}-progress` });
  refs.progressBar = h("progress", { class: "bas-tile-progress-bar", max: "1", value: "0", "aria-labelledby": `${tid}-progress` });
  refs.progress = h("div", { class: "bas-tile-progress", hidden: true }, refs.progressText, refs.progressBar);
  // The level a diagnostic (« Par où commencer ? ») advised: « Niveau conseillé : débutant ».
  refs.placement = h("p", { class: "bas-tile-placement", hidden: true });
  refs.handText = h("p", { class: "bas-tile-hand-text" });
  refs.handName = h("span", { class: "bas-sr" });
  refs.handButton = h("button", { type: "button", class: "bas-button bas-button--primary bas-button--small",
    onclick: () => send({ action: "answer_hand", participant: pid }) },
  "J'y vais (baisser la main)", refs.handName);
  refs.hand = h("div", { class: "bas-tile-hand", hidden: true }, refs.handText, refs.handButton);
  // Another device asks for this learner's run: the facilitator lets it, or not.
  refs.handoverText = h("p", { class: "bas-tile-hand-text" });
  refs.handover = h("div", { class: "bas-tile-hand", hidden: true }, refs.handoverText,
    h("div", { class: "bas-tile-actions" },
      h("button", { type: "button", class: "bas-button bas-button--primary bas-button--small",
        onclick: () => send({ action: "handover", participant: pid, allow: true }) }, "Autoriser"),
      h("button", { type: "button", class: "bas-button bas-button--secondary bas-button--small",
        onclick: () => send({ action: "handover", participant: pid, allow: false }) }, "Refuser")));
  const fact = (label) => {
    const dd = h("dd", {});
    const row = h("div", { class: "bas-tile-fact" }, h("dt", {}, label), dd);
    return { row, dd };
  };
  const scenario = fact("Exercice");
  const screen = fact("Où");
  const errors = fact("Erreurs");
  const hints = fact("Indices");
  const activity = fact("Activité");
  refs.scenario = scenario; refs.screen = screen; refs.activity = activity;
  refs.errors = errors.dd; refs.hints = hints.dd;
  refs.observation = h("p", { class: "bas-tile-observation" });
  refs.feedback = h("div", { class: "bas-tile-feedback", role: "status" });
  refs.hintName = h("span", { class: "bas-sr" });
  const hintButton = h("button", { type: "button", class: "bas-button bas-button--secondary bas-button--small",
    onclick: () => send({ action: "hint", participant: pid }) },
  "Donner un indice", refs.hintName);

  // The observation form, in a disclosure that stays open across updates.
  const radios = (model.get("autonomy") || []).map((a, i) => h("div", { class: "bas-check" },
    h("input", { type: "radio", class: "bas-check-input", name: `${tid}-autonomy`, id: `${tid}-a${i}`, value: a.value }),
    h("label", { class: "bas-check-label", for: `${tid}-a${i}` }, a.label)));
  const note = h("textarea", { id: `${tid}-note`, class: "bas-input bas-tile-note", rows: "2", maxlength: "500" });
  const formError = h("p", { class: "bas-error-text", id: `${tid}-obs-error`, hidden: true });
  refs.legend = h("legend", { class: "bas-legend" });
  const form = h("form", { class: "bas-tile-observe-form", novalidate: true, onsubmit: (e) => {
      e.preventDefault();
      const checked = form.querySelector(`input[name="${tid}-autonomy"]:checked`);
      if (!checked) {
        formError.textContent = "Choisissez comment la personne a réussi.";
        formError.hidden = false;
        form.querySelector("input[type=radio]")?.focus();
        return;
      }
      formError.hidden = true;
      send({ action: "observe", participant: pid, autonomy: checked.value, note: note.value });
    } },
  h("fieldset", { class: "bas-fieldset", "aria-describedby": `${tid}-obs-error` }, refs.legend, h("div", { class: "bas-choices" }, radios)),
  formError,
  h("div", { class: "bas-field" },
    h("label", { class: "bas-label", for: `${tid}-note` }, "Note (facultatif, 500 caractères au plus)"), note),
  h("button", { type: "submit", class: "bas-button bas-button--primary bas-button--small" }, "Enregistrer l'observation"));
  refs.summaryName = h("span", { class: "bas-sr" });
  refs.details = h("details", { class: "bas-tile-observe" },
    h("summary", {}, "Noter l'autonomie", refs.summaryName), form);
  refs.form = form;

  refs.node = h("li", { class: "bas-tile", "aria-labelledby": `${tid}-name`, "data-id": String(pid) },
    h("h3", { class: "bas-tile-name", id: `${tid}-name` }, refs.name, " ", refs.number),
    refs.reason,
    refs.handover,
    refs.hand,
    refs.state,
    refs.placement,
    refs.progress,
    h("dl", { class: "bas-tile-facts" }, scenario.row, screen.row, errors.row, hints.row, activity.row),
    refs.observation,
    h("div", { class: "bas-tile-actions" }, hintButton),
    refs.details,
    refs.feedback);
  return refs;
}

function updateTile(refs, tile) {
  const name = tile.pseudonym || "";
  setText(refs.name, name);
  setText(refs.number, tile.number ? `(${tile.number})` : "");
  setText(refs.handName, ` : ${name}`);
  setText(refs.hintName, ` à ${name}`);
  setText(refs.summaryName, ` de ${name}`);
  setText(refs.legend, `Autonomie de ${name} sur cet exercice`);
  refs.node.dataset.state = tile.state || "active";
  refs.node.dataset.priority = String(tile.priority ?? 3);
  const reason = tile.reason || "";
  refs.reason.hidden = !reason;
  setText(refs.reason, reason);
  refs.hand.hidden = !tile.hand;
  refs.handover.hidden = !tile.handover;
  setText(refs.handoverText, tile.handover_text || "");
  // A raised hand: the reason says « Main levée depuis 2 min », the box holds the button.
  setText(refs.handText, tile.hand_text || "");
  refs.handText.hidden = Boolean(reason) && reason.startsWith(tile.hand_text || "-");
  setText(refs.state, tile.state_text);
  // « Inactif » under « Inactif depuis 4 min », or « Main levée » under the hand, says nothing.
  refs.state.hidden = !tile.state_text || tile.state === "hand"
    || (Boolean(reason) && reason.startsWith(tile.state_text));
  refs.placement.hidden = !tile.placement_text;
  setText(refs.placement, tile.placement_text);
  refs.progress.hidden = !tile.step;
  if (tile.step) {
    setText(refs.progressText, tile.progress_text);
    if (refs.progressBar.max !== tile.steps) refs.progressBar.max = tile.steps;
    if (refs.progressBar.value !== tile.step) refs.progressBar.value = tile.step;
  }
  setText(refs.scenario.dd, tile.scenario || "pas encore choisi");
  // The bar says « Écran 3 sur 7 »: the fact then names the screen only.
  const where = tile.step && tile.screen_title ? tile.screen_title : tile.screen;
  refs.screen.row.hidden = !where;
  setText(refs.screen.dd, where);
  setText(refs.errors, tile.errors);
  setText(refs.hints, tile.hints);
  refs.activity.row.hidden = !tile.activity;
  setText(refs.activity.dd, tile.activity);
  refs.observation.hidden = !tile.observation;
  setText(refs.observation, tile.observation);
}

export default {
  render({ model, el }) {
    const base = `bas-board-${++counter}`;
    el.classList.add("bas-host");
    // Until someone joins, the summary says so (with what to do): nothing else does.
    const summary = h("p", { class: "bas-board-summary" });
    // Where the group is: « Écran 1 : 2 · Écran 2 : 5 · Terminé : 1 ».
    const groups = h("div", { class: "bas-board-groups", hidden: true });
    const announce = h("p", { class: "bas-board-announce", role: "status" });
    const list = h("ul", { class: "bas-tiles", "aria-labelledby": `${base}-h2` });
    const root = h("section", { class: "bas bas-console bas-board", "aria-labelledby": `${base}-h2` },
      h("h2", { id: `${base}-h2` }, "La salle"), summary, groups, announce, list);
    el.append(root);
    const send = (m) => model.send(m);
    const tiles = new Map();

    const draw = () => {
      const data = model.get("tiles") || [];
      const seen = new Set();
      const order = data.map((tile) => {
        seen.add(tile.id);
        let refs = tiles.get(tile.id);
        if (!refs) {
          refs = makeTile(tile, base, model, send);
          tiles.set(tile.id, refs);
        }
        updateTile(refs, tile);
        return refs.node;
      });
      for (const [pid, refs] of tiles) {
        if (!seen.has(pid)) {
          refs.node.remove();
          tiles.delete(pid);
        }
      }
      place(order);
      list.hidden = data.length === 0;
      setText(summary, model.get("summary"));
    };
    // Put the tiles in the board's order (who needs help first). The tile holding the focus
    // (a note being typed, a button) is never moved itself: the others move around it, so the
    // focus and the screen reader's position stay.
    const place = (order) => {
      const now = [...list.children];
      if (now.length === order.length && order.every((node, i) => now[i] === node)) return;
      const fixed = order.find((node) => node.contains(document.activeElement));
      if (!fixed || !list.contains(fixed)) {
        order.forEach((node, i) => {
          const at = list.children[i];
          if (at !== node) list.insertBefore(node, at || null);
        });
        return;
      }
      const k = order.indexOf(fixed);
      for (const node of order.slice(0, k)) list.insertBefore(node, fixed);
      let last = fixed;
      for (const node of order.slice(k + 1)) {
        if (last.nextSibling !== node) last.after(node);
        last = node;
      }
    };
    const drawGroups = () => {
      const lines = model.get("groups") || [];
      groups.hidden = lines.length === 0;
      // One exercise: one line. Several: the label, then one line an exercise.
      const single = lines.length === 1 && !lines[0].scenario;
      const label = (text) => h("span", { class: "bas-board-groups-label" }, text);
      groups.replaceChildren(...(single ? [] : [h("p", {}, label("Où en est le groupe :"))]),
        ...lines.map((line) => h("p", {}, single ? label("Où en est le groupe : ") : null,
          line.scenario ? h("strong", {}, `${line.scenario} — `) : null,
          // « Écran 2 : 5 » never breaks in two on a phone.
          (line.counts || []).map((c, i) => [i ? " · " : null,
            h("span", { class: "bas-board-group" }, `${c.label} : ${c.count}`)]))));
    };
    const drawAnnounce = () => setText(announce, model.get("announce"));
    const drawFeedback = () => {
      const fb = model.get("feedback") || {};
      const refs = tiles.get(fb.id);
      if (!refs) return;
      refs.feedback.replaceChildren(h("p", { class: fb.kind === "error" ? "bas-error-text" : "bas-tile-ok" }, fb.text || ""));
      if (fb.action === "observe" && fb.kind === "success") {
        refs.form.reset();
        refs.details.open = false;
        refs.details.querySelector("summary")?.focus();
      }
    };
    draw();
    drawGroups();
    drawAnnounce();
    model.on("change:tiles", draw);
    model.on("change:summary", draw);
    model.on("change:groups", drawGroups);
    model.on("change:announce", drawAnnounce);
    model.on("change:feedback", drawFeedback);
    return () => {
      model.off("change:tiles", draw);
      model.off("change:summary", draw);
      model.off("change:groups", drawGroups);
      model.off("change:announce", drawAnnounce);
      model.off("change:feedback", drawFeedback);
    };
  },
};
