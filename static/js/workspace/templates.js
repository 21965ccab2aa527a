// WhatsApp outside the 24-hour window: a free-form reply is refused, so the composer says why
// and offers the client's approved templates instead, their variables filled in from the
// case; "Send template" sends the chosen one (Twilio's ContentSid and ContentVariables).
import { get, post } from "/static/js/api.js";
import { replyOption } from "/static/js/composer-messaging.js";
import { fill, h } from "./dom.js";

const form = document.getElementById("composer");
const pick = h("select", { id: "composer-template", "aria-label": "WhatsApp template" });
const preview = h("p", { id: "composer-template-preview", class: "template-preview" });
const why = h("p", { id: "composer-template-why", class: "muted" });
const sendButton = h("button", { type: "button", id: "composer-template-send" }, "Send template");
const problem = h("p", { class: "composer-error", role: "alert" });
const panel = h("fieldset", { id: "composer-templates", class: "composer-templates", hidden: true },
  h("legend", {}, "WhatsApp template"), why,
  h("label", { for: "composer-template" }, "Template"), pick, preview, sendButton, problem);
form.append(panel);

let items = [];
let shownFor = null;
const ws = () => window.caseline;

function show(item) {
  fill(preview, item ? item.body : "");
  const missing = item?.missing?.length ? `This case has no value for ${item.missing.join(", ")}.` : "";
  fill(problem, missing);
  sendButton.disabled = !item || Boolean(missing);
}

async function update() {
  const caseId = ws()?.composer?.caseId;
  const option = caseId ? replyOption(caseId, "whatsapp") : null;
  if (!option?.window_closed) { panel.hidden = true; shownFor = null; return; }
  panel.hidden = false;
  fill(why, `${option.reason}. You can still send one of the approved templates below.`);
  if (shownFor === caseId) return;
  shownFor = caseId;
  fill(pick, h("option", { value: "" }, "Loading templates…"));
  show(null);
  try {
    ({ items } = await get(`/cases/${caseId}/whatsapp-templates`));
  } catch (err) {
    items = [];
    fill(pick, h("option", { value: "" }, "No templates"));
    fill(problem, err.message);
    return;
  }
  if (ws()?.composer?.caseId !== caseId) return;
  fill(pick, items.length ? items.map((t) => h("option", { value: String(t.id) },
    `${t.name}${t.language ? ` (${t.language})` : ""}`))
    : h("option", { value: "" }, "No approved templates for this case"));
  show(items[0] || null);
}

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
  } catch (err) {
    fill(problem, err.message);
  } finally {
    sendButton.disabled = false;
  }
});

form.addEventListener("composer:options", update);
document.getElementById("composer-medium").addEventListener("composer:refreshed", update);
