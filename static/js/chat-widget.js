// Caseline chat: include on any page with
//   <script src="https://console.example.com/static/js/chat-widget.js" data-key="WIDGET_KEY" async></script>
// Optional: data-lang="es" (else the visitor's browser language) and data-colour="#0a7d5a"
// for the button (the window itself takes the client's branding from the console).
// It adds a chat button that opens the widget in an iframe served by the console, so the
// visitor's session never mixes with the host page.
(function () {
  var script = document.currentScript;
  if (!script) return;
  var origin = new URL(script.src).origin;
  var key = script.getAttribute("data-key") || "default";
  var lang = script.getAttribute("data-lang") || navigator.language || "";
  var colour = script.getAttribute("data-colour") || "";
  if (!/^#[0-9a-fA-F]{6}$/.test(colour)) colour = "#1f4e79";
  var open = false;
  var frame = document.createElement("iframe");
  frame.src = origin + "/chat/widget?key=" + encodeURIComponent(key) +
    (lang ? "&lang=" + encodeURIComponent(lang) : "");
  frame.title = "Chat with us";
  frame.style.cssText = "position:fixed;bottom:80px;right:20px;width:340px;height:460px;" +
    "border:1px solid #cbd5e1;border-radius:10px;box-shadow:0 8px 24px rgba(0,0,0,.2);" +
    "background:#fff;z-index:2147483646;display:none";
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = "Chat with us";
  button.setAttribute("aria-expanded", "false");
  button.style.cssText = "position:fixed;bottom:20px;right:20px;padding:12px 18px;border:0;" +
    "border-radius:24px;background:" + colour + ";color:#fff;font:600 14px system-ui,sans-serif;" +
    "cursor:pointer;z-index:2147483647";
  button.addEventListener("click", function () {
    open = !open;
    frame.style.display = open ? "block" : "none";
    button.setAttribute("aria-expanded", String(open));
  });
  document.body.appendChild(frame);
  document.body.appendChild(button);
})();
