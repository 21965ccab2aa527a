// My settings: turning desktop notifications on asks the browser's permission in the press of
// Save (browsers only ask on a person's gesture); refused, the box is cleared and says why.
const form = document.getElementById("settings-form");
const desktop = document.getElementById("settings-desktop");
const state = document.getElementById("settings-permission");
let asked = false;

form?.addEventListener("submit", async (event) => {
  const Notice = window.Notification;
  if (asked || !desktop.checked || (Notice && Notice.permission === "granted")) return;
  event.preventDefault();
  asked = true;
  const permission = Notice ? await Notice.requestPermission().catch(() => "denied") : "denied";
  if (permission !== "granted") {
    desktop.checked = false;
    state.textContent = state.dataset.blocked;
  }
  form.requestSubmit();
});
