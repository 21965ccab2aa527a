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

// "USD 1,250.00", "-USD 25.00": the sign first, so a reversal reads as money going back.
export function money(cents, currency = "") {
  const figure = (Math.abs(cents) / 100).toLocaleString(undefined,
    { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${cents < 0 ? "-" : ""}${`${currency} ${figure}`.trim()}`;
}

// A calendar day ("2026-12-20") as people write it ("Dec 20, 2026"), never shifted by a zone.
const dayFormat = formatter("UTC", { dateStyle: "medium" });
export function day(iso) {
  return iso ? dayFormat.format(new Date(`${iso}T00:00:00Z`)) : "";
}
