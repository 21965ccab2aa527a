// The one place times, days, numbers and money are written: in the user's locale (their record's,
// else the browser's) and, for times, the agent's own timezone. Every page's script uses it.

const me = JSON.parse(document.getElementById("app")?.dataset.me || "{}");
export { me };
// Does the signed-in person hold one of these roles (what the page offers; the server decides).
export const holds = (...roles) => (me.roles || []).some((r) => roles.includes(r));

// "en-GB", "de-DE": the user's record when it names one, else the browser's first language.
function pickLocale() {
  for (const tag of [me.locale, ...(navigator.languages || []), navigator.language]) {
    try {
      if (tag && Intl.DateTimeFormat.supportedLocalesOf([tag]).length) return tag;
    } catch { /* a malformed tag: try the next */ }
  }
  return "en-US";
}
export const LOCALE = pickLocale();

// A date-time formatter in a zone; an unknown zone falls back to UTC rather than failing.
export function dateFormatter(timeZone, options) {
  try {
    return new Intl.DateTimeFormat(LOCALE, { timeZone, ...options });
  } catch {
    return new Intl.DateTimeFormat(LOCALE, { timeZone: "UTC", ...options });
  }
}

const ZONE = me.timezone || undefined; // the agent's zone; the browser's on pages without one
const agentTime = dateFormatter(ZONE, { dateStyle: "medium", timeStyle: "short" });
const clockTime = dateFormatter(ZONE, { timeStyle: "medium" });

// A moment ("Dec 7, 2026, 2:05 PM" / "7 Dec 2026, 14:05"), or "" for none.
export function when(iso) {
  return iso ? agentTime.format(new Date(iso)) : "";
}

// The time of day only ("2:05:09 PM" / "14:05:09"), e.g. when a board was last refreshed.
export function clock(iso) {
  return iso ? clockTime.format(new Date(iso)) : "";
}

// The time now somewhere else ("14:05 Tue"), or "" for an unknown zone.
export function localNow(timeZone) {
  if (!timeZone) return "";
  return dateFormatter(timeZone, { weekday: "short", hour: "2-digit", minute: "2-digit" }).format(new Date());
}

// A calendar day ("2026-12-20", or a moment's ISO) as people write it ("Dec 20, 2026" /
// "20 Dec 2026"), never shifted by a zone.
const dayFormat = dateFormatter("UTC", { dateStyle: "medium" });
export function day(iso) {
  return iso ? dayFormat.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`)) : "";
}

// A count with the locale's grouping ("12,480" / "12.480").
const countFormat = new Intl.NumberFormat(LOCALE);
export const count = (n) => (n === null || n === undefined ? "" : countFormat.format(n));

// "USD 1,250.00", "-USD 25.00" (en-US), "1.250,00 USD" (de-DE): the currency's code, never a
// bare "$" that several currencies share, and the sign first so a reversal reads as money going
// back. Without a currency, the figure alone.
const moneyFormats = new Map();
function moneyFormat(currency) {
  if (!moneyFormats.has(currency)) {
    let f;
    try {
      f = new Intl.NumberFormat(LOCALE, currency
        ? { style: "currency", currency, currencyDisplay: "code" }
        : { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    } catch { // not an ISO currency code: the figure, then whatever was given
      const plain = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      f = { format: (x) => `${plain.format(x)} ${currency}` };
    }
    moneyFormats.set(currency, f);
  }
  return moneyFormats.get(currency);
}
export function money(cents, currency = "") {
  if (cents === null || cents === undefined) return "";
  return moneyFormat((currency || "").toUpperCase()).format(cents / 100).replace(/\u00a0/g, " ");
}

// What a person types as money ("50", "1,250.5", "$12.30") in cents; null when it is not an
// amount. Zero is an amount: each form says whether it may be.
export function cents(text) {
  const match = /^\s*[$€£]?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*$/.exec(text || "");
  if (!match) return null;
  const value = Number(match[1].replaceAll(",", "")) * 100 + Number((match[2] || "0").padEnd(2, "0"));
  return Number.isSafeInteger(value) ? value : null;
}

// Symbols every common system font has (emoji are missing on many Linux desktops).
export const ICONS = {
  voice: "☎", sms: "✆", whatsapp: "◉", email: "✉", chat: "❝", note: "✎", system: "⚙",
};
export const ARROWS = { inbound: "↙ in", outbound: "↗ out", internal: "• internal" };

export const icon = (medium) => ICONS[medium] || "•";
export const arrow = (direction) => ARROWS[direction] || direction;
