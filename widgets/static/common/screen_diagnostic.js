// A diagnostic (« Par où commencer ? »): on each task, « Je ne sais pas faire » leaves it and
// goes on, which is no failure; at the end, the level advised in plain words, the exercises
// to do next with their reasons, and the competences done or to practise.

/** « Je ne sais pas faire », under the form's buttons of a task: the task stays not done. */
function giveUpButton(view, send) {
  const diagnostic = view.diagnostic || {};
  if (!diagnostic.task) return [];
  const helpId = `bas-${view.screen.id}-give-up-help`;
  return [
    h("div", { class: "bas-actions bas-give-up" },
      h("button", {
        type: "button", class: "bas-button bas-button--secondary", "aria-describedby": helpId,
        onclick: () => send({ action: "give_up" }),
      }, diagnostic.give_up_label || "Je ne sais pas faire")),
    h("p", { class: "bas-help", id: helpId }, diagnostic.give_up_help || "")];
}

/** A titled list of the result (nothing when the list is empty). */
function resultList(id, title, items, ordered) {
  if (!items || !items.length) return null;
  return h("section", { class: "bas-closing", "aria-labelledby": id },
    h("h2", { id }, title),
    h(ordered ? "ol" : "ul", {}, items.map((item) => h("li", {}, item))));
}

/** The end of a diagnostic, in place of the usual closing words. */
function diagnosticResult(view, send) {
  const result = view.diagnostic.result;
  const receipt = view.receipt || {};
  const base = `bas-${view.screen.id}-diagnostic`;
  const next = (result.next || []).map((n) => [h("strong", {}, n.title), ` : ${n.reason}`]);
  return [
    h("div", { class: "bas-box bas-box--success bas-diagnostic-level" },
      h("h2", { class: "bas-box-title", id: `${base}-level` }, result.title),
      h("p", {}, result.sentence)),
    resultList(`${base}-next`, "Les exercices à faire ensuite", next, true),
    resultList(`${base}-tasks`, "Ce que vous avez fait", result.lines, false),
    resultList(`${base}-done`, "Ce que vous savez faire", result.skills_done, false),
    resultList(`${base}-practise`, "Ce que vous allez travailler", result.skills_practise, false),
    ...(view.screen.body || []).map((paragraph) => h("p", {}, paragraph)),
    receipt.number ? h("p", {}, "Votre numéro de dossier : ", h("strong", { class: "bas-number" }, receipt.number)) : null,
    h("p", { class: "bas-sandbox-note" }, "C'était une simulation : rien n'a été envoyé."),
    h("div", { class: "bas-actions" },
      h("button", { type: "button", class: "bas-button bas-button--primary", onclick: () => send({ action: "catalogue" }) }, "Choisir un exercice"),
      h("button", { type: "button", class: "bas-button bas-button--secondary", onclick: () => send({ action: "restart" }) }, "Recommencer")),
  ].filter(Boolean);
}
