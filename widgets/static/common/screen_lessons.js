// Lessons and quizzes inside a scenario: a few sentences to learn, one question to check it.
// A wrong answer is never shown as an error: no summary, no red, no score; the screen says
// why kindly and lets the learner try again.

/** One of the persona's papers, drawn as on the persona's card: a fictional SPECIMEN. */
function lessonPicture(picture, screenId) {
  const captionId = `bas-${screenId}-picture-caption`;
  const lines = Object.entries(picture.lines || {});
  return h("div", { class: "bas-lesson-picture", role: "figure", "aria-labelledby": captionId },
    h("p", { class: "bas-help", id: captionId }, picture.caption || picture.title),
    h("div", { class: "bas-document" },
      h("span", { class: "bas-specimen", "aria-hidden": "true", "data-mark": "SPECIMEN" }),
      h("p", { class: "bas-document-fictif" }, "Document fictif — SPECIMEN"),
      h("p", { class: "bas-document-title" }, picture.title),
      h("dl", { class: "bas-document-lines" },
        lines.map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]))));
}

/** What a lesson shows after its sentences: an example, a picture of the persona's papers. */
function lessonContent(view) {
  const lesson = view.lesson || {};
  const out = [];
  if (lesson.example) out.push(box("info", "Exemple", h("p", {}, lesson.example)));
  if (lesson.picture) out.push(lessonPicture(lesson.picture, view.screen.id));
  return out;
}

/**
 * A quiz: its question as the legend of a radio group, then a live slot for what the answer
 * means. Until the right answer is found, the form's button checks the answer chosen (a
 * ``check`` action); then it goes on, as on any screen.
 */
function quizContent(view, send, dom) {
  const quiz = view.quiz || {};
  const base = `bas-${view.screen.id}-quiz`;
  const options = (quiz.answers || []).map((a) => ({ value: a.id, label: a.label }));
  dom.quiz = quiz;
  dom.quizFeedback = h("div", { class: "bas-live", role: "status", id: `${base}-feedback` });
  dom.onSubmit = () => {
    if (dom.quiz && dom.quiz.solved) return false;
    const checked = dom.form.querySelector(`input[name="${base}"]:checked`);
    send({ action: "check", field: "answer", value: checked ? checked.value : null });
    return true;
  };
  return [
    h("div", { class: "bas-fields" },
      h("div", { class: "bas-field", id: `${base}-field` },
        h("fieldset", { class: "bas-fieldset", id: `${base}-group`, role: "radiogroup" },
          h("legend", { class: "bas-legend" }, quiz.question),
          choiceList({}, base, "radio", options, (v) => quiz.chosen === v)))),
    dom.quizFeedback,
  ];
}

/** Say what the last answer means; the button reads « Continuer » once the quiz is solved. */
function refreshQuiz(view, dom) {
  const quiz = view.quiz || {};
  const said = quiz.feedback;
  const answered = (view.ui || {}).action === "check";
  dom.quiz = quiz;
  const node = said ? box(said.right ? "success" : "hint", said.title,
    said.text ? h("p", {}, said.text) : null,
    said.next ? h("p", {}, said.next) : null) : null;
  // The same wrong answer twice is said twice.
  if (answered) dom.quizFeedback.dataset.sig = "";
  fill(dom.quizFeedback, node);
  const button = dom.form.querySelector("button[type=submit]");
  if (button) {
    button.textContent = quiz.solved ? (view.screen.continue_label || "Continuer")
      : (quiz.check_label || "Valider ma réponse");
  }
  if (answered && dom.quizFeedback.firstChild) {
    dom.quizFeedback.firstChild.scrollIntoView({ block: "nearest" });
  }
}
