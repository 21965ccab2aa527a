// The fraud panel of a case: red flags with why each fired, "referral recommended", links the
// rules suggest (accept / dismiss), and the ring drawn as a graph. Investigation details: only
// for those the server lets see them (the fraud team, supervisors, reviewers, the assigned
// investigator); for everyone else the panel stays hidden.
import cytoscape from "/static/vendor/cytoscape.esm.min.mjs";
import { del, get, post } from "/static/js/api.js";
import { fill, h } from "./dom.js";
import { holds } from "./format.js";
import { label, title } from "./labels.js";

const FIT_PADDING = 24; // px around the ring when fitted: room for the names under the nodes
const FIT_ZOOM = 1.6;
const mayDecide = () => holds("fraud", "supervisor", "admin");
// The assigned investigator sees their investigation in the case's open work; for anyone else
// it is veiled ("under review", id 0), and asking for its flags would only be refused.
const mightSee = (c) => holds("fraud", "supervisor", "reviewer", "admin")
  || (c.open_work || []).some((w) => w.kind === "investigation" && w.id);

function factsList(facts) {
  const shown = (v) => (typeof v === "object" && v !== null ? JSON.stringify(v) : String(v));
  return h("dl", { class: "flag-facts" }, Object.entries(facts).map(([k, v]) =>
    [h("dt", {}, label(k)), h("dd", {}, shown(v))]));
}

export class FraudPanel {
  constructor(root) {
    this.root = root;
    this.case = null;
    this.cy = null;
    this.turn = 0; // the newest refresh: an older one's answers are not drawn
    this.drawn = 0;
  }

  async open(c) {
    this.case = c;
    this.dialog?.close();
    this.resized?.disconnect();
    this.cy?.destroy();
    this.cy = null;
    fill(this.root);
    this.root.hidden = true;
    if (c && mightSee(c)) await this.refresh();
  }

  async refresh() {
    const c = this.case;
    if (!c || !mightSee(c)) return;
    const turn = ++this.turn; // a live update may refresh while an Accept's refresh runs
    let flags;
    let suggested;
    try {
      [flags, suggested] = await Promise.all([get(`/cases/${c.id}/flags`),
        get(`/cases/${c.id}/links/suggested`)]);
    } catch (err) {
      if (err.status !== 403 && this.case === c) { // "under review": not for this viewer
        this.root.hidden = false;
        fill(this.root, h("p", { class: "error" }, err.message));
      }
      return;
    }
    if (this.case !== c || turn !== this.turn) return;
    this.root.hidden = false;
    const enlarged = Boolean(this.dialog?.open); // a redrawn ring stays enlarged
    this.dialog?.close();
    this.graph = h("div", { id: "ring-graph", class: "ring-graph", "aria-label": "Fraud ring graph" });
    this.edgeBar = h("div", { id: "ring-edge", class: "ring-edge", role: "status" });
    this.ringBox = h("div", { class: "ring-box", id: "ring-box" }, this.toolbar(), this.graph, this.edgeBar);
    fill(this.root,
      h("h2", {}, "Red flags ", h("span", { class: "count", id: "flag-count" }, String(flags.active))),
      flags.referral_recommended
        ? h("p", { class: "referral", id: "referral-recommended", role: "alert" },
          `Referral recommended: ${flags.active} active flags (${flags.referral_at} or more).`)
        : null,
      flags.items.length
        ? h("ul", { class: "flag-list", id: "flag-list" }, flags.items.map((f) =>
          h("li", { class: "flag-item", dataset: { rule: f.rule, id: f.id } },
            h("strong", {}, title(f.rule)), " ",
            h("span", { class: "flag-reason" }, f.reason),
            h("details", {}, h("summary", {}, "Facts"), factsList(f.facts)))))
        : h("p", { class: "muted" }, "No rule has fired on this case."),
      suggested.items.length ? [h("h3", {}, "Suggested links"),
        h("ul", { class: "suggestions", id: "link-suggestions" }, suggested.items.map((s) => this.suggestion(s)))]
        : null,
      h("h3", {}, "Ring"), this.ringBox);
    await this.drawRing(c);
    if (enlarged && this.case === c && turn === this.turn) this.enlarge();
  }

  // Zoom out, zoom in, fit the whole ring, and enlarge it into a dialog over the page: the
  // case's panels share a small scrolling block at 1280×720, too small to work a ring in.
  toolbar() {
    const tool = (id, text, title, run) => h("button", { type: "button", class: "small secondary ring-tool",
      id, title, "aria-label": title, onclick: () => this.cy && run(this.cy) }, text);
    const zoom = (cy, by) => cy.zoom({ level: cy.zoom() * by,
      renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
    return h("div", { class: "ring-tools", role: "toolbar", "aria-label": "Ring graph" },
      tool("ring-zoom-out", "−", "Zoom out", (cy) => zoom(cy, 1 / 1.25)),
      tool("ring-zoom-in", "+", "Zoom in", (cy) => zoom(cy, 1.25)),
      tool("ring-fit", "Fit", "Fit the whole ring", () => this.refit()),
      tool("ring-enlarge", "Enlarge", "Enlarge the ring", () => (this.dialog?.open ? this.dialog.close() : this.enlarge())));
  }

  // The ring box moves into a modal dialog (nothing else can take its clicks) and back when
  // it closes (Escape, the button, or opening a customer's case).
  enlarge() {
    if (!this.ringBox || this.dialog?.open) return;
    const box = this.ringBox;
    const home = document.createComment("ring");
    box.replaceWith(home);
    const close = h("button", { type: "button", class: "small secondary", id: "ring-dialog-close" }, "Close");
    const dialog = h("dialog", { id: "ring-dialog", class: "ring-dialog", "aria-label": "Fraud ring" },
      h("div", { class: "ring-dialog-head" }, h("h2", {}, "Fraud ring"), close), box);
    close.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      home.replaceWith(box);
      dialog.remove();
      if (this.dialog === dialog) this.dialog = null;
      this.setEnlargeLabel("Enlarge");
      this.refit();
    });
    document.body.append(dialog);
    this.dialog = dialog;
    dialog.showModal();
    this.setEnlargeLabel("Shrink");
    this.refit();
  }

  setEnlargeLabel(text) {
    const button = this.ringBox?.querySelector("#ring-enlarge");
    if (button) button.textContent = text;
  }

  // The whole ring in view, names included; a ring of two or three is not blown up to fill a
  // large dialog (at most FIT_ZOOM), but centred.
  refit() {
    if (!this.cy) return;
    this.cy.resize();
    this.cy.fit(undefined, FIT_PADDING);
    if (this.cy.zoom() > FIT_ZOOM) {
      this.cy.zoom(FIT_ZOOM);
      this.cy.center();
    }
  }

  suggestion(s) {
    const reason = h("input", { class: "suggestion-reason", value: s.reason, maxlength: 2000,
      "aria-label": "Reason for the link" });
    const error = h("span", { class: "error", role: "alert" });
    const decide = async (verdict, button) => {
      if (button.disabled) return;
      button.disabled = true;
      try {
        await post(`/links/suggestions/${s.id}/${verdict}`, { reason: reason.value });
      } catch (err) { fill(error, err.message); button.disabled = false; return; }
      await this.refresh(); // the flags, the suggestions left and the ring with its new link
    };
    return h("li", { class: "suggestion", dataset: { id: s.id } },
      h("span", {}, s.reason), " ",
      s.other ? h("a", { href: `#case/${s.other.case_id}` }, s.other.case_reference) : null,
      mayDecide() ? h("div", { class: "suggestion-actions" }, reason, " ",
        h("button", { type: "button", class: "small", onclick: (e) => decide("accept", e.currentTarget) }, "Accept"), " ",
        h("button", { type: "button", class: "small secondary", onclick: (e) => decide("dismiss", e.currentTarget) }, "Dismiss"))
        : null,
      error);
  }

  // Draw the ring afresh (a link accepted or unlinked changes it). Each drawing asks for the
  // ring again and draws into the graph element of its own refresh; an older answer arriving
  // after a newer one is dropped, so the graph always shows the latest ring.
  async drawRing(c) {
    const graph = this.graph;
    const asked = ++this.drawn;
    let ring;
    try {
      ring = await get(`/customers/${c.customer_id}/ring`);
    } catch (err) {
      fill(this.edgeBar, h("span", { class: "error" }, err.message));
      return;
    }
    if (this.case !== c || asked !== this.drawn || graph !== this.graph) return;
    this.cy?.destroy();
    // The canvas takes no CSS: its words are drawn in the page's colours (dark mode too).
    const css = getComputedStyle(document.documentElement);
    const ink = css.getPropertyValue("--ink").trim() || "#1d2330";
    const paper = css.getPropertyValue("--panel").trim() || "#fff";
    this.cy = cytoscape({
      container: graph,
      elements: [...ring.nodes, ...ring.edges],
      layout: { name: ring.nodes.length > 2 ? "circle" : "grid", padding: FIT_PADDING },
      // The wheel scrolls the case's panels; zooming is the toolbar's (and a fit on resize).
      userZoomingEnabled: false,
      minZoom: 0.2,
      maxZoom: 3,
      style: [
        { selector: "node", style: { label: "data(label)", "font-size": 11, "background-color": "#4a6fa5",
          color: ink, "text-valign": "bottom", "text-margin-y": 4, width: 26, height: 26 } },
        { selector: "node[?centre]", style: { "background-color": "#b03a2e" } },
        { selector: "node[case_id]", style: { "border-width": 2, "border-color": "#1d3557" } },
        { selector: "edge", style: { label: "data(label)", "font-size": 10, width: 3, "line-color": "#999",
          color: ink, "text-rotation": "autorotate", "text-background-color": paper, "text-background-opacity": 1,
          "curve-style": "bezier" } },
        { selector: "edge:selected", style: { "line-color": "#b03a2e", width: 5 } },
      ],
    });
    graph.cytoscape = this.cy; // for the browser tests and the console
    // The whole ring in view whatever room the panel has (names and reasons included).
    this.refit();
    this.resized?.disconnect();
    this.resized = new ResizeObserver(() => { if (graph === this.graph) this.refit(); });
    this.resized.observe(graph);
    if (!ring.edges.length) fill(this.edgeBar, h("span", { class: "muted" }, "Not linked to anyone."));
    else fill(this.edgeBar, h("span", { class: "muted" }, "Click a customer to open their case, a link to unlink it."));
    // A customer's node opens their case, when the viewer may open it (the server says).
    this.cy.on("tap", "node", (e) => {
      const caseId = e.target.data("case_id");
      if (!caseId || caseId === c.id) return;
      this.dialog?.close();
      window.location.hash = `case/${caseId}`;
    });
    this.cy.on("tap", "edge", (e) => this.showEdge(e.target.data(), c));
  }

  // A link tapped: who, why, and (for those who decide) Unlink, which asks to confirm in the
  // bar itself: "Unlink A and B?" with Yes, unlink and Cancel.
  showEdge(edge, c) {
    const name = (id) => this.cy.getElementById(id).data("label");
    const pair = `${name(edge.source)} and ${name(edge.target)}`;
    const error = h("span", { class: "error", id: "ring-unlink-error", role: "alert" });
    const what = h("span", {}, `${name(edge.source)} — ${name(edge.target)}: ${edge.label} `);
    const ask = () => {
      const yes = h("button", { type: "button", class: "small", id: "ring-unlink-confirm" }, "Yes, unlink");
      const no = h("button", { type: "button", class: "small secondary", id: "ring-unlink-cancel",
        onclick: () => this.showEdge(edge, c) }, "Cancel");
      yes.addEventListener("click", async () => {
        if (yes.disabled) return;
        yes.disabled = true;
        fill(error);
        try {
          await del(`/customers/${edge.customer_id}/links/${edge.other_id}`);
        } catch (err) { fill(error, err.message); yes.disabled = false; return; }
        if (this.case === c) await this.refresh(); // the ring without it (and a suggestion back)
      });
      fill(this.edgeBar, h("form", { class: "ring-unlink-ask", id: "ring-unlink-form",
        onsubmit: (e) => e.preventDefault() },
      h("span", {}, `Unlink ${pair}? The link's reason stays in the audit trail; `
        + "a shared identifier is suggested again. "), yes, " ", no, " ", error));
      yes.focus();
    };
    fill(this.edgeBar, what, mayDecide()
      ? h("button", { type: "button", class: "small secondary", id: "ring-unlink", onclick: ask }, "Unlink…")
      : null, error);
  }
}
