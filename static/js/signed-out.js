// The sign-in page: every sign-out ends here, so nothing the last agent left unsent in this
// tab (composer drafts) stays behind for the next person at the desk.
for (const key of Object.keys(sessionStorage)) {
  if (key.startsWith("caseline-draft:")) sessionStorage.removeItem(key);
}
