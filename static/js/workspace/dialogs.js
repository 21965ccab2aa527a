// The sign-off and escalation forms: asking for sign-off (the kinds the case's holdings offer,
// an amount where the kind decides money, the reason), a reviewer's approval or rejection
// (a remark; approving asks to confirm), escalating to fraud (what looks wrong, how bad, the
// claim it concerns). The server checks the same and names the field at fault (422).
import { get, post } from "/static/js/api.js";
import { fill, h } from "./dom.js";
import { money } from "./format.js";

const SEVERITIES = [["low", "Low"], ["medium", "Medium"], ["high", "High"], ["critical", "Critical"]];

// "1,250.5" or "$1250.50" -> 125050 cents; null when it is not an amount of money.
export function cents(text) {
  const match = /^\s*[$€£]?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*$/.exec(text || "");
  if (!match) return null;
  const value = Number(match[1].replaceAll(",", "")) * 100 + Number((match[2] || "0").padEnd(2, "0"));
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

// A modal form: fields in a stack, an error line per field, Cancel and a submit button. run()
// gets the form's parts and returns true when done (the dialog closes) or false to stay.
function modal({ id, title, fields, submitLabel, run }) {
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
  const submit = h("button", { type: "submit", id: `${id}-submit` }, submitLabel);
  const cancel = h("button", { type: "button", class: "secondary", id: `${id}-cancel` }, "Cancel");
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

// Ask a reviewer to sign off a judgement call. Resolves true once asked.
export async function askSignOff(caseId) {
  const { items } = await get(`/cases/${caseId}/decision-kinds`);
  return new Promise((resolve) => {
    const kind = h("select", {},
      items.map((k) => h("option", { value: k.kind }, k.label)));
    const amount = h("input", { inputmode: "decimal", autocomplete: "off", placeholder: "0.00" });
    const summary = h("textarea", { rows: 3, maxlength: 2000, "aria-required": "true",
      placeholder: "What is to be decided, and why" });
    const parts = modal({
      id: "sign-off-dialog", title: "Ask for sign-off", submitLabel: "Ask for sign-off",
      fields: [["kind", "Kind of decision", kind], ["amount_cents", "Amount", amount],
        ["summary", "Reason", summary]],
      run: async () => {
        const chosen = items.find((k) => k.kind === kind.value);
        const body = { kind: kind.value, summary: summary.value };
        if (!summary.value.trim()) throw fieldError("summary", "Say what is to be decided and why.");
        if (chosen.needs_amount || amount.value.trim()) {
          const value = cents(amount.value);
          if (value === null) throw fieldError("amount_cents", "Give an amount of money, like 1,250.00.");
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
      amountRow.querySelector("label").textContent = `Amount${chosen?.currency ? ` (${chosen.currency})` : ""}`;
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
      placeholder: approving ? "Optional: anything the maker should know" : "Why it is rejected" });
    const sum = decision.amount_cents != null ? ` · ${money(decision.amount_cents, decision.currency || "")}` : "";
    let confirming = false;
    const parts = modal({
      id: "review-dialog", title: approving ? "Approve sign-off" : "Reject sign-off",
      submitLabel: approving ? "Approve…" : "Reject",
      fields: [["note", approving ? "Remark" : "Reason for rejecting", remark]],
      run: async ({ submit, extra }) => {
        if (!approving && !remark.value.trim()) throw fieldError("note", "Say why it is rejected.");
        if (approving && !confirming) {
          // A second, deliberate press: approving applies what it decides (a settlement, say).
          confirming = true;
          fill(extra, h("p", { class: "confirm", id: "review-confirm" },
            `Approve ${label}${sum}? This applies it and cannot be undone.`));
          submit.textContent = "Yes, approve";
          return false;
        }
        await post(`/decisions/${decision.id}/${verdict}`, { note: remark.value });
        resolve(true);
        return true;
      },
    });
    parts.form.prepend(h("p", { class: "review-what", id: "review-what" },
      h("strong", {}, label), sum, h("br"), decision.summary));
    parts.dialog.addEventListener("close", () => resolve(false));
  });
}

// Send the case to the fraud team: what looks wrong, how bad, and which claim if any.
export function escalateToFraud(caseId, claims) {
  return new Promise((resolve) => {
    const summary = h("textarea", { rows: 4, maxlength: 2000, "aria-required": "true",
      placeholder: "What looks wrong (the fraud team reads this)" });
    const severity = h("select", {}, SEVERITIES.map(([v, text]) => h("option", { value: v }, text)));
    const claim = h("select", {}, h("option", { value: "" }, "None in particular"),
      claims.map((c) => h("option", { value: c.id }, `Claim ${c.reference}`)));
    const fields = [["summary", "What looks wrong", summary], ["severity", "Severity", severity]];
    if (claims.length) fields.push(["claim_id", "The claim it concerns", claim]);
    const parts = modal({
      id: "escalate-dialog", title: "Escalate to the fraud team", submitLabel: "Escalate",
      fields,
      run: async () => {
        if (!summary.value.trim()) throw fieldError("summary", "Say what looks wrong.");
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

// Ask why (a playbook step skipped, an article out of date): one required text, sent by
// send(text); the server's refusal shows by the field. Resolves true once sent.
export function askReason({ id, title, label, submitLabel, field = "reason", send }) {
  return new Promise((resolve) => {
    const text = h("textarea", { rows: 3, maxlength: 500, required: true });
    let sent = false;
    const parts = modal({
      id, title, submitLabel, fields: [[field, label, text]],
      run: async () => {
        if (!text.value.trim()) throw fieldError(field, "Say why.");
        await send(text.value.trim());
        sent = true;
        return true;
      },
    });
    parts.dialog.addEventListener("close", () => resolve(sent));
  });
}
