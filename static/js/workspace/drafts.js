// Unsent drafts, one per case: the medium they were written for (an email stays an email),
// the text, and what the composer's parts add (subject, recipients, files, a template).
// Kept in memory for a screen pop, and in this tab's sessionStorage so they outlive a reload
// (gone when the tab closes), under the signed-in agent's id, wiped by the sign-in page every
// sign-out reaches, so the next person at a shared desk never sees them.
const me = document.querySelector('meta[name="caseline-user"]')?.content || "";
const PREFIX = "caseline-draft:";
const key = (caseId) => `${PREFIX}${me}:${caseId}`;
const memory = new Map(); // case id -> draft

// A draft worth keeping has words in it, or files, or a template chosen.
export function isEmpty(draft) {
  const parts = Object.values(draft.parts || {}).filter((p) => p && Object.keys(p).length);
  return !(draft.body || "").trim() && !(draft.subject || "").trim() && !parts.length;
}

export function keep(caseId, draft) {
  if (isEmpty(draft)) { drop(caseId); return; }
  memory.set(caseId, draft);
  try { sessionStorage.setItem(key(caseId), JSON.stringify(draft)); } catch { /* full */ }
}

export function take(caseId) {
  if (memory.has(caseId)) return memory.get(caseId);
  try { return JSON.parse(sessionStorage.getItem(key(caseId))) || null; } catch { return null; }
}

export function drop(caseId) {
  memory.delete(caseId);
  sessionStorage.removeItem(key(caseId));
}
