// The admin page: one section a subject (clients, addresses, staff, queues, wrap-up codes,
// shared replies), each a form that adds or changes a row and a table of them. Everything
// goes through the admin API; its field errors are shown by their fields.
import { send } from "/static/js/api.js";
import { ROLE_LABELS, clearErrors, formatMap, listOf, readForm, showErrors } from "/static/js/admin/forms.js";

const $ = (id) => document.getElementById(id);
const state = { clients: [], users: [], queues: [] };
const KINDS = { phone: "Phone number", whatsapp: "WhatsApp sender", email: "Mailbox",
  chat: "Chat widget" };

const clientName = (id) => (id == null ? "Every client"
  : state.clients.find((c) => c.id === id)?.name || `Client ${id}`);
const yes = (on) => (on ? "Yes" : "No");

// Per subject: its form, its table and how a row shows. `remove` names the delete button.
const SUBJECTS = {
  // Admins archive a client (it is kept for the audit trail) and can restore it.
  client: { path: "/admin/clients", rows: "client-rows", remove: null,
    cells: (c) => [c.archived_at ? `${c.name} (archived)` : c.name, c.slug, branding(c),
      c.require_two_factor ? "Required" : "Optional"] },
  address: { path: "/admin/addresses", rows: "address-rows", remove: "Delete",
    cells: (a) => [clientName(a.client_id), KINDS[a.kind] || a.kind, a.value,
      a.line_of_work || "general", a.label] },
  user: { path: "/admin/users", rows: "user-rows", remove: "Deactivate",
    cells: (u) => [u.name, u.email, u.roles.map((r) => ROLE_LABELS[r] || r).join(", "),
      formatMap(u.skills), u.languages.join(", "), u.active ? "Active" : "Deactivated"] },
  queue: { path: "/admin/queues", rows: "queue-rows", remove: "Delete",
    cells: (q) => [clientName(q.client_id), q.name, formatMap(q.skills), String(q.priority),
      formatMap(q.sla_seconds), `${q.sticky_seconds} s`, yes(q.active)] },
  disposition: { path: "/admin/dispositions", rows: "disposition-rows", remove: "Delete",
    cells: (d) => [clientName(d.client_id), d.line_of_work, d.code, d.label, yes(d.active)] },
  reply: { path: "/admin/canned-replies", rows: "reply-rows", remove: "Delete",
    cells: (r) => [clientName(r.client_id), r.title, r.body] },
};

function branding(c) {
  const span = document.createElement("span");
  if (c.colour) {
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = c.colour;
    span.append(swatch, ` ${c.colour}`);
  }
  if (c.greeting) span.append(` “${c.greeting}”`);
  return span;
}

function cell(content) {
  const td = document.createElement("td");
  td.append(content ?? "");
  return td;
}

function button(label, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "small";
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

async function load(name) {
  const subject = SUBJECTS[name];
  const archived = name === "client" && $("client-archived")?.checked;
  const { items } = await listOf(archived ? `${subject.path}?archived=true` : subject.path);
  if (name === "client") state.clients = items.filter((c) => !c.archived_at);
  if (name === "user") state.users = items;
  if (name === "queue") state.queues = items;
  const body = $(subject.rows).querySelector("tbody");
  body.replaceChildren(...items.map((item) => row(name, item)));
  if (!items.length) {
    const empty = document.createElement("tr");
    const td = cell("None yet.");
    td.colSpan = 8;
    td.className = "muted";
    empty.append(td);
    body.append(empty);
  }
  if (name === "client") fillClientChoices();
  if (name === "user") fillSupervisors();
  if (name === "queue") fillLines();
}

function row(name, item) {
  const tr = document.createElement("tr");
  tr.dataset.id = item.id;
  tr.append(...SUBJECTS[name].cells(item).map(cell));
  const tools = cell("");
  if (name === "client" && item.archived_at) {
    tools.append(button("Restore", () => restore(item)));
    tr.append(tools);
    return tr;
  }
  tools.append(button("Edit", () => edit(name, item)));
  const remove = SUBJECTS[name].remove;
  // Nobody deactivates themselves (the server refuses it too).
  const me = Number(document.querySelector(".admin").dataset.me);
  if (remove && !(name === "user" && (!item.active || item.id === me))) {
    // Two clicks: the first asks, the second does it.
    const b = button(remove, async () => {
      if (b.dataset.armed !== "1") {
        b.dataset.armed = "1";
        b.textContent = `Confirm: ${remove.toLowerCase()}`;
        return;
      }
      await removeItem(name, item, b);
    });
    tools.append(b);
  }
  tr.append(tools);
  return tr;
}

async function removeItem(name, item, b) {
  const form = $(`${name}-form`);
  try {
    await send("DELETE", `${SUBJECTS[name].path}/${item.id}`);
    say(form, "Done.");
    await load(name);
  } catch (err) {
    b.dataset.armed = "";
    b.textContent = SUBJECTS[name].remove;
    showErrors(form, err);
  }
}

async function restore(item) {
  const form = $("client-form");
  try {
    await send("POST", `/admin/clients/${item.id}/restore`);
    say(form, `${item.name} is restored.`);
    await load("client");
  } catch (err) {
    showErrors(form, err);
  }
}

function fillClientChoices() {
  for (const select of document.querySelectorAll(".client-select")) {
    const keep = select.value;
    const options = state.clients.map((c) => new Option(c.name, c.id));
    if (select.dataset.shared) options.unshift(new Option(select.dataset.shared, ""));
    select.replaceChildren(...options);
    if ([...select.options].some((o) => o.value === keep)) select.value = keep;
  }
  for (const box of document.querySelectorAll(".client-checks")) {
    box.querySelectorAll("label").forEach((l) => l.remove());
    const error = box.querySelector(".field-error");
    for (const c of state.clients) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.name = "client_ids";
      input.value = c.id;
      label.append(input, ` ${c.name}`);
      box.insertBefore(label, error);
    }
  }
}

function fillSupervisors() {
  const select = $("queue-escalate_to");
  const supervisors = state.users.filter((u) => u.active &&
    u.roles.some((r) => r === "supervisor" || r === "admin"));
  select.replaceChildren(...supervisors.map((u) => new Option(u.name, u.id)));
}

function fillLines() {
  const names = new Set([...document.querySelectorAll("#lines option")].map((o) => o.value));
  for (const q of state.queues) names.add(q.name);
  $("lines").replaceChildren(...[...names].sort().map((n) => new Option(n)));
}

// Editing: the form takes the row's values; what cannot change is locked.
function edit(name, item) {
  const form = $(`${name}-form`);
  form.hidden = false;
  form.dataset.editing = item.id;
  for (const control of form.elements) {
    if (!control.name) continue;
    const value = control.name === "client_id" ? item.client_id : item[control.name];
    if (control.type === "checkbox" && (control.name === "roles" || control.name === "client_ids")) {
      control.checked = (value || []).map(String).includes(control.value);
    } else if (control.type === "checkbox") {
      control.checked = Boolean(value);
    } else if (control.multiple) {
      const chosen = (value || []).map(String);
      for (const o of control.options) o.selected = chosen.includes(o.value);
    } else if (control.name === "password") {
      control.value = "";
    } else if (value && typeof value === "object" && !Array.isArray(value)) {
      control.value = formatMap(value);
    } else if (Array.isArray(value)) {
      control.value = value.join(", ");
    } else {
      control.value = value ?? "";
    }
    if (control.hasAttribute("data-create-only")) control.disabled = true;
  }
  form.querySelector("button[type=submit]").textContent = "Save changes";
  form.querySelector(".cancel-edit").hidden = false;
  clearErrors(form);
  form.scrollIntoView({ block: "start" });
}

function endEdit(form) {
  delete form.dataset.editing;
  form.reset();
  for (const control of form.elements) control.disabled = false;
  const submit = form.querySelector("button[type=submit]");
  submit.textContent = submit.dataset.create;
  form.querySelector(".cancel-edit").hidden = true;
  if (form.hasAttribute("data-edit-only")) form.hidden = true;
}

function say(form, text) {
  form.querySelector(".status").textContent = text;
}

async function submit(name, form) {
  const editing = form.dataset.editing;
  const { values, problems } = readForm(form, Boolean(editing));
  if (Object.keys(problems).length) {
    showErrors(form, { fields: problems, message: "Check the fields marked." });
    return;
  }
  const path = editing ? `${SUBJECTS[name].path}/${editing}` : SUBJECTS[name].path;
  try {
    await send(editing ? "PATCH" : "POST", path, values);
  } catch (err) {
    showErrors(form, err);
    return;
  }
  clearErrors(form);
  endEdit(form);
  say(form, editing ? "Saved." : "Added.");
  await load(name);
  if (name === "client") await Promise.all(["address", "queue"].map(load));
}

function showSection() {
  const wanted = window.location.hash.slice(1) || "clients";
  const sections = [...document.querySelectorAll(".admin main > section")];
  const current = sections.find((s) => s.id === wanted) || sections[0];
  for (const s of sections) s.hidden = s !== current;
  for (const a of document.querySelectorAll(".admin-nav a")) {
    if (a.dataset.section === current.id) a.setAttribute("aria-current", "page");
    else if (a.getAttribute("href").includes("#")) a.removeAttribute("aria-current");
  }
}

async function start() {
  if (document.querySelector(".admin").dataset.admin === "all") SUBJECTS.client.remove = "Archive";
  $("client-archived")?.addEventListener("change", () => load("client"));
  for (const name of Object.keys(SUBJECTS)) {
    const form = $(`${name}-form`);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      submit(name, form);
    });
    form.querySelector(".cancel-edit").addEventListener("click", () => {
      clearErrors(form);
      endEdit(form);
    });
  }
  window.addEventListener("hashchange", showSection);
  showSection();
  await load("client");
  await Promise.all(["address", "user", "queue", "disposition", "reply"].map(load));
  document.querySelector(".admin").dataset.ready = "1";
}

start();
