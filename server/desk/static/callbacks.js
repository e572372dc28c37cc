/* The Callbacks page: the team's booked calls in four groups, polled every few seconds.
 * Everything a customer or an agent typed is written with textContent, never as HTML. */
(function () {
  "use strict";

  var $ = window.DeskKit.$, el = window.DeskKit.el, api = window.DeskKit.api;

  var EVERY = 5000;
  var GROUPS = ["overdue", "due_now", "later_today", "upcoming"];
  var OUTCOMES = [
    ["reached", "Reached: the call is done"],
    ["no_answer", "No answer: try again at"],
    ["rescheduled", "Rescheduled to"],
    ["cancelled", "Cancelled"]
  ];
  var me = null;
  var last = "";

  function one(selector) { return document.querySelector(selector); }

  function words(value) { return String(value || "").replace(/_/g, " "); }

  function say(text) { $("callbacks-message").textContent = text; }

  function button(text, onClick, secondary) {
    var node = el("button", text, secondary ? "secondary" : "");
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  function act(path, body, done) {
    api(path, body).then(function () { say(done); refresh(true); }).catch(function (error) {
      if (error.message !== "signed out") say(error.message);
    });
  }

  function caseCard(item) {
    var dl = el("dl");
    function row(label, value, className) {
      if (value === undefined || value === null || value === "") return;
      dl.appendChild(el("dt", label));
      dl.appendChild(el("dd", value, className));
    }
    function list(value) { return Array.isArray(value) ? value.map(words).join(", ") : ""; }
    var s = (item.case && item.case.summary) || {};
    // A follow-up's card is the conversation now: what they wrote after the promise comes first.
    if (Array.isArray(s.said_since) && s.said_since.length) {
      dl.appendChild(el("dt", "Said since the promise"));
      s.said_since.forEach(function (m) { dl.appendChild(el("dd", "“" + m.text + "”", "said said-since")); });
    }
    row("Why they want a call", words(item.reason));
    row("What happened", s.what_happened);
    row("Case", words(s.case_type));
    row("Reference", s.reference);
    // The customer's own words, so nobody asks them to start again.
    if (Array.isArray(s.last_messages) && s.last_messages.length) {
      dl.appendChild(el("dt", "What they said"));
      s.last_messages.forEach(function (said) { dl.appendChild(el("dd", "“" + said + "”", "said")); });
    }
    var amounts = s.amounts || {};
    row("Amounts", Object.keys(amounts).map(function (k) { return words(k) + " $" + Number(amounts[k]).toFixed(2); }).join(", "));
    row("Policy explained", s.policy ? s.policy.id + ": " + s.policy.rule : "");
    // Each offer in one place: granted, accepted, declined, or still open (older cards: what is neither).
    var taken = (s.granted || []).concat(s.accepted ? [s.accepted] : []);
    var declined = (s.declined || []).filter(function (a) { return taken.indexOf(a) < 0; });
    row("Granted", list(s.granted));
    row("Accepted", (s.granted || []).indexOf(s.accepted) < 0 ? words(s.accepted) : "");
    row("Declined", list(declined));
    row("Still open", list((s.offered || []).filter(function (a) { return taken.indexOf(a) < 0 && declined.indexOf(a) < 0; })));
    if (item.case) {
      if (s.verified === true) {
        row("Identity", "Verified", "verified");
        var c = s.customer || {};
        row("Customer", [c.name, c.email, c.phone].filter(Boolean).join(" · "));
      } else {
        row("Identity", "Not verified: greet them without a name, and share no account details until they are verified",
          "not-verified");
      }
      if (item.case.handoff_id) {
        row("Handoff", "#" + item.case.handoff_id + (item.case.agent ? " with " + item.case.agent : ""));
      }
    }
    var card = el("div", null, "card");
    card.appendChild(dl);
    return card;
  }

  function outcomeForm(item) {
    var form = el("form", null, "outcome-form");
    var fieldset = el("fieldset");
    fieldset.appendChild(el("legend", "How did the call go?"));
    var pick = el("label", "Outcome");
    pick.htmlFor = "outcome-" + item.id;
    var select = el("select");
    select.id = pick.htmlFor;
    OUTCOMES.forEach(function (o) { var option = el("option", o[1]); option.value = o[0]; select.appendChild(option); });
    var whenLabel = el("label", "Next call (business time)");
    whenLabel.htmlFor = "when-" + item.id;
    var when = el("input");
    when.type = "datetime-local";
    when.id = whenLabel.htmlFor;
    when.dataset.when = "1";
    function toggle() { var needs = select.value === "no_answer" || select.value === "rescheduled"; whenLabel.hidden = when.hidden = !needs; }
    select.addEventListener("change", toggle);
    toggle();
    var save = el("button", "Save how it went");
    save.type = "submit";
    [pick, select, whenLabel, when, save].forEach(function (node) { fieldset.appendChild(node); });
    form.appendChild(fieldset);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = { outcome: select.value };
      if (!when.hidden) body.next_call_at = when.value;
      var done = { reached: "Marked done. Thank you for calling.", cancelled: "The call is cancelled." }[select.value] ||
        "Saved. The next call is back on the team's list.";
      act("callbacks/" + item.id + "/outcome", body, done);
    });
    return form;
  }

  function noteForm(item) {
    var form = el("form", null, "note-form");
    var label = el("label", "Add a note (the customer never sees these)");
    label.htmlFor = "note-" + item.id;
    var input = el("input");
    input.id = label.htmlFor;
    input.maxLength = 2000;
    input.dataset.note = "1";
    var add = el("button", "Add note", "secondary");
    add.type = "submit";
    [label, input, add].forEach(function (node) { form.appendChild(node); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      act("callbacks/" + item.id + "/notes", { text: input.value }, "Note added.");
      input.value = "";
    });
    return form;
  }

  function render(item) {
    var li = el("li", null, "call");
    li.dataset.callback = item.id;
    li.appendChild(el("h3", item.time + " · " + item.phone));
    var meta = [];
    if (item.minutes_late > 15) meta.push(item.minutes_late + " minutes late");
    meta.push(item.attempts === 1 ? "1 try so far" : item.attempts + " tries so far");
    meta.push(item.claimed_by ? "Being made by " + item.claimed_by : "Nobody has claimed it yet");
    li.appendChild(el("p", meta.join(" · "), "meta" + (item.group === "overdue" ? " late" : "")));
    li.appendChild(caseCard(item));
    if (item.notes.length) {
      var notes = el("ul", null, "call-notes");
      notes.setAttribute("aria-label", "Notes");
      item.notes.forEach(function (n) { notes.appendChild(el("li", n.agent + ": " + n.text)); });
      li.appendChild(notes);
    }
    var row = el("div", null, "actions-row");
    if (!item.claimed_by) {
      row.appendChild(button("Claim this call", function () { act("callbacks/" + item.id + "/claim", {}, "It's yours. The number is " + item.phone + "."); }));
    } else if (me && item.claimed_by === me.name) {
      row.appendChild(button("Give it back to the team", function () { act("callbacks/" + item.id + "/release", {}, "Given back to the team."); }, true));
    }
    li.appendChild(row);
    if (me && item.claimed_by === me.name) li.appendChild(outcomeForm(item));
    li.appendChild(noteForm(item));
    return li;
  }

  function doneForm(item) {
    var form = el("form", null, "outcome-form");
    var fieldset = el("fieldset");
    fieldset.appendChild(el("legend", "Written to them?"));
    var label = el("label", "What you wrote, in a line or two");
    label.htmlFor = "followup-note-" + item.id;
    var input = el("input");
    input.id = label.htmlFor;
    input.maxLength = 2000;
    input.required = true;
    input.dataset.note = "1";
    var save = el("button", "Mark done");
    save.type = "submit";
    [label, input, save].forEach(function (node) { fieldset.appendChild(node); });
    form.appendChild(fieldset);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      act("followups/" + item.id + "/done", { note: input.value }, "Marked done. Thank you for writing to them.");
    });
    return form;
  }

  function renderFollowup(item) {
    var li = el("li", null, "call");
    li.dataset.followup = item.id;
    li.appendChild(el("h3", "Email " + item.email + (item.reference ? " · " + item.reference : "")));
    var meta = ["Promised " + item.promised, (item.overdue ? "Overdue: was due by " : "Due by ") + item.due];
    meta.push(item.claimed_by ? "Being written by " + item.claimed_by : "Nobody has claimed it yet");
    li.appendChild(el("p", meta.join(" · "), "meta" + (item.overdue ? " late" : "")));
    li.appendChild(caseCard(item));
    var row = el("div", null, "actions-row");
    if (!item.claimed_by) {
      row.appendChild(button("Claim this follow-up", function () { act("followups/" + item.id + "/claim", {}, "It's yours. Write to " + item.email + "."); }));
    } else if (me && item.claimed_by === me.name) {
      row.appendChild(button("Give it back to the team", function () { act("followups/" + item.id + "/release", {}, "Given back to the team."); }, true));
    }
    li.appendChild(row);
    if (me && item.claimed_by === me.name) li.appendChild(doneForm(item));
    return li;
  }

  function busy() {
    var active = document.activeElement;
    if (active && one("main").contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName)) return true;
    return Array.prototype.some.call(document.querySelectorAll("[data-note], [data-when]"), function (f) { return f.value; });
  }

  function show(listing) {
    $("today").textContent = listing.today + " · times in " + listing.timezone.replace(/_/g, " ");
    GROUPS.forEach(function (group) {
      var items = listing.groups[group] || [];
      var list = one('[data-group="' + group + '"]');
      list.textContent = "";
      items.forEach(function (item) { list.appendChild(render(item)); });
      one('[data-empty="' + group + '"]').hidden = items.length > 0;
      one('[data-count="' + group + '"]').textContent = "(" + items.length + ")";
    });
    var followups = listing.followups || [];
    var list = one("[data-followups]");
    list.textContent = "";
    followups.forEach(function (item) { list.appendChild(renderFollowup(item)); });
    one('[data-empty="followups"]').hidden = followups.length > 0;
    one('[data-count="followups"]').textContent = "(" + followups.length + ")";
  }

  function refresh(force) {
    return api("callbacks").then(function (listing) {
      $("connection").textContent = "";
      var seen = JSON.stringify([listing.groups, listing.followups]);
      if (force || (seen !== last && !busy())) { last = seen; show(listing); }
    }).catch(function (error) {
      if (error.message !== "signed out") $("connection").textContent = "Reconnecting to the desk...";
    });
  }

  function poll() { refresh(false).then(function () { setTimeout(poll, EVERY); }); }

  api("me").then(function (agent) { me = agent; poll(); }).catch(function () {});
}());
