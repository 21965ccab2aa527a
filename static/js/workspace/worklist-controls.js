// The agent's worklist controls: which list to page (assigned, recent, tasks), its filters
// (status, priority, line of work, due), its sort, the pager, and the person's saved views
// as chips (one click applies one; the current choice can be saved under a name).
import { del, get, post, qs } from "/static/js/api.js";
import { t } from "/static/js/i18n.js";
import { h } from "./dom.js";

const VIEWS = [["assigned", t("Assigned")], ["recent", t("Recent")], ["tasks", t("Tasks")]];
const CHOICES = [
  ["status", t("Status"), ["open", "pending", "closed"]],
  ["priority", t("Case priority"), ["urgent", "high", "normal", "low"]],
  ["line", t("Line"), ["insurance", "fraud", "collections", "retention"]],
  ["due", t("Due"), ["overdue", "today", "week", "none"]],
  ["sort", t("Order by"), ["activity", "priority", "status", "due"]],
];
// What each order means, in words (as crm.cases.worklist._order); "" is the list's own.
const ORDERS = {
  activity: t("latest activity first"), priority: t("case priority, urgent first"),
  status: t("case status, open first"), due: t("next task due, soonest first"),
};
const OWN_ORDER = { assigned: t("latest activity first"), recent: t("the cases you opened last first"),
  tasks: t("due soonest first") };
// The filters' values in words.
const VALUE_WORDS = {
  open: t("open"), pending: t("pending"), closed: t("closed"), urgent: t("urgent"), high: t("high"),
  normal: t("normal"), low: t("low"), insurance: t("insurance"), fraud: t("fraud"),
  collections: t("collections"), overdue: t("overdue"), today: t("today"), week: t("week"), none: t("none"),
};
const DEFAULT = t("default");
export const FILTERS = CHOICES.map(([name]) => name);

export class WorklistControls {
  constructor(reload) {
    this.reload = reload;
    this.query = { view: "assigned", page: 1 };
    this.saved = [];
    this.problem = "";
    this.loadSaved();
  }

  async loadSaved() {
    try {
      this.saved = (await get("/saved-views")).items;
    } catch {
      this.saved = [];
    }
    this.reload();
  }

  // The filters as a saved view holds them.
  current() {
    const out = { view: this.query.view };
    for (const name of FILTERS) if (this.query[name]) out[name] = this.query[name];
    return out;
  }

  matches(view) {
    const a = this.current();
    const b = { view: "assigned", ...view.filters };
    return Object.keys({ ...a, ...b }).every((k) => a[k] === b[k]);
  }

  async save(form) {
    const name = form.elements.name.value.trim();
    if (!name) return;
    try {
      await post("/saved-views", { name, filters: this.current() });
      this.problem = "";
    } catch (err) {
      this.problem = err.message;
    }
    await this.loadSaved();
  }

  async forget(view) {
    try {
      await del(`/saved-views/${view.id}`);
    } catch (err) {
      this.problem = err.message;
    }
    await this.loadSaved();
  }

  chips() {
    const mine = this.saved.map((v) => h("span", { class: "wl-chip", dataset: { viewId: v.id } },
      h("button", { type: "button", class: "wl-chip-apply", "aria-pressed": String(this.matches(v)),
        onclick: () => this.apply(v.filters) }, v.name),
      h("button", { type: "button", class: "wl-chip-remove", title: t("Delete the view %(name)s", v),
        "aria-label": t("Delete the view %(name)s", v), onclick: () => this.forget(v) }, "×")));
    const unsaved = (this.filtered() || this.query.view !== "assigned")
      && !this.saved.some((v) => this.matches(v));
    return h("div", { class: "wl-saved", id: "wl-saved" }, mine,
      unsaved ? h("form", { class: "wl-save", id: "wl-save", onsubmit: (e) => { e.preventDefault(); this.save(e.target); } },
        h("input", { name: "name", maxlength: "60", placeholder: t("Name this view"), "aria-label": t("Name this view"), required: true }),
        h("button", { type: "submit", class: "secondary" }, t("Save view"))) : null,
      this.problem ? h("span", { class: "error", role: "alert" }, this.problem) : null);
  }

  // The query string of the worklist request.
  path() {
    return `/worklist?${qs(this.query)}`;
  }

  set(change) {
    this.query = { ...this.query, ...change };
    this.reload();
  }

  // Replace view, filters and sort at once (a saved view), back to page 1.
  apply(filters) {
    this.query = { view: filters.view || "assigned", page: 1 };
    for (const name of FILTERS) if (filters[name]) this.query[name] = filters[name];
    this.reload();
  }

  filtered() {
    return FILTERS.some((name) => this.query[name]);
  }

  bar() {
    const select = (name, label, options, blank) => h("label", { class: "wl-filter" }, `${label} `,
      h("select", { name: `wl-${name}`, id: `wl-${name}`, onchange: (e) => this.set({ [name]: e.target.value, page: 1 }) },
        blank ? h("option", { value: "" }, blank) : null,
        options.map(([value, text]) => h("option", { value, selected: (this.query[name] || "") === value }, text))));
    return [this.chips(), h("div", { class: "wl-filters", id: "wl-controls" },
      select("view", t("List"), VIEWS),
      CHOICES.map(([name, label, values]) => (name === "sort"
        ? select(name, label, values.map((v) => [v, ORDERS[v]]), t("%(order)s (default)", { order: OWN_ORDER[this.query.view] || DEFAULT }))
        : select(name, label, values.map((v) => [v, VALUE_WORDS[v] || v]), t("any")))),
      this.filtered() ? h("button", { type: "button", class: "link", id: "wl-clear",
        onclick: () => this.apply({ view: this.query.view }) }, t("Clear")) : null)];
  }

  // ‹ Prev · page 2 of 3 · Next ›, for the paged list only.
  pager(w) {
    if (w.pages <= 1) return null;
    return h("p", { class: "wl-pager", id: "wl-pager" },
      h("button", { type: "button", id: "wl-prev", disabled: w.page <= 1, onclick: () => this.set({ page: w.page - 1 }) }, t("‹ Prev")),
      " ", t("page %(page)s of %(pages)s", w), " ",
      h("button", { type: "button", id: "wl-next", disabled: w.page >= w.pages, onclick: () => this.set({ page: w.page + 1 }) }, t("Next ›")));
  }
}
