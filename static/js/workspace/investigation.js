// The investigation panel (fraud team, supervisors, reviewers, the assigned investigator) and
// the fraud queue. Everyone else sees "Under review": the server sends them nothing more.
import { del, get, post, send } from "/static/js/api.js";
import { fill, h } from "./dom.js";
import { holds, me, when } from "./format.js";
import { label } from "./labels.js";

const SEVERITIES = ["low", "medium", "high", "critical"];
const OUTCOMES = ["false_positive", "confirmed_fraud", "inconclusive"];
const words = label;
const works = () => holds("fraud", "supervisor");
const QUEUE_KEY = "caseline.fraudQueue.unfolded";
const queueUnfolded = () => { try { return localStorage.getItem(QUEUE_KEY) === "1"; } catch { return false; } };
const rememberQueue = (open) => { try { localStorage.setItem(QUEUE_KEY, open ? "1" : "0"); } catch { /* private mode */ } };

// "Risk 60: bank account shared (30), loss soon after start (30)": the score and the red flags
// behind it, so nobody has to guess why a case weighs what it does (crm.fraud.risk).
export const riskLine = (inv) => {
  const why = (inv.risk_reasons || []).map((r) => `${r.label} (${r.points})`).join(", ");
  return `Risk ${inv.risk_score}${why ? `: ${why}` : ""}`;
};

export class InvestigationPanel {
  constructor(root, queueRoot, openCase) {
    Object.assign(this, { root, queueRoot, openCase });
    this.caseId = null;
    this.unfolded = null; // the investigation whose details are unfolded
    if (holds("fraud", "supervisor", "reviewer")) {
      this.loadQueue();
      setInterval(() => this.loadQueue(), 30_000);
    }
  }

  async open(caseId) {
    this.caseId = caseId;
    fill(this.root);
    this.root.hidden = true;
    if (caseId) await this.refresh();
  }

  async refresh() {
    const caseId = this.caseId;
    let list;
    try { list = await get(`/cases/${caseId}/investigations`); } catch { return; }
    if (caseId !== this.caseId) return;
    const inv = list.items[0];
    if (!inv) {
      this.root.hidden = !list.under_review;
      fill(this.root, h("p", { id: "investigation-under-review", class: "muted" }, "Under review"));
      return;
    }
    const detail = await get(`/investigations/${inv.id}`);
    const notes = await get(`/investigations/${inv.id}/notes`);
    if (caseId !== this.caseId) return;
    this.root.hidden = false;
    this.render(detail, notes.items);
  }

  render(inv, notes) {
    this.error = h("span", { class: "error", id: "investigation-error", role: "alert" });
    const act = (fn) => async (event) => {
      event?.preventDefault?.();
      try { await fn(); this.shown = null; await this.refresh(); this.loadQueue(); } catch (err) { fill(this.error, err.message); }
    };
    const url = `/investigations/${inv.id}`;
    const open = inv.status !== "closed";
    const mine = inv.assigned_to?.id === me.id || holds("supervisor");
    // Folded, the panel is a summary of a few lines: what, how far, how bad, whose, and what
    // was escalated (clamped); the work itself (actions, evidence, notes) unfolds below it.
    const head = [
      h("h2", {}, "Investigation ", h("span", { id: "investigation-reference" }, inv.reference)),
      h("p", { class: "inv-line" }, h("span", { id: "investigation-status", class: `inv-status inv-${inv.status}` }, words(inv.status)),
        " · severity ", h("strong", { id: "investigation-severity" }, inv.severity),
        inv.assigned_to ? ` · ${inv.assigned_to.name}` : " · waiting in the fraud queue",
        inv.snoozed_until ? ` · snoozed until ${when(inv.snoozed_until)}` : ""),
      h("p", { id: "investigation-risk", class: "inv-risk", title: riskLine(inv) }, riskLine(inv)),
      h("p", { class: "inv-summary", title: inv.summary }, h("strong", {}, "Escalated: "), inv.summary),
    ];
    if (inv.status === "closed") {
      head.push(h("p", { id: "investigation-outcome" }, h("strong", {}, words(inv.outcome)), `: ${inv.outcome_summary}`));
    }
    if (open && inv.status === "open" && holds("fraud")) {
      head.push(h("button", { type: "button", id: "investigation-take", onclick: act(() => post(`${url}/take`)) }, "Take"));
    }
    const parts = [];
    if (open && works() && mine && inv.status !== "open") {
      const severity = h("select", { id: "investigation-severity-select", "aria-label": "Severity" },
        SEVERITIES.slice(SEVERITIES.indexOf(inv.severity)).map((s) => h("option", { value: s }, s)));
      severity.addEventListener("change", act(() => send("PATCH", url, { severity: severity.value })));
      const until = h("input", { type: "date", id: "investigation-snooze-date", "aria-label": "Snooze until" });
      const outcome = h("select", { id: "investigation-outcome-select", "aria-label": "Outcome" },
        OUTCOMES.map((o) => h("option", { value: o }, words(o))));
      const summary = h("textarea", { id: "investigation-close-summary", rows: 2, maxlength: 20000,
        placeholder: "What was found (required)", "aria-label": "Closing summary" });
      const close = h("form", { id: "investigation-close", class: "inv-close" }, outcome, " ", summary, " ",
        h("button", { type: "submit" }, "Close investigation"));
      close.addEventListener("submit", act(() => post(`${url}/close`, { outcome: outcome.value, summary: summary.value })));
      parts.push(h("div", { class: "inv-actions" }, "Severity ", severity, " ",
        this.sendUpButton(inv), " ", until,
        h("button", { type: "button", class: "secondary", id: "investigation-snooze", onclick: act(() =>
          send("PATCH", url, { snoozed_until: until.value ? `${until.value}T08:00:00Z` : null })) }, "Snooze"),
        this.sendUpForm(inv, url), close));
    }
    parts.push(h("h3", {}, "Evidence"), inv.evidence.length
      ? h("ul", { id: "investigation-evidence" }, inv.evidence.map((e) => h("li", {},
        `${e.item ? `${words(e.item.medium)}: ${(e.item.body || "").slice(0, 80)}` : e.key}${e.note ? ` — ${e.note}` : ""} `,
        open && works() ? h("button", { type: "button", class: "link", onclick: act(() => del(`${url}/evidence/${e.id}`)) }, "unpin") : "")))
      : h("p", { class: "muted" }, "Nothing pinned yet"));
    if (open && works() && mine && inv.status !== "open") parts.push(this.pinForm(url, act));
    parts.push(h("h3", {}, "Notes"), h("ul", { id: "investigation-notes" },
      notes.map((n) => h("li", {}, `${n.body} `, h("span", { class: "muted" }, `${n.agent?.name || ""} · ${when(n.occurred_at)}`)))));
    if (open && works() && mine) {
      const body = h("input", { id: "investigation-note", placeholder: "Note for the investigation", maxlength: 20000 });
      const form = h("form", { class: "inv-note" }, body, " ", h("button", { type: "submit" }, "Add note"));
      form.addEventListener("submit", act(() => post(`${url}/notes`, { body: body.value })));
      parts.push(form);
    }
    // Unfolded stays unfolded across live refreshes of the same investigation.
    const more = h("details", { id: "investigation-more", class: "inv-fold",
      open: this.unfolded === inv.id, ontoggle: () => { this.unfolded = more.open ? inv.id : null; } },
      h("summary", {}, h("span", { class: "fold-title" }, open && works() && mine ? "Work on it" : "Details"),
        ` · evidence ${inv.evidence.length} · notes ${notes.length}`), parts);
    const typed = this.shown === inv.id ? this.typed() : null;
    fill(this.root, head, more, this.error);
    this.shown = inv.id;
    if (typed) this.retype(typed);
  }

  // A live update redraws the panel: what was being typed (and where) comes back with it, so
  // a summary half-written when a colleague's note lands is not lost or sent empty.
  typed() {
    const fields = [...this.root.querySelectorAll("#investigation-more input, #investigation-more textarea, #investigation-more select")]
      .filter((el) => el.id && !el.closest("#investigation-send-up-form"));
    const focused = this.root.contains(document.activeElement) ? document.activeElement : null;
    return { values: fields.map((el) => [el.id, el.value]), focus: focused?.id,
      caret: focused?.selectionStart ?? null };
  }

  retype({ values, focus, caret }) {
    for (const [id, value] of values) {
      const el = this.root.querySelector(`#${id}`);
      if (el && value && el.value !== value) el.value = value;
    }
    const el = focus && this.root.querySelector(`#${focus}`);
    if (!el) return;
    el.focus();
    if (caret !== null && el.setSelectionRange) { try { el.setSelectionRange(caret, caret); } catch { /* not text */ } }
  }

  // "Escalate further" opens a small form in the panel (where to and why, required). It is
  // kept across live refreshes of the same investigation, so a reason being typed survives.
  sendUpForm(inv, url) {
    if (this.sendUp?.id === inv.id) return this.sendUp.form;
    const reason = h("textarea", { id: "investigation-send-up-reason", rows: 2, maxlength: 2000,
      "aria-required": "true", "aria-describedby": "investigation-send-up-error",
      placeholder: "e.g. To SIU: the same invoice on three claims" });
    const error = h("span", { class: "error field-error", id: "investigation-send-up-error", role: "alert" });
    const submit = h("button", { type: "submit", id: "investigation-send-up-submit" }, "Escalate");
    const cancel = h("button", { type: "button", class: "secondary", id: "investigation-send-up-cancel" }, "Cancel");
    const form = h("form", { id: "investigation-send-up-form", class: "inv-send-up", hidden: true, novalidate: true },
      h("label", { for: reason.id }, "Escalate further: where to, and why"), reason, error,
      h("div", { class: "inv-form-actions" }, submit, " ", cancel));
    const shut = () => {
      form.hidden = true;
      reason.value = "";
      fill(error);
      document.getElementById("investigation-send-up")?.focus();
    };
    cancel.addEventListener("click", shut);
    form.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.preventDefault(); shut(); } });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (submit.disabled) return;
      fill(error);
      if (!reason.value.trim()) {
        fill(error, "Say where it goes and why (SIU, legal, the police…).");
        reason.focus();
        return;
      }
      submit.disabled = true;
      try {
        await post(`${url}/escalate`, { reason: reason.value });
      } catch (err) {
        fill(error, err.message);
        submit.disabled = false;
        return;
      }
      this.sendUp = null;
      await this.refresh();
      this.loadQueue();
    });
    this.sendUp = { id: inv.id, form };
    return form;
  }

  sendUpButton(inv) {
    return h("button", { type: "button", class: "secondary", id: "investigation-send-up",
      "aria-controls": "investigation-send-up-form", onclick: () => {
        const form = this.sendUp?.id === inv.id ? this.sendUp.form : null;
        if (!form) return;
        form.hidden = false;
        form.querySelector("textarea").focus();
      } }, "Escalate further…");
  }

  // Pin one of the case's recent timeline items (or its first attachment) as evidence.
  pinForm(url, act) {
    const pick = h("select", { id: "investigation-pin-item", "aria-label": "Timeline item to pin" });
    const note = h("input", { id: "investigation-pin-note", placeholder: "Why it matters", maxlength: 2000 });
    const form = h("form", { class: "inv-pin" }, pick, " ", note, " ", h("button", { type: "submit" }, "Pin as evidence"));
    get(`/cases/${this.caseId}/timeline?limit=50`).then((page) => fill(pick, page.items
      // What people said or sent is evidence; the system's own entries (the investigation's
      // steps, a status change) are not.
      .filter((i) => i.medium !== "system")
      .map((i) => h("option", { value: i.id }, `${words(i.medium)} · ${when(i.occurred_at)} · ${(i.body || i.subject || "").slice(0, 60)}`)))).catch(() => {});
    form.addEventListener("submit", act(() => post(`${url}/evidence`, { interaction_id: Number(pick.value), note: note.value })));
    return form;
  }

  async loadQueue() {
    if (!this.queueRoot || !holds("fraud", "supervisor", "reviewer")) return;
    let queue;
    try { queue = await get("/investigations"); } catch { return; }
    this.queueRoot.hidden = false;
    // Folded to its one line unless unfolded (remembered): at 1280×720 a list of ten lines
    // above every case left the case's own panels no room.
    const fold = h("details", { id: "fraud-queue-fold", class: "fraud-queue-fold", open: queueUnfolded(),
      ontoggle: () => rememberQueue(fold.open) },
    h("summary", {}, h("h2", {}, `Fraud queue (${queue.items.length})`)),
    h("ul", { id: "fraud-queue-items" },
      queue.items.map((i) => h("li", { class: `inv-${i.severity}`, dataset: { id: i.id } },
        h("a", { href: `#case/${i.case_id}` }, `${i.reference} · ${i.customer_name}`),
        h("span", { class: "muted" }, ` · ${words(i.status)} · ${words(i.severity)}${i.assigned_to ? ` · ${i.assigned_to.name}` : ""}`)))));
    fill(this.queueRoot, fold);
  }
}
