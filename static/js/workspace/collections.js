// The collections worklist (collections agents and supervisors): accounts the guardrail lets
// us contact now, most urgent first, each with the reasons for its place; filters and pages.
import { get } from "/static/js/api.js";
import { h } from "./dom.js";
import { money } from "./format.js";
import { label as words } from "./labels.js";

const BUCKETS = ["current", "1-30", "31-60", "61-90", "90+"];
// As crm.cases.collections_worklist.STATUSES, in words.
const STATUSES = [["active", "Active"], ["payment_plan", "Payment plan"], ["time_barred", "Time-barred"]];
export const statusLabel = (code) => Object.fromEntries(STATUSES)[code] || code.replaceAll("_", " ");
const PER_PAGE = 25;

export class CollectionsList {
  constructor(reload, openCase) {
    this.reload = reload;
    this.openCase = openCase;
    this.filters = { page: 1, client: "", bucket: "", status: "" };
  }

  fetch() {
    const q = new URLSearchParams({ page: this.filters.page, per_page: PER_PAGE });
    if (this.filters.client) q.set("client", this.filters.client);
    if (this.filters.bucket) q.set("bucket", this.filters.bucket);
    if (this.filters.status) q.set("status", this.filters.status);
    return get(`/worklists/collections?${q}`);
  }

  set(change) {
    Object.assign(this.filters, change);
    this.reload();
  }

  // options: values, or [value, label] pairs.
  choice(label, name, options) {
    return h("label", { class: "wl-filter" }, `${label} `, h("select", {
      name, onchange: (e) => this.set({ [name]: e.target.value, page: 1 }),
    }, h("option", { value: "" }, "all"), options.map((o) => {
      const [value, text] = Array.isArray(o) ? o : [o, words(o)];
      return h("option", { value, selected: this.filters[name] === String(value) }, text);
    })));
  }

  row(r) {
    // A call refused now (their "don't call me", …) says why instead of the calls left.
    const calls = r.calls_left === null || r.blocked_reason ? "" : ` · ${r.calls_left} calls left this week`;
    return h("li", {}, h("button", {
      type: "button", class: "wl-case wl-debt", dataset: { caseId: r.case_id, debtId: r.debt_id },
      title: r.reasons.join("\n"), onclick: () => this.openCase(r.case_id),
    },
    h("span", { class: "wl-name" }, `${r.customer_name} · ${money(r.balance_cents, r.currency)}`),
    h("span", { class: "wl-meta muted" }, `${r.case_reference} · ${statusLabel(r.status)} · ${r.ageing_bucket} · priority ${r.priority}${calls}`),
    h("span", { class: "wl-meta muted wl-reasons" }, r.reasons.join("; ")),
    r.blocked_reason ? h("span", { class: "wl-meta error" }, `No call now: ${r.blocked_reason}`) : null));
  }

  // How the list is ordered, in words (as crm.cases.collections_worklist): a row's
  // "priority" is these points added up, and its reasons say which it earned.
  explained() {
    return h("details", { class: "wl-explained", id: "wl-collections-order" },
      h("summary", {}, "Most urgent first: points for money due, broken promises, days past due and balance"),
      h("ul", {},
        h("li", {}, "promise or plan instalment due today or earlier and unpaid: 25 each (up to 50)"),
        h("li", {}, "broken promise: 10 each (up to 30)"),
        h("li", {}, "days past due: 1-30 days 5, 31-60 10, 61-90 15, over 90 20"),
        h("li", {}, "balance: 1 per 100 owed (up to 30)")),
      h("p", { class: "muted" }, "Equal points: the larger balance first. Only accounts the contact rules "
        + "allow at this hour are listed (their local time, disputes, cease requests, attorneys)."));
  }

  section(data) {
    const { page, pages, total } = data;
    return h("section", { class: "wl-section", id: "wl-collections" },
      h("h3", {}, "Collections due now ", h("span", { class: "count" }, String(total))),
      this.explained(),
      h("div", { class: "wl-filters" },
        // Only who works for several clients chooses one (the server keeps to theirs anyway).
        (data.clients || []).length > 1
          ? this.choice("Client", "client", data.clients.map((c) => [String(c.id), c.name])) : null,
        this.choice("Ageing", "bucket", BUCKETS),
        this.choice("Status", "status", STATUSES)),
      data.items.length ? h("ul", {}, data.items.map((r) => this.row(r)))
        : h("p", { class: "muted" }, this.filters.client || this.filters.bucket || this.filters.status
          ? "No account matching these filters can be contacted now."
          : "Nothing to contact at this hour."),
      pages > 1 ? h("p", { class: "wl-pager" },
        h("button", { type: "button", disabled: page <= 1, onclick: () => this.set({ page: page - 1 }) }, "‹ Prev"),
        ` page ${page} of ${pages} `,
        h("button", { type: "button", disabled: page >= pages, onclick: () => this.set({ page: page + 1 }) }, "Next ›"))
        : null);
  }
}
