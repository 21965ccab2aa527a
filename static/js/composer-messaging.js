// Messaging in the workspace composer: SMS, WhatsApp, chat and email register as media of
// the case composer, offered only where the customer can be reached (reply-options), with the
// medium they last used preselected, and chat typing both ways. Files, WhatsApp templates and
// canned replies are parts of their own (workspace/attachments.js, templates.js, canned.js).
import { get, post } from "/static/js/api.js";
import { t } from "/static/js/i18n.js";
import { registerMedium } from "/static/js/workspace/composer.js";
import { h } from "/static/js/workspace/dom.js";

const LABELS = { sms: "SMS", whatsapp: "WhatsApp", chat: "Chat", email: "Email" };
const options = new Map(); // case id -> { byMedium: Map, preferred }
const form = document.getElementById("composer");
const body = document.getElementById("composer-body");
const select = document.getElementById("composer-medium");
const workspace = () => window.caseline;

const subject = h("input", { id: "composer-subject", name: "subject", maxlength: "900",
  placeholder: t("Subject"), "aria-label": t("Email subject"), hidden: "" });
const typing = h("div", { id: "composer-typing", class: "muted", "aria-live": "polite" });
form.insertBefore(subject, body);
form.append(typing);

// What reply-options said of a medium on a case (null until it has answered).
export const replyOption = (caseId, medium) => options.get(caseId)?.byMedium.get(medium) || null;

async function load(caseId) {
  try {
    const data = await get(`/cases/${caseId}/reply-options`);
    options.set(caseId, { byMedium: new Map(data.options.map((o) => [o.medium, o])),
                          preferred: data.default });
  } catch {
    options.set(caseId, { byMedium: new Map(), preferred: null });
  }
  const composer = workspace()?.composer;
  if (composer?.caseId !== caseId) return;
  composer.refresh();
  form.dispatchEvent(new CustomEvent("composer:options", { detail: { caseId } }));
  const { preferred } = options.get(caseId);
  if (preferred && select.value === "note" && !body.value) composer.start(preferred, false);
}

for (const [medium, label] of Object.entries(LABELS)) {
  registerMedium(medium, {
    label,
    files: true, // sends what the composer attached (attachment_ids)
    action: t("Send %(medium)s", { medium: label }),
    placeholder: t("Reply by %(medium)s…", { medium: label }),
    available(ctx) {
      if (!ctx.caseId) return false;
      const known = options.get(ctx.caseId);
      if (!known) { options.set(ctx.caseId, { byMedium: new Map() }); load(ctx.caseId); }
      return Boolean(known?.byMedium.get(medium)?.available);
    },
    // Why not (shown greyed out in the list): "opted out of sms", the 24-hour window, …
    unavailable(ctx) {
      const known = options.get(ctx.caseId)?.byMedium.get(medium);
      return known && !known.available ? known.reason : null;
    },
    // A chat that reaches a visitor nobody has verified says so in the list.
    labelFor(ctx) {
      return options.get(ctx.caseId)?.byMedium.get(medium)?.unverified ? t("%(medium)s (unverified)", { medium: label }) : label;
    },
    async send(caseId, text, _ctx, extra = {}) {
      const payload = { medium, body: text, ...extra };
      if (medium === "email") payload.subject = subject.value;
      try {
        return await post(`/cases/${caseId}/messages`, payload);
      } catch (err) {
        // Refused as things stand now (quiet hours began, an opt-out arrived): the list of
        // media is asked again, so it says so too.
        if (err.status === 409) load(caseId);
        throw err;
      }
    },
  });
}

// The subject box belongs to email only.
const showSubject = () => { subject.hidden = select.value !== "email"; };
select.addEventListener("change", showSubject);
select.addEventListener("composer:refreshed", showSubject);
new MutationObserver(showSubject).observe(select, { childList: true });

// Typing: ours goes to a chat visitor; theirs shows under the composer.
let lastTyping = 0;
let typingTimer = null;
body.addEventListener("input", () => {
  const ws = workspace();
  const now = Date.now();
  if (ws?.composer?.caseId && select.value === "chat" && now - lastTyping > 1500) {
    lastTyping = now;
    ws.socket.emit("typing", { case_id: ws.composer.caseId, typing: true });
  }
});

function attach() {
  const ws = workspace();
  if (!ws) { setTimeout(attach, 50); return; }
  ws.socket.on("typing", (p) => {
    if (p.case_id !== ws.composer.caseId) return;
    clearTimeout(typingTimer);
    typing.textContent = p.typing ? `${p.name} is typing…` : "";
    typingTimer = setTimeout(() => { typing.textContent = ""; }, 5000);
  });
  // A customer writing on a new medium (a first chat) makes it reachable: ask again. An
  // unverified chat visitor never draws the composer to their chat.
  ws.socket.on("interaction.created", (p) => {
    const item = p.interaction;
    if (item.direction !== "inbound" || !LABELS[item.medium]) return;
    const known = options.get(p.case_id)?.byMedium.get(item.medium);
    if (!known?.available || known.unverified !== item.unverified) {
      options.delete(p.case_id);
      load(p.case_id);
    } else if (!body.value && !item.unverified && ws.composer.caseId === p.case_id) {
      ws.composer.start(item.medium, false);
    }
  });
  // A chat verified or moved away: the list of media is asked again.
  ws.socket.on("case.updated", (p) => {
    options.delete(p.case_id);
    if (ws.composer.caseId === p.case_id) load(p.case_id);
  });
}
attach();
