// The agent console: shows the state of the tab's /agent socket.
import { socket } from "/static/js/agent-socket.js";
import { t } from "/static/js/i18n.js";

const badge = document.getElementById("connection");

function show(state, text) {
  badge.dataset.state = state;
  badge.textContent = text;
}

socket.on("connect", () => show("connected", t("live")));
if (socket.connected) show("connected", t("live"));
socket.on("disconnect", () => show("disconnected", t("reconnecting…")));
socket.on("connect_error", (err) => show("disconnected", t("offline: %(reason)s", { reason: err.message })));

export { socket };
