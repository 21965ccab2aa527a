// Reading an admin form into the API's JSON: each control says how it reads (data-kind).
import { get } from "/static/js/api.js";

// A list read of this page: it carries the page view's marker, so the view's one audit row
// (admin.viewed) covers it (console/auth/page_views.py); the server audits it otherwise.
const view = document.querySelector("[data-page-view]")?.dataset;
export const listOf = (path) => get(path, view?.pageView
  ? { [view.pageViewHeader]: view.pageView } : {});

export const ROLE_LABELS = { agent: "Agent", collections: "Collections", fraud: "Fraud",
  claims: "Claims", reviewer: "Reviewer", supervisor: "Supervisor",
  client_admin: "Client admin", admin: "Admin" };

// {motor: 3, home: 1} as "motor: 3, home: 1".
export const formatMap = (map) => Object.entries(map || {}).map(([k, v]) => `${k}: ${v}`).join(", ");

const WHOLE = /^-?\d+$/;

// "motor: 3, home: 1" as {motor: 3, home: 1}; a number that is not whole goes as written, so
// the server names the entry at fault.
function parseMap(text) {
  const out = {};
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const match = part.match(/^([^:=]+)[:=]\s*(.+)$/);
    if (!match) return null;
    const value = match[2].trim();
    out[match[1].trim()] = WHOLE.test(value) ? Number(value) : value;
  }
  return out;
}

const list = (text) => text.split(",").map((p) => p.trim()).filter(Boolean);

// The form's values (editing: only what may change) and the problems found before sending.
export function readForm(form, editing) {
  const values = {};
  const problems = {};
  const checked = (name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)];
  for (const control of form.elements) {
    const { name } = control;
    if (!name || control.disabled || name in values) continue;
    if (editing && control.hasAttribute("data-create-only")) continue;
    const kind = control.dataset.kind;
    if (name === "roles") {
      values.roles = checked("roles").map((c) => c.value);
    } else if (name === "client_ids") {
      values.client_ids = checked("client_ids").map((c) => Number(c.value));
    } else if (kind === "bool") {
      values[name] = control.checked;
    } else if (kind === "int-list") {
      values[name] = [...control.selectedOptions].map((o) => Number(o.value));
    } else if (kind === "int") {
      const text = control.value.trim();
      if (text !== "") values[name] = WHOLE.test(text) ? Number(text) : text;
    } else if (kind === "list") {
      values[name] = list(control.value);
    } else if (kind === "map") {
      const map = parseMap(control.value);
      if (map === null) problems[name] = "Write name: number pairs separated by commas.";
      else values[name] = map;
    } else if (name === "password") {
      if (control.value) values.password = control.value;
    } else {
      values[name] = control.value.trim();
    }
  }
  return { values, problems };
}

// A form's messages cleared: beside each field, above the button, and its status line.
export function clearErrors(form) {
  form.querySelectorAll("[data-error-for]").forEach((e) => { e.textContent = ""; });
  form.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
  form.querySelector(".error").textContent = "";
  form.querySelector(".status").textContent = "";
}

// Each field's message beside it ("skills.motor" belongs to skills); the rest above the button.
export function showErrors(form, err) {
  clearErrors(form);
  let placed = false;
  for (const [key, message] of Object.entries(err.fields || {})) {
    const name = key.split(".")[0];
    const slot = form.querySelector(`[data-error-for="${name}"]`);
    if (!slot) continue;
    slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
    form.querySelectorAll(`[name="${name}"]`).forEach((c) => c.setAttribute("aria-invalid", "true"));
    placed = true;
  }
  if (!placed) form.querySelector(".error").textContent = err.message || String(err);
}
