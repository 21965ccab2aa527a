// Tasks: the open case's list (add, done, snooze) and "My tasks" in the top bar, both kept live
// by the task.created / task.updated socket events.
import { get, post, qs } from "/static/js/api.js";
import { patch } from "./casework.js";
import { fill, h } from "./dom.js";
import { me, when } from "./format.js";
import { label, person } from "./labels.js";
import { CHANGED } from "./worklist.js";

const SNOOZE_HOURS = 24;
const iso = (local) => (local ? new Date(local).toISOString() : null);
const due = (t) => t.due_at && Date.parse(t.due_at) <= Date.now();

function taskMeta(t) {
  const who = t.assignee_id ? (t.assignee_id === me.id ? "you" : person(t.assignee?.name)) : t.team_id ? (t.team?.name || "a team") : `${label(t.queue) || "nobody"} queue`;
  return `${label(t.kind)} · ${t.due_at ? `due ${when(t.due_at)}` : "no due date"} · for ${who}`;
}

// Done and snooze buttons for one task; after either, refresh() paints the lists again.
function actions(t, refresh, error) {
  const act = async (body, button) => {
    button.disabled = true;
    try {
      await patch(`/tasks/${t.id}`, body);
      refresh();
      window.dispatchEvent(new Event(CHANGED));
    } catch (err) { fill(error, err.message); } finally { button.disabled = false; }
  };
  return [
    h("button", { type: "button", class: "small task-done", onclick: (e) => act({ status: "done" }, e.currentTarget) }, "Done"),
    " ",
    h("button", { type: "button", class: "small secondary task-snooze", title: `Snooze for ${SNOOZE_HOURS} hours`,
      onclick: (e) => act({ status: "snoozed", snoozed_until: new Date(Date.now() + SNOOZE_HOURS * 3600e3).toISOString() },
        e.currentTarget) }, "Snooze 1 day"),
  ];
}

export class CaseTasks {
  constructor(root) {
    this.root = root;
    this.caseId = null;
  }

  async open(caseId) {
    this.caseId = caseId;
    if (!caseId) { fill(this.root); return; }
    try {
      const { items } = await get(`/tasks?${qs({ case_id: caseId })}`);
      if (caseId === this.caseId) this.render(items);
    } catch (err) {
      if (caseId === this.caseId) fill(this.root, h("p", { class: "error" }, err.message));
    }
  }

  render(items) {
    const error = h("span", { class: "error", id: "task-error", role: "alert" });
    const title = h("input", { id: "task-title", maxlength: 300, placeholder: "New task", "aria-label": "Task" });
    const dueAt = h("input", { id: "task-due", type: "datetime-local", "aria-label": "Due" });
    const form = h("form", { class: "task-form", id: "task-form" }, title, " ", dueAt, " ",
      h("button", { type: "submit", class: "small" }, "Add task"));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const add = form.querySelector("button");
      if (add.disabled) return;
      add.disabled = true;
      try {
        await post("/tasks", { case_id: this.caseId, title: title.value, due_at: iso(dueAt.value) });
        this.open(this.caseId);
        window.dispatchEvent(new Event(CHANGED));
      } catch (err) { fill(error, err.message); } finally { add.disabled = false; }
    });
    fill(this.root, h("h3", {}, "Tasks ", h("span", { class: "count" }, String(items.length))),
      h("ul", { class: "case-tasks", id: "case-task-list" }, items.map((t) =>
        h("li", { class: `task${due(t) ? " due" : ""}`, dataset: { id: t.id } },
          h("span", { class: "task-title" }, t.title), " ",
          h("span", { class: "muted" }, taskMeta(t)), " ", actions(t, () => this.open(this.caseId), error)))),
      form, error);
  }

  onTask(payload) {
    if (payload.case_id === this.caseId) this.open(this.caseId);
  }
}

// "My tasks": a page at a time (a busy handler has hundreds), each with whose case it is;
// a page is the hundred the list used to stop at.
const MY_PAGE = 100;

export class MyTasks {
  constructor({ button, dialog, openCase }) {
    Object.assign(this, { button, dialog, openCase });
    this.page = 1;
    button.addEventListener("click", () => { this.page = 1; this.load(); dialog.showModal(); });
    this.load();
  }

  async load() {
    try {
      const found = await get(`/tasks?${qs({ assignee: "me", limit: MY_PAGE, page: this.page })}`);
      if (!found.items.length && this.page > 1 && found.pages) { // done the last of a page
        this.page = found.pages;
        return this.load();
      }
      this.render(found);
    } catch (err) {
      fill(this.dialog.querySelector(".my-tasks-list"), h("p", { class: "error" }, err.message));
    }
  }

  render({ items, total, page, pages }) {
    fill(this.button.querySelector(".count"), String(total));
    const error = h("span", { class: "error", role: "alert" });
    const go = (to) => { this.page = to; this.load(); };
    fill(this.dialog.querySelector(".my-tasks-list"), items.length
      ? [h("ul", { id: "my-task-list" }, items.map((t) => h("li", { class: `task${due(t) ? " due" : ""}`, dataset: { id: t.id } },
        h("button", { type: "button", class: "link", onclick: () => { this.dialog.close(); this.openCase(t.case_id); } }, t.title),
        h("div", { class: "task-whose" }, h("strong", {}, t.customer_name || ""), ` · ${t.case_reference || ""}`),
        h("span", { class: "muted" }, taskMeta(t)), " ", actions(t, () => this.load(), error)))),
      pages > 1 ? h("p", { class: "my-tasks-pager" },
        h("button", { type: "button", class: "small secondary", disabled: page <= 1, onclick: () => go(page - 1) }, "‹ Prev"),
        ` page ${page} of ${pages} (${total} tasks) `,
        h("button", { type: "button", class: "small secondary", disabled: page >= pages, onclick: () => go(page + 1) }, "Next ›"))
        : null]
      : h("p", { class: "muted" }, "No open tasks."), error);
  }
}
