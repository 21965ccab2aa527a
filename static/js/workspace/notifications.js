// Telling the agent things: a desktop notification and a sound for a ringing call or offered
// work (their setting, kept with the account: GET/PUT /me/notifications; the browser's
// permission is asked only when they turn it on), and in-app notices (a sign-off decided, a
// task given to them) as a toast and in the bell's list with its unread count. Notices are
// kept by the server until read (GET /me/notices on load, POST /me/notices/read on opening
// the list); the socket pushes new ones.
import { get, post, send } from "/static/js/api.js";
import { t, tn } from "/static/js/i18n.js";
import { fill, h } from "./dom.js";
import { when } from "./format.js";

const KEEP = 30; // notices listed in the bell
const TOAST_MS = 6000;
const MEDIA = { sms: "SMS", whatsapp: "WhatsApp", chat: t("Chat"), email: t("Email"), voice: t("Call") };

const sheet = document.createElement("link");
sheet.rel = "stylesheet";
sheet.href = "/static/css/notices.css";
document.head.appendChild(sheet);

const supported = () => typeof window.Notification === "function";

// What a notice says, in words.
export function describe(n) {
  if (n.kind === "signoff_decided") {
    return n.status === "approved" ? t("Your sign-off request (%(label)s) was approved.", n)
      : n.status === "rejected" ? t("Your sign-off request (%(label)s) was rejected.", n)
        : t("Your sign-off request (%(label)s) was %(status)s.", n);
  }
  if (n.kind === "task_assigned") return t("A task was assigned to you: %(title)s", n);
  return t("Something changed.");
}

export class Notifications {
  constructor({ socket, before, openCase }) {
    Object.assign(this, { socket, openCase });
    this.settings = { desktop: false, sound: false };
    this.shown = new Map(); // offer id -> the desktop Notification shown for it
    this.items = [];
    this.unread = 0; // on the server: may be more than the list holds
    this.settingsButton = h("button", { type: "button", class: "link", id: "notify-settings-button",
      onclick: () => this.openSettings() }, t("Notifications"));
    this.count = h("span", { class: "count", id: "bell-count", "aria-label": t("unread") });
    this.bell = h("button", { type: "button", class: "link bell", id: "bell-button",
      "aria-haspopup": "dialog", onclick: () => this.openList() }, t("Notices"), " ", this.count);
    before.before(this.settingsButton, this.bell);
    this.toasts = h("div", { class: "toasts", id: "toasts", role: "status", "aria-live": "polite" });
    document.body.append(this.toasts);
    this.renderCount();
    this.load();
    socket.on("notice", (n) => this.notice(n));
    socket.on("offer.created", (pop) => this.offered(pop));
    socket.on("offer.rescinded", (msg) => this.closeShown(msg.offer_id));
    get("/me/notifications").then((s) => { this.settings = s; }).catch(() => {});
  }

  // --- desktop notifications and sound for work offered ---------------------------------
  offered(pop) {
    if (!pop?.interaction) return;
    const medium = pop.interaction.medium;
    const who = pop.interaction.unverified ? pop.interaction.visitor_name || t("Chat visitor")
      : pop.customer?.display_name || pop.interaction.from_addr || t("Unknown");
    const title = medium === "voice" ? t("Incoming call: %(who)s", { who })
      : t("%(medium)s offered: %(who)s", { medium: MEDIA[medium] || medium, who });
    if (this.settings.sound) this.beep(medium === "voice");
    if (!this.settings.desktop || !supported() || window.Notification.permission !== "granted") return;
    try {
      const shown = new window.Notification(title, {
        body: `${pop.case?.reference || ""} · ${pop.queue || ""}`, tag: `offer-${pop.offer_id}`,
      });
      shown.onclick = () => { window.focus(); shown.close?.(); };
      this.shown.set(pop.offer_id, shown);
    } catch { /* a browser that refuses notifications from a page still rings in the page */ }
  }

  closeShown(offerId) {
    this.shown.get(offerId)?.close?.();
    this.shown.delete(offerId);
  }

  // A short tone (a ring twice for a call); no audio file to fetch.
  beep(ring) {
    try {
      this.audio ||= new (window.AudioContext || window.webkitAudioContext)();
      const at = this.audio.currentTime;
      for (const offset of ring ? [0, 0.35] : [0]) {
        const tone = this.audio.createOscillator();
        const gain = this.audio.createGain();
        tone.frequency.value = ring ? 880 : 660;
        gain.gain.value = 0.08;
        tone.connect(gain).connect(this.audio.destination);
        tone.start(at + offset);
        tone.stop(at + offset + 0.2);
      }
    } catch { /* no audio here: the notice on screen stands */ }
  }

  // --- the setting ------------------------------------------------------------------------
  async openSettings() {
    // As saved now (perhaps from another browser), not as this page first read it.
    this.settings = await get("/me/notifications").catch(() => this.settings);
    document.getElementById("notify-dialog")?.remove();
    const desktop = h("input", { type: "checkbox", id: "notify-desktop", checked: this.settings.desktop });
    const sound = h("input", { type: "checkbox", id: "notify-sound", checked: this.settings.sound });
    const state = h("p", { class: "muted", id: "notify-permission", role: "status" }, this.permissionWords());
    const error = h("p", { class: "error", id: "notify-error", role: "alert" });
    const save = h("button", { type: "submit", id: "notify-save" }, t("Save"));
    const form = h("form", { method: "dialog", class: "stacked" },
      h("label", { class: "check" }, desktop, " ", t("Desktop notifications for a ringing call and offered work")),
      h("label", { class: "check" }, sound, " ", t("Play a sound with them")), state, error,
      h("div", { class: "dialog-actions" },
        h("button", { type: "button", class: "secondary", onclick: () => dialog.close() }, t("Cancel")), save));
    const dialog = h("dialog", { id: "notify-dialog", class: "form-dialog", "aria-labelledby": "notify-title" },
      h("h2", { id: "notify-title" }, t("Notifications")), form);
    dialog.addEventListener("close", () => dialog.remove());
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (save.disabled) return;
      save.disabled = true;
      try {
        // Asked here, in the press of Save: browsers only ask on a person's gesture.
        const wanted = { desktop: desktop.checked, sound: sound.checked };
        if (wanted.desktop && !supported()) throw new Error(t("This browser cannot show desktop notifications."));
        const permission = wanted.desktop && window.Notification.permission !== "granted"
          ? await window.Notification.requestPermission() : supported() && window.Notification.permission;
        if (wanted.desktop && permission !== "granted") {
          wanted.desktop = false;
          fill(state, this.permissionWords());
        }
        this.settings = (await send("PUT", "/me/notifications", wanted)).data;
        if (desktop.checked && !this.settings.desktop) {
          desktop.checked = false;
          return fill(error, t("The browser blocks notifications for this site; allow them in its site settings."));
        }
        if (this.settings.sound) this.beep(false); // so they hear what it sounds like
        dialog.close();
        this.toast(t("Notification settings saved."));
      } catch (err) { fill(error, err.message); } finally { save.disabled = false; }
    });
    document.body.append(dialog);
    dialog.showModal();
  }

  permissionWords() {
    if (!supported()) return t("This browser cannot show desktop notifications.");
    return { granted: t("The browser allows notifications from Caseline."),
      denied: t("The browser blocks notifications from Caseline (change it in its site settings)."),
    }[window.Notification.permission] || t("The browser will ask you once you turn them on.");
  }

  // --- in-app notices -------------------------------------------------------------------
  // The unread kept for this person (since their last look, in any browser).
  async load() {
    try {
      const kept = await get("/me/notices");
      const known = new Set(this.items.map((n) => n.id));
      const fresh = kept.items.filter((n) => !known.has(n.id)).map((n) => ({ ...n, text: describe(n) }));
      this.items = [...this.items, ...fresh].sort((a, b) => b.id - a.id).slice(0, KEEP);
      this.unread = Math.max(kept.unread, this.items.filter((n) => !n.read).length);
      this.renderCount();
    } catch { /* the bell stays as it is; the next load tries again */ }
  }

  notice(n) {
    if (n.id && this.items.some((i) => i.id === n.id)) return; // already listed
    const item = { ...n, text: describe(n), read: false };
    this.items = [item, ...this.items].slice(0, KEEP);
    this.unread += 1;
    this.renderCount();
    this.toast(item.text, item.case_id);
  }

  toast(text, caseId) {
    const el = h("div", { class: "toast" }, text, caseId ? [" ", h("button", { type: "button", class: "link",
      onclick: () => { this.openCase(caseId); el.remove(); } }, t("Open case"))] : null);
    this.toasts.append(el);
    setTimeout(() => el.remove(), TOAST_MS);
  }

  openList() {
    document.getElementById("bell-dialog")?.remove();
    const list = h("ul", { class: "bell-list", id: "bell-list" }, this.items.length
      ? this.items.map((n) => h("li", { class: n.read ? "" : "unread" }, n.text, " ",
        h("span", { class: "muted" }, when(n.at)), " ",
        n.case_id ? h("button", { type: "button", class: "link", onclick: () => {
          this.openCase(n.case_id); dialog.close(); } }, t("Open case")) : null))
      : h("li", { class: "muted" }, t("Nothing yet.")));
    const dialog = h("dialog", { id: "bell-dialog", class: "form-dialog", "aria-labelledby": "bell-title" },
      h("h2", { id: "bell-title" }, t("Notices")), list,
      h("div", { class: "dialog-actions" }, h("button", { type: "button", onclick: () => dialog.close() }, t("Close"))));
    dialog.addEventListener("close", () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
    const newest = Math.max(0, ...this.items.map((n) => n.id || 0));
    this.items.forEach((n) => { n.read = true; });
    this.unread = 0;
    this.renderCount();
    // Read up to what this list showed: one arriving meanwhile stays unread.
    if (newest) post("/me/notices/read", { up_to: newest }).catch(() => {});
  }

  renderCount() {
    const unread = this.unread;
    this.count.textContent = String(unread);
    this.bell.classList.toggle("has-unread", unread > 0);
    this.bell.title = unread ? tn("%(num)d unread", "%(num)d unread", unread) : t("No unread notices");
  }
}
