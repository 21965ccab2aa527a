// The left pane: the agent's assigned cases, recent cases and open tasks, with counts; for
// reviewers the decisions waiting for their sign-off, for the fraud team its escalations, for
// collections the accounts due for contact now.
import { get } from "/static/js/api.js";
import { CollectionsList } from "./collections.js";
import { fill, h } from "./dom.js";
import { holds, when } from "./format.js";
import { WorklistControls } from "./worklist-controls.js";

// "Ana López · C-1001 · 1,250.00 USD · asked by Sam 5 min ago": whose, which case, how much, who.
function named(item, verb) {
  const money = item.amount_cents === null || item.amount_cents === undefined ? null
    : `${(item.amount_cents / 100).toLocaleString(undefined, { minimumFractionDigits: 2 })} ${item.currency || ""}`.trim();
  return [item.customer_name, item.case_reference, money,
    `${verb}${item.requester ? ` by ${item.requester.name}` : ""} ${when(item.created_at)}`].filter(Boolean).join(" · ");
}

export const CHANGED = "caseline:worklist-changed";

export class Worklist {
  constructor(root, openCase) {
    this.root = root;
    this.openCase = openCase;
    this.collections = new CollectionsList(() => this.load(), openCase);
    this.controls = new WorklistControls(() => this.load());
    setInterval(() => this.load(), 60_000);
    window.addEventListener(CHANGED, () => this.load()); // this page signed off or escalated
  }

  async load() {
    try {
      const [w, signOff, escalated, due] = await Promise.all([get(this.controls.path()),
        holds("reviewer", "supervisor") ? get("/decisions") : null,
        holds("fraud", "supervisor") ? get("/investigations/escalated") : null,
        holds("collections", "supervisor", "admin") ? this.collections.fetch() : null]);
      this.render(w, signOff?.items, escalated?.items, due);
    } catch (err) {
      fill(this.root, h("p", { class: "error" }, err.message));
    }
  }

  caseButton(c, extra) {
    return h("li", {}, h("button", {
      type: "button", class: "wl-case", dataset: { caseId: c.id }, onclick: () => this.openCase(c.id),
    },
    h("span", { class: "wl-name" }, c.customer.display_name),
    h("span", { class: "wl-meta muted" }, `${c.reference} · ${c.status}${c.priority !== "normal" ? ` · ${c.priority}` : ""}`),
    extra ? h("span", { class: "wl-meta muted" }, extra) : null));
  }

  section(id, title, count, items, pager) {
    return h("section", { class: "wl-section", id },
      h("h3", {}, title, " ", h("span", { class: "count" }, String(count))),
      items.length ? h("ul", {}, items) : h("p", { class: "muted" }, "Nothing here."), pager);
  }

  // A piece of work on a case: its title and when it was raised; opens the case.
  workButton(caseId, title, meta) {
    return h("li", {}, h("button", { type: "button", class: "wl-task", onclick: () => this.openCase(caseId) },
      h("span", { class: "wl-name" }, title), h("span", { class: "wl-meta muted" }, meta)));
  }

  render(w, signOff, escalated, due) {
    fill(this.root,
      due ? this.collections.section(due) : null,
      signOff ? this.section("wl-sign-off", "Awaiting my sign-off", signOff.length, signOff.map((d) =>
        this.workButton(d.case_id, `${d.kind.replaceAll("_", " ")}: ${d.summary}`, named(d, "asked")))) : null,
      escalated ? this.section("wl-escalated", "Fraud escalations", escalated.length, escalated.map((i) =>
        this.workButton(i.case_id, `${i.reference}: ${i.summary}`, named(i, "escalated")))) : null,
      this.controls.bar(),
      this.lists(w));
  }

  // The paged, filtered list first (with its pager), then the others' first pages.
  lists(w) {
    const pager = (view) => (w.view === view ? this.controls.pager(w) : null);
    const sections = {
      assigned: this.section("wl-assigned", "Assigned", w.assigned_count, w.assigned.map((c) => this.caseButton(c)), pager("assigned")),
      recent: this.section("wl-recent", "Recent", w.recent_count ?? w.recent.length, w.recent.map((c) => this.caseButton(c, `opened ${when(c.viewed_at)}`)), pager("recent")),
      tasks: this.section("wl-tasks", `Tasks · ${w.tasks_due_count} due`, w.tasks_count, w.tasks.map((t) =>
        h("li", {}, h("button", {
          type: "button", class: `wl-task${t.due_at && Date.parse(t.due_at) <= Date.now() ? " due" : ""}`,
          onclick: () => this.openCase(t.case_id),
        }, h("span", { class: "wl-name" }, t.title),
        h("span", { class: "wl-meta muted" }, t.due_at ? `due ${when(t.due_at)}` : "no due date")))), pager("tasks")),
    };
    const view = w.view || "assigned";
    return [sections[view], ...Object.keys(sections).filter((k) => k !== view).map((k) => sections[k])];
  }
}
