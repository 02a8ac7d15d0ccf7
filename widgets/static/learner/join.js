// The learner's side of a live workshop: the "Rejoindre un atelier" form, then the workshop's
// bar (title, pseudonym, "Lever la main", last message), the facilitator's pause over the page
// and the facilitator's messages. Python applies the facilitator's commands to the traits.

let counter = 0;
/** The last message each model's toast showed, so that a redrawn view does not show it again. */
const seenMessages = new WeakMap();

const PAUSE_TITLE = "Pause — regardez l'écran";
const PAUSE_TEXT = "L'animateur montre quelque chose à tout le groupe. "
  + "Vos réponses sont gardées. L'exercice reprendra tout seul.";
const HAND_UP = "Main levée — l'animateur arrive";
const CODE_HELP = "Le code est affiché par l'animateur. Par exemple : ABC234.";
const PSEUDO_HELP = "Choisissez un pseudonyme, pas votre vrai nom. Par exemple : Tournesol, Marin 12.";
const WAITING = "Demande envoyée à l'animateur. Attendez sa réponse : cela peut prendre un moment.";
const MOVED_TITLE = "Votre exercice continue sur un autre appareil";
const MOVED_TEXT = "L'animateur a donné votre place à un autre appareil. Vous pouvez fermer cette page.";
/** Where this browser keeps its random device token (never the pseudonym, never in a URL). */
const DEVICE_KEY = "bacasable-appareil";
const LOST_TITLE = "La connexion avec l'exercice est coupée";
const LOST_JOINED = "Vos écrans déjà validés sont gardés. Touchez « Reprendre » : vous continuerez là où vous étiez.";
const LOST_ALONE = "Touchez « Reprendre » pour rouvrir la page. L'exercice recommencera au début.";
/** Milliseconds without an answer from the kernel before the page says the link is cut. */
const LOST_AFTER = 16000;

/** Return this browser's device token, made once; "" where the browser keeps nothing. */
function deviceToken() {
  try {
    let token = window.localStorage.getItem(DEVICE_KEY);
    if (!token || !/^[0-9a-f]{32,64}$/.test(token)) {
      const bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      token = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      window.localStorage.setItem(DEVICE_KEY, token);
    }
    return token;
  } catch (error) {
    return ""; // private browsing: this device cannot come back to its run by itself
  }
}

/** Put ``node`` in a live slot only when its text changed, so nothing is announced twice. */
function put(slot, node) {
  const sig = node ? node.textContent : "";
  if (slot.dataset.sig === sig) return;
  slot.dataset.sig = sig;
  slot.replaceChildren(...(node ? [node] : []));
}

function input(id, key, label, help, attrs) {
  return h("div", { class: "bas-field", id: `${id}-field` },
    h("label", { for: id, class: "bas-label" }, label),
    h("p", { class: "bas-help", id: `${id}-help` }, help),
    h("input", {
      id, name: key, type: "text", class: "bas-input", "aria-describedby": `${id}-help`,
      "data-describedby": `${id}-help`, autocomplete: "off", spellcheck: "false", ...attrs,
    }),
    h("div", { class: "bas-error-slot" }));
}

export default {
  render({ model, el }) {
    const id = `bas-join-${++counter}`;
    el.classList.add("bas-host");
    const root = h("section", { class: "bas bas-join", "aria-label": "Atelier en groupe" });
    el.append(root);
    const send = (m) => model.send(m);
    let dom = {};
    let mode = null;

    // Portals at the end of the page: Jupyter's containers clip anything fixed inside them.
    const pause = h("div", { class: "bas bas-pause" });
    const toast = h("div", { class: "bas bas-toast", role: "status" });
    document.body.append(toast);
    const app = () => el.closest(".bas-app");
    let before = null;
    let beforeToast = null;

    // --- the form --------------------------------------------------------------------------

    const buildForm = () => {
      const locked = model.get("code_locked");
      const titleId = `${id}-title`;
      dom.code = locked ? null : input(`${id}-code`, "code", "Code de l'atelier", CODE_HELP, {
        autocapitalize: "characters", maxlength: 12, value: model.get("code") || "",
      });
      dom.pseudo = input(`${id}-pseudo`, "pseudonym", "Votre pseudonyme", PSEUDO_HELP, {
        autocapitalize: "words", maxlength: 30,
      });
      dom.general = h("div", { class: "bas-live", role: "alert" });
      dom.taken = h("div", { class: "bas-join-taken" });
      dom.waiting = h("div", { class: "bas-live", role: "status" });
      dom.actions = h("div", { class: "bas-actions" },
        h("button", { type: "submit", class: "bas-button bas-button--primary" }, "Rejoindre l'atelier"));
      dom.form = h("form", { class: "bas-join-form", id: `${id}-form`, novalidate: true, "aria-labelledby": titleId },
        locked ? h("p", { class: "bas-join-workshop" }, "Atelier : ", h("strong", {}, model.get("title"))) : null,
        dom.code, dom.pseudo, dom.general, dom.taken, dom.waiting, dom.actions);
      dom.form.addEventListener("submit", (event) => {
        event.preventDefault();
        const code = dom.code ? dom.code.querySelector("input").value : model.get("code");
        send({ action: "join", code, pseudonym: dom.pseudo.querySelector("input").value });
      });
      if (locked) {
        // From the QR code: the form is open and asks only the pseudonym.
        dom.toggle = null;
        root.replaceChildren(h("p", { class: "bas-join-title", id: titleId }, "Rejoindre l'atelier"), dom.form);
      } else {
        dom.toggle = h("button", {
          type: "button", class: "bas-button bas-button--disclosure", id: titleId,
          "aria-expanded": "false", "aria-controls": `${id}-form`,
          onclick: () => {
            model.set("expanded", !model.get("expanded"));
            model.save_changes();
          },
        }, "Rejoindre un atelier");
        root.replaceChildren(dom.toggle, dom.form);
      }
    };

    const updateForm = (focus) => {
      const expanded = model.get("expanded") || model.get("code_locked");
      if (dom.toggle) dom.toggle.setAttribute("aria-expanded", String(expanded));
      dom.form.hidden = !expanded;
      const error = model.get("error");
      const where = model.get("error_field");
      let target = null;
      for (const [key, wrapper] of [["code", dom.code], ["pseudonym", dom.pseudo]]) {
        if (!wrapper) continue;
        const field = wrapper.querySelector("input");
        const slot = wrapper.querySelector(".bas-error-slot");
        const errorId = `${field.id}-error`;
        const mine = error && where === key;
        slot.replaceChildren(...(mine ? [h("p", { class: "bas-error-text", id: errorId }, `Erreur : ${error}`)] : []));
        wrapper.classList.toggle("bas-field--error", Boolean(mine));
        const ids = [field.dataset.describedby, mine ? errorId : null].filter(Boolean);
        field.setAttribute("aria-describedby", ids.join(" "));
        if (mine) {
          field.setAttribute("aria-invalid", "true");
          target = target || field;
        } else {
          field.removeAttribute("aria-invalid");
        }
      }
      const general = error && !target ? h("div", { class: "bas-box bas-box--problem" }, h("p", {}, error)) : null;
      if (focus) dom.general.dataset.sig = "";
      put(dom.general, general);
      updateTaken();
      if (focus && target) target.focus();
    };

    // A pseudonym another device has: take the free one suggested, or ask for that place.
    const updateTaken = () => {
      const suggestion = model.get("suggestion");
      const waiting = model.get("waiting");
      dom.actions.hidden = waiting;
      put(dom.waiting, waiting ? h("div", { class: "bas-box" }, h("p", {}, WAITING),
        h("button", { type: "button", class: "bas-button bas-button--secondary",
          onclick: () => send({ action: "cancel_handover" }) }, "Annuler la demande")) : null);
      const taken = suggestion && !waiting;
      dom.taken.replaceChildren(...(taken ? [h("div", { class: "bas-actions bas-actions--stack" },
        h("button", { type: "button", class: "bas-button bas-button--primary", onclick: () => {
          dom.pseudo.querySelector("input").value = suggestion;
          send({ action: "join", code: dom.code ? dom.code.querySelector("input").value : model.get("code"),
            pseudonym: suggestion });
        } }, `Prendre « ${suggestion} »`),
        h("button", { type: "button", class: "bas-button bas-button--secondary",
          onclick: () => send({ action: "handover" }) },
        "C'est moi : reprendre ma place sur cet appareil"))] : []));
    };

    // --- the bar ---------------------------------------------------------------------------

    const buildBar = () => {
      const titleId = `${id}-title`;
      dom.hand = h("button", {
        type: "button", class: "bas-button bas-button--hand",
        onclick: () => send({ action: "hand", raise: !model.get("hand_raised") }),
      });
      dom.handStatus = h("div", { class: "bas-live bas-room-hand-status", role: "status" });
      dom.notice = h("div", { class: "bas-live", role: "status" });
      dom.connection = h("div", { class: "bas-live bas-room-connection", role: "status" });
      dom.message = h("div", { class: "bas-room-message" });
      dom.title = h("p", { class: "bas-room-title", id: titleId, tabindex: "-1" },
        "Atelier : ", h("strong", {}, model.get("title")));
      root.replaceChildren(h("div", { class: "bas-room", role: "group", "aria-labelledby": titleId },
        dom.title,
        h("p", { class: "bas-room-who" }, "Votre pseudonyme : ", h("strong", {}, model.get("pseudonym"))),
        h("div", { class: "bas-room-hand" }, dom.hand, dom.handStatus),
        dom.notice, dom.connection, dom.message));
    };

    const updateBar = () => {
      const up = model.get("hand_raised");
      dom.hand.textContent = up ? "Baisser la main" : "Lever la main";
      dom.hand.classList.toggle("bas-button--hand-up", up);
      put(dom.handStatus, up ? h("p", { class: "bas-room-hand-up" }, HAND_UP) : null);
      const notice = model.get("notice");
      put(dom.notice, notice ? h("p", {}, notice) : null);
      const lost = model.get("connection");
      put(dom.connection, lost ? h("p", {}, lost) : null);
      const text = model.get("message");
      // Not a live region: the toast announces new messages; this keeps the last one in view.
      dom.message.replaceChildren(...(text ? [h("p", {}, h("strong", {}, "Dernier message de l'animateur : "), text)] : []));
    };

    // --- the facilitator's messages and pause ------------------------------------------------

    const closeToast = () => {
      const back = toast.contains(document.activeElement) ? beforeToast : null;
      toast.replaceChildren();
      toast.dataset.sig = "";
      beforeToast = null;
      if (back && back.isConnected && !back.closest("[inert]")) back.focus({ preventScroll: true });
    };

    const showMessage = () => {
      const seq = model.get("message_seq");
      const text = model.get("message");
      if (!model.get("joined") || seq === seenMessages.get(model)) return;
      seenMessages.set(model, seq);
      if (!text) {
        closeToast();
        return;
      }
      const title = model.get("message_personal") ? "Message de l'animateur, pour vous" : "Message de l'animateur";
      toast.dataset.sig = "";
      if (!toast.contains(document.activeElement)) beforeToast = document.activeElement;
      put(toast, h("div", { class: "bas-box bas-box--message" },
        h("p", { class: "bas-box-title" }, title),
        h("p", {}, text),
        h("button", { type: "button", class: "bas-button bas-button--secondary bas-button--small", onclick: closeToast },
          "J'ai lu")));
    };

    const showPause = () => {
      const paused = model.get("paused") && model.get("joined");
      const host = app();
      if (paused && !pause.isConnected) {
        before = document.activeElement;
        if (host) host.inert = true;
        const box = h("div", { class: "bas-pause-box", role: "alert", tabindex: "-1" },
          h("p", { class: "bas-pause-title" }, PAUSE_TITLE),
          h("p", {}, PAUSE_TEXT));
        pause.replaceChildren(box);
        document.body.insertBefore(pause, toast);
        box.focus({ preventScroll: true });
      } else if (!paused && pause.isConnected) {
        pause.remove();
        pause.replaceChildren();
        if (host) host.inert = false;
        const back = before && before.isConnected && !before.closest("[inert]") && before !== document.body
          ? before : (host && host.querySelector(".bas-title, .bas-room-title"));
        before = null;
        if (back) back.focus({ preventScroll: true });
      }
    };

    // The run was handed over to another device: this page says so and stops.
    const moved = h("div", { class: "bas bas-pause" });
    const showMoved = () => {
      if (!model.get("moved") || moved.isConnected) return;
      const host = app();
      if (host) host.inert = true;
      const box = h("div", { class: "bas-pause-box", role: "alert", tabindex: "-1" },
        h("p", { class: "bas-pause-title" }, MOVED_TITLE), h("p", {}, MOVED_TEXT));
      moved.replaceChildren(box);
      document.body.insertBefore(moved, toast);
      box.focus({ preventScroll: true });
    };

    // The kernel stopped answering (it crashed, the laptop restarted it): say so, offer to reload.
    const lost = h("div", { class: "bas bas-pause" });
    let lastAnswer = Date.now();
    const showLost = (cut) => {
      const host = app();
      if (cut && !lost.isConnected && !moved.isConnected) {
        if (host) host.inert = true;
        const box = h("div", { class: "bas-pause-box", role: "alert", tabindex: "-1" },
          h("p", { class: "bas-pause-title" }, LOST_TITLE),
          h("p", {}, model.get("joined") ? LOST_JOINED : LOST_ALONE),
          h("button", { type: "button", class: "bas-button bas-button--primary",
            onclick: () => window.location.reload() }, "Reprendre"));
        lost.replaceChildren(box);
        document.body.insertBefore(lost, toast);
        box.focus({ preventScroll: true });
      } else if (!cut && lost.isConnected) {
        lost.remove();
        if (host && !pause.isConnected) host.inert = false;
      }
    };
    const onCustom = (msg) => {
      if (msg && msg.pong) {
        lastAnswer = Date.now();
        showLost(false);
      }
    };
    model.on("msg:custom", onCustom);

    // --- drawing ---------------------------------------------------------------------------

    const draw = (focus = false) => {
      const joined = model.get("joined");
      const next = joined ? "bar" : `form-${model.get("code_locked")}`;
      if (next !== mode) {
        // Just joined from this form: focus goes to the bar, which says where the learner is.
        const keep = mode !== null && (root.contains(document.activeElement) || document.activeElement === document.body);
        dom = {};
        if (joined) buildBar();
        else buildForm();
        if (joined && keep) dom.title.focus();
        mode = next;
      }
      if (joined) updateBar();
      else updateForm(focus);
      showPause();
      showMessage();
      showMoved();
    };

    const onError = () => draw(true);
    const onChange = () => draw(false);
    const names = ["joined", "code_locked", "expanded", "title", "pseudonym", "hand_raised", "notice",
      "connection", "message", "message_seq", "paused", "code", "suggestion", "waiting", "moved"];
    for (const name of names) model.on(`change:${name}`, onChange);
    model.on("change:error_seq", onError);
    draw(false);
    // The device's token: with the link's code, a device that joined before comes back at once.
    if (!model.get("joined")) send({ action: "device", device: deviceToken() });
    // A sign of life for the facilitator's board: the kernel outlives a closed tab.
    // The kernel answers each sign with a "pong": no answer for a while, the link is cut.
    const alive = setInterval(() => {
      if (document.visibilityState === "hidden") {
        lastAnswer = Date.now(); // asleep: nothing to judge by until the page is seen again
        return;
      }
      let sent = true;
      try {
        model.send({ action: "alive" });
      } catch (error) {
        sent = false; // the kernel's link is gone ("Cannot send")
      }
      if (!sent || Date.now() - lastAnswer > LOST_AFTER) showLost(true);
    }, 5000);
    // Opened from the QR code: straight to the pseudonym, once the page has settled.
    if (model.get("code_locked") && !model.get("joined")) {
      setTimeout(() => {
        const field = dom.pseudo && dom.pseudo.querySelector("input");
        const active = document.activeElement;
        if (field && field.isConnected && (!active || active === document.body)) field.focus();
      }, 0);
    }
    return () => {
      clearInterval(alive);
      for (const name of names) model.off(`change:${name}`, onChange);
      model.off("change:error_seq", onError);
      pause.remove();
      moved.remove();
      lost.remove();
      model.off("msg:custom", onCustom);
      toast.remove();
      const host = app();
      if (host) host.inert = false;
    };
  },
};
