// In-page dialogs instead of the browser's prompt(), confirm() and alert(): confirmDialog and
// reasonDialog for any screen (each a Promise), then the sign-off and escalation forms: asking for sign-off (the kinds the case's holdings offer,
// an amount where the kind decides money, the reason), a reviewer's approval or rejection
// (a remark; approving asks to confirm), escalating to fraud (what looks wrong, how bad, the
// claim it concerns). The server checks the same and names the field at fault (422).
import { get, post } from "/static/js/api.js";
import { t } from "/static/js/i18n.js";
import { fill, h } from "./dom.js";
import { cents, money } from "./format.js";

// The dialogs' look (notices.css) on any page that opens one, the console or the board.
if (!document.querySelector('link[href="/static/css/notices.css"]')) {
  document.head.append(Object.assign(document.createElement("link"),
    { rel: "stylesheet", href: "/static/css/notices.css" }));
}

const AND = t(" and ");
const AUTHORITY = t("your authority");
const SEVERITIES = [["low", t("Low")], ["medium", t("Medium")], ["high", t("High")], ["critical", t("Critical")]];


// A modal form: fields in a stack, an error line per field, Cancel and a submit button. run()
// gets the form's parts and returns true when done (the dialog closes) or false to stay.
function modal({ id, title, fields, submitLabel, run, danger = false }) {
  document.getElementById(id)?.remove();
  const errors = {};
  const rows = fields.map(([name, label, input, hint]) => {
    errors[name] = h("span", { class: "error field-error", id: `${id}-${name}-error`, role: "alert" });
    input.id ||= `${id}-${name}`;
    input.setAttribute("aria-describedby", errors[name].id);
    return h("div", { class: "form-row", dataset: { field: name } },
      h("label", { for: input.id }, label), input, hint ? h("small", { class: "muted" }, hint) : null,
      errors[name]);
  });
  const general = h("p", { class: "error", id: `${id}-error`, role: "alert" });
  const submit = h("button", { type: "submit", id: `${id}-submit`, class: danger ? "danger" : null },
    submitLabel);
  const cancel = h("button", { type: "button", class: "secondary", id: `${id}-cancel` }, t("Cancel"));
  const extra = h("div", { class: "dialog-extra" });
  const form = h("form", { method: "dialog", class: "stacked", novalidate: true }, rows, extra, general,
    h("div", { class: "dialog-actions" }, cancel, submit));
  const dialog = h("dialog", { id, class: "form-dialog", "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title` }, title), form);
  const parts = { dialog, form, submit, extra, general, errors };
  const showError = (err) => {
    const where = errors[err.field] ? errors[err.field] : general;
    fill(where, err.message);
    (where === general ? submit : form.querySelector(`#${id}-${err.field}`))?.focus?.();
  };
  parts.showError = showError;
  cancel.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => dialog.remove());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.disabled) return; // one request per press
    Object.values(errors).forEach((e) => fill(e));
    fill(general);
    submit.disabled = true;
    try {
      if (await run(parts)) dialog.close();
    } catch (err) {
      showError(err);
    } finally {
      submit.disabled = false;
    }
  });
  document.body.append(dialog);
  dialog.showModal();
  return parts;
}

const fieldError = (field, message) => Object.assign(new Error(message), { field });

// Ask before doing something: resolves true when confirmed, false when cancelled (Cancel, Esc).
// body is text or nodes; danger marks an action that removes or cannot be undone (Cancel then
// has the focus, so Enter alone does not do it). run, if given, does the work while the dialog
// stays open: an error it throws shows in the dialog, which stays for another try.
export function confirmDialog({ title, body = "", confirmLabel = t("OK"), danger = false, run = null,
  id = "confirm-dialog" }) {
  return new Promise((resolve) => {
    const parts = modal({
      id, title, fields: [], submitLabel: confirmLabel, danger,
      run: async () => {
        if (run) await run();
        resolve(true);
        return true;
      },
    });
    parts.form.prepend(h("p", { class: "confirm-body", id: `${id}-body` }, body));
    (danger ? parts.form.querySelector(`#${id}-cancel`) : parts.submit).focus();
    parts.dialog.addEventListener("close", () => resolve(false));
  });
}

// Ask for a reason (or any short text): resolves the text, trimmed, or null when cancelled. A
// required reason may not be blank; run(text), if given, works as in confirmDialog.
export function reasonDialog({ title, label = t("Reason"), body = "", hint = "", required = true,
  confirmLabel = t("OK"), placeholder = "", maxlength = 2000, danger = false, run = null, id = "reason-dialog" }) {
  return new Promise((resolve) => {
    const text = h("textarea", { rows: 3, maxlength, placeholder, "aria-required": String(required) });
    const parts = modal({
      id, title, fields: [["reason", label, text, hint]], submitLabel: confirmLabel, danger,
      run: async () => {
        const value = text.value.trim();
        if (required && !value) throw fieldError("reason", t("This is required: write it here."));
        if (run) await run(value);
        resolve(value);
        return true;
      },
    });
    if (body) parts.form.prepend(h("p", { class: "confirm-body", id: `${id}-body` }, body));
    text.focus();
    parts.dialog.addEventListener("close", () => resolve(null));
  });
}

// Say something went wrong, in the page: resolves once read (OK, Esc).
export function noticeDialog({ title, body, id = "notice-dialog" }) {
  return new Promise((resolve) => {
    const parts = modal({ id, title, fields: [], submitLabel: t("OK"), run: async () => true });
    parts.form.querySelector(`#${id}-cancel`).remove();
    parts.form.prepend(h("p", { class: "confirm-body", id: `${id}-body`, role: "alert" }, body));
    parts.dialog.addEventListener("close", () => resolve());
  });
}

// Ask a reviewer to sign off a judgement call. Resolves true once asked.
export async function askSignOff(caseId) {
  const { items } = await get(`/cases/${caseId}/decision-kinds`);
  return new Promise((resolve) => {
    const kind = h("select", {},
      items.map((k) => h("option", { value: k.kind }, k.label)));
    const amount = h("input", { inputmode: "decimal", autocomplete: "off", placeholder: "0.00" });
    const summary = h("textarea", { rows: 3, maxlength: 2000, "aria-required": "true",
      placeholder: t("What is to be decided, and why") });
    const parts = modal({
      id: "sign-off-dialog", title: t("Ask for sign-off"), submitLabel: t("Ask for sign-off"),
      fields: [["kind", t("Kind of decision"), kind], ["amount_cents", t("Amount"), amount],
        ["summary", t("Reason"), summary]],
      run: async () => {
        const chosen = items.find((k) => k.kind === kind.value);
        const body = { kind: kind.value, summary: summary.value };
        if (!summary.value.trim()) throw fieldError("summary", t("Say what is to be decided and why."));
        if (chosen.needs_amount || amount.value.trim()) {
          const value = cents(amount.value);
          if (!value) throw fieldError("amount_cents", t("Give an amount of money, like 1,250.00."));
          body.amount_cents = value;
        }
        await post(`/cases/${caseId}/decisions`, body);
        resolve(true);
        return true;
      },
    });
    const amountRow = parts.form.querySelector('[data-field="amount_cents"]');
    const follow = () => {
      const chosen = items.find((k) => k.kind === kind.value);
      amountRow.hidden = !chosen?.needs_amount;
      amountRow.querySelector("label").textContent = chosen?.currency ? t("Amount (%(currency)s)", chosen) : t("Amount");
      amount.setAttribute("aria-required", String(Boolean(chosen?.needs_amount)));
    };
    kind.addEventListener("change", follow);
    follow();
    parts.dialog.addEventListener("close", () => resolve(false));
  });
}

// A reviewer approves (with an optional remark, after confirming) or rejects (saying why).
export function reviewDecision(decision, verdict, label) {
  return new Promise((resolve) => {
    const approving = verdict === "approve";
    const remark = h("textarea", { rows: 3, maxlength: 2000, "aria-required": String(!approving),
      placeholder: approving ? t("Optional: anything the maker should know") : t("Why it is rejected") });
    const sum = decision.amount_cents != null ? ` · ${money(decision.amount_cents, decision.currency || "")}` : "";
    let confirming = false;
    const parts = modal({
      id: "review-dialog", title: approving ? t("Approve sign-off") : t("Reject sign-off"),
      submitLabel: approving ? t("Approve…") : t("Reject"),
      fields: [["note", approving ? t("Remark") : t("Reason for rejecting"), remark]],
      run: async ({ submit, extra }) => {
        if (!approving && !remark.value.trim()) throw fieldError("note", t("Say why it is rejected."));
        if (approving && !confirming) {
          // A second, deliberate press: approving applies what it decides (a settlement, say).
          confirming = true;
          fill(extra, h("p", { class: "confirm", id: "review-confirm" },
            t("Approve %(what)s? This applies it and cannot be undone.", { what: `${label}${sum}` })));
          submit.textContent = t("Yes, approve");
          return false;
        }
        await post(`/decisions/${decision.id}/${verdict}`, { note: remark.value });
        resolve(true);
        return true;
      },
    });
    parts.form.prepend(h("p", { class: "review-what", id: "review-what" },
      h("strong", {}, label), sum, h("br"), decision.summary));
    if (approving) showAuthority(decision, parts);
    parts.dialog.addEventListener("close", () => resolve(false));
  });
}

// Before approving: the authority I would sign under, or why mine does not reach and who
// can sign instead (the server checks the same when approving).
async function showAuthority(decision, { form, submit }) {
  const line = h("p", { class: "review-authority muted", id: "review-authority" }, t("Checking your authority…"));
  form.querySelector(".review-what").after(line);
  let a;
  try {
    a = await get(`/decisions/${decision.id}/authority`);
  } catch (err) {
    fill(line, err.message);
    return;
  }
  if (a.can_sign) {
    const held = [a.limit_cents != null ? t("your limit of %(limit)s", { limit: money(a.limit_cents, decision.currency || "") }) : null,
      a.qualification ? t("the qualification “%(qualification)s”", a) : null].filter(Boolean);
    fill(line, a.basis === "unrestricted" ? t("You sign under the reviewer role (this client sets no approval limits).")
      : t("You sign under %(held)s.", { held: held.join(AND) || AUTHORITY }));
    return;
  }
  line.className = "review-authority error";
  line.setAttribute("role", "alert");
  const who = a.signers.length ? t("%(names)s can sign it.", { names: a.signers.map((s) => s.name).join(", ") })
    : t("Nobody here holds that authority yet: ask an administrator.");
  fill(line, h("strong", {}, a.code === "not_qualified" ? t("Outside your qualifications: ") : t("Beyond your authority: ")),
    `${a.message}. ${who}`);
  submit.disabled = true;
  submit.textContent = t("Beyond your authority");
}

// Send the case to the fraud team: what looks wrong, how bad, and which claim if any.
export function escalateToFraud(caseId, claims) {
  return new Promise((resolve) => {
    const summary = h("textarea", { rows: 4, maxlength: 2000, "aria-required": "true",
      placeholder: t("What looks wrong (the fraud team reads this)") });
    const severity = h("select", {}, SEVERITIES.map(([v, text]) => h("option", { value: v }, text)));
    const claim = h("select", {}, h("option", { value: "" }, t("None in particular")),
      claims.map((c) => h("option", { value: c.id }, t("Claim %(reference)s", c))));
    const fields = [["summary", t("What looks wrong"), summary], ["severity", t("Severity"), severity]];
    if (claims.length) fields.push(["claim_id", t("The claim it concerns"), claim]);
    const parts = modal({
      id: "escalate-dialog", title: t("Escalate to the fraud team"), submitLabel: t("Escalate"),
      fields,
      run: async () => {
        if (!summary.value.trim()) throw fieldError("summary", t("Say what looks wrong."));
        const body = { summary: summary.value, severity: severity.value };
        if (claim.value) body.claim_id = Number(claim.value);
        await post(`/cases/${caseId}/escalations`, body);
        resolve(true);
        return true;
      },
    });
    parts.dialog.addEventListener("close", () => resolve(false));
  });
}
