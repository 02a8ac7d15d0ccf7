// The facilitator's PIN gate: type the PIN (or choose one on first use). The PIN is sent in a
// message only; the fields are cleared after each answer.

let counter = 0;

function pinInput(id, label, autocomplete, describedBy, help = null) {
  const input = h("input", {
    id, class: "bas-input bas-pin-input", type: "password", inputmode: "numeric",
    autocomplete, maxlength: "8", required: true, "aria-describedby": describedBy, spellcheck: "false",
  });
  const field = h("div", { class: "bas-field" }, h("label", { class: "bas-label", for: id }, label), help, input);
  return { field, input };
}

export default {
  render({ model, el }) {
    const id = `bas-pin-${++counter}`;
    el.classList.add("bas-host");
    const status = h("div", { class: "bas-live", role: "status" });
    const error = h("div", { class: "bas-live", role: "alert", id: `${id}-error` });
    const body = h("div", {});
    const root = h("section", { class: "bas bas-console bas-pin-gate", "aria-labelledby": `${id}-h1` },
      h("h1", { id: `${id}-h1`, class: "bas-title" }, model.get("title")),
      status, body);
    el.append(root);
    let inputs = [];

    const send = (m) => model.send(m);
    const draw = () => {
      const mode = model.get("mode");
      inputs = [];
      if (mode === "elsewhere") {
        body.replaceChildren(
          h("div", { class: "bas-box bas-box--warning" },
            h("p", { class: "bas-box-title" }, "Aucun code PIN n'est encore choisi."),
            h("p", {}, "Le code PIN protège la console : sans lui, les apprenants pourraient l'ouvrir. Choisissez-le sur l'ordinateur de l'animateur lui-même : ouvrez-y la console avec l'adresse 127.0.0.1 à la place de son adresse Wi-Fi, ou lancez la commande :"),
            h("p", {}, h("code", {}, "bacasable pin"))),
          error);
        return;
      }
      const describedBy = `${id}-help ${id}-error`;
      let form;
      if (mode === "create") {
        const first = pinInput(`${id}-new`, "Code PIN (4 à 8 chiffres)", "new-password", describedBy);
        const second = pinInput(`${id}-confirm`, "Tapez le même code une seconde fois", "new-password", describedBy);
        inputs = [first.input, second.input];
        form = h("form", { class: "bas-form", novalidate: true, onsubmit: (e) => {
            e.preventDefault();
            send({ action: "create", pin: first.input.value, confirm: second.input.value });
          } },
          h("p", { class: "bas-intro" }, "Le code PIN protège la console : les apprenants ne pourront pas l'ouvrir. Il vous sera demandé à chaque ouverture."),
          h("fieldset", { class: "bas-fieldset" },
            h("legend", { class: "bas-legend" }, "Choisissez un code PIN (4 à 8 chiffres)"),
            h("p", { class: "bas-help", id: `${id}-help` }, "Des chiffres seulement. Évitez les codes faciles à deviner : 1234, 0000, une année…"),
            first.field, second.field),
          error,
          h("div", { class: "bas-actions" },
            h("button", { type: "submit", class: "bas-button bas-button--primary" }, "Enregistrer le code PIN")));
      } else {
        const only = pinInput(`${id}-pin`, "Code PIN de l'animateur", "current-password", describedBy,
          h("p", { class: "bas-help", id: `${id}-help` }, "4 à 8 chiffres."));
        inputs = [only.input];
        form = h("form", { class: "bas-form", novalidate: true, onsubmit: (e) => {
            e.preventDefault();
            send({ action: "check", pin: only.input.value });
          } },
          h("p", { class: "bas-intro" }, "Cette page est réservée à l'animateur de l'atelier."),
          only.field,
          error,
          h("div", { class: "bas-actions" },
            h("button", { type: "submit", class: "bas-button bas-button--primary" }, model.get("button"))));
      }
      body.replaceChildren(form);
    };
    const drawMessages = () => {
      const text = model.get("error");
      error.replaceChildren(...(text ? [h("p", { class: "bas-error-text" }, text)] : []));
      for (const input of inputs) input.setAttribute("aria-invalid", text ? "true" : "false");
      const info = model.get("status");
      status.replaceChildren(...(info ? [h("div", { class: "bas-box bas-box--success" }, h("p", {}, info))] : []));
    };
    const answered = () => {
      for (const input of inputs) input.value = "";
      drawMessages();
      if (model.get("error") && inputs.length) inputs[0].focus();
    };
    draw();
    drawMessages();
    const onMode = () => { draw(); drawMessages(); };
    model.on("change:mode", onMode);
    model.on("change:error", drawMessages);
    model.on("change:status", drawMessages);
    model.on("change:attempt", answered);
    return () => {
      model.off("change:mode", onMode);
      model.off("change:error", drawMessages);
      model.off("change:status", drawMessages);
      model.off("change:attempt", answered);
    };
  },
};
