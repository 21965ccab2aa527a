// A reason asked for in the page, never with prompt(): a small dialog with one required
// reason, Cancel, and the error (ours or the server's) beside the field. send(reason) does
// the work; the dialog closes once it went through and stays open, saying why, when it did not.
import { fill, h } from "./dom.js";

// Resolves true once sent, false when cancelled (Cancel or Escape).
export function askReason({ id, title, what, label = "Reason", hint, submitLabel, maxlength = 2000, send }) {
  document.getElementById(id)?.remove();
  return new Promise((resolve) => {
    const reason = h("textarea", { id: `${id}-reason`, name: "reason", rows: 3, maxlength, required: true,
      "aria-required": "true", "aria-describedby": `${id}-hint ${id}-error` });
    const error = h("span", { class: "error field-error", id: `${id}-error`, role: "alert" });
    const submit = h("button", { type: "submit", id: `${id}-submit` }, submitLabel);
    const cancel = h("button", { type: "button", class: "secondary", id: `${id}-cancel` }, "Cancel");
    const form = h("form", { method: "dialog", class: "stacked", novalidate: true },
      what ? h("p", { class: "dialog-what" }, what) : null,
      h("div", { class: "form-row", dataset: { field: "reason" } }, h("label", { for: reason.id }, label), reason,
        h("small", { class: "muted", id: `${id}-hint` }, hint || "required; kept on the audit trail"), error),
      h("div", { class: "dialog-actions" }, cancel, submit));
    const dialog = h("dialog", { id, class: "form-dialog reason-dialog", "aria-labelledby": `${id}-title` },
      h("h2", { id: `${id}-title` }, title), form);
    let sent = false;
    cancel.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => { dialog.remove(); resolve(sent); });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (submit.disabled) return; // one request per press
      fill(error);
      const text = reason.value.trim();
      if (!text) {
        fill(error, "Write the reason: it is required and kept on the audit trail");
        reason.focus();
        return;
      }
      submit.disabled = true;
      try {
        await send(text);
        sent = true;
        dialog.close();
      } catch (err) {
        fill(error, err.message);
        reason.focus();
      } finally {
        submit.disabled = false;
      }
    });
    document.body.append(dialog);
    dialog.showModal();
    reason.focus();
  });
}
