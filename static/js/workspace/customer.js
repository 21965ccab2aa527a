// The customer pane: contact points with opt-out/consent state, local time, language, links.
import { get, post } from "/static/js/api.js";
import { t } from "/static/js/i18n.js";
import { ContactRules } from "./contact-rules.js";
import { customerEditor } from "./customer-edit.js";
import { fill, h } from "./dom.js";
import { day, holds, localNow, when } from "./format.js";
import { label } from "./labels.js";

const KIND_ICONS = { phone: "☎", email: "✉", chat: "❝" };

const MEDIUM_WORDS = { voice: t("calls"), sms: "SMS", whatsapp: "WhatsApp", email: t("email") };
const medium = (m) => MEDIUM_WORDS[m] || label(m);

// One truthful state per medium: an opt-out stands over any consent given before it (the
// guardrail refuses that medium), so consent shows only where no opt-out stands.
export function pointStates(cp) {
  const out = cp.opt_outs || {};
  const yes = cp.consents || {};
  const since = (at) => (typeof at === "string" ? " " + t("since %(day)s", { day: day(at) }) : "");
  return [...new Set([...Object.keys(out), ...Object.keys(yes)])].map((m) => (m in out
    ? h("span", { class: "cp-state cp-opted-out", dataset: { medium: m },
      title: m in yes ? t("Opted out %(when)s; the consent given before no longer applies", { when: when(out[m]) }) : when(out[m]) },
    t("opted out of %(medium)s", { medium: medium(m) }) + since(out[m]))
    : h("span", { class: "cp-state cp-consent", dataset: { medium: m }, title: when(yes[m]) },
      t("consent to %(medium)s", { medium: medium(m) }) + since(yes[m]))));
}

// A chat thread's id ("visitor-nomvula-7f3a", "chat_bfdc…") names nobody: the visitor by the
// customer's first name, through the chat its label names (a widget); the id in the tooltip.
function chatPoint(cp, c) {
  const name = (c.display_name || "").trim().split(/\s+/)[0];
  const through = cp.label ? cp.label.replace(/^./, (ch) => ch.toUpperCase()) : t("Web chat");
  return h("span", { class: "cp-value", title: t("Chat thread %(id)s", { id: cp.value }) },
    name ? t("%(chat)s visitor (%(name)s)", { chat: through, name }) : t("%(chat)s visitor", { chat: through }));
}

export class CustomerPane {
  constructor(root, onLoaded = () => {}) {
    this.root = root;
    this.onLoaded = onLoaded;
    this.customer = null;
    setInterval(() => this.tick(), 30_000);
  }

  clear() {
    this.customer = null;
    this.rules = null;
    this.wanted = null;
    fill(this.root, h("p", { class: "muted" }, t("No customer selected.")));
  }

  async open(customerId) {
    // Only the latest request may paint: a slow answer for the case before must not land.
    const wanted = Symbol(customerId);
    this.wanted = wanted;
    try {
      const customer = await get(`/customers/${customerId}`);
      if (this.wanted !== wanted) return;
      this.render(customer);
      this.onLoaded(customer);
      this.showAllowance(customer, wanted);
    } catch (err) {
      if (this.wanted === wanted) fill(this.root, h("p", { class: "error" }, err.message));
    }
  }

  render(c) {
    this.customer = c;
    this.clock = h("span", { id: "customer-local-time" }, localNow(c.timezone));
    fill(this.root,
      h("h2", { id: "customer-name" }, c.display_name),
      c.external_ref ? h("div", { class: "muted" }, t("Ref %(ref)s", { ref: c.external_ref })) : null,
      h("dl", { class: "facts" },
        h("dt", {}, t("Local time")), h("dd", {}, c.timezone ? [this.clock, ` (${c.timezone})`] : t("unknown")),
        h("dt", {}, t("Language")), h("dd", { id: "customer-language" }, c.language || t("unknown")),
        h("dt", {}, t("Case")), h("dd", {}, c.case_reference)),
      // Collapsed by default, so near the top: the phone bar never hides it.
      customerEditor(c, () => this.open(c.id), () => this.onMerged?.(c)),
      h("h3", {}, t("Contact points")),
      h("ul", { class: "contact-points" }, c.contact_points.map((cp) =>
        h("li", { class: "cp", dataset: { kind: cp.kind } },
          h("span", { "aria-hidden": "true" }, KIND_ICONS[cp.kind] || "•"), " ",
          cp.kind === "chat" ? chatPoint(cp, c) : h("span", { class: "cp-value" }, cp.value),
          // The phone bar dials it (and says why not: opted out, quiet hours, …).
          cp.kind === "phone" ? [" ", h("button", { type: "button", class: "small secondary cp-call",
            dataset: { clickToCall: "", caseId: c.case_id, number: cp.value, pointId: cp.id },
            title: t("Call %(number)s", { number: cp.value }) }, t("Call"))] : null,
          cp.label && cp.kind !== "chat" ? h("span", { class: "muted" }, ` ${cp.label}`) : null,
          h("div", { class: "cp-states" }, pointStates(cp)))),
      ),
      h("h3", {}, t("Linked customers")),
      c.linked.length
        ? h("ul", { class: "linked" }, c.linked.map((l) => h("li", {}, `${l.display_name} (${label(l.relation)})`)))
        : h("p", { class: "muted" }, t("None")),
      // Linking customers into a fraud ring is the fraud team's (and supervisors') to do.
      holds("fraud", "supervisor") ? this.linkForm(c) : null,
      (this.rules = new ContactRules(c, () => this.open(c.id))).element());
  }

  // The guardrail blocked a contact on this customer's case (or a block was overridden).
  onBlocked(payload) {
    if (!this.customer || payload.case_id !== this.customer.case_id) return;
    this.rules?.upsertBlocked(payload.blocked_attempt);
    if (payload.blocked_attempt?.medium === "voice") this.refreshAllowance();
  }

  // A call on this customer's case was placed, changed or ended (anyone's): the calls left
  // this week are counted again, so the figure beside Call never lags until a reopen.
  onCall(payload) {
    if (this.customer && payload.case_id === this.customer.case_id
        && payload.interaction?.medium === "voice") this.refreshAllowance();
  }

  refreshAllowance() {
    if (this.customer && this.wanted) this.showAllowance(this.customer, this.wanted);
  }

  // How many calls the week still allows (the 7-in-7 rule), beside each Call button, before
  // the agent dials: only a collections case is limited, others show nothing. A number the
  // guardrail refuses now says why instead; one no override can free (their "don't call me",
  // a cease request, …) has its button off.
  async showAllowance(c, wanted) {
    const buttons = [...this.root.querySelectorAll(".cp-call")];
    if (!buttons.length) return;
    const asked = (this.allowanceAsked = (this.allowanceAsked || 0) + 1);
    const allowance = await get(`/cases/${c.case_id}/call-allowance`).catch(() => null);
    // Only the latest count paints (two calls' events may cross).
    if (this.wanted !== wanted || asked !== this.allowanceAsked || !allowance) return;
    // Drawn afresh each time: what an earlier count said goes first.
    this.root.querySelectorAll(".cp-allowance").forEach((el) => el.remove());
    const text = t("%(calls_left)s of %(calls_per_week)s calls left this week", allowance);
    for (const button of buttons) {
      const number = allowance.numbers.find((n) => n.contact_point_id === Number(button.dataset.pointId));
      button.disabled = false;
      button.title = t("Call %(number)s", { number: button.dataset.number });
      if (number && !number.allowed) {
        button.disabled = number.absolute;
        button.title = t("No call to %(number)s: %(reason)s", { number: button.dataset.number, reason: number.reason });
        button.after(h("span", { class: "muted cp-allowance cp-no-call" }, " " + t("No call: %(reason)s", number)));
      } else if (allowance.limited) {
        button.title = `${t("Call %(number)s", { number: button.dataset.number })} · ${text}`;
        button.after(h("span", { class: "muted cp-allowance" }, ` ${text}`));
      }
    }
  }

  // Link this customer to another (case reference or customer id), saying why.
  linkForm(c) {
    const other = h("input", { id: "link-other", placeholder: t("Case reference (CL-…) or customer id"), maxlength: 64 });
    const reason = h("input", { id: "link-reason", placeholder: t("Why (same bank account, …)"), maxlength: 2000 });
    const error = h("p", { class: "error", id: "link-error", role: "alert" });
    const form = h("form", { class: "link-form" }, other, reason, h("button", { type: "submit" }, t("Link to ring")), error);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await post(`/customers/${c.id}/links`, { other: other.value, reason: reason.value });
        this.open(c.id);
      } catch (err) { fill(error, err.message); }
    });
    return form;
  }

  tick() {
    if (this.customer && this.clock) this.clock.textContent = localNow(this.customer.timezone);
  }
}
