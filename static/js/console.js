// The agent console: shows the state of the tab's /agent socket.
import { socket } from "/static/js/agent-socket.js";

const badge = document.getElementById("connection");

function show(state, text) {
  badge.dataset.state = state;
  badge.textContent = text;
}

socket.on("connect", () => show("connected", "live"));
if (socket.connected) show("connected", "live");
socket.on("disconnect", () => show("disconnected", "reconnecting…"));
socket.on("connect_error", (err) => show("disconnected", `offline: ${err.message}`));

export { socket };
