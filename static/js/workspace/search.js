// One search box, results as you type: name, phone (any format or its last digits), email,
// case reference, account or claim number.
import { get, qs } from "/static/js/api.js";
import { fill, h } from "./dom.js";

const DELAY_MS = 150;

export class Search {
  constructor({ input, results, openCase }) {
    Object.assign(this, { input, results, openCase });
    this.items = [];
    this.selected = -1;
    this.seq = 0;
    this.timer = null;
    input.addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.run(), DELAY_MS);
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown") { e.preventDefault(); this.move(1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); this.move(-1); }
      else if (e.key === "Enter") { e.preventDefault(); this.choose(Math.max(0, this.selected)); }
      else if (e.key === "Tab" && this.open && !e.shiftKey) { e.preventDefault(); this.focusResults(); }
      else if (e.key === "Escape") { this.close(); input.blur(); }
    });
    document.addEventListener("click", (e) => {
      if (!e.target.closest?.(".search")) this.close();
    });
    results.addEventListener("keydown", (e) => {
      if (e.key === "Enter") { e.preventDefault(); this.choose(this.selected); }
      else if (e.key === "Escape") { this.close(); input.focus(); }
    });
  }

  get open() {
    return !this.results.hidden && this.items.length > 0;
  }

  async run() {
    const q = this.input.value.trim();
    const seq = ++this.seq;
    if (!q) { this.close(); return; }
    try {
      const { items } = await get(`/customers?${qs({ q, limit: 20 })}`);
      if (seq === this.seq) this.render(items);
    } catch (err) {
      if (seq === this.seq) this.render([], err.message);
    }
  }

  render(items, error) {
    this.items = items;
    this.selected = items.length ? 0 : -1;
    const rows = items.map((hit, i) => {
      const contact = hit.customer.contact_points[0]?.value || "";
      return h("li", { role: "option", id: `search-hit-${i}`, class: "search-hit", tabindex: "-1",
        dataset: { caseId: hit.case_id }, onmousedown: (e) => { e.preventDefault(); this.choose(i); } },
      h("span", { class: "hit-name" }, hit.customer.display_name),
      h("span", { class: "hit-meta muted" }, `${contact} · matched ${hit.matched}`));
    });
    fill(this.results, rows.length ? rows : h("li", { class: "muted search-none" }, error || "No customer found"),
      // Every match, a page at a time, on a page of its own.
      error ? null : h("li", { class: "search-all" }, h("a", { id: "search-all",
        href: `/search?${qs({ q: this.input.value.trim() })}` }, "All results…")));
    this.results.hidden = false;
    this.highlight();
  }

  highlight() {
    [...this.results.children].forEach((el, i) => el.classList.toggle("selected", i === this.selected));
    this.input.setAttribute("aria-activedescendant", this.selected >= 0 ? `search-hit-${this.selected}` : "");
  }

  // j/k or arrows: move through the results.
  move(delta) {
    if (!this.items.length) return;
    this.selected = Math.max(0, Math.min(this.items.length - 1, this.selected + delta));
    this.highlight();
    const el = this.results.children[this.selected];
    if (this.results.contains(document.activeElement)) el?.focus();
    el?.scrollIntoView({ block: "nearest" });
  }

  focusResults() {
    if (!this.open) return;
    this.results.children[Math.max(0, this.selected)]?.focus();
  }

  choose(i) {
    const hit = this.items[i];
    if (!hit) return;
    this.close();
    this.input.blur();
    this.openCase(hit.case_id);
  }

  close() {
    this.results.hidden = true;
    this.items = [];
    this.selected = -1;
  }

  focus() {
    this.input.focus();
    this.input.select();
  }
}
