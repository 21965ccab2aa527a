// The chat widget section of the admin page: pick a widget, change its look and pre-chat
// fields, and watch a preview of what visitors will see as you type.
import { send } from "/static/js/api.js";
import { t } from "/static/js/i18n.js";
import { clearErrors, listOf, showErrors } from "/static/js/admin/forms.js";

const $ = (id) => document.getElementById(id);
const form = $("widget-form");
const choice = $("widget-choice");
const DEFAULT_COLOUR = "#1f4e79"; // crm.chat.widgets.DEFAULT_COLOUR
const COLOUR = /^#[0-9a-fA-F]{6}$/;
const FIELD_LABELS = { name: t("Your name"), email: t("Email"), phone: t("Phone") };
const ASKED = { required: t("required"), optional: t("optional") };
let current = null; // the widget as last loaded or saved

// Black or white text, whichever reads better (as crm.chat.widgets.text_on).
function textOn(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const light = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (light + 0.05) / 0.05 > 1.05 / (light + 0.05) ? "#000000" : "#ffffff";
}

function preview() {
  if (!current) return;
  const brand = current.client_branding;
  const typed = $("widget-colour").value.trim();
  const colour = COLOUR.test(typed) ? typed
    : (COLOUR.test(brand.colour || "") ? brand.colour : DEFAULT_COLOUR);
  const frame = $("widget-preview");
  frame.style.setProperty("--brand", colour);
  frame.style.setProperty("--on-brand", textOn(colour));
  const logo = $("widget-logo_url").value.trim() || brand.logo_url || "";
  $("preview-logo").hidden = !logo.startsWith("https://");
  if (logo.startsWith("https://")) $("preview-logo").src = logo;
  $("preview-name").textContent = brand.name;
  $("preview-greeting").textContent = $("widget-greeting").value.trim() || brand.greeting
    || t("Hello! Tell us who you are and we will pick up where you left off.");
  const items = [];
  for (const select of form.querySelectorAll("[data-field]")) {
    if (select.value === "off") continue;
    const li = document.createElement("li");
    li.textContent = t("%(field)s (%(asked)s)", {
      field: FIELD_LABELS[select.dataset.field], asked: ASKED[select.value] || select.value });
    items.push(li);
  }
  $("preview-fields").replaceChildren(...items);
}

function fill(widget) {
  current = widget;
  const brand = widget.client_branding;
  $("widget-colour").value = widget.colour || "";
  $("widget-colour").placeholder = brand.colour
    ? t("%(colour)s (the client's)", { colour: brand.colour }) : "#rrggbb";
  $("widget-colour-pick").value = COLOUR.test(widget.colour || brand.colour || "")
    ? (widget.colour || brand.colour) : DEFAULT_COLOUR;
  $("widget-logo_url").value = widget.logo_url || "";
  $("widget-logo_url").placeholder = brand.logo_url || "https://…";
  $("widget-greeting").value = widget.greeting || "";
  $("widget-greeting").placeholder = brand.greeting || "";
  for (const select of form.querySelectorAll("[data-field]")) {
    select.value = widget.fields[select.dataset.field];
  }
  $("widget-contact_required").checked = widget.contact_required;
  preview();
}

async function choose() {
  clearErrors(form);
  if (!choice.value) return;
  try {
    fill((await send("GET", `/admin/widgets/${choice.value}`)).data);
  } catch (err) {
    showErrors(form, err);
  }
}

async function loadChoices() {
  const [{ items: clients }, { items: addresses }] = await Promise.all([
    listOf("/admin/clients"), listOf("/admin/addresses")]);
  const names = Object.fromEntries(clients.map((c) => [c.id, c.name]));
  const keep = choice.value;
  const widgets = addresses.filter((a) => a.kind === "chat");
  choice.replaceChildren(...widgets.map((a) => new Option(
    `${names[a.client_id] || t("Client %(id)s", { id: a.client_id })} · ${a.label || a.value}`, a.id)));
  if (!widgets.length) choice.append(new Option(t("No chat widgets yet"), ""));
  form.querySelector("#widget-submit").disabled = !widgets.length;
  if ([...choice.options].some((o) => o.value === keep)) choice.value = keep;
  await choose();
}

async function save(event) {
  event.preventDefault();
  const colour = $("widget-colour").value.trim();
  if (colour && !COLOUR.test(colour)) {
    showErrors(form, { fields: { colour: t("A colour as #rrggbb, like #1a73e8.") } });
    return;
  }
  const fields = {};
  for (const select of form.querySelectorAll("[data-field]")) fields[select.dataset.field] = select.value;
  try {
    const { data } = await send("PATCH", `/admin/widgets/${choice.value}`, {
      colour, logo_url: $("widget-logo_url").value.trim(),
      greeting: $("widget-greeting").value.trim(), fields,
      contact_required: $("widget-contact_required").checked });
    clearErrors(form);
    fill(data);
    $("widget-status").textContent = t("Saved.");
  } catch (err) {
    showErrors(form, err);
  }
}

function start() {
  choice.addEventListener("change", choose);
  form.addEventListener("input", preview);
  form.addEventListener("change", preview);
  $("widget-colour-pick").addEventListener("input", () => {
    $("widget-colour").value = $("widget-colour-pick").value;
    preview();
  });
  form.addEventListener("submit", save);
  // Loaded when the section opens (each list read is audited: none for a section unseen),
  // and again each time, so widgets added under Addresses are there.
  const opened = () => {
    if (window.location.hash !== "#widgets") return;
    loadChoices().then(() => { form.dataset.ready = "1"; });
  };
  window.addEventListener("hashchange", opened);
  opened();
}

start();
