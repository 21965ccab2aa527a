// The fraud panel of a case: red flags with why each fired, "referral recommended", links the
// rules suggest (accept / dismiss), and the ring drawn as a graph. Investigation details: only
// for those the server lets see them (the fraud team, supervisors, reviewers, the assigned
// investigator); for everyone else the panel stays hidden.
import cytoscape from "/static/vendor/cytoscape.esm.min.mjs";
import { del, get, post } from "/static/js/api.js";
import { fill, h } from "./dom.js";
import { holds } from "./format.js";
import { label } from "./labels.js";

const RULE_LABELS = {
  loss_soon_after_cover: "Loss soon after cover",
  prior_claims: "Prior claims",
  shared_identifier: "Shared with other customers",
  seen_on_confirmed_fraud: "Seen on confirmed fraud",
  statement_mismatch: "Inconsistent statement",
};
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
    this.graph = h("div", { id: "ring-graph", class: "ring-graph", "aria-label": "Fraud ring graph" });
    this.edgeBar = h("div", { id: "ring-edge", class: "ring-edge", role: "status" });
    fill(this.root,
      h("h2", {}, "Red flags ", h("span", { class: "count", id: "flag-count" }, String(flags.active))),
      flags.referral_recommended
        ? h("p", { class: "referral", id: "referral-recommended", role: "alert" },
          `Referral recommended: ${flags.active} active flags (${flags.referral_at} or more).`)
        : null,
      flags.items.length
        ? h("ul", { class: "flag-list", id: "flag-list" }, flags.items.map((f) =>
          h("li", { class: "flag-item", dataset: { rule: f.rule, id: f.id } },
            h("strong", {}, RULE_LABELS[f.rule] || f.rule), " ",
            h("span", { class: "flag-reason" }, f.reason),
            h("details", {}, h("summary", {}, "Facts"), factsList(f.facts)))))
        : h("p", { class: "muted" }, "No rule has fired on this case."),
      suggested.items.length ? [h("h3", {}, "Suggested links"),
        h("ul", { class: "suggestions", id: "link-suggestions" }, suggested.items.map((s) => this.suggestion(s)))]
        : null,
      h("h3", {}, "Ring"), this.graph, this.edgeBar);
    await this.drawRing(c);
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
    this.cy = cytoscape({
      container: graph,
      elements: [...ring.nodes, ...ring.edges],
      layout: { name: ring.nodes.length > 2 ? "circle" : "grid", padding: 30 },
      userZoomingEnabled: false,
      style: [
        { selector: "node", style: { label: "data(label)", "font-size": 11, "background-color": "#4a6fa5",
          "text-valign": "bottom", "text-margin-y": 4, width: 26, height: 26 } },
        { selector: "node[?centre]", style: { "background-color": "#b03a2e" } },
        { selector: "node[case_id]", style: { "border-width": 2, "border-color": "#1d3557" } },
        { selector: "edge", style: { label: "data(label)", "font-size": 10, width: 3, "line-color": "#999",
          "text-rotation": "autorotate", "text-background-color": "#fff", "text-background-opacity": 1,
          "curve-style": "bezier" } },
        { selector: "edge:selected", style: { "line-color": "#b03a2e", width: 5 } },
      ],
    });
    graph.cytoscape = this.cy; // for the browser tests and the console
    if (!ring.edges.length) fill(this.edgeBar, h("span", { class: "muted" }, "Not linked to anyone."));
    else fill(this.edgeBar, h("span", { class: "muted" }, "Click a customer to open their case, a link to unlink it."));
    // A customer's node opens their case, when the viewer may open it (the server says).
    this.cy.on("tap", "node", (e) => {
      const caseId = e.target.data("case_id");
      if (caseId && caseId !== c.id) window.location.hash = `case/${caseId}`;
    });
    this.cy.on("tap", "edge", (e) => this.showEdge(e.target.data(), c));
  }

  showEdge(edge, c) {
    const name = (id) => this.cy.getElementById(id).data("label");
    const error = h("span", { class: "error", role: "alert" });
    fill(this.edgeBar, h("span", {}, `${name(edge.source)} — ${name(edge.target)}: ${edge.label} `),
      mayDecide() ? h("button", { type: "button", class: "small secondary", id: "ring-unlink", onclick: async (e) => {
        if (!window.confirm(`Unlink ${name(edge.source)} and ${name(edge.target)}?`)) return;
        e.currentTarget.disabled = true;
        try {
          await del(`/customers/${edge.customer_id}/links/${edge.other_id}`);
        } catch (err) { fill(error, err.message); return; }
        if (this.case === c) await this.refresh(); // the ring without it (and a suggestion back)
      } }, "Unlink") : null, error);
  }
}
