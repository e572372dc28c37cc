/* The case view's grants: the catalog's alternatives for the case (GET /desk/api/cases/<id>/grant),
 * each applied with one click through the assistant's own path (POST, once per record, within the
 * agent's limit). desk.js calls GraciousGrants.show(handoff, mine) as it renders a case. Everything
 * is shown with textContent: nothing from a case is read as HTML. */
(function () {
  "use strict";

  var shown = null;  // "<case id>:<status>:<agent>" last listed, so a poll doesn't fetch again

  var $ = window.DeskKit.$, el = window.DeskKit.el;

  function money(value) { return "$" + Number(value).toFixed(2); }

  function call(id, body) { return window.DeskKit.api("cases/" + encodeURIComponent(id) + "/grant", body); }

  function say(text) { $("grants-status").textContent = text; }

  function render(id, listing, mine) {
    var list = $("grants-list");
    list.textContent = "";
    $("grants-limits").textContent = "Your limits: credits up to " + money(listing.limits.max_credit) +
      ", refunds, exchanges and replacements on orders up to " + money(listing.limits.max_replacement_value) + ".";
    if (!listing.verified) { say("The customer isn't verified for this record, so nothing can be granted on it."); return; }
    if (!listing.alternatives.length) { say("The catalog has nothing to grant for this case."); return; }
    say(mine ? "" : "Claim the conversation to grant one of these.");
    listing.alternatives.forEach(function (alternative) {
      var li = el("li");
      li.appendChild(el("span", alternative.title + (alternative.amount !== null ? " (" + money(alternative.amount) + ")" : ""), "title"));
      if (alternative.granted) {
        li.appendChild(el("span", " Granted " + alternative.granted.at.slice(0, 10), "done"));
      } else if (!alternative.within_limit) {
        li.appendChild(el("span", " Over your limit", "over"));
      } else if (mine) {
        var amount = null;
        if (alternative.kind === "credit") {
          amount = el("input");
          amount.type = "number"; amount.min = "0.01"; amount.step = "0.01";
          amount.value = alternative.amount !== null ? String(alternative.amount) : "";
          amount.setAttribute("aria-label", "Amount for " + alternative.title);
          li.appendChild(amount);
        }
        var button = el("button", "Grant", "secondary");
        button.type = "button";
        button.addEventListener("click", function () {
          var body = { alternative_id: alternative.id };
          if (amount && amount.value) body.amount = Number(amount.value);
          button.disabled = true;
          call(id, body).then(function (done) {
            var mails = done.emails.length ? " Its email is in the outbox." : "";
            say("Granted: " + alternative.title + "." + mails);
            return refresh(id, mine);
          }).catch(function (error) { button.disabled = false; say(error.message); });
        });
        li.appendChild(button);
      }
      list.appendChild(li);
    });
  }

  function refresh(id, mine) {
    return call(id).then(function (listing) { render(id, listing, mine); }).catch(function (error) {
      if (error.message !== "signed out") say(error.message);
    });
  }

  window.GraciousGrants = {
    show: function (handoff, mine) {
      var key = handoff.id + ":" + handoff.status + ":" + handoff.agent;
      if (key === shown) return;
      shown = key;
      refresh(handoff.id, mine);
    }
  };
}());
