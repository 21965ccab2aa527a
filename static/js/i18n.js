// The agent UI's words in the signed-in user's language. The page carries the catalogue of the
// JavaScript's own strings (translations/<lang>/LC_MESSAGES/js.po, extracted by `make extract`
// from t("…") and tn("…", "…", n) calls) as JSON in <script id="caseline-texts">; a string
// with no translation is shown as written (English is the source). See docs/languages.md.
const node = document.getElementById("caseline-texts");
let texts = {};
try { texts = JSON.parse(node?.textContent || "{}"); } catch { texts = {}; }

export const lang = document.documentElement.lang || "en";

// "%(name)s" filled from values (missing values stay visible rather than vanish).
const fill = (text, values) => (values
  ? text.replace(/%\((\w+)\)[sd]/g, (all, name) => (name in values ? String(values[name]) : all))
  : text);

// t("Assigned"), t("Tasks · %(due)s due", { due: 3 })
export function t(text, values) {
  const said = texts[text];
  return fill(typeof said === "string" && said ? said : text, values);
}

// A catalogue lists a language's plural forms in CLDR's order of its categories (as Babel
// writes them): Spanish has one, many and other, so form 2 is "other".
const CLDR_ORDER = ["zero", "one", "two", "few", "many", "other"];
const rules = new Intl.PluralRules(lang);
const categories = CLDR_ORDER.filter((c) => rules.resolvedOptions().pluralCategories.includes(c));

// tn("%(num)d task", "%(num)d tasks", n): the form for n in this language; %(num)d is n.
export function tn(singular, plural, n, values) {
  const forms = texts[singular];
  const category = rules.select(n);
  const form = Array.isArray(forms) ? forms[categories.indexOf(category)] : null;
  return fill(form || (category === "one" ? singular : plural), { num: n, ...values });
}
