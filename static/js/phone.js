// The browser phone: presence, offers (screen pop), call controls and wrap-up.
// Uses @twilio/voice-sdk when Twilio is configured; otherwise shows a simulated call, so the
// whole flow works in demo mode. Shares the tab's one /agent socket (agent-socket.js).
import { socket } from "/static/js/agent-socket.js";
import { get, post } from "/static/js/api.js";
import { confirmDialog } from "/static/js/workspace/dialogs.js";
import { day } from "/static/js/workspace/format.js";
import { label } from "/static/js/workspace/labels.js";

const ME = Number(document.querySelector('meta[name="caseline-user"]')?.content || 0);
const state = { offer: null, call: null, device: null, twilioCall: null, held: false,
                muted: false, paused: false, startedAt: 0, holdStartedAt: 0, holdMs: 0,
                available: false, tick: null };

const sheet = document.createElement("link");
sheet.rel = "stylesheet";
sheet.href = "/static/css/phone.css";
document.head.appendChild(sheet);

const bar = document.createElement("aside");
bar.id = "phone";
bar.className = "phone-bar";
bar.setAttribute("aria-label", "Phone");
bar.innerHTML = `
  <div class="phone-row">
    <strong>Phone</strong>
    <button type="button" id="phone-presence" class="secondary">Go available</button>
    <span id="phone-state" role="status">offline</span>
    <span class="spacer"></span>
    <button type="button" id="phone-simulate" class="link">Simulate a call</button>
  </div>
  <section id="phone-offer" hidden>
    <div class="phone-caller"><strong id="phone-offer-name"></strong>
      <span id="phone-offer-number"></span> · <a id="phone-offer-case"></a>
      · queue <span id="phone-offer-queue"></span></div>
    <div id="phone-offer-flags" class="phone-flags"></div>
    <ul id="phone-offer-recent" class="phone-recent"></ul>
    <button type="button" id="phone-answer" aria-keyshortcuts="p"
      title="Answer the call (key p)">Answer <kbd>p</kbd></button>
    <button type="button" id="phone-decline" class="secondary">Decline</button>
  </section>
  <section id="phone-call" hidden>
    <div class="phone-row"><span id="phone-call-label"></span>
      <a id="phone-call-case" hidden title="Show the caller's case"></a>
      <span id="phone-timer" class="muted"></span></div>
    <div class="phone-row">
      <button type="button" id="phone-hold">Hold</button>
      <button type="button" id="phone-resume" hidden>Resume</button>
      <button type="button" id="phone-mute" class="secondary">Mute</button>
      <button type="button" id="phone-pause-rec" class="secondary">Pause recording</button>
      <select id="phone-transfer-target" aria-label="Transfer to a queue or a colleague">
      </select>
      <label class="inline"><input type="checkbox" id="phone-warm"> warm</label>
      <button type="button" id="phone-transfer" class="secondary">Transfer</button>
      <button type="button" id="phone-transfer-complete" hidden>Complete transfer</button>
      <button type="button" id="phone-transfer-cancel" class="secondary" hidden>Back to caller</button>
      <button type="button" id="phone-end" class="danger">End</button>
    </div>
  </section>
  <form id="phone-wrapup" hidden>
    <label>Disposition <select id="phone-disposition" aria-required="true"></select></label>
    <span id="phone-promise" hidden>
      <label>Amount <input id="phone-promise-amount" size="8" placeholder="50.00"></label>
      <label>By <input id="phone-promise-due" type="date"></label>
    </span>
    <span id="phone-attorney" hidden>
      <label>Attorney <input id="phone-attorney-name" maxlength="200"></label>
      <label>Phone <input id="phone-attorney-phone" maxlength="40"></label>
    </span>
    <span id="phone-callback" hidden>
      <label>Call back at <input id="phone-callback-at" type="datetime-local"></label>
    </span>
    <label>Notes <textarea id="phone-notes" rows="2" maxlength="5000"></textarea></label>
    <button type="submit" id="phone-wrapup-submit">Finish wrap-up</button>
  </form>
  <p id="phone-message" class="muted" role="alert"></p>`;
document.body.appendChild(bar);
const $ = (id) => document.getElementById(id);

function say(text) { $("phone-message").textContent = text || ""; }
function setState(text) { $("phone-state").textContent = text; }
function show(section) {
  for (const id of ["phone-offer", "phone-call", "phone-wrapup"]) $(id).hidden = id !== section;
  // On a call or its wrap-up the state follows the call (the server refuses a change).
  $("phone-presence").disabled = section === "phone-call" || section === "phone-wrapup";
}

// Signed out (in another tab, or the session ended): this page can do nothing more.
function signedOut() {
  location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
}

// A button whose action is under way cannot be pressed again (a double click would send a
// second hold, or answer a call already answered); an error is said, never thrown.
function guarded(id, action) {
  const button = $(id);
  button.addEventListener("click", async (event) => {
    if (button.dataset.busy) return;
    button.dataset.busy = "1";
    button.disabled = true;
    try { await action(event); } catch (err) { say(err.message); } finally {
      delete button.dataset.busy;
      button.disabled = false;
    }
  });
}


// --- Twilio Device (only when the server can issue a token) ---------------------------
async function startDevice() {
  if (document.querySelector('meta[name="caseline-phone"]')?.content !== "twilio") {
    bar.dataset.mode = "simulated"; // no Twilio here: the server would refuse a token
    return;
  }
  let grant;
  try { grant = await post("/voice/token"); } catch (err) {
    bar.dataset.mode = "simulated";
    return;
  }
  await new Promise((ok, fail) => {
    const s = document.createElement("script");
    s.src = "/static/vendor/twilio.min.js"; s.onload = ok; s.onerror = fail;
    document.head.appendChild(s);
  });
  const device = new window.Twilio.Device(grant.token, { codecPreferences: ["opus", "pcmu"] });
  device.on("incoming", (call) => {
    // The server rang this browser into a call's conference (an accepted offer, a transfer,
    // a colleague's three-way call) or bridged it (outbound calls); answered at once.
    const params = call.customParameters || new Map();
    if (state.monitor && !state.call) {
      // A supervisor listening in from the board: a monitor, not a call of our own.
      state.monitorCall = call;
      call.accept();
      call.on("disconnect", () => { if (state.monitorCall === call) state.monitorCall = null; });
      return say(`${state.monitor.mode === "whisper" ? "Whispering on" : "Listening to"} `
                 + `call #${state.monitor.interaction_id}.`);
    }
    if (state.call || params.get("InteractionId")) {
      state.pendingIncoming = null;
      if (state.call) { state.twilioCall = call; call.accept(); } else state.pendingIncoming = call;
    } else {
      // A colleague brings us into their call (warm or cold transfer); it becomes ours when
      // call.transferred arrives.
      call.accept();
      state.briefing = call;
      say("A colleague is bringing you into a call they will transfer.");
    }
  });
  device.on("tokenWillExpire", async () => {
    device.updateToken((await post("/voice/token")).token);
  });
  device.on("error", (err) => say(`phone: ${err.message}`));
  await device.register();
  state.device = device;
  bar.dataset.mode = "twilio";
}

// --- presence and offers ---------------------------------------------------------------
// The state the server holds for us (set here, in another tab, by a call or a supervisor).
function presenceIs(status) {
  state.available = status === "available";
  $("phone-presence").textContent = state.available ? "Set away" : "Go available";
  if (!state.call && !state.offer) setState(status);
}

function connected() {
  socket.emit("presence.get", {}, (ack) => {
    const status = ack?.status || "offline";
    if (state.available && status === "offline") {
      // The server forgot us (it restarted): we were available, and say so again (a busy or
      // wrap-up status it remembers stands).
      socket.emit("presence.set", { status: "available" }, (a) => presenceIs(a?.ok ? a.status : "away"));
    } else {
      presenceIs(status === "offline" ? "away" : status); // a reloaded page: the server knows
    }
    if (!state.call) resumeCall();
  });
  // A call may be ringing for us already (the page reloaded, or the socket reconnected).
  socket.emit("offer.pending", {}, (ack) => { if (ack?.ok) ack.offers.forEach(offered); });
}
socket.on("connect", connected);
if (socket.connected) connected(); // the tab's shared socket may have connected already
socket.on("disconnect", (reason) => {
  setState("offline");
  if (reason === "io server disconnect") signedOut(); // the server ended this sign-in
});
socket.on("connect_error", (err) => { if (/unauthorized/.test(err.message)) signedOut(); });
socket.on("session.ended", signedOut);
socket.on("presence.updated", (p) => { if (p.user_id === ME) presenceIs(p.status); });

$("phone-presence").addEventListener("click", () => {
  const status = state.available ? "away" : "available";
  socket.emit("presence.set", { status }, (ack) => {
    if (!ack?.ok) return say(ack?.error?.message || "could not change status");
    presenceIs(ack.status);
  });
});

socket.on("offer.created", offered);

// offer id -> the latest attempt we were told is over. A call offered again (it rang out, or
// could not be bridged) is the same offer id with a higher attempt, and news of the earlier
// attempt can arrive after the new one: it must not silence the call ringing now.
const ended = new Map();

// Why a call stopped ringing for us: only a caller who hung up "left".
const GONE = {
  taken: "Another agent took the call.",
  abandoned: "The caller left.",
  voicemail: "Nobody answered in time: the caller was sent to voicemail.",
  expired: "Not answered in time: the call went back to the queue.",
  declined: "You passed on the call.",
  reassigned: "A supervisor gave the call to a colleague.",
  away: "You are away: the call went back to the queue.",
  offline: "You went offline: the call went back to the queue.",
};

function offered(pop) {
  if (pop.interaction?.medium !== "voice") return; // messages are worked from the case
  if (state.call) return; // one call at a time
  if (pop.attempt <= (ended.get(pop.offer_id) ?? 0)) return; // over already
  if (state.offer?.offer_id === pop.offer_id && state.offer.attempt > pop.attempt) return;
  state.offer = pop;
  $("phone-offer").dataset.attempt = pop.attempt;
  const name = pop.customer.display_name || "Unknown caller";
  $("phone-offer-name").textContent = name;
  // A caller known only by their number is not shown it twice.
  $("phone-offer-number").textContent = pop.interaction.from_addr === name ? ""
    : pop.interaction.from_addr || "";
  $("phone-offer-case").textContent = pop.case.reference;
  $("phone-offer-case").href = `/#case/${pop.case_id}`;
  $("phone-offer-queue").textContent = pop.queue;
  $("phone-offer-flags").textContent = pop.flags.length ? `Flags: ${pop.flags.join(", ")}` : "";
  const recent = $("phone-offer-recent");
  recent.replaceChildren(...pop.recent.map((r) => {
    const li = document.createElement("li");
    li.textContent = `${day(r.occurred_at)} ${label(r.medium)}: ${r.body.slice(0, 80)}`;
    return li;
  }));
  show("phone-offer");
  setState("incoming call");
  say("");
  window.dispatchEvent(new CustomEvent("caseline:screen-pop", { detail: pop }));
}

socket.on("offer.rescinded", (msg) => {
  ended.set(msg.offer_id, Math.max(msg.attempt, ended.get(msg.offer_id) ?? 0));
  // Another call, or a later offer of this one (already ringing): not what ended.
  if (state.offer?.offer_id !== msg.offer_id || state.offer.attempt > msg.attempt) return;
  if (msg.reason === "connect_failed") {
    // Twilio could not bridge the caller to us; the call went back to the queue.
    clearInterval(state.tick);
    Object.assign(state, { call: null, offer: null, twilioCall: null });
    show(null);
    setState(state.available ? "available" : "away");
    return say("The call could not be connected to your phone; it was offered again.");
  }
  if (state.call) return;
  state.offer = null;
  show(null);
  setState(state.available ? "available" : "away");
  say(GONE[msg.reason] || "The call is no longer offered to you.");
});

guarded("phone-answer", () => new Promise((done) => {
  const offer = state.offer;
  if (!offer) return done();
  socket.emit("offer.accept", { offer_id: offer.offer_id }, (ack) => {
    done();
    if (!ack?.ok) { show(null); return say(ack?.error?.message || "could not take the call"); }
    startCall(ack.interaction_id, `${offer.customer.display_name || offer.interaction.from_addr}`
      + (ack.simulated ? " (simulated call)" : ""));
    // Answering brings the caller's case back if the agent looked elsewhere while it rang.
    callCase(offer.case_id, offer.case?.reference, true);
  });
}));

// The key that answers the ringing call (shown on the button): not while typing in a field,
// where "p" is a letter.
const typing = (el) => el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
document.addEventListener("keydown", (e) => {
  if (e.key !== "p" || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
  if ($("phone-offer").hidden || !state.offer || document.querySelector("dialog[open]")) return;
  e.preventDefault();
  $("phone-answer").click();
});

// The phone bar names the call's case as a link: one click shows it again.
function callCase(caseId, reference, open = false) {
  const link = $("phone-call-case");
  link.hidden = !caseId;
  if (!caseId) return;
  link.textContent = reference ? `Case ${reference}` : "The caller's case";
  link.href = `/#case/${caseId}`;
  if (open) window.dispatchEvent(new CustomEvent("caseline:open-case", { detail: { case_id: caseId } }));
}

$("phone-decline").addEventListener("click", () => {
  if (!state.offer) return;
  socket.emit("offer.decline", { offer_id: state.offer.offer_id });
  state.offer = null;
  show(null);
  setState(state.available ? "available" : "away");
});

// --- the call ---------------------------------------------------------------------------
function startCall(interactionId, label) {
  $("phone-call-case").hidden = true; // until the call's case is known
  Object.assign(state, { call: interactionId, held: false, muted: false, paused: false,
                         startedAt: Date.now(), holdMs: 0, holdStartedAt: 0, threeWay: false });
  if (!state.twilioCall && state.briefing) state.twilioCall = state.briefing;  // rang first
  state.briefing = null;
  say("");
  $("phone-call-label").textContent = label;
  $("phone-hold").hidden = false; $("phone-resume").hidden = true;
  show("phone-call");
  setState("on call");
  clearInterval(state.tick);
  state.tick = setInterval(renderTimer, 1000);
  renderTimer();
  loadTransferTargets(interactionId);
}

// The transfer picker: the call's queues, then colleagues (available first) with their status.
async function loadTransferTargets(interactionId) {
  const select = $("phone-transfer-target");
  const option = (value, text) => Object.assign(document.createElement("option"), { value, text });
  const group = (label, options) => {
    const g = Object.assign(document.createElement("optgroup"), { label });
    g.append(...options);
    return g;
  };
  select.replaceChildren(option("", "Transfer to…"));
  let targets;
  try { targets = await get(`/calls/${interactionId}/transfer-targets`); } catch (err) {
    return say(`Transfer targets: ${err.message}`);
  }
  if (state.call !== interactionId) return;
  // Someone signed out or on another call cannot take it (the server refuses them too).
  select.append(
    group("Queues", targets.queues.map((q) => option(`queue:${q}`, q))),
    group("Colleagues", targets.agents.map((a) => colleague(
      option(`user:${a.id}`, ""), a.name, a.status))));
}

const STATE_WORDS = { available: "available", busy: "on a call", "wrap-up": "wrapping up",
                      away: "away", offline: "signed out" };
function colleague(el, name, status) {
  return Object.assign(el, { title: name, text: `${name} (${STATE_WORDS[status] || status})`,
    disabled: status === "offline" || status === "busy" });
}

// Colleagues' states as they change (colleague.presence): the picker never offers someone
// who just took a call or signed out.
socket.on("colleague.presence", (p) => {
  const el = $("phone-transfer-target").querySelector(`option[value="user:${p.user_id}"]`);
  if (el) colleague(el, el.title, p.status);
});

function renderTimer() {
  const held = state.holdMs + (state.held ? Date.now() - state.holdStartedAt : 0);
  const talk = Math.max(0, Date.now() - state.startedAt - held);
  const fmt = (ms) => new Date(ms).toISOString().slice(14, 19);
  $("phone-timer").textContent = `talk ${fmt(talk)} · hold ${fmt(held)}`;
}

function control(path, body) {
  return post(`/calls/${state.call}/${path}`, body);
}

guarded("phone-hold", async () => {
  await control("hold");
  Object.assign(state, { held: true, holdStartedAt: Date.now() });
  $("phone-hold").hidden = true; $("phone-resume").hidden = false;
  setState("on hold");
});

guarded("phone-resume", async () => {
  await control("resume");
  state.holdMs += Date.now() - state.holdStartedAt;
  state.held = false;
  $("phone-hold").hidden = false; $("phone-resume").hidden = true;
  setState("on call");
});

$("phone-mute").addEventListener("click", () => {
  // Mute is the browser's microphone: nothing to tell the server.
  state.muted = !state.muted;
  state.twilioCall?.mute(state.muted);
  $("phone-mute").textContent = state.muted ? "Unmute" : "Mute";
});

guarded("phone-pause-rec", async () => {
  await control("recording", { paused: !state.paused });
  state.paused = !state.paused;
  $("phone-pause-rec").textContent = state.paused ? "Resume recording" : "Pause recording";
});

guarded("phone-transfer", async () => {
  const select = $("phone-transfer-target");
  const [kind, target] = select.value.split(/:(.*)/s);
  if (!target) return say("Choose a queue or a colleague to transfer to.");
  const toAgent = kind === "user";
  const warm = toAgent && $("phone-warm").checked;
  const body = toAgent ? { user_id: Number(target), warm } : { queue: target };
  const who = toAgent ? select.selectedOptions[0].title : target;
  const out = await control("transfer", body);
  if (warm && out.three_way) {
    // The colleague joins us and the caller in the call's conference; we leave on complete.
    state.threeWay = true;
    setState("consulting");
    say(`${who} joins you and the caller; complete the transfer to leave them.`);
    toggleConsult(true);
    return;
  }
  state.twilioCall?.disconnect();
  if (warm) {
    // The caller holds; ring the colleague to brief them, then complete or go back.
    if (state.device && out.consult) state.twilioCall = await state.device.connect({ params: out.consult });
    Object.assign(state, { held: true, holdStartedAt: Date.now() });
    setState("consulting");
    say(`Briefing ${who}; the caller is on hold.`);
    toggleConsult(true);
    return;
  }
  say(`Transferred to ${who}.`);
  await wrapUp();
});

function toggleConsult(on) {
  $("phone-transfer-complete").hidden = !on;
  $("phone-transfer-cancel").hidden = !on;
  for (const id of ["phone-hold", "phone-transfer", "phone-end"]) $(id).hidden = on;
  $("phone-resume").hidden = true;
}

guarded("phone-transfer-complete", async () => {
  await control("transfer/complete");
  state.twilioCall?.disconnect();
  toggleConsult(false);
  say("Transferred after briefing.");
  await wrapUp();
});

guarded("phone-transfer-cancel", async () => {
  await control("transfer/cancel");
  if (state.threeWay) state.threeWay = false;  // the colleague left; we never did
  else {
    state.twilioCall?.disconnect();
    state.holdMs += Date.now() - state.holdStartedAt;
  }
  state.held = false;
  toggleConsult(false);
  setState("on call");
  say("Back with the caller.");
});

socket.on("call.transferred", (pop) => {
  // A colleague handed us a call: it is ours now (the phone rings with it).
  if (state.call) return say("A colleague transferred a call to you while you were busy.");
  state.offer = pop;
  startCall(pop.interaction_id, `${pop.customer.display_name || pop.interaction.from_addr}`
    + " (transferred)" + (state.device ? "" : " (simulated call)"));
  callCase(pop.case_id, pop.case?.reference);
  if (state.pendingIncoming) {
    state.twilioCall = state.pendingIncoming;
    state.pendingIncoming = null;
    state.twilioCall.accept();
  }
  window.dispatchEvent(new CustomEvent("caseline:screen-pop", { detail: pop }));
});

guarded("phone-end", async () => {
  await control("end");
  state.twilioCall?.disconnect();
  say("");
  await wrapUp();
});

// After a reload: the call we are on (its controls and timers) or the wrap-up it still needs.
async function resumeCall() {
  const mine = await get("/voice/my-call").catch(() => ({}));
  const item = mine.interaction;
  if (!item || state.call) return;
  // The workspace shows the call's case again, as the screen pop did.
  window.dispatchEvent(new CustomEvent("caseline:open-case", { detail: { case_id: item.case_id } }));
  const t = mine.timers || {};
  if (!mine.live) {
    state.call = item.id;
    say("This call still needs its wrap-up.");
    return wrapUp();
  }
  startCall(item.id, `${mine.label || "Call"} (resumed)`);
  callCase(item.case_id);
  // The reload dropped the browser's audio leg: once the phone is registered again, the
  // server rings it back into the call (answered at once, as state.call is set).
  deviceReady.then(() => state.device && state.call === item.id
    && post(`/calls/${item.id}/rejoin`).catch((err) => say(err.message)));
  const held = Boolean(t.hold_started_at);
  Object.assign(state, {
    startedAt: Date.parse(mine.answered_at) || Date.now(), held, paused: mine.recording_paused,
    holdMs: (t.hold_seconds || 0) * 1000,
    holdStartedAt: held ? Date.parse(t.hold_started_at) : 0,
  });
  $("phone-hold").hidden = held; $("phone-resume").hidden = !held;
  $("phone-pause-rec").textContent = state.paused ? "Resume recording" : "Pause recording";
  if (held) setState("on hold");
  renderTimer();
}

async function wrapUp() {
  clearInterval(state.tick);
  const codes = await get(`/calls/${state.call}/dispositions`).catch(() => ({ items: [] }));
  const select = $("phone-disposition");
  select.replaceChildren(new Option("Choose…", ""),
    ...codes.items.map((c) => new Option(c.label, c.code)));
  $("phone-notes").value = "";
  for (const id of ["phone-promise-amount", "phone-attorney-name", "phone-attorney-phone"]) $(id).value = "";
  $("phone-promise-due").value = "";
  $("phone-callback-at").value = "";
  askDetails();
  show("phone-wrapup");
  setState("wrap-up");
}

// A collections code asks what it records: a promise's amount and day, the attorney.
function askDetails() {
  const code = $("phone-disposition").value;
  $("phone-promise").hidden = code !== "promise_to_pay";
  $("phone-attorney").hidden = code !== "attorney";
  $("phone-callback").hidden = code !== "callback"; // "Callback arranged": when (a task is made)
}
$("phone-disposition").addEventListener("change", askDetails);

function details(code) {
  if (code === "promise_to_pay") {
    const match = /^\s*\$?\s*(\d+)(?:\.(\d{1,2}))?\s*$/.exec($("phone-promise-amount").value.replaceAll(",", ""));
    return { amount_cents: match ? Number(match[1]) * 100 + Number((match[2] || "0").padEnd(2, "0")) : null,
             due_on: $("phone-promise-due").value || null };
  }
  if (code === "callback") {
    const at = $("phone-callback-at").value;
    return { callback_at: at ? new Date(at).toISOString() : null };
  }
  if (code === "attorney") {
    return { attorney_name: $("phone-attorney-name").value, attorney_phone: $("phone-attorney-phone").value || null };
  }
  return {};
}

$("phone-wrapup").addEventListener("submit", async (event) => {
  event.preventDefault();
  const disposition = $("phone-disposition").value;
  if (!disposition) return say("Choose a disposition to finish the call.");
  // A promise's amount and day are the agent's to give: say what is missing in plain words
  // (an unreadable amount is not "an amount above 0", an empty day not a "valid date").
  if (disposition === "promise_to_pay") {
    const { amount_cents: value, due_on: due } = details(disposition);
    if (!value) return say("Write the promised amount, e.g. 50.00");
    if (!due) return say("Pick the day they will pay by");
  }
  const submit = $("phone-wrapup-submit");
  if (submit.disabled) return; // sent already (Enter pressed twice)
  submit.disabled = true;
  try {
    await post(`/calls/${state.call}/wrap-up`,
              { disposition, notes: $("phone-notes").value, ...details(disposition) });
  } catch (err) { return say(err.message); } finally { submit.disabled = false; }
  Object.assign(state, { call: null, offer: null, twilioCall: null });
  show(null);
  setState(state.available ? "available" : "away");
  say("Call wrapped up.");
});

// --- click-to-call and the demo simulator ----------------------------------------------
// Before dialling a debtor the phone says how many call attempts the week has left (the
// 7-in-7 rule); a refused call is still asked for, so the server keeps it for an override.
export async function dial(caseId, to) {
  const allowance = await get(`/cases/${caseId}/call-allowance`).catch(() => null);
  const left = allowance?.limited ? ` · ${allowance.calls_left} of ${allowance.calls_per_week} calls left this week` : "";
  if (left) say(`Calls left this week: ${allowance.calls_left} of ${allowance.calls_per_week}`);
  const out = await post(`/cases/${caseId}/calls`, to ? { to } : {});
  if (state.device) {
    state.call = out.interaction.id;
    state.twilioCall = await state.device.connect({ params: out.params });
  }
  startCall(out.interaction.id, `Calling ${out.params.To}` + (state.device ? "" : " (simulated)") + left);
  callCase(Number(caseId));
  return out;
}
document.addEventListener("click", (event) => {
  const el = event.target.closest("[data-click-to-call]");
  if (!el) return;
  event.preventDefault();
  dial(el.dataset.caseId, el.dataset.number).catch((err) => say(err.message));
});

$("phone-simulate").addEventListener("click", async () => {
  try {
    await post("/voice/simulate", {});
    if (!state.offer && !state.call) say("A simulated call is on its way."); // not rung yet
  } catch (err) { say(err.message); }
});

// The board says when its supervisor listens in (detail {interaction_id, mode}) or stops.
window.addEventListener("caseline:monitor", (event) => {
  state.monitor = event.detail;
  if (!event.detail) { state.monitorCall?.disconnect(); state.monitorCall = null; }
});

// Signing out on a call would leave the caller with nobody: ask first.
for (const form of document.querySelectorAll('form[action$="/logout"]')) {
  form.addEventListener("submit", (event) => {
    if (!state.call) return;
    const live = !$("phone-call").hidden;
    const ask = live ? "You are on a call: signing out leaves the caller with nobody. Sign out?"
      : "This call still needs its wrap-up. Sign out without it?";
    event.preventDefault(); // the answer comes later, from the dialog
    confirmDialog({ id: "sign-out-dialog", title: live ? "Sign out during a call" : "Sign out before the wrap-up",
      body: ask, confirmLabel: "Sign out", danger: true }).then((yes) => { if (yes) form.submit(); });
  });
}

// onCall: is a call (or its wrap-up) in hand? Offered work then leaves the call's case on screen.
window.caselinePhone = { dial, socket, onCall: () => Boolean(state.call) }; // socket: for tests
const deviceReady = startDevice().catch((err) => say(`phone: ${err.message}`));
