// The room screen: the workshop's code, its QR code and address in large type on the wall, the
// pseudonyms as people join, then the group's progress (how many on each screen, how many
// finished; never an error). It covers the whole page: a portal at the end of the page's body
// (Jupyter's containers clip anything fixed inside them), or inside the element in full screen.
// « S » or Échap goes back: the view sends {action: "close"}; F puts the page in full screen.

let wallCounter = 0;

export default {
  render({ model, el }) {
    const id = `bas-wall-${++wallCounter}`;
    const send = (m) => model.send(m);
    let around = null;
    const host = () => around || (around = el.closest(".bas-projection"));
    const muted = [];

    const title = h("h1", { id: `${id}-h1`, class: "bas-wall-title" });
    const address = h("p", { class: "bas-wall-address" });
    // Seen in two groups (« AB2 C3D »), heard one character at a time (« A B 2 C 3 D »).
    const code = h("span", { class: "bas-wall-code", "aria-hidden": "true" });
    const spoken = h("span", { class: "bas-sr" });
    const count = h("p", { class: "bas-wall-count" });
    const qr = h("div", { class: "bas-wall-qr", role: "img" });
    const body = h("div", { class: "bas-wall-body" });
    const problem = h("p", { class: "bas-wall-problem", role: "status" });
    const live = h("p", { class: "bas-sr", "aria-live": "polite" });
    const wall = h("section", { class: "bas bas-wall", "aria-labelledby": `${id}-h1`, tabindex: "-1" },
      h("header", { class: "bas-wall-join" },
        h("div", { class: "bas-wall-text" },
          title,
          h("p", { class: "bas-wall-lead" }, "Rejoignez l'atelier :"),
          address,
          h("p", { class: "bas-wall-code-line" }, h("span", { class: "bas-wall-code-label" }, "Code : "), code, spoken),
          count),
        qr),
      body,
      h("footer", { class: "bas-wall-foot" }, problem,
        h("button", { type: "button", class: "bas-button bas-button--secondary bas-wall-close",
          onclick: () => send({ action: "close" }) }, "Quitter l'écran de la salle (S ou Échap)")),
      live);

    // --- the pseudonyms, the latest that fit ------------------------------------------------
    let seenCount = null;
    let names = null;
    /** Hide the oldest names until the list fits its box; say how many are hidden. */
    const fit = () => {
      if (!names || !names.isConnected) return;
      const more = names.querySelector(".bas-wall-more");
      let hidden = Number(names.dataset.more || 0);
      const items = [...names.querySelectorAll(".bas-wall-name")];
      const tell = () => {
        const text = `+ ${hidden} ${hidden > 1 ? "autres" : "autre"}`;
        more.hidden = hidden === 0;
        if (more.textContent !== text) more.textContent = text;
      };
      tell();
      while (items.length && names.scrollHeight > names.clientHeight + 1) {
        items.shift().remove();
        hidden += 1;
        tell();
      }
    };
    const drawNames = (room) => {
      const list = room.names || [];
      const first = (room.count || 0) - list.length;
      names = h("ul", { class: "bas-wall-names", "aria-label": "Personnes qui ont rejoint", "data-more": String(room.more || 0) },
        h("li", { class: "bas-wall-more", hidden: true }),
        list.map((name, i) => h("li", {
          class: `bas-wall-name${seenCount !== null && first + i >= seenCount ? " bas-wall-new" : ""}`,
          title: name }, name)));
      const parts = [names];
      if (!list.length) parts.push(h("p", { class: "bas-wall-empty" }, "Les pseudonymes s'afficheront ici."));
      body.replaceChildren(...parts);
      requestAnimationFrame(fit);
    };

    // --- the progress: how many on each screen, how many finished --------------------------
    const bar = (kind, number, label, text, share) => h("li", { class: `bas-wall-bar bas-wall-bar--${kind}` },
      h("span", { class: "bas-wall-bar-count", "aria-hidden": "true" }, number ? String(number) : ""),
      h("span", { class: "bas-wall-bar-track", "aria-hidden": "true" },
        h("span", { class: "bas-wall-bar-fill", style: `height: ${Math.round(share * 100)}%` })),
      h("span", { class: "bas-wall-bar-label", "aria-hidden": "true" }, label),
      h("span", { class: "bas-sr" }, text));
    const drawProgress = (room) => {
      const exercises = (room.progress || []).map((p) => {
        const top = Math.max(1, p.count || 0);  // a column's height: its share of the group
        return h("section", { class: "bas-wall-exercise", "aria-label": p.scenario },
          h("h2", { class: "bas-wall-exercise-title" }, p.scenario),
          h("ol", { class: "bas-wall-bars", style: `--bas-wall-bars: ${(p.screens || []).length}` },
            (p.screens || []).map((s) => bar("screen", s.count, String(s.number), s.text, s.count / top)),
            bar("done", p.done, "Terminé", p.done_text, (p.done || 0) / top)));
      });
      body.replaceChildren(
        h("p", { class: "bas-wall-legend" }, "Nombre de personnes sur chaque écran de l'exercice"),
        h("div", { class: "bas-wall-exercises" }, exercises));
      names = null;
    };

    const draw = () => {
      const workshop = model.get("workshop") || {};
      const join = model.get("join") || {};
      const room = model.get("room") || {};
      title.textContent = frenchText(workshop.title || "");
      address.textContent = join.address || "";
      code.textContent = workshop.code || "";
      spoken.textContent = workshop.code_spoken || workshop.code || "";
      count.textContent = frenchText([room.count_text, room.done_text, room.waiting_text].filter(Boolean).join(" · "));
      qr.setAttribute("aria-label", join.address ? `QR code pour rejoindre l'atelier : ${join.address}` : "QR code");
      if (qr.dataset.url !== (join.url || "")) {
        qr.dataset.url = join.url || "";
        qr.innerHTML = typeof join.qr === "string" && join.qr.startsWith("<svg") ? join.qr : "";
      }
      wall.dataset.phase = room.started ? "progress" : "join";
      if (room.started) drawProgress(room);
      else drawNames(room);
      seenCount = room.count || 0;
      problem.textContent = frenchText(model.get("problem") || "");
      problem.hidden = !model.get("problem");
    };

    let said = null;
    const announce = () => {
      const message = model.get("announce") || {};
      if (!message.text || message.seq === said) return;
      said = message.seq;
      live.textContent = frenchText(message.text);
    };
    said = (model.get("announce") || {}).seq;

    // --- over the whole page ----------------------------------------------------------------
    const place = () => {
      const target = document.fullscreenElement || document.body;
      if (wall.parentNode !== target) {
        const focused = wall.contains(document.activeElement);
        target.append(wall);
        if (focused) wall.focus();
      }
      // What the wall covers cannot be reached with Tab behind it.
      for (const child of host() ? host().children : []) {
        if (!child.contains(wall) && !child.inert) {
          child.inert = true;
          muted.push(child);
        }
      }
      requestAnimationFrame(fit);
    };
    const onKey = (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (["s", "S", "Escape"].includes(event.key)) {
        event.preventDefault();
        send({ action: "close" });
      } else if (event.key === "f" || event.key === "F") {
        event.preventDefault();
        if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
        else (host() || wall).requestFullscreen?.().catch(() => {});
      }
    };
    // A larger window has room for names hidden before: draw them all again, then fit.
    const resize = new ResizeObserver(() => { if (names) drawNames(model.get("room") || {}); });
    resize.observe(body);

    const changes = ["workshop", "join", "room", "problem"];
    for (const name of changes) model.on(`change:${name}`, draw);
    model.on("change:announce", announce);
    document.addEventListener("keydown", onKey);
    document.addEventListener("fullscreenchange", place);
    draw();
    place();
    wall.focus();
    const whenReady = () => {
      if (!el.isConnected) { setTimeout(whenReady, 100); return; }
      place();
    };
    whenReady();
    return () => {
      for (const name of changes) model.off(`change:${name}`, draw);
      model.off("change:announce", announce);
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("fullscreenchange", place);
      resize.disconnect();
      wall.remove();
      for (const node of muted) node.inert = false;
      const opener = (host() || document).querySelector("[data-room-opener]");
      if (opener) opener.focus();
    };
  },
};
