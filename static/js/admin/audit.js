// The audit viewer: filter the trail, page back through it, export what matches as CSV.
// Everything from the server is shown with textContent, never as HTML.
import { get, qs } from "/static/js/api.js";

const $ = (id) => document.getElementById(id);
const form = $("audit-form");
const FIELDS = ["actor", "case", "customer", "action", "since", "until"];
let next = null;
let shown = 0;
let asked = 0; // the latest search: an older answer arriving late is dropped, not added

function filters() {
  return Object.fromEntries(FIELDS.map((f) => [f, $(`audit-${f}`).value.trim()]));
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  if (className) td.className = className;
  return td;
}

function detail(d) {
  const parts = [`${d.object_type} ${d.object_id}`];
  if (d.before) parts.push(`before ${JSON.stringify(d.before)}`);
  if (d.after) parts.push(`after ${JSON.stringify(d.after)}`);
  return parts.join(" · ");
}

function add(items) {
  const body = $("audit-rows");
  for (const e of items) {
    const tr = document.createElement("tr");
    tr.append(cell(new Date(e.at).toLocaleString()), cell(e.actor_name), cell(e.action),
      cell(e.case_id), cell(e.customer_id), cell(detail(e.detail), "detail"));
    body.append(tr);
  }
  shown += items.length;
}

async function search(more = false) {
  const mine = ++asked;
  $("audit-error").textContent = "";
  const params = filters();
  if (!more) {
    $("audit-rows").replaceChildren();
    shown = 0;
    next = null;
  }
  $("audit-export").href = `/api/v1/audit.csv?${qs(params)}`;
  try {
    const page = await get(`/audit?${qs({ ...params, page: more ? next : null })}`);
    if (mine !== asked) return;
    add(page.items);
    next = page.next_page;
    $("audit-more").hidden = !next;
    $("audit-count").textContent = shown ? `${shown} event${shown === 1 ? "" : "s"} shown${next ? "; older ones follow" : ""}.`
      : "No events match.";
  } catch (err) {
    if (mine === asked) $("audit-error").textContent = err.message;
  }
}

form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  search();
});
form.addEventListener("input", () => {
  $("audit-export").href = `/api/v1/audit.csv?${qs(filters())}`;
});
$("audit-more").addEventListener("click", () => search(true));
search();
