/* The History page: finished cases searched by customer, reference, words, agent or outcome
 * (GET /desk/api/history), each opened read-only from the case API, and satisfaction per agent
 * (GET /desk/api/satisfaction). Everything a customer or an agent typed is written with textContent. */
(function () {
  "use strict";

  var $ = window.DeskKit.$, el = window.DeskKit.el, api = window.DeskKit.api;

  var DELAY = 300;
  var me = null;
  var rows = [];       // the rows shown, for the case view's rating and outcome
  var next = null;     // the next page's offset
  var asked = 0;
  var timer = null;
  var opener = null;   // the button that opened the case, to go back to

  function when(iso) { return iso ? new Date(iso).toLocaleString() : ""; }
  function problem(error) { if (error.message !== "signed out") $("connection").textContent = error.message; }

  function figures(f) {
    if (!f || !f.count) return "No ratings";
    var stars = [5, 4, 3, 2, 1].filter(function (s) { return f.distribution[String(s)]; })
      .map(function (s) { return s + ": " + f.distribution[String(s)]; });
    return f.average + " average from " + f.count + (f.count === 1 ? " rating" : " ratings") + " (" + stars.join(", ") + ")";
  }

  function showSatisfaction(data) {
    var body = $("satisfaction").tBodies[0];
    body.textContent = "";
    var week = data.windows[0], month = data.windows[1];
    week.agents.forEach(function (agent, i) {
      var tr = el("tr");
      var th = el("th", agent.display_name);
      th.scope = "row";
      tr.appendChild(th);
      tr.appendChild(el("td", figures(agent)));
      tr.appendChild(el("td", figures(month.agents[i])));
      body.appendChild(tr);
    });
    var team = el("tr", null, "team");
    var name = el("th", "Whole team");
    name.scope = "row";
    team.appendChild(name);
    team.appendChild(el("td", figures(week.team)));
    team.appendChild(el("td", figures(month.team)));
    body.appendChild(team);
    $("satisfaction-caption").textContent = data.lead ? "Ratings per agent, and the whole team's" :
      "Your ratings, and the whole team's";
  }

  function duration(seconds) {
    var minutes = Math.floor(seconds / 60), rest = seconds % 60;
    if (!minutes) return seconds + (seconds === 1 ? " second" : " seconds");
    return minutes + (minutes === 1 ? " minute" : " minutes") + (rest ? " " + rest + (rest === 1 ? " second" : " seconds") : "");
  }

  function rating(value) { return value ? value + " of 5" : "Not rated"; }

  function row(item) {
    var tr = el("tr");
    tr.dataset.id = item.id;
    [when(item.when), item.customer, item.reference || "", item.reason_words, item.outcome_words,
      item.agent_name || "", rating(item.rating)].forEach(function (value) { tr.appendChild(el("td", value)); });
    var td = el("td");
    var open = el("button", "Open case " + item.id, "secondary");
    open.type = "button";
    open.setAttribute("aria-label", "Open case " + item.id + ", " + item.customer +
      (item.reference ? ", " + item.reference : "") + ", " + item.outcome_words);
    open.addEventListener("click", function () { openCase(item, open); });
    td.appendChild(open);
    tr.appendChild(td);
    return tr;
  }

  function query(offset) {
    var params = new URLSearchParams();
    var q = $("history-q").value.trim(), agent = $("history-agent").value, outcome = $("history-outcome").value;
    if (q) params.set("q", q);
    if (agent) params.set("agent", agent);
    if (outcome) params.set("outcome", outcome);
    if (offset) params.set("offset", String(offset));
    return params.toString();
  }

  function outcomes(list) {
    var select = $("history-outcome");
    if (select.options.length > 1) return;
    list.forEach(function (o) {
      var option = el("option", o.label);
      option.value = o.code;
      select.appendChild(option);
    });
  }

  function search(more) {
    var mine = ++asked;
    var offset = more ? next : 0;
    return api("history?" + query(offset)).then(function (data) {
      if (mine !== asked) return;
      $("connection").textContent = "";
      outcomes(data.outcomes || []);
      var body = $("history").tBodies[0];
      if (!more) { body.textContent = ""; rows = []; }
      data.results.forEach(function (item) { rows.push(item); body.appendChild(row(item)); });
      next = data.next_offset;
      $("history-more").hidden = next === null || next === undefined;
      $("history-status").textContent = data.total === 0 ? "No finished case matches." :
        (data.total === 1 ? "1 case found." : data.total + " cases found, newest first.") +
        (rows.length < data.total ? " Showing " + rows.length + "." : "");
    }).catch(problem);
  }

  function fact(list, term, value) {
    if (value === undefined || value === null || value === "") return;
    list.appendChild(el("dt", term));
    list.appendChild(el("dd", value));
  }

  function openCase(item, button) {
    opener = button;
    api("handoffs/" + encodeURIComponent(item.id)).then(function (c) {
      var s = c.summary || {};
      var customer = s.customer || {};
      $("case-title").textContent = "Case " + item.id + ": " + item.customer;
      $("case-meta").textContent = "Opened " + when(item.created_at) + " · ended " + when(item.when) +
        " · read only";
      var card = $("case-card");
      card.textContent = "";
      fact(card, "Customer", s.verified === true ? "Verified" : "Not verified");
      fact(card, "Email", customer.email);
      fact(card, "Phone", customer.phone);
      fact(card, "About", c.topic || item.topic);
      fact(card, "Reference", s.reference);
      fact(card, "What happened", s.what_happened);
      fact(card, "Policy", c.policy_name);
      fact(card, "Reason for the handoff", item.reason_words);
      fact(card, "Outcome", item.outcome_words);
      fact(card, "Agent", item.agent_name);
      fact(card, "First reply after", item.first_reply_seconds === null ? null : duration(item.first_reply_seconds));
      fact(card, "Customer's rating", rating(item.rating));
      var transcript = $("case-transcript");
      transcript.textContent = "";
      (c.transcript || []).forEach(function (line) {
        var li = el("li", null, line.from);
        var who = line.from === "customer" ? "Customer" : line.from === "agent" ? (line.agent || "Agent") : "Gracious";
        li.appendChild(el("span", who, "who"));
        if (line.at_iso) li.appendChild(el("span", when(line.at_iso) + " ", "meta"));
        li.appendChild(el("span", line.text));
        transcript.appendChild(li);
      });
      var notes = $("case-notes");
      notes.textContent = "";
      (c.notes || []).forEach(function (n) {
        notes.appendChild(el("li", (n.agent_name || n.agent) + ", " + when(n.created_at) + ": " + n.text));
      });
      $("case-notes-empty").hidden = (c.notes || []).length > 0;
      $("case").hidden = false;
      $("case").focus();
    }).catch(problem);
  }

  $("case-close").addEventListener("click", function () {
    $("case").hidden = true;
    if (opener && document.body.contains(opener)) opener.focus(); else $("history-q").focus();
  });
  $("history-form").addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    search(false);
  });
  $("history-q").addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { search(false); }, DELAY); });
  ["history-agent", "history-outcome"].forEach(function (id) { $(id).addEventListener("change", function () { search(false); }); });
  $("history-more").addEventListener("click", function () { search(true); });

  var start = new URLSearchParams(window.location.search).get("q");
  if (start) $("history-q").value = start;
  api("me").then(function (who) {
    me = who;
    if (!me.lead) return null;
    $("history-agent-field").hidden = false;
    return api("agents").then(function (agents) {
      agents.forEach(function (a) {
        var option = el("option", a.display_name);
        option.value = a.name;
        $("history-agent").appendChild(option);
      });
    });
  }).then(function () { return search(false); }).catch(problem);
  api("satisfaction").then(showSatisfaction).catch(problem);
}());
