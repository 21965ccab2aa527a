// The case file export for a legal or SIU referral: pick PDF or ZIP, follow the build live
// (export.progress on the socket, a slow poll as the fallback), then download it.
import { get, post } from "/static/js/api.js";
import { fill, h } from "./dom.js";
import { holds } from "./format.js";

const POLL_MS = 2000;
// As crm.fraud.visibility.SEE_DETAILS (the file holds investigation details); the server
// decides, and also lets the investigator a case's investigation is assigned to.
const MAY_EXPORT = ["fraud", "supervisor", "reviewer", "admin"];

export class ExportPanel {
  constructor(root, socket) {
    this.root = root;
    this.caseId = null;
    this.current = null;
    this.poller = null;
    socket.on("export.progress", (msg) => this.show(msg.export));
  }

  open(caseId) {
    this.stopPolling();
    this.caseId = caseId;
    this.current = null;
    this.root.hidden = !caseId || !holds(...MAY_EXPORT);
    if (this.root.hidden) {
      fill(this.root);
      return;
    }
    this.format = h("select", { id: "export-format", "aria-label": "Case file format" },
      h("option", { value: "pdf" }, "PDF"),
      h("option", { value: "zip" }, "ZIP: PDF, attachments and raw emails"));
    this.button = h("button", { type: "submit", id: "export-start", class: "small" }, "Export case file");
    this.bar = h("progress", { id: "export-progress", max: 100, value: 0, hidden: true });
    this.status = h("span", { id: "export-status", role: "status" });
    this.link = h("a", { id: "export-download", hidden: true }, "Download");
    const form = h("form", { id: "export-form", class: "case-export-form" },
      h("strong", {}, "Case file "), this.format, " ", this.button, " ", this.bar, " ",
      this.status, " ", this.link);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.start();
    });
    fill(this.root, form);
  }

  async start() {
    if (this.button.disabled) return; // one export per press
    this.button.disabled = true;
    this.link.hidden = true;
    const caseId = this.caseId;
    try {
      const made = await post(`/cases/${caseId}/exports`, { format: this.format.value });
      if (caseId !== this.caseId) return;
      this.current = made.id;
      this.show(made);
      this.stopPolling();
      if (made.status !== "done" && made.status !== "failed") {
        this.poller = setInterval(() => this.poll(), POLL_MS);
      }
    } catch (err) {
      fill(this.status, err.message);
      this.status.className = "error";
      this.button.disabled = false;
    }
  }

  async poll() {
    try { this.show(await get(`/exports/${this.current}`)); } catch { /* next tick tries again */ }
  }

  show(exp) {
    if (!exp || exp.id !== this.current) return;
    const over = exp.status === "done" || exp.status === "failed";
    this.bar.hidden = over;
    this.bar.value = exp.progress;
    this.status.className = exp.status === "failed" ? "error" : "muted";
    fill(this.status, exp.status === "failed" ? `failed: ${exp.error}`
      : exp.status === "done" ? `${exp.format.toUpperCase()} ready` : `${exp.status} · ${exp.progress}%`);
    if (exp.status === "done") {
      // The live event has no link; the export itself does (and only for who may download).
      if (exp.download_url) {
        this.link.href = exp.download_url;
        this.link.setAttribute("download", exp.filename || "");
        this.link.hidden = false;
      } else {
        this.poll();
      }
    }
    if (over) {
      this.stopPolling();
      this.button.disabled = false;
    }
  }

  stopPolling() {
    clearInterval(this.poller);
    this.poller = null;
  }
}
