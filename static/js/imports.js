// The portfolio import page: upload a CSV, then follow its progress live (the uploader's
// socket gets import.progress after every batch) with a slow poll as the fallback.
import { socket } from "/static/js/agent-socket.js";
import { get, post } from "/static/js/api.js";
import { count, when } from "/static/js/workspace/format.js";

const $ = (id) => document.getElementById(id);
const POLL_MS = 3000;
let current = null;
let poller = null;
let rejectsShown = null; // the import whose rejected rows the page lists
let rejectsAfter = null; // where the next page of them starts
const REJECTS_PAGE = 20;

function show(imp) {
  if (!current || imp.id !== current) return;
  const pct = imp.total ? Math.floor((100 * imp.processed) / imp.total) : 0;
  $("import-run").hidden = false;
  $("import-progress").value = imp.status === "done" ? 100 : pct;
  $("import-percent").textContent = `${imp.status === "done" ? 100 : pct}%`;
  $("import-status").textContent = imp.status === "failed" ? `failed: ${imp.error}` : imp.status;
  $("import-status").className = imp.status === "failed" ? "error" : "";
  $("import-rows").textContent = imp.total == null ? "counting rows…"
    : `${count(imp.processed)} of ${count(imp.total)} rows`;
  $("import-accepted").textContent = count(imp.accepted);
  $("import-rejected").textContent = count(imp.rejected);
  $("import-customers").textContent = count(imp.customers_created);
  $("import-created").textContent = count(imp.accounts_created);
  $("import-updated").textContent = count(imp.accounts_updated);
  const over = imp.status === "done" || imp.status === "failed";
  const link = $("import-rejects");
  link.hidden = !(over && imp.rejected > 0);
  link.href = `/api/v1/imports/${imp.id}/rejects.csv`;
  if (over) {
    stopPolling();
    history();
    if (imp.rejected > 0 && rejectsShown !== imp.id) showRejects(imp.id);
  }
}

// Once a run is over: its first rejected rows with the reason, on the page, a page more on
// each "Show more"; the CSV link beside them has them all.
async function showRejects(importId, after = 0) {
  if (after === 0) {
    rejectsShown = importId;
    $("import-reject-rows").replaceChildren();
  }
  let page;
  try {
    page = await get(`/imports/${importId}/rejects?after=${after}&limit=${REJECTS_PAGE}`);
  } catch (err) {
    $("import-message").textContent = err.message;
    return;
  }
  if (rejectsShown !== importId) return; // another upload started meanwhile
  $("import-reject-rows").append(...page.items.map((r) => {
    const tr = document.createElement("tr");
    tr.className = "reject";
    tr.append(cell(String(r.row)), cell(r.values.account_number || "—"),
      cell(r.values.name || "—"), cell(r.reason));
    return tr;
  }));
  rejectsAfter = page.next_after;
  $("import-rejects-more").hidden = rejectsAfter === null;
  $("import-reject-list").hidden = false;
}

$("import-rejects-more").addEventListener("click", () => {
  if (rejectsShown !== null && rejectsAfter !== null) showRejects(rejectsShown, rejectsAfter);
});

// The last imports, so a finished run (and its rejects) is still there after a reload.
async function history() {
  let items;
  try { ({ items } = await get("/imports")); } catch { return; }
  const body = $("import-history-rows");
  body.replaceChildren(...(items.length ? items.map(historyRow) : [emptyRow()]));
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function emptyRow() {
  const tr = document.createElement("tr");
  const td = cell("None yet.");
  td.colSpan = 6;
  td.className = "muted";
  tr.append(td);
  return tr;
}

function historyRow(imp) {
  const tr = document.createElement("tr");
  const link = cell("");
  if (imp.rejected > 0 && (imp.status === "done" || imp.status === "failed")) {
    const a = document.createElement("a");
    a.href = `/api/v1/imports/${imp.id}/rejects.csv`;
    a.textContent = "rejected rows";
    link.append(a);
  }
  tr.append(cell(when(imp.created_at)), cell(imp.filename),
    cell(imp.status === "failed" ? `failed: ${imp.error}` : imp.status),
    cell(count(imp.accepted)), cell(count(imp.rejected)), link);
  return tr;
}

function stopPolling() {
  clearInterval(poller);
  poller = null;
}

async function poll() {
  try { show(await get(`/imports/${current}`)); } catch { /* the next tick tries again */ }
}

socket.on("import.progress", (msg) => show(msg.import));

$("import-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = $("import-submit");
  button.disabled = true;
  $("import-message").textContent = "Uploading…";
  $("import-run").hidden = true;  // the previous run's figures are not this one's
  $("import-reject-list").hidden = true;
  rejectsShown = null;
  try {
    const made = await post("/imports", new FormData(event.target));
    current = made.id;
    $("import-message").textContent = `Import #${made.id}: ${made.filename}`;
    show(made);
    stopPolling();
    poller = setInterval(poll, POLL_MS);
  } catch (err) {
    $("import-message").textContent = err.message;
  } finally {
    button.disabled = false;
  }
});

history();
