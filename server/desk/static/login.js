/* Sign in to the agent desk; the session cookie is HttpOnly, set by the server. */
(function () {
  "use strict";
  var form = document.getElementById("login-form");
  var error = document.getElementById("login-error");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    error.textContent = "";
    fetch("/desk/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: form.name.value, password: form.password.value })
    }).then(function (reply) {
      if (reply.ok) { window.location.assign("/desk/"); return null; }
      return reply.json().then(function (body) { error.textContent = body.error || "Sign-in failed."; });
    }).catch(function () { error.textContent = "The desk can't be reached. Try again in a moment."; });
  });
}());
