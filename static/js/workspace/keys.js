// Keyboard: / search, j/k move, n note, a/d take or pass on offered work, ? the sheet, Esc.

export const SHORTCUTS = [
  ["/", "Search customers"],
  ["j / k", "Next / previous search result or timeline item"],
  ["Enter", "Open the selected search result"],
  ["n", "Start a note"],
  ["Ctrl+Enter", "Send from the composer"],
  ["a / d", "Accept / decline the work offered to you (oldest first)"],
  ["p", "Pick up (answer) the ringing call"],
  ["?", "Show this sheet"],
  ["Esc", "Close / leave a field"],
];

const typing = (el) => el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

export function bindKeys({ search, timeline, composer, sheet, offers }) {
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (typing(e.target)) return;
    const inResults = search.open;
    switch (e.key) {
      case "/": e.preventDefault(); search.focus(); break;
      case "j": e.preventDefault(); inResults ? search.move(1) : timeline.move(1); break;
      case "k": e.preventDefault(); inResults ? search.move(-1) : timeline.move(-1); break;
      case "Enter": if (inResults) { e.preventDefault(); search.choose(search.selected); } break;
      case "n": if (composer.caseId) { e.preventDefault(); composer.start("note"); } break;
      case "a": if (offers.first) { e.preventDefault(); offers.accept(); } break;
      case "d": if (offers.first) { e.preventDefault(); offers.decline(); } break;
      case "?": e.preventDefault(); sheet.open ? sheet.close() : sheet.showModal(); break;
      case "Escape": search.close(); break;
      default:
    }
  });
}
