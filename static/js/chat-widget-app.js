// The visitor's side of web chat: start or resume a visit on the /chat namespace and talk.
// Everything from the network is shown with textContent, never as HTML. The page names its
// texts (in the visitor's language) in data-texts; the server's refusals come translated.
import { io } from "/static/vendor/socket.io.esm.min.js";

const root = document.getElementById("caseline-chat");
const key = root.dataset.key;
const lang = root.dataset.lang || "en";
const texts = JSON.parse(root.dataset.texts || "{}");
const maxFile = Number(root.dataset.maxFile || 0);
const storeKey = `caseline-chat:${key}`;
const startForm = document.getElementById("chat-start");
const offlineForm = document.getElementById("chat-offline");
const offlineSent = document.getElementById("chat-offline-sent");
const room = document.getElementById("chat-room");
const log = document.getElementById("chat-log");
const sendForm = document.getElementById("chat-send");
const typingLine = document.getElementById("chat-typing");
const queueLine = document.getElementById("chat-queue");
const errorLine = document.getElementById("chat-error");
const endedForm = document.getElementById("chat-ended");
const fileInput = document.getElementById("chat-file");
const seen = new Set();
const QUEUE_POLL_MS = 5000;
let typingTimer = null;
let queueTimer = null;
let lastTyping = 0;
let visitorEmail = null;

// The states of the window; "offline" (the offline form) replaces the start form outside
// business hours (data-closed="1" on the root, set by the server).
const states = { start: startForm, room, ended: endedForm, offline: offlineForm };

export function setState(name) {
  for (const [state, el] of Object.entries(states)) if (el) el.hidden = state !== name;
  if (name !== "room") stopQueue();
}

function say(text, values = {}) {
  return String(text || "").replace(/%\((\w+)\)s/g, (_, k) => String(values[k] ?? ""));
}

function showError(err) {
  errorLine.textContent = err ? err.message || texts.wrong : "";
}

function uid() {
  return crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
}

function add(msg) {
  if (seen.has(msg.id)) return;
  seen.add(msg.id);
  const li = document.createElement("li");
  li.className = msg.from;
  li.dataset.id = msg.id;
  const who = document.createElement("span");
  who.className = "who";
  who.textContent = msg.from === "agent" ? msg.name || texts.agent : texts.you;
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = msg.body;
  li.append(who, text);
  for (const f of msg.files || []) { // files an agent sent: signed links of their own
    const link = document.createElement("a");
    Object.assign(link, { className: "file", href: f.url, target: "_blank", rel: "noopener",
                          textContent: f.name });
    li.append(link);
  }
  log.append(li);
  log.scrollTop = log.scrollHeight;
}

// "An agent will be with you shortly", with the place in the queue kept up to date while the
// visitor waits (the server knows; the widget asks every few seconds until an agent answers).
function showPlace(place) {
  if (place === null || place === undefined) {
    queueLine.hidden = true;
    stopQueue();
    return;
  }
  queueLine.textContent = `${texts.waiting} ${say(texts.place, { place })}`;
  queueLine.hidden = false;
  if (!queueTimer) queueTimer = setInterval(askPlace, QUEUE_POLL_MS);
}

function showWaiting() {
  queueLine.textContent = texts.waiting;
  queueLine.hidden = false;
}

function askPlace() {
  socket.emit("chat.place", {}, (ack) => ack && ack.ok && showPlace(ack.place));
}

function stopQueue() {
  clearInterval(queueTimer);
  queueTimer = null;
}

function enter(ack) {
  visitorEmail = ack.email || null;
  if (ack.ended) return showEnded();
  setState("room");
  for (const m of ack.messages || []) add(m);
  // Queued from the start: the room says so at once, with the place when one is known (an
  // agent may already have the conversation), rather than staying blank until they write.
  if (ack.place !== undefined && ack.place !== null) showPlace(ack.place);
  else if (!(ack.messages || []).length) showWaiting();
  else showPlace(ack.place);
  sendForm.elements.body.focus();
}

function showStart() {
  if (root.dataset.closed) return showOffline();
  setState("start");
}

function showEnded() {
  setState("ended");
  const box = document.getElementById("chat-transcript");
  box.hidden = !visitorEmail;
  if (visitorEmail) {
    const label = document.getElementById("chat-transcript-label").content.textContent;
    document.getElementById("chat-transcript-send").textContent = label.replace("__EMAIL__", visitorEmail);
  }
}

// Outside business hours: no live chat, a message for the morning instead.
function showOffline() {
  if (!offlineForm) return location.reload(); // closed since the page loaded: the server's form
  root.dataset.closed = "1";
  if (!offlineSent.hidden) return setState(null);
  setState("offline");
  const opens = document.getElementById("chat-opens");
  if (opens) opens.textContent = new Date(opens.dateTime).toLocaleString(lang);
}

const socket = io("/chat", { transports: ["websocket", "polling"] });

socket.on("connect", () => {
  if (!startForm) return; // no widget here: the page says so
  if (offlineSent && !offlineSent.hidden) return;
  const token = localStorage.getItem(storeKey);
  if (!token) return showStart();
  socket.emit("chat.resume", { token }, (ack) => {
    if (ack && ack.ok) return enter(ack);
    localStorage.removeItem(storeKey);
    showStart();
  });
});

socket.on("chat.message", (msg) => {
  typingLine.textContent = "";
  if (msg.from === "agent") showPlace(null);
  add(msg);
});

socket.on("typing", (data) => {
  clearTimeout(typingTimer);
  typingLine.textContent = data.typing ? say(texts.typing, { name: data.name || texts.agent }) : "";
  typingTimer = setTimeout(() => (typingLine.textContent = ""), 5000);
});

startForm?.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const field = (name) => (startForm.elements[name] ? startForm.elements[name].value : "");
  const data = { key, language: lang, name: field("name"), email: field("email"), phone: field("phone") };
  socket.emit("chat.start", data, (ack) => {
    if (ack && !ack.ok && ack.error && ack.error.code === "closed") {
      showError(ack.error);
      return showOffline();
    }
    if (!ack || !ack.ok) return showError(ack && ack.error);
    showError(null);
    localStorage.setItem(storeKey, ack.token);
    enter(ack);
  });
});

offlineForm?.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const f = offlineForm.elements;
  const data = { key, name: f.name.value, contact: f.contact.value, body: f.body.value };
  socket.emit("chat.offline", data, (ack) => {
    if (!ack || !ack.ok) return showError(ack && ack.error);
    showError(null);
    offlineForm.hidden = true;
    offlineSent.hidden = false;
  });
});

sendForm?.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const body = sendForm.elements.body.value.trim();
  if (!body) return;
  socket.emit("chat.message", { body, id: uid() }, (ack) => {
    if (!ack || !ack.ok) return showError(ack && ack.error);
    showError(null);
    sendForm.elements.body.value = "";
    add(ack.message);
    showPlace(ack.place);
  });
});

sendForm?.elements.body.addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && !ev.shiftKey) {
    ev.preventDefault();
    sendForm.requestSubmit();
  }
});

sendForm?.elements.body.addEventListener("input", () => {
  const now = Date.now();
  if (now - lastTyping > 1500) {
    lastTyping = now;
    socket.emit("typing", { typing: true });
  }
});

// A file from the visitor: refused here first (size, type) in plain words, then uploaded.
fileInput?.addEventListener("change", async () => {
  const file = fileInput.files[0];
  fileInput.value = "";
  if (!file) return;
  if (maxFile && file.size > maxFile) return showError({ message: texts.file_too_big });
  const accepted = fileInput.accept.split(",");
  if (file.type && !accepted.includes(file.type)) return showError({ message: texts.file_type });
  const form = new FormData();
  form.append("file", file);
  form.append("id", uid());
  let body;
  try {
    const resp = await fetch("/chat/files", {
      method: "POST",
      body: form,
      headers: { "X-Chat-Token": localStorage.getItem(storeKey) || "" },
    });
    body = resp.status === 413 ? { error: { message: texts.file_too_big } } : await resp.json();
  } catch {
    body = { error: { message: texts.wrong } };
  }
  if (!body.ok) return showError(body.error);
  showError(null);
  add(body.message);
});

document.getElementById("chat-end")?.addEventListener("click", () => {
  socket.emit("chat.end", {}, (ack) => {
    if (!ack || !ack.ok) return showError(ack && ack.error);
    showError(null);
    showEnded();
  });
});

endedForm?.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const score = Number(endedForm.elements.score.value || 0);
  socket.emit("chat.rate", { score, comment: endedForm.elements.comment.value }, (ack) => {
    if (!ack || !ack.ok) return showError(ack && ack.error);
    showError(null);
    const done = document.getElementById("chat-rated");
    done.textContent = texts.thanks;
    done.hidden = false;
    endedForm.querySelector("fieldset").disabled = true;
    endedForm.elements.comment.disabled = true;
    endedForm.querySelector("button[type=submit]").hidden = true;
  });
});

document.getElementById("chat-transcript-send")?.addEventListener("click", (ev) => {
  socket.emit("chat.transcript", {}, (ack) => {
    if (!ack || !ack.ok) return showError(ack && ack.error);
    showError(null);
    ev.target.hidden = true;
    const done = document.getElementById("chat-transcript-done");
    done.textContent = say(texts.transcript_sent, { email: ack.to });
    done.hidden = false;
  });
});

document.getElementById("chat-new")?.addEventListener("click", () => {
  localStorage.removeItem(storeKey);
  location.reload();
});
