// Canned replies in the composer: pick one to insert it, its fields ({{customer.first_name}}
// …) filled in from the case; "Manage" lists yours, your team's and the client's, and creates,
// edits and deletes them (the server decides who may change which).
import { del, get, post, send } from "/static/js/api.js";
import { confirmDialog } from "./dialogs.js";
import { fill, h } from "./dom.js";
import { t } from "/static/js/i18n.js";

const form = document.getElementById("composer");
const body = document.getElementById("composer-body");
const SCOPES = { personal: "Only me", team: "My team", client: "Everyone (supervisors)" };
const LINES = { "": "Every line of work", general: "General", insurance: "Insurance",
  collections: "Collections", fraud: "Fraud" };
const FIELDS = ["customer.first_name", "customer.name", "case.reference", "agent.name",
  "agent.first_name"];

const picker = h("select", { id: "composer-canned", "aria-label": t("Canned reply") });
const manage = h("button", { type: "button", id: "composer-canned-manage", class: "secondary" },
  t("Manage replies"));
const tools = form.querySelector("#composer-tools")
  || form.appendChild(h("div", { id: "composer-tools", class: "composer-tools" }));
tools.prepend(picker, manage);

let items = [];
let listedFor = undefined;
const caseId = () => window.caseline?.composer?.caseId ?? null;

async function load(force = false) {
  const id = caseId();
  if (!force && listedFor === id) return;
  listedFor = id;
  try {
    ({ items } = await get(`/canned-replies${id ? `?case_id=${id}` : ""}`));
  } catch { items = []; }
  fill(picker, h("option", { value: "" }, t("Canned reply…")),
    items.map((r) => h("option", { value: String(r.id) }, r.title)));
}

picker.addEventListener("change", async () => {
  const id = caseId();
  if (!picker.value || !id) return;
  try {
    const { body: text } = await get(`/cases/${id}/canned-replies/${picker.value}`);
    // Inserted where the cursor is, so a reply can be built from several.
    const at = body.selectionStart ?? body.value.length;
    body.setRangeText(text, at, body.selectionEnd ?? at, "end");
    body.dispatchEvent(new Event("input", { bubbles: true }));
  } catch { /* deleted meanwhile: leave the text as it is */ }
  picker.value = "";
  body.focus();
});

// The manage dialog: a list and one form for a new or the chosen reply.
const dialog = h("dialog", { id: "canned-dialog", class: "canned-dialog",
  "aria-labelledby": "canned-dialog-title" });
document.body.append(dialog);

function editor(reply) {
  const title = h("input", { id: "canned-title", maxlength: "120", required: true,
    value: reply?.title || "" });
  const text = h("textarea", { id: "canned-body", rows: "5", maxlength: "4000", required: true });
  text.value = reply?.body || "";
  const scope = h("select", { id: "canned-scope", disabled: Boolean(reply) },
    Object.entries(SCOPES).map(([v, label]) => h("option", { value: v }, label)));
  scope.value = reply?.scope || "personal";
  const line = h("select", { id: "canned-line" },
    Object.entries(LINES).map(([v, label]) => h("option", { value: v }, label)));
  line.value = reply?.line_of_work || "";
  const error = h("p", { class: "composer-error", role: "alert" });
  const save = async (e) => {
    e.preventDefault();
    fill(error);
    try {
      if (reply) {
        await send("PATCH", `/canned-replies/${reply.id}`,
          { title: title.value, body: text.value, line_of_work: line.value });
      } else {
        await post("/canned-replies", { title: title.value, body: text.value,
          scope: scope.value, line_of_work: line.value || null });
      }
      await load(true);
      render();
    } catch (err) { fill(error, err.message); }
  };
  return h("form", { class: "canned-form", onsubmit: save },
    h("h3", {}, reply ? `Edit “${reply.title}”` : "New canned reply"),
    h("label", { for: "canned-title" }, "Title"), title,
    h("label", { for: "canned-body" }, "Text"), text,
    h("p", { class: "muted" }, `Fields filled in from the case: ${FIELDS.map((f) => `{{${f}}}`).join(" ")}`),
    h("label", { for: "canned-scope" }, "Shared with"), scope,
    h("label", { for: "canned-line" }, "Line of work"), line,
    error,
    h("div", { class: "actions" },
      h("button", { type: "submit" }, reply ? "Save changes" : "Create reply"),
      reply ? h("button", { type: "button", class: "secondary", onclick: () => render() },
        "New reply instead") : null));
}

function render(chosen = null) {
  const rows = items.map((r) => h("li", {},
    h("span", { class: "canned-title" }, r.title),
    h("span", { class: "muted" }, ` · ${SCOPES[r.scope] || r.scope} · `
      + `${LINES[r.line_of_work || ""] || r.line_of_work}`),
    h("button", { type: "button", class: "link", onclick: () => render(r) }, "Edit"),
    h("button", { type: "button", class: "link danger", onclick: async () => {
      // A refusal (someone else's shared reply, already gone) shows in the confirming dialog.
      const deleted = await confirmDialog({ id: "canned-delete-dialog", title: "Delete canned reply",
        body: `Delete the canned reply “${r.title}”? Nobody will be offered it again.`,
        confirmLabel: "Delete", danger: true, run: () => del(`/canned-replies/${r.id}`) });
      if (!deleted) return;
      try { await load(true); render(); } catch (err) { fill(listError, err.message); }
    } }, "Delete")));
  const listError = h("p", { class: "error", id: "canned-list-error", role: "alert" });
  fill(dialog,
    h("h2", { id: "canned-dialog-title" }, "Canned replies"),
    rows.length ? h("ul", { class: "canned-list" }, rows) : h("p", { class: "muted" }, "None yet."),
    listError,
    editor(chosen),
    h("form", { method: "dialog" }, h("button", { type: "submit", class: "secondary" }, "Close")));
}

manage.addEventListener("click", async () => {
  await load(true);
  render();
  dialog.showModal();
});
document.getElementById("composer-medium").addEventListener("composer:refreshed", () => load());
load();
