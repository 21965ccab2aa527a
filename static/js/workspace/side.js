// The side column: the case's panels and the customer scroll as one column beside the
// conversation, under a jump bar naming the sections present; its width is the agent's to drag
// (or set with the arrow keys), kept in this browser.
import { fill, h } from "./dom.js";

const KEY = "caseline.sideWidth";
const STEP = 32; // px per arrow key
const MIN_SIDE = 260;
const MIN_CENTRE = 420; // the conversation never gets narrower than this

const stored = () => {
  try { return Number(window.localStorage.getItem(KEY)) || null; } catch { return null; }
};
const store = (value) => {
  try {
    if (value) window.localStorage.setItem(KEY, String(value));
    else window.localStorage.removeItem(KEY);
  } catch { /* private mode: the width lasts for this page only */ }
};

// A section counts when it is shown and holds something (a panel with no case is empty).
const present = (el) => !el.hidden && el.childElementCount > 0
  && !el.closest("[hidden]") && getComputedStyle(el).display !== "none";

export class SideColumn {
  constructor({ workspace, splitter, pane, nav, scroller, details, caseView, left }) {
    Object.assign(this, { workspace, splitter, pane, nav, scroller, details, caseView, left });
    this.width = stored();
    this.apply(this.width);
    this.bindSplitter();
    // The panels fill and empty themselves as cases open; the bar and the column follow.
    this.pending = false;
    const observer = new MutationObserver(() => this.soon());
    observer.observe(caseView, { attributes: true, attributeFilter: ["hidden"] });
    observer.observe(pane, { attributes: true, attributeFilter: ["hidden"], childList: true, subtree: true });
    window.addEventListener("resize", () => this.apply(this.width));
    this.update();
  }

  soon() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.update(); });
  }

  update() {
    const open = !this.caseView.hidden;
    if (this.details.hidden === open) this.details.hidden = !open;
    const sections = open
      ? [...this.pane.querySelectorAll(".side-section[data-section]")].filter(present)
      : [];
    const names = sections.map((s) => s.dataset.section).join("|");
    if (names === this.shown) return; // nothing to redraw (most mutations are inside panels)
    this.shown = names;
    this.nav.hidden = sections.length < 2;
    fill(this.nav, sections.map((section) => h("button", {
      type: "button", class: "side-jump", dataset: { section: section.dataset.section },
      "aria-controls": section.id, onclick: () => this.jump(section),
    }, section.dataset.section)));
  }

  // Bring a section to the top of the column and mark where it starts.
  jump(section) {
    section.scrollIntoView({ block: "start", behavior: "instant" });
    section.classList.remove("jumped");
    void section.offsetWidth; // restart the highlight
    section.classList.add("jumped");
    for (const b of this.nav.querySelectorAll("button")) {
      b.setAttribute("aria-current", String(b.dataset.section === section.dataset.section));
    }
    if (!section.hasAttribute("tabindex")) section.setAttribute("tabindex", "-1");
    section.focus({ preventScroll: true });
  }

  // The widest the column may be and still leave the conversation its room.
  limits() {
    const total = this.workspace.getBoundingClientRect().width;
    const left = this.left.getBoundingClientRect().width;
    const splitter = this.splitter.getBoundingClientRect().width;
    return [MIN_SIDE, Math.max(MIN_SIDE, Math.floor(total - left - splitter - MIN_CENTRE))];
  }

  // A chosen width (clamped to the screen), or the default (a third, by the stylesheet).
  apply(width) {
    const [min, max] = this.limits();
    if (width) this.workspace.style.setProperty("--side-width", `${Math.min(max, Math.max(min, width))}px`);
    else this.workspace.style.removeProperty("--side-width");
    this.splitter.setAttribute("aria-valuemin", String(min));
    this.splitter.setAttribute("aria-valuemax", String(max));
    this.splitter.setAttribute("aria-valuenow", String(Math.round(this.pane.getBoundingClientRect().width)));
  }

  choose(width) {
    const [min, max] = this.limits();
    this.width = width ? Math.min(max, Math.max(min, Math.round(width))) : null;
    this.apply(this.width);
    store(this.width);
  }

  bindSplitter() {
    const s = this.splitter;
    s.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      e.preventDefault();
      s.setPointerCapture(e.pointerId);
      s.classList.add("dragging");
      this.workspace.classList.add("resizing");
    });
    s.addEventListener("pointermove", (e) => {
      if (!s.hasPointerCapture(e.pointerId)) return;
      this.choose(this.workspace.getBoundingClientRect().right - e.clientX);
    });
    const end = (e) => {
      if (s.hasPointerCapture(e.pointerId)) s.releasePointerCapture(e.pointerId);
      s.classList.remove("dragging");
      this.workspace.classList.remove("resizing");
    };
    s.addEventListener("pointerup", end);
    s.addEventListener("pointercancel", end);
    s.addEventListener("dblclick", () => this.choose(null));
    s.addEventListener("keydown", (e) => {
      const now = this.pane.getBoundingClientRect().width;
      const [min, max] = this.limits();
      const to = { ArrowLeft: now + STEP, ArrowRight: now - STEP, Home: max, End: min }[e.key];
      if (e.key === "Enter" || e.key === "Escape") this.choose(null);
      else if (to !== undefined) this.choose(to);
      else return;
      e.preventDefault();
    });
  }
}
