// The composer: one box for everything an agent sends or records on a case. Media register
// here; today only internal notes, later issues add SMS, WhatsApp, email, chat and calls.
import { post } from "/static/js/api.js";
import { fill, h } from "./dom.js";

const media = new Map();
let composer = null;

// registerMedium("sms", { label: "SMS", action: "Send SMS", placeholder,
//   available(context) -> bool (optional; context = { caseId, case, customer }),
//   labelFor(context) -> the label here, when it depends on the case (optional),
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

// Unsent drafts outlive a reload: kept in this tab's sessionStorage (gone when the tab
// closes), under the signed-in agent's id, and wiped by the sign-in page every sign-out
// reaches, so the next person at a shared desk never sees them.
const me = document.querySelector('meta[name="caseline-user"]')?.content || "";
const DRAFT = "caseline-draft:";
const stored = {
  key: (caseId) => `${DRAFT}${me}:${caseId}`,
  get(caseId) {
    try { return JSON.parse(sessionStorage.getItem(this.key(caseId))) || null; } catch { return null; }
  },
  set(caseId, draft) {
    try { sessionStorage.setItem(this.key(caseId), JSON.stringify(draft)); } catch { /* full */ }
  },
  drop(caseId) { sessionStorage.removeItem(this.key(caseId)); },
};

// A reply continues its thread: "Re: " once, however many the last message carried.
const reply = (subject) => `Re: ${subject.replace(/^\s*((re|aw|sv)\s*:\s*)+/i, "")}`;

export class Composer {
  // lastSubject(medium): the subject of the newest message on the case in that medium, if any.
  constructor({ form, onSent, lastSubject = () => null }) {
    this.form = form;
    this.onSent = onSent;
    this.lastSubject = lastSubject;
    this.select = form.querySelector("#composer-medium");
    this.body = form.querySelector("#composer-body");
    this.button = form.querySelector("#composer-send");
    this.error = form.querySelector("#composer-error");
    this.caseId = null;
    this.context = {};
    this.sending = false;
    this.drafts = new Map(); // case id -> { body, subject } unsent: a screen pop never loses it
    composer = this;
    form.addEventListener("input", () => { if (this.caseId !== null) this.keepDraft(); });
    this.select.addEventListener("change", () => {
      this.chosen = this.select.value;
      this.describe();
      this.suggestSubject();
    });
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
    // A medium that cannot be used here says why, greyed out, rather than vanishing.
    const barred = [...media].filter(([id]) => !usable.some(([u]) => u === id))
      .map(([id, m]) => [id, m, m.unavailable?.(this.context)]).filter(([, , why]) => why);
    fill(this.select, usable.map(([id, m]) => h("option", { value: id },
      m.labelFor?.(this.context) || m.label)),
      barred.map(([id, m, why]) => h("option", { value: id, disabled: true, title: why },
        `${m.label} — ${why}`)));
    // A medium refused while the agent's words wait (a text the guardrail just refused) stays
    // chosen, greyed with its reason: falling back to Note would file them as a note.
    // (The one the agent chose, too, should a list built meanwhile have lacked it.)
    const wanted = this.body.value.trim() && this.chosen ? this.chosen : current;
    const held = this.body.value.trim() && barred.some(([id]) => id === wanted);
    this.select.value = usable.some(([id]) => id === wanted) || held ? wanted
      : usable.some(([id]) => id === current) ? current : "note";
    this.describe();
  }

  describe() {
    const m = media.get(this.select.value);
    this.button.textContent = m.action;
    this.body.placeholder = m.placeholder || "";
  }

  // The subject box belongs to the email medium (composer-messaging.js adds it after us).
  get subject() {
    return this.form.querySelector("#composer-subject");
  }

  setCase(caseId) {
    if (this.caseId !== null) this.keepDraft();
    this.caseId = caseId;
    this.chosen = null;
    this.context = { caseId };
    const draft = this.drafts.get(caseId) || stored.get(caseId) || {};
    this.drafts.delete(caseId);
    this.body.value = draft.body || "";
    if (this.subject) this.subject.value = draft.subject || "";
    fill(this.error);
    this.refresh();
  }

  keepDraft() {
    const draft = { body: this.body.value, subject: this.subject?.value || "" };
    if (draft.body.trim() || draft.subject.trim()) {
      this.drafts.set(this.caseId, draft);
      stored.set(this.caseId, draft);
    } else {
      this.drafts.delete(this.caseId);
      stored.drop(this.caseId);
    }
  }

  // An empty subject starts as "Re: <the thread's subject>" (never over what the agent typed).
  suggestSubject() {
    const field = this.subject;
    if (!field || field.value.trim() || !this.caseId) return;
    const last = this.lastSubject(this.select.value);
    if (last) field.value = reply(last);
  }

  // What the media need to decide if they apply (e.g. a phone number without an SMS opt-out).
  setContext(extra) {
    this.context = { ...this.context, ...extra };
    this.refresh();
  }

  start(mediumId = "note", focus = true) {
    if ([...this.select.options].some((o) => o.value === mediumId && !o.disabled)) {
      this.select.value = mediumId;
    }
    this.describe();
    this.select.dispatchEvent(new Event("change"));
    if (focus) this.body.focus();
  }

  // One send at a time, from the button or Ctrl+Enter alike: a second press while the first
  // is on its way would reach the customer twice.
  async send() {
    if (this.sending) return;
    const text = this.body.value;
    const caseId = this.caseId;
    if (!caseId || !text.trim()) {
      fill(this.error, "Write something first.");
      return;
    }
    const chosen = this.select.selectedOptions[0];
    if (chosen?.disabled) {
      fill(this.error, `${chosen.textContent}: pick another medium.`);
      return;
    }
    this.sending = true;
    this.button.disabled = true;
    fill(this.error);
    try {
      const item = await media.get(this.select.value).send(caseId, text, this.context);
      if (this.caseId === caseId) {
        this.body.value = "";
        if (this.subject) this.subject.value = "";
      }
      this.drafts.delete(caseId); // sent (perhaps while the agent moved on): no stale draft
      stored.drop(caseId);
      if (item) this.onSent(item);
    } catch (err) {
      if (this.caseId === caseId) fill(this.error, err.message);
    } finally {
      this.sending = false;
      this.button.disabled = false;
    }
  }
}
