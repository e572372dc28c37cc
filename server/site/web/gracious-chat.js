/* The Gracious chat widget on the demo site: rasa-webchat over Rasa's socket.io
 * channel (the widget shows its own typing indicator while the assistant works),
 * plus what the page adds on top: labels for screen readers, keyboard access
 * to the reply buttons, and the signed-in customer's identity.
 * Everything is served from this server; nothing comes from a CDN.
 *
 * Identity: the site vouches for its signed-in customer with a signed identity
 * (made on the server, never here: see docs/widget.md). The page asks
 * /demo/identity for it before the widget starts, and the widget sends it as
 * customData.identity with every message. A guest sends none. Signing in or out
 * reloads the page (signing out also starts a new conversation); another tab's
 * sign-in or sign-out is picked up when this tab comes back into view. */
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

  // Sent with every message. The widget keeps this very object, so changing it
  // here changes what the next message carries.
  var customData = { language: "en", page: window.location.pathname };

  function setIdentity(answer) {
    if (answer && typeof answer.identity === "string" && answer.identity) {
      customData.identity = answer.identity;
    } else {
      delete customData.identity;
    }
  }

  function fetchIdentity() {
    return fetch("/demo/identity", { credentials: "same-origin", cache: "no-store" })
      .then(function (reply) { return reply.ok ? reply.json() : {}; })
      .catch(function () { return {}; });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") fetchIdentity().then(setIdentity);
  });

  // Signing out ends the conversation in this browser too: on a shared computer,
  // whoever comes next starts a chat of their own and never sees the last one.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.getAttribute && form.getAttribute("action") === "/demo/sign-out") {
      try { window.localStorage.removeItem("chat_session"); } catch (ignored) { /* storage off */ }
    }
  });

  function start() {
    window.WebChat.default({
      selector: "#gracious-chat",
      initPayload: "/greet",
      customData: customData,
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
  }

  // The widget starts once the page knows who is signed in (a guest if it can't tell).
  fetchIdentity().then(setIdentity).then(start, start);
}());
