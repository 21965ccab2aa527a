// The composer: one box for everything an agent sends or records on a case. Media register
// here; today only internal notes, later issues add SMS, WhatsApp, email, chat and calls.
import { post } from "./api.js";
import { fill, h } from "./dom.js";

const media = new Map();
let composer = null;

// registerMedium("sms", { label: "SMS", action: "Send SMS", placeholder,
//   available(context) -> bool (optional; context = { caseId, case, customer }),
//   send(caseId, body, context) -> the created timeline item, or null when it arrives live })
export function registerMedium(id, spec) {
  media.set(id, spec);
  composer?.refresh();
}

registerMedium("note", {
  label: "Note",
  action: "Add note",
  placeholder: "Write an internal note (n)…",
  send: (caseId, body) => post(`/cases/${caseId}/notes`, { body }),
});

export class Composer {
  constructor({ form, onSent }) {
    this.form = form;
    this.onSent = onSent;
    this.select = form.querySelector("#composer-medium");
    this.body = form.querySelector("#composer-body");
    this.button = form.querySelector("#composer-send");
    this.error = form.querySelector("#composer-error");
    this.caseId = null;
    this.context = {};
    this.drafts = new Map(); // case id -> unsent text: a screen pop or a click never loses it
    composer = this;
    this.select.addEventListener("change", () => this.describe());
    form.addEventListener("submit", (e) => { e.preventDefault(); this.send(); });
    this.body.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); this.send(); }
      if (e.key === "Escape") this.body.blur();
    });
    this.refresh();
  }

  refresh() {
    const current = this.select.value || "note";
    const usable = [...media].filter(([, m]) => !m.available || m.available(this.context));
    fill(this.select, usable.map(([id, m]) => h("option", { value: id }, m.label)));
    this.select.value = usable.some(([id]) => id === current) ? current : "note";
    this.describe();
  }

  describe() {
    const m = media.get(this.select.value);
    this.button.textContent = m.action;
    this.body.placeholder = m.placeholder || "";
  }

  setCase(caseId) {
    if (this.caseId !== null && this.body.value.trim()) {
      this.drafts.set(this.caseId, this.body.value);
    }
    this.caseId = caseId;
    this.context = { caseId };
    this.body.value = this.drafts.get(caseId) || "";
    this.drafts.delete(caseId);
    fill(this.error);
    this.refresh();
  }

  // What the media need to decide if they apply (e.g. a phone number without an SMS opt-out).
  setContext(extra) {
    this.context = { ...this.context, ...extra };
    this.refresh();
  }

  start(mediumId = "note", focus = true) {
    if ([...this.select.options].some((o) => o.value === mediumId)) this.select.value = mediumId;
    this.describe();
    this.select.dispatchEvent(new Event("change"));
    if (focus) this.body.focus();
  }

  async send() {
    const text = this.body.value;
    if (!this.caseId || !text.trim()) {
      fill(this.error, "Write something first.");
      return;
    }
    this.button.disabled = true;
    fill(this.error);
    try {
      const item = await media.get(this.select.value).send(this.caseId, text, this.context);
      this.body.value = "";
      if (item) this.onSent(item);
    } catch (err) {
      fill(this.error, err.message);
    } finally {
      this.button.disabled = false;
    }
  }
}
