// The supervisors' playbook editor: pick a written playbook or start one, edit its steps in
// order, save (an edit is saved as a new version; cases keep the version they started on).
import { get, post, send } from "/static/js/api.js";
import { fill, h, $ } from "/static/js/workspace/dom.js";
import { label } from "/static/js/workspace/labels.js";

const root = $("#playbook-editor");
const KINDS = root.dataset.kinds.split(",");
const rows = $("#step-rows");
const error = $("#playbook-error");
const saved = $("#playbook-saved");
let editing = null; // the playbook being edited, or null for a new one

function stepRow(step = { key: "", title: "", kind: "checklist", required: true, body: "", trigger: null, article_id: null }) {
  const n = rows.children.length;
  const remove = h("button", { type: "button", class: "small secondary", onclick: () => row.remove() }, "Remove");
  const row = h("div", { class: "step-row" },
    h("input", { name: "key", value: step.key, maxlength: 64, placeholder: "key", "aria-label": `Step ${n + 1} key` }),
    h("input", { name: "title", value: step.title, maxlength: 200, placeholder: "What to do", "aria-label": `Step ${n + 1} title` }),
    h("select", { name: "kind", "aria-label": `Step ${n + 1} kind` },
      KINDS.map((k) => h("option", { value: k, selected: k === step.kind }, label(k)))),
    h("label", {}, h("input", { type: "checkbox", name: "required", checked: step.required }), " required"),
    h("input", { name: "trigger", value: step.trigger || "", maxlength: 80, placeholder: "trigger (optional)",
      "aria-label": `Step ${n + 1} trigger` }),
    remove,
    h("textarea", { name: "body", rows: 2, maxlength: 4000, placeholder: "Script to read or what to ask (optional)",
      "aria-label": `Step ${n + 1} script` }, step.body || ""),
    h("input", { name: "article_id", type: "number", min: 1, value: step.article_id ?? "", placeholder: "article id",
      "aria-label": `Step ${n + 1} article` }));
  rows.append(row);
}

function steps() {
  return [...rows.children].map((row) => {
    const value = (name) => row.querySelector(`[name=${name}]`).value.trim();
    const article = value("article_id");
    return { key: value("key"), title: value("title"), kind: value("kind"), body: value("body"),
      required: row.querySelector("[name=required]").checked, trigger: value("trigger") || null,
      article_id: article ? Number(article) : null };
  });
}

function edit(book) {
  editing = book;
  fill(error); fill(saved); fill(rows);
  fill($("#playbook-form-title"), book ? `${book.name} · version ${book.version}` : "New playbook");
  $("#playbook-line").value = book?.line_of_work || $("#playbook-line").options[0].value;
  $("#playbook-line").disabled = Boolean(book);
  if ($("#playbook-client")) { $("#playbook-client").disabled = Boolean(book); if (book) $("#playbook-client").value = book.client_id; }
  $("#playbook-name").value = book?.name || "";
  (book?.steps?.length ? book.steps : [undefined]).forEach((s) => stepRow(s));
}

async function load() {
  const { items } = await get("/playbooks");
  fill($("#playbook-list"), items.length ? items.map((b) => h("li", {},
    h("button", { type: "button", class: "link", dataset: { id: b.id }, onclick: () => edit(b) },
      `${label(b.line_of_work)}: ${b.name}`), " ", h("small", { class: "muted" }, `v${b.version} · ${b.steps.length} steps`)))
    : h("li", { class: "muted" }, "None yet."));
  return items;
}

$("#step-add").addEventListener("click", () => stepRow());
$("#playbook-new").addEventListener("click", () => edit(null));
$("#playbook-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const save = $("#playbook-save");
  if (save.disabled) return;
  save.disabled = true;
  fill(error); fill(saved);
  try {
    let id = editing?.id;
    if (editing) {
      await send("PATCH", `/playbooks/${id}`, { name: $("#playbook-name").value, steps: steps() });
    } else {
      const body = { line_of_work: $("#playbook-line").value, name: $("#playbook-name").value, steps: steps() };
      if ($("#playbook-client")) body.client_id = Number($("#playbook-client").value);
      id = (await post("/playbooks", body)).id;
    }
    const items = await load();
    edit(items.find((b) => b.id === id));
    fill(saved, `Saved as version ${editing.version}.`);
  } catch (err) {
    fill(error, err.message);
  } finally { save.disabled = false; }
});

load().then(() => edit(null)).catch((err) => fill(error, err.message));
