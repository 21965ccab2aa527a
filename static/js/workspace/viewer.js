// A timeline item's files: pictures and PDFs open in a viewer in the page, recordings and
// voicemails play in an audio player, anything can be downloaded. Files come from our own
// routes only (never a provider's URL); each view or download is authorised and audited.
import { fill, h } from "./dom.js";
import { summaryBlock } from "./summaries.js";

const IMAGES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);
const PDF = "application/pdf";

const fileUrl = (a, inline = false) => (a.kind === "recording"
  ? `/api/v1/recordings/${a.id}` : `/api/v1/attachments/${a.id}${inline ? "?inline=1" : ""}`);
const label = (a) => a.filename || a.kind;

const dialog = h("dialog", { id: "file-viewer", class: "file-viewer",
  "aria-labelledby": "file-viewer-title" });
document.body.append(dialog);

export function view(a) {
  const src = fileUrl(a, true);
  fill(dialog,
    h("header", {}, h("h2", { id: "file-viewer-title" }, label(a)),
      h("a", { href: fileUrl(a), download: "" }, "Download"),
      h("form", { method: "dialog" }, h("button", { type: "submit" }, "Close"))),
    IMAGES.has(a.content_type)
      ? h("img", { src, alt: label(a), class: "viewer-image" })
      : h("iframe", { src, title: label(a), class: "viewer-pdf" }));
  dialog.showModal();
}

function fileItem(a, item) {
  if (a.kind === "recording") {
    const what = item.body === "Voicemail" ? "Voicemail" : "Recording";
    return h("li", { class: "tl-recording" }, h("span", {}, `${what}: `),
      h("audio", { controls: true, preload: "none", src: fileUrl(a),
        "aria-label": `${what} ${label(a)}` }));
  }
  const viewable = IMAGES.has(a.content_type) || a.content_type === PDF;
  return h("li", {},
    viewable ? h("button", { type: "button", class: "link tl-view", onclick: () => view(a) },
      `View ${label(a)}`) : h("span", {}, label(a)),
    " ", h("a", { href: fileUrl(a), download: "", class: "muted" },
      `Download (${a.content_type})`),
    summaryBlock(a.summary));
}

// The list of files under a timeline item (null when it has none).
export function attachmentList(item) {
  return (item.attachments || []).length
    ? h("ul", { class: "tl-attachments" }, item.attachments.map((a) => fileItem(a, item))) : null;
}
