// Collections in the workspace: the debt panel (figures, ageing, promises, payments, plans)
// and the composer's "Promise to pay" action. The server checks everything again.
import { get, post, send } from "/static/js/api.js";
import { registerMedium } from "./composer.js";
import { fill, h } from "./dom.js";
import { holds } from "./format.js";

const FINISHED = ["paid", "settled", "closed"];
const METHODS = ["card", "bank_transfer", "ach", "check", "cash", "other"];
const FREQUENCIES = ["weekly", "fortnightly", "monthly"];
const today = () => new Date().toISOString().slice(0, 10);
const amount = (cents, currency = "USD") =>
  `${cents < 0 ? "-" : ""}${currency} ${(Math.abs(cents) / 100).toLocaleString(undefined,
    { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
// "50", "1,250.5" or "$12.30" as cents; null when it is not an amount.
export function cents(text) {
  const match = /^\s*\$?\s*(\d{1,3}(?:,\d{3})*|\d+)(?:\.(\d{1,2}))?\s*$/.exec(text || "");
  if (!match) return null;
  return Number(match[1].replaceAll(",", "")) * 100 + Number((match[2] || "0").padEnd(2, "0"));
}
const workable = (c) => (c?.debts || []).filter((d) => !FINISHED.includes(d.status));

// A dispute pauses collection until validation is sent (as crm.guardrails.collections).
export const awaitsValidation = (d) => (d.disputed || d.status === "disputed") && !d.validated_on;
// Past its statute of limitations, or marked so: it can no longer be sued on.
export const timeBarred = (d) => d.status === "time_barred"
  || Boolean(d.statute_of_limitations_on && d.statute_of_limitations_on < today());

// The header's one line per account: what is owed, how old, and what limits contact.
export function debtLine(d) {
  const marks = [awaitsValidation(d) && "disputed", timeBarred(d) && "time-barred", d.ceased && `contact stopped${d.stop_reason ? ` (${d.stop_reason.replaceAll("_", " ")})` : ""}`,
    d.attorney_represented && `attorney${d.attorney_name ? ` ${d.attorney_name}` : ""}`].filter(Boolean);
  return h("li", { class: "work work-debt_account debt-line", dataset: { id: d.id } },
    `Debt ${d.account_number}`, d.creditor ? ` · ${d.creditor}` : "",
    h("span", { class: "muted" }, ` · ${amount(d.balance_cents, d.currency)} of ${amount(d.original_balance_cents, d.currency)}`
      + ` · ${d.ageing_bucket === "current" ? "current" : `${d.days_past_due} days past due (${d.ageing_bucket})`}`
      + ` · ${d.status.replaceAll("_", " ")}`),
    marks.map((m) => [" ", h("span", { class: `badge danger mark-${m.split(" ")[0]}` }, m)]));
}

const SETTLEMENT_STATES = { pending: "pending sign-off", applied: "agreed", rejected: "rejected" };
const settlementText = (s, currency) => `${amount(s.amount_cents, currency)} (balance then `
  + `${amount(s.balance_cents, currency)}) as ${s.terms.as === "promise" ? `one payment by ${s.terms.due_on}`
    : `${s.terms.count} ${s.terms.frequency} instalments from ${s.terms.first_due_on}`}`;

// "50 by 2026-12-20" (or "on"): a promise from the composer's box.
registerMedium("promise", {
  label: "Promise to pay",
  action: "Take promise",
  placeholder: "Amount and day, e.g. 50.00 by 2026-12-20",
  available: (context) => workable(context.case).length > 0,
  send: async (caseId, body, context) => {
    const match = /^(.*?)\s+(?:by|on)?\s*(\d{4}-\d{2}-\d{2})\s*$/.exec(body.trim());
    const value = match ? cents(match[1]) : null;
    if (!value) throw new Error("Write the amount and the day, e.g. 50.00 by 2026-12-20");
    const [debt] = workable(context.case);
    await post(`/debts/${debt.id}/promises`, { amount_cents: value, due_on: match[2] });
    window.dispatchEvent(new CustomEvent("caseline:debts-changed", { detail: { caseId } }));
    return null; // the promise's note arrives on the timeline live
  },
});

export class DebtPanel {
  constructor(root) {
    this.root = root;
    this.caseId = null;
    this.notices = {}; // debt id: what the last settlement offer came to, kept across refreshes
    // Forms and error lines outlive a refresh (a live update may land while one is being filled).
    this.parts = new Map();
    window.addEventListener("caseline:debts-changed", (e) => {
      if (e.detail?.caseId === this.caseId) this.refresh();
    });
  }

  open(c) {
    if ((c?.id ?? null) !== this.caseId) {
      this.notices = {};
      this.parts = new Map();
    }
    this.caseId = c?.id ?? null;
    this.debts = c?.debts || [];
    this.root.hidden = this.debts.length === 0;
    fill(this.root, this.debts.length ? h("h2", {}, "Debt accounts") : null,
      this.debts.map((d) => this.card(d)));
  }

  async refresh() {
    const caseId = this.caseId;
    if (caseId === null) return;
    try {
      const c = await get(`/cases/${caseId}`);
      if (caseId !== this.caseId) return;
      this.open(c);
      this.onCase?.(c);
    } catch { /* the header shows the case's own error */ }
  }

  card(d) {
    const promises = h("ul", { class: "debt-promises" }, h("li", { class: "muted" }, "Loading…"));
    const payments = h("ul", { class: "debt-payments" });
    const settled = h("div", { class: "debt-settlement" });
    const error = this.keep(`${d.id}:error`, () => h("div", { class: "error", role: "alert" }));
    const dates = [["charged off", d.charge_off_date], ["validation notice", d.validation_notice_sent_on],
      ["validated", d.validated_on], ["limitations", d.statute_of_limitations_on]]
      .filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(" · ");
    const card = h("section", { class: "debt-card", dataset: { id: d.id } },
      h("ul", { class: "work-lines" }, debtLine(d)), settled,
      dates ? h("div", { class: "muted" }, dates) : null,
      h("h3", {}, "Promises"), promises, h("h3", {}, "Payments"), payments,
      FINISHED.includes(d.status) ? null : [
        this.keep(`${d.id}:payment`, () => this.paymentForm(d, error)),
        this.keep(`${d.id}:plan`, () => this.planForm(d, error)),
        this.keep(`${d.id}:settlement`, () => this.settlementForm(d, error))],
      this.notices[d.id] ? h("p", { class: "notice debt-notice", role: "status" }, this.notices[d.id]) : null,
      error);
    this.load(d, promises, payments, error);
    this.loadSettlements(d, settled);
    return card;
  }

  async load(d, promises, payments, error) {
    try {
      const [p, pay] = await Promise.all([get(`/debts/${d.id}/promises`), get(`/debts/${d.id}/payments`)]);
      fill(promises, p.items.length ? p.items.map((x) => h("li", { class: `promise promise-${x.status}` },
        `${amount(x.amount_cents, d.currency)} by ${x.due_on}${x.plan_id ? " (plan)" : ""} · `,
        h("strong", {}, x.status), x.paid_cents ? ` · paid ${amount(x.paid_cents, d.currency)}` : ""))
        : h("li", { class: "muted" }, "none"));
      fill(payments, pay.items.length ? pay.items.map((x) => h("li", { class: "payment" },
        `${x.paid_on} · ${amount(x.amount_cents, d.currency)} · ${x.method.replaceAll("_", " ")} · ${x.reference}`,
        x.reason ? h("span", { class: "muted" }, ` · ${x.reason}`) : null,
        this.reverseButton(x, pay.items, error))) : h("li", { class: "muted" }, "none"));
    } catch (err) { fill(error, err.message); }
  }

  // The settlement that stands (agreed, or waiting for sign-off): what the debtor now owes.
  async loadSettlements(d, box) {
    try {
      const { items } = await get(`/debts/${d.id}/settlements`);
      const standing = items.filter((x) => x.status !== "rejected");
      fill(box, standing.slice(0, 1).map((x) => h("p", { class: `settlement settlement-${x.status}` },
        h("span", { class: "badge" }, `settlement ${SETTLEMENT_STATES[x.status]}`), " ",
        settlementText(x, d.currency))));
    } catch { /* a clerk's view without settlements still shows the account */ }
  }

  reverseButton(payment, all, error) {
    const reversed = all.some((x) => x.reverses_payment_id === payment.id);
    if (!holds("supervisor") || payment.amount_cents < 0 || reversed) return null;
    return [" ", h("button", { type: "button", class: "small secondary", onclick: async () => {
      const reason = prompt(`Why is payment ${payment.reference} reversed?`);
      if (!reason) return;
      try {
        await post(`/payments/${payment.id}/reversal`, { reason });
        this.refresh();
      } catch (err) { fill(error, err.message); }
    } }, "Reverse")];
  }

  paymentForm(d, error) {
    const value = h("input", { name: "amount", placeholder: "Amount", size: 8, "aria-label": "Payment amount" });
    const day = h("input", { name: "paid_on", type: "date", value: today(), "aria-label": "Paid on" });
    const reference = h("input", { name: "reference", placeholder: "Reference", size: 10, maxlength: 100, "aria-label": "Payment reference" });
    const method = h("select", { name: "method", "aria-label": "Payment method" },
      METHODS.map((m) => h("option", { value: m }, m.replaceAll("_", " "))));
    return this.form("Post payment", [value, day, reference, method], error, async () => {
      const c = cents(value.value);
      if (!c) throw new Error("Write the amount, e.g. 25.00");
      const { status, data } = await send("POST", `/debts/${d.id}/payments`, { amount_cents: c,
        paid_on: day.value, reference: reference.value, method: method.value });
      // 200, not 201: the same payment was posted before (a repeat), nothing new was taken.
      if (status === 200) {
        this.notices[d.id] = `Already recorded: payment ${data.reference} of `
          + `${amount(data.amount_cents, d.currency)} on ${data.paid_on} was posted before; `
          + "the balance is unchanged.";
      }
    });
  }

  planForm(d, error) {
    const value = h("input", { name: "instalment", placeholder: "Instalment", size: 8, "aria-label": "Instalment amount" });
    const frequency = h("select", { name: "frequency", "aria-label": "Frequency" },
      FREQUENCIES.map((f) => h("option", { value: f }, f)));
    const first = h("input", { name: "first_due_on", type: "date", value: today(), "aria-label": "First instalment on" });
    const count = h("input", { name: "count", type: "number", min: 1, max: 120, value: 6, "aria-label": "Number of instalments" });
    return this.form("Payment plan", [value, frequency, first, count], error, async () => {
      const c = cents(value.value);
      if (!c) throw new Error("Write the instalment, e.g. 100.00");
      await post(`/debts/${d.id}/plans`, { instalment_cents: c, frequency: frequency.value,
        first_due_on: first.value, count: Number(count.value) });
    });
  }

  // Settle for less than the balance: one payment by a day, or a plan. A discount deeper than
  // the client allows an agent alone goes to four-eyes sign-off; the user is told which.
  settlementForm(d, error) {
    const value = h("input", { name: "settlement_amount", placeholder: "Amount", size: 8, "aria-label": "Settlement amount" });
    const shape = h("select", { name: "as", "aria-label": "Settlement paid as" },
      h("option", { value: "promise" }, "one payment by"), h("option", { value: "plan" }, "a plan"));
    const due = h("input", { name: "due_on", type: "date", value: today(), "aria-label": "Settlement due on" });
    const frequency = h("select", { name: "settlement_frequency", "aria-label": "Settlement frequency" },
      FREQUENCIES.map((f) => h("option", { value: f }, f)));
    const first = h("input", { name: "settlement_first_due_on", type: "date", value: today(), "aria-label": "Settlement first instalment on" });
    const count = h("input", { name: "settlement_count", type: "number", min: 1, max: 120, value: 3, "aria-label": "Settlement instalments" });
    const plan = h("span", { hidden: true }, frequency, " from ", first, " × ", count);
    const single = h("span", {}, due);
    shape.addEventListener("change", () => {
      plan.hidden = shape.value !== "plan";
      single.hidden = shape.value === "plan";
    });
    return this.form("Propose settlement", [value, shape, single, plan], error, async () => {
      const c = cents(value.value);
      if (!c) throw new Error("Write the settlement amount, e.g. 600.00");
      const body = shape.value === "promise" ? { amount_cents: c, as: "promise", due_on: due.value }
        : { amount_cents: c, as: "plan", frequency: frequency.value, first_due_on: first.value,
          count: Number(count.value) };
      const s = await post(`/debts/${d.id}/settlements`, body);
      this.notices[d.id] = s.status === "applied"
        ? `Settlement agreed: ${settlementText(s, d.currency)}.`
        : `Settlement of ${amount(s.amount_cents, d.currency)} sent for four-eyes sign-off: `
          + "it applies once a reviewer approves it.";
    });
  }

  keep(key, make) {
    if (!this.parts.has(key)) this.parts.set(key, make());
    return this.parts.get(key);
  }

  // A small form behind a link; one request per press; closed again once it went through.
  form(title, fields, error, submit) {
    const button = h("button", { type: "submit", class: "small" }, title);
    const form = h("form", { class: "debt-form", hidden: true }, fields.map((f) => [f, " "]), button);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (button.disabled) return;
      button.disabled = true;
      fill(error);
      // A notice (a payment already recorded, a settlement's outcome) lasts until the next form.
      this.notices = {};
      this.root.querySelectorAll(".debt-notice").forEach((n) => n.remove());
      try {
        await submit();
        form.reset();
        form.querySelectorAll("select").forEach((x) => x.dispatchEvent(new Event("change")));
        form.hidden = true;
        open.hidden = false;
        this.refresh();
      } catch (err) { fill(error, err.message); } finally { button.disabled = false; }
    });
    const open = h("button", { type: "button", class: "link", onclick: () => {
      form.hidden = false; open.hidden = true; fields[0].focus();
    } }, `${title}…`);
    return h("div", {}, open, form);
  }
}
