// Regulation F in the customer pane: the times and places the debtor named as inconvenient,
// a spoken "don't call / text / email me", validation sent on a disputed debt, and the
// attempts the guardrail blocked on the case (a supervisor overrides one, saying why).
import { del, get, post } from "/static/js/api.js";
import { awaitsValidation } from "./debts.js";
import { fill, h } from "./dom.js";
import { holds, when } from "./format.js";
import { CHANGED } from "./worklist.js";
import { label } from "./labels.js";
import { reasonDialog } from "./dialogs.js";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const MEDIA = { voice: "call", sms: "text", whatsapp: "WhatsApp", email: "email" };

export class ContactRules {
  constructor(customer, reload) {
    this.c = customer;
    this.reload = reload;
    this.root = h("section", { class: "contact-rules", id: "contact-rules" });
    // Its own box: a live blocked attempt redraws the list, never a form being filled in.
    this.blockedBox = h("div", { class: "blocked-box", id: "blocked-attempts" });
    this.blocked = [];
    this.error = h("p", { class: "error", id: "contact-rules-error", role: "alert" });
  }

  element() {
    this.load();
    return this.root;
  }

  async load() {
    const c = this.c;
    try {
      const [rules, blocked, kase] = await Promise.all([
        get(`/customers/${c.id}/contact-restrictions`),
        c.case_id ? get(`/cases/${c.case_id}/blocked-attempts`) : { items: [] },
        c.case_id ? get(`/cases/${c.case_id}`) : { debts: [] }]);
      this.blocked = blocked.items;
      this.render(rules.items, kase.debts || []);
    } catch (err) { fill(this.root, h("p", { class: "error" }, err.message)); }
  }

  async act(request) {
    try { await request(); this.reload(); } catch (err) { fill(this.error, err.message); }
  }

  // A blocked attempt (or an override of one) on this case, as the socket brought it.
  upsertBlocked(row) {
    this.blocked = [row, ...this.blocked.filter((b) => b.id !== row.id)]
      .sort((a, b) => (a.occurred_at < b.occurred_at ? 1 : a.occurred_at > b.occurred_at ? -1 : b.id - a.id));
    this.renderBlocked();
  }

  renderBlocked() {
    fill(this.blockedBox, this.blocked.length ? [h("h3", {}, "Blocked attempts"),
      h("ul", { class: "blocked-attempts" }, this.blocked.slice(0, 10).map((b) => this.blockedRow(b)))] : null);
  }

  render(rules, debts) {
    fill(this.root,
      h("h3", {}, "Inconvenient times and places"),
      rules.length ? h("ul", { class: "restrictions" }, rules.map((r) => h("li", { class: "restriction", dataset: { id: r.id } },
        `${r.summary}${r.contact_point_id ? ` · ${this.pointName(r.contact_point_id)}` : ""}`,
        r.note ? h("span", { class: "muted" }, ` "${r.note}"`) : null, " ",
        h("button", { type: "button", class: "small secondary", onclick: () => this.act(() => del(`/contact-restrictions/${r.id}`)) }, "Remove"))))
        : h("p", { class: "muted" }, "None named."),
      this.restrictionForm(),
      this.optOutForm(),
      debts.length && holds("collections", "supervisor", "admin") ? this.validation(debts) : null,
      this.blockedBox,
      this.error);
    this.renderBlocked();
  }

  pointName(id) {
    return this.c.contact_points.find((p) => p.id === id)?.value || `#${id}`;
  }

  pointSelect(name, anyLabel) {
    return h("select", { name }, anyLabel ? h("option", { value: "" }, anyLabel) : null,
      this.c.contact_points.filter((p) => p.kind !== "chat").map((p) => h("option", { value: p.id }, p.value)));
  }

  restrictionForm() {
    const boxes = DAYS.map((d) => h("label", { class: "day" }, h("input", { type: "checkbox", value: d }), d));
    const starts = h("input", { type: "time", name: "starts", title: "from (their time)" });
    const ends = h("input", { type: "time", name: "ends", title: "until (their time)" });
    const point = this.pointSelect("contact_point_id", "any contact point");
    const note = h("input", { name: "note", placeholder: "What they said (\"not before 10\")", maxlength: 500 });
    const form = h("form", { class: "restriction-form", id: "restriction-form" },
      h("div", {}, boxes), h("div", {}, "from ", starts, " until ", ends, " at ", point), note,
      h("button", { type: "submit", class: "small" }, "Record inconvenient time/place"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.act(() => post(`/customers/${this.c.id}/contact-restrictions`, {
        days: boxes.map((b) => b.firstChild).filter((i) => i.checked).map((i) => i.value),
        starts: starts.value || null, ends: ends.value || null,
        contact_point_id: point.value ? Number(point.value) : null, note: note.value }));
    });
    return form;
  }

  // The debtor's "don't call / text / email me": which number or address, which medium, how
  // they asked and their words, each field labelled with a hint.
  optOutForm() {
    const field = (id, label, input, hint) => {
      input.id = id;
      input.setAttribute("aria-describedby", `${id}-hint`);
      return h("div", { class: "field" }, h("label", { for: id, class: "field-name" }, label), " ", input,
        h("small", { class: "hint", id: `${id}-hint` }, hint));
    };
    const point = this.pointSelect("contact_point");
    const medium = h("select", { name: "medium" }, Object.entries(MEDIA).map(([m, label]) => h("option", { value: m }, `don't ${label} me`)));
    const source = h("select", { name: "source" }, h("option", { value: "spoken" }, "said it (on a call)"),
      h("option", { value: "written" }, "in writing"));
    const note = h("input", { name: "note", maxlength: 500 });
    const form = h("form", { class: "opt-out-form", id: "opt-out-form", "aria-label": "Record a request not to be contacted" },
      h("h3", {}, "Don't contact me by…"),
      field("opt-out-point", "Number or address", point, "the contact point they mean"),
      field("opt-out-medium", "Request", medium, "only that medium stops, on that contact point"),
      field("opt-out-source", "How they asked", source, "kept on the audit trail"),
      field("opt-out-note", "Their words", note, "optional, e.g. \"stop calling my work phone\""),
      h("button", { type: "submit", class: "small" }, "Record request"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!point.value) { fill(this.error, "This customer has no number or address to record it on."); return; }
      this.act(async () => {
        await post(`/contact-points/${point.value}/opt-outs`, { medium: medium.value, source: source.value, note: note.value });
        window.dispatchEvent(new Event(CHANGED)); // its worklist row says so at once
      });
    });
    return form;
  }

  // Disputed (the flag, or the status) and no validation recorded: all contact waits for it.
  validation(debts) {
    const waiting = debts.filter(awaitsValidation);
    if (!waiting.length) return null;
    return h("div", { class: "validation", id: "validation" }, waiting.map((d) => {
      const day = h("input", { type: "date", value: new Date().toISOString().slice(0, 10),
        "aria-label": `Validation of ${d.account_number} sent on` });
      return h("p", { dataset: { debtId: d.id } },
        `Debt ${d.account_number} is disputed: no collection until validation is sent. `, day, " ",
        h("button", { type: "button", class: "small", onclick: () => this.act(async () => {
          await post(`/debts/${d.id}/validation`, { sent_on: day.value || null });
          // The header's badge and the debt panel follow without a reload.
          window.dispatchEvent(new CustomEvent("caseline:debts-changed", { detail: { caseId: d.case_id } }));
        }) }, "Validation sent"));
    }));
  }

  blockedRow(b) {
    const done = b.overridden_at ? ` · overridden: "${b.override_reason}"` : "";
    const canOverride = b.overridable && !b.overridden_at && holds("supervisor", "admin");
    return h("li", { class: "blocked", dataset: { id: b.id } },
      `${when(b.occurred_at)} · ${MEDIA[b.medium] || b.medium} · ${label(b.rule)}${done}`, " ",
      canOverride ? h("button", { type: "button", class: "small secondary", onclick: async () => {
        const done = await reasonDialog({ id: "override-dialog", title: "Override a blocked contact",
          body: `Blocked: ${MEDIA[b.medium] || b.medium} on ${when(b.occurred_at)} · ${label(b.rule)}. `
            + "Overriding lets this contact go ahead once.",
          label: "Why may it go ahead?", hint: "required; kept on the audit trail with your name",
          confirmLabel: "Override", run: (reason) => post(`/blocked-attempts/${b.id}/override`, { reason }) });
        if (done !== null) this.reload();
      } }, "Override") : null);
  }
}
