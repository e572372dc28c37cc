/* On every desk page: the alert for overdue callbacks and follow-up emails, polled like the queue. Only the count
 * and fixed words are written, with textContent. */
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
