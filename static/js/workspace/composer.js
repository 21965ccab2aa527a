// The composer: one box for everything an agent sends or records on a case. Media register
// here; today only internal notes, later issues add SMS, WhatsApp, email, chat and calls.
import { post } from "/static/js/api.js";
import { t } from "/static/js/i18n.js";
import { fill, h } from "./dom.js";
import * as drafts from "./drafts.js";

const media = new Map();
const parts = new Map(); // name -> { save(), restore(saved), clear(), payload() }
let composer = null;

// registerMedium("sms", { label: "SMS", action: "Send SMS", placeholder,
//   available(context) -> bool (optional; context = { caseId, case, customer }),
//   labelFor(context) -> the label here, when it depends on the case (optional),
//   files: true when its send carries the composer's attachments (extra.attachment_ids),
//   send(caseId, body, context, extra) -> the created timeline item, or null when it arrives live })
export function registerMedium(id, spec) {
  media.set(id, spec);
  composer?.refresh();
}

// registerPart("files", { save() -> what a draft keeps, restore(saved), clear(),
//   payload() -> fields the send adds (e.g. { attachment_ids }) }): parts of the composer that
// live in their own modules (attachments, templates) keep their state in the case's draft.
export function registerPart(name, spec) {
  parts.set(name, spec);
}

registerMedium("note", {
  label: t("Note"),
  action: t("Add note"),
  placeholder: t("Write an internal note (n)…"),
  send: (caseId, body) => post(`/cases/${caseId}/notes`, { body }),
});

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
    // The medium the words are for: the one the agent picked, or the one the case's draft was
    // written in (the media a case can use arrive after it opens). Until the agent picks
    // another it is never silently swapped: Ctrl+Enter on an email draft never sends a chat.
    this.medium = null;
    this.starting = false; // start() picking a medium, not the agent
    this.pendingSubject = null;
    composer = this;
    form.addEventListener("input", () => { if (this.caseId !== null) this.keepDraft(); });
    this.select.addEventListener("change", () => {
      if (!this.starting) this.medium = this.select.value;
      this.describe();
      this.suggestSubject();
      if (this.caseId !== null) this.keepDraft();
    });
    form.addEventListener("submit", (e) => { e.preventDefault(); this.send(); });
    this.body.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); this.send(); }
      if (e.key === "Escape") this.body.blur();
    });
    this.refresh();
  }

  refresh() {
    this.placeSubject();
    const current = this.select.value || "note";
    const usable = [...media].filter(([, m]) => !m.available || m.available(this.context));
    // A medium that cannot be used here says why, greyed out, rather than vanishing.
    const barred = [...media].filter(([id]) => !usable.some(([u]) => u === id))
      .map(([id, m]) => [id, m, m.unavailable?.(this.context)]).filter(([, , why]) => why);
    fill(this.select, usable.map(([id, m]) => h("option", { value: id },
      m.labelFor?.(this.context) || m.label)),
      barred.map(([id, m, why]) => h("option", { value: id, disabled: true, title: why },
        `${m.label} — ${why}`)));
    // The words' medium, once offered, is the one shown. Refused while words wait (a text the
    // guardrail just refused) it stays, greyed with its reason: falling back to Note would
    // file them as a note. With nothing written, it gives way.
    const words = this.hasWords();
    const offered = usable.some(([id]) => id === this.medium);
    const held = words && barred.some(([id]) => id === this.medium);
    if (this.medium && !offered && !held && !words) this.medium = null;
    this.select.value = offered || held ? this.medium
      : usable.some(([id]) => id === current) ? current : "note";
    this.describe();
    this.select.dispatchEvent(new CustomEvent("composer:refreshed"));
  }

  // Whether anything is written: text, a subject, or what a part holds (files, a template).
  hasWords() {
    return !drafts.isEmpty({ body: this.body.value, subject: this.subject?.value || "",
      parts: Object.fromEntries([...parts].map(([name, p]) => [name, p.save()])) });
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

  // A draft's subject waits until that box exists (a case opened as the page loads).
  placeSubject() {
    if (this.pendingSubject === null || !this.subject) return;
    this.subject.value = this.pendingSubject;
    this.pendingSubject = null;
  }

  setCase(caseId) {
    if (this.caseId !== null) this.keepDraft();
    this.caseId = caseId;
    this.context = { caseId };
    const draft = drafts.take(caseId) || {};
    this.body.value = draft.body || "";
    this.pendingSubject = draft.subject || "";
    this.placeSubject();
    this.medium = draft.medium && draft.medium !== "note" ? draft.medium : null;
    for (const [name, part] of parts) {
      part.clear();
      if (draft.parts?.[name]) part.restore(draft.parts[name], caseId);
    }
    fill(this.error);
    this.refresh();
  }

  keepDraft() {
    this.placeSubject();
    const saved = Object.fromEntries([...parts].map(([name, p]) => [name, p.save()])
      .filter(([, v]) => v));
    drafts.keep(this.caseId, { medium: this.medium || this.select.value, body: this.body.value,
      subject: this.subject?.value || "", parts: saved });
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
    if (this.medium && mediumId !== this.medium && this.hasWords()) {
      mediumId = this.medium; // the words' medium wins over a suggestion
    }
    if ([...this.select.options].some((o) => o.value === mediumId && !o.disabled)) {
      this.select.value = mediumId;
      this.medium = mediumId;
    }
    this.describe();
    this.starting = true; // the other parts hear of it; the words' medium stays as set above
    try { this.select.dispatchEvent(new Event("change")); } finally { this.starting = false; }
    if (focus) this.body.focus();
  }

  // One send at a time, from the button or Ctrl+Enter alike: a second press while the first
  // is on its way would reach the customer twice.
  async send() {
    if (this.sending) return;
    const text = this.body.value;
    const caseId = this.caseId;
    const extra = Object.assign({}, ...[...parts.values()].map((p) => p.payload?.() || {}));
    if (!caseId || (!text.trim() && !extra.template_id)) {
      fill(this.error, t("Write something first."));
      return;
    }
    const chosen = this.select.selectedOptions[0];
    if (chosen?.disabled) {
      fill(this.error, t("%(medium)s: pick another medium.", { medium: chosen.textContent }));
      return;
    }
    if (this.medium && this.medium !== this.select.value) {
      // The words' own medium is not offered (yet): never send them by another one.
      const option = [...this.select.options].find((o) => o.value === this.medium);
      const name = media.get(this.medium)?.label || this.medium;
      fill(this.error, option?.disabled
        ? `This draft was written as ${name}, which cannot be used now (${option.title}). `
          + "Choose another medium to send it."
        : `This draft was written as ${name}; wait until ${name} is available, or choose `
          + "another medium.");
      return;
    }
    if (extra.attachment_ids?.length && !media.get(this.select.value).files) {
      // Never drop the agent's files silently: a note or a promise carries none.
      fill(this.error, t("%(medium)s cannot carry files: send them by a message, or remove them.",
        { medium: media.get(this.select.value).label }));
      return;
    }
    this.sending = true;
    this.button.disabled = true;
    fill(this.error);
    try {
      const item = await media.get(this.select.value).send(caseId, text, this.context, extra);
      if (this.caseId === caseId) {
        this.body.value = "";
        if (this.subject) this.subject.value = "";
        for (const part of parts.values()) part.clear();
      }
      drafts.drop(caseId); // sent (perhaps while the agent moved on): no stale draft
      if (item) this.onSent(item);
    } catch (err) {
      if (this.caseId === caseId) fill(this.error, err.message);
    } finally {
      this.sending = false;
      this.button.disabled = false;
    }
  }
}
