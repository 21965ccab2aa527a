// How times, media and directions look: every time in the agent's own timezone.

const me = JSON.parse(document.getElementById("app")?.dataset.me || "{}");
export { me };
// Does the signed-in person hold one of these roles (what the page offers; the server decides).
export const holds = (...roles) => (me.roles || []).some((r) => roles.includes(r));

function formatter(timeZone, options) {
  try {
    return new Intl.DateTimeFormat(undefined, { timeZone, ...options });
  } catch {
    return new Intl.DateTimeFormat(undefined, { timeZone: "UTC", ...options });
  }
}

const agentTime = formatter(me.timezone || "UTC", { dateStyle: "medium", timeStyle: "short" });

export function when(iso) {
  return iso ? agentTime.format(new Date(iso)) : "";
}

// The time now somewhere else ("14:05 Tue"), or "" for an unknown zone.
export function localNow(timeZone) {
  if (!timeZone) return "";
  return formatter(timeZone, { weekday: "short", hour: "2-digit", minute: "2-digit" }).format(new Date());
}

// Symbols every common system font has (emoji are missing on many Linux desktops).
export const ICONS = {
  voice: "☎", sms: "✆", whatsapp: "◉", email: "✉", chat: "❝", note: "✎", system: "⚙",
};
export const ARROWS = { inbound: "↙ in", outbound: "↗ out", internal: "• internal" };

export const icon = (medium) => ICONS[medium] || "•";
export const arrow = (direction) => ARROWS[direction] || direction;

export function money(cents, currency = "") {
  return `${currency} ${(cents / 100).toFixed(2)}`.trim();
}
