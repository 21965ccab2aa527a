// Files in the composer: chosen with "Attach files", uploaded at once (the server checks
// type and size and says why not), shown as chips that can be taken back, and sent with the
// message by id. They stay with the case's draft.
import { del, send } from "/static/js/api.js";
import { registerPart } from "./composer.js";
import { fill, h } from "./dom.js";
import { t } from "/static/js/i18n.js";

const form = document.getElementById("composer");
const error = document.getElementById("composer-error");
const input = h("input", { type: "file", id: "composer-file", multiple: true, hidden: true,
  accept: "image/jpeg,image/png,image/gif,image/webp,application/pdf,text/plain,.docx,.xlsx" });
const button = h("button", { type: "button", id: "composer-attach", class: "secondary",
  title: t("Attach files (pictures, PDFs, text, Word, Excel; up to 10 MB each)") }, t("Attach files"));
const list = h("ul", { id: "composer-files", class: "composer-files", "aria-label": t("Attached files") });
const tools = form.querySelector("#composer-tools")
  || form.appendChild(h("div", { id: "composer-tools", class: "composer-tools" }));
tools.append(input, button, list);
// "… is typing" shares the row (at its end) rather than taking one of its own.
const typing = document.getElementById("composer-typing");
if (typing) tools.append(typing);

let files = []; // { id, filename, size, content_type } uploaded for the current case
let caseOf = null;

const size = (n) => (n < 1024 * 1024 ? `${Math.max(1, Math.round(n / 1024))} KB`
  : `${(n / 1024 / 1024).toFixed(1)} MB`);

function render() {
  fill(list, files.map((f) => h("li", { class: "file-chip" },
    h("span", {}, `${f.filename} (${size(f.size)})`),
    h("button", { type: "button", class: "link", "aria-label": `Remove ${f.filename}`,
      onclick: () => remove(f) }, "×"))));
  list.hidden = !files.length;
}

function changed() {
  render();
  form.dispatchEvent(new Event("input")); // the case's draft keeps them
}

async function remove(f) {
  files = files.filter((x) => x.id !== f.id);
  changed();
  try { await del(`/uploads/${f.id}`); } catch { /* already gone: nothing to take back */ }
}

button.addEventListener("click", () => input.click());
input.addEventListener("change", async () => {
  const caseId = window.caseline?.composer?.caseId;
  const chosen = [...input.files];
  input.value = "";
  if (!caseId) return;
  for (const file of chosen) {
    const data = new FormData();
    data.append("file", file, file.name);
    try {
      const { data: made } = await send("POST", `/cases/${caseId}/uploads`, data);
      if (window.caseline?.composer?.caseId !== caseId) continue; // the agent moved on
      files.push({ id: made.id, filename: made.filename, size: made.size,
        content_type: made.content_type });
      caseOf = caseId;
      changed();
    } catch (err) {
      fill(error, `${file.name}: ${err.message}`);
    }
  }
});

registerPart("files", {
  save: () => (files.length ? { files } : null),
  restore(saved, caseId) { files = [...(saved.files || [])]; caseOf = caseId; render(); },
  clear() { files = []; caseOf = null; render(); },
  payload: () => (files.length && caseOf === window.caseline?.composer?.caseId
    ? { attachment_ids: files.map((f) => f.id) } : {}),
});
render();
