// The playbook beside the case: one list of steps per line of work the case holds, each
// ticked by the agent, skipped with a reason, or ticked by the work itself (a captured field,
// a sent document, a disposition). Required steps left open keep the case from resolving.
import { get, post } from "/static/js/api.js";
import { reasonDialog } from "./dialogs.js";
import { fill, h } from "./dom.js";
import { when } from "./format.js";
import { label, person } from "./labels.js";

const LINES = { insurance: "Claims", fraud: "Fraud", collections: "Collections", retention: "Retention" };
// As crm.playbooks.runs.BY_HAND: the lines with no record of their own start by hand.
const BY_HAND = ["retention"];
const KINDS = { checklist: "check", field: "capture", script: "read aloud", decision: "decide", document: "send" };

export class PlaybookPanel {
  // openArticle(id): show a linked article (the knowledge base panel).
  constructor(root, openArticle = () => {}) {
    this.root = root;
    this.openArticle = openArticle;
    this.caseId = null;
    this.line = null;
    this.books = null; // the playbooks of my clients (fetched once): what can be started by hand
  }

  async open(caseId, clientId = this.clientId) {
    if (caseId !== this.caseId) this.line = null;
    this.caseId = caseId;
    this.clientId = clientId;
    if (!caseId) { this.root.hidden = true; fill(this.root); return; }
    try {
      this.books ??= (await get("/playbooks")).items;
      const data = await get(`/cases/${caseId}/playbook`);
      if (caseId === this.caseId) this.render(data.runs);
    } catch (err) {
      if (caseId === this.caseId) { this.root.hidden = false; fill(this.root, h("p", { class: "error" }, err.message)); }
    }
  }

  refresh() { if (this.caseId) this.open(this.caseId); }

  // A line the case does not hold yet (a retention request on a claims call) is started by hand.
  starter(runs) {
    const running = new Set(runs.map((r) => r.line_of_work));
    const lines = (this.books || []).filter((b) => b.client_id === this.clientId && BY_HAND.includes(b.line_of_work)
      && !running.has(b.line_of_work)).map((b) => b.line_of_work);
    if (!lines.length) return null;
    const pick = h("select", { id: "playbook-start-line", "aria-label": "Playbook to start" },
      lines.map((l) => h("option", { value: l }, LINES[l] || label(l))));
    const error = h("span", { class: "error", role: "alert" });
    const start = h("button", { type: "button", class: "small secondary", id: "playbook-start",
      onclick: async () => {
        start.disabled = true;
        try { await post(`/cases/${this.caseId}/playbook`, { line_of_work: pick.value }); this.line = pick.value; this.refresh(); }
        catch (err) { fill(error, err.message); start.disabled = false; }
      } }, "Start");
    return h("div", { class: "playbook-start" }, h("label", {}, "Start a playbook ", pick), " ", start, " ", error);
  }

  render(runs) {
    const starter = this.starter(runs);
    this.root.hidden = runs.length === 0 && !starter;
    if (!runs.length) { fill(this.root, starter ? [h("h3", {}, "Playbook"), starter] : []); return; }
    const run = runs.find((r) => r.line_of_work === this.line) || runs[0];
    this.line = run.line_of_work;
    const error = h("p", { class: "error", id: "playbook-error", role: "alert" });
    const tabs = runs.length > 1 ? h("div", { class: "playbook-tabs", role: "tablist" }, runs.map((r) =>
      h("button", { type: "button", role: "tab", class: "small secondary", "aria-selected": String(r === run),
        onclick: () => { this.line = r.line_of_work; this.render(runs); } },
      `${LINES[r.line_of_work] || label(r.line_of_work)}${r.complete ? " ✓" : ""}`))) : null;
    const left = run.open_required.length;
    fill(this.root,
      h("h3", {}, "Playbook ", h("span", { class: "muted" },
        `${run.playbook.name} · v${run.playbook.version}`)),
      tabs,
      h("p", { class: left ? "playbook-status open" : "playbook-status complete", id: "playbook-status" },
        left ? `${left} required step${left === 1 ? "" : "s"} to do before this case can be resolved`
          : "Every required step is done"),
      h("ol", { class: "playbook-steps", id: "playbook-steps" }, run.steps.map((s) => this.step(run, s, error))),
      error, starter);
  }

  step(run, s, error) {
    const id = `pb-${run.id}-${s.key}`;
    const box = h("input", { type: "checkbox", id, checked: s.done, disabled: s.skipped,
      onchange: (e) => this.mark(run, s, { done: e.currentTarget.checked }, e.currentTarget, error) });
    const how = s.state === "open" ? null : s.skipped
      ? `skipped by ${person(s.by?.name)} ${when(s.at)}: ${s.reason}`
      : s.by ? `done by ${s.by.id ? person(s.by.name) : "?"} ${when(s.at)}` : `done: ${s.source} ${when(s.at)}`;
    return h("li", { class: `playbook-step ${s.state}`, dataset: { key: s.key } },
      h("div", { class: "playbook-step-line" }, box, " ",
        h("label", { for: id }, s.title), " ",
        h("span", { class: "badge" }, KINDS[s.kind] || s.kind),
        s.required ? h("span", { class: "badge required", title: "Required before resolving" }, "required") : null,
        s.state === "open" ? h("button", { type: "button", class: "small secondary playbook-skip",
          onclick: (e) => this.skip(run, s, e.currentTarget, error) }, "Skip") : null,
        s.skipped ? h("button", { type: "button", class: "small secondary playbook-undo",
          onclick: (e) => this.mark(run, s, { done: false }, e.currentTarget, error) }, "Undo skip") : null),
      s.body ? h(s.kind === "script" ? "blockquote" : "p", { class: "playbook-body" }, s.body) : null,
      s.article ? h("button", { type: "button", class: "link playbook-article",
        onclick: () => this.openArticle(s.article.id) }, `📖 ${s.article.title}`) : null,
      how ? h("small", { class: "muted playbook-how" }, how) : null);
  }

  async mark(run, s, body, control, error) {
    control.disabled = true;
    try {
      await post(`/cases/${this.caseId}/playbook/steps/${encodeURIComponent(s.key)}`,
        { ...body, line_of_work: run.line_of_work });
      fill(error);
    } catch (err) {
      fill(error, err.message);
    } finally {
      this.refresh();
    }
  }

  async skip(run, s, button, error) {
    button.disabled = true;
    await reasonDialog({
      id: "playbook-skip-dialog", title: `Skip “${s.title}”`, label: "Why is it skipped?",
      confirmLabel: "Skip step", maxlength: 500,
      run: (reason) => post(`/cases/${this.caseId}/playbook/steps/${encodeURIComponent(s.key)}`,
        { skipped: true, reason, line_of_work: run.line_of_work }),
    });
    fill(error);
    this.refresh();
  }
}
