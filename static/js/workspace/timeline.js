// The case timeline: newest first, paged back by cursor, live items merged in by id.
import { caseProblem, get, qs } from "/static/js/api.js";
import { t } from "/static/js/i18n.js";
import { fill, h } from "./dom.js";
import { arrow, icon, when } from "./format.js";
import { address, label } from "./labels.js";
import { TimelineTools, accepts, highlight, markDays } from "./timeline-tools.js";
import { summaryBlock } from "./summaries.js";
import { attachmentList } from "./viewer.js";

// A small first page paints fast; later pages are bigger so scrolling far back is quick.
const FIRST_PAGE = 50;
const PAGE = 200;

// Order by (occurred_at, id) with microseconds: ISO strings alone do not sort reliably.
function timeKey(iso) {
  const frac = /\.(\d+)/.exec(iso)?.[1] || "";
  return [Math.floor(Date.parse(iso) / 1000), Number((frac + "000000").slice(0, 6))];
}

export function isNewer(a, b) {
  const [sa, ua] = timeKey(a.occurred_at);
  const [sb, ub] = timeKey(b.occurred_at);
  if (sa !== sb) return sa > sb;
  if (ua !== ub) return ua > ub;
  return a.id > b.id;
}

// 28 s, 4 min 05 s: a short call must not read "0 min".
function duration(seconds) {
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
}

function renderItem(item) {
  const meta = h("div", { class: "tl-meta" },
    h("span", { class: "tl-icon", "aria-hidden": "true" }, icon(item.medium)),
    h("span", { class: "tl-medium" }, item.medium),
    h("span", { class: "tl-direction" }, arrow(item.direction)),
    // A chat visitor who typed this customer's email or phone, and nobody has checked yet.
    item.unverified ? h("span", { class: "badge danger tl-unverified",
      title: t("The visitor gave this customer's email or phone; their identity is not verified") },
    t("unverified")) : null,
    // An inbound item's agent took it; only an outbound one is theirs (written or dialled).
    item.agent ? h("span", { class: "tl-agent" },
      item.direction === "inbound" ? t("taken by %(name)s", item.agent) : item.agent.name) : null,
    h("span", { class: `tl-status status-${item.status}` }, label(item.status)),
    h("time", { class: "tl-time", datetime: item.occurred_at }, when(item.occurred_at)));
  const extra = [];
  if (item.from_addr || item.to_addr) {
    extra.push(h("div", { class: "tl-addr muted" },
      [item.from_addr && t("from %(who)s", { who: address(item.from_addr, item.visitor_name) }),
        item.to_addr && t("to %(who)s", { who: address(item.to_addr, item.visitor_name) })]
        .filter(Boolean).join(" · ")));
  }
  const wrapUps = item.wrap_ups || [];
  if (item.duration_seconds !== null && item.duration_seconds !== undefined) {
    extra.push(h("div", { class: "tl-extra muted" }, duration(item.duration_seconds),
      item.disposition && !wrapUps.length ? ` · ${label(item.disposition)}` : ""));
  }
  for (const w of wrapUps) {  // each agent who handled the call: their disposition and notes
    extra.push(h("div", { class: "tl-wrapup" }, h("strong", {}, w.label),
      w.notes ? ` — ${w.notes}` : ""));
  }
  if (item.error) {
    extra.push(h("div", { class: "tl-error" }, `${item.error.code}: ${item.error.message}`));
  }
  if (item.medium === "email") {
    // The full message (sanitised HTML in a sandboxed frame) opens on its own page.
    extra.push(h("a", { class: "tl-link", href: `/cases/${item.case_id}/emails/${item.id}`,
      target: "_blank", rel: "noopener" }, t("Open email")));
  }
  return h("li", {
    class: `tl-item medium-${item.medium} dir-${item.direction}`, tabindex: "-1",
    dataset: { id: item.id, medium: item.medium },
  },
  meta,
  item.subject ? h("div", { class: "tl-subject" }, item.subject) : null,
  item.body ? h("div", { class: "tl-body" }, item.body) : null,
  summaryBlock(item.summary, "email"),
  extra,
  attachmentList(item));
}

export class Timeline {
  constructor({ list, sentinel, scroller, status }) {
    Object.assign(this, { list, sentinel, scroller, status });
    this.tools = new TimelineTools(scroller, (narrow) => this.narrowTo(narrow));
    this.reset(null);
    new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) this.loadOlder();
    }, { root: scroller, rootMargin: "800px 0px" }).observe(sentinel);
    // The observer only reports changes: if a page lands and the agent is back at the end
    // within one frame, it stays silent, so scrolling checks the end too.
    let queued = false;
    scroller.addEventListener("scroll", () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        if (this.endVisible()) this.loadOlder();
      });
    }, { passive: true });
  }

  reset(caseId, narrow = {}) {
    this.caseId = caseId;
    this.narrow = narrow; // { medium, q, until }: what the server narrows the pages to
    this.byId = new Map(); // id -> { item, el }
    this.order = []; // items, newest first
    this.nextCursor = null;
    this.done = false;
    this.loading = null;
    this.failed = false;
    this.selected = -1;
    this.generation = (this.generation || 0) + 1;
    fill(this.list);
    fill(this.status);
  }

  async open(caseId) {
    this.tools.clear();
    this.reset(caseId);
    await this.loadOlder();
  }

  // The same case again, narrowed by medium, words or date (the tools bar).
  narrowTo(narrow) {
    if (!this.caseId) return null;
    this.reset(this.caseId, narrow);
    return this.loadOlder();
  }

  get narrowed() {
    return Object.values(this.narrow).some(Boolean);
  }

  // The next page back in time; keeps loading while the end is still on screen. After a
  // failure it waits for the agent's Retry: a 401, 404 or 503 will not mend itself in a frame.
  loadOlder() {
    if (!this.caseId || this.done || this.loading || this.failed) return this.loading;
    const generation = this.generation;
    this.loading = (async () => {
      fill(this.status, t("Loading…"));
      try {
        const page = await get(`/cases/${this.caseId}/timeline?${qs({ limit: this.nextCursor ? PAGE : FIRST_PAGE, before: this.nextCursor, ...this.narrow })}`);
        if (generation !== this.generation) return;
        page.items.forEach((item) => this.upsert(item));
        this.nextCursor = page.next_cursor;
        this.done = !page.next_cursor;
        fill(this.status, this.done ? (this.order.length ? t("Start of the history")
          : this.narrowed ? t("Nothing matches") : t("Nothing on this case yet")) : "");
      } catch (err) {
        if (generation === this.generation) this.fail(err);
      } finally {
        if (generation === this.generation) this.loading = null;
      }
      if (generation === this.generation && !this.done && !this.failed && this.endVisible()) {
        requestAnimationFrame(() => this.loadOlder());
      }
    })();
    return this.loading;
  }

  fail(err) {
    this.failed = true;
    fill(this.status, h("span", { class: "error", id: "timeline-error" }, t("Could not load: %(problem)s", { problem: caseProblem(err) })),
      " ", h("button", { type: "button", class: "secondary", id: "timeline-retry", onclick: () => this.retry() }, t("Retry")));
  }

  retry() {
    this.failed = false;
    return this.loadOlder();
  }

  // The newest item held that passes a test (the composer's "Re:" subject comes from here).
  latest(test) {
    return this.order.find(test);
  }

  endVisible() {
    const end = this.sentinel.getBoundingClientRect();
    const box = this.scroller.getBoundingClientRect();
    return end.top < box.bottom + 800;
  }

  // Everything newer than the newest item held (after a reconnect), then a refresh of the top.
  async catchUp() {
    if (!this.caseId || this.failed) return; // a failed load waits for the agent's Retry
    const generation = this.generation;
    let cursor = this.order[0]?.cursor;
    if (cursor) {
      for (let pages = 0; cursor && pages < 50; pages += 1) {
        const page = await get(`/cases/${this.caseId}/timeline?${qs({ limit: 200, after: cursor, ...this.narrow })}`);
        if (generation !== this.generation) return;
        page.items.forEach((item) => this.upsert(item));
        cursor = page.next_cursor;
      }
    }
    // Status changes to recent items while we were away.
    const top = await get(`/cases/${this.caseId}/timeline?${qs({ limit: 50, ...this.narrow })}`);
    if (generation !== this.generation) return;
    top.items.forEach((item) => this.upsert(item));
  }

  // Add or replace one item, in its place; an id is never shown twice.
  upsert(item) {
    if (item.case_id !== undefined && item.case_id !== this.caseId) return;
    const known = this.byId.get(item.id);
    if (!known && !accepts(this.narrow, item)) return; // a live item the narrowing leaves out
    const el = renderItem(item);
    highlight(el, this.narrow.q);
    this.daysLater();
    if (known) {
      if (!item.cursor) item.cursor = known.item.cursor;
      const index = this.order.indexOf(known.item);
      this.order[index] = item;
      if (known.el.classList.contains("selected")) el.classList.add("selected");
      known.el.replaceWith(el);
      this.byId.set(item.id, { item, el });
      return;
    }
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (isNewer(item, this.order[mid])) hi = mid; else lo = mid + 1;
    }
    const before = this.order[lo];
    this.order.splice(lo, 0, item);
    this.byId.set(item.id, { item, el });
    this.list.insertBefore(el, before ? this.byId.get(before.id).el : null);
    if (this.selected >= lo) this.selected += 1;
  }

  // Day separators, once per frame however many items land.
  daysLater() {
    if (this.daysQueued) return;
    this.daysQueued = true;
    requestAnimationFrame(() => {
      this.daysQueued = false;
      markDays(this.order, this.byId);
    });
  }

  // j/k: move the selection through the timeline.
  move(delta) {
    if (!this.order.length) return;
    const next = Math.max(0, Math.min(this.order.length - 1, this.selected + delta));
    this.byId.get(this.order[this.selected]?.id)?.el.classList.remove("selected");
    this.selected = next;
    const { el } = this.byId.get(this.order[next].id);
    el.classList.add("selected");
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest" });
  }
}
