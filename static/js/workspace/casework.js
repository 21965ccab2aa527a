// The case's workflow under its header: status with a reason, priority, owner, labels and a
// follow-up day, changed together and shown live (PATCH /cases/<id>).
import { send } from "/static/js/api.js";
import { t } from "/static/js/i18n.js";
import { fill, h } from "./dom.js";
import { me } from "./format.js";

const STATUSES = ["open", "pending", "resolved", "closed"];
const PRIORITIES = ["low", "normal", "high", "urgent"];
const WORDS = { open: t("open"), pending: t("pending"), resolved: t("resolved"), closed: t("closed"),
  low: t("low"), normal: t("normal"), high: t("high"), urgent: t("urgent") };
const label = (code) => WORDS[code] || code;
// As crm.models.customers.FINISHED_STATUSES: moving a case there needs a reason.
const NEEDS_REASON = ["resolved", "closed"];

export const patch = async (path, body) => (await send("PATCH", path, body)).data;

const labelsOf = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);

export class CaseWorkflow {
  constructor(root, onChanged = () => {}) {
    this.root = root;
    this.onChanged = onChanged;
    this.case = null;
  }

  clear() {
    this.case = null;
    fill(this.root);
  }

  // A live update repaints, unless the agent is half-way through changing something.
  render(c) {
    if (this.case && this.case.id === c.id && this.root.contains(document.activeElement)) {
      this.case = c;
      return;
    }
    this.case = c;
    const status = h("select", { id: "case-status-select", "aria-label": t("Status") },
      STATUSES.map((s) => h("option", { value: s, selected: s === c.status }, label(s))));
    const reason = h("input", { id: "case-status-reason", maxlength: 500, "aria-label": t("Reason"),
      placeholder: t("Why (needed to resolve or close)"), hidden: true });
    status.addEventListener("change", () => {
      reason.hidden = status.value === c.status;
      if (!reason.hidden) reason.focus();
    });
    const priority = h("select", { id: "case-priority-select", "aria-label": t("Priority") },
      PRIORITIES.map((p) => h("option", { value: p, selected: p === c.priority }, label(p))));
    const labels = h("input", { id: "case-labels", "aria-label": t("Labels"), maxlength: 800,
      placeholder: t("labels, comma separated"), value: (c.labels || []).join(", ") });
    const followUp = h("input", { id: "case-follow-up", type: "date", "aria-label": t("Follow up on"),
      value: c.follow_up_on || "" });
    const error = h("span", { class: "error", id: "case-work-error", role: "alert" });
    const save = h("button", { type: "submit", id: "case-work-save", class: "small" }, t("Save"));
    const form = h("form", { class: "case-work", id: "case-work-form" },
      h("label", {}, t("Status"), " ", status), reason,
      h("label", {}, t("Priority"), " ", priority),
      h("label", {}, t("Labels"), " ", labels),
      h("label", {}, t("Follow up"), " ", followUp),
      this.ownerButton(c, error), save,
      c.status_reason ? h("span", { class: "muted", id: "case-status-why" }, ` ${label(c.status)}: ${c.status_reason}`) : null,
      error);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (save.disabled) return;
      const body = {};
      if (status.value !== c.status) Object.assign(body, { status: status.value, reason: reason.value || null });
      if (priority.value !== c.priority) body.priority = priority.value;
      const wanted = labelsOf(labels.value);
      if (wanted.join("\n") !== (c.labels || []).join("\n")) body.labels = wanted;
      if ((followUp.value || null) !== (c.follow_up_on || null)) body.follow_up_on = followUp.value || null;
      if (!Object.keys(body).length) return;
      if (body.status && NEEDS_REASON.includes(body.status) && !reason.value.trim()) {
        fill(error, t("Say why the case is %(status)s.", { status: label(body.status) }));
        reason.hidden = false;
        reason.focus();
        return;
      }
      await this.change(body, save, error);
    });
    fill(this.root, form);
  }

  // An agent takes an unowned case or hands back their own (a supervisor assigns others).
  ownerButton(c, error) {
    // A live update carries owner_id only: the name shown is the one that still matches.
    const mine = c.owner_id === me.id;
    const name = mine ? t("you") : c.owner?.id === c.owner_id ? c.owner?.name : `#${c.owner_id}`;
    const owner = c.owner_id ? t("Owner: %(name)s", { name }) : t("Unassigned");
    if (c.owner_id && !mine) return h("span", { class: "muted", id: "case-owner" }, owner);
    return h("span", { id: "case-owner" }, `${owner} `, h("button", {
      type: "button", class: "small secondary", id: mine ? "case-release" : "case-take",
      onclick: (e) => this.change({ owner_id: mine ? null : me.id }, e.currentTarget, error),
    }, mine ? t("Release") : t("Take")));
  }

  async change(body, button, error) {
    button.disabled = true;
    try {
      const c = await patch(`/cases/${this.case.id}`, body);
      fill(error);
      this.onChanged(c);
    } catch (err) {
      fill(error, err.message);
    } finally {
      button.disabled = false;
    }
  }
}
