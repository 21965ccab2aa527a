// The sign-off authority section of the admin page: pick a reviewer and a client, set their
// limits (in money, sent as cents) and qualifications; and a client's required qualifications.
import { get, send } from "/static/js/api.js";
import { listOf } from "/static/js/admin/forms.js";
import { t } from "/static/js/i18n.js";

const $ = (id) => document.getElementById(id);
const form = $("authority-form");
const needs = $("requirement-form");
let people = [];
let clients = [];

// "claim_payout: 10,000.00, write_off: 500" as {claim_payout: 1000000, write_off: 50000};
// an amount that is not one goes as written, so the server names the entry at fault.
function limits(text) {
  const out = {};
  for (const part of text.split(/,(?=\s*[a-z_]+\s*:)/i).map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z_]+)\s*:\s*(.+)$/i.exec(part);
    if (!match) return null;
    const amount = /^\d{1,3}(,\d{3})*(\.\d{1,2})?$|^\d+(\.\d{1,2})?$/.test(match[2].trim())
      ? Math.round(Number(match[2].replaceAll(",", "")) * 100) : match[2];
    out[match[1]] = amount;
  }
  return out;
}

const shown = (map) => Object.entries(map || {}).map(([k, v]) => `${k}: ${(v / 100).toFixed(2)}`).join(", ");
const lines = (text) => text.split("\n").map((l) => l.trim()).filter(Boolean);

function errors(f, err) {
  f.querySelectorAll("[data-error-for]").forEach((e) => { e.textContent = ""; });
  f.querySelector(".error").textContent = "";
  f.querySelector(".status").textContent = "";
  if (!err) return;
  let placed = false;
  for (const [key, message] of Object.entries(err.fields || {})) {
    const slot = f.querySelector(`[data-error-for="${key.split(".")[0]}"]`);
    if (slot) { slot.textContent = `${slot.textContent} ${message}`.trim(); placed = true; }
  }
  if (!placed) f.querySelector(".error").textContent = err.message || String(err);
}

async function showCurrent() {
  errors(form);
  const userId = $("authority-user_id").value;
  const person = people.find((p) => String(p.id) === userId);
  const theirs = clients.filter((c) => person?.client_ids.includes(c.id));
  const keep = $("authority-client_id").value;
  $("authority-client_id").replaceChildren(...theirs.map((c) => new Option(c.name, c.id)));
  if (theirs.some((c) => String(c.id) === keep)) $("authority-client_id").value = keep;
  if (!userId) return;
  const { items } = await get(`/admin/users/${userId}/authority`);
  const row = items.find((i) => String(i.client_id) === $("authority-client_id").value);
  $("authority-limits").value = shown(row?.limits);
  $("authority-qualifications").value = (row?.qualifications || []).join("\n");
}

async function showRequirements() {
  const id = $("requirement-client_id").value;
  if (!id) return;
  const { requires } = await get(`/admin/clients/${id}/signoff-requirements`);
  $("requirement-requires").value = Object.entries(requires).map(([k, q]) => `${k}: ${q}`).join("\n");
}

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  const parsed = limits($("authority-limits").value);
  if (parsed === null) { errors(form, { fields: { limits: t("Write kind: amount pairs separated by commas.") } }); return; }
  try {
    await send("PUT", `/admin/users/${$("authority-user_id").value}/authority`, {
      client_id: Number($("authority-client_id").value), limits: parsed,
      qualifications: lines($("authority-qualifications").value) });
  } catch (err) { errors(form, err); return; }
  errors(form);
  $("authority-status").textContent = t("Saved.");
});

needs.addEventListener("submit", async (e) => {
  e.preventDefault();
  const requires = {};
  for (const line of lines($("requirement-requires").value)) {
    const at = line.indexOf(":");
    if (at < 1) { errors(needs, { fields: { requires: t("Write kind: qualification, one a line.") } }); return; }
    requires[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  try {
    await send("PUT", `/admin/clients/${$("requirement-client_id").value}/signoff-requirements`, { requires });
  } catch (err) { errors(needs, err); return; }
  errors(needs);
  $("requirement-status").textContent = t("Saved.");
});

async function start() {
  [people, clients] = await Promise.all([listOf("/admin/users"), listOf("/admin/clients")])
    .then(([u, c]) => [u.items.filter((p) => p.active && p.roles.some((r) => ["reviewer", "supervisor", "admin"].includes(r))), c.items]);
  $("authority-user_id").replaceChildren(...people.map((p) => new Option(p.name, p.id)));
  $("requirement-client_id").replaceChildren(...clients.map((c) => new Option(c.name, c.id)));
  $("authority-user_id").addEventListener("change", showCurrent);
  $("authority-client_id").addEventListener("change", showCurrent);
  $("requirement-client_id").addEventListener("change", showRequirements);
  await Promise.all([showCurrent(), showRequirements()]);
}

start();
