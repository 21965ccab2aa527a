// The agent console: connects the /agent socket and shows its state.
import { io } from "/static/vendor/socket.io.esm.min.js";

const badge = document.getElementById("connection");
const socket = io("/agent", { transports: ["websocket", "polling"] });

function show(state, text) {
  badge.dataset.state = state;
  badge.textContent = text;
}

socket.on("connect", () => show("connected", "live"));
socket.on("disconnect", () => show("disconnected", "reconnecting…"));
socket.on("connect_error", (err) => show("disconnected", `offline: ${err.message}`));

export { socket };
