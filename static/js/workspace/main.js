// The agent workspace: worklist | case | customer, one search box, live over /agent.
import { socket } from "../console.js";
import { CaseWorkflow } from "./casework.js";
import { CaseView } from "./caseview.js";
import { ClaimPanel } from "./claims.js";
import { Composer } from "./composer.js";
import { CustomerPane } from "./customer.js";
import { NewCustomer } from "./customer-edit.js";
import { DebtPanel } from "./debts.js";
import { get } from "/static/js/api.js";
import { $, fill, h } from "./dom.js";
import { holds } from "./format.js";
import { ExportPanel } from "./exports.js";
import { FraudPanel } from "./flags.js";
import { SHORTCUTS, bindKeys } from "./keys.js";
import { InvestigationPanel } from "./investigation.js";
import { KnowledgePanel } from "./knowledge.js";
import { Notifications } from "./notifications.js";
import { Offers } from "./offers.js";
import { PlaybookPanel } from "./playbook.js";
import { Search } from "./search.js";
import { SideColumn } from "./side.js";
import { CaseTasks, MyTasks } from "./tasks.js";
import { Timeline } from "./timeline.js";
import { Worklist } from "./worklist.js";

const openCase = (id) => { window.location.hash = `case/${id}`; };

const timeline = new Timeline({
  list: $("#timeline"), sentinel: $("#timeline-end"), scroller: $("#timeline-scroll"),
  status: $("#timeline-status"),
});
const composer = new Composer({
  form: $("#composer"), onSent: (item) => timeline.upsert(item),
  lastSubject: (medium) => timeline.latest((item) => item.medium === medium && item.subject)?.subject,
});
const customerPane = new CustomerPane($("#customer-pane"), (customer) => {
  if (customer.case_id === view.caseId) composer.setContext({ customer });
});
const view = new CaseView({
  root: $("#case-view"), header: $("#case-header"), digest: $("#case-digest"),
  viewers: $("#viewers"), timeline, composer, customerPane, debtPanel: new DebtPanel($("#debt-panel")),
  exportPanel: new ExportPanel($("#case-export"), socket),
  claimPanel: new ClaimPanel($("#claim-panel")),
  fraudPanel: new FraudPanel($("#fraud-panel")),
});
const worklist = new Worklist($("#worklist"), openCase);
const investigation = new InvestigationPanel($("#investigation-panel"), $("#fraud-queue"), openCase);
// Case work (issue 21): the workflow and tasks panels follow the case header.
const workflow = new CaseWorkflow($("#case-work"), (c) => view.onCase({ case_id: c.id, case: c }));
const caseTasks = new CaseTasks($("#case-tasks"));
// Playbooks and the knowledge base (issue 25): a step's article opens in the KB panel.
const knowledge = new KnowledgePanel($("#kb-panel"));
const playbook = new PlaybookPanel($("#playbook-panel"), (id) => knowledge.openArticle(id));
view.onHeader = (c) => {
  workflow.render(c);
  if (caseTasks.caseId !== c.id) caseTasks.open(c.id);
  if (playbook.caseId !== c.id) { playbook.open(c.id, c.client_id); knowledge.open(c.id); } else playbook.refresh();
};
customerPane.onMerged = () => view.reopen(view.caseId);
const myTasks = new MyTasks({ button: $("#my-tasks-button"), dialog: $("#my-tasks-dialog"), openCase });
new NewCustomer({ button: $("#new-customer-button"), dialog: $("#new-customer-dialog"), openCase });
const search = new Search({ input: $("#search"), results: $("#search-results"), openCase });
// On a call (phone.js), accepted work waits in the tray: the caller's case stays on screen.
const onCall = () => Boolean(window.caselinePhone?.onCall?.());
const offers = new Offers({ root: $("#work-offers"), tray: $("#work-in-hand"), socket, openCase, onCall });
const notifications = new Notifications({ socket, before: $("#help-button"), openCase });
const sheet = $("#shortcuts");
fill($("#shortcut-list"), SHORTCUTS.map(([key, what]) => [h("dt", {}, h("kbd", {}, key)), h("dd", {}, what)]));
$("#help-button").addEventListener("click", () => sheet.showModal());
bindKeys({ search, timeline, composer, sheet, offers });
customerPane.clear();
new SideColumn({
  workspace: $("#app"), left: $("#left-column"), splitter: $("#side-splitter"), pane: $("#side-pane"),
  nav: $("#side-nav"), scroller: $("#side-scroll"), details: $("#case-details"), caseView: $("#case-view"),
});

let watching = null;

// Join the case room; once joined, fetch anything newer than what is on screen, so an item
// created between our page load and the join (or while offline) still shows, exactly once.
function join(caseId) {
  socket.emit("case.watch", { case_id: caseId }, (ack) => {
    if (ack?.ok && view.caseId === caseId) {
      view.timeline.catchUp().catch(() => {});
    }
  });
}

function watch(caseId) {
  if (watching && watching !== caseId) socket.emit("case.unwatch", { case_id: watching });
  watching = caseId;
  if (caseId && socket.connected) join(caseId);
}

// "#case/<id>": the id as a number when it is a positive safe integer, else null (no case by
// that name: "abc", "27/x", or digits past what a number holds exactly, like 1e+23).
function caseIdFromHash(hash) {
  const match = /^#case\/(.*)$/.exec(hash);
  if (!match) return undefined;
  const id = /^[1-9]\d*$/.test(match[1]) ? Number(match[1]) : NaN;
  return Number.isSafeInteger(id) ? id : null;
}

async function route() {
  const caseId = caseIdFromHash(window.location.hash);
  if (caseId === undefined) return;
  if (caseId === null) {
    watch(null);
    workflow.clear();
    caseTasks.open(null);
    playbook.open(null);
    view.showMissing("No such case: the link does not name one.");
    return;
  }
  if (caseId === view.caseId) return;
  watch(caseId);
  investigation.open(caseId);
  await view.open(caseId);
  worklist.load();
}

// Every (re)connection re-joins the open case's room and fetches what was missed meanwhile.
let connectedBefore = false;
socket.on("connect", () => {
  if (watching) join(watching);
  if (connectedBefore && view.caseId) view.loadDigest();
  connectedBefore = true;
});
// A change to a case on the collections list (a payment, a promise, a call's disposition)
// may move its row or take it off: the list follows, as it does for sign-offs.
const followWorklist = (p) => { if (worklist.showsCase(p.case_id)) worklist.soon(); };
socket.on("interaction.created", (p) => {
  view.onInteraction(p); unveil(p); followWorklist(p); customerPane.onCall(p);
});
socket.on("interaction.updated", (p) => { view.onInteraction(p); followWorklist(p); customerPane.onCall(p); });
socket.on("case.updated", (p) => {
  view.onCase(p);
  followWorklist(p);
  if (p.case_id === view.caseId) investigation.refresh();
});
socket.on("blocked_attempt.created", (p) => customerPane.onBlocked(p));
socket.on("blocked_attempt.updated", (p) => customerPane.onBlocked(p));
socket.on("case.viewers", (p) => view.onViewers(p));
for (const name of ["task.created", "task.updated"]) {
  socket.on(name, (p) => { caseTasks.onTask(p); myTasks.load(); worklist.load(); });
}
socket.on("customer.updated", (p) => {
  if (p.case_id === view.caseId) customerPane.open(p.customer_id);
});

// The case room's payloads veil an investigation's entries for everyone; whoever may read them
// fetches them in full.
function unveil(p) {
  if (p.case_id !== view.caseId || p.interaction?.body !== "under review"
      || !holds("fraud", "supervisor", "reviewer")) return;
  get(`/cases/${p.case_id}/timeline?limit=5`).then((page) => {
    if (p.case_id === view.caseId) page.items.forEach((item) => timeline.upsert(item));
  }).catch(() => {});
}

// A call's screen pop (an offer, or a call a colleague hands over) opens the caller's case, so
// its history is on screen before the agent answers; the composer keeps each case's draft.
window.addEventListener("caseline:screen-pop", (e) => openCase(e.detail.case_id));
// The phone resuming a call after a reload asks for the caller's case the same way.
window.addEventListener("caseline:open-case", (e) => openCase(e.detail.case_id));
window.addEventListener("hashchange", route);
worklist.load();
route();

// For tests and the browser console: the live pieces of this page.
window.caseline = { socket, view, timeline, search, composer, offers, notifications, playbook, knowledge };
