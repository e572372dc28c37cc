/* The Gracious chat widget on the demo site: rasa-webchat over Rasa's socket.io
 * channel (the widget shows its own typing indicator while the assistant works),
 * plus what the page adds on top: labels for screen readers and keyboard access
 * to the reply buttons.
 * Everything is served from this server; nothing comes from a CDN. */
(function () {
  "use strict";

  function label(selector, text) {
    document.querySelectorAll(selector).forEach(function (el) {
      if (!el.getAttribute("aria-label")) el.setAttribute("aria-label", text);
    });
  }

  // rasa-webchat renders without labels; add them as its elements appear.
  function improveAccessibility() {
    label(".rw-launcher", "Open the chat with Gracious, our care assistant");
    label(".rw-close-button", "Close the chat");
    label(".rw-new-message", "Type your message");
    label(".rw-send", "Send");
    var log = document.querySelector(".rw-messages-container");
    if (log && !log.getAttribute("role")) {
      log.setAttribute("role", "log");
      log.setAttribute("aria-live", "polite");
      log.setAttribute("aria-label", "Conversation");
    }
    document.querySelectorAll(".rw-reply").forEach(function (reply) {
      if (reply.tagName !== "A" && !reply.hasAttribute("tabindex")) {
        reply.setAttribute("tabindex", "0");
        reply.setAttribute("role", "button");
      }
    });
  }

  // Reply buttons that are divs: Enter and Space press them, like real buttons.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!target.classList || !target.classList.contains("rw-reply") || target.tagName === "A") return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      target.click();
    }
  });

  new MutationObserver(improveAccessibility).observe(document.body, { childList: true, subtree: true });

  window.WebChat.default({
    selector: "#gracious-chat",
    initPayload: "/greet",
    customData: { language: "en", page: window.location.pathname },
    socketUrl: window.location.origin,
    socketPath: "/socket.io/",
    title: "Larkspur & Co. care",
    subtitle: "Gracious, your care assistant",
    inputTextFieldHint: "Type your message...",
    showFullScreenButton: false,
    displayUnreadCount: true,
    showMessageDate: false,
    params: { storage: "local" }
  }, null);
}());
