// The knowledge base beside the case: articles suggested by what the case holds, a full-text
// search, and the article itself (Markdown the server rendered and sanitised) to rate or flag.
import { get, post, qs, send } from "/static/js/api.js";
import { reasonDialog } from "./dialogs.js";
import { fill, h } from "./dom.js";
import { day } from "./format.js";
import { label } from "./labels.js";

// The server's sanitised HTML, parsed inertly (no script runs) and moved into the page.
function safeHtml(html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  return [...doc.body.childNodes];
}

export class KnowledgePanel {
  constructor(root) {
    this.root = root;
    this.caseId = null;
    this.query = h("input", { type: "search", id: "kb-search", maxlength: 200, placeholder: "Search articles",
      "aria-label": "Search the knowledge base" });
    this.list = h("ul", { class: "kb-list", id: "kb-results" });
    this.heading = h("h4", { class: "kb-heading", id: "kb-heading" }, "Suggested");
    this.article = h("article", { class: "kb-article", id: "kb-article", hidden: true });
    const form = h("form", { class: "kb-search", role: "search" }, this.query, " ",
      h("button", { type: "submit", class: "small" }, "Search"));
    form.addEventListener("submit", (e) => { e.preventDefault(); this.search(); });
    fill(root, h("h3", {}, "Knowledge base"), form, this.heading, this.list, this.article);
  }

  async open(caseId) {
    this.caseId = caseId;
    this.query.value = "";
    this.article.hidden = true;
    if (!caseId) return;
    try {
      const { items } = await get(`/cases/${caseId}/articles`);
      if (caseId === this.caseId) this.show("Suggested for this case", items);
    } catch (err) { fill(this.list, h("li", { class: "error" }, err.message)); }
  }

  async search() {
    const q = this.query.value.trim();
    if (!q) { this.open(this.caseId); return; }
    try {
      const { items } = await get(`/articles?${qs({ q })}`);
      this.show(`Articles with “${q}”`, items);
    } catch (err) { fill(this.list, h("li", { class: "error" }, err.message)); }
  }

  show(heading, items) {
    fill(this.heading, heading);
    fill(this.list, items.length ? items.map((a) => h("li", {},
      h("button", { type: "button", class: "link kb-open", dataset: { id: a.id }, onclick: () => this.read(a) }, a.title),
      " ", h("small", { class: "muted" }, a.line_of_work ? label(a.line_of_work) : "every line"),
      a.outdated ? h("span", { class: "badge warn" }, "out of date") : null))
      : h("li", { class: "muted" }, "No articles found."));
  }

  async openArticle(id) {
    try { this.read(await get(`/articles/${id}`)); } catch (err) { fill(this.list, h("li", { class: "error" }, err.message)); }
  }

  read(a) {
    const error = h("p", { class: "error", role: "alert" });
    const stars = h("span", { class: "kb-stars", role: "group", "aria-label": "Rate this article" },
      [1, 2, 3, 4, 5].map((n) => h("button", { type: "button", class: "small secondary", title: `${n} of 5`,
        onclick: async () => {
          try { this.read((await send("PUT", `/articles/${a.id}/rating`, { stars: n })).data); } catch (err) { fill(error, err.message); }
        } }, "★".repeat(n))));
    const flag = h("button", { type: "button", class: "small secondary", id: "kb-flag",
      onclick: async () => {
        let changed = null;
        await reasonDialog({ id: "kb-outdated-dialog", title: "Flag as out of date", label: "What is out of date?",
          confirmLabel: "Flag it", maxlength: 500,
          run: async (note) => { changed = await post(`/articles/${a.id}/outdated`, { note }); } });
        if (changed) this.read(changed);
      } }, "Out of date?");
    this.article.hidden = false;
    fill(this.article,
      h("header", {}, h("h4", {}, a.title), h("button", { type: "button", class: "small secondary",
        onclick: () => { this.article.hidden = true; } }, "Close")),
      a.outdated ? h("p", { class: "kb-outdated" }, `Flagged out of date: ${a.outdated_note}`) : null,
      h("div", { class: "kb-body" }, safeHtml(a.html)),
      h("footer", {}, h("small", { class: "muted" },
        a.rating_count ? `Rated ${a.rating} of 5 by ${a.rating_count} · ` : "Not rated yet · ",
        `updated ${day(a.updated_at)}`), " ", stars, " ", a.outdated ? null : flag),
      error);
    this.article.scrollIntoView({ block: "nearest" });
  }
}
