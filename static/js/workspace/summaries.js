// A document's summary under its timeline entry: the facts read from it (policy number, loss
// date, amount, account) and the sentences that carry them; or why it was not read.
import { h } from "./dom.js";
import { day } from "./format.js";

const FACTS = [["policy_number", "Policy"], ["claim_number", "Claim"], ["loss_date", "Loss date"],
  ["amount", "Amount"], ["bank_account", "Bank account"]];

export function summaryBlock(s, what = "document") {
  if (!s) return null;
  if (s.status === "pending") return h("div", { class: "doc-summary muted" }, `Reading the ${what}…`);
  if (s.status !== "done") return h("div", { class: `doc-summary doc-${s.status} muted` }, s.message || s.status);
  const facts = FACTS.filter(([k]) => s.facts?.[k]).map(([k, name]) => h("span", { class: "digest-chip doc-fact", dataset: { fact: k } },
    `${name}: ${k === "loss_date" ? day(s.facts[k].value) : s.facts[k].shown}`));
  const names = s.facts?.names?.length ? h("span", { class: "digest-chip doc-fact" }, `Names: ${s.facts.names.join(", ")}`) : null;
  return h("details", { class: "doc-summary", open: true },
    h("summary", {}, `Summary of the ${what}${s.pages ? ` (${s.pages} page${s.pages === 1 ? "" : "s"} read)` : ""}`),
    facts.length || names ? h("div", { class: "doc-facts" }, facts, names) : null,
    s.sentences?.length ? h("ul", { class: "doc-sentences" }, s.sentences.map((x) => h("li", {}, x.text))) : null,
    s.message ? h("p", { class: "muted" }, s.message) : null);
}
