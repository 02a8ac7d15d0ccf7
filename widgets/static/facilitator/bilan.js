// The facilitator's bilan: choose a workshop or a period, read the report (tables with captions
// and headers, charts with their alt text beside the same numbers in a table), download files.
// A file comes from the kernel as a custom message whose buffer holds its bytes: it becomes a
// Blob, downloaded at once by a link that stays on the page in case the browser held it back.

let counter = 0;

function box(kind, title, ...children) {
  return h("div", { class: `bas-box bas-box--${kind}` },
    h("p", { class: "bas-box-title" }, title), ...children);
}

function showError(item, text) {
  item.error.textContent = frenchText(text || "");
  item.error.hidden = !text;
  // A group's problem is said next to its legend; its fields are not each invalid.
  if (!item.group) item.control.setAttribute("aria-invalid", text ? "true" : "false");
}

/** An accessible table: caption, column headers, a row header in each row; and its CSV button. */
function table(block, base, send) {
  const captionId = `${base}-caption`;
  const columns = block.columns || [];
  // The caption names the table for assistive technologies; its visible twin stays above the
  // box, whole, when a wide table scrolls sideways inside it.
  const grid = h("table", { class: "bas-table" },
    h("caption", { id: captionId, class: "bas-sr" }, block.caption),
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.numeric ? "bas-num" : null }, c.label)))),
    h("tbody", {}, (block.rows || []).map((row) => h("tr", {}, row.map((text, i) => {
      const column = columns[i] || {};
      return column.header
        ? h("th", { scope: "row" }, text)
        : h("td", { class: column.numeric ? "bas-num" : null }, text);
    })))));
  const wrap = h("div", { class: "bas-table-wrap", "data-caption": block.caption }, grid);
  const key = block.download_key || block.key;
  const label = "Télécharger ce tableau (CSV)";
  return h("div", { class: "bas-bilan-table" },
    h("p", { class: "bas-table-title", "aria-hidden": "true" }, block.caption),
    (block.legend || []).length ? h("dl", { class: "bas-bilan-legend" },
      block.legend.map((l) => h("div", {}, h("dt", {}, `${l.term} : `), h("dd", {}, l.text)))) : null,
    wrap,
    block.note ? h("p", { class: "bas-help" }, block.note) : null,
    send && h("div", { class: "bas-actions bas-bilan-table-actions" },
      h("button", { type: "button", class: "bas-button bas-button--secondary bas-button--small", "data-table": key,
        "aria-label": `${label} : ${block.caption}`,
        onclick: () => send({ action: "download", file: "table", table: key }) }, label)));
}

function block(item, base, send) {
  if (item.type === "heading") return h("h4", { class: "bas-bilan-h4" }, item.text);
  if (item.type === "text") return h("p", {}, item.text);
  if (item.type === "chart") {
    return h("figure", { class: "bas-chart" },
      h("img", { src: item.src, alt: item.alt, class: "bas-chart-img" }),
      h("figcaption", {}, `${item.caption}. Les chiffres sont dans le tableau ci-dessous.`));
  }
  if (item.type === "table") {
    if (item.empty) return h("p", { class: "bas-bilan-empty" }, item.empty);
    return table(item, base, send);
  }
  return null;
}

/** Tables wider than the screen scroll sideways: such a box gets a name and the keyboard focus. */
function markScrollable(root) {
  for (const wrap of root.querySelectorAll(".bas-table-wrap")) {
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      // Named apart from its section (landmarks need distinct names): "Tableau : <caption>".
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", `Tableau : ${wrap.dataset.caption}`);
      wrap.setAttribute("tabindex", "0");
    } else {
      wrap.removeAttribute("role");
      wrap.removeAttribute("aria-label");
      wrap.removeAttribute("tabindex");
    }
  }
}

export default {
  render({ model, el }) {
    const id = `bas-bilan-${++counter}`;
    el.classList.add("bas-host");
    const send = (m) => model.send(m);
    const status = h("div", { class: "bas-live", role: "status" });
    const alert = h("div", { class: "bas-live", role: "alert" });
    const report = h("div", { class: "bas-bilan-report" });
    const fileArea = h("div", { class: "bas-bilan-file" });
    let fileUrl = null;
    let activityItems = {};
    let activityRows = null;

    const drawMessages = () => {
      const info = model.get("status");
      const problem = model.get("error");
      status.replaceChildren(...(info ? [box("success", "Information", h("p", {}, info))] : []));
      alert.replaceChildren(...(problem ? [box("problem", "Un problème est survenu", h("p", {}, problem))] : []));
    };
    const busy = (text) => {
      status.replaceChildren(box("info", "Patientez", h("p", {}, text)));
      alert.replaceChildren();
    };

    // --- the choice: a workshop, or a period ------------------------------------------------
    const workshop = field(`${id}-workshop`, "Atelier",
      h("select", { id: `${id}-workshop`, class: "bas-input bas-select", name: "workshop" }),
      "Du plus récent au plus ancien.");
    const since = field(`${id}-since`, "Du",
      h("input", { id: `${id}-since`, class: "bas-input bas-input--date", type: "date", name: "since" }),
      "Laissez vide pour partir du premier atelier.");
    const until = field(`${id}-until`, "Au",
      h("input", { id: `${id}-until`, class: "bas-input bas-input--date", type: "date", name: "until" }),
      "Laissez vide pour aller jusqu'à aujourd'hui.");
    const pseudonym = field(`${id}-pseudonym`, "Pseudonyme d'un apprenant (facultatif)",
      h("input", { id: `${id}-pseudonym`, class: "bas-input", type: "text", name: "pseudonym", maxlength: "30", autocomplete: "off", spellcheck: "false" }),
      "Pour suivre ses progrès d'un atelier à l'autre.");
    const none = h("p", { class: "bas-help", hidden: true }, "Aucun atelier pour l'instant.");
    const workshopForm = h("form", { class: "bas-form bas-console-section", novalidate: true, "aria-labelledby": `${id}-one`,
      onsubmit: (e) => {
        e.preventDefault();
        busy("Calcul du bilan de l'atelier…");
        send({ action: "workshop", workshop: workshop.control.value });
      } },
    h("h3", { id: `${id}-one` }, "Un atelier"), none, workshop.node,
    h("div", { class: "bas-actions" }, h("button", { type: "submit", class: "bas-button bas-button--primary" }, "Voir le bilan de l'atelier")));
    const periodForm = h("form", { class: "bas-form bas-console-section", novalidate: true, "aria-labelledby": `${id}-period`,
      onsubmit: (e) => {
        e.preventDefault();
        busy("Calcul du bilan de la période…");
        // A date half typed is no date at all for the browser: say so rather than send "".
        const day = (input) => (input.validity && input.validity.badInput ? "?" : input.value);
        send({ action: "period", since: day(since.control), until: day(until.control), pseudonym: pseudonym.control.value });
      } },
    h("h3", { id: `${id}-period` }, "Une période"), since.node, until.node, pseudonym.node,
    h("div", { class: "bas-actions" }, h("button", { type: "submit", class: "bas-button bas-button--primary" }, "Voir le bilan de la période")));

    const drawWorkshops = () => {
      const items = model.get("workshops") || [];
      const kept = workshop.control.value;
      workshop.control.replaceChildren(...items.map((w) => h("option", { value: String(w.id) }, w.label)));
      if (items.some((w) => String(w.id) === kept)) workshop.control.value = kept;
      none.hidden = items.length > 0;
      workshop.node.hidden = items.length === 0;
    };
    const drawFormErrors = () => {
      const errors = model.get("form_errors") || {};
      const items = { workshop, since, until, pseudonym };
      for (const [key, item] of Object.entries(items)) showError(item, errors[key]);
      const first = Object.keys(items).find((key) => errors[key]);
      if (first) items[first].control.focus();
    };

    // --- the report --------------------------------------------------------------------------
    const activityForm = (activity) => {
      activityItems = {};
      const groups = (activity.groups || []).map((g) => {
        const groupError = h("p", { class: "bas-error-text", id: `${id}-group-${g.key}-error`, hidden: true });
        const node = h("fieldset", { class: "bas-fieldset bas-bilan-counts", id: `${id}-group-${g.key}`, "aria-describedby": groupError.id },
          h("legend", { class: "bas-legend" }, g.legend), groupError);
        activityItems[g.key] = { error: groupError, control: node, group: true };
        for (const f of g.fields || []) {
          const inputId = `${id}-count-${f.key}`;
          const item = field(inputId, f.label,
            h("input", { id: inputId, class: "bas-input bas-input--count", type: "text", inputmode: "numeric", name: f.key, autocomplete: "off", value: f.value || "" }),
            f.help || null);
          activityItems[f.key] = item;
          node.append(item.node);
        }
        return node;
      });
      const place = field(`${id}-place`, "Type de lieu",
        h("select", { id: `${id}-place`, class: "bas-input bas-select", name: "place" },
          h("option", { value: "" }, "Non renseigné"),
          (activity.places || []).map((p) => h("option", { value: p, selected: p === activity.place }, p))));
      const counts = () => Object.fromEntries(Object.entries(activityItems)
        .filter(([, item]) => !item.group).map(([k, item]) => [k, item.control.value]));
      const submit = (format) => {
        busy("Préparation du compte rendu…");
        send({ action: "download", file: "activity", format, counts: counts(), place: place.control.value });
      };
      activityRows = h("div", {});
      const form = h("form", { class: "bas-form", novalidate: true, "aria-labelledby": `${id}-activity`,
        onsubmit: (e) => { e.preventDefault(); submit("csv"); } },
      h("h4", { id: `${id}-activity`, class: "bas-bilan-h4" }, "Compte rendu d'activité"),
      h("p", {}, "Les champs du compte rendu d'un atelier collectif sont remplis avec les données de l'atelier. "
        + "Ajoutez ce que Bac à sable ne sait pas. Ce que vous laissez vide sera « non renseigné »."),
      place.node, groups,
      h("div", { class: "bas-actions" },
        h("button", { type: "submit", class: "bas-button bas-button--secondary", "data-file": "activity-csv" }, "Compte rendu d'activité (CSV)"),
        h("button", { type: "button", class: "bas-button bas-button--secondary", "data-file": "activity-xlsx", onclick: () => submit("xlsx") }, "Compte rendu d'activité (Excel)")),
      activityRows);
      drawActivity();
      return form;
    };
    const drawActivity = () => {
      const activity = model.get("activity") || {};
      const errors = activity.errors || {};
      for (const [key, item] of Object.entries(activityItems)) showError(item, errors[key]);
      const first = Object.keys(activityItems).find((key) => errors[key]);
      if (first) {
        const item = activityItems[first];
        (item.group ? item.control.querySelector("input") : item.control).focus();
      }
      if (!activityRows) return;
      const rows = activity.rows || [];
      activityRows.replaceChildren(...(rows.length ? [table({
        key: "activity", caption: "Compte rendu d'activité préparé",
        columns: [{ label: "Champ", header: true }, { label: "Valeur" }], rows,
      }, `${id}-activity-rows`, null)] : []));
      markScrollable(activityRows);
    };

    const downloadsSection = (view) => {
      const buttons = [h("button", { type: "button", class: "bas-button bas-button--secondary", "data-file": "xlsx",
        onclick: () => { busy("Préparation du fichier…"); send({ action: "download", file: "xlsx" }); } }, "Tous les tableaux (Excel)")];
      if (view.kind === "workshop") {
        buttons.push(h("button", { type: "button", class: "bas-button bas-button--secondary", "data-file": "html",
          onclick: () => { busy("Préparation du rapport…"); send({ action: "download", file: "html" }); } }, "Rapport à imprimer (HTML)"));
      } else {
        for (const [format, label] of [["csv", "CSV"], ["xlsx", "Excel"]]) {
          buttons.push(h("button", { type: "button", class: "bas-button bas-button--secondary", "data-file": `activity-period-${format}`,
            onclick: () => { busy("Préparation des comptes rendus…"); send({ action: "download", file: "activity_period", format }); } },
          `Comptes rendus d'activité des ateliers (${label})`));
        }
      }
      activityItems = {};
      activityRows = null;
      const activity = model.get("activity") || {};
      return h("section", { class: "bas-console-section", id: `${id}-s-downloads`, "aria-labelledby": `${id}-downloads` },
        h("h3", { id: `${id}-downloads` }, "Télécharger"),
        h("p", {}, "Les fichiers CSV et Excel s'ouvrent avec un tableur (Excel, LibreOffice Calc). "
          + "Le navigateur les range dans son dossier des téléchargements."),
        h("div", { class: "bas-actions" }, buttons),
        fileArea,
        view.kind === "workshop" && (activity.groups || []).length ? activityForm(activity) : null);
    };

    const drawReport = () => {
      const view = model.get("view") || {};
      fileArea.replaceChildren();
      if (!view.kind) {
        report.replaceChildren();
        return;
      }
      const sections = view.sections || [];
      const heading = h("h2", { id: `${id}-report`, class: "bas-bilan-title", tabindex: "-1" }, view.title);
      const contents = h("nav", { class: "bas-bilan-contents", "aria-label": "Sommaire du bilan" },
        h("ul", {}, [...sections.map((s) => h("li", {}, h("a", { href: `#${id}-s-${s.key}`, class: "bas-link" }, s.title))),
          h("li", {}, h("a", { href: `#${id}-s-downloads`, class: "bas-link" }, "Télécharger"))]));
      const parts = sections.map((s, i) => h("section", { class: "bas-console-section", id: `${id}-s-${s.key}`, "aria-labelledby": `${id}-h-${s.key}` },
        h("h3", { id: `${id}-h-${s.key}` }, s.title),
        (s.blocks || []).map((b, j) => block(b, `${id}-b${i}-${j}`, send))));
      report.replaceChildren(h("section", { class: "bas-bilan-shown", "aria-labelledby": `${id}-report` },
        heading,
        view.empty ? box("warning", "Rien à montrer pour l'instant", h("p", { class: "bas-bilan-empty-all" }, view.empty)) : null,
        contents, parts, downloadsSection(view)));
      markScrollable(report);
      if (el.isConnected) heading.focus();
    };

    // --- files from the kernel ---------------------------------------------------------------
    const onMessage = (msg, buffers) => {
      if (!msg || msg.kind !== "file" || !buffers || !buffers.length) return;
      const blob = new Blob([buffers[0]], { type: msg.mime || "application/octet-stream" });
      if (fileUrl) URL.revokeObjectURL(fileUrl);
      fileUrl = URL.createObjectURL(blob);
      const link = h("a", { href: fileUrl, download: msg.name, class: "bas-link" }, `Télécharger à nouveau : ${msg.name}`);
      fileArea.replaceChildren(h("p", {}, "Le fichier est téléchargé. Sinon : ", link));
      link.click();
    };

    el.append(h("section", { class: "bas bas-console bas-bilan", "aria-labelledby": `${id}-h1` },
      facilitatorNav("bilan.ipynb"),
      h("h1", { id: `${id}-h1`, class: "bas-title" }, "Bilan des ateliers"),
      status, alert,
      h("section", { class: "bas-bilan-choose", "aria-labelledby": `${id}-choose` },
        h("h2", { id: `${id}-choose`, class: "bas-subtitle" }, "Choisir un atelier ou une période"),
        h("div", { class: "bas-bilan-choices" }, workshopForm, periodForm)),
      report));
    drawWorkshops();
    drawFormErrors();
    drawMessages();
    drawReport();

    // Whether a table scrolls sideways changes with the width of the page (and its zoom).
    const resized = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => markScrollable(report));
    if (resized) resized.observe(report);
    const onResize = () => markScrollable(report);
    const handlers = [["change:workshops", drawWorkshops], ["change:form_errors", drawFormErrors],
      ["change:view", drawReport], ["change:activity", drawActivity],
      ["change:error", drawMessages], ["change:status", drawMessages], ["change:answered", drawMessages],
      ["msg:custom", onMessage]];
    for (const [name, fn] of handlers) model.on(name, fn);
    window.addEventListener("resize", onResize);
    return () => {
      for (const [name, fn] of handlers) model.off(name, fn);
      window.removeEventListener("resize", onResize);
      if (resized) resized.disconnect();
      if (fileUrl) URL.revokeObjectURL(fileUrl);
    };
  },
};
