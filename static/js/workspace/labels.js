// What people read instead of the codes the API speaks: one table for every pane, so a status
// is called the same everywhere. A code missing here still reads as words ("hardship_plan" →
// "hardship plan"), never with underscores.

const LABELS = {
  // cases, tasks, offers, priorities
  open: "open", pending: "pending", resolved: "resolved", closed: "closed",
  low: "low", normal: "normal", high: "high", urgent: "urgent", done: "done", snoozed: "snoozed",
  // debt accounts (crm.models.work), plans, promises, payments, outcomes
  active: "active", disputed: "disputed", ceased: "contact stopped", payment_plan: "payment plan",
  settled: "settled", paid: "paid", time_barred: "time-barred", completed: "completed",
  broken: "broken", kept: "kept", bank_transfer: "bank transfer", ach: "ACH", check: "check",
  card: "card", cash: "cash", other: "other", cease_request: "cease request", bankrupt: "bankruptcy",
  deceased: "death", right_party_contact: "right party contact", wrong_party: "wrong party",
  no_answer: "no answer", left_message: "left message", promise_to_pay: "promise to pay",
  refused: "refused to pay", dispute: "dispute raised", attorney: "attorney represents the debtor",
  // claims (crm.claims.lifecycle.LABELS)
  fnol: "first notice of loss", triage: "triage", awaiting_documents: "awaiting documents",
  investigation: "investigation", assessed: "assessed", settlement_proposed: "settlement proposed",
  declined: "declined", reopened: "reopened",
  // fraud investigations
  investigating: "investigating", escalated: "escalated", false_positive: "false positive",
  confirmed_fraud: "confirmed fraud", inconclusive: "inconclusive", shared_identifier: "shared identifier",
  seen_on_confirmed_fraud: "seen on confirmed fraud", bank_account: "bank account",
  third_party_name: "third-party name",
  // sign-off kinds (crm.signoff.decisions.KINDS)
  claim_payout: "claim settlement (pay out)", ex_gratia_payment: "ex gratia payment",
  claim_rejection: "claim decline", account_freeze: "freeze the account", fraud_referral: "fraud referral",
  refund_unauthorised: "refund unauthorised use", settlement_offer: "settlement of the debt",
  hardship_plan: "hardship plan", write_off: "write-off", debt_account: "debt account",
  // messages and calls
  queued: "queued", sent: "sent", delivered: "delivered", read: "read", failed: "failed",
  undelivered: "undelivered", received: "received", "no-answer": "no answer", busy: "busy",
  "in-progress": "in progress", ringing: "ringing", canceled: "cancelled", voicemail: "voicemail",
  abandoned: "abandoned", accepted: "accepted", sms: "SMS", whatsapp: "WhatsApp", voice: "call",
  email: "email", chat: "chat", note: "note", system: "system",
};

// A code as words: label("payment_plan") is "on a payment plan"; unknown codes lose their underscores.
export function label(code) {
  if (code === null || code === undefined || code === "") return "";
  return LABELS[code] ?? String(code).replaceAll("_", " ");
}

// The same, capitalised for a heading or the start of a line ("Time-barred").
export const title = (code) => label(code).replace(/^./, (c) => c.toUpperCase());

// A chat visitor's thread ("chat_bfdc…") is nobody's name: their given name, else "Web visitor".
export function address(value, visitorName) {
  if (typeof value === "string" && value.startsWith("chat_")) return visitorName || "Web visitor";
  return value || "";
}

// A person as others see them: their name, without the record number some lists append.
export const person = (name, fallback = "a colleague") =>
  (name ? String(name).replace(/\s*\(#\d+\)$/, "") : fallback);
