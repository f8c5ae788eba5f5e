// Shopkeeper chat widget. Add one tag to any page:
//   <script src="https://support.example.com/widget.js" async></script>
// It adds a "Chat with us" button that opens the store's web chat in a panel (an iframe of the server's
// page, so no cross-origin API calls are needed). Optional: data-label="..." on the script tag.
(() => {
  "use strict";
  const script = document.currentScript;
  if (!script || document.getElementById("shopkeeper-widget")) return;
  const origin = new URL(".", script.src);
  const label = script.dataset.label || "Chat with us";

  const root = document.createElement("div");
  root.id = "shopkeeper-widget";
  root.style.cssText = "position:fixed;right:1rem;bottom:1rem;z-index:2147483000;font-family:system-ui,sans-serif";

  const panel = document.createElement("div");
  panel.id = "shopkeeper-widget-panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", "Store assistant chat");
  panel.hidden = true;
  panel.style.cssText =
    "width:min(24rem,calc(100vw - 2rem));height:min(36rem,calc(100vh - 6rem));margin-bottom:.5rem;" +
    "border:1px solid #ccd;border-radius:.75rem;overflow:hidden;box-shadow:0 8px 24px rgba(0,0,0,.2);background:#fff";

  const button = document.createElement("button");
  button.type = "button";
  button.id = "shopkeeper-widget-button";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", panel.id);
  button.style.cssText =
    "display:block;margin-left:auto;padding:.7rem 1.1rem;border:0;border-radius:2rem;background:#1f5fbf;" +
    "color:#fff;font:inherit;cursor:pointer;box-shadow:0 4px 12px rgba(0,0,0,.2)";

  let frame = null;
  function toggle(open) {
    if (open && !frame) {
      frame = document.createElement("iframe");
      frame.src = new URL("?embed=1", origin).toString();
      frame.title = "Store assistant chat";
      frame.style.cssText = "width:100%;height:100%;border:0";
      panel.append(frame);
    }
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    button.textContent = open ? "Close chat" : label;
    if (open) frame.focus();
    else button.focus();
  }
  button.addEventListener("click", () => toggle(panel.hidden));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) toggle(false);
  });
  window.addEventListener("message", (event) => {
    if (frame && event.source === frame.contentWindow && event.data === "shopkeeper:close") toggle(false);
  });

  root.append(panel, button);
  (document.body || document.documentElement).append(root);
})();
