// The visitor's side of web chat: start or resume a visit on the /chat namespace and talk.
// Everything from the network is shown with textContent, never as HTML.
import { io } from "/static/vendor/socket.io.esm.min.js";

const root = document.getElementById("caseline-chat");
const key = root.dataset.key;
const storeKey = `caseline-chat:${key}`;
const startForm = document.getElementById("chat-start");
const room = document.getElementById("chat-room");
const log = document.getElementById("chat-log");
const sendForm = document.getElementById("chat-send");
const typingLine = document.getElementById("chat-typing");
const errorLine = document.getElementById("chat-error");
const seen = new Set();
let typingTimer = null;
let lastTyping = 0;

const socket = io("/chat", { transports: ["websocket", "polling"] });

function showError(err) {
  errorLine.textContent = err ? err.message || String(err) : "";
}

function add(msg) {
  if (seen.has(msg.id)) return;
  seen.add(msg.id);
  const li = document.createElement("li");
  li.className = msg.from;
  li.dataset.id = msg.id;
  const who = document.createElement("span");
  who.className = "who";
  who.textContent = msg.from === "agent" ? msg.name || "Agent" : "You";
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

function enter(ack) {
  startForm.hidden = true;
  room.hidden = false;
  for (const m of ack.messages || []) add(m);
  sendForm.elements.body.focus();
}

function showStart() {
  room.hidden = true;
  startForm.hidden = false;
}

socket.on("connect", () => {
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
  add(msg);
});

socket.on("typing", (data) => {
  clearTimeout(typingTimer);
  typingLine.textContent = data.typing ? `${data.name || "Agent"} is typing…` : "";
  typingTimer = setTimeout(() => (typingLine.textContent = ""), 5000);
});

startForm.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const data = { key, name: startForm.elements.name.value, contact: startForm.elements.contact.value };
  socket.emit("chat.start", data, (ack) => {
    if (!ack || !ack.ok) return showError(ack && ack.error);
    showError(null);
    localStorage.setItem(storeKey, ack.token);
    enter(ack);
  });
});

sendForm.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const body = sendForm.elements.body.value.trim();
  if (!body) return;
  const id = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
  socket.emit("chat.message", { body, id }, (ack) => {
    if (!ack || !ack.ok) return showError(ack && ack.error);
    showError(null);
    sendForm.elements.body.value = "";
    add(ack.message);
  });
});

sendForm.elements.body.addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && !ev.shiftKey) {
    ev.preventDefault();
    sendForm.requestSubmit();
  }
});

sendForm.elements.body.addEventListener("input", () => {
  const now = Date.now();
  if (now - lastTyping > 1500) {
    lastTyping = now;
    socket.emit("typing", { typing: true });
  }
});
