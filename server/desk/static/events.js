/* The desk's notifications (window.DeskEvents): a list of recent events, newest first, each with
 * its time, kept for the whole shift; the tab's title counting the events the agent has not seen
 * (cleared when the page is looked at again); and, opted into, a short tone made with the Web Audio
 * API. desk.js says what happened; everything is written with textContent. */
(function () {
  "use strict";

  var KEEP = 30;
  var SOUND_KEY = "gracious.desk.sound";
  var TITLE = document.title;
  var $ = window.DeskKit.$, el = window.DeskKit.el;
  var unseen = 0;
  var audio = null;

  function looking() { return document.visibilityState === "visible" && document.hasFocus(); }

  function showCount() {
    document.title = unseen ? "(" + unseen + ") " + TITLE : TITLE;
  }

  function seen() {
    if (!unseen) return;
    unseen = 0;
    showCount();
  }

  function soundOn() {
    try { return window.localStorage.getItem(SOUND_KEY) === "on"; } catch (e) { return false; }
  }

  function context() {
    var Audio = window.AudioContext || window.webkitAudioContext;
    if (!audio && Audio) audio = new Audio();
    return audio;
  }

  // A short two-note chime: no audio file to load, nothing to fetch.
  function tone() {
    var ctx = context();
    if (!ctx) return;
    if (ctx.state === "suspended") ctx.resume();
    [880, 1320].forEach(function (pitch, i) {
      var start = ctx.currentTime + i * 0.14;
      var osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = pitch;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.13);
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start(start);
      osc.stop(start + 0.14);
    });
  }

  function time(date) {
    var node = el("time", date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
    node.dateTime = date.toISOString();
    return node;
  }

  /* One event: its words, and options {sound: true} (a new case, a transfer to me), {kind: "..."} a class. */
  function add(words, options) {
    options = options || {};
    var list = $("events");
    var li = el("li", null, options.kind || "");
    li.appendChild(time(new Date()));
    li.appendChild(el("span", words, "words"));
    list.insertBefore(li, list.firstChild);
    while (list.children.length > KEEP) list.removeChild(list.lastChild);
    $("events-empty").hidden = true;
    if (!looking()) { unseen += 1; showCount(); }
    if (options.sound && soundOn()) tone();
  }

  var box = $("sound");
  box.checked = soundOn();
  box.addEventListener("change", function () {
    try { window.localStorage.setItem(SOUND_KEY, box.checked ? "on" : "off"); } catch (e) { /* private mode */ }
    if (box.checked) tone();  // a sample, and the browser lets sound play after this click
  });
  window.addEventListener("focus", seen);
  document.addEventListener("visibilitychange", function () { if (looking()) seen(); });
  document.addEventListener("pointerdown", seen);
  document.addEventListener("keydown", seen);

  window.DeskEvents = { add: add, seen: seen, unseen: function () { return unseen; } };
}());
