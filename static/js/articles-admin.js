// The supervisors' knowledge base page: search or list articles (flagged ones say why),
// write or edit one in Markdown, and see it as agents will (the server's sanitised HTML).
import { get, post, qs, send } from "/static/js/api.js";
import { fill, h, $ } from "/static/js/workspace/dom.js";
import { label } from "/static/js/workspace/labels.js";

const error = $("#article-error");
const saved = $("#article-saved");
let editing = null;

const safeHtml = (html) => [...new DOMParser().parseFromString(html, "text/html").body.childNodes];
const tags = () => $("#article-tags").value.split(",").map((t) => t.trim().toLowerCase()).filter(Boolean);

function edit(a) {
  editing = a;
  fill(error); fill(saved);
  fill($("#article-form-title"), a ? `Edit: ${a.title}` : "New article");
  $("#article-title").value = a?.title || "";
  $("#article-line").value = a?.line_of_work || "";
  $("#article-tags").value = (a?.tags || []).join(", ");
  $("#article-body").value = a?.body || "";
  if ($("#article-client")) { $("#article-client").disabled = Boolean(a); if (a) $("#article-client").value = a.client_id; }
  const flag = $("#article-flag");
  flag.hidden = !a?.outdated;
  fill(flag, a?.outdated ? `Flagged out of date: ${a.outdated_note} (saving an edit clears it)` : "");
  fill($("#article-preview"), a ? safeHtml(a.html) : "");
}

async function load(q = "") {
  const { items } = await get(`/articles?${qs(q ? { q } : {})}`);
  fill($("#article-list"), items.length ? items.map((a) => h("li", {},
    h("button", { type: "button", class: "link", dataset: { id: a.id }, onclick: () => edit(a) }, a.title), " ",
    h("small", { class: "muted" }, a.line_of_work ? label(a.line_of_work) : "every line",
      a.rating_count ? ` · ${a.rating}★ (${a.rating_count})` : ""),
    a.outdated ? h("span", { class: "badge warn" }, "out of date") : null))
    : h("li", { class: "muted" }, "No articles."));
  return items;
}

$("#article-search").addEventListener("submit", (e) => { e.preventDefault(); load($("#article-q").value.trim()); });
$("#article-new").addEventListener("click", () => edit(null));
$("#article-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const save = $("#article-save");
  if (save.disabled) return;
  save.disabled = true;
  fill(error); fill(saved);
  const body = { title: $("#article-title").value, body: $("#article-body").value,
    line_of_work: $("#article-line").value || null, tags: tags() };
  try {
    let article;
    if (editing) article = (await send("PATCH", `/articles/${editing.id}`, body)).data;
    else {
      if ($("#article-client")) body.client_id = Number($("#article-client").value);
      article = await post("/articles", body);
    }
    await load();
    edit(article);
    fill(saved, "Saved.");
  } catch (err) { fill(error, err.message); } finally { save.disabled = false; }
});

load().catch((err) => fill(error, err.message));
