// The supervisor's board: refetches its figures whenever the server nudges (queue.stats,
// presence.updated), so the page is live without carrying tenant data on a shared room.
import { socket } from "/static/js/agent-socket.js";
import { get, post } from "/static/js/api.js";
import { clock } from "/static/js/workspace/format.js";
import { person } from "/static/js/workspace/labels.js";

const $ = (id) => document.getElementById(id);
const STATES = ["available", "away", "offline"];  // busy and wrap-up follow calls


const secs = (n) => (n >= 3600 ? `${Math.floor(n / 3600)}h ${Math.floor(n % 3600 / 60)}m`
  : n >= 60 ? `${Math.floor(n / 60)}m ${n % 60}s` : `${n}s`);

function cell(row, text, cls) {
  const td = row.insertCell();
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function render(board) {
  const qs = board.queues;
  const sum = (k) => qs.reduce((n, q) => n + q[k], 0);
  const answered = sum("answered");
  $("board-waiting").textContent = sum("waiting") + sum("offered");
  $("board-longest").textContent = secs(Math.max(0, ...qs.map((q) => q.longest_wait_seconds)));
  $("board-answered").textContent = answered;
  $("board-sla").textContent = answered ? `${Math.round(100 * sum("within_sla") / answered)}%` : "–";
  $("board-arrivals").textContent = board.chart.reduce((n, h) => n + h.arrivals, 0);
  $("board-updated").textContent = "updated " + clock(board.at);
  const qbody = $("board-queues");
  qbody.replaceChildren();
  for (const q of qs) {
    const row = qbody.insertRow();
    row.dataset.queue = q.queue;
    cell(row, q.queue); cell(row, q.waiting); cell(row, q.offered);
    cell(row, secs(q.longest_wait_seconds));
    cell(row, q.answered); cell(row, q.sla_attainment == null ? "–" : q.sla_attainment + "%");
    cell(row, q.breached, q.breached ? "breached" : "");
  }
  whenIdle($("board-agents"), () => agentRows(board));
  whenIdle($("board-items"), () => itemRows(board));
  const calls = board.agents.flatMap((a) => a.work.map((w) => w.interaction_id));
  if (listening && !calls.includes(listening.id)) listening = null;  // that call is over
  chart(board.chart);
}

// A table with a picker in use is redrawn once the user leaves the picker: the board
// refreshes on every event, and a redraw would close the picker under the mouse.
const stale = new Map();
function whenIdle(tbody, draw) {
  const active = document.activeElement;
  if (!(tbody.contains(active) && active.tagName === "SELECT")) {
    stale.delete(tbody);
    return draw();
  }
  if (!stale.has(tbody)) {
    tbody.addEventListener("focusout", () => setTimeout(() => {
      if (document.activeElement?.tagName !== "SELECT" && stale.has(tbody)) stale.get(tbody)();
    }), { once: true });
  }
  stale.set(tbody, () => { stale.delete(tbody); draw(); });
}

function itemRows(board) {
  const names = new Map(board.agents.map((a) => [a.user_id, a.name || `Agent #${a.user_id}`]));
  const body = $("board-items");
  body.replaceChildren();
  for (const item of board.items) {
    const row = body.insertRow();
    row.dataset.item = item.offer_id;
    cell(row, `#${item.offer_id}`); cell(row, item.medium); cell(row, item.queue);
    const link = document.createElement("a");
    link.href = `/#case/${item.case_id}`;
    link.textContent = `${item.customer} (${item.case_reference})`;
    row.insertCell().append(link);
    const holder = item.agent_id ? ` ${names.get(item.agent_id) || `#${item.agent_id}`}` : "";
    cell(row, { waiting: "waiting", offered: `offered to${holder}`,
                assigned: `in hand:${holder}` }[item.state] || item.state);
    cell(row, secs(item.waited_seconds), item.sla_breached ? "breached" : "");
    assignCell(row.insertCell(), item, board.agents);
  }
}

const picked = new Map();  // offer id -> the agent chosen for it, until assigned

function assignCell(td, item, agents) {
  td.className = "assign";
  const pick = document.createElement("select");
  pick.setAttribute("aria-label", `Re-assign item ${item.offer_id} to`);
  pick.add(new Option("agent…", ""));
  const eligible = agents.filter((a) => a.client_ids.includes(item.client_id)
                                        && a.user_id !== item.agent_id);
  for (const a of eligible) pick.add(new Option(`${a.name || `Agent #${a.user_id}`} (${a.status})`, a.user_id));
  const go = document.createElement("button");
  go.type = "button";
  go.textContent = "Assign";
  pick.value = picked.get(item.offer_id) || "";  // a redraw keeps what was picked
  go.disabled = !pick.value;
  pick.addEventListener("change", () => {
    picked.set(item.offer_id, pick.value);
    go.disabled = !pick.value;
  });
  go.addEventListener("click", async () => {
    go.disabled = true;
    picked.delete(item.offer_id);
    try {
      await post(`/routing/items/${item.offer_id}/assign`, { user_id: Number(pick.value) });
      $("board-message").textContent = `Item #${item.offer_id} re-assigned to `
        + `${pick.selectedOptions[0].textContent.replace(/ \(.*\)$/, "")}.`;
    } catch (err) { $("board-message").textContent = err.message; }
    go.blur();
    refresh();
  });
  td.append(pick, go);
}

function agentRows(board) {
  const abody = $("board-agents");
  abody.replaceChildren();
  for (const a of board.agents) {
    const row = abody.insertRow();
    row.dataset.agent = a.user_id;
    cell(row, person(a.name, "Agent"));
    cell(row, a.reason ? `${a.status} (${a.reason})` : a.status, "agent-state");
    cell(row, secs(a.seconds_in_state));
    cell(row, a.work.map((w) => `#${w.offer_id} ${w.medium} ${w.queue}`).join(", ") || "–");
    const pick = document.createElement("select");
    pick.setAttribute("aria-label", "Set state");
    for (const s of ["", ...STATES]) pick.add(new Option(s || "set…", s));
    pick.addEventListener("change", async () => {
      if (!pick.value) return;
      pick.blur();  // the row shows the new state at once
      try { await post(`/routing/agents/${a.user_id}/presence`, { status: pick.value }); }
      catch (err) { $("board-message").textContent = err.message; }
      refresh();
    });
    row.insertCell().append(pick);
    monitorCell(row.insertCell(), a);
  }
}

// --- listening in: Listen (muted), Whisper (only the agent hears), Stop -----------------
let listening = null;  // {id, mode} of the call this supervisor is on
const tell = (detail) => window.dispatchEvent(new CustomEvent("caseline:monitor", { detail }));

function monitorCell(td, agent) {
  td.className = "monitor";
  for (const w of agent.work.filter((w) => w.medium === "voice")) {
    const mine = listening && listening.id === w.interaction_id;
    for (const [action, label] of [["listen", "Listen"], ["whisper", "Whisper"], ["stop", "Stop"]]) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.dataset.monitor = action;
      b.dataset.call = w.interaction_id;
      b.className = action === "stop" ? "secondary" : "";
      b.disabled = action === "stop" ? !mine : mine && listening.mode === action;
      b.setAttribute("aria-label", `${label} call ${w.interaction_id} of ${agent.name || "agent"}`);
      b.addEventListener("click", () => monitor(w.interaction_id, action));
      td.append(b);
    }
  }
}

async function monitor(id, action) {
  if (action !== "stop" && listening && listening.id !== id) {
    await monitor(listening.id, "stop");  // one call at a time
  }
  // The phone answers the ring into the conference as a monitor, not as a call of its own.
  if (action !== "stop") tell({ interaction_id: id, mode: action });
  try {
    const out = await post(`/calls/${id}/${action === "stop" ? "monitor/stop" : action}`);
    listening = out.mode ? { id, mode: out.mode } : null;
    $("board-monitor").textContent = out.mode
      ? `${out.mode === "listen" ? "Listening to" : "Whispering to the agent on"} call #${id}`
        + (out.simulated ? " (simulated: Twilio is not configured here)" : "")
      : `Stopped listening to call #${id}.`;
  } catch (err) {
    $("board-monitor").textContent = err.message;
  }
  if (!listening) tell(null);
  refresh();
}

function chart(hours) {
  const svg = $("board-chart");
  const ns = "http://www.w3.org/2000/svg";
  const top = Math.max(1, ...hours.map((h) => Math.max(h.arrivals, h.answers)));
  svg.replaceChildren();
  hours.forEach((h, i) => {
    for (const [k, dx] of [["arrivals", 0], ["answers", 12]]) {
      const r = document.createElementNS(ns, "rect");
      const height = Math.round(130 * h[k] / top);
      r.setAttribute("class", k);
      r.setAttribute("x", i * 30 + dx);
      r.setAttribute("y", 140 - height);
      r.setAttribute("width", 11);
      r.setAttribute("height", height);
      const t = document.createElementNS(ns, "title");
      t.textContent = `${String(h.hour).padStart(2, "0")}:00 ${k} ${h[k]}`;
      r.append(t);
      svg.append(r);
    }
    if (i % 3 === 0) {  // an hour axis every three hours
      const label = document.createElementNS(ns, "text");
      label.setAttribute("x", i * 30);
      label.setAttribute("y", 156);
      label.setAttribute("class", "hour");
      label.textContent = `${String(h.hour).padStart(2, "0")}:00`;
      svg.append(label);
    }
  });
}

let pending = null;
async function refresh() {
  try { render(await get("/routing/board")); }
  catch (err) { $("board-message").textContent = err.message; }
}
function soon() {
  clearTimeout(pending);
  pending = setTimeout(refresh, 150);  // a burst of events costs one fetch
}

socket.on("queue.stats", soon);
socket.on("presence.updated", soon);
socket.on("connect", refresh);
if (socket.connected) refresh(); // the tab's shared socket may have connected already
setInterval(refresh, 15000);  // times in state and waits keep moving between events
refresh();
