// What people read instead of the codes the API speaks: one table for every pane, so a status
// is called the same everywhere — and the same as in the printed case file. The table is
// crm/core/labels.py, embedded in every page as JSON (templates/base.html); a code missing from
// it still reads as words ("hardship_plan" → "hardship plan"), never with underscores.

const LABELS = (() => {
  try { return JSON.parse(document.getElementById("caseline-labels")?.textContent || "{}"); } catch { return {}; }
})();

// A code as words: label("payment_plan") is "payment plan"; unknown codes lose their underscores.
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
