// The REST API under /api/v1 for every page part (workspace, phone, board): signed in by the
// session cookie, writes carry the CSRF token, a 401 goes back to the sign-in page.

const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content || "";

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `request failed (${status})`);
    this.status = status;
    this.code = body?.error?.code || "error";
    this.field = body?.error?.field || null; // the input at fault (a form shows it there)
    this.fields = body?.error?.fields || null; // {field: what is wrong}, for invalid input
  }
}

// The answer's status and body: for the few callers to whom a 200 means something else
// than a 201 (a payment already recorded).
// extra: more request headers (an admin page's view marker on its list reads).
export async function send(method, path, body, extra = {}) {
  // A form (a file upload) goes as multipart, its boundary set by the browser.
  const form = body instanceof FormData;
  const resp = await fetch(`/api/v1${path}`, {
    method,
    credentials: "same-origin",
    headers: {
      Accept: "application/json",
      ...(method === "GET" ? {} : { "X-CSRFToken": csrf() }),
      ...(body === undefined || form ? {} : { "Content-Type": "application/json" }),
      ...extra,
    },
    body: body === undefined || form ? body : JSON.stringify(body),
  });
  const data = await resp.json().catch(() => null);
  if (resp.status === 401) {
    // Signed out (in another tab, or the sign-in ended): back to the sign-in page.
    window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
  }
  if (!resp.ok) throw new ApiError(resp.status, data);
  return { status: resp.status, data };
}

const call = async (method, path, body, extra) => (await send(method, path, body, extra)).data;

// A case the API does not know was merged away or is not ours to see: say so in our words,
// not with the server's generic 404 text.
export const CASE_NOT_FOUND = "Case not found (it may have been merged or you may not have access).";
export const caseProblem = (err) => (err?.code === "not_found" ? CASE_NOT_FOUND : err?.message || String(err));

export const get = (path, extra) => call("GET", path, undefined, extra);
export const post = (path, body) => call("POST", path, body);
export const del = (path) => call("DELETE", path);
export const qs = (params) =>
  new URLSearchParams(Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== ""));
