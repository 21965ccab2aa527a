// Work offered to the agent (SMS, WhatsApp, chat, email) in one tray: a count, the oldest
// offer in full and the rest as one line each (a backlog met on going available does not
// flood the screen), each with its countdown, Accept and Decline; and the conversations they
// took ("in hand") with a Done that frees their capacity. Calls are the phone bar's
// (phone.js); accepting work while on a call leaves the call's case on screen.
import { ApiError, get, post } from "/static/js/api.js";
import { fill, h } from "./dom.js";
import { icon } from "./format.js";

const MEDIA = { sms: "SMS", whatsapp: "WhatsApp", chat: "Chat", email: "Email" };
const GONE = { taken: "Another agent took it.", expired: "The offer ran out.",
               declined: "Passed on.", offline: "Offer withdrawn.", reassigned: "Re-assigned.",
               away: "You are away: it went back to the queue.",
               abandoned: "The customer left." };
const SNIPPET = 140;

const snippet = (text) => {
  const flat = (text || "").replace(/\s+/g, " ").trim();
  return flat.length > SNIPPET ? `${flat.slice(0, SNIPPET - 1)}…` : flat;
};

export class Offers {
  constructor({ root, tray, socket, openCase, onCall = () => false }) {
    Object.assign(this, { root, tray, socket, openCase, onCall });
    this.cards = new Map(); // offer id -> { pop, deadline, el, count }
    // offer id -> the latest attempt we were told is over. An item offered again is the same
    // offer id with a higher attempt; news of an earlier attempt can arrive after the re-offer.
    this.ended = new Map();
    this.status = h("p", { class: "offer-status muted", role: "status", id: "offer-status" });
    this.list = h("div", { class: "offer-list" });
    this.heading = h("div", { class: "offer-tray-head", id: "offer-tray-count" });
    fill(this.root, this.heading, this.list, this.status);
    socket.on("offer.created", (pop) => this.offered(pop));
    socket.on("offer.rescinded", (msg) => this.rescinded(msg));
    socket.on("connect", () => this.reload());
    if (socket.connected) this.reload();
    // A chat verified or moved to a case of its own: the tray names it anew.
    window.addEventListener("caseline:in-hand-changed", () => this.loadInHand());
    setInterval(() => this.tick(), 1000);
  }

  offered(pop) {
    if (!pop.interaction || pop.interaction.medium === "voice") return; // the phone's
    // Late news: that attempt is over, or the card on screen is a newer offer of the item.
    if (pop.attempt <= (this.ended.get(pop.offer_id) ?? 0)) return;
    if (pop.attempt < (this.cards.get(pop.offer_id)?.pop.attempt ?? 0)) return;
    this.remove(pop.offer_id);
    const seconds = pop.expires_in ?? 30;
    const card = { pop, deadline: performance.now() + seconds * 1000 };
    card.count = h("span", { class: "offer-count", "aria-label": "seconds left" });
    const medium = pop.interaction.medium;
    // An unverified chat visitor goes by the name they gave: the customer's would vouch for them.
    const claimed = pop.interaction.unverified;
    const who = claimed ? `${pop.interaction.visitor_name || "Chat visitor"} (unverified)`
      : pop.customer?.display_name || pop.interaction.from_addr || "Unknown customer";
    const subject = medium === "email" && pop.interaction.subject;
    card.el = h("article", {
      class: `offer-card medium-${medium}`, dataset: { offerId: pop.offer_id, attempt: pop.attempt },
      "aria-label": `${MEDIA[medium] || medium} from ${who}`,
    },
    h("header", { class: "offer-head" },
      h("span", { class: "offer-icon", "aria-hidden": "true" }, icon(medium)),
      h("strong", { class: "offer-who" }, who),
      h("span", { class: "muted" }, ` ${MEDIA[medium] || medium} · ${pop.queue} · ${pop.case?.reference || ""}`),
      card.count),
    subject ? h("div", { class: "offer-subject" }, subject) : null,
    h("p", { class: "offer-snippet" }, snippet(pop.interaction.body)),
    h("div", { class: "offer-actions" },
      h("button", { type: "button", class: "offer-accept", onclick: () => this.accept(pop.offer_id) },
        "Accept ", h("kbd", {}, "a")),
      h("button", { type: "button", class: "offer-decline secondary", onclick: () => this.decline(pop.offer_id) },
        "Decline ", h("kbd", {}, "d"))));
    this.cards.set(pop.offer_id, card);
    this.list.append(card.el);
    this.say("");
    this.renderCount(card);
    this.renderTray();
  }

  // The tray's head counts what waits; only the oldest card shows its message in full.
  renderTray() {
    const n = this.cards.size;
    this.heading.textContent = n > 1 ? `${n} offers waiting · oldest first` : "";
    let first = true;
    for (const card of this.cards.values()) {
      card.el.classList.toggle("compact", !first);
      first = false;
    }
  }

  // An offer is over: its card goes, unless the card is a later offer of the same item.
  rescinded(msg) {
    this.ended.set(msg.offer_id, Math.max(msg.attempt, this.ended.get(msg.offer_id) ?? 0));
    const card = this.cards.get(msg.offer_id);
    if (card && card.pop.attempt <= msg.attempt) this.remove(msg.offer_id, GONE[msg.reason] || "");
    // A supervisor handed over work we held: it leaves our tray too.
    if (msg.reason === "reassigned") this.loadInHand();
  }

  // The oldest card on screen (what the keyboard acts on).
  get first() {
    return this.cards.keys().next().value;
  }

  tick() {
    for (const [id, card] of this.cards) {
      if (this.renderCount(card) <= 0) this.remove(id, GONE.expired);
    }
  }

  renderCount(card) {
    const left = Math.max(0, Math.ceil((card.deadline - performance.now()) / 1000));
    card.count.textContent = `${left} s`;
    card.el.classList.toggle("urgent", left <= 5);
    return left;
  }

  remove(offerId, why) {
    const card = this.cards.get(offerId);
    if (!card) return;
    card.el.remove();
    this.cards.delete(offerId);
    this.renderTray();
    if (why) this.say(why);
  }

  say(text) {
    this.status.textContent = text;
  }

  accept(offerId = this.first) {
    if (!this.cards.has(offerId)) return;
    for (const b of this.cards.get(offerId).el.querySelectorAll("button")) b.disabled = true;
    this.socket.emit("offer.accept", { offer_id: offerId }, (ack) => {
      if (!ack?.ok) return this.remove(offerId, ack?.error?.message || "Could not take it.");
      // On a call the caller's case stays on screen: the conversation waits in the tray.
      const busy = this.onCall();
      this.remove(offerId, busy ? "Taken: it is in your tray (In hand) while you finish the call." : "");
      if (!busy) this.openCase(ack.case_id);
      this.loadInHand();
    });
  }

  decline(offerId = this.first) {
    if (!this.cards.has(offerId)) return;
    this.socket.emit("offer.decline", { offer_id: offerId });
    this.remove(offerId, GONE.declined);
  }

  // On every (re)connection: what is offered to us now (a reload lost the cards), and what
  // we hold.
  reload() {
    this.socket.emit("offer.pending", {}, (ack) => {
      if (ack?.ok) ack.offers.forEach((pop) => this.offered(pop));
    });
    this.loadInHand();
  }

  // --- work in hand -------------------------------------------------------------------
  async loadInHand() {
    try {
      this.renderInHand((await get("/routing/my-work")).items);
    } catch (err) {
      this.say(err.message);
    }
  }

  renderInHand(items) {
    const mine = items.filter((w) => w.medium !== "voice"); // calls finish by wrap-up
    this.tray.hidden = mine.length === 0;
    fill(this.tray, h("strong", {}, "In hand"), mine.map((w) =>
      h("span", { class: "in-hand-item", dataset: { offerId: w.offer_id, caseId: w.case_id } },
        h("button", { type: "button", class: "link", title: `Open ${w.reference}`, onclick: () => this.openCase(w.case_id) },
          `${icon(w.medium)} ${w.customer_name || w.reference}`),
        w.unverified ? h("span", { class: "badge danger" }, "unverified") : null,
        h("span", { class: "muted" }, ` ${MEDIA[w.medium] || w.medium} · ${w.reference} `),
        h("button", { type: "button", class: "in-hand-done secondary", title: "Finished: frees you for more",
                      onclick: () => this.done(w.offer_id) }, "Done"))));
  }

  async done(offerId) {
    try {
      await post(`/routing/items/${offerId}/done`, {});
    } catch (err) {
      this.say(err instanceof ApiError ? err.message : String(err));
    }
    await this.loadInHand();
  }
}
