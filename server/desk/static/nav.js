/* On every desk page: the overdue-callbacks alert, polled like the queue. Only the count
 * and fixed words are written, with textContent. */
(function () {
  "use strict";

  var EVERY = 5000;
  var shown = null;

  function render(count) {
    var banner = document.getElementById("overdue");
    if (!banner || count === shown) return;
    shown = count;
    banner.hidden = count === 0;
    var words = banner.querySelector("[data-words]");
    words.textContent = count === 1 ? "1 callback is overdue." : count + " callbacks are overdue.";
  }

  function poll() {
    fetch("/desk/api/callbacks/overdue", { headers: { "Content-Type": "application/json" } }).then(function (reply) {
      if (!reply.ok) throw new Error("not now");
      return reply.json();
    }).then(function (data) { render(Number(data.overdue) || 0); })
      .catch(function () {})
      .then(function () { setTimeout(poll, EVERY); });
  }

  poll();
}());
