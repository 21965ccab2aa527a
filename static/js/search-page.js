// The search results page: every customer matching the search, a page at a time; each row
// opens the case in the console.
import { get, qs } from "/static/js/api.js";
import { fill, h } from "/static/js/workspace/dom.js";

const PER_PAGE = 20;
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(window.location.search);
const q = (params.get("q") || "").trim();
const page = Math.max(1, Math.min(1000, Number.parseInt(params.get("page"), 10) || 1));

const link = (n) => `/search?${qs({ q, page: n })}`;

function row(hit) {
  const open = `/#case/${hit.case_id}`;
  const contact = hit.customer.contact_points.map((c) => c.value).slice(0, 2).join(", ");
  return h("tr", { class: "result", dataset: { caseId: hit.case_id } },
    h("td", {}, h("a", { href: open }, hit.customer.display_name)),
    h("td", {}, h("a", { href: open }, hit.case_reference)),
    h("td", { class: "muted" }, contact),
    h("td", {}, hit.matched));
}

async function show() {
  if (!q) {
    fill($("results-status"), "Type what you know: a name, a number, a reference.");
    return;
  }
  fill($("results-status"), "Searching…");
  try {
    const body = await get(`/customers?${qs({ q, page, limit: PER_PAGE })}`);
    fill($("results-body"), body.items.map(row));
    $("results").hidden = !body.items.length;
    const first = (page - 1) * PER_PAGE + 1;
    fill($("results-status"), body.items.length
      ? `Results ${first}–${first + body.items.length - 1} for “${q}”`
      : page > 1 ? `No more results for “${q}”` : `No customer found for “${q}”`);
    $("results-pager").hidden = page === 1 && !body.has_more;
    $("results-prev").hidden = page === 1;
    $("results-prev").href = link(page - 1);
    $("results-next").hidden = !body.has_more;
    $("results-next").href = link(page + 1);
    fill($("results-page"), `page ${page}`);
  } catch (err) {
    fill($("results-status"), h("span", { class: "error" }, err.message));
  }
}

show();
