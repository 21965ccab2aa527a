// Collections in the workspace: the debt panel (figures, ageing, promises, payments, plans)
// and the composer's "Promise to pay" action. The server checks everything again.
import { get, post, send } from "/static/js/api.js";
import { registerMedium } from "./composer.js";
import { fill, h } from "./dom.js";
import { cents, day, holds, money as amount } from "./format.js";
import { label } from "./labels.js";
import { reasonDialog } from "./dialogs.js";
import { CHANGED } from "./worklist.js";

const FINISHED = ["paid", "settled", "closed"];
const METHODS = ["card", "bank_transfer", "ach", "check", "cash", "other"];
const FREQUENCIES = ["weekly", "fortnightly", "monthly"];
const today = () => new Date().toISOString().slice(0, 10);
// Cents as what a person types in a form: 123456 -> "1234.56".
const major = (cents) => (cents / 100).toFixed(2);
const workable = (c) => (c?.debts || []).filter((d) => !FINISHED.includes(d.status));

// A dispute pauses collection until validation is sent (as crm.guardrails.collections).
export const awaitsValidation = (d) => (d.disputed || d.status === "disputed") && !d.validated_on;
// Past its statute of limitations, or marked so: it can no longer be sued on.
export const timeBarred = (d) => d.status === "time_barred"
  || Boolean(d.statute_of_limitations_on && d.statute_of_limitations_on < today());

// The header's one line per account: what is owed, how old, and what limits contact.
export function debtLine(d) {
  const marks = [awaitsValidation(d) && "disputed", timeBarred(d) && "time-barred", d.ceased && `contact stopped${d.stop_reason ? ` (${label(d.stop_reason)})` : ""}`,
    d.attorney_represented && `attorney${d.attorney_name ? ` ${d.attorney_name}` : ""}`].filter(Boolean);
  return h("li", { class: "work work-debt_account debt-line", dataset: { id: d.id } },
    `Debt ${d.account_number}`, d.creditor ? ` · ${d.creditor}` : "",
    h("span", { class: "muted" }, ` · ${amount(d.balance_cents, d.currency)} of ${amount(d.original_balance_cents, d.currency)}`
      + ` · ${d.ageing_bucket === "current" ? "current" : `${d.days_past_due} days past due (${d.ageing_bucket})`}`
      + ` · ${label(d.status)}`),
    marks.map((m) => [" ", h("span", { class: `badge danger mark-${m.split(" ")[0]}` }, m)]));
}

const SETTLEMENT_STATES = { pending: "pending sign-off", applied: "agreed", rejected: "rejected" };
export const settlementText = (s, currency) => `${amount(s.amount_cents, currency)} (balance then `
  + `${amount(s.balance_cents, currency)}) as ${s.terms.as === "promise" ? `one payment by ${day(s.terms.due_on)}`
    : `${s.terms.count} ${s.terms.frequency} instalments from ${day(s.terms.first_due_on)}`}`;
// The settlement that stands on an account (agreed, or waiting for sign-off), or null.
export async function standingSettlement(debtId) {
  const { items } = await get(`/debts/${debtId}/settlements`);
  return items.find((x) => x.status !== "rejected") || null;
}
export const settlementBadge = (s, currency) => h("span", { class: `settlement settlement-${s.status}` },
  h("span", { class: "badge" }, `settlement ${SETTLEMENT_STATES[s.status]}`), " ", settlementText(s, currency));

// A payment's line: a reversal says which payment it undoes, in words, with its amount negative;
// a payment says what it went to (oldest promise first: an older instalment, not always the
// promise just taken).
export function paymentText(x, all, currency) {
  const what = x.reverses_payment_id ? reversalText(x, all) : `${label(x.method)} · ${x.reference}`;
  return `${day(x.paid_on)} · ${amount(x.amount_cents, currency)} · ${what}${appliedText(x, currency)}`;
}
function appliedText(x, currency) {
  const shares = x.applied_to || [];
  const to = (a) => `${a.instalment ? `instalment ${a.instalment} of ${a.instalments}` : "the promise"} due ${day(a.due_on)}`;
  if (!shares.length) return "";
  if (shares.length === 1) return ` · applied to ${to(shares[0])}`;
  return ` · applied ${shares.map((a) => `${amount(a.amount_cents, currency)} to ${to(a)}`).join(" and ")}`;
}
function reversalText(x, all) {
  const original = all.find((p) => p.id === x.reverses_payment_id);
  return original ? `Reversal of payment ${original.reference} on ${day(original.paid_on)}`
    : "Reversal of an earlier payment";
}

// A field that fails says so beside itself; the server's words go to the field they name.
class FieldError extends Error {
  constructor(field, message) { super(message); this.field = field; }
}
const must = (ok, field, message) => { if (!ok) throw new FieldError(field, message); };

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
    window.dispatchEvent(new Event(CHANGED)); // its worklist row moves (or leaves) at once
    return null; // the promise's note arrives on the timeline live
  },
});

// The panel is compact: per account one summary line, the standing settlement, and the
// promises and payments folded under a count; forms open on demand. The composer below it
// stays on screen.
export class DebtPanel {
  constructor(root) {
    this.root = root;
    this.caseId = null;
    this.notices = {}; // debt id: what the last settlement offer came to, kept across refreshes
    // Forms, error lines and which sections are unfolded outlive a refresh (a live update may
    // land while one is being filled).
    this.parts = new Map();
    this.unfolded = new Set();
    window.addEventListener("caseline:debts-changed", (e) => {
      if (e.detail?.caseId === this.caseId) this.refresh();
    });
  }

  open(c) {
    if ((c?.id ?? null) !== this.caseId) {
      this.notices = {};
      this.parts = new Map();
      this.unfolded = new Set();
    }
    this.caseId = c?.id ?? null;
    this.debts = c?.debts || [];
    this.root.hidden = this.debts.length === 0;
    fill(this.root, this.debts.map((d) => this.card(d)));
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

  // A section folded under its summary ("Payments · 3 · last …"), unfolded on a click.
  fold(key, title, list) {
    const summary = h("summary", {}, h("span", { class: "fold-title" }, title),
      h("span", { class: "fold-sum muted" }, " · loading…"));
    const box = h("details", { class: `debt-fold fold-${title.toLowerCase()}`, open: this.unfolded.has(key) },
      summary, list);
    box.addEventListener("toggle", () => {
      if (box.open) this.unfolded.add(key); else this.unfolded.delete(key);
    });
    return box;
  }

  card(d) {
    const promises = h("ul", { class: "debt-promises" }, h("li", { class: "muted" }, "Loading…"));
    const payments = h("ul", { class: "debt-payments" });
    const settled = h("div", { class: "debt-settlement" });
    const error = this.keep(`${d.id}:error`, () => h("div", { class: "error", role: "alert" }));
    const dates = [["charged off", d.charge_off_date], ["validation notice", d.validation_notice_sent_on],
      ["validated", d.validated_on], ["limitations", d.statute_of_limitations_on]]
      .filter(([, v]) => v).map(([k, v]) => `${k} ${day(v)}`).join(" · ");
    const promiseFold = this.fold(`${d.id}:promises`, "Promises", promises);
    const paymentFold = this.fold(`${d.id}:payments`, "Payments", payments);
    const plan = FINISHED.includes(d.status) ? null : this.keepForm(`${d.id}:plan`, () => this.planForm(d, error));
    const forms = plan ? [
      this.keepForm(`${d.id}:payment`, () => this.paymentForm(d, error)),
      this.keepForm(`${d.id}:promise`, () => this.promiseForm(d, error)),
      plan,
      this.keepForm(`${d.id}:settlement`, () => this.settlementForm(d, error))] : [];
    const running = h("p", { class: "debt-plan muted", hidden: true });
    const card = h("section", { class: "debt-card", dataset: { id: d.id } },
      h("div", { class: "debt-summary" }, h("strong", {}, `Debt ${d.account_number}`),
        ` · ${amount(d.balance_cents, d.currency)} owed`, dates ? h("span", { class: "muted" }, ` · ${dates}`) : null),
      settled,
      running,
      h("div", { class: "debt-folds" }, promiseFold, paymentFold),
      h("div", { class: "debt-actions" }, forms.map((f) => f.opener)),
      forms.map((f) => f.form),
      this.notices[d.id] ? h("p", { class: "notice debt-notice", role: "status" }, this.notices[d.id]) : null,
      error);
    this.load(d, promises, payments, promiseFold, paymentFold, error);
    this.loadSettlements(d, settled);
    if (plan) this.loadPlan(d, running, plan.opener);
    return card;
  }

  async load(d, promises, payments, promiseFold, paymentFold, error) {
    const sum = (fold, text) => fill(fold.querySelector(".fold-sum"), ` · ${text}`);
    try {
      const [p, pay] = await Promise.all([get(`/debts/${d.id}/promises`), get(`/debts/${d.id}/payments`)]);
      fill(promises, p.items.length ? p.items.map((x) => h("li", { class: `promise promise-${x.status}` },
        `${amount(x.amount_cents, d.currency)} by ${day(x.due_on)}${x.plan_id ? " (plan)" : ""} · `,
        h("strong", {}, label(x.status)), x.paid_cents ? ` · paid ${amount(x.paid_cents, d.currency)}` : ""))
        : h("li", { class: "muted" }, "none"));
      const counts = ["open", "broken", "kept", "superseded"].map((s) => [s, p.items.filter((x) => x.status === s).length])
        .filter(([, n]) => n).map(([s, n]) => `${n} ${s}`);
      sum(promiseFold, counts.length ? counts.join(", ") : "none");
      fill(payments, pay.items.length ? pay.items.map((x) => h("li", { class: `payment${x.amount_cents < 0 ? " reversal" : ""}` },
        paymentText(x, pay.items, d.currency),
        x.reason ? h("span", { class: "muted" }, ` · ${x.reason}`) : null,
        this.reverseButton(x, pay.items, d.currency, error))) : h("li", { class: "muted" }, "none"));
      const last = pay.items[0];
      sum(paymentFold, last ? `${pay.items.length}, last ${amount(last.amount_cents, d.currency)} on ${day(last.paid_on)}` : "none");
    } catch (err) { fill(error, err.message); }
  }

  // The settlement that stands (agreed, or waiting for sign-off): what the debtor now owes.
  async loadSettlements(d, box) {
    try {
      const standing = await standingSettlement(d.id);
      fill(box, standing ? h("p", {}, settlementBadge(standing, d.currency)) : null);
    } catch { /* a clerk's view without settlements still shows the account */ }
  }

  // A plan already running says so, and no second one is offered (the server refuses it).
  async loadPlan(d, box, opener) {
    try {
      const active = (await get(`/debts/${d.id}/plans`)).items.find((x) => x.status === "active");
      box.hidden = !active;
      opener.hidden = Boolean(active) || opener.hidden;
      if (active) {
        fill(box, `Plan running: ${active.count} ${active.frequency} instalments of `
          + `${amount(active.instalment_cents, d.currency)} from ${day(active.first_due_on)}`);
      }
    } catch { /* the account still shows; a second plan is refused with the server's words */ }
  }

  reverseButton(payment, all, currency, error) {
    const reversed = all.some((x) => x.reverses_payment_id === payment.id);
    if (!holds("supervisor") || payment.amount_cents < 0 || reversed) return null;
    return [" ", h("button", { type: "button", class: "small secondary", onclick: async () => {
      fill(error);
      const done = await reasonDialog({ id: "reverse-payment-dialog", title: `Reverse payment ${payment.reference}`,
        body: `${paymentText(payment, all, currency)}. The reversal is a payment of its own, `
          + `${amount(-payment.amount_cents, currency)}: the balance goes back up by that much.`,
        label: "Why is it reversed?", hint: "required, e.g. \"card charged back\"; kept on the audit trail",
        confirmLabel: "Reverse payment",
        run: (reason) => post(`/payments/${payment.id}/reversal`, { reason }) });
      if (done === null) return;
      this.refresh();
      window.dispatchEvent(new Event(CHANGED));
    } }, "Reverse")];
  }

  // A labelled field with its hint (units, formats) and its own error line.
  field(key, label, input, hint) {
    const problem = h("span", { class: "field-error", role: "alert", dataset: { field: key } });
    return { key, input, problem, element: h("label", { class: "field" },
      h("span", { class: "field-name" }, label), input, hint ? h("small", { class: "hint" }, hint) : null, problem) };
  }

  paymentForm(d, error) {
    // Empty, never the balance: what came in is typed, not confirmed by a second Enter.
    const value = h("input", { name: "amount", inputmode: "decimal", size: 10, required: true, "aria-label": "Payment amount" });
    const paid = h("input", { name: "paid_on", type: "date", value: today(), max: today(), "aria-label": "Paid on" });
    const reference = h("input", { name: "reference", placeholder: "e.g. receipt number", size: 14, maxlength: 100, "aria-label": "Payment reference" });
    const method = h("select", { name: "method", "aria-label": "Payment method" },
      METHODS.map((m) => h("option", { value: m }, label(m))));
    const fields = [
      this.field("amount", "Amount", value, `required; ${d.currency}, e.g. 25.00 · balance ${major(d.balance_cents)}`),
      this.field("paid_on", "Paid on", paid, "the day the money came in; not in the future"),
      this.field("reference", "Reference", reference, "the receipt or transaction number; posting it twice is harmless"),
      this.field("method", "Method", method)];
    return this.form(d, "Post payment", fields, error, [[/reference/i, "reference"],
      [/date|future/i, "paid_on"], [/amount|balance|payment/i, "amount"]], async () => {
      const c = cents(value.value);
      must(c, "amount", `Write the amount in ${d.currency}, e.g. 25.00`);
      must(paid.value, "paid_on", "Pick the day it was paid");
      must(reference.value.trim(), "reference", "Write the payment's reference (receipt or transaction number)");
      const { status, data } = await send("POST", `/debts/${d.id}/payments`, { amount_cents: c,
        paid_on: paid.value, reference: reference.value, method: method.value });
      // 200, not 201: the same payment was posted before (a repeat), nothing new was taken.
      if (status === 200) {
        this.notices[d.id] = `Already recorded: payment ${data.reference} of `
          + `${amount(data.amount_cents, d.currency)} on ${day(data.paid_on)} was posted before; `
          + "the balance is unchanged.";
      }
    });
  }

  promiseForm(d, error) {
    // Empty, like a payment: the amount is what the debtor said, typed, never the balance
    // taken on by an agent pressing Enter.
    const value = h("input", { name: "promise_amount", inputmode: "decimal", size: 10, required: true, "aria-label": "Promise amount" });
    const due = h("input", { name: "promise_due_on", type: "date", value: today(), min: today(), "aria-label": "Promised by" });
    const fields = [
      this.field("amount", "Amount", value, `required; ${d.currency}, e.g. 50.00 · balance ${major(d.balance_cents)}`),
      this.field("due_on", "By", due, "the day they will pay by; today or later")];
    return this.form(d, "Take promise", fields, error, [[/date|day/i, "due_on"], [/amount|balance/i, "amount"]], async () => {
      const c = cents(value.value);
      must(c, "amount", `Write the amount in ${d.currency}, e.g. 50.00`);
      must(due.value, "due_on", "Pick the day they will pay by");
      await post(`/debts/${d.id}/promises`, { amount_cents: c, due_on: due.value });
    });
  }

  planForm(d, error) {
    const count = h("input", { name: "count", type: "number", min: 1, max: 120, value: 6, "aria-label": "Number of instalments" });
    const share = () => major(Math.ceil(d.balance_cents / Math.max(1, Number(count.value) || 1)));
    const value = h("input", { name: "instalment", inputmode: "decimal", size: 10, value: share(), "aria-label": "Instalment amount" });
    // The instalment follows the count (the balance shared out) until the agent types one.
    value.addEventListener("input", () => { value.dataset.typed = "1"; });
    count.addEventListener("input", () => { if (!value.dataset.typed) value.value = share(); });
    const frequency = h("select", { name: "frequency", "aria-label": "Frequency" },
      FREQUENCIES.map((f) => h("option", { value: f }, f)));
    const first = h("input", { name: "first_due_on", type: "date", value: today(), min: today(), "aria-label": "First instalment on" });
    const fields = [
      this.field("count", "Instalments", count, "how many, 1 to 120"),
      this.field("amount", "Each", value, `${d.currency}, e.g. 100.00 (balance ${major(d.balance_cents)})`),
      this.field("frequency", "Every", frequency),
      this.field("first_due_on", "First on", first, "today or later, within a year")];
    return this.form(d, "Payment plan", fields, error, [[/number|instalments must/i, "count"],
      [/date/i, "first_due_on"], [/amount|balance|instalment/i, "amount"]], async () => {
      const c = cents(value.value);
      must(c, "amount", `Write each instalment in ${d.currency}, e.g. 100.00`);
      must(Number(count.value) >= 1, "count", "Write how many instalments, 1 to 120");
      must(first.value, "first_due_on", "Pick the day of the first instalment");
      await post(`/debts/${d.id}/plans`, { instalment_cents: c, frequency: frequency.value,
        first_due_on: first.value, count: Number(count.value) });
    });
  }

  // Settle for less than the balance: one payment by a day, or a plan. A discount deeper than
  // the client allows an agent alone goes to four-eyes sign-off; the user is told which.
  settlementForm(d, error) {
    const value = h("input", { name: "settlement_amount", inputmode: "decimal", size: 10, "aria-label": "Settlement amount" });
    const shape = h("select", { name: "as", "aria-label": "Settlement paid as" },
      h("option", { value: "promise" }, "one payment"), h("option", { value: "plan" }, "a plan"));
    const due = h("input", { name: "due_on", type: "date", value: today(), min: today(), "aria-label": "Settlement due on" });
    const frequency = h("select", { name: "settlement_frequency", "aria-label": "Settlement frequency" },
      FREQUENCIES.map((f) => h("option", { value: f }, f)));
    const first = h("input", { name: "settlement_first_due_on", type: "date", value: today(), min: today(), "aria-label": "Settlement first instalment on" });
    const count = h("input", { name: "settlement_count", type: "number", min: 1, max: 120, value: 3, "aria-label": "Settlement instalments" });
    const fields = [
      this.field("amount", "Amount", value, `${d.currency}, below the balance of ${major(d.balance_cents)}; a deep discount needs sign-off`),
      this.field("as", "Paid as", shape),
      this.field("due_on", "By", due, "today or later"),
      this.field("frequency", "Every", frequency),
      this.field("first_due_on", "First on", first, "today or later"),
      this.field("count", "Instalments", count, "1 to 120")];
    const planOnly = ["frequency", "first_due_on", "count"];
    const shaped = () => fields.forEach((f) => {
      if (f.key === "due_on") f.element.hidden = shape.value === "plan";
      if (planOnly.includes(f.key)) f.element.hidden = shape.value !== "plan";
    });
    shape.addEventListener("change", shaped);
    shaped();
    return this.form(d, "Propose settlement", fields, error, [[/too small|instalments/i, "count"],
      [/first instalment/i, "first_due_on"], [/date/i, "due_on"], [/settlement|amount|balance/i, "amount"]], async () => {
      const c = cents(value.value);
      must(c, "amount", `Write the settlement amount in ${d.currency}, e.g. 600.00`);
      must(c < d.balance_cents, "amount", `A settlement is less than the balance (${amount(d.balance_cents, d.currency)}); for the full balance take a promise`);
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

  // A form being filled in stays as it is; a closed one is made anew, so its defaults and
  // hints (the balance) follow the account.
  keepForm(key, make) {
    if (this.parts.get(key)?.form.hidden) this.parts.delete(key);
    return this.keep(key, make);
  }

  // A small form behind a link; one request per press; closed again once it went through.
  // A refusal lands beside the field it is about (the server's words matched by `routes`),
  // else on the account's error line.
  form(d, title, fields, error, routes, submit) {
    const button = h("button", { type: "submit", class: "small" }, title);
    const cancel = h("button", { type: "button", class: "small secondary", onclick: () => close() }, "Cancel");
    const form = h("form", { class: "debt-form", hidden: true, novalidate: true, "aria-label": title },
      h("div", { class: "fields" }, fields.map((f) => f.element)), h("div", {}, button, " ", cancel));
    const defaults = fields.map((f) => f.input.value);
    const clear = () => { fields.forEach((f) => fill(f.problem)); fill(error); };
    const close = () => {
      form.hidden = true;
      open.hidden = false;
      clear();
    };
    const place = (err) => {
      const key = err.field || routes.find(([pattern]) => pattern.test(err.message))?.[1];
      const target = fields.find((f) => f.key === key && !f.element.hidden);
      if (target) { fill(target.problem, err.message); target.input.focus(); } else fill(error, err.message);
    };
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (button.disabled) return;
      button.disabled = true;
      clear();
      // A notice (a payment already recorded, a settlement's outcome) lasts until the next form.
      this.notices = {};
      this.root.querySelectorAll(".debt-notice").forEach((n) => n.remove());
      try {
        await submit();
        fields.forEach((f, i) => { f.input.value = defaults[i]; delete f.input.dataset.typed; });
        form.querySelectorAll("select").forEach((x) => x.dispatchEvent(new Event("change")));
        close();
        this.refresh();
        window.dispatchEvent(new Event(CHANGED)); // the worklist row moves (or leaves) at once
      } catch (err) { place(err); } finally { button.disabled = false; }
    });
    const open = h("button", { type: "button", class: "link", onclick: () => {
      form.hidden = false; open.hidden = true;
      form.scrollIntoView({ block: "nearest" }); // the panel scrolls: bring the form into view
      fields[0].input.focus();
    } }, `${title}…`);
    return { opener: open, form };
  }
}
