// The learner's simulated phone and mailbox: a disclosure button and a panel of messages.

let counter = 0;

const ICONS = {
  phone: '<rect x="6" y="2" width="12" height="20" rx="2.5"/><path d="M10.5 18.5h3"/>',
  mailbox: '<rect x="2.5" y="5" width="19" height="14" rx="2"/><path d="m3 6 9 7 9-7"/>',
};

/** An icon drawn with the text's colour, hidden from screen readers. */
function icon(paths) {
  const node = h("span", { class: "bas-icon", "aria-hidden": "true" });
  node.innerHTML = `<svg viewBox="0 0 24 24" focusable="false">${paths}</svg>`;
  return node;
}

const TEXTS = {
  phone: {
    name: "Téléphone",
    region: (owner) => `Téléphone de ${owner || "votre personnage"} (simulé)`,
    empty: "Aucun SMS pour l'instant.",
    arrived: (m) => `Nouveau SMS de ${m.sender}. Ouvrez le téléphone pour le lire.`,
    toast: "Nouveau SMS — touchez pour le lire",
    close: "Fermer le téléphone",
  },
  mailbox: {
    name: "Boîte mail",
    region: (owner) => `Boîte mail de ${owner || "votre personnage"} (simulée)`,
    empty: "Aucun e-mail pour l'instant.",
    arrived: (m) => `Nouvel e-mail de ${m.sender}. Ouvrez la boîte mail pour le lire.`,
    toast: "Nouvel e-mail — touchez pour le lire",
    close: "Fermer la boîte mail",
  },
};

/** The button's name: the device, and how many messages are new. */
function buttonLabel(texts, unread) {
  if (!unread) return texts.name;
  return `${texts.name} (${unread} ${unread > 1 ? "nouveaux messages" : "nouveau message"})`;
}

/** The bar's button: an icon, the device's name (not on a small phone: the icon alone, its
 *  name for screen readers) and the number of new messages as a badge. */
function buttonContent(kind, texts, unread) {
  const parts = [icon(ICONS[kind]), h("span", { class: "bas-bar-word bas-bar-word--short" }, texts.name)];
  // The number is drawn by the style sheet: the button's name says it in words.
  if (unread) parts.push(h("span", { class: "bas-badge", "aria-hidden": "true", "data-count": String(unread) }));
  return parts;
}

function messageNode(kind, m) {
  if (kind === "phone") {
    return h("li", { class: "bas-sms" },
      h("p", { class: "bas-sms-sender" }, m.sender, m.time ? h("span", { class: "bas-time" }, ` — ${m.time}`) : null),
      h("p", { class: "bas-sms-text" }, m.text));
  }
  return h("li", { class: "bas-mail" },
    h("p", { class: "bas-mail-subject" }, m.subject || "(sans objet)"),
    h("p", { class: "bas-mail-sender" }, `De : ${m.sender}`, m.time ? ` — ${m.time}` : null),
    h("p", { class: "bas-mail-text" }, m.text));
}

export default {
  render({ model, el }) {
    const kind = model.get("kind") === "mailbox" ? "mailbox" : "phone";
    const texts = TEXTS[kind];
    const id = `bas-${kind}-${++counter}`;
    el.classList.add("bas-host");
    const button = h("button", {
      type: "button", class: "bas-button bas-button--bar bas-button--device", "aria-expanded": "false", "aria-controls": `${id}-panel`,
    });
    const panel = h("div", { class: `bas-device bas-device--${kind} bas-bar-panel`, id: `${id}-panel`, hidden: true });
    const status = h("div", { class: "bas-live bas-sr", role: "status" }); // the notification shows it
    // A new message shows as a phone's notification, in view wherever the learner is; the
    // device then opens as a sheet over the form (on a phone) and closing it goes back to the
    // field the learner was in, so that a code is read and typed without scrolling.
    const toast = h("button", { type: "button", class: "bas-device-toast", hidden: true }, texts.toast);
    const closer = h("button", { type: "button", class: "bas-button bas-button--secondary bas-device-close" }, texts.close);
    let back = null;
    const root = h("section", { class: `bas bas-device-root`, "aria-label": texts.region(model.get("owner")) },
      button, status, panel, toast);
    el.append(root);
    let shown = (model.get("messages") || []).length;

    const markRead = () => {
      if (model.get("unread")) {
        model.set("unread", 0);
        model.save_changes();
      }
    };

    const drawButton = () => {
      button.replaceChildren(...buttonContent(kind, texts, model.get("unread")));
      button.setAttribute("aria-label", buttonLabel(texts, model.get("unread")));
      button.classList.toggle("bas-button--unread", model.get("unread") > 0);
    };

    const drawPanel = () => {
      const owner = model.get("owner");
      const address = model.get("address");
      const messages = model.get("messages") || [];
      const head = [h("p", { class: "bas-device-title", tabindex: "-1" }, texts.region(owner))];
      if (kind === "mailbox") {
        head.push(address
          ? h("p", {}, `Adresse : ${address}`)
          : h("p", { class: "bas-device-note" }, `${owner || "Votre personnage"} n'a pas encore d'adresse e-mail.`));
        head.push(h("p", { class: "bas-device-note" }, "Ces e-mails sont fictifs. Ils ne viennent pas d'un vrai service."));
      } else {
        if (address) head.push(h("p", {}, `Numéro : ${address}`));
        head.push(h("p", { class: "bas-device-note" }, "Ces SMS sont fictifs. Ils ne viennent pas d'un vrai service."));
      }
      panel.replaceChildren(...head, messages.length
        ? h("ul", { class: "bas-messages" }, messages.map((m) => messageNode(kind, m)))
        : h("p", {}, texts.empty), closer);
    };

    const setOpen = (open, from) => {
      const focused = document.activeElement;
      if (open && focused && focused !== document.body && !root.contains(focused)) back = focused;
      button.setAttribute("aria-expanded", String(open));
      panel.hidden = !open;
      toast.hidden = true;
      if (open) {
        markRead();
        if (from === toast) panel.querySelector(".bas-device-title").focus({ preventScroll: true });
      } else if (from === closer) {
        // Back to the field the learner was typing in, else to the code field waiting for it.
        const typing = back && back.isConnected && back.matches("input, textarea, select");
        const code = document.querySelector('input[autocomplete="one-time-code"]');
        const target = typing ? back : code && !code.value ? code : back && back.isConnected ? back : button;
        target.focus();
        back = null;
      }
    };
    button.addEventListener("click", () => setOpen(button.getAttribute("aria-expanded") !== "true", button));
    toast.addEventListener("click", () => setOpen(true, toast));
    closer.addEventListener("click", () => setOpen(false, closer));
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") setOpen(false, closer);
    });

    const onMessages = () => {
      const messages = model.get("messages") || [];
      if (messages.length > shown) {
        status.textContent = frenchText(texts.arrived(messages[messages.length - 1]));
        toast.hidden = !panel.hidden;
      } else if (!messages.length) {
        status.textContent = "";
        toast.hidden = true;
      }
      shown = messages.length;
      drawPanel();
      if (!panel.hidden) markRead();
    };
    const onOwner = () => {
      root.setAttribute("aria-label", texts.region(model.get("owner")));
      drawPanel();
    };

    drawButton();
    drawPanel();
    model.on("change:unread", drawButton);
    model.on("change:messages", onMessages);
    model.on("change:owner", onOwner);
    model.on("change:address", drawPanel);
    return () => {
      model.off("change:unread", drawButton);
      model.off("change:messages", onMessages);
      model.off("change:owner", onOwner);
      model.off("change:address", drawPanel);
    };
  },
};
