// The facilitator's console: start or reopen a workshop, show its code and QR code, drive the
// room (screen, pause, message, hint) and close it. The tiles are the Board widget's.

let counter = 0;

function setText(node, text) {
  const value = text == null ? "" : frenchText(text);
  if (node.textContent !== value) node.textContent = value;
}

function newWorkshopForm(id, options, send) {
  const d = options.defaults || {};
  const title = field(`${id}-title`, "Titre de l'atelier (obligatoire)",
    h("input", { id: `${id}-title`, class: "bas-input", type: "text", maxlength: "200", required: true, autocomplete: "off" }),
    "Par exemple : S'inscrire à France Travail.");
  const place = field(`${id}-place`, "Lieu",
    h("input", { id: `${id}-place`, class: "bas-input", type: "text", maxlength: "200", autocomplete: "off" }),
    "Par exemple : Médiathèque de Lille-Sud.");
  const date = field(`${id}-date`, "Date de l'atelier",
    h("input", { id: `${id}-date`, class: "bas-input bas-input--date", type: "date", required: true, value: d.date || "" }));
  const expected = field(`${id}-expected`, "Nombre de participants attendus",
    h("input", { id: `${id}-expected`, class: "bas-input bas-input--number", type: "number", min: "1", max: "60", inputmode: "numeric", autocomplete: "off" }),
    "Leurs pages se préparent à l'avance : elles s'ouvriront tout de suite.");
  const scenarioItems = (options.scenarios || []).map((s) => ({ value: s.id, label: s.title, help: s.service }));
  const scenarios = choices(`${id}-scenarios`, "Exercices proposés (au moins un)", "checkbox", `${id}-scenario`,
    scenarioItems, scenarioItems.length === 1 ? [scenarioItems[0].value] : []);
  const themes = choices(`${id}-themes`, "Thèmes du compte rendu (au moins un)", "checkbox", `${id}-theme`,
    (options.themes || []).map((t) => ({ value: t, label: t })), options.default_themes || []);
  // Nineteen themes: folded, the summary says how many are chosen (the button stays in view).
  const themesSummary = h("summary", {});
  const themesFold = h("details", { class: "bas-details bas-console-themes bas-console-wide" },
    themesSummary, themes.node);
  const countThemes = () => {
    const n = checkedValues(themes.node, `${id}-theme`).length;
    const chosen = n === 0 ? "aucun choisi" : n === 1 ? "1 choisi" : `${n} choisis`;
    setText(themesSummary, `Thèmes du compte rendu (${chosen})`);
  };
  themes.node.addEventListener("change", countThemes);
  countThemes();
  const level = choices(`${id}-level`, "Niveau du groupe", "radio", `${id}-level`,
    options.levels || [], [d.level || "debutant"]);
  const durationSelect = h("select", { id: `${id}-duration`, class: "bas-input bas-select" },
    (options.durations || []).map((m) => h("option", { value: String(m), selected: m === d.duration }, durationLabel(m))));
  const duration = field(`${id}-duration`, "Durée prévue", durationSelect);
  const equipment = choices(`${id}-equipment`, "Matériel utilisé", "checkbox", `${id}-equipment`,
    options.equipment || [], d.equipment || []);
  const fields = { title, place, date, expected, scenarios, themes, level, duration, equipment };
  // On a laptop the short fields go two by two, the short choices on one line: from the
  // exercises down, the form and its button hold in one screen (1366×768).
  scenarios.node.classList.add("bas-console-wide");
  equipment.node.classList.add("bas-console-wide", "bas-console-inline");
  level.node.classList.add("bas-console-inline");
  const form = h("form", { class: "bas-form bas-console-form", novalidate: true, onsubmit: (e) => {
      e.preventDefault();
      send({
        action: "start",
        title: title.control.value,
        place: place.control.value,
        date: date.control.value,
        expected: expected.control.value,
        scenarios: checkedValues(form, `${id}-scenario`),
        themes: checkedValues(form, `${id}-theme`),
        level: (checkedValues(form, `${id}-level`)[0]) || "",
        duration: durationSelect.value,
        equipment: checkedValues(form, `${id}-equipment`),
      });
    } },
  title.node, place.node, date.node, expected.node, scenarios.node, themesFold, level.node, duration.node, equipment.node,
  h("div", { class: "bas-actions bas-console-wide" }, h("button", { type: "submit", class: "bas-button bas-button--primary" }, "Démarrer l'atelier")));
  return { form, fields };
}

export default {
  render({ model, el }) {
    const id = `bas-console-${++counter}`;
    el.classList.add("bas-host");
    const send = (m) => model.send(m);
    const status = h("div", { class: "bas-live", role: "status" });
    const alert = h("div", { class: "bas-live", role: "alert" });

    // --- home: reopen or start a workshop ---------------------------------------------------
    const resumeList = h("ul", { class: "bas-workshops" });
    const resumeSection = h("section", { class: "bas-console-section", "aria-labelledby": `${id}-resume` },
      h("h2", { id: `${id}-resume` }, "Reprendre un atelier"),
      h("p", { class: "bas-help" }, "Ces ateliers ne sont pas terminés. Rien n'est perdu : la salle revient telle qu'elle était."),
      resumeList);
    const newSection = h("section", { class: "bas-console-section", "aria-labelledby": `${id}-new` },
      h("h2", { id: `${id}-new` }, "Nouvel atelier"));
    let newForm = null;
    const home = h("div", { class: "bas-console-home" }, resumeSection, newSection);

    // --- workshop: code, QR code, controls ------------------------------------------------------
    const wTitle = h("h2", { id: `${id}-w`, tabindex: "-1", class: "bas-title" });
    const wMeta = h("p", { class: "bas-console-meta" });
    const codeBig = h("p", { class: "bas-code" });
    const readiness = h("p", { class: "bas-help bas-readiness", "aria-live": "polite" });
    const qr = h("div", { class: "bas-qr", role: "img" });
    const url = h("p", { class: "bas-join-url" });
    const hostInput = h("input", { id: `${id}-host`, class: "bas-input", type: "text", autocomplete: "off", spellcheck: "false", list: `${id}-hosts` });
    const hostList = h("datalist", { id: `${id}-hosts` });
    const hostField = field(`${id}-host`, "Adresse de cet ordinateur sur le Wi-Fi", hostInput,
      "Trouvée toute seule. Changez-la si les téléphones n'arrivent pas à ouvrir la page.");
    const warning = h("div", { class: "bas-box bas-box--warning", hidden: true });
    const joinGrid = h("div", { class: "bas-join-grid" },
      h("div", { class: "bas-join-code" },
        h("p", {}, "Sur le téléphone, scannez le QR code, ou ouvrez l'adresse puis tapez le code :"),
        codeBig, readiness, url),
      qr);
    const joinBody = h("div", { id: `${id}-join-body` }, joinGrid);
    // Once everyone is in, the code and the QR code can be folded away (the board comes closer).
    const joinToggle = h("button", { type: "button", class: "bas-button bas-button--secondary bas-button--small",
      "aria-expanded": "true", "aria-controls": `${id}-join-body`, onclick: () => {
        const open = joinBody.hidden;
        joinBody.hidden = !open;
        join.classList.toggle("bas-console-open", open);
        joinToggle.setAttribute("aria-expanded", String(open));
        setText(joinToggle, open ? "Masquer le code et le QR code" : "Afficher le code et le QR code");
      } }, "Masquer le code et le QR code");
    const join = h("section", { class: "bas-console-section bas-join bas-console-open", "aria-labelledby": `${id}-join` },
      h("div", { class: "bas-join-head" }, h("h3", { id: `${id}-join` }, "Pour rejoindre l'atelier"), joinToggle),
      joinBody,
      warning);
    joinBody.append(h("details", { class: "bas-details bas-console-host" },
      h("summary", {}, "Changer l'adresse de cet ordinateur"),
      h("form", { novalidate: true, onsubmit: (e) => { e.preventDefault(); send({ action: "host", host: hostInput.value }); } },
        hostField.node, hostList,
        h("button", { type: "submit", class: "bas-button bas-button--secondary" }, "Mettre à jour le QR code"))));

    const pauseText = h("p", { class: "bas-console-state" });
    const pauseButton = h("button", { type: "button", class: "bas-button bas-button--primary",
      onclick: () => send({ action: model.get("workshop").paused ? "unpause" : "pause" }) });
    // A toggle: pressed, the learners' exercises pass over their lessons and quizzes.
    const lessonsText = h("p", { class: "bas-console-state" });
    const lessonsButton = h("button", { type: "button", class: "bas-button bas-button--secondary", "aria-pressed": "false",
      onclick: () => send({ action: "lessons", skip: !model.get("workshop").skip_lessons }) }, "Passer les leçons et les quiz");
    const screenSelect = h("select", { id: `${id}-screen`, class: "bas-input bas-select" });
    const screenField = field(`${id}-screen`, "Écran", screenSelect);
    const messageInput = h("input", { id: `${id}-message`, class: "bas-input", type: "text", maxlength: "280", autocomplete: "off" });
    const messageField = field(`${id}-message`, "Message (280 caractères au plus)", messageInput);
    const messageTo = h("select", { id: `${id}-message-to`, class: "bas-input bas-select" });
    const messageToField = field(`${id}-message-to`, "À qui ?", messageTo);
    const currentMessage = h("p", {});
    const clearButton = h("button", { type: "button", class: "bas-button bas-button--secondary bas-button--small",
      onclick: () => send({ action: "clear_message" }) }, "Effacer ce message");
    const current = h("div", { class: "bas-box", hidden: true },
      h("p", { class: "bas-box-title" }, "Message affiché à tout le monde :"), currentMessage, clearButton);
    const hintTo = h("select", { id: `${id}-hint-to`, class: "bas-input bas-select" });
    const hintField = field(`${id}-hint-to`, "À qui ?", hintTo);
    const noScreens = h("p", { class: "bas-help" }, "Aucun écran : les exercices de cet atelier sont introuvables.");
    const gotoForm = h("form", { class: "bas-console-control", novalidate: true, "aria-labelledby": `${id}-goto`,
      onsubmit: (e) => { e.preventDefault(); send({ action: "goto", screen: screenSelect.value }); } },
    h("h4", { id: `${id}-goto` }, "Amener tout le monde à un écran"),
    noScreens, screenField.node,
    h("button", { type: "submit", class: "bas-button bas-button--secondary" }, "Amener à cet écran"));
    // Folded once people have joined, as the code: the board then comes into the first view.
    const drive = h("details", { class: "bas-console-section bas-console-fold", open: true },
      h("summary", {}, h("h3", { id: `${id}-drive` }, "Piloter la salle (pause, écran, message, indice)")),
      h("div", { class: "bas-console-controls" },
        h("div", { class: "bas-console-control", role: "group", "aria-labelledby": `${id}-pause` },
          h("h4", { id: `${id}-pause` }, "Pause"), pauseText, pauseButton),
        h("div", { class: "bas-console-control", role: "group", "aria-labelledby": `${id}-lessons` },
          h("h4", { id: `${id}-lessons` }, "Leçons et quiz"), lessonsText, lessonsButton),
        gotoForm,
        h("form", { class: "bas-console-control", novalidate: true, "aria-labelledby": `${id}-msg`,
          onsubmit: (e) => {
            e.preventDefault();
            send({ action: "message", text: messageInput.value, to: messageTo.value });
            messageInput.value = "";
          } },
        h("h4", { id: `${id}-msg` }, "Envoyer un message"),
        messageField.node, messageToField.node,
        h("button", { type: "submit", class: "bas-button bas-button--secondary" }, "Envoyer le message"),
        current),
        h("form", { class: "bas-console-control", novalidate: true, "aria-labelledby": `${id}-hint`,
          onsubmit: (e) => { e.preventDefault(); send({ action: "hint", to: hintTo.value }); } },
        h("h4", { id: `${id}-hint` }, "Révéler un indice"),
        h("p", { class: "bas-help" }, "L'indice suivant de l'écran en cours s'affiche sur le téléphone."),
        hintField.node,
        h("button", { type: "submit", class: "bas-button bas-button--secondary" }, "Révéler un indice"))));

    const askClose = h("button", { type: "button", class: "bas-button bas-button--secondary",
      onclick: () => send({ action: "close_ask" }) }, "Terminer l'atelier…");
    const leave = h("button", { type: "button", class: "bas-button bas-button--secondary",
      onclick: () => send({ action: "leave" }) }, "Revenir à la liste (l'atelier reste ouvert)");
    const confirmText = h("p", { class: "bas-box-title", id: `${id}-confirm`, tabindex: "-1" });
    const confirmBox = h("div", { class: "bas-box bas-box--warning", role: "group", "aria-labelledby": `${id}-confirm`, hidden: true },
      confirmText,
      h("p", {}, "Personne ne pourra plus le rejoindre. Ceux qui sont dedans peuvent finir leur exercice."),
      h("div", { class: "bas-actions" },
        h("button", { type: "button", class: "bas-button bas-button--primary", onclick: () => send({ action: "close_confirm" }) }, "Oui, terminer l'atelier"),
        h("button", { type: "button", class: "bas-button bas-button--secondary", onclick: () => send({ action: "close_cancel" }) }, "Non, continuer")));
    // Attestations of practice: the name typed here goes into the printed page only.
    const attestTo = h("select", { id: `${id}-attest-to`, class: "bas-input bas-select" });
    const attestToField = field(`${id}-attest-to`, "Pour qui ?", attestTo);
    const attestName = h("input", { id: `${id}-attest-name`, class: "bas-input", type: "text", maxlength: "80", autocomplete: "off", spellcheck: "false" });
    const attestNameField = field(`${id}-attest-name`, "Nom à imprimer (facultatif)", attestName,
      "Pour une seule personne. Sinon, le pseudonyme est imprimé. Ce nom n'est pas gardé.");
    const fileArea = h("div", {});
    let fileUrl = null;
    const attest = h("form", { class: "bas-console-control", novalidate: true, "aria-labelledby": `${id}-attest`,
      onsubmit: (e) => {
        e.preventDefault();
        send({ action: "attestation", to: attestTo.value, name: attestTo.value === "all" ? "" : attestName.value });
        attestName.value = "";
      } },
    h("p", { class: "bas-help" }, "Une page par personne : les exercices faits et les compétences. Ce n'est pas une certification."),
    attestToField.node, attestNameField.node,
    h("button", { type: "submit", class: "bas-button bas-button--secondary" }, "Imprimer les attestations"),
    fileArea);
    const onFile = (msg, buffers) => {
      if (!msg || msg.kind !== "file" || !buffers || !buffers.length) return;
      if (fileUrl) URL.revokeObjectURL(fileUrl);
      fileUrl = URL.createObjectURL(new Blob([buffers[0]], { type: msg.mime || "text/html" }));
      const link = h("a", { href: fileUrl, download: msg.name, class: "bas-link" }, `Télécharger à nouveau : ${msg.name}`);
      fileArea.replaceChildren(h("p", {}, "Le fichier est téléchargé. Sinon : ", link));
      link.click();
    };
    const ending = h("details", { class: "bas-console-section bas-console-fold" },
      h("summary", {}, h("h3", { id: `${id}-end` }, "Fin de l'atelier (terminer, attestations)")),
      h("div", { class: "bas-actions" }, askClose, leave), confirmBox,
      h("details", { class: "bas-console-fold" },
        h("summary", {}, h("h4", { id: `${id}-attest` }, "Attestations de participation")), attest));

    // On a laptop the three folded parts sit side by side (one opened takes the whole width):
    // once people have joined, the board comes closer to the first view.
    const workshop = h("div", { class: "bas-console-workshop", hidden: true },
      h("section", { class: "bas-console-section", "aria-labelledby": `${id}-w` }, wTitle, wMeta),
      h("div", { class: "bas-console-folds" }, join, drive, ending));

    // Raised hands stay at the top of the screen until someone goes: the tiles are further down.
    const hands = h("div", { class: "bas-hands", role: "alert" });
    const closed = h("div", {});
    const root = h("section", { class: "bas bas-console bas-console-panel", "aria-labelledby": `${id}-h1` },
      facilitatorNav("animateur.ipynb"),
      hands,
      h("h1", { id: `${id}-h1`, class: "bas-title", tabindex: "-1" }, "Console de l'animateur"),
      status, alert, closed, home, workshop);
    el.append(root);

    // --- drawing ------------------------------------------------------------------------------
    const drawForm = () => {
      const built = newWorkshopForm(`${id}-f`, model.get("form") || {}, send);
      newForm = built;
      newSection.replaceChildren(newSection.firstChild, built.form);
      drawFormErrors(false);
    };
    const drawFormErrors = (focus = true) => {
      if (!newForm) return;
      const errors = model.get("form_errors") || {};
      let first = null;
      for (const [name, f] of Object.entries(newForm.fields)) {
        const text = errors[name] || "";
        f.error.textContent = frenchText(text);
        f.error.hidden = !text;
        if (f.control.tagName !== "FIELDSET") f.control.setAttribute("aria-invalid", text ? "true" : "false");
        f.node.classList.toggle("bas-field--error", Boolean(text));
        const fold = f.node.parentElement?.closest("details");
        if (text && fold) fold.open = true;  // an error is never hidden in a fold
        if (text && !first) first = f.control.tagName === "FIELDSET" ? f.control.querySelector("input") : f.control;
      }
      if (focus && first) first.focus();
    };
    const drawWorkshops = () => {
      const items = model.get("workshops") || [];
      resumeSection.hidden = items.length === 0;
      resumeList.replaceChildren(...items.map((w) => h("li", { class: "bas-workshop" },
        h("p", { class: "bas-workshop-title" }, w.title),
        h("p", { class: "bas-help" }, [w.date, w.place, `code ${w.code}`, `${w.count} participant${w.count > 1 ? "s" : ""}`].filter(Boolean).join(" · ")),
        h("button", { type: "button", class: "bas-button bas-button--primary bas-button--small",
          onclick: () => send({ action: "resume", workshop: w.id }) },
        "Reprendre", h("span", { class: "bas-sr" }, ` l'atelier « ${w.title} »`)))));
    };
    const whom = () => [{ value: "all", label: "Tout le monde" },
      ...(model.get("learners") || []).map((l) => ({ value: String(l.id), label: l.pseudonym }))];
    // Once someone has joined, the code and the QR code fold away (the board comes up), unless
    // the facilitator opened them again.
    let joinFolded = false;
    const drawLearners = () => {
      if (!joinFolded && (model.get("learners") || []).length) {
        joinFolded = true;
        if (!joinBody.hidden) joinToggle.click();
        drive.open = false;
      }
      fillSelect(messageTo, whom());
      fillSelect(hintTo, whom());
      fillSelect(attestTo, whom().map((w) => (w.value === "all" ? { ...w, label: "Toutes les personnes" } : w)));
      attestNameField.node.hidden = attestTo.value === "all";
    };
    attestTo.addEventListener("change", () => { attestNameField.node.hidden = attestTo.value === "all"; });
    const drawScreens = () => {
      const screens = model.get("screens") || [];
      const groups = new Set(screens.map((s) => s.scenario));
      fillSelect(screenSelect, screens.map((s) => ({ value: s.id, label: s.label, group: groups.size > 1 ? s.scenario : null })));
      noScreens.hidden = screens.length > 0;
      screenField.node.hidden = screens.length === 0;
      gotoForm.querySelector("button[type=submit]").disabled = screens.length === 0;
    };
    const drawWorkshop = () => {
      const w = model.get("workshop") || {};
      setText(wTitle, w.title ? `Atelier « ${w.title} »` : "");
      // One line: the date, the place, the exercises (the board comes closer).
      const exercises = (w.scenarios || []).length ? `Exercices : ${(w.scenarios || []).join(", ")}` : "";
      setText(wMeta, [w.date, w.place, exercises].filter(Boolean).join(" · "));
      setText(codeBig, w.code_grouped || "");
      setText(readiness, model.get("readiness") || "");
      if (w.code_spoken) codeBig.setAttribute("aria-label", `Code de l'atelier : ${w.code_spoken}`);
      setText(pauseText, w.paused ? "La salle est en pause : les apprenants voient « Pause — regardez l'écran »." : "Les apprenants font leur exercice.");
      setText(pauseButton, w.paused ? "Reprendre l'exercice" : "Mettre en pause");
      pauseButton.setAttribute("aria-describedby", `${id}-pause`);
      setText(lessonsText, w.skip_lessons ? "Les leçons et les quiz sont passés : les apprenants vont aux écrans suivants."
        : "Les apprenants voient les leçons et les quiz des exercices.");
      lessonsButton.setAttribute("aria-pressed", String(Boolean(w.skip_lessons)));
      current.hidden = !w.message;
      setText(currentMessage, w.message || "");
      setText(confirmText, w.title ? `Terminer l'atelier « ${w.title} » ?` : "");
    };
    const drawJoin = () => {
      const j = model.get("join") || {};
      setText(url, j.url || "");
      qr.setAttribute("aria-label", j.url ? `QR code de l'adresse ${j.url}` : "QR code");
      // The SVG is drawn by segno in the kernel from the address: no text of anyone else in it.
      if (qr.dataset.url !== (j.url || "")) {
        qr.dataset.url = j.url || "";
        qr.innerHTML = typeof j.qr === "string" && j.qr.startsWith("<svg") ? j.qr : "";
      }
      if (document.activeElement !== hostInput) hostInput.value = j.host || "";
      hostList.replaceChildren(...(j.hosts || []).map((a) => h("option", { value: a })));
      warning.hidden = !j.warning;
      warning.replaceChildren(...(j.warning ? [h("p", {}, j.warning)] : []));
    };
    const drawStage = (focus = true) => {
      const stage = model.get("stage");
      home.hidden = stage !== "home";
      workshop.hidden = stage !== "workshop";
      if (focus) (stage === "workshop" ? wTitle : root.querySelector("h1")).focus({ preventScroll: false });
    };
    const drawConfirm = () => {
      const open = Boolean(model.get("confirm_close"));
      const was = !confirmBox.hidden;
      confirmBox.hidden = !open;
      askClose.hidden = open;
      if (open && !was) confirmText.focus();
      if (!open && was && !workshop.hidden) askClose.focus();
    };
    const drawHands = () => {
      hands.replaceChildren(...(model.get("hands") || []).map((hand) => h("div", { class: "bas-hand" },
        h("p", {}, `${hand.pseudonym} (${hand.number}) lève la main`,
          hand.disconnected ? " — déconnecté" : "", hand.text ? h("span", { class: "bas-hand-since" }, ` · ${hand.text}`) : null),
        h("button", { type: "button", class: "bas-button bas-button--primary bas-button--small",
          onclick: () => send({ action: "answer_hand", participant: hand.id }) },
        "J'y vais", h("span", { class: "bas-sr" }, ` : ${hand.pseudonym}`)))));
    };
    const drawClosed = () => {
      const w = model.get("closed") || {};
      closed.replaceChildren(...(w.id ? [h("p", { class: "bas-console-closed" },
        h("a", { href: "bilan.ipynb", class: "bas-link" }, `Voir le bilan de l'atelier « ${w.title} »`))] : []));
    };
    const drawMessages = () => {
      const info = model.get("status");
      const err = model.get("error");
      status.replaceChildren(...(info ? [h("div", { class: "bas-box bas-box--success" }, h("p", {}, info))] : []));
      alert.replaceChildren(...(err ? [h("div", { class: "bas-box bas-box--problem" }, h("p", {}, err))] : []));
    };

    drawForm();
    drawWorkshops();
    drawLearners();
    drawScreens();
    drawWorkshop();
    drawJoin();
    drawStage(false);
    drawConfirm();
    drawMessages();
    drawHands();
    drawClosed();
    const handlers = {
      "change:hands": drawHands,
      "change:closed": drawClosed,
      "change:form": drawForm,
      "change:form_errors": () => drawFormErrors(true),
      "change:workshops": drawWorkshops,
      "change:learners": drawLearners,
      "change:screens": drawScreens,
      "change:workshop": drawWorkshop,
      "change:readiness": drawWorkshop,
      "change:join": drawJoin,
      "change:stage": () => {
        drawStage(true);
        if (model.get("stage") === "home") drawForm();
      },
      "change:confirm_close": drawConfirm,
      "change:seq": drawMessages,
      "msg:custom": onFile,
    };
    for (const [name, fn] of Object.entries(handlers)) model.on(name, fn);
    return () => {
      for (const [name, fn] of Object.entries(handlers)) model.off(name, fn);
      if (fileUrl) URL.revokeObjectURL(fileUrl);
    };
  },
};
