// The one /agent socket of this tab: the workspace, the phone and the board share it, so a
// tab holds one connection (and one seat on the server) whatever the page shows.
import { io } from "/static/vendor/socket.io.esm.min.js";

export const socket = io("/agent", { transports: ["websocket", "polling"] });
