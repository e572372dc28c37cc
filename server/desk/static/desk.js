/* The agent desk page. Polls the desk's JSON API (so it recovers by itself after
 * a lost connection) and renders everything with textContent: customer text is
 * never interpreted as HTML. */
(function () {
  "use strict";

  var QUEUE_EVERY = 2000;
  var CASE_EVERY = 1000;
  var selected = null;
  var seen = {};
  var firstQueue = true;
  var me = null;

  // The helpers every desk page shares (nav.js, loaded first): an element with text only, the JSON API.
  var $ = window.DeskKit.$, el = window.DeskKit.el, api = window.DeskKit.api;

  function minutes(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function words(value) { return String(value || "").replace(/_/g, " "); }

  function renderQueue(items) {
    var list = $("queue");
    list.textContent = "";
    $("queue-empty").hidden = items.length > 0;
    items.forEach(function (item) {
      var li = el("li", null, item.id === selected ? "selected" : "");
      li.dataset.handoff = item.id;
      var summary = item.summary || {};
      li.appendChild(el("strong", words(summary.case_type || "conversation")));
      li.appendChild(el("div", "Waiting " + minutes(item.waiting_seconds) + " · " + words(item.reason), "meta"));
      li.appendChild(el("div", "Priority " + item.priority + (item.agent ? " · with " + item.agent : " · waiting"),
        item.priority >= 4 ? "meta priority-high" : "meta"));
      var open = el("button", item.status === "waiting" ? "Open" : "View", "secondary");
      open.type = "button";
      open.addEventListener("click", function () { select(item.id); });
      li.appendChild(open);
      list.appendChild(li);
      if (!firstQueue && !seen[item.id]) {
        $("alert").textContent = "New handoff: " + words(summary.case_type || item.reason) + " (" + words(item.reason) + ")";
      }
      seen[item.id] = true;
    });
    firstQueue = false;
  }

  function pollQueue() {
    api("queue").then(function (items) {
      $("connection").textContent = "";
      renderQueue(items);
    }).catch(function (error) {
      if (error.message !== "signed out") $("connection").textContent = "Reconnecting to the desk...";
    }).then(function () { setTimeout(pollQueue, QUEUE_EVERY); });
  }

  function summaryCard(handoff) {
    var s = handoff.summary || {};
    var dl = el("dl");
    function row(label, value, className) {
      if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) return;
      dl.appendChild(el("dt", label));
      dl.appendChild(el("dd", Array.isArray(value) ? value.map(words).join(", ") : value, className));
    }
    row("What happened", s.what_happened);
    row("Case", words(s.case_type));
    row("Reference", s.reference);
    var amounts = s.amounts || {};
    row("Amounts", Object.keys(amounts).map(function (k) { return words(k) + " $" + Number(amounts[k]).toFixed(2); }).join(", "));
    row("Policy explained", s.policy ? s.policy.id + ": " + s.policy.rule : "");
    row("Offered", s.offered);
    row("Declined", s.declined);
    row("Accepted", words(s.accepted));
    row("Frustration", s.frustration !== undefined ? s.frustration + " of 3" : "");
    // Verified or not, from the summary; the owner's details only for a verified customer
    // (the server leaves them out otherwise), so an agent never greets a stranger by the owner's name.
    if (s.verified === true) {
      row("Identity", "Verified", "verified");
      var customer = s.customer || {};
      row("Customer", [customer.name, customer.email, customer.phone].filter(Boolean).join(" · "));
    } else {
      row("Identity", "Not verified: greet them without a name, and share no account details until they are verified",
        "not-verified");
    }
    row("Reason for handoff", words(handoff.reason));
    row("Status", handoff.agent ? "with " + handoff.agent : "waiting");
    var card = $("summary");
    card.textContent = "";
    card.appendChild(dl);
  }

  function renderCase(handoff) {
    $("case").hidden = false;
    $("case-title").textContent = "Case #" + handoff.id;
    summaryCard(handoff);
    var mine = handoff.agent === me.name && handoff.status === "claimed";
    $("claim").hidden = handoff.status !== "waiting";
    ["reply-form", "transfer-form", "finish-form"].forEach(function (id) { $(id).hidden = !mine; });
    if (window.GraciousGrants) window.GraciousGrants.show(handoff, mine);  // grants.js
    var list = $("transcript");
    var atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 5;
    list.textContent = "";
    (handoff.transcript || []).forEach(function (line) {
      var li = el("li", null, line.from);
      li.appendChild(el("span", line.from === "agent" ? line.agent : line.from === "customer" ? "Customer" : "Gracious", "who"));
      li.appendChild(el("span", line.text, "text"));
      list.appendChild(li);
    });
    if (atBottom) list.scrollTop = list.scrollHeight;
    var notes = $("notes");
    notes.textContent = "";
    (handoff.notes || []).forEach(function (note) { notes.appendChild(el("li", note.agent + ": " + note.text)); });
    var suggestions = $("suggestions");
    if (!suggestions.childNodes.length) {
      (handoff.suggestions || []).forEach(function (text) {
        var button = el("button", text, "secondary");
        button.type = "button";
        button.addEventListener("click", function () { $("reply").value = text; $("reply").focus(); });
        suggestions.appendChild(button);
      });
    }
  }

  function pollCase() {
    if (selected === null) { setTimeout(pollCase, CASE_EVERY); return; }
    var id = selected;
    api("handoffs/" + id).then(function (handoff) {
      if (id === selected) renderCase(handoff);
    }).catch(function (error) {
      if (error.message !== "signed out") $("connection").textContent = "Reconnecting to the desk...";
    }).then(function () { setTimeout(pollCase, CASE_EVERY); });
  }

  function select(id) {
    selected = id;
    $("suggestions").textContent = "";
    $("case-error").textContent = "";
    api("handoffs/" + id).then(renderCase).catch(showError);
  }

  function showError(error) { $("case-error").textContent = error.message; }

  $("claim").addEventListener("click", function () {
    api("handoffs/" + selected + "/claim", {}).then(function () { select(selected); }).catch(showError);
  });
  $("reply-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("reply").value.trim();
    if (!text) return;
    api("handoffs/" + selected + "/reply", { text: text }).then(function () {
      $("reply").value = "";
      select(selected);
    }).catch(showError);
  });
  $("note-form").addEventListener("submit", function (event) {
    event.preventDefault();
    api("handoffs/" + selected + "/notes", { text: $("note").value }).then(function () {
      $("note").value = "";
      select(selected);
    }).catch(showError);
  });
  $("transfer-form").addEventListener("submit", function (event) {
    event.preventDefault();
    api("handoffs/" + selected + "/transfer", { to: $("transfer-to").value }).then(function () {
      select(selected);
    }).catch(showError);
  });
  $("finish-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var then = event.submitter ? event.submitter.value : "handback";
    api("handoffs/" + selected + "/finish", { outcome: $("outcome").value, then: then }).then(function () {
      $("alert").textContent = then === "handback" ? "Handed back to Gracious." : "Conversation closed.";
      selected = null;
      $("case").hidden = true;
    }).catch(showError);
  });
  $("logout").addEventListener("click", function () {
    fetch("/desk/logout", { method: "POST" }).then(function () { window.location.assign("/desk/login"); });
  });

  function fill(select_, choices) {
    choices.forEach(function (choice) {
      var option = el("option", choice.label);
      option.value = choice.value;
      select_.appendChild(option);
    });
  }

  api("me").then(function (agent) {
    me = agent;
    $("me").textContent = agent.display_name;
    return api("outcomes");
  }).then(function (outcomes) {
    // The outcomes and their words are the code list's (gracious/codes.py).
    fill($("outcome"), outcomes.map(function (o) {
      return { value: o.code, label: o.label.charAt(0).toUpperCase() + o.label.slice(1) };
    }));
    return api("agents");
  }).then(function (agents) {
    fill($("transfer-to"), agents.filter(function (a) { return a.name !== me.name; }).map(function (a) {
      return { value: a.name, label: a.display_name };
    }));
    pollQueue();
    pollCase();
  }).catch(function () {});
}());
