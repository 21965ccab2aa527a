// Claims in the workspace: take a first notice of loss, see a claim's facts, move it through
// its lifecycle (the server's next moves are the buttons), ask for documents and mark the
// attachment that is one. Settling and declining wait for a reviewer. The server checks all.
import { get, post, send } from "/static/js/api.js";
import { fill, h } from "./dom.js";
import { cents, day, holds, money } from "./format.js";

const TYPES = ["motor", "property", "travel", "health", "liability", "life", "other"];
const today = () => new Date().toISOString().slice(0, 10);
const amount = (c, currency = "USD") => (c === null || c === undefined ? "—" : money(c, currency));
// As crm.claims.records: who takes and moves claims; who sets the reserve and reopens.
const works = () => holds("claims", "agent", "supervisor");
const handles = () => holds("claims", "supervisor");
const MOVE_WORDS = { settled: "Settle", declined: "Decline", closed: "Close", reopened: "Reopen" };
const moveWord = (m) => MOVE_WORDS[m.to] || `Move to ${m.label}`;
// A labelled field: its name above the input (a label for it: the name alone, whatever a
// select shows), a hint under it that the input is described by.
let fields = 0;
function field(label, input, hint) {
  input.id ||= `claim-field-${++fields}`;
  const note = hint ? h("small", { class: "hint", id: `${input.id}-hint` }, hint) : null;
  if (note) input.setAttribute("aria-describedby", note.id);
  return h("div", { class: "field" }, h("label", { class: "field-name", for: input.id }, label), input, note);
}

export class ClaimPanel {
  constructor(root) {
    this.root = root;
    this.caseId = null;
    this.count = 0;
    this.parts = new Map(); // forms outlive a live refresh while someone is filling them
    this.notices = {};
  }

  open(c) {
    if ((c?.id ?? null) !== this.caseId) {
      this.parts = new Map();
      this.notices = {};
    }
    this.caseId = c?.id ?? null;
    const claims = c?.claims || [];
    this.count = claims.length; // the case view refreshes the panel on live updates when > 0
    this.root.hidden = !c || (claims.length === 0 && !works());
    if (this.root.hidden) return fill(this.root);
    const error = this.keep("new:error", () => h("div", { class: "error", role: "alert" }));
    // No claim yet: only the link to take one (an agent may take a first notice on a call).
    fill(this.root, claims.length ? h("h2", {}, "Claims") : null, claims.map((x) => this.card(x)),
      works() ? this.keep("new", () => this.createForm(error)) : null, error);
  }

  async refresh() {
    const caseId = this.caseId;
    if (caseId === null) return;
    try {
      const c = await get(`/cases/${caseId}`);
      if (caseId === this.caseId) this.open(c);
    } catch { /* the header shows the case's own error */ }
  }

  card(x) {
    const error = this.keep(`${x.id}:error`, () => h("div", { class: "error", role: "alert" }));
    const facts = [x.type, x.loss_date && `loss on ${x.loss_date}`,
      `reported ${amount(x.reported_amount_cents, x.currency)}`,
      `reserve ${amount(x.reserve_cents, x.currency)}`,
      x.settlement_amount_cents && `settlement ${amount(x.settlement_amount_cents, x.currency)}`].filter(Boolean).join(" · ");
    const policy = [x.policy_number && `policy ${x.policy_number}`, x.policy_start && `since ${x.policy_start}`,
      x.bank_account && `pays to ${x.bank_account}`].filter(Boolean).join(" · ");
    return h("section", { class: "claim-card", dataset: { id: x.id, status: x.status } },
      h("div", { class: "claim-line" }, h("strong", {}, `Claim ${x.number}`), " ",
        h("span", { class: `badge claim-status status-${x.status}` }, x.status_label),
        h("span", { class: "muted" }, ` · ${facts}`)),
      policy ? h("div", { class: "muted" }, policy) : null,
      x.description ? h("div", { class: "muted" }, x.description) : null,
      x.status_reason ? h("div", { class: "claim-reason" }, `Why ${x.status_label}: ${x.status_reason}`) : null,
      x.cover_changes.map((cc) => h("div", { class: "muted claim-cover" },
        `Cover ${cc.kind} from ${cc.effective_on}${cc.sum_insured_cents ? `: sum insured ${amount(cc.sum_insured_cents, x.currency)}` : ""}`)),
      this.pending(x), works() ? this.moves(x, error) : null,
      h("h3", {}, "Documents"), this.documents(x, error),
      works() && !["settled", "declined", "closed"].includes(x.status)
        ? this.keep(`${x.id}:ask`, () => this.askForm(x, error)) : null,
      works() ? this.keep(`${x.id}:facts`, () => this.factsForm(x, error)) : null,
      works() ? this.keep(`${x.id}:cover`, () => this.coverForm(x, error)) : null,
      this.notices[x.id] ? h("p", { class: "notice claim-notice", role: "status" }, this.notices[x.id]) : null,
      error);
  }

  pending(x) {
    const p = x.pending_signoff;
    if (!p) return null;
    return h("p", { class: "claim-pending" }, h("span", { class: "badge" }, "awaiting sign-off"),
      ` To be ${p.label}${p.reason ? ` (${p.reason})` : ""}: a reviewer approves or rejects it; `
      + "until then the claim stays where it is.");
  }

  // The moves the lifecycle allows from here, as buttons. A move that asks for more (why, the
  // settlement amount, going on without documents still awaited) opens a small form first.
  moves(x, error) {
    const allowed = x.next_moves.filter((m) => m.to !== "reopened" || handles());
    if (!allowed.length) return null;
    const asks = (m) => m.needs_reason || m.needs_amount || m.documents_outstanding.length > 0;
    const label = (m) => `${moveWord(m)}${m.needs_signoff ? " (sign-off)" : ""}`;
    const box = this.keep(`${x.id}:move`, () => h("div", { class: "claim-move" }));
    const done = (m, result) => {
      this.notices[x.id] = result.pending_signoff
        ? `Sent for sign-off: claim ${x.number} will be ${m.label} once a reviewer approves.`
        : null;
      this.parts.delete(`${x.id}:move`);
      this.refresh();
    };
    return [h("div", { class: "claim-moves" }, h("span", { class: "muted" }, "Next: "),
      allowed.map((m) => [h("button", { type: "button", class: `small${m.needs_signoff ? " secondary" : ""}`,
        dataset: { to: m.to }, title: m.needs_signoff ? "Needs a reviewer's sign-off" : "",
        onclick: async (e) => {
          fill(error);
          if (asks(m)) {
            fill(box, this.moveForm(x, m, label(m), error, (result) => done(m, result)));
            box.querySelector("input, textarea")?.focus();
            return;
          }
          const button = e.currentTarget;
          if (button.disabled) return;
          button.disabled = true;
          try {
            done(m, await post(`/claims/${x.id}/transitions`, { to: m.to }));
          } catch (err) { fill(error, err.message); button.disabled = false; }
        } }, `${label(m)}${asks(m) ? "…" : ""}`), " "])), box];
  }

  // What a move asks for, each field labelled: the settlement amount, why, and going on
  // without documents still awaited (the server refuses the move otherwise, naming them).
  moveForm(x, m, label, error, done) {
    const fields = [];
    const amount = m.needs_amount ? h("input", { name: "settlement_amount", inputmode: "decimal", required: true,
      value: x.settlement_amount_cents ? (x.settlement_amount_cents / 100).toFixed(2) : "" }) : null;
    if (amount) {
      fields.push(field("Settlement amount", amount, m.to === "settled" && x.settlement_amount_cents
        ? `${x.currency}; the amount proposed, or another one for the reviewer to sign off`
        : `${x.currency}, e.g. 4000.00`));
    }
    const waived = m.documents_outstanding.length ? h("input", { type: "checkbox", name: "documents_waived" }) : null;
    if (waived) {
      fields.push(h("p", { class: "claim-awaited", role: "note" },
        `Still waiting for ${m.documents_outstanding.join(", ")}.`),
      h("label", { class: "field-check" }, waived, " Go on without them (say why below)"));
    }
    const reason = h("input", { name: "reason", maxlength: 2000, size: 30, required: m.needs_reason });
    const why = field("Why", reason, waived ? "required to go on without the documents" : null);
    // The reason is asked for when the move needs one, or when going on without documents:
    // the label says so as the box is ticked, never "optional" for what is required.
    const needed = () => m.needs_reason || Boolean(waived?.checked);
    const follow = () => {
      why.querySelector(".field-name").textContent = m.needs_reason ? `Why ${m.label}`
        : waived?.checked ? "Why go on without them" : "Why (optional)";
      reason.required = needed();
      reason.setAttribute("aria-required", String(needed()));
    };
    waived?.addEventListener("change", follow);
    follow();
    fields.push(why);
    const submit = h("button", { type: "submit", class: "small" }, label);
    const cancel = h("button", { type: "button", class: "link", onclick: () => {
      this.parts.delete(`${x.id}:move`);
      this.refresh();
    } }, "Cancel");
    const form = h("form", { class: "claim-form claim-move-form", dataset: { to: m.to }, novalidate: true },
      h("div", { class: "fields" }, fields), submit, " ", cancel);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (submit.disabled) return;
      fill(error);
      if (needed() && !reason.value.trim()) {
        fill(error, waived?.checked && !m.needs_reason
          ? `Say why claim ${x.number} goes on without ${m.documents_outstanding.join(", ")}.`
          : `Say why claim ${x.number} is ${m.label}.`);
        reason.focus();
        return;
      }
      const body = { to: m.to, reason: reason.value.trim() || null };
      if (amount) {
        body.settlement_amount_cents = amount.value.trim() ? cents(amount.value) : null;
        if (amount.value.trim() && !body.settlement_amount_cents) {
          fill(error, "Write the settlement amount, e.g. 4000.00");
          return;
        }
      }
      if (waived?.checked) body.documents_waived = true;
      submit.disabled = true;
      try { done(await post(`/claims/${x.id}/transitions`, body)); } catch (err) {
        fill(error, err.message);
        submit.disabled = false;
      }
    });
    return form;
  }

  documents(x, error) {
    if (!x.documents.length) return h("p", { class: "muted" }, "none asked for");
    return h("ul", { class: "claim-documents" }, x.documents.map((d) => h("li",
      { class: `claim-document document-${d.status}`, dataset: { id: d.id } }, d.name, " · ",
      d.status === "received"
        ? h("span", {}, h("strong", {}, "received"), d.attachment_filename ? ` as ${d.attachment_filename}` : "",
          d.received_by_id ? "" : " (matched on arrival)")
        : d.status === "waived" ? h("strong", {}, "waived")
          : [h("strong", {}, "waiting"), " ", works() ? this.receiveButton(x, d, error) : null])));
  }

  // Pick, from what the customer sent on this case, the file that is the document.
  receiveButton(x, d, error) {
    const box = h("span", { class: "claim-receive" });
    const start = h("button", { type: "button", class: "link", onclick: async () => {
      fill(error);
      try {
        const { items } = await get(`/claims/${x.id}/attachments`);
        if (!items.length) {
          fill(error, "Nothing has been received on this case yet: no email attachment, photo or file to mark.");
          return;
        }
        const pick = h("select", { "aria-label": `Attachment that is the ${d.name}` }, items.map((a) =>
          h("option", { value: a.id }, `${a.filename || "attachment"} · ${a.medium} · ${day(a.received_at)}`)));
        const mark = h("button", { type: "button", class: "small", onclick: async () => {
          if (mark.disabled) return;
          mark.disabled = true;
          try {
            await post(`/claims/${x.id}/documents/${d.id}/receipt`, { attachment_id: Number(pick.value) });
            this.refresh();
          } catch (err) { fill(error, err.message); mark.disabled = false; }
        } }, "Mark received");
        fill(box, pick, " ", mark);
      } catch (err) { fill(error, err.message); }
    } }, "Mark an attachment as this…");
    return [start, box];
  }

  askForm(x, error) {
    const name = h("input", { name: "document", placeholder: "e.g. Police report", maxlength: 200, size: 22 });
    const due = h("input", { name: "due_on", type: "date", min: today() });
    return this.form("Ask for a document", [field("Document to ask for", name),
      field("Needed by", due, "optional: in a week")], error, async () => {
      await post(`/claims/${x.id}/documents`, { name: name.value, due_on: due.value || null });
    });
  }

  factsForm(x, error) {
    const f = this.factFields(x);
    const fields = [f.policy_number, f.policy_start, f.loss_date, f.type, f.amount, f.bank_account].map((i) => i.closest(".field"));
    const reserve = h("input", { name: "reserve", inputmode: "decimal", size: 10, value: x.reserve_cents ? (x.reserve_cents / 100).toFixed(2) : "" });
    if (handles()) fields.push(field("Reserve", reserve, `${x.currency}, e.g. 4000.00`));
    return this.form("Correct the facts", fields, error, async () => {
      const body = this.factBody(f);
      if (handles() && reserve.value.trim()) {
        body.reserve_cents = cents(reserve.value);
        if (!body.reserve_cents) throw new Error("Write the reserve as an amount, e.g. 4000.00");
      }
      await send("PATCH", `/claims/${x.id}`, body);
    });
  }

  coverForm(x, error) {
    const kind = h("select", { name: "cover_kind" },
      ["increase", "decrease", "other"].map((k) => h("option", { value: k }, `cover ${k}`)));
    const on = h("input", { name: "effective_on", type: "date" });
    const sum = h("input", { name: "sum_insured", inputmode: "decimal", size: 12 });
    return this.form("Record a cover change", [field("Cover change", kind), field("Cover changed on", on),
      field("New sum insured", sum, `${x.currency}, for an increase or decrease`)], error, async () => {
      const value = sum.value.trim() ? cents(sum.value) : null;
      if (sum.value.trim() && !value) throw new Error("Write the sum insured as an amount, e.g. 50000.00");
      await post(`/claims/${x.id}/cover-changes`, { kind: kind.value, effective_on: on.value, sum_insured_cents: value });
    });
  }

  createForm(error) {
    const f = this.factFields({});
    const number = h("input", { name: "number", maxlength: 64, size: 14 });
    const what = h("input", { name: "description", maxlength: 4000, size: 28 });
    return this.form("New claim (first notice of loss)", [field("Claim number", number, "optional: made from the case"),
      ...[f.policy_number, f.policy_start, f.loss_date, f.type, f.amount, f.bank_account].map((i) => i.closest(".field")),
      field("What happened", what)], error, async () => {
      if (!f.loss_date.value) throw new Error("Give the day of the loss");
      await post(`/cases/${this.caseId}/claims`, { ...this.factBody(f), number: number.value || null,
        description: what.value || null });
    });
  }

  // The facts of a claim as inputs, each inside its label (input.closest(".field") is the field).
  factFields(x) {
    const input = (name, attrs) => h("input", { name, ...attrs });
    const f = {
      policy_number: input("policy_number", { maxlength: 64, size: 12, value: x.policy_number || "" }),
      policy_start: input("policy_start", { type: "date", max: today(), value: x.policy_start || "" }),
      loss_date: input("loss_date", { type: "date", max: today(), value: x.loss_date || "", required: true }),
      type: h("select", { name: "type" }, h("option", { value: "" }, "not said"),
        TYPES.map((t) => h("option", { value: t, selected: x.type === t }, t))),
      amount: input("reported_amount", { inputmode: "decimal", size: 10, value: x.reported_amount_cents ? (x.reported_amount_cents / 100).toFixed(2) : "" }),
      bank_account: input("bank_account", { maxlength: 64, size: 24, value: x.bank_account || "" }),
    };
    field("Policy number", f.policy_number);
    field("Policy start", f.policy_start);
    field("Loss date", f.loss_date, "required; not in the future");
    field("Claim type", f.type);
    field("Amount claimed", f.amount, `${x.currency || "USD"}, e.g. 2500.00`);
    field("Bank account", f.bank_account, "for the payout, as the customer gives it");
    return f;
  }

  factBody(f) {
    const claimed = f.amount.value.trim() ? cents(f.amount.value) : null;
    if (f.amount.value.trim() && !claimed) throw new Error("Write the amount claimed, e.g. 2500.00");
    return { policy_number: f.policy_number.value || null, policy_start: f.policy_start.value || null,
      loss_date: f.loss_date.value || undefined, type: f.type.value || null, reported_amount_cents: claimed,
      bank_account: f.bank_account.value || null };
  }

  keep(key, make) {
    if (!this.parts.has(key)) this.parts.set(key, make());
    return this.parts.get(key);
  }

  // A small form behind a link; one request per press; closed again once it went through.
  form(title, fields, error, submit) {
    const button = h("button", { type: "submit", class: "small" }, title);
    const form = h("form", { class: "claim-form", hidden: true, novalidate: true },
      h("div", { class: "fields" }, fields), button);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (button.disabled) return;
      button.disabled = true;
      fill(error);
      this.notices = {};
      try {
        await submit();
        form.hidden = true;
        open.hidden = false;
        this.parts = new Map([...this.parts].filter(([, v]) => v !== wrap)); // fresh values next time
        this.refresh();
      } catch (err) { fill(error, err.message); } finally { button.disabled = false; }
    });
    const open = h("button", { type: "button", class: "link", onclick: () => {
      form.hidden = false; open.hidden = true; form.querySelector("input, select")?.focus();
    } }, `${title}…`);
    const wrap = h("div", {}, open, form);
    return wrap;
  }
}
