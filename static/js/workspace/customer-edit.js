// Customers by hand: a new customer and their case (top bar), and in the customer pane their
// details, contact points and consents, and merging a duplicate after a preview of what moves.
import { del, get, post, qs } from "/static/js/api.js";
import { patch } from "./casework.js";
import { confirmDialog } from "./dialogs.js";
import { fill, h } from "./dom.js";

const MEDIA = ["voice", "sms", "whatsapp", "email"];
const list = (text) => text.split(/[,;\n]/).map((s) => s.trim()).filter(Boolean);

export class NewCustomer {
  constructor({ button, dialog, openCase }) {
    Object.assign(this, { button, dialog, openCase });
    button.addEventListener("click", () => this.show());
  }

  show() {
    const field = (id, label, attrs = {}) => h("label", {}, label, h("input", { id, ...attrs }));
    const error = h("p", { class: "error", id: "new-customer-error", role: "alert" });
    const form = h("form", { id: "new-customer-form", class: "stacked" },
      h("h2", {}, "New customer"),
      field("new-customer-name", "Name", { required: true, maxlength: 200 }),
      field("new-customer-phones", "Phones (comma separated)", { maxlength: 400 }),
      field("new-customer-emails", "Emails (comma separated)", { maxlength: 1000 }),
      field("new-customer-timezone", "Time zone", { placeholder: "Europe/London", maxlength: 64 }),
      field("new-customer-language", "Language", { placeholder: "en", maxlength: 16 }),
      error,
      h("div", { class: "buttons" }, h("button", { type: "submit", id: "new-customer-create" }, "Create"), " ",
        h("button", { type: "button", class: "secondary", onclick: () => this.dialog.close() }, "Cancel")));
    const value = (id) => form.querySelector(`#${id}`).value;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const create = form.querySelector("#new-customer-create");
      if (create.disabled) return;
      create.disabled = true;
      try {
        const made = await post("/customers", {
          display_name: value("new-customer-name"), phones: list(value("new-customer-phones")),
          emails: list(value("new-customer-emails")), timezone: value("new-customer-timezone") || null,
          language: value("new-customer-language") || null });
        this.dialog.close();
        this.openCase(made.case_id);
      } catch (err) { fill(error, err.message); } finally { create.disabled = false; }
    });
    fill(this.dialog, form);
    this.dialog.showModal();
    form.querySelector("input").focus();
  }
}

// The editing parts of the customer pane; reload() paints the pane again after a change.
// onMerged: the duplicate's timeline is now this case's, so the case is read again.
export function customerEditor(c, reload, onMerged = reload) {
  const error = h("p", { class: "error", id: "customer-edit-error", role: "alert" });
  const run = async (work) => {
    try { await work(); fill(error); reload(); } catch (err) { fill(error, err.message); }
  };
  return h("section", { class: "customer-edit", id: "customer-edit" },
    h("details", { id: "customer-edit-details" }, h("summary", {}, "Edit customer"),
      detailsForm(c, run), contactsEditor(c, run)),
    h("details", { id: "customer-merge" }, h("summary", {}, "Merge a duplicate…"), mergeForm(c, onMerged)),
    error);
}

function detailsForm(c, run) {
  const name = h("input", { id: "customer-edit-name", value: c.display_name, maxlength: 200, "aria-label": "Name" });
  const tz = h("input", { id: "customer-edit-timezone", value: c.timezone || "", maxlength: 64, "aria-label": "Time zone",
    placeholder: "Time zone (Europe/London)" });
  const lang = h("input", { id: "customer-edit-language", value: c.language || "", maxlength: 16, "aria-label": "Language",
    placeholder: "Language (en)" });
  const form = h("form", { class: "stacked", id: "customer-edit-form" }, name, tz, lang,
    h("button", { type: "submit", class: "small" }, "Save"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(() => patch(`/customers/${c.id}`, { display_name: name.value, timezone: tz.value || null,
      language: lang.value || null }));
  });
  return form;
}

function contactsEditor(c, run) {
  const value = h("input", { id: "contact-add-value", maxlength: 320, placeholder: "Phone or email", "aria-label": "New contact point" });
  const add = h("form", { class: "inline-form", id: "contact-add-form" }, value, " ",
    h("button", { type: "submit", class: "small" }, "Add"));
  add.addEventListener("submit", (event) => {
    event.preventDefault();
    run(() => post(`/customers/${c.id}/contact-points`, { value: value.value }));
  });
  return h("div", { class: "contacts-edit" },
    h("ul", {}, c.contact_points.map((cp) => h("li", { dataset: { id: cp.id } },
      h("span", {}, cp.value), " ",
      MEDIA.map((m) => h("label", { class: "consent", title: `Consented to ${m}` },
        h("input", { type: "checkbox", checked: m in (cp.consents || {}), dataset: { medium: m },
          onchange: (e) => run(() => patch(`/contact-points/${cp.id}`, { consents: { [m]: e.target.checked } })) }),
        ` ${m} `)),
      h("button", { type: "button", class: "small secondary contact-remove", onclick: async () => {
        if (await confirmDialog({ id: "contact-remove-dialog", title: "Remove contact point",
          body: `Remove ${cp.value} from this customer? Nobody will be able to reach them there from Caseline.`,
          confirmLabel: "Remove", danger: true })) run(() => del(`/contact-points/${cp.id}`));
      } }, "Remove")))),
    add);
}

// Find the duplicate (by any search term), see what would move, then merge.
function mergeForm(c, reload) {
  const query = h("input", { id: "merge-search", placeholder: "Name, phone, email or case of the duplicate", maxlength: 200,
    "aria-label": "Find the duplicate" });
  const results = h("div", { id: "merge-results" });
  const error = h("p", { class: "error", id: "merge-error", role: "alert" });
  const preview = async (other) => {
    try {
      const p = await get(`/customers/${c.id}/merge-preview?${qs({ other_id: other.id })}`);
      const m = p.moves;
      fill(results, h("div", { id: "merge-preview", class: "merge-preview" },
        h("p", {}, `Merge ${p.duplicate.display_name} (${p.duplicate_case_reference}) into `
          + `${p.survivor.display_name} (${p.survivor_case_reference}). These move:`),
        h("ul", {}, Object.entries({ interactions: "timeline items", contact_points: "contact points",
          claims: "claims", debts: "debt accounts", tasks: "tasks" }).map(([key, label]) =>
          h("li", { dataset: { moves: key } }, `${m[key]} ${label}`))),
        h("p", { class: "muted" }, `${p.duplicate_case_reference} is then closed into this case; the merge is audited.`),
        h("button", { type: "button", id: "merge-confirm", onclick: async (e) => {
          e.currentTarget.disabled = true;
          try { await post(`/customers/${c.id}/merge`, { other_id: other.id }); reload(); } catch (err) {
            fill(error, err.message);
            e.currentTarget.disabled = false;
          }
        } }, "Merge"), " ",
        h("button", { type: "button", class: "secondary", onclick: () => fill(results) }, "Cancel")));
    } catch (err) { fill(error, err.message); }
  };
  const form = h("form", { class: "inline-form", id: "merge-search-form" }, query, " ",
    h("button", { type: "submit", class: "small" }, "Find"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const { items } = await get(`/customers?${qs({ q: query.value })}`);
      const others = items.filter((hit) => hit.customer.id !== c.id);
      fill(error);
      fill(results, others.length ? h("ul", {}, others.map((hit) => h("li", {},
        h("button", { type: "button", class: "link merge-pick", dataset: { id: hit.customer.id },
          onclick: () => preview(hit.customer) }, `${hit.customer.display_name} (#${hit.customer.id})`))))
        : h("p", { class: "muted" }, "No other customer matches."));
    } catch (err) { fill(error, err.message); }
  });
  return h("div", {}, form, results, error);
}
