// The learner's reading tools: « Lire à voix haute » and the text size (A− / A / A+).
//
// What is read is taken from the page of the current screen (its DOM), not from the kernel's
// view model: it is exactly what is on screen (an error shown in place, a hint), with no round
// trip. Only the words the scenario wrote are read: the screen's title and intro or, when a
// field had the focus, that field's label, help, hint and error. Never the value of a control:
// what the learner typed is never spoken, nor sent to the laptop for espeak-ng (controls are
// removed from every copy before its text is taken). Of a password field only its label and
// its written rules: not the ticks of the rules nor its error, which tell about the password.

const UNAVAILABLE = "La lecture à voix haute n'est pas disponible sur cet appareil.";
const MESSAGES = {
  indisponible: UNAVAILABLE,
  occupe: "La lecture à voix haute est occupée. Réessayez dans un instant.",
  trop: "Trop de demandes de lecture. Attendez une minute, puis réessayez.",
};
/** A French voice of the device itself: the network ones need the internet, absent here. */
const FRENCH = /^fr([-_]|$)/i;
/** Sounds made by the laptop, kept in the page: one a sentence. */
const AUDIO_CACHE = new Map();
const AUDIO_CACHE_SIZE = 60;

/** The text of ``node`` without controls, hidden parts and the ticks of password rules. */
function wordsOf(node) {
  if (!node) return "";
  const copy = node.cloneNode(true);
  const drop = "input, select, textarea, button, [hidden], [aria-hidden='true'], .bas-rule-state";
  for (const part of copy.querySelectorAll(drop)) part.remove();
  // Items of a list are said with a pause between them, paragraphs apart.
  for (const item of copy.querySelectorAll("li")) item.append(", ");
  for (const block of copy.querySelectorAll("p, div, dt, dd")) block.append(" ");
  return copy.textContent.replace(/\s+/g, " ").replace(/[\s,]+$/, "").trim();
}

/** What to read for one field of the screen, in order; ``focused`` is its focused control. */
function fieldWords(wrapper, focused) {
  const password = Boolean(wrapper.querySelector(".bas-password"));
  const label = wrapper.querySelector(":scope > label.bas-label, :scope .bas-legend, :scope .bas-check > .bas-check-label");
  const words = [wordsOf(label)];
  const part = focused && focused.closest && focused.closest(".bas-part");
  if (part) words.push(wordsOf(part.querySelector("label")));
  for (const help of wrapper.querySelectorAll(".bas-help, .bas-statement")) words.push(wordsOf(help));
  if (!password) {
    const hint = wrapper.querySelector("[id$='-hint']");
    words.push(wordsOf(hint));
    words.push(wordsOf(wrapper.querySelector(".bas-error-text")));
  }
  return words.filter(Boolean);
}

/** What to read for the screen itself: its title and its intro. */
function screenWords(screen) {
  if (!screen) return [];
  return [wordsOf(screen.querySelector("h1")), wordsOf(screen.querySelector(".bas-intro"))].filter(Boolean);
}

/** Cut ``words`` into pieces of at most ``max`` characters, at sentence ends when possible. */
function pieces(words, max) {
  const out = [];
  for (const text of words) {
    const sentences = text.match(/[^.!?…:]+[.!?…:]*\s*/g) || [text];
    let current = "";
    for (let sentence of sentences) {
      if ((current + sentence).trim().length > max && current.trim()) {
        out.push(current.trim());
        current = "";
      }
      while (sentence.trim().length > max) { // one long sentence: cut between words
        const space = sentence.lastIndexOf(" ", max);
        const cut = space > 0 ? space : max;
        out.push(sentence.slice(0, cut).trim());
        sentence = sentence.slice(cut);
      }
      current += sentence;
    }
    if (current.trim()) out.push(current.trim());
  }
  return out.filter(Boolean);
}

function frenchVoice() {
  const synth = window.speechSynthesis;
  if (!synth || typeof window.SpeechSynthesisUtterance !== "function") return null;
  const voices = synth.getVoices() || [];
  return voices.find((v) => FRENCH.test(v.lang || "") && v.localService !== false) || null;
}

/** The device's French voice; the list may come a moment after the page loads. */
function findVoice() {
  const synth = window.speechSynthesis;
  const voice = frenchVoice();
  if (voice || !synth || (synth.getVoices() || []).length) return Promise.resolve(voice);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      synth.removeEventListener("voiceschanged", done);
      resolve(frenchVoice());
    };
    const timer = setTimeout(done, 1000);
    synth.addEventListener("voiceschanged", done);
  });
}

/** The server's address of the page: Voilà's pages live under ``<base>voila/``. */
function serverBase() {
  const base = (document.body && document.body.dataset.baseUrl) || "/";
  return base.replace(/voila\/?$/, "") || "/";
}

function readStored(key) {
  try {
    return Number(window.localStorage.getItem(key));
  } catch (error) {
    return NaN; // storage refused (private browsing): the size is kept for this page only
  }
}

function store(key, value) {
  try {
    window.localStorage.setItem(key, String(value));
  } catch (error) {
    // nothing to do: see readStored
  }
}

/** Scale the whole learner's page: every size of the sandbox is in rem. */
function applySize(size) {
  const html = document.documentElement;
  html.style.setProperty("--bas-text-scale", String(size / 100));
  if (size === 100) delete html.dataset.basTextSize;
  else html.dataset.basTextSize = String(size);
}

export default {
  render({ model, el }) {
    el.classList.add("bas-host");
    const sizeButton = (sign, name, onclick) => h("button", {
      type: "button", class: "bas-button bas-button--secondary bas-reading-size", onclick,
    }, h("span", { "aria-hidden": "true" }, sign), h("span", { class: "bas-sr" }, name));
    const status = h("p", { class: "bas-reading-status", role: "status" });
    const audio = h("audio", { class: "bas-reading-audio", preload: "none" });
    const smaller = sizeButton("A−", "Réduire le texte", () => step(-1));
    const normal = sizeButton("A", "Taille normale", () => setSize(sizes()[0], true));
    const larger = sizeButton("A+", "Agrandir le texte", () => step(1));
    const read = h("button", {
      type: "button", class: "bas-button bas-button--secondary bas-reading-read", onclick: () => readAloud(null),
      "aria-keyshortcuts": "Alt+Shift+L", title: "Raccourci au clavier : Alt + Maj + L",
    }, h("span", {}, "Lire", h("span", { class: "bas-reading-long" }, " à voix haute"))); // one line of text: the space stays
    const root = h("section", { class: "bas bas-reading", "aria-label": "Lecture et taille du texte" },
      h("div", { class: "bas-reading-row" },
        read,
        h("div", { class: "bas-reading-sizes", role: "group", "aria-label": "Taille du texte" }, smaller, normal, larger)),
      status, audio);
    el.append(root);

    let lastField = null; // the field that had the focus before the learner came to the toolbar
    let backwards = false; // focus is moving back with Shift+Tab (towards the toolbar)
    let generation = 0; // each reading cancels the one before

    const sizes = () => {
      const list = (model.get("sizes") || []).map(Number).filter((n) => n > 0);
      return list.length ? list : [100];
    };
    const say = (text) => {
      status.textContent = frenchText(text);
    };

    const showSize = (announce) => {
      const size = Number(model.get("size")) || sizes()[0];
      const list = sizes();
      applySize(size);
      smaller.setAttribute("aria-disabled", String(size <= list[0]));
      larger.setAttribute("aria-disabled", String(size >= list[list.length - 1]));
      if (announce) say(`Taille du texte : ${size}\u00a0%`);
    };

    function setSize(size, announce) {
      store(model.get("size_key"), size);
      if (Number(model.get("size")) === size) {
        showSize(announce);
        return;
      }
      model.set("size", size);
      model.save_changes();
      showSize(announce);
    }

    function step(direction) {
      const list = sizes();
      const size = Number(model.get("size")) || list[0];
      const next = direction > 0 ? list.find((s) => s > size) : [...list].reverse().find((s) => s < size);
      if (next === undefined) {
        say(direction > 0 ? `Le texte est déjà à la plus grande taille : ${size}\u00a0%`
          : `Le texte est déjà à la plus petite taille : ${size}\u00a0%`);
        return;
      }
      setSize(next, true);
    }

    // The field to read is the one the learner was in: a click or a tap in a field, or Tab,
    // remember it; another place of the form (its title on a new screen, a button) forgets it.
    // Going back to the toolbar with Shift+Tab passes the fields above: they are not remembered.
    const onFocus = (event) => {
      const target = event.target;
      const back = backwards;
      backwards = false;
      const inForm = target && target.closest && target.closest(".bas-screen .bas-form");
      if (!inForm || back) return; // the toolbar, the persona's card, the devices, the notice
      const wrapper = target.closest("[data-field]");
      lastField = wrapper ? { wrapper, focused: target } : null;
    };
    // Alt+Shift+L reads from where the focus is, without leaving the field.
    const onKey = (event) => {
      if (event.key === "Tab") backwards = event.shiftKey;
      if (event.altKey && event.shiftKey && event.code === "KeyL") {
        event.preventDefault();
        readAloud(document.activeElement);
      }
    };
    document.addEventListener("focusin", onFocus);
    document.addEventListener("keydown", onKey);

    const currentScreen = () => {
      const player = el.closest(".bas-player");
      return (player && player.querySelector(".bas-screen")) || document.querySelector(".bas-screen");
    };

    const words = (active) => {
      const here = active && active.closest && active.closest(".bas-screen .bas-form [data-field]");
      if (here) return fieldWords(here, active);
      if (lastField && lastField.wrapper.isConnected) return fieldWords(lastField.wrapper, lastField.focused);
      return screenWords(currentScreen());
    };

    const stop = () => {
      generation += 1;
      if (window.speechSynthesis) window.speechSynthesis.cancel();
      audio.pause();
    };

    async function readAloud(active) {
      stop();
      const mine = generation;
      const text = words(active);
      if (!text.length) return;
      say("");
      const voice = await findVoice();
      if (mine !== generation) return;
      if (voice) {
        speak(voice, text, mine);
        return;
      }
      await playFromLaptop(text, mine);
    }

    function speak(voice, text, mine) {
      const synth = window.speechSynthesis;
      let fellBack = false;
      for (const piece of text) {
        const utterance = new window.SpeechSynthesisUtterance(piece);
        utterance.lang = voice.lang;
        utterance.voice = voice;
        utterance.rate = 0.9;
        utterance.addEventListener("error", (event) => {
          // The voice failed (not stopped by a new reading): the laptop reads instead.
          if (fellBack || mine !== generation || ["interrupted", "canceled"].includes(event.error)) return;
          fellBack = true;
          synth.cancel();
          playFromLaptop(text, mine);
        });
        synth.speak(utterance);
      }
    }

    async function fetchSound(piece) {
      if (AUDIO_CACHE.has(piece)) return AUDIO_CACHE.get(piece);
      const path = String(model.get("speech_path") || "").replace(/^\//, "");
      const response = await fetch(`${serverBase()}${path}?texte=${encodeURIComponent(piece)}`,
        { credentials: "same-origin" });
      if (!response.ok) {
        let code = "indisponible";
        try {
          code = (await response.json()).code || code;
        } catch (error) {
          // not JSON: an older server, or none at this address
        }
        throw new Error(code);
      }
      const url = URL.createObjectURL(await response.blob());
      AUDIO_CACHE.set(piece, url);
      if (AUDIO_CACHE.size > AUDIO_CACHE_SIZE) {
        const [oldest, oldUrl] = [...AUDIO_CACHE][0];
        AUDIO_CACHE.delete(oldest);
        URL.revokeObjectURL(oldUrl);
      }
      return url;
    }

    async function playFromLaptop(text, mine) {
      const max = Number(model.get("max_chars")) || 600;
      try {
        for (const piece of pieces(text, max)) {
          const url = await fetchSound(piece);
          if (mine !== generation) return;
          audio.src = url;
          await audio.play();
          await new Promise((resolve) => {
            audio.addEventListener("ended", resolve, { once: true });
            audio.addEventListener("pause", resolve, { once: true });
          });
          if (mine !== generation) return;
        }
      } catch (error) {
        if (mine === generation) say(MESSAGES[error.message] || UNAVAILABLE);
      }
    }

    // The size the device kept wins over the kernel's default: it is the learner's choice.
    const kept = readStored(model.get("size_key"));
    if (sizes().includes(kept) && kept !== Number(model.get("size"))) {
      model.set("size", kept);
      model.save_changes();
    }
    showSize(false);
    const onSize = () => {
      store(model.get("size_key"), Number(model.get("size")));
      showSize(false);
    };
    model.on("change:size", onSize);
    model.on("change:sizes", onSize);
    return () => {
      stop();
      document.removeEventListener("focusin", onFocus);
      document.removeEventListener("keydown", onKey);
      model.off("change:size", onSize);
      model.off("change:sizes", onSize);
    };
  },
};
