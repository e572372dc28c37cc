/* The desk page's Left the queue list (GET /desk/api/queue/left): the cases whose customer went away,
 * booked a call or chose an email while waiting, newest first, for any agent to read and follow up.
 * Opening one shows the case read-only (case.js): it can't be claimed. Polled every 10 seconds and
 * updated in place (each entry kept by its id), so focus stays put; written with textContent only. */
(function () {
  "use strict";

  var EVERY = 10000;
  var $ = window.DeskKit.$, el = window.DeskKit.el, api = window.DeskKit.api;
  var entries = {};  // handoff id -> its nodes

  function set(node, text) { text = text || ""; if (node.textContent !== text) node.textContent = text; }

  function clock(iso) {
    return iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "";
  }

  function entry(item) {
    var li = el("li", null, "case-card left-card");
    li.dataset.handoff = item.id;
    var parts = { li: li, who: el("h3", null, "who"), why: el("p", null, "meta"), said: el("p", null, "said"),
      open: el("button", "Read", "secondary") };
    parts.open.type = "button";
    parts.open.addEventListener("click", function () { window.DeskCase.open(item.id); });
    ["who", "why", "said", "open"].forEach(function (k) { li.appendChild(parts[k]); });
    return parts;
  }

  function render(cases) {
    var list = $("left-list");
    var active = document.activeElement;
    var ids = {};
    cases.forEach(function (item, index) {
      ids[item.id] = true;
      var parts = entries[item.id] || (entries[item.id] = entry(item));
      var why = "Left " + clock(item.left_at) + (item.left_words ? ": " + item.left_words : "");
      set(parts.who, item.label + " · " + item.topic);
      set(parts.why, why);
      set(parts.said, item.last_message ? "“" + item.last_message + "”" : "");
      parts.said.hidden = !item.last_message;
      var name = "Read case " + item.id + ", " + item.label + ", " + item.topic + ", " + why.toLowerCase();
      if (parts.open.getAttribute("aria-label") !== name) parts.open.setAttribute("aria-label", name);
      if (list.children[index] !== parts.li) list.insertBefore(parts.li, list.children[index] || null);
    });
    Object.keys(entries).forEach(function (id) {
      if (ids[id]) return;
      if (entries[id].li.contains(active)) $("left-title").focus();
      entries[id].li.remove();
      delete entries[id];
    });
    if (active && active !== document.activeElement && document.contains(active)) active.focus({ preventScroll: true });
    set(document.querySelector("[data-count=left]"), "(" + cases.length + ")");
    $("left-empty").hidden = cases.length > 0;
  }

  function poll() {
    api("queue/left").then(function (data) { render(data.cases || []); }).catch(function () {})
      .then(function () { setTimeout(poll, EVERY); });
  }

  poll();
}());
