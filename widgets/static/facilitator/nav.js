// The facilitator's pages, a link each: once the PIN is typed, every page is one tap away.

const FACILITATOR_PAGES = [
  ["animateur.ipynb", "Console"],
  ["projection.ipynb", "Projection"],
  ["bilan.ipynb", "Bilan"],
  ["formateur.ipynb", "Formateur"],
];

/** The menu of the facilitator's pages; ``current`` is this page's notebook. */
function facilitatorNav(current) {
  return h("nav", { class: "bas-fac-nav", "aria-label": "Pages de l'animateur" },
    h("ul", {}, FACILITATOR_PAGES.map(([file, label]) => h("li", {},
      h("a", { href: file, class: "bas-fac-link", "aria-current": file === current ? "page" : null }, label)))));
}
