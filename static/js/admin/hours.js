// The business hours page: load a client's (or a queue's) hours, edit them, save them whole.
// The server checks everything; its 422 names the field at fault, which is marked here.
import { ApiError, del, get, send } from "/static/js/api.js";

const $ = (id) => document.getElementById(id);
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const form = $("hours-form");

function target() {
  const queue = $("hours-queue").value;
  return { client_id: Number($("hours-client").value), queue_id: queue ? Number(queue) : null };
}

function query() {
  const t = target();
  return `client_id=${t.client_id}${t.queue_id ? `&queue_id=${t.queue_id}` : ""}`;
}

// Queues of another client are not offered for this one (shared queues are).
function filterQueues() {
  const client = $("hours-client").value;
  for (const opt of $("hours-queue").options) {
    if (!opt.value) continue;
    opt.hidden = opt.dataset.client !== "" && opt.dataset.client !== client;
  }
  if ($("hours-queue").selectedOptions[0]?.hidden) $("hours-queue").value = "";
}

function clearMarks() {
  $("hours-error").textContent = "";
  for (const el of form.querySelectorAll(".invalid")) {
    el.classList.remove("invalid");
    el.removeAttribute("aria-invalid");
  }
}

function mark(el, message) {
  el.classList.add("invalid");
  el.setAttribute("aria-invalid", "true");
  $("hours-error").textContent = message;
  el.focus();
}

function show(hours) {
  $("hours-timezone").value = hours.timezone;
  for (const day of DAYS) {
    $(`day-${day}`).value = (hours.weekly[day] || []).map(([a, b]) => `${a}-${b}`).join(", ");
  }
  $("hours-holidays").value = hours.holidays.join("\n");
  $("hours-announcement").value = hours.outside.voice_announcement;
  $("hours-language").value = hours.outside.voice_language;
  $("hours-auto-reply").value = hours.outside.message_auto_reply;
  const opens = hours.opens_at ? `; opens ${new Date(hours.opens_at).toLocaleString()}` : "";
  $("hours-state").textContent = !hours.configured
    ? ($("hours-queue").value ? "Not set: the client's hours apply." : "Not set: always open.")
    : hours.open_now ? "Open now." : `Closed now${opens}.`;
  $("hours-remove").disabled = !hours.configured;
}

async function load() {
  clearMarks();
  $("hours-message").textContent = "";
  const asked = query();
  delete form.dataset.loaded;
  try {
    const hours = await get(`/admin/hours?${asked}`);
    // A slower answer for a client or queue no longer chosen must not fill the form.
    if (asked !== query()) return;
    show(hours);
    form.dataset.loaded = asked;
  } catch (err) {
    $("hours-error").textContent = err.message;
  }
}

// "09:00-12:30, 13:30-17:00" as [["09:00","12:30"],["13:30","17:00"]]; null when unreadable.
function intervals(text) {
  const out = [];
  for (const part of text.split(/[,;]/).map((p) => p.trim()).filter(Boolean)) {
    const m = part.match(/^(\d{1,2}:\d{2})\s*[-–to]+\s*(\d{1,2}:\d{2})$/);
    if (!m) return null;
    out.push([m[1].padStart(5, "0"), m[2].padStart(5, "0")]);
  }
  return out;
}

function collect() {
  const weekly = {};
  for (const day of DAYS) {
    const spans = intervals($(`day-${day}`).value);
    if (spans === null) {
      mark($(`day-${day}`), `Write ${day}'s hours like 09:00-17:00, or leave it blank.`);
      return null;
    }
    if (spans.length) weekly[day] = spans;
  }
  return {
    ...target(),
    timezone: $("hours-timezone").value.trim(),
    weekly,
    holidays: $("hours-holidays").value.split(/\s+/).filter(Boolean),
    outside: {
      voice_announcement: $("hours-announcement").value,
      voice_language: $("hours-language").value.trim() || "en-US",
      message_auto_reply: $("hours-auto-reply").value,
    },
  };
}

// The server's field (weekly.mon.0, holidays.2, timezone, outside.voice_language) → its input.
function fieldOf(message) {
  const field = (message.match(/^([a-z_.0-9]+):/) || [])[1] || "";
  const [head, sub] = field.split(".");
  if (head === "weekly" && DAYS.includes(sub)) return $(`day-${sub}`);
  return {
    timezone: $("hours-timezone"),
    holidays: $("hours-holidays"),
    outside: sub === "voice_language" ? $("hours-language")
      : sub === "voice_announcement" ? $("hours-announcement") : $("hours-auto-reply"),
  }[head];
}

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  clearMarks();
  const body = collect();
  if (!body) return;
  $("hours-save").disabled = true;
  try {
    show((await send("PUT", "/admin/hours", body)).data);
    $("hours-message").textContent = "Saved.";
  } catch (err) {
    const el = err instanceof ApiError ? fieldOf(err.message) : null;
    if (el) mark(el, err.message);
    else $("hours-error").textContent = err.message;
  } finally {
    $("hours-save").disabled = false;
  }
});

$("hours-remove").addEventListener("click", async () => {
  clearMarks();
  try {
    await del(`/admin/hours?${query()}`);
    $("hours-message").textContent = "Removed.";
    await load();
  } catch (err) {
    $("hours-error").textContent = err.message;
  }
});

$("hours-client").addEventListener("change", () => {
  filterQueues();
  load();
});
$("hours-queue").addEventListener("change", load);
filterQueues();
load();
