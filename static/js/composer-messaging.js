// Messaging in the agent console: a case's live conversation and a composer that replies by
// SMS, WhatsApp or chat (defaulting to the medium the customer last used), with canned
// replies and typing indicators. Everything from the network is shown with textContent.
import { io } from "/static/vendor/socket.io.esm.min.js";

const sheet = Object.assign(document.createElement("link"), { rel: "stylesheet", href: "/static/css/messaging.css" });
document.head.append(sheet);
const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
const socket = io("/agent", { transports: ["websocket", "polling"] });
const host = document.getElementById("app") || document.body;
let caseId = null;
let typingTimer = null;
let lastTyping = 0;

function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
}

const panel = el("section", { id: "messaging-panel", class: "messaging-panel", "aria-label": "Messages" });
const openForm = el("form", { id: "msg-open", class: "msg-open" });
const caseInput = el("input", { name: "case_id", inputmode: "numeric", placeholder: "Case id", "aria-label": "Case id" });
openForm.append(caseInput, el("button", { type: "submit" }, "Open conversation"));
const title = el("h2", { id: "msg-title", class: "msg-title" }, "No conversation open");
const timeline = el("ol", { id: "msg-timeline", class: "msg-timeline", "aria-live": "polite" });
const typingLine = el("p", { id: "msg-typing", class: "msg-typing", "aria-live": "polite" });
const composer = el("form", { id: "msg-composer", class: "msg-composer" });
const medium = el("select", { name: "medium", "aria-label": "Reply by" });
const canned = el("select", { name: "canned", "aria-label": "Canned reply" });
const body = el("textarea", { name: "body", rows: "3", maxlength: "4000", placeholder: "Write a reply" });
const errorLine = el("p", { id: "msg-error", class: "msg-error", role: "alert" });
composer.append(medium, canned, body, el("button", { type: "submit" }, "Send"), errorLine);
composer.hidden = true;
panel.append(openForm, title, timeline, typingLine, composer);
host.append(panel);

function row(item) {
  let li = timeline.querySelector(`li[data-id="${item.id}"]`);
  if (!li) {
    li = el("li", { "data-id": String(item.id) });
    timeline.append(li);
  }
  li.className = `msg ${item.direction} ${item.medium}`;
  li.replaceChildren();
  const who = item.direction === "inbound" ? item.from_addr || "Customer" : (item.agent && item.agent.name) || "System";
  li.append(el("span", { class: "msg-meta" }, `${item.medium} · ${who} · ${item.status}`));
  li.append(el("span", { class: "msg-body" }, item.body));
  if (item.error) li.append(el("span", { class: "msg-failure" }, `${item.error.code}: ${item.error.message}`));
  timeline.scrollTop = timeline.scrollHeight;
  if (item.direction === "inbound") {
    const option = [...medium.options].find((o) => o.value === item.medium);
    if (option && option.disabled) loadOptions(); // e.g. a first chat message opens chat
    else if (option) medium.value = item.medium; // reply where the customer last wrote
  }
}

socket.on("interaction.created", (p) => p.case_id === caseId && row(p.interaction));
socket.on("interaction.updated", (p) => p.case_id === caseId && row(p.interaction));
socket.on("typing", (p) => {
  if (p.case_id !== caseId) return;
  clearTimeout(typingTimer);
  typingLine.textContent = p.typing ? `${p.name} is typing…` : "";
  typingTimer = setTimeout(() => (typingLine.textContent = ""), 5000);
});

async function api(path, options = {}) {
  const resp = await fetch(`/api/v1${path}`, {
    ...options,
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, ...(options.headers || {}) },
  });
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) throw new Error((data.error && data.error.message) || `HTTP ${resp.status}`);
  return data;
}

async function loadOptions() {
  if (!caseId) return;
  try {
    const { options, default: preferred } = await api(`/cases/${caseId}/reply-options`);
    medium.replaceChildren();
    for (const o of options) {
      const label = o.available ? `${o.medium} → ${o.to}` : `${o.medium} (${o.reason})`;
      const option = el("option", { value: o.medium }, label);
      option.disabled = !o.available;
      medium.append(option);
    }
    if (preferred) medium.value = preferred;
  } catch (err) {
    errorLine.textContent = err.message;
  }
}

async function loadCanned() {
  canned.replaceChildren(el("option", { value: "" }, "Canned reply…"));
  try {
    const { items } = await api("/canned-replies");
    for (const r of items) canned.append(el("option", { value: String(r.id) }, r.title));
  } catch (err) {
    /* no canned replies: the composer still works */
  }
}

canned.addEventListener("change", async () => {
  if (!canned.value || !caseId) return;
  try {
    const r = await api(`/cases/${caseId}/canned-replies/${canned.value}`);
    body.value = r.body;
  } catch (err) {
    errorLine.textContent = err.message;
  }
  canned.value = "";
});

openForm.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const next = parseInt(caseInput.value, 10);
  if (!next) return;
  if (caseId) socket.emit("case.unwatch", { case_id: caseId });
  socket.emit("case.watch", { case_id: next }, (ack) => {
    if (!ack || !ack.ok) {
      errorLine.textContent = (ack && ack.error && ack.error.message) || "cannot open that case";
      return;
    }
    caseId = next;
    timeline.replaceChildren();
    title.textContent = `Case ${caseId}`;
    composer.hidden = false;
    errorLine.textContent = "";
    loadOptions();
    loadCanned();
  });
});

composer.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const text = body.value.trim();
  if (!text || !caseId) return;
  try {
    const item = await api(`/cases/${caseId}/messages`, {
      method: "POST",
      body: JSON.stringify({ medium: medium.value, body: text }),
    });
    row(item);
    body.value = "";
    errorLine.textContent = "";
  } catch (err) {
    errorLine.textContent = err.message;
  }
});

body.addEventListener("input", () => {
  const now = Date.now();
  if (caseId && now - lastTyping > 1500) {
    lastTyping = now;
    socket.emit("typing", { case_id: caseId, typing: true });
  }
});
