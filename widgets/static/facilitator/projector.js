// The facilitator's projected walkthrough: choose a scenario, then step through it with the
// keyboard (or a presenter remote) or the buttons. The learner's screen itself is a ScreenView
// beside this panel, in the same .bas-projection container: this view highlights its current
// field and adds the callout next to it.

let counter = 0;

const KEYS = new Set(["ArrowRight", "ArrowLeft", "PageDown", "PageUp", "h", "H", "n", "N"]);
/** The smallest the audience's screen is scaled down to fit (below, it scrolls to the field). */
const MIN_ZOOM = 0.5;

/** Scale the learner's screen in ``view`` (a window) so that the whole form fits, width and height. */
function fitScreen(view, screen) {
  if (!screen) return;
  screen.style.zoom = "1";
  const width = screen.scrollWidth || 1;
  const height = screen.scrollHeight || 1;
  const zoom = Math.max(MIN_ZOOM, Math.min(1, view.innerWidth / width, (view.innerHeight - 16) / height));
  screen.style.zoom = String(Math.floor(zoom * 100) / 100);
}

/** The values typed by the walkthrough live in the inputs' properties: copy them to a clone. */
function copyValues(from, to) {
  const a = from.querySelectorAll("input, select, textarea");
  const b = to.querySelectorAll("input, select, textarea");
  a.forEach((node, i) => {
    if (!b[i]) return;
    if (node.type === "checkbox" || node.type === "radio") b[i].checked = node.checked;
    else b[i].value = node.value;
  });
}

function box(kind, title, ...children) {
  return h("section", { class: `bas-box bas-box--${kind} bas-proj-box`, "aria-label": title },
    h("p", { class: "bas-box-title" }, title), ...children);
}

export default {
  render({ model, el }) {
    const id = `bas-proj-${++counter}`;
    el.classList.add("bas-host");
    const root = h("section", { class: "bas bas-console bas-projector", "aria-labelledby": `${id}-h1` });
    el.append(root);
    const send = (m) => model.send(m);
    const host = () => el.closest(".bas-projection") || document.body;
    let dom = null;
    let blobUrl = null;
    // The workshop chosen in the setup form, for the room screen (« S »).
    let chosenWorkshop = () => "";
    const openRoom = () => send({ action: "room", workshop: chosenWorkshop() });
    const roomButton = (label) => h("button", { type: "button", class: "bas-button bas-button--secondary bas-proj-button",
      "data-room-opener": true, onclick: openRoom }, label);

    const fullScreen = () => {
      const target = host();
      if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
      else if (target.requestFullscreen) target.requestFullscreen().catch(() => {});
    };

    // --- the choice of a walkthrough --------------------------------------------------------
    const drawSetup = () => {
      dom = null;
      const choices = model.get("choices") || [];
      const workshops = model.get("workshops") || [];
      const scenario = h("select", { id: `${id}-scenario`, class: "bas-input bas-select" },
        choices.map((c) => h("option", { value: c.id }, c.title)));
      const persona = h("select", { id: `${id}-persona`, class: "bas-input bas-select" });
      const fillPersonas = () => {
        const chosen = choices.find((c) => c.id === scenario.value) || { personas: [] };
        persona.replaceChildren(...chosen.personas.map((p) => h("option", { value: p.id }, p.name)));
      };
      scenario.addEventListener("change", fillPersonas);
      fillPersonas();
      const workshop = h("select", { id: `${id}-workshop`, class: "bas-input bas-select" },
        h("option", { value: "" }, "Aucun atelier"),
        workshops.map((w) => h("option", { value: String(w.id) }, w.title)));
      chosenWorkshop = () => workshop.value;
      const form = h("form", { class: "bas-form bas-proj-setup", novalidate: true,
        onsubmit: (event) => {
          event.preventDefault();
          send({ action: "start", scenario: scenario.value, persona: persona.value, workshop: workshop.value });
        } },
      h("div", { class: "bas-field" }, h("label", { class: "bas-label", for: scenario.id }, "Exercice"), scenario),
      h("div", { class: "bas-field" }, h("label", { class: "bas-label", for: persona.id }, "Persona"), persona),
      h("div", { class: "bas-field" }, h("label", { class: "bas-label", for: workshop.id }, "Atelier en cours (facultatif)"),
        h("p", { class: "bas-help" }, "Pour montrer, écran par écran, ce que la salle a fait."), workshop),
      h("div", { class: "bas-actions" }, h("button", { type: "submit", class: "bas-button bas-button--primary" }, "Présenter")));
      // Before a workshop starts, the wall welcomes the room: its way in comes first.
      const welcome = h("section", { class: "bas-proj-room-open", "aria-labelledby": `${id}-room` },
        h("h2", { id: `${id}-room` }, "Accueillir la salle"),
        h("p", { class: "bas-help" }, "Le code de l'atelier en grand, les personnes qui arrivent, puis l'avancement du groupe. Les erreurs ne sont jamais montrées."),
        h("p", { class: "bas-help" }, "L'atelier montré : celui choisi plus bas, sinon le dernier démarré."),
        roomButton("Écran de la salle (S)"));
      root.replaceChildren(
        facilitatorNav("projection.ipynb"),
        h("h1", { id: `${id}-h1`, class: "bas-title" }, "Présenter une démarche pas à pas"),
        messages(), welcome, form);
    };

    const messages = () => {
      const out = h("div", {});
      if (model.get("status")) out.append(h("div", { class: "bas-live", role: "status" }, box("info", "Information", h("p", {}, model.get("status")))));
      if (model.get("error")) out.append(h("div", { class: "bas-live", role: "alert" }, box("problem", "Un problème est survenu", h("p", {}, model.get("error")))));
      return out;
    };

    // --- the presentation ------------------------------------------------------------------
    const button = (label, action, extra = {}) => h("button", {
      type: "button", class: "bas-button bas-button--secondary bas-proj-button", "data-action": action,
      onclick: () => (action === "fullscreen" ? fullScreen() : send({ action })), ...extra,
    }, label);

    const buildPresent = () => {
      dom = {};
      dom.highlight = button("Surlignage (H)", "highlight", { "aria-pressed": "true" });
      dom.notes = button("Notes (N)", "notes", { "aria-pressed": "true" });
      dom.toolbar = h("div", { class: "bas-proj-toolbar", role: "toolbar", "aria-label": "Commandes de la présentation" },
        button("Écran précédent (Page ↑)", "prev_screen"),
        button("Champ précédent (←)", "prev_field"),
        button("Champ suivant (→)", "next_field"),
        button("Écran suivant (Page ↓)", "next_screen"),
        dom.highlight, dom.notes,
        button("Plein écran (F)", "fullscreen"),
        roomButton("Écran de la salle (S, Échap pour revenir)"),
        h("button", { type: "button", class: "bas-button bas-button--secondary bas-proj-button",
          onclick: () => setPublic(true) }, "Vue du public ici (P, Échap pour revenir)"),
        h("button", { type: "button", class: "bas-button bas-button--secondary bas-proj-button",
          onclick: openWindow }, "Ouvrir la vue du public (2e fenêtre)"),
        button("Fiche pratique", "handout"),
        button("Changer d'exercice", "setup"));
      dom.info = h("div", { class: "bas-proj-info" });
      root.replaceChildren(h("h1", { id: `${id}-h1`, class: "bas-proj-h1" }, "Présentation pas à pas"), dom.toolbar, dom.info);
    };

    const drawPresent = () => {
      if (!dom) buildPresent();
      const state = model.get("state") || {};
      const showNotes = model.get("notes");
      dom.highlight.setAttribute("aria-pressed", String(Boolean(model.get("highlight"))));
      dom.notes.setAttribute("aria-pressed", String(Boolean(showNotes)));
      const parts = [h("p", { class: "bas-proj-position", role: "status" }, state.label || "")];
      parts.push(h("section", { class: "bas-proj-callout", "aria-label": "À dire" },
        h("p", { class: "bas-proj-callout-text" }, state.callout || "")));
      if (state.common_error) {
        parts.push(box("warning", "Erreur fréquente", h("p", { class: "bas-proj-common-error" }, state.common_error)));
      }
      if (state.room) {
        const top = state.room.top_error;
        parts.push(box("info", "Dans la salle", h("p", { class: "bas-proj-room" }, state.room.sentence),
          top ? h("p", {}, `Erreur la plus fréquente : ${top.text}`) : null));
      }
      if (showNotes && (state.notes || []).length) {
        parts.push(h("section", { class: "bas-proj-notes", "aria-label": "Notes pour l'animateur" },
          h("p", { class: "bas-box-title" }, "Notes pour l'animateur (masquez-les avec N)"),
          (state.notes || []).map((n) => h("p", {}, n))));
      }
      const handout = model.get("handout") || {};
      if (handout.html) {
        if (blobUrl) URL.revokeObjectURL(blobUrl);
        blobUrl = URL.createObjectURL(new Blob([handout.html], { type: "text/html" }));
        parts.push(h("p", { class: "bas-proj-handout" },
          h("a", { href: blobUrl, download: handout.name, class: "bas-link" }, `Télécharger la fiche pratique (${handout.name})`)));
      }
      parts.push(messages());
      dom.info.replaceChildren(...parts);
      applyHighlight();
    };

    // --- the highlight on the learner's screen ------------------------------------------------
    const applyHighlight = () => {
      const container = host();
      const state = model.get("state") || {};
      const on = model.get("stage") === "present" && model.get("highlight");
      const screen = container.querySelector(".bas-screen");
      let target = null;
      if (on && screen) {
        target = state.field_id
          ? screen.querySelector(`[data-field="${CSS.escape(state.field_id)}"]`)
          : screen.querySelector(".bas-title");
      }
      for (const old of container.querySelectorAll(".bas-proj-current")) {
        if (old !== target) old.classList.remove("bas-proj-current");
      }
      for (const old of container.querySelectorAll(".bas-proj-bubble")) {
        if (!target || old.previousElementSibling !== target || old.dataset.text !== state.callout) old.remove();
      }
      if (!target) return;
      if (!target.classList.contains("bas-proj-current")) {
        target.classList.add("bas-proj-current");
        target.scrollIntoView({ block: "center" });
      }
      const next = target.nextElementSibling;
      if (!(next && next.classList.contains("bas-proj-bubble"))) {
        target.after(h("p", { class: "bas-proj-bubble", "data-text": state.callout || "" }, state.callout || ""));
      }
    };

    // --- the audience's view: the learner's screen alone, scaled to fit ------------------------
    // Here (the panel hidden: one screen duplicated on the wall) or in a second window that
    // mirrors the screen (the laptop keeps the notes). Nothing of the panel goes to the wall.
    let audience = null;
    const setPublic = (on) => {
      host().classList.toggle("bas-proj-public", on);
      const screen = host().querySelector(".bas-screen");
      if (on) fitScreen(window, screen);
      else if (screen) screen.style.zoom = "";
    };
    const copied = new WeakSet();
    const copyStyles = () => {
      for (const node of document.querySelectorAll('style, link[rel="stylesheet"]')) {
        if (copied.has(node)) continue;
        copied.add(node);
        audience.document.head.append(node.cloneNode(true));
      }
    };
    const mirror = () => {
      if (!audience || audience.closed) { audience = null; return; }
      const stage = audience.document.querySelector("main");
      // The room screen, while shown, goes to the wall instead of the learner's screen.
      const wall = document.querySelector(".bas-wall");
      if (wall && stage) {
        copyStyles();
        const copy = wall.cloneNode(true);  // another document: its ids stay unique
        copy.querySelectorAll("[aria-live], .bas-wall-foot").forEach((node) => node.remove());
        stage.replaceChildren(copy);
        return;
      }
      const screen = host().querySelector(".bas-screen");
      if (!screen || !stage) return;
      const copy = screen.cloneNode(true);
      copy.querySelectorAll("[id]").forEach((node) => node.removeAttribute("id"));
      copyValues(screen, copy);
      stage.replaceChildren(copy);
      fitScreen(audience, copy);
      const current = copy.querySelector(".bas-proj-current");
      if (current && copy.style.zoom === String(MIN_ZOOM)) current.scrollIntoView({ block: "center" });
    };
    function openWindow() {
      audience = window.open("", "bacasable-public", "popup,width=1280,height=720");
      if (!audience) return;
      const doc = audience.document;
      doc.open();
      doc.write('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Vue du public — simulation</title></head><body><main class="bas-projection bas-proj-public bas-proj-window"></main></body></html>');
      doc.close();
      copyStyles();
      audience.addEventListener("keydown", onKey);
      audience.addEventListener("resize", mirror);
      mirror();
    }

    let scheduled = false;
    const observer = new MutationObserver(() => {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        applyHighlight();
        if (host().classList.contains("bas-proj-public")) fitScreen(window, host().querySelector(".bas-screen"));
        mirror();
      });
    });

    const draw = () => {
      if (model.get("stage") === "present") drawPresent();
      else { drawSetup(); applyHighlight(); }
    };

    const onKey = (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      // The room screen, once shown, has the keys (S or Échap takes it away); in the second
      // window, they come here.
      if (document.querySelector(".bas-wall")) {
        if (event.view !== window && ["s", "S", "Escape"].includes(event.key)) send({ action: "room_close" });
        return;
      }
      const tag = event.target && event.target.tagName;
      if (tag === "SELECT" || tag === "TEXTAREA") return;
      if ((event.key === "s" || event.key === "S") && tag !== "INPUT") {
        event.preventDefault();
        openRoom();
        return;
      }
      if (model.get("stage") !== "present") return;
      if (event.key === "f" || event.key === "F") {
        event.preventDefault();
        fullScreen();
      } else if (event.key === "p" || event.key === "P") {
        event.preventDefault();
        setPublic(!host().classList.contains("bas-proj-public"));
      } else if (event.key === "Escape" && host().classList.contains("bas-proj-public")) {
        setPublic(false);
      } else if (KEYS.has(event.key)) {
        event.preventDefault();
        send({ action: "key", key: event.key });
      }
    };

    const changes = ["stage", "choices", "workshops", "state", "highlight", "notes", "handout", "error", "status"];
    for (const name of changes) model.on(`change:${name}`, draw);
    document.addEventListener("keydown", onKey);
    draw();
    whenReady();
    function whenReady() {
      if (!el.isConnected) { setTimeout(whenReady, 100); return; }
      // The whole body: the room screen lives at its end, and the second window follows it too.
      observer.observe(document.body, { childList: true, subtree: true });
      applyHighlight();
    }
    return () => {
      for (const name of changes) model.off(`change:${name}`, draw);
      document.removeEventListener("keydown", onKey);
      observer.disconnect();
      if (audience && !audience.closed) audience.close();
      if (blobUrl) URL.revokeObjectURL(blobUrl);
    };
  },
};
