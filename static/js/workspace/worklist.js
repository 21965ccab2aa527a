// The left pane: the agent's assigned cases, recent cases and open tasks, with counts; for
// reviewers the decisions waiting for their sign-off, for the fraud team its escalations, for
// collections the accounts due for contact now.
import { get } from "/static/js/api.js";
import { t } from "/static/js/i18n.js";
import { CollectionsList } from "./collections.js";
import { fill, h } from "./dom.js";
import { day, holds, money, when } from "./format.js";
import { label, title } from "./labels.js";
import { WorklistControls } from "./worklist-controls.js";

// "Ana López · C-1001 · 1,250.00 USD · asked by Sam 5 min ago": whose, which case, how much, who.
function named(item, verb) {
  const sum = item.amount_cents === null || item.amount_cents === undefined ? null
    : money(item.amount_cents, item.currency);
  return [item.customer_name, item.case_reference, sum,
    `${verb}${item.requester ? ` by ${item.requester.name}` : ""} ${when(item.created_at)}`].filter(Boolean).join(" · ");
}

export const CHANGED = "caseline:worklist-changed";
const kindLabel = title;
const KIND_TITLES = { settlement_offer: t("Settlement offers") };

export class Worklist {
  constructor(root, openCase) {
    this.root = root;
    this.openCase = openCase;
    this.collections = new CollectionsList(() => this.load(), openCase);
    this.controls = new WorklistControls(() => this.load());
    setInterval(() => this.load(), 60_000);
    // This page signed off, escalated, or recorded a payment, promise or disposition.
    window.addEventListener(CHANGED, () => this.soon());
  }

  // Several changes in a moment (a payment, then its case update) load the lists once.
  soon() {
    clearTimeout(this.pending);
    this.pending = setTimeout(() => this.load(), 250);
  }

  // Is this case on the collections list shown? (a live change to it reorders the list)
  showsCase(caseId) {
    return Boolean(this.root.querySelector(`#wl-collections .wl-debt[data-case-id="${Number(caseId)}"]`));
  }

  async load() {
    // Only the newest load paints: an older one (a live update's) answering after a filter was
    // chosen would put the unfiltered list back.
    const asked = (this.asked = (this.asked || 0) + 1);
    try {
      const [w, signOff, escalated, due] = await Promise.all([get(this.controls.path()),
        holds("reviewer", "supervisor") ? get("/decisions") : null,
        holds("fraud", "supervisor") ? get("/investigations/escalated") : null,
        holds("collections", "supervisor", "admin") ? this.collections.fetch() : null]);
      if (asked !== this.asked) return;
      this.render(w, signOff?.items, escalated?.items, due);
    } catch (err) {
      if (asked !== this.asked) return;
      fill(this.root, h("p", { class: "error" }, err.message));
    }
  }

  caseButton(c, extra) {
    return h("li", {}, h("button", {
      type: "button", class: "wl-case", dataset: { caseId: c.id }, onclick: () => this.openCase(c.id),
    },
    h("span", { class: "wl-name" }, c.customer.display_name),
    h("span", { class: "wl-meta muted" }, `${c.reference} · ${label(c.status)}${c.priority !== "normal" ? ` · ${label(c.priority)}` : ""}`),
    extra ? h("span", { class: "wl-meta muted" }, extra) : null));
  }

  section(id, title, count, items, pager) {
    return h("section", { class: "wl-section", id },
      h("h3", {}, title, " ", h("span", { class: "count" }, String(count))),
      items.length ? h("ul", {}, items) : h("p", { class: "muted" }, t("Nothing here.")), pager);
  }

  // A piece of work on a case: its title and when it was raised; opens the case.
  workButton(caseId, title, meta) {
    return h("li", {}, h("button", { type: "button", class: "wl-task", onclick: () => this.openCase(caseId) },
      h("span", { class: "wl-name" }, title), h("span", { class: "wl-meta muted" }, meta)));
  }

  // What waits for my sign-off, grouped by kind; a settlement shows what is signed: the
  // account, the amount against the balance and the discount.
  // Those beyond my authority (limit or qualification) follow, naming who can sign them.
  signOffSection(all) {
    const items = all.filter((d) => d.authority?.can_sign !== false);
    const others = all.filter((d) => d.authority?.can_sign === false);
    const kinds = [...new Set(items.map((d) => d.kind))];
    return h("section", { class: "wl-section", id: "wl-sign-off" },
      h("h3", {}, t("Awaiting my sign-off"), " ", h("span", { class: "count" }, String(items.length))),
      items.length ? kinds.map((kind) => {
        const group = items.filter((d) => d.kind === kind);
        return h("div", { class: `wl-group wl-kind-${kind}`, dataset: { kind } },
          h("h4", {}, `${KIND_TITLES[kind] || kindLabel(kind)} `, h("span", { class: "count" }, String(group.length))),
          h("ul", {}, group.map((d) => (d.settlement ? this.settlementAsk(d)
            : this.workButton(d.case_id, d.summary, named(d, "asked"))))));
      }) : h("p", { class: "muted" }, t("Nothing here.")),
      others.length ? h("div", { class: "wl-group wl-beyond", id: "wl-beyond-authority" },
        h("h4", {}, t("Needs someone else's authority"), " ", h("span", { class: "count" }, String(others.length))),
        h("ul", {}, others.map((d) => this.workButton(d.case_id, d.summary,
          `${d.amount_cents != null ? `${money(d.amount_cents, d.currency || "")} · ` : ""}`
          + (d.authority.signers.length ? `${d.authority.signers.map((s) => s.name).join(", ")} can sign`
            : "nobody holds the authority yet"))))) : null);
  }

  settlementAsk(d) {
    const s = d.settlement;
    const how = s.terms.as === "promise" ? `one payment by ${day(s.terms.due_on)}`
      : `${s.terms.count} ${s.terms.frequency} instalments from ${day(s.terms.first_due_on)}`;
    return h("li", {}, h("button", { type: "button", class: "wl-task wl-decision", dataset: { decisionId: d.id },
      onclick: () => this.openCase(d.case_id) },
    h("span", { class: "wl-name" }, `Settle ${money(s.amount_cents, s.currency)} of ${money(s.balance_cents, s.currency)}`),
    h("span", { class: "wl-meta" }, h("strong", {}, `${s.discount_pct}% off`), ` · debt ${s.account_number} (${s.creditor})`),
    h("span", { class: "wl-meta muted" }, `as ${how} · ${named({ ...d, amount_cents: null }, "asked")}`)));
  }

  render(w, signOff, escalated, due) {
    fill(this.root,
      due ? this.collections.section(due) : null,
      signOff ? this.signOffSection(signOff) : null,
      escalated ? this.section("wl-escalated", t("Fraud escalations"), escalated.length, escalated.map((i) =>
        this.workButton(i.case_id, `${i.reference}: ${i.summary}`, named(i, "escalated")))) : null,
      this.controls.bar(),
      this.lists(w));
  }

  // The paged, filtered list first (with its pager), then the others' first pages.
  lists(w) {
    const pager = (view) => (w.view === view ? this.controls.pager(w) : null);
    const sections = {
      assigned: this.section("wl-assigned", t("Assigned"), w.assigned_count, w.assigned.map((c) => this.caseButton(c)), pager("assigned")),
      recent: this.section("wl-recent", t("Recent"), w.recent_count ?? w.recent.length, w.recent.map((c) => this.caseButton(c, t("opened %(when)s", { when: when(c.viewed_at) }))), pager("recent")),
      tasks: this.section("wl-tasks", t("Tasks · %(due)s due", { due: w.tasks_due_count }), w.tasks_count, w.tasks.map((task) =>
        h("li", {}, h("button", {
          type: "button", class: `wl-task${task.due_at && Date.parse(task.due_at) <= Date.now() ? " due" : ""}`,
          onclick: () => this.openCase(task.case_id),
        }, h("span", { class: "wl-name" }, task.title),
        h("span", { class: "wl-meta muted" }, task.due_at ? t("due %(when)s", { when: when(task.due_at) }) : t("no due date"))))), pager("tasks")),
    };
    const view = w.view || "assigned";
    return [sections[view], ...Object.keys(sections).filter((k) => k !== view).map((k) => sections[k])];
  }
}
