// The centre pane: case header, digest, composer and timeline, kept live.
import { CASE_NOT_FOUND, caseProblem, get, post } from "/static/js/api.js";
import { debtLine, settlementBadge, standingSettlement } from "./debts.js";
import { askSignOff, confirmDialog, escalateToFraud, reviewDecision } from "./dialogs.js";
import { fill, h } from "./dom.js";
import { day, holds, icon, me, money, when } from "./format.js";
import { label, title } from "./labels.js";
import { CHANGED } from "./worklist.js";
import { t } from "/static/js/i18n.js";

const worklistChanged = () => window.dispatchEvent(new Event(CHANGED));

const WORK_LABELS = { claim: "Claim", investigation: "Investigation", debt_account: "Debt account" };
// Four eyes: a reviewer (or supervisor) decides, never the person who asked (the server says so
// too; here the buttons are simply not offered).
const checks = (x) => holds("reviewer", "supervisor") && x.maker_id !== me.id;

export class CaseView {
  constructor({ root, header, digest, viewers, timeline, composer, customerPane, debtPanel, exportPanel,
    claimPanel, fraudPanel }) {
    Object.assign(this, { root, header, digest, viewers, timeline, composer, customerPane, debtPanel,
      exportPanel, claimPanel, fraudPanel });
    // A payment or promise changes the account: its line in the header follows.
    if (debtPanel) debtPanel.onCase = (c) => {
      if (c.id !== this.caseId) return;
      this.renderHeader(c);
      this.composer.setContext({ case: c });
    };
    this.caseId = null;
    this.case = null;
  }

  async open(caseId) {
    this.caseId = caseId;
    this.case = null;
    this.root.hidden = false;
    document.getElementById("case-empty").hidden = true;
    this.composer.form.hidden = false;
    this.composer.setCase(caseId);
    this.showViewers([]);
    fill(this.header, h("p", { class: "muted" }, t("Loading…")));
    fill(this.digest);
    this.debtPanel?.open(null);
    this.exportPanel?.open(caseId);
    this.claimPanel?.open(null);
    this.fraudPanel?.open(null);
    const opened = this.timeline.open(caseId);
    try {
      const c = await get(`/cases/${caseId}`);
      if (caseId !== this.caseId) return;
      this.renderHeader(c);
      this.debtPanel?.open(c);
      this.claimPanel?.open(c);
      this.fraudPanel?.open(c);
      this.composer.setContext({ case: c });
      this.customerPane.open(c.customer_id);
      this.loadDigest();
    } catch (err) {
      if (caseId !== this.caseId) return;
      if (err.code === "not_found") {
        this.showMissing(CASE_NOT_FOUND);
        return;
      }
      fill(this.header, h("p", { class: "error", id: "case-error" }, caseProblem(err), " ",
        h("button", { type: "button", class: "secondary", onclick: () => this.reopen(caseId) }, t("Retry"))));
    }
    await opened;
    // The first page is in: an email reply can now continue the thread's subject.
    if (caseId === this.caseId) this.composer.suggestSubject();
  }

  reopen(caseId) {
    if (caseId === this.caseId) this.open(caseId);
  }

  // A link to no case (a bad id, a merged or hidden case): say so, and leave nothing of the
  // case before on screen to be mistaken for it.
  showMissing(message) {
    this.caseId = null;
    this.case = null;
    this.root.hidden = false;
    document.getElementById("case-empty").hidden = true;
    this.composer.setCase(null);
    this.composer.form.hidden = true;
    this.timeline.reset(null);
    this.customerPane.clear();
    this.showViewers([]);
    fill(this.digest);
    this.debtPanel?.open(null);
    this.exportPanel?.open(null);
    this.claimPanel?.open(null);
    this.fraudPanel?.open(null);
    fill(this.header, h("p", { class: "error", id: "case-error" }, message));
  }

  async loadDigest() {
    const caseId = this.caseId;
    try {
      const d = await get(`/cases/${caseId}/digest`);
      if (caseId === this.caseId) this.renderDigest(d);
    } catch (err) {
      fill(this.digest, h("p", { class: "error" }, err.message));
    }
  }

  renderHeader(c) {
    this.case = c;
    this.onHeader?.(c); // the workflow and tasks panels (main.js) follow the case
    fill(this.header,
      h("div", { class: "case-title" },
        h("h1", { id: "case-customer" }, c.customer.display_name),
        h("span", { class: "case-ref", id: "case-reference" }, c.reference),
        c.sensitive ? h("span", { class: "badge danger", title: t("Views are audited") }, t("sensitive")) : null),
      h("div", { class: "case-badges" },
        h("span", { class: `badge status-${c.status}`, id: "case-status" }, label(c.status)),
        h("span", { class: `badge priority-${c.priority}` }, t("%(priority)s priority", { priority: label(c.priority) })),
        h("span", { class: "badge" }, c.owner ? t("owner %(name)s", { name: c.owner.name }) : t("unassigned")),
        c.flags.map((f) => h("span", { class: "badge flag" }, f))),
      (c.debts || []).length
        ? h("ul", { class: "work-lines debt-lines", id: "case-debts" }, c.debts.map((d) => this.debtHeader(d)))
        : null,
      c.open_work.filter((w) => w.kind !== "debt_account").length
        ? h("ul", { class: "work-lines" }, c.open_work.filter((w) => w.kind !== "debt_account").map((w) =>
          w.reference === "under review" // an investigation this reader may not see
            ? h("li", { class: `work work-${w.kind} under-review` }, `${WORK_LABELS[w.kind] || w.kind}: under review`)
            : h("li", { class: `work work-${w.kind}` }, `${WORK_LABELS[w.kind] || w.kind} ${w.reference}`,
              h("span", { class: "muted" }, ` · ${label(w.status)}${w.detail ? ` · ${w.detail}` : ""}`))))
        : null,
      this.unverifiedChats(c.unverified_chats || []));
  }

  // An account's line, and beside it the settlement that stands on it (waiting for sign-off,
  // or agreed): what the debtor now owes is not the balance alone.
  debtHeader(d) {
    const line = debtLine(d);
    const caseId = this.caseId;
    standingSettlement(d.id).then((s) => {
      if (s && caseId === this.caseId) line.append(" ", settlementBadge(s, d.currency));
    }).catch(() => { /* without settlements in view the account still shows */ });
    return line;
  }

  // Chat visitors who typed this customer's email or phone: nobody has checked who they are.
  // The agent verifies them (after security questions) or moves the chat to a case of its own.
  unverifiedChats(visits) {
    if (!visits.length) return null;
    const error = h("span", { class: "error", id: "chat-check-error", role: "alert" });
    // The agent confirms in a dialog; what the server answers (someone moved it a moment ago)
    // shows in it, and it stays open for another try or Cancel.
    const act = (visit, action, ask) => confirmDialog({ ...ask, id: "chat-check-dialog", run: async () => {
      const done = await post(`/chat-visits/${visit.id}/${action}`, {});
      window.dispatchEvent(new CustomEvent("caseline:in-hand-changed"));
      if (action === "move") window.location.hash = `case/${done.case_id}`;
      else this.reopen(this.caseId);
    } }).catch((err) => fill(error, err.message));
    return h("div", { class: "unverified-chats", id: "unverified-chats" }, visits.map((v) =>
      h("div", { class: "unverified-chat", dataset: { id: v.id } },
        h("span", { class: "badge danger" }, "unverified"), " ",
        `Chat from "${v.visitor_name}", who gave ${v.contact || "this customer's details"}: `
        + "not verified as this customer. ",
        h("button", { type: "button", class: "small", onclick: () => {
          const customer = this.case?.customer.display_name || "this customer";
          act(v, "verify", { title: "Mark the chat visitor verified",
            body: `Have you checked (security questions) that the chat visitor who gave the name `
              + `"${v.visitor_name}" is ${customer}?`,
            confirmLabel: "Yes, verified" });
        } }, "Mark verified"), " ",
        h("button", { type: "button", class: "small secondary", onclick: () => {
          act(v, "move", { title: "Move the chat to a case of its own",
            body: `Move this chat with "${v.visitor_name}" to a new customer and case of its own? `
              + "Its messages leave this case.",
            confirmLabel: "Move the chat", danger: true });
        } }, "Move to a case of its own"))), error);
  }

  renderDigest(d) {
    const rows = [];
    rows.push(h("div", { class: "digest-row" }, h("strong", {}, t("Last contact")), " ",
      d.last_contact.length
        ? d.last_contact.map((lc) => h("span", { class: "digest-chip" },
          `${icon(lc.medium)} ${lc.medium} ${lc.direction} · ${when(lc.occurred_at)}`))
        : h("span", { class: "muted" }, t("never"))));
    if (d.next_task) {
      rows.push(h("div", { class: "digest-row" }, h("strong", {}, t("Next task")), " ",
        d.next_task.title, d.next_task.due_at ? " · " + t("due %(when)s", { when: when(d.next_task.due_at) }) : "",
        h("span", { class: "muted" }, " (" + t("%(open)s open", { open: d.open_tasks }) + ")")));
    }
    if (d.open_promises.length) {
      rows.push(h("div", { class: "digest-row" }, h("strong", {}, t("Promises")), " ",
        d.open_promises.map((p) => h("span", { class: "digest-chip promise-chip" },
          t("%(amount)s by %(day)s", { amount: money(p.amount_cents, this.currencyOf(p.debt_account_id)), day: day(p.due_on) })))));
    }
    if (d.pending_decisions.length) {
      rows.push(h("div", { class: "digest-row", id: "decisions" }, h("strong", {}, t("Awaiting sign-off")), " ",
        d.pending_decisions.map((x) => h("span", { class: "digest-chip decision", dataset: { id: x.id } },
          h("span", { class: "decision-text" }, `${title(x.kind)}`
            + `${x.amount_cents != null ? ` · ${money(x.amount_cents, x.currency || "")}` : ""}: ${x.summary}`),
          checks(x) ? [" ", h("button", { type: "button", class: "small", onclick: () => this.decide(x, "approve") }, t("Approve")),
            " ", h("button", { type: "button", class: "small secondary", onclick: () => this.decide(x, "reject") }, t("Reject"))]
            : h("span", { class: "muted" }, x.maker_id === me.id ? " " + t("(yours: a reviewer decides)") : "")))));
    }
    rows.push(this.askForm());
    fill(this.digest, rows);
    this.digest.append(this.escalateButton());
  }

  currencyOf(debtId) {
    return (this.case?.debts || []).find((d) => d.id === debtId)?.currency || "";
  }

  // Ask a reviewer to sign off a judgement call on this case: a form (dialogs.js) offering
  // the kinds its holdings allow, the amount where one is decided, and the reason.
  askForm() {
    // A message outlives the re-render that the live case update brings (two reviewers at once).
    const error = h("span", { class: "error", id: "decision-error", role: "alert" }, this.notice || "");
    this.notice = null;
    this.decisionError = error;
    const open = h("button", { type: "button", class: "link", id: "ask-sign-off", onclick: async () => {
      const caseId = this.caseId;
      try {
        if (await askSignOff(caseId) && caseId === this.caseId) {
          this.loadDigest();
          worklistChanged();
        }
      } catch (err) { fill(error, err.message); }
    } }, t("Ask for sign-off…"));
    return h("div", {}, open, error);
  }

  // Anyone working the case may send it to the fraud team, saying what looks wrong.
  escalateButton() {
    const open = (this.case?.open_work || []).some((w) => w.kind === "investigation");
    if (open) return h("span");
    return h("button", { type: "button", class: "link", id: "escalate-fraud", onclick: async () => {
      const caseId = this.caseId;
      const claims = (this.case?.open_work || []).filter((w) => w.kind === "claim");
      try {
        if (!await escalateToFraud(caseId, claims)) return;
        const c = await get(`/cases/${caseId}`); // its new investigation, in the header
        if (caseId === this.caseId) { this.renderHeader(c); this.loadDigest(); }
        worklistChanged();
      } catch (err) {
        fill(this.decisionError, err.message); // e.g. someone else escalated it a moment ago
      }
    } }, t("Escalate to fraud…"));
  }

  async decide(decision, verdict) {
    try {
      if (!await reviewDecision(decision, verdict, title(decision.kind))) return; // cancelled
      this.loadDigest();
      worklistChanged();
    } catch (err) {
      this.notice = err.message; // e.g. "already approved" by another reviewer
      fill(this.decisionError, err.message);
    }
  }

  showViewers(viewers) {
    const others = viewers.filter((v) => v.id !== me.id).map((v) => v.name);
    this.viewers.hidden = others.length === 0;
    fill(this.viewers, others.length ? `Also viewing: ${others.join(", ")}` : "");
  }

  // Live events for the open case.
  onInteraction(payload) {
    if (payload.case_id !== this.caseId) return;
    this.timeline.upsert({ ...payload.interaction, cursor: payload.cursor });
    if (payload.interaction.medium !== "note") this.loadDigest();
    // A note, email or call wrap-up may state a fact the claim record disagrees with.
    if (["note", "email", "voice"].includes(payload.interaction.medium)) this.fraudPanel?.refresh();
  }

  onCase(payload) {
    if (payload.case_id !== this.caseId || !this.case) return;
    this.renderHeader({ ...this.case, ...payload.case }); // lines of work included
    this.loadDigest();
    if (this.case.debts?.length) this.debtPanel?.refresh(); // a payment, a promise kept or broken
    // A claim moved, its sign-off decided, a document received (or a first claim taken).
    if (this.claimPanel?.count || payload.case?.open_work?.some((w) => w.kind === "claim")) {
      this.claimPanel?.refresh();
    }
    this.fraudPanel?.refresh(); // a claim or an investigation changed: the rules ran again
  }

  onViewers(payload) {
    if (payload.case_id === this.caseId) this.showViewers(payload.viewers);
  }
}
