/* The agent desk page. Polls the desk's JSON API (so it recovers by itself after a lost connection)
 * and updates the page in place: each case's card is one node kept by its id, and only text that
 * changed is written, so keyboard focus stays on the control the agent was on. The transcript only
 * appends what is new, and only a new customer message is announced. Everything is written with
 * textContent: customer text is never interpreted as HTML. */
(function () {
  "use strict";

  var QUEUE_EVERY = 2000;
  var CASE_EVERY = 1000;
  var ME_EVERY = 10000;
  var $ = window.DeskKit.$, el = window.DeskKit.el, api = window.DeskKit.api;
  var events = window.DeskEvents;
  var me = null;
  var view = "all";          // "all" cases, or "mine": the chats I hold
  var cards = {};            // handoff id -> its card's nodes
  var known = null;          // handoff id -> the entry at the last poll (null before the first)
  var polledAt = Date.now();

  function setText(node, text) {
    text = text === undefined || text === null ? "" : String(text);
    if (node.textContent !== text) node.textContent = text;
  }
  function setAttr(node, name, value) { if (node.getAttribute(name) !== value) node.setAttribute(name, value); }
  function show(node, visible) { if (node.hidden === visible) node.hidden = !visible; }
  function clock(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }
  function capital(text) { text = String(text || ""); return text.charAt(0).toUpperCase() + text.slice(1); }
  function mine(item) { return !!me && item.agent === me.name; }

  // -- the queue -------------------------------------------------------------------------------

  function newCard(item) {
    var li = el("li", null, "case-card");
    li.dataset.handoff = item.id;
    var parts = { li: li, who: el("h3", null, "who"), topic: el("p", null, "topic"), said: el("p", null, "said"),
      meta: el("p", null, "meta"), sla: el("p", null, "sla"), open: el("button", null, "secondary") };
    parts.open.type = "button";
    parts.open.addEventListener("click", function () { select(item.id); });
    ["who", "topic", "said", "meta", "sla", "open"].forEach(function (k) { li.appendChild(parts[k]); });
    return parts;
  }

  function fillCard(parts, item) {
    var waiting = item.status === "waiting";
    setText(parts.who, item.label);
    setText(parts.topic, capital(item.topic) + " · " + item.reason_words);
    setText(parts.said, item.last_message ? "“" + item.last_message + "”" : "");
    show(parts.said, !!item.last_message);
    setText(parts.meta, (waiting ? "Waiting " + clock(item.waiting_seconds) : "With " + (mine(item) ? "you" : item.agent_name)) +
      " · Priority " + item.priority);
    parts.meta.className = item.priority >= 4 ? "meta priority-high" : "meta";
    var verb = waiting ? "Open" : "View";
    setText(parts.open, verb);
    setAttr(parts.open, "aria-label", verb + " case " + item.id + ", " + item.label + ", " + item.topic + ", " +
      (waiting ? "waiting " + item.wait_words : "with " + (mine(item) ? "you" : item.agent_name)));
    parts.li.classList.toggle("selected", item.id === opened.selected());
    parts.li.classList.toggle("mine", mine(item));
    parts.item = item;
    tickSla(parts);
  }

  // The first-reply timer: from the case's creation until an agent's first reply (sla_seconds the target).
  function tickSla(parts) {
    var item = parts.item;
    if (!item || !item.sla_seconds) { show(parts.sla, false); return; }
    show(parts.sla, true);
    if (item.first_reply_at) {
      var took = (Date.parse(item.first_reply_at) - Date.parse(item.created_at)) / 1000;
      setText(parts.sla, "First reply after " + clock(took));
      parts.sla.className = "sla done";
      return;
    }
    var left = item.sla_seconds - (item.waiting_seconds + (Date.now() - polledAt) / 1000);
    setText(parts.sla, left >= 0 ? "First reply due in " + clock(left) : "First reply overdue by " + clock(-left));
    parts.sla.className = left >= 0 ? "sla" : "sla overdue";
  }

  function renderQueue(items) {
    var list = $("queue");
    var active = document.activeElement;
    var ids = {};
    var count = { all: items.length, mine: 0 };
    items.forEach(function (item, index) {
      ids[item.id] = true;
      if (mine(item)) count.mine += 1;
      var parts = cards[item.id] || (cards[item.id] = newCard(item));
      fillCard(parts, item);
      show(parts.li, view === "all" || mine(item));
      if (list.children[index] !== parts.li) list.insertBefore(parts.li, list.children[index] || null);
    });
    Object.keys(cards).forEach(function (id) {
      if (ids[id]) return;
      var gone = cards[id].li;
      delete cards[id];
      if (gone.contains(active)) $("queue-title").focus();  // never lost to the page
      gone.remove();
    });
    // Moving a card takes focus from its button: give it back.
    if (active && active !== document.activeElement && document.contains(active)) active.focus({ preventScroll: true });
    setText(document.querySelector("[data-count=all]"), "(" + count.all + ")");
    setText(document.querySelector("[data-count=mine]"), "(" + count.mine + ")");
    var visible = view === "all" ? count.all : count.mine;
    setText($("queue-empty"), view === "all" ? "Nobody is waiting." : "You hold no chats.");
    show($("queue-empty"), visible === 0);
  }

  // What changed since the last poll, for the events list: new cases, transfers to me, a case that left.
  function notice(items) {
    var now = {};
    items.forEach(function (item) { now[item.id] = item; });
    if (known) {
      items.forEach(function (item) {
        var before = known[item.id];
        if (!before) {
          events.add("New case " + item.id + ": " + item.label + ", " + item.topic, { sound: true, kind: "new" });
        } else if (mine(item) && before.agent !== me.name && !opened.claimedHere(item.id)) {
          // Passed to me: by whom when this page saw them hold it (a claim and a transfer between two
          // polls leave only "with you now", which is true either way).
          var words = before.agent ? "Case " + item.id + " was transferred to you by " + before.agent_name :
            "Case " + item.id + " is with you now";
          events.add(words, { sound: true, kind: "transfer" });
          setText($("alert"), words + ".");
        } else if (mine(item) && before.agent === me.name && item.last_message && item.last_message !== before.last_message &&
                   item.id !== opened.selected()) {
          events.add("Case " + item.id + ": " + item.label + " wrote “" + item.last_message + "”", { kind: "message" });
        }
      });
      var gone = Object.keys(known).filter(function (id) { return !now[id] && known[id].status === "waiting"; });
      if (gone.length) told(gone, known);
    }
    known = now;
  }

  // Cases that went from the list: why each left, in words ("Case 7: Guest 7 left the queue (booked a
  // callback)"); without an answer, that it left.
  function told(ids, before) {
    api("queue/left?ids=" + ids.join(",")).then(function (data) {
      var why = {};
      (data.cases || []).forEach(function (c) { why[c.id] = c.left_words; });
      return why;
    }, function () { return {}; }).then(function (why) {
      ids.forEach(function (id) {
        var words = "Case " + id + ": " + before[id].label + " left the queue";
        events.add(why[id] ? words + " (" + why[id] + ")" : words, { kind: "left" });
      });
    });
  }

  function pollQueue() {
    api("queue").then(function (items) {
      polledAt = Date.now();
      setText($("connection"), "");
      notice(items);
      lastItems = items;
      renderQueue(items);
    }).catch(function (error) {
      if (error.message !== "signed out") setText($("connection"), "Reconnecting to the desk...");
    }).then(function () { setTimeout(pollQueue, QUEUE_EVERY); });
  }

  var lastItems = [];
  function choose(which) {
    view = which;
    setAttr($("view-all"), "aria-pressed", String(which === "all"));
    setAttr($("view-mine"), "aria-pressed", String(which === "mine"));
    renderQueue(lastItems);
  }
  $("view-all").addEventListener("click", function () { choose("all"); });
  $("view-mine").addEventListener("click", function () { choose("mine"); });
  setInterval(function () { Object.keys(cards).forEach(function (id) { tickSla(cards[id]); }); }, 1000);

  // -- a case (case.js) --------------------------------------------------------------------------

  var opened = window.DeskCase;
  opened.mount({ setText: setText, show: show, capital: capital });

  function select(id) {
    Object.keys(cards).forEach(function (key) { cards[key].li.classList.toggle("selected", Number(key) === id); });
    opened.open(id);
  }

  // -- me: availability, sign out ----------------------------------------------------------------

  function showMe(agent) {
    me = agent;
    opened.me(agent);
    setText($("me"), agent.display_name);
    var status = agent.availability === "away" ? "away" : "available";
    if ($("availability").value !== status && document.activeElement !== $("availability")) $("availability").value = status;
    show($("availability"), agent.availability !== undefined);
    show(document.querySelector("label[for=availability]"), agent.availability !== undefined);
  }

  $("availability").addEventListener("change", function () {
    var status = $("availability").value;
    api("availability", { status: status }).then(function () {
      setText($("alert"), status === "away" ? "You are away: Gracious does not count you among the people on duty." : "You are available for new cases.");
      return api("me").then(showMe);
    }).catch(function (error) { setText($("alert"), error.message); });
  });
  $("logout").addEventListener("click", function () {
    fetch("/desk/logout", { method: "POST" }).then(function () { window.location.assign("/desk/login"); });
  });

  function pollMe() {
    api("me").then(showMe).catch(function () {}).then(function () { setTimeout(pollMe, ME_EVERY); });
  }

  api("me").then(function (agent) {
    showMe(agent);
    return opened.start();
  }).then(function () {
    pollQueue();
    setTimeout(pollMe, ME_EVERY);
  }).catch(function () {});
}());
