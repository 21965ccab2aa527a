// The timeline's tools: narrow it by medium, search its words on the server (hits marked),
// jump to a date; and the day separators between items of different days (agent's zone).
import { t } from "/static/js/i18n.js";
import { h } from "./dom.js";
import { ICONS, dateFormatter, me } from "./format.js";

const MEDIA = ["voice", "sms", "whatsapp", "email", "chat", "note", "system"];
const MEDIUM_WORDS = { voice: t("voice"), sms: "SMS", whatsapp: "WhatsApp", email: t("email"), chat: t("chat"),
  note: t("note"), system: t("system") };
const label = (m) => MEDIUM_WORDS[m] || m;
const SEARCH_DELAY_MS = 300;
const zone = me.timezone || "UTC";

const formatter = (options) => dateFormatter(zone, options);
const dayLabel = formatter({ weekday: "long", year: "numeric", month: "long", day: "numeric" });
const dayKey = formatter({ year: "numeric", month: "2-digit", day: "2-digit" });

// The words searched, lower-cased (what the server matched, every one of them).
export const wordsOf = (q) => (q || "").toLowerCase().split(/\s+/).filter(Boolean);

// Does a live item belong on a narrowed timeline? (The server decides for pages.)
export function accepts(narrow, item) {
  if (narrow.medium && !narrow.medium.split(",").includes(item.medium)) return false;
  if (narrow.until && Date.parse(item.occurred_at) > Date.parse(narrow.until)) return false;
  const text = `${item.body || ""}\n${item.subject || ""}`.toLowerCase();
  return wordsOf(narrow.q).every((w) => text.includes(w));
}

// Wrap each searched word in the item's subject and body in <mark> (text stays text).
export function highlight(el, q) {
  const words = wordsOf(q);
  if (!words.length) return;
  const pattern = new RegExp(`(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})`, "gi");
  for (const part of el.querySelectorAll(".tl-subject, .tl-body")) {
    const pieces = part.textContent.split(pattern);
    if (pieces.length < 2) continue;
    part.replaceChildren(...pieces.map((p, i) => (i % 2 ? h("mark", { class: "tl-hit" }, p) : p)));
  }
}

// Mark the first (newest) item of each day with the day's name: a separator above it.
export function markDays(order, byId) {
  let previous = null;
  for (const item of order) {
    const { el } = byId.get(item.id);
    const at = new Date(item.occurred_at);
    const key = dayKey.format(at);
    el.classList.toggle("day-start", key !== previous);
    if (key !== previous) el.dataset.day = dayLabel.format(at);
    previous = key;
  }
}

// The instant a day (YYYY-MM-DD) ends in the agent's zone, as ISO 8601 UTC.
export function endOfDay(day) {
  const [y, m, d] = day.split("-").map(Number);
  const guess = Date.UTC(y, m - 1, d, 23, 59, 59, 999);
  const parts = Object.fromEntries(formatter({ hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
    hour: "numeric", minute: "numeric", second: "numeric" }).formatToParts(guess).map((p) => [p.type, p.value]));
  const seen = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour % 24, parts.minute, parts.second, 999);
  return new Date(guess - (seen - guess)).toISOString();
}

// The bar above the timeline; calls narrowTo({medium, q, until}) on every change.
export class TimelineTools {
  constructor(anchor, narrowTo) {
    this.narrowTo = narrowTo;
    this.state = { media: new Set(), q: "", day: "" };
    this.timer = null;
    this.chips = MEDIA.map((m) => h("button", {
      type: "button", class: "tl-chip", "aria-pressed": "false", dataset: { medium: m }, title: t("Only %(medium)s", { medium: label(m) }),
      onclick: (e) => this.toggle(m, e.currentTarget),
    }, `${ICONS[m]} ${label(m)}`));
    this.search = h("input", { type: "search", id: "timeline-search", placeholder: t("Search this case"),
      "aria-label": t("Search this case"), maxlength: "200",
      oninput: () => { clearTimeout(this.timer); this.timer = setTimeout(() => this.apply(), SEARCH_DELAY_MS); },
      onkeydown: (e) => { if (e.key === "Enter") { e.preventDefault(); clearTimeout(this.timer); this.apply(); } } });
    this.date = h("input", { type: "date", id: "timeline-jump", "aria-label": t("Jump to a date"),
      onchange: () => this.apply() });
    this.latest = h("button", { type: "button", class: "link", id: "timeline-latest", hidden: true,
      onclick: () => { this.date.value = ""; this.apply(); } }, t("Back to latest"));
    this.root = h("div", { class: "timeline-tools", id: "timeline-tools", role: "toolbar", "aria-label": t("Timeline filters") },
      h("span", { class: "tl-chips" }, this.chips), this.search,
      h("label", { class: "tl-jump" }, t("Jump to"), " ", this.date), this.latest);
    anchor.before(this.root);
  }

  toggle(medium, chip) {
    if (this.state.media.has(medium)) this.state.media.delete(medium); else this.state.media.add(medium);
    chip.setAttribute("aria-pressed", String(this.state.media.has(medium)));
    this.apply();
  }

  // What the timeline asks the server for.
  narrowing() {
    return {
      medium: [...this.state.media].join(",") || null,
      q: this.search.value.trim() || null,
      until: this.date.value ? endOfDay(this.date.value) : null,
    };
  }

  apply() {
    this.latest.hidden = !this.date.value;
    this.narrowTo(this.narrowing());
  }

  // A new case starts unnarrowed.
  clear() {
    clearTimeout(this.timer);
    this.state.media.clear();
    this.chips.forEach((c) => c.setAttribute("aria-pressed", "false"));
    this.search.value = "";
    this.date.value = "";
    this.latest.hidden = true;
  }
}
