/* The Gracious chat widget on the demo site: rasa-webchat over Rasa's socket.io
 * channel (the widget shows its own typing indicator while the assistant works),
 * plus what the page adds on top: labels for screen readers (the chat button says
 * "Open the chat" or "Close the chat", whichever it will do), Esc to close the chat
 * with focus back on the chat button, keyboard access to the reply buttons, a short
 * pace between messages, and the signed-in customer's identity.
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

  function chatIsOpen() {
    return !!document.querySelector(".rw-conversation-container");
  }

  // The chat button opens the chat when it is closed and closes it when it is open:
  // its name says which, from the first render on (a reload may restore an open chat),
  // and how many messages came while it was closed (the badge on it shows the number).
  function labelLauncher() {
    var badge = document.querySelector(".rw-launcher .rw-unread-count-pastille");
    var unread = badge ? parseInt(badge.textContent, 10) || 0 : 0;
    var words = chatIsOpen() ? "Close the chat" : "Open the chat";
    if (!chatIsOpen() && unread > 0) words += ", " + unread + (unread === 1 ? " new message" : " new messages");
    document.querySelectorAll(".rw-launcher").forEach(function (launcher) {
      if (launcher.getAttribute("aria-label") !== words) launcher.setAttribute("aria-label", words);
    });
  }

  // rasa-webchat renders without labels; add them as its elements appear.
  function improveAccessibility() {
    labelLauncher();
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

  // Esc closes the open chat, from anywhere in it, and focus goes back to the chat
  // button (at phone width the button is hidden while the chat fills the screen, so
  // the chat's own close button closes it).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented || !chatIsOpen()) return;
    var launcher = document.querySelector(".rw-launcher");
    var visible = launcher && launcher.offsetParent !== null;
    var closer = visible ? launcher : document.querySelector(".rw-close-button");
    if (!closer) return;
    event.preventDefault();
    closer.click();
    window.setTimeout(function () {
      var button = document.querySelector(".rw-launcher");
      if (button) button.focus();
    }, 0);
  });

  // characterData: the badge's number changes in place.
  new MutationObserver(improveAccessibility).observe(document.body, { childList: true, subtree: true, characterData: true });
  improveAccessibility();

  // rasa-webchat waits 0.8 to 3 s before showing each message (30 ms a character), so
  // four messages the server sent in 0.1 s took 7.7 s to appear. A short pause keeps
  // its typing indicator between them and shows a four-message answer in about a second.
  function messageDelay(text) {
    return Math.min(400, 200 + (text || "").length);
  }

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
      customMessageDelay: messageDelay,
      // A message that comes while the chat is closed counts on the chat button's badge (and
      // in its name) instead of a preview: rasa-webchat renders the preview, with buttons of
      // its own, inside the chat button, where no keyboard or screen reader can use them.
      disableTooltips: true,
      params: { storage: "local" }
    }, null);
  }

  // The widget starts once the page knows who is signed in (a guest if it can't tell).
  fetchIdentity().then(setIdentity).then(start, start);
}());
