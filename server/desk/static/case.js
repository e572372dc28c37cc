/* The open case on the desk (window.DeskCase, driven by desk.js): its summary card in words, the
 * transcript with a time on every line, notes, and the controls of the agent holding it. Polled
 * every second and updated in place: the card is rewritten only when its words change, the
 * transcript and the notes only grow, so focus and a half-typed reply stay where they are. Only a
 * new customer message is announced (#announce). Everything is written with textContent. */
(function () {
  "use strict";

  var $ = window.DeskKit.$, el = window.DeskKit.el, api = window.DeskKit.api;
  var kit = null, me = null;
  var selected = null;
  var shown = null;  // {id, lines, notes, card}: what is on screen for the selected case

  function time(iso) {
    var node = el("time");
    if (!iso) return node;
    var date = new Date(iso);
    node.dateTime = iso;
    node.textContent = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    node.title = date.toLocaleString();
    return node;
  }

  function money(value) { return "$" + Number(value).toFixed(2); }
  function words(value) { return String(value || "").replace(/_/g, " "); }
  function list(value) { return Array.isArray(value) ? value.filter(Boolean).join(", ") : value; }

  // What was booked, however the card carries it: words, a list, or {what, when} records.
  function booked(value) {
    if (!value) return "";
    var all = Array.isArray(value) ? value : [value];
    return all.map(function (one) {
      if (typeof one !== "object") return String(one);
      return Object.keys(one).filter(function (k) { return one[k] !== null && one[k] !== ""; })
        .map(function (k) { return words(k) + ": " + one[k]; }).join(", ");
    }).join("; ");
  }

  // What the customer wrote after the handoff (while waiting, after leaving the queue): one line each, with its time.
  function since(s) {
    return (Array.isArray(s.said_since) ? s.said_since : []).map(function (m) {
      var at = m.at_iso ? new Date(m.at_iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + " " : "";
      return at + "“" + m.text + "”";
    });
  }

  function status(handoff) {
    var who = function () { return handoff.agent === me.name ? "you" : handoff.agent_name; };
    if (handoff.status === "waiting") return "waiting " + handoff.wait_words;
    if (handoff.status === "claimed" && handoff.agent) return "with " + who();
    if (handoff.status === "left") return "left the queue" + (handoff.left_words ? ": " + handoff.left_words : "");
    return words(handoff.status) + (handoff.agent_name ? " by " + who() : "");
  }

  function rows(handoff) {
    var s = handoff.summary || {}, customer = s.customer || {};
    var amounts = s.amounts || {};
    var said = (handoff.last_messages || s.last_messages || []).slice(-3).map(function (m) { return "“" + m + "”"; }).join(" · ");
    var out = [
      ["Said since the handoff", since(s), "said-since"],
      ["Customer", [handoff.label].concat(s.verified === true ? [customer.email, customer.phone] : []).filter(Boolean).join(" · ")],
      s.verified === true ? ["Identity", "Verified", "verified"] :
        ["Identity", "Not verified: greet them without a name, and share no account details until they are verified", "not-verified"],
      ["What happened", s.what_happened],
      ["Case", kit.capital(handoff.topic)],
      ["Reference", s.reference],
      ["Amounts", Object.keys(amounts).map(function (k) { return words(k) + " " + money(amounts[k]); }).join(", ")],
      ["Policy explained", handoff.policy_name ? handoff.policy_name + (s.policy && s.policy.rule ? ": " + s.policy.rule : "") : ""],
      ["Granted", list(handoff.granted_titles)],
      ["Accepted", handoff.accepted_title],
      ["Declined", list(handoff.declined_titles)],
      ["Still open", list(handoff.offered_open)],
      ["Booked", booked(s.booked)],
      ["Last messages", said],
      ["Frustration", s.frustration !== undefined ? s.frustration + " of 3" : ""],
      ["Reason for handoff", handoff.reason_words],
      ["Status", status(handoff)],
      ["Customer's rating", handoff.status === "finished" && rated.id === handoff.id ?
        (rated.value ? rated.value + " of 5" : "Not rated yet") : ""]
    ];
    return out.filter(function (row) {
      return row[1] !== undefined && row[1] !== null && row[1] !== "" && !(Array.isArray(row[1]) && !row[1].length);
    });
  }

  function renderCard(handoff) {
    var content = rows(handoff);
    var key = JSON.stringify(content);
    if (shown.card === key) return;
    shown.card = key;
    var dl = el("dl");
    content.forEach(function (row) {
      dl.appendChild(el("dt", row[0]));
      (Array.isArray(row[1]) ? row[1] : [row[1]]).forEach(function (text) { dl.appendChild(el("dd", text, row[2])); });
    });
    var card = $("summary");
    card.textContent = "";
    card.appendChild(dl);
  }

  function line(entry) {
    var li = el("li", null, entry.from + (entry.clicked ? " clicked" : ""));
    li.appendChild(time(entry.at_iso));
    var who = entry.from === "agent" ? entry.agent : entry.from === "customer" ? "Customer" : "Gracious";
    li.appendChild(el("span", who + (entry.clicked ? " (button)" : ""), "who"));
    li.appendChild(el("span", entry.text, "text"));
    return li;
  }

  function renderTranscript(handoff, first) {
    var lines = handoff.transcript || [];
    var list = $("transcript");
    if (lines.length < shown.lines) { list.textContent = ""; shown.lines = 0; }
    if (lines.length === shown.lines) return;
    var atBottom = first || list.scrollTop + list.clientHeight >= list.scrollHeight - 5;
    lines.slice(shown.lines).forEach(function (entry) {
      list.appendChild(line(entry));
      // Announced: what the customer says now, never the whole conversation again.
      if (!first && entry.from === "customer") kit.setText($("announce"), handoff.label + " says: " + entry.text);
    });
    shown.lines = lines.length;
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  function renderNotes(handoff) {
    var notes = handoff.notes || [];
    var list = $("notes");
    if (notes.length < shown.notes) { list.textContent = ""; shown.notes = 0; }
    notes.slice(shown.notes).forEach(function (note) {
      var li = el("li");
      li.appendChild(time(note.created_at));
      li.appendChild(el("span", (note.agent_name || note.agent) + ": ", "who"));
      li.appendChild(el("span", note.text, "text"));
      list.appendChild(li);
    });
    shown.notes = notes.length;
  }

  function render(handoff) {
    var first = !shown || shown.id !== handoff.id;
    if (first) {
      shown = { id: handoff.id, lines: 0, notes: 0, card: null };
      $("transcript").textContent = "";
      $("notes").textContent = "";
      kit.setText($("announce"), "");
    }
    kit.show($("case"), true);
    kit.setText($("case-title"), "Case " + handoff.id + " · " + handoff.label);
    renderCard(handoff);
    var holding = handoff.agent === me.name && handoff.status === "claimed";
    kit.show($("claim"), handoff.status === "waiting");
    ["reply-form", "transfer-form", "finish-form"].forEach(function (id) { kit.show($(id), holding); });
    // Out of the queue: read it to follow up; nobody claims it or grants on it here.
    var open = handoff.status === "waiting" || handoff.status === "claimed";
    kit.show($("case-readonly"), handoff.status === "left");
    kit.show(document.querySelector("#case .grants"), open);
    if (window.GraciousGrants && open) window.GraciousGrants.show(handoff, holding);  // grants.js
    renderVerify(handoff, first, open && (holding || me.lead === true), holding);
    renderTranscript(handoff, first);
    renderNotes(handoff);
    suggest(handoff.suggestions || []);
  }

  // The identity check (POST handoffs/<id>/verify): for the agent holding the case, or a lead, until the
  // card says verified; the bill or order number asked for only when the case has none yet.
  var holdingShown = false;  // whether the grant list may offer its buttons after a match
  function renderVerify(handoff, first, allowed, holding) {
    var s = handoff.summary || {};
    holdingShown = holding;
    if (first) {
      $("verify-contact").value = "";
      $("verify-reference").value = "";
      kit.setText($("verify-status"), "");
    }
    kit.show($("verify"), allowed);
    kit.show($("verify-form"), allowed && s.verified !== true);
    kit.show($("verify-reference-field"), !s.reference);
  }

  $("verify-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var id = selected, status = $("verify-status");
    var body = { contact: $("verify-contact").value };
    if (!$("verify-reference-field").hidden) body.reference = $("verify-reference").value;
    post("verify", body).then(function (result) {
      status.className = result.verified ? "matched" : "missed";
      kit.setText(status, result.message);
      $("verify-contact").value = "";
      // The grant list (grants.js) lists again only when its case's key changes: a new key once, then its own.
      if (result.verified && window.GraciousGrants) window.GraciousGrants.show({ id: id, status: "verified", agent: me.name }, holdingShown);
      return refresh();
    }).catch(function (error) {
      status.className = "missed";
      kit.setText(status, error.message);
    });
  });

  // Canned replies (replies.js) when the desk has them; the playbook's suggestions otherwise.
  var suggested = false;
  function suggest(texts) {
    if (suggested || window.DeskReplies) return;
    suggested = true;
    texts.forEach(function (text) {
      var button = el("button", text, "secondary");
      button.type = "button";
      button.addEventListener("click", function () { $("reply").value = text; $("reply").focus(); });
      $("suggestions").appendChild(button);
    });
  }

  // A finished case's rating (GET handoffs/<id>/rating): asked when it opens and every 10 s while it is
  // shown, since the customer may rate it after the agent closed it.
  var rated = { id: null, value: null, at: 0 };
  function rating(handoff) {
    if (handoff.status !== "finished" || (rated.id === handoff.id && Date.now() - rated.at < 10000)) return Promise.resolve();
    if (rated.id !== handoff.id) rated = { id: null, value: null, at: 0 };
    rated.at = Date.now();
    return api("handoffs/" + handoff.id + "/rating").then(function (data) {
      rated = { id: handoff.id, value: data.rating, at: rated.at };
    }, function () {});
  }

  function refresh() {
    if (selected === null) return Promise.resolve();
    var id = selected;
    return api("handoffs/" + id).then(function (handoff) {
      return rating(handoff).then(function () { if (id === selected) render(handoff); });
    });
  }

  function poll() {
    refresh().catch(function (error) {
      if (error.message !== "signed out") kit.setText($("connection"), "Reconnecting to the desk...");
    }).then(function () { setTimeout(poll, 1000); });
  }

  function showError(error) { kit.setText($("case-error"), error.message); }

  function post(path, body) { return api("handoffs/" + selected + "/" + path, body); }

  var claimed = {};  // the cases claimed on this page (desk.js tells a transfer to me from my own claim)
  $("claim").addEventListener("click", function () {
    var id = selected;
    claimed[id] = true;
    post("claim", {}).then(refresh).then(function () { $("reply").focus(); }).catch(showError);
  });
  $("reply-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("reply").value.trim();
    if (!text) return;
    post("reply", { text: text }).then(function () { $("reply").value = ""; return refresh(); }).catch(showError);
  });
  $("note-form").addEventListener("submit", function (event) {
    event.preventDefault();
    post("notes", { text: $("note").value }).then(function () { $("note").value = ""; return refresh(); }).catch(showError);
  });
  $("transfer-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var to = $("transfer-to");
    var name = to.options[to.selectedIndex] ? to.options[to.selectedIndex].textContent : to.value;
    post("transfer", { to: to.value }).then(function () {
      kit.setText($("alert"), "Case " + selected + " is with " + name + " now.");
      return refresh();
    }).catch(showError);
  });
  $("finish-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var then = event.submitter ? event.submitter.value : "handback";
    post("finish", { outcome: $("outcome").value, then: then }).then(function () {
      kit.setText($("alert"), then === "handback" ? "Handed back to Gracious." : "Conversation closed.");
      selected = null;
      shown = null;
      kit.show($("case"), false);
      $("queue-title").focus();
    }).catch(showError);
  });

  function fill(select, choices) {
    choices.forEach(function (choice) {
      var option = el("option", choice.label);
      option.value = choice.value;
      select.appendChild(option);
    });
  }

  window.DeskCase = {
    mount: function (helpers) { kit = helpers; },
    me: function (agent) { me = agent; },
    selected: function () { return selected; },
    claimedHere: function (id) { return !!claimed[id]; },
    open: function (id) {
      selected = id;
      kit.setText($("case-error"), "");
      return refresh().catch(showError);
    },
    // The outcomes (gracious/codes.py) and the other agents, once; then the case is polled.
    start: function () {
      if (window.DeskReplies) { window.DeskReplies.mount($("replies"), $("reply")); kit.show($("suggestions"), false); }
      return api("outcomes").then(function (outcomes) {
        fill($("outcome"), outcomes.map(function (o) { return { value: o.code, label: kit.capital(o.label) }; }));
        return api("agents");
      }).then(function (agents) {
        fill($("transfer-to"), agents.filter(function (a) { return a.name !== me.name; }).map(function (a) {
          return { value: a.name, label: a.display_name };
        }));
        poll();
      });
    }
  };
}());
