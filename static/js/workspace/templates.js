// WhatsApp outside the 24-hour window: a free-form reply is refused, so the composer offers
// "WhatsApp template…" (next to the files and canned replies, taking no room of the
// timeline's). Its dialog says why, lists the client's approved templates with their variables
// filled in from the case, and "Send template" sends the chosen one (Twilio's ContentSid and
// ContentVariables).
import { get, post } from "/static/js/api.js";
import { replyOption } from "/static/js/composer-messaging.js";
import { fill, h } from "./dom.js";

const form = document.getElementById("composer");
const tools = form.querySelector("#composer-tools")
  || form.appendChild(h("div", { id: "composer-tools", class: "composer-tools" }));
const open = h("button", { type: "button", id: "composer-template-open", class: "secondary",
  hidden: true }, "WhatsApp template…");
tools.append(open);

const pick = h("select", { id: "composer-template" });
const preview = h("p", { id: "composer-template-preview", class: "template-preview" });
const why = h("p", { id: "composer-template-why" });
const sendButton = h("button", { type: "button", id: "composer-template-send" }, "Send template");
const problem = h("p", { class: "composer-error", role: "alert" });
const dialog = h("dialog", { id: "composer-templates", class: "composer-templates",
  "aria-labelledby": "composer-templates-title" },
  h("h2", { id: "composer-templates-title" }, "Send a WhatsApp template"), why,
  h("label", { for: "composer-template" }, "Template"), pick, preview, problem,
  h("div", { class: "actions" }, sendButton,
    h("form", { method: "dialog" }, h("button", { type: "submit", class: "secondary" }, "Cancel"))));
document.body.append(dialog);

let items = [];
const ws = () => window.caseline;

function show(item) {
  fill(preview, item ? item.body : "");
  const missing = item?.missing?.length ? `This case has no value for ${item.missing.join(", ")}.` : "";
  fill(problem, missing);
  sendButton.disabled = !item || Boolean(missing);
}

// Offered only while the reply window alone bars WhatsApp on the open case.
function update() {
  const caseId = ws()?.composer?.caseId;
  const option = caseId ? replyOption(caseId, "whatsapp") : null;
  open.hidden = !option?.window_closed;
  open.title = option?.window_closed ? option.reason : "";
}

open.addEventListener("click", async () => {
  const caseId = ws()?.composer?.caseId;
  const option = caseId ? replyOption(caseId, "whatsapp") : null;
  if (!caseId) return;
  fill(why, `${option?.reason || "WhatsApp's 24-hour window has closed"}. An approved template `
    + "can still be sent.");
  fill(pick, h("option", { value: "" }, "Loading templates…"));
  show(null);
  dialog.showModal();
  try {
    ({ items } = await get(`/cases/${caseId}/whatsapp-templates`));
  } catch (err) {
    items = [];
    fill(pick, h("option", { value: "" }, "No templates"));
    fill(problem, err.message);
    return;
  }
  fill(pick, items.length ? items.map((t) => h("option", { value: String(t.id) },
    `${t.name}${t.language ? ` (${t.language})` : ""}`))
    : h("option", { value: "" }, "No approved templates for this case"));
  show(items[0] || null);
});

pick.addEventListener("change", () => show(items.find((t) => String(t.id) === pick.value)));
sendButton.addEventListener("click", async () => {
  const composer = ws()?.composer;
  const item = items.find((t) => String(t.id) === pick.value);
  if (!composer?.caseId || !item) return;
  sendButton.disabled = true;
  fill(problem);
  try {
    const sent = await post(`/cases/${composer.caseId}/messages`,
      { medium: "whatsapp", template_id: item.id, body: item.body });
    composer.onSent(sent);
    dialog.close();
  } catch (err) {
    fill(problem, err.message);
  } finally {
    sendButton.disabled = false;
  }
});

form.addEventListener("composer:options", update);
document.getElementById("composer-medium").addEventListener("composer:refreshed", update);
