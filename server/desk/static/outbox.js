/* The Outbox page: the outbox rows of both databases and the mail the local sink kept,
 * polled every few seconds. Everything is written with textContent; a mail's HTML is
 * only ever loaded into a sandboxed iframe from its own strictly limited route. */
(function () {
  "use strict";

  var $ = window.DeskKit.$, el = window.DeskKit.el, api = window.DeskKit.api;

  var EVERY = 5000;
  var STATES = { delivered: "Delivered", sending: "Sending", retrying: "Failed, will retry", waiting: "Waiting",
    cancelled: "Not sent (cancelled)" };
  var last = "";
  var open = null;

  function when(iso) { return iso ? new Date(iso).toLocaleString() : ""; }
  function words(value) { return String(value || "").replace(/_/g, " "); }

  function showRows(rows, retrying) {
    var body = $("promises").tBodies[0];
    body.textContent = "";
    $("promises-empty").hidden = rows.length > 0;
    $("retrying").textContent = retrying ? (retrying === 1 ? "1 delivery failed and will be tried again." :
      retrying + " deliveries failed and will be tried again.") : "";
    rows.forEach(function (row) {
      var tr = el("tr", null, "state-" + row.state);
      var what = words(row.topic) + (row.subject ? ": " + row.subject : "") + (row.kind === "webhook" ? " (company's systems)" : " (email)");
      // A cancelled row was never sent and never will be: its reason beside the label, no due time.
      var shown = row.state_words || STATES[row.state] || words(row.state);
      if (row.state === "cancelled" && row.reason) shown += ": " + row.reason;
      var due = row.state === "delivered" || row.state === "cancelled" ? "" : when(row.due_at);
      [when(row.created_at), what, row.kind === "email" ? row.recipient : "", shown,
        row.attempts, row.last_error || "", due, when(row.delivered_at)
      ].forEach(function (value, column) {
        var td = el("td", column === 1 && row.text ? null : value);
        if (column === 1 && row.text) {
          // An email can be read here before it goes (the thank-you note waits an hour): as text, folded.
          var details = el("details");
          details.appendChild(el("summary", value));
          details.appendChild(el("pre", row.text, "mail-text"));
          td.appendChild(details);
        }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  function read(id) {
    api("outbox/mail/" + encodeURIComponent(id)).then(function (mail) {
      open = id;
      $("reading").hidden = false;
      $("reading-subject").textContent = mail.subject || "(no subject)";
      $("reading-meta").textContent = "To " + mail.to + " · from " + mail.from + " · " + when(mail.received_at);
      $("reading-text").textContent = mail.text || "";
      var frame = $("reading-html");
      frame.hidden = $("reading-html-title").hidden = !mail.has_html;
      frame.src = mail.has_html ? "/desk/api/outbox/mail/" + encodeURIComponent(id) + "/html" : "about:blank";
      $("reading").focus();
    }).catch(function (error) { if (error.message !== "signed out") $("connection").textContent = error.message; });
  }

  function showMail(mails, folder) {
    $("mail-folder").textContent = "Kept in " + folder;
    $("mail-empty").hidden = mails.length > 0;
    var list = $("mail");
    list.textContent = "";
    mails.forEach(function (mail) {
      var li = el("li", null, mail.id === open ? "selected" : "");
      li.dataset.mail = mail.id;
      li.appendChild(el("strong", mail.subject || "(no subject)"));
      li.appendChild(el("div", "To " + mail.to + " · " + when(mail.received_at), "meta"));
      var button = el("button", "Read", "secondary");
      button.type = "button";
      button.setAttribute("aria-label", "Read: " + (mail.subject || "no subject"));
      button.addEventListener("click", function () { read(mail.id); });
      li.appendChild(button);
      list.appendChild(li);
    });
  }

  function poll() {
    api("outbox").then(function (data) {
      $("connection").textContent = "";
      var seen = JSON.stringify([data.rows, data.mail]);
      if (seen !== last) { last = seen; showRows(data.rows, data.retrying); showMail(data.mail, data.mail_folder); }
    }).catch(function (error) {
      if (error.message !== "signed out") $("connection").textContent = "Reconnecting to the desk...";
    }).then(function () { setTimeout(poll, EVERY); });
  }

  $("reading").tabIndex = -1;
  poll();
}());
