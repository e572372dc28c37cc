/* What every desk page's script shares (window.DeskKit), and on every page the alert for overdue callbacks
 * and follow-up emails, polled like the queue. Only the count and fixed words are written, with textContent. */
(function () {
  "use strict";

  function $(id) { return document.getElementById(id); }

  // An element with text (never HTML: nothing a customer or an agent typed is read as markup).
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  // The desk's JSON API: POST with a body, GET without; signed out, back to the sign-in page.
  function api(path, body) {
    var options = { headers: { "Content-Type": "application/json" } };
    if (body !== undefined) { options.method = "POST"; options.body = JSON.stringify(body); }
    return fetch("/desk/api/" + path, options).then(function (reply) {
      if (reply.status === 401) { window.location.assign("/desk/login"); throw new Error("signed out"); }
      return reply.json().then(function (data) {
        if (!reply.ok) throw new Error(data.error || "Something went wrong. Please try again.");
        return data;
      });
    });
  }

  window.DeskKit = { $: $, el: el, api: api };
}());

(function () {
  "use strict";

  var EVERY = 5000;
  var shown = null;

  function render(count, followups) {
    var banner = document.getElementById("overdue");
    var key = count + "/" + followups;
    if (!banner || key === shown) return;
    shown = key;
    banner.hidden = count === 0 && followups === 0;
    var said = [];
    if (count) said.push(count === 1 ? "1 callback is overdue." : count + " callbacks are overdue.");
    if (followups) said.push(followups === 1 ? "1 follow-up email is overdue." : followups + " follow-up emails are overdue.");
    banner.querySelector("[data-words]").textContent = said.join(" ");
    var link = banner.querySelector("a");
    if (link) link.href = "/desk/callbacks#" + (count ? "overdue-title" : "followups-title");
  }

  function poll() {
    fetch("/desk/api/callbacks/overdue", { headers: { "Content-Type": "application/json" } }).then(function (reply) {
      if (!reply.ok) throw new Error("not now");
      return reply.json();
    }).then(function (data) { render(Number(data.overdue) || 0, Number(data.followups_overdue) || 0); })
      .catch(function () {})
      .then(function () { setTimeout(poll, EVERY); });
  }

  poll();
}());

/* On every desk page, a banner for each designer's edit the running assistant refused (GET /desk/api/edits):
 * customers are served the last good version meanwhile. The server words each banner; it is written with
 * textContent only, so nothing from the refused file is ever read as HTML. */
(function () {
  "use strict";

  var EVERY = 5000;
  var shown = null;

  function box() {
    var found = document.getElementById("rejected-edits");
    if (found) return found;
    found = document.createElement("div");
    found.id = "rejected-edits";
    found.className = "rejected-edits";
    found.setAttribute("role", "status");
    found.hidden = true;
    var header = document.querySelector("header");
    if (header && header.parentNode) header.parentNode.insertBefore(found, header.nextSibling);
    else document.body.insertBefore(found, document.body.firstChild);
    return found;
  }

  function render(rejected) {
    var words = rejected.map(function (r) { return String(r.banner || ""); });
    var key = JSON.stringify(words);
    if (key === shown) return;
    shown = key;
    var banner = box();
    banner.textContent = "";
    words.forEach(function (said) {
      var line = document.createElement("p");
      line.textContent = said;
      banner.appendChild(line);
    });
    banner.hidden = words.length === 0;
  }

  function poll() {
    fetch("/desk/api/edits", { headers: { "Content-Type": "application/json" } }).then(function (reply) {
      if (!reply.ok) throw new Error("not now");
      return reply.json();
    }).then(function (data) { render(Array.isArray(data.rejected) ? data.rejected : []); })
      .catch(function () {})
      .then(function () { setTimeout(poll, EVERY); });
  }

  poll();
}());
