// « Lever la main » in the exercise's sticky bar: always in reach, wherever the learner is.

const HAND_ICON = '<path d="M8 13V5.5a1.5 1.5 0 0 1 3 0V11m0-6.5v-1a1.5 1.5 0 0 1 3 0V11m0-6a1.5 1.5 0 0 1 3 0v6'
  + 'm0-3a1.5 1.5 0 0 1 3 0v6.5a7 7 0 0 1-7 7h-1.2a6 6 0 0 1-4.9-2.5l-3.3-4.6a1.6 1.6 0 0 1 2.5-2L8 15"/>';

/** An icon drawn with the text's colour, hidden from screen readers. */
function icon(paths) {
  const node = h("span", { class: "bas-icon", "aria-hidden": "true" });
  node.innerHTML = `<svg viewBox="0 0 24 24" focusable="false">${paths}</svg>`;
  return node;
}

export default {
  render({ model, el }) {
    el.classList.add("bas-host");
    const word = h("span", { class: "bas-bar-word" });
    const button = h("button", {
      type: "button", class: "bas-button bas-button--bar bas-button--hand",
      onclick: () => model.send({ action: "hand", raise: !model.get("raised") }),
    }, icon(HAND_ICON), word);
    const status = h("p", { class: "bas-sr", role: "status" });
    el.append(h("div", { class: "bas bas-hand" }, button, status));
    let before = null;

    const draw = () => {
      const up = Boolean(model.get("raised"));
      word.textContent = up ? "Baisser la main" : "Lever la main";
      button.classList.toggle("bas-button--hand-up", up);
      // Said once when the hand goes up, and when the facilitator has come.
      if (before !== null && before !== up) {
        status.textContent = up ? "Main levée. L'animateur arrive." : "Main baissée.";
      }
      before = up;
    };

    draw();
    model.on("change:raised", draw);
    return () => model.off("change:raised", draw);
  },
};
