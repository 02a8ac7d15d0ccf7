// --- boxes --------------------------------------------------------------------------------

function box(kind, title, ...children) {
  return h("div", { class: `bas-box bas-box--${kind}` },
    title ? h("p", { class: "bas-box-title" }, title) : null, ...children);
}

function errorSummary(view) {
  const errors = view.errors || [];
  const screenId = view.screen.id;
  const count = errors.length;
  const titleId = `bas-${screenId}-summary-title`;
  const fields = Object.fromEntries((view.screen.fields || []).map((f) => [f.id, f]));
  const node = h("div", { class: "bas-error-summary", tabindex: "-1", "aria-labelledby": titleId },
    h("h2", { id: titleId, class: "bas-error-summary-title" },
      `Il y a ${count} ${plural(count, "erreur", "erreurs")}`),
    h("p", {}, count > 1 ? "Corrigez-les pour continuer." : "Corrigez-la pour continuer."),
    h("ul", {}, errors.map((e) => {
      const field = fields[e.field_id] || { kind: "text" };
      const target = firstInputId(field, `bas-${screenId}-${e.field_id}`);
      return h("li", {}, h("a", {
        href: `#${target}`,
        onclick: (event) => {
          const input = document.getElementById(target);
          if (!input) return;
          event.preventDefault();
          input.focus();
          input.scrollIntoView({ block: "center" });
        },
      }, `${e.label} : ${e.message}`));
    })));
  return node;
}

function hintBox(hint) {
  const title = hint.count > 1 ? `Indice ${hint.level} sur ${hint.count}` : "Indice";
  return box("hint", title, h("p", {}, hint.text));
}

function closing(view, send) {
  const ui = view.ui || {};
  const receipt = view.receipt || {};
  const parts = [];
  if (view.screen.role === "receipt" || receipt.number) {
    parts.push(box("success", "Votre démarche est terminée.",
      receipt.number ? h("p", {}, "Votre numéro de dossier : ", h("strong", { class: "bas-number" }, receipt.number)) : null,
      receipt.qr ? h("img", { class: "bas-receipt-qr", src: receipt.qr, width: 160, height: 160,
        alt: `QR code du numéro ${receipt.number}. Notez le numéro ou imprimez cette page.` }) : null));
  }
  for (const paragraph of view.screen.body || []) parts.push(h("p", {}, paragraph));
  const close = ui.closing;
  if (close) {
    const titleId = `bas-${view.screen.id}-closing`;
    parts.push(h("section", { class: "bas-closing", "aria-labelledby": titleId },
      h("h2", { id: titleId }, close.title),
      h("ul", {}, (close.lines || []).map((line) => h("li", {}, line)))));
  }
  parts.push(h("p", { class: "bas-sandbox-note" }, "C'était une simulation : rien n'a été envoyé."));
  parts.push(h("div", { class: "bas-actions" },
    h("button", { type: "button", class: "bas-button bas-button--primary", onclick: () => send({ action: "restart" }) }, "Recommencer"),
    h("button", { type: "button", class: "bas-button bas-button--secondary", onclick: () => send({ action: "catalogue" }) }, "Choisir un autre exercice")));
  return parts;
}

function review(view, send) {
  return (view.review || []).map((section) => {
    const titleId = `bas-review-${section.screen_id}`;
    return h("section", { class: "bas-review", "aria-labelledby": titleId },
      h("h2", { id: titleId, class: "bas-review-title" }, section.title),
      h("dl", { class: "bas-review-list" }, (section.items || []).map((item) => [
        h("dt", {}, item.label), h("dd", {}, item.display)])),
      h("button", {
        type: "button", class: "bas-link",
        onclick: () => send({ action: "back", to: section.screen_id }),
      }, "Modifier", h("span", { class: "bas-sr" }, ` : ${section.title}`)));
  });
}

/** A button's label whose compound words (« pré-demande ») never break at their hyphen. */
function keepWords(label) {
  const parts = String(label).split(/(\S+-\S+)/);
  return h("span", {}, parts.map((part, i) => (i % 2 ? h("span", { class: "bas-nowrap" }, part) : part)));
}

// --- the simulation notice ----------------------------------------------------------------

/** The notice that it is a simulation: whole on the exercise's first screen (and on the first
 *  screen this page shows of a run: a learner who comes back reads it once more); then a strip
 *  of one line that still says it, whose « En savoir plus » shows the whole text. */
function simulationNotice(view, root) {
  const scenario = view.scenario || {};
  const run = String((view.ui || {}).run || 0);
  if (root.dataset.noticeRun !== run) {
    root.dataset.noticeRun = run;
    root.dataset.noticeScreen = view.screen.id;
  }
  const whole = (view.step || {}).index === 1 || root.dataset.noticeScreen === view.screen.id;
  const title = h("p", { class: "bas-notice-title" }, SIMULATION_TITLE);
  const text = [
    h("p", {}, view.notice || "Rien n'est envoyé."),
    scenario.title ? h("p", {}, `Exercice : ${scenario.title}`) : null];
  if (whole) return h("div", { class: "bas-notice", role: "note" }, title, text);
  const panelId = `bas-${view.screen.id}-notice-text`;
  const panel = h("div", { class: "bas-notice-text", id: panelId, hidden: true }, text);
  const more = h("button", {
    type: "button", class: "bas-button bas-button--secondary bas-notice-more",
    "aria-expanded": "false", "aria-controls": panelId,
  }, h("span", { class: "bas-notice-more-text" }, "En savoir plus"));
  more.addEventListener("click", () => {
    const open = more.getAttribute("aria-expanded") !== "true";
    more.setAttribute("aria-expanded", String(open));
    panel.hidden = !open;
  });
  return h("div", { class: "bas-notice bas-notice--strip", role: "note" }, title, more, panel);
}

// --- the screen ---------------------------------------------------------------------------

function build(root, view, send, dom) {
  const screen = view.screen;
  const step = view.step || {};
  const finished = screen.role === "receipt" || view.status === "finished";
  const fields = screen.fields || [];
  const titleId = `bas-${screen.id}-title`;
  dom.title = h("h1", { id: titleId, tabindex: "-1", class: "bas-title" }, screen.title);
  dom.cookies = h("div", { class: "bas-cookies-slot" });
  dom.summary = h("div", { class: "bas-live", role: "alert" });
  dom.warning = h("div", { class: "bas-live", role: "alert" });
  dom.status = h("div", { class: "bas-live", role: "status" });
  dom.problem = h("div", { class: "bas-live", role: "alert" });
  dom.form = h("form", { class: "bas-form", novalidate: true, "aria-labelledby": titleId });

  const content = [];
  if (screen.intro) content.push(h("p", { class: "bas-intro" }, screen.intro));
  if (finished) {
    const result = view.diagnostic && view.diagnostic.result; // a diagnostic's own end
    content.push(...(result ? diagnosticResult(view, send) : closing(view, send)));
  } else {
    for (const paragraph of screen.body || []) content.push(h("p", {}, paragraph));
    if (screen.role === "review") content.push(...review(view, send));
    if (screen.role === "lesson") content.push(...lessonContent(view));
    if (screen.role === "quiz") content.push(...quizContent(view, send, dom));
    if (fields.length) content.push(h("div", { class: "bas-fields" }, fields.map((f) => renderField(f, screen.id, view))));
    if (fields.length) {
      content.push(h("div", { class: "bas-help-row" },
        h("button", {
          type: "button", class: "bas-button bas-button--help",
          onclick: () => send({ action: "hint", field: dom.lastField || null }),
        }, "J'ai besoin d'aide")));
    }
    content.push(dom.status, dom.problem);
    content.push(h("div", { class: "bas-actions" },
      h("button", { type: "submit", class: "bas-button bas-button--primary" }, keepWords(screen.continue_label || "Continuer")),
      screen.can_go_back
        ? h("button", { type: "button", class: "bas-button bas-button--secondary", onclick: () => send({ action: "back" }) }, "Retour")
        : null));
    content.push(...giveUpButton(view, send));
  }
  if (finished) content.push(dom.status, dom.problem);

  dom.form.append(
    step.count ? h("div", { class: "bas-step" },
      h("p", { class: "bas-step-label" }, step.label || `Étape ${step.index} sur ${step.count}`),
      h("progress", { max: step.count, value: step.index, "aria-hidden": "true" })) : null,
    dom.title,
    dom.summary,
    dom.warning,
    ...content);
  dom.form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (finished) return;
    if (dom.onSubmit && dom.onSubmit()) return; // a quiz checks the answer chosen first
    const values = {};
    for (const f of fields) values[f.id] = readField(dom.form, f, `bas-${screen.id}-${f.id}`);
    send({ action: "submit", values });
  });
  dom.form.addEventListener("focusin", (event) => {
    const wrapper = event.target.closest && event.target.closest("[data-field]");
    if (wrapper) dom.lastField = wrapper.dataset.field;
  });

  const scenario = view.scenario || {};
  root.setAttribute("aria-label", scenario.service ? `Site simulé : ${scenario.service}` : "Site simulé");
  root.replaceChildren(
    simulationNotice(view, root),
    h("div", { class: "bas-site" },
      h("div", { class: "bas-site-header" }, h("p", { class: "bas-service" }, scenario.service || "")),
      dom.cookies,
      dom.form));
}

function cookieBanner(send) {
  const titleId = "bas-cookies-title";
  return h("section", { class: "bas-cookies", "aria-labelledby": titleId },
    h("p", { class: "bas-box-title", id: titleId }, "Ce site utilise des cookies"),
    h("p", {}, "Les cookies servent à mesurer la visite du site. Vous pouvez les accepter ou les refuser."),
    h("p", {}, "Ici, c'est un exercice : votre choix n'est pas gardé."),
    h("div", { class: "bas-actions bas-actions--equal" },
      h("button", { type: "button", class: "bas-button bas-button--secondary", onclick: () => send({ action: "cookies", accept: true }) }, "Tout accepter"),
      h("button", { type: "button", class: "bas-button bas-button--secondary", onclick: () => send({ action: "cookies", accept: false }) }, "Tout refuser")));
}

/** Update what changes without a new screen: errors, summary, alerts, hints, cookie banner. */
function refresh(view, send, dom) {
  const ui = view.ui || {};
  const screen = view.screen;
  const fields = screen.fields || [];
  const failedSubmit = ui.action === "submit" && ui.failed;
  for (const field of fields) {
    const base = `bas-${screen.id}-${field.id}`;
    applyFieldError(dom.form, field, base);
    // Only right after the check that found it: later updates must not wipe new typing.
    const checked = ui.action === "submit" || ui.action === "check";
    if (checked && field.error_kind === "personal_data") clearField(dom.form, base);
  }

  const errors = view.errors || [];
  let focusTarget = null;
  if (errors.length && (failedSubmit || dom.summary.firstChild)) {
    if (failedSubmit) dom.summary.dataset.sig = "";
    fill(dom.summary, errorSummary(view));
    if (failedSubmit) focusTarget = dom.summary.firstChild;
  } else if (!errors.length) {
    fill(dom.summary, null);
  }

  if (view.warning) {
    const changed = fill(dom.warning, box("warning", "Attention à vos données", h("p", {}, view.warning)));
    dom.warning.firstChild.setAttribute("tabindex", "-1");
    if ((changed || failedSubmit) && !focusTarget) focusTarget = dom.warning.firstChild;
  } else {
    fill(dom.warning, null);
  }

  if (view.cookies && !dom.cookies.firstChild) {
    dom.cookies.append(cookieBanner(send));
  } else if (!view.cookies && dom.cookies.firstChild) {
    const hadFocus = dom.cookies.contains(document.activeElement);
    dom.cookies.replaceChildren();
    if (hadFocus) focusTarget = dom.title;
  }

  const hint = view.hint;
  let hintSlot = null;
  for (const field of fields) {
    const slot = dom.form.querySelector(`#bas-${screen.id}-${field.id}-hint`);
    if (!slot) continue;
    if (hint && hint.field_id === field.id) {
      hintSlot = slot;
      if (ui.action === "hint") slot.dataset.sig = "";
      fill(slot, hintBox(hint));
    } else {
      fill(slot, null);
    }
  }
  if (hint && !hintSlot) {
    if (ui.action === "hint") dom.status.dataset.sig = "";
    fill(dom.status, hintBox(hint));
    hintSlot = dom.status;
  } else {
    if (ui.action === "hint") dom.status.dataset.sig = "";
    fill(dom.status, ui.notice ? box("info", null, h("p", {}, ui.notice)) : null);
  }
  if (ui.action === "hint" && hintSlot && hintSlot.firstChild) {
    hintSlot.firstChild.scrollIntoView({ block: "nearest" });
  }

  fill(dom.problem, ui.problem ? box("problem", "Un problème est survenu", h("p", {}, ui.problem)) : null);
  if (screen.role === "quiz" && dom.quizFeedback) refreshQuiz(view, dom);

  if (focusTarget) {
    focusTarget.setAttribute("tabindex", "-1");
    // Show the top of the box (its title), even when it is taller than the screen.
    focusTarget.scrollIntoView({ block: "start" });
    focusTarget.focus({ preventScroll: true });
  }
}

export default {
  render({ model, el }) {
    // A region landmark: Voilà renders widgets in its own shell, outside the page's <main>.
    const root = document.createElement("section");
    root.className = "bas bas-screen";
    root.setAttribute("aria-label", "Site simulé");
    el.classList.add("bas-host");
    el.append(root);
    const state = { key: null, timer: null, screenId: null };
    let dom = {};
    // The session warning lives at the end of the page's body so that it stays in view:
    // Jupyter's containers clip or scroll anything fixed or sticky inside them.
    const portal = h("div", { class: "bas bas-timeout", role: "alert" });
    const hideTimeout = () => {
      fill(portal, null);
      portal.remove();
    };

    const send = (message) => model.send({ ...message, from: state.screenId });

    const showTimeout = () => {
      const previous = document.activeElement;
      const button = h("button", { type: "button", class: "bas-button bas-button--primary" }, "Prolonger ma session");
      button.addEventListener("click", () => {
        hideTimeout();
        startTimer();
        send({ action: "extend" });
        const back = previous && previous.isConnected && previous !== document.body ? previous : dom.title;
        back.focus();
      });
      if (!portal.isConnected) document.body.append(portal);
      fill(portal, box("timeout", "Votre session va bientôt expirer",
        h("p", {}, "Vous avez encore du temps. Appuyez sur le bouton pour continuer. Vos réponses sont gardées."),
        button));
      // Bring the button within reach, unless the learner is typing in a field.
      const typing = previous && previous.matches && previous.matches("input, select, textarea");
      if (!typing) button.focus({ preventScroll: true });
    };

    const startTimer = () => {
      hideTimeout();
      clearTimeout(state.timer);
      state.timer = null;
      const after = Number((model.get("view") || {}).timeout_after);
      if (after > 0) state.timer = setTimeout(showTimeout, after * 1000);
    };

    // Focus left on a control no longer shown (the list of exercises, hidden) is lost too.
    const lost = () => !document.activeElement || document.activeElement === document.body
      || !document.activeElement.getClientRects().length;

    // A new screen: show its top and put focus on its title. On the first render, only when
    // focus was lost (the page just loaded, or the button that opened the exercise is gone).
    const focusTitle = (first) => whenConnected(root, () => setTimeout(() => {
      if (((model.get("view") || {}).ui || {}).preview) return; // an editor's: the form keeps it
      if (first && !lost()) return;
      const top = first ? el.closest(".bas-app") || root : root;
      top.scrollIntoView({ block: "start" });
      if (dom.title && dom.title.isConnected) dom.title.focus({ preventScroll: true });
    }, 0));

    const update = () => {
      const view = model.get("view") || {};
      if (!view.screen) {
        root.replaceChildren(h("p", { class: "bas-screen-loading" }, "Chargement…"));
        state.key = null;
        return;
      }
      const ui = view.ui || {};
      const key = `${ui.run || 0}|${view.screen.id}|${view.status}`;
      if (key !== state.key) {
        const first = state.key === null;
        state.key = key;
        state.screenId = view.screen.id;
        dom = {};
        build(root, view, send, dom);
        refresh(view, send, dom);
        startTimer();
        focusTitle(first);
      } else {
        refresh(view, send, dom);
      }
    };

    model.on("change:view", update);
    update();
    return () => {
      model.off("change:view", update);
      clearTimeout(state.timer);
      hideTimeout();
    };
  },
};
